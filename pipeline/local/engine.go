package local

import (
	"crypto/rand"
	"log/slog"
	"sync"
	"time"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/pipeline"
)

// DefaultRoot is the directory an engine keeps its artifact store,
// execution records and cache in when Config.Root is empty.
const DefaultRoot = ".sagepipe"

// Config configures an Engine. The zero value is ready to use: root
// DefaultRoot, every ready step at once, the wall clock, no logging.
type Config struct {
	// Root is the engine's directory: the artifact store (s3/), execution
	// records (executions/), the step cache (cache/) and work in progress
	// (tmp/). Empty means DefaultRoot.
	Root string
	// MaxParallel bounds the steps that run at once; 0 means no bound, as
	// SageMaker's default. RunOptions.MaxParallel overrides it.
	MaxParallel int
	// Clock is the source of time; nil means the wall clock. Tests pass a
	// *VirtualClock so retries with intervals do not sleep.
	Clock Clock
	// Logger receives the engine's events; nil discards them.
	Logger *slog.Logger
	// OnEvent, when set, is called with every event in the order the
	// events happen, from the engine's goroutines one at a time. It must
	// not block for long.
	OnEvent func(pipeline.Event)
	// System is the actor system step functions get; nil means a system
	// sized to the machine, started for each run and shut down after it.
	System *actor.System
	// NewID returns execution ids; nil means 12 random lowercase letters
	// and digits, as SageMaker's.
	NewID func() string
	// Account is the account number in the ARNs the engine makes
	// (Execution.PipelineArn, job ARNs); empty means "000000000000".
	Account string
	// Region is the region in those ARNs; empty means "local".
	Region string
	// StopGrace is how long a stopped execution waits (on the wall clock)
	// for running step functions to return after their context is done;
	// one that does not is recorded as stopped and left behind, and
	// nothing it writes afterwards reaches the store or the record. Zero
	// means 30 seconds.
	StopGrace time.Duration
}

// Engine runs pipelines on this machine. Bind step implementations with
// Processing, Training, Lambda, Callback or Canned, then call Run. An Engine is safe
// for concurrent use; bindings made while a run is starting may or may not
// be seen by it.
type Engine struct {
	cfg   Config
	root  string
	store store

	mu       sync.Mutex
	bindings map[string]map[string]any // step type -> key -> implementation
	canned   map[string]Canned         // step name -> canned result
}

// New returns an engine with cfg.
func New(cfg Config) *Engine {
	root := rootOrDefault(cfg.Root)
	if cfg.Clock == nil {
		cfg.Clock = WallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = 30 * time.Second
	}
	if cfg.Region == "" {
		cfg.Region = "local"
	}
	if cfg.Account == "" {
		cfg.Account = "000000000000"
	}
	return &Engine{cfg: cfg, root: root, store: store{root: root},
		bindings: map[string]map[string]any{}, canned: map[string]Canned{}}
}

func rootOrDefault(root string) string {
	if root == "" {
		return DefaultRoot
	}
	return root
}

// Root returns the engine's root directory.
func (e *Engine) Root() string { return e.root }

// Stage copies the local file or directory src to the S3 URI uri of the
// engine's artifact store (see the package function Stage).
func (e *Engine) Stage(src, uri string) error { return Stage(e.root, src, uri) }

// bind records impl as the implementation of steps of type typ selected
// by key.
func (e *Engine) bind(typ, key string, impl any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.bindings[typ]
	if m == nil {
		m = map[string]any{}
		e.bindings[typ] = m
	}
	m[key] = impl
}

// implementation returns what runs step s: a canned result bound to its
// name, else the first binding of its type matching one of the
// executor's keys (the step name first).
func (e *Engine) implementation(x executor, s *stepDef) (any, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.canned[s.name]; ok {
		return x.canned(c), true
	}
	m := e.bindings[s.typ]
	for _, k := range x.keys(s) {
		if impl, ok := m[k]; ok {
			return impl, true
		}
	}
	if b, ok := x.(builtin); ok {
		return b.builtin(), true
	}
	return nil, false
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomID returns n random lowercase letters and digits.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func (e *Engine) newID() string {
	if e.cfg.NewID != nil {
		return e.cfg.NewID()
	}
	return randomID(12)
}

// executorFor returns the executor of a step type: its own, or the one
// that runs canned results of types the engine cannot run yet.
func executorFor(typ string) (executor, bool) {
	if x, ok := executors[typ]; ok {
		return x, true
	}
	return cannedExecutor{}, false
}
