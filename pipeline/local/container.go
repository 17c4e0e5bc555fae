package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// EntrypointCommand is the first argument of a program started as a
// SageMaker job's container entrypoint: the container runs
// "<program> step <StepName> [container arguments...]".
const EntrypointCommand = "step"

// TrainCommand is the one argument SageMaker starts a training image with
// when the job names no container entrypoint ("docker run <image> train"):
// so it starts the training jobs of a tuning job, whose definition has no
// ContainerEntrypoint. The step to run is then named by StepEnv.
const TrainCommand = "train"

// StepEnv names the environment variable that tells a program started as
// "<program> train" which step's training function to run: a tuning
// step's training definition sets it in its Environment (the step's own
// name).
const StepEnv = "SAGEPIPE_STEP"

// DefaultMLRoot is where SageMaker puts a job's files in its container.
const DefaultMLRoot = "/opt/ml"

// MLRootEnv names the environment variable that, when set, replaces
// DefaultMLRoot for Main (tests lay out a fake /opt/ml tree there).
const MLRootEnv = "SAGEPIPE_ML_ROOT"

// Exit codes of a program Main runs as a job's entrypoint. SageMaker
// marks a job Completed on 0 and Failed on anything else.
const (
	// ExitOK: the step function returned nil.
	ExitOK = 0
	// ExitFailed: the step function returned an error (or panicked).
	ExitFailed = 1
	// ExitEntrypoint: the job could not be set up (ErrEntrypoint): no
	// job configuration under the root, an unreadable file, a step with
	// no binding.
	ExitEntrypoint = 2
)

// ErrEntrypoint reports a container whose job cannot be run: its
// configuration files are missing or malformed, or the step has no
// binding of the job's type.
var ErrEntrypoint = errors.New("local: cannot run the container's job")

// Entrypoint is what a program started as a SageMaker job's container
// reads to run its step. The zero value reads the real container.
type Entrypoint struct {
	// Root stands for /opt/ml: every container path (/opt/ml/processing/
	// input, /opt/ml/input/config/hyperparameters.json, /opt/ml/model, ...)
	// is read and written under it. Empty means DefaultMLRoot.
	Root string
	// Args are the program's arguments without the program name
	// (os.Args[1:]): "step", the step name, then the container arguments;
	// or "train" alone, with the step named by $SAGEPIPE_STEP (StepEnv).
	Args []string
	// Getenv reads the container's environment (TRAINING_JOB_NAME,
	// SAGEPIPE_STEP); nil means os.Getenv.
	Getenv func(string) string
	// Stdout is the job's standard output (a training job's Stdout, whose
	// lines SageMaker's metric definitions are applied to); nil means
	// os.Stdout.
	Stdout io.Writer
	// Logger is the step's Job.Log; nil means text to os.Stderr.
	Logger *slog.Logger
	// System is the step's Job.System; nil means a system sized to the
	// instance, shut down when the step returns.
	System *actor.System
}

// Main runs the program as a SageMaker job's container entrypoint when
// its arguments are "step <StepName> ...", or "train" with $SAGEPIPE_STEP
// naming the step (how SageMaker starts a tuning job's training jobs): it
// runs the step's function, bound on e as for Run, in the job SageMaker
// describes under /opt/ml (or $SAGEPIPE_ML_ROOT), and exits with ExitOK,
// or writes the failure to /opt/ml/output/failure and exits with
// ExitFailed or ExitEntrypoint.
// Otherwise it returns at once, and the program goes on as usual. Call it
// at the top of main, after binding the step functions. SIGTERM (how
// SageMaker stops a job) and SIGINT cancel the function's context.
func Main(ctx context.Context, e *Engine) {
	args := os.Args[1:]
	if _, _, ok := entrypointStep(args, os.Getenv); !ok {
		return
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	_, err := e.RunEntrypoint(ctx, Entrypoint{Root: os.Getenv(MLRootEnv), Args: args})
	stop()
	os.Exit(ExitCode(err))
}

// ExitCode returns the exit code of a RunEntrypoint error.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrEntrypoint):
		return ExitEntrypoint
	default:
		return ExitFailed
	}
}

// entrypointStep returns the step and the container arguments of a
// program started with args, and whether it was started as a job's
// entrypoint: "step <StepName> [arguments...]", or "train" alone with
// getenv(StepEnv) naming the step.
func entrypointStep(args []string, getenv func(string) string) (step string, rest []string, ok bool) {
	switch {
	case len(args) >= 2 && args[0] == EntrypointCommand:
		return args[1], args[2:], true
	case len(args) == 1 && args[0] == TrainCommand && getenv(StepEnv) != "":
		return getenv(StepEnv), nil, true
	}
	return "", nil, false
}

// RunEntrypoint runs the step ep.Args names when they are
// "step <StepName> ...", or "train" with $SAGEPIPE_STEP (read with
// ep.Getenv) naming it, and reports ran true; otherwise it does nothing
// and reports false. The job's type is the one SageMaker's files show: a
// processing job has <root>/config/processingjobconfig.json, a training
// job <root>/input/config/hyperparameters.json. It builds the
// ProcessingJob or TrainingJob Run would give the step's function, calls
// the function bound for the step (by step name, or by the code or image
// keys the job's configuration holds), and on error writes the error's
// text to <root>/output/failure (SageMaker's failure reason) before
// returning it, wrapped with the step name.
func (e *Engine) RunEntrypoint(ctx context.Context, ep Entrypoint) (ran bool, err error) {
	c := newContainer(ep)
	step, rest, ok := entrypointStep(ep.Args, c.Getenv)
	if !ok {
		return false, nil
	}
	c.args = rest
	err = c.run(ctx, e, step)
	if err != nil {
		err = fmt.Errorf("step %s: %w", step, err)
		c.log.Error("step failed", "step", step, "err", err)
		if ferr := c.writeFailure(err); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}
	return true, err
}

// container is one run of a step in a SageMaker container.
type container struct {
	Entrypoint
	log *slog.Logger
	// args are the container arguments: those after the step name.
	args []string
}

func newContainer(ep Entrypoint) *container {
	if ep.Root == "" {
		ep.Root = DefaultMLRoot
	}
	if ep.Getenv == nil {
		ep.Getenv = os.Getenv
	}
	if ep.Stdout == nil {
		ep.Stdout = os.Stdout
	}
	log := ep.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return &container{Entrypoint: ep, log: log}
}

func (c *container) run(ctx context.Context, e *Engine, step string) error {
	switch {
	case c.exists("config", "processingjobconfig.json"):
		return c.processing(ctx, e, step)
	case c.exists("input", "config", "hyperparameters.json"):
		return c.training(ctx, e, step)
	}
	return fmt.Errorf("%w: neither %s nor %s exists", ErrEntrypoint,
		c.path("config", "processingjobconfig.json"), c.path("input", "config", "hyperparameters.json"))
}

// path returns the local path of /opt/ml/<elem...>.
func (c *container) path(elem ...string) string {
	return filepath.Join(append([]string{c.Root}, elem...)...)
}

func (c *container) exists(elem ...string) bool {
	_, err := os.Stat(c.path(elem...))
	return err == nil
}

// local returns the local path of the container path p, which must lie
// under /opt/ml.
func (c *container) local(p string) (string, error) {
	rel, ok := strings.CutPrefix(p, DefaultMLRoot+"/")
	if !ok || rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("%w: container path %q is not under %s", ErrEntrypoint, p, DefaultMLRoot)
	}
	return filepath.Join(c.Root, filepath.FromSlash(rel)), nil
}

// readJSON decodes <root>/<elem...> with pyjson (members in file order).
// A missing file is nil when optional.
func (c *container) readJSON(optional bool, elem ...string) (*pyjson.Object, error) {
	p := c.path(elem...)
	b, err := os.ReadFile(p)
	if optional && errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEntrypoint, err)
	}
	v, err := pyjson.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrEntrypoint, p, err)
	}
	o, ok := v.(*pyjson.Object)
	if !ok {
		return nil, fmt.Errorf("%w: %s: not a JSON object", ErrEntrypoint, p)
	}
	return o, nil
}

// resourceConfig is SageMaker's resourceconfig.json.
type resourceConfig struct {
	CurrentHost         string   `json:"current_host"`
	CurrentInstanceType string   `json:"current_instance_type"`
	Hosts               []string `json:"hosts"`
}

// readResources reads resourceconfig.json at elem; a missing file is one
// host, algo-1.
func (c *container) readResources(elem ...string) (resourceConfig, error) {
	rc := resourceConfig{CurrentHost: "algo-1", Hosts: []string{"algo-1"}}
	b, err := os.ReadFile(c.path(elem...))
	if errors.Is(err, os.ErrNotExist) {
		return rc, nil
	}
	if err != nil {
		return rc, fmt.Errorf("%w: %w", ErrEntrypoint, err)
	}
	if err := json.Unmarshal(b, &rc); err != nil {
		return rc, fmt.Errorf("%w: %s: %w", ErrEntrypoint, c.path(elem...), err)
	}
	if rc.CurrentHost == "" || len(rc.Hosts) == 0 {
		return rc, fmt.Errorf("%w: %s has no current_host or hosts", ErrEntrypoint, c.path(elem...))
	}
	return rc, nil
}

// implementation returns the function bound for the step of type typ
// whose arguments (as far as the container knows them) are args.
func (c *container) implementation(e *Engine, x executor, step, typ string, args *pyjson.Object) (any, error) {
	impl, ok := e.implementation(x, &stepDef{name: step, typ: typ, args: args})
	if !ok {
		return nil, fmt.Errorf("%w: no %s binding for the step", ErrEntrypoint, typ)
	}
	return impl, nil
}

// job returns the Job of the container's step.
func (c *container) job(step, name string, sys *actor.System) Job {
	return Job{Step: step, Name: name, Attempt: 1, Log: c.log.With("step", step), System: sys}
}

// system returns the step's actor system and the function that releases
// it.
func (c *container) system() (*actor.System, func(), error) {
	if c.System != nil {
		return c.System, func() {}, nil
	}
	sys, err := actor.NewSystem(actor.Config{Logger: c.log})
	if err != nil {
		return nil, nil, err
	}
	return sys, func() { _ = sys.Shutdown(context.Background()) }, nil
}

// call runs fn, turning a panic into an error.
func call(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	return fn()
}

// maxFailure is how much of the failure file SageMaker reads.
const maxFailure = 1024

// writeFailure writes err's text to /opt/ml/output/failure.
func (c *container) writeFailure(err error) error {
	msg := err.Error()
	if len(msg) > maxFailure {
		msg = strings.ToValidUTF8(msg[:maxFailure], "")
	}
	p := c.path("output", "failure")
	if mkErr := os.MkdirAll(filepath.Dir(p), 0o755); mkErr != nil {
		return mkErr
	}
	return os.WriteFile(p, []byte(msg), 0o644)
}
