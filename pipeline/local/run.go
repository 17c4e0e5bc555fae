package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// RunOptions are the options of one run.
type RunOptions struct {
	// Parameters override the pipeline's parameter defaults, by name, as
	// Go values of the parameter's type: string, an integer type, float64
	// (an integer is accepted for a Float parameter) or bool.
	Parameters map[string]any
	// DisplayName is recorded as the execution's display name.
	DisplayName string
	// Stage maps S3 URIs to local files or folders that are put there
	// (see Stage) after the checks and before the first step starts.
	Stage map[string]string
	// MaxParallel bounds the steps that run at once for this run,
	// overriding Config.MaxParallel (SageMaker's ParallelismConfiguration);
	// 0 keeps the engine's.
	MaxParallel int
}

// meta is what a retry needs besides the record and the definition.
type meta struct {
	Variables map[string]string `json:"variables"`
	Region    string            `json:"region,omitempty"`
}

const metaFile = "meta.json"

// execution is one run (or retry) of a definition in progress.
type execution struct {
	e            *Engine
	def          *definition
	rec          *recorder
	store        store
	sys          *actor.System
	pipelineName string
	region       string
	params       map[string]any
	vars         map[string]string // execution variables fixed for the run
	maxParallel  int

	mu       sync.Mutex
	props    []any               // property trees of finished steps
	outputs  []map[string]string // output URIs of finished steps
	status   []pipeline.StepStatus
	emitMu   sync.Mutex
	ended    bool   // under emitMu: the final event was sent
	failStep string // the Fail step that ended the execution
	failMsg  string
}

// Run executes pipeline p on this machine: it validates p, compiles its
// definition, checks the parameter overrides and that every step has an
// implementation (listing every problem at once, before anything starts),
// then runs the steps as SageMaker would and returns the execution record.
// The error is nil when the execution succeeded; an execution that failed
// or was stopped comes back with an *ExecutionError wrapping ErrFailed or
// ErrStopped. Problems found before the start return a nil record.
func (e *Engine) Run(ctx context.Context, p *pipeline.Pipeline, opts RunOptions) (*pipeline.Execution, error) {
	if p == nil {
		return nil, errors.New("local: nil pipeline")
	}
	if p.Name() == "" {
		return nil, fmt.Errorf("%w: the pipeline has no name (a parsed definition has none: set one with WithName)", ErrDefinition)
	}
	if err := localProblems(p.Validate()); err != nil {
		return nil, err
	}
	raw, err := p.Definition()
	if err != nil {
		return nil, err
	}
	d, err := decodeDefinition(raw)
	if err != nil {
		return nil, err
	}
	vals, err := paramValues(d, opts.Parameters)
	if err != nil {
		return nil, err
	}
	if err := e.checkBindings(d); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, uri := range slices.Sorted(maps.Keys(opts.Stage)) {
		if err := e.Stage(opts.Stage[uri], uri); err != nil {
			return nil, err
		}
	}
	now := e.cfg.Clock.Now().UTC()
	id := e.newID()
	x := &execution{e: e, def: d, store: e.store, pipelineName: p.Name(), region: e.cfg.Region,
		params: vals, maxParallel: e.maxParallel(opts.MaxParallel)}
	x.vars = map[string]string{
		"PipelineName":         x.pipelineName,
		"PipelineArn":          x.arn("pipeline/" + strings.ToLower(x.pipelineName)),
		"PipelineExecutionId":  id,
		"PipelineExecutionArn": x.arn("pipeline/" + strings.ToLower(x.pipelineName) + "/execution/" + id),
		"StartDateTime":        formatTime(now),
	}
	ex := &pipeline.Execution{ID: id, Pipeline: x.pipelineName, DisplayName: opts.DisplayName,
		Status: pipeline.ExecutionExecuting, Start: now, Parameters: map[string]json.RawMessage{}}
	for name, v := range vals {
		b, err := rawJSON(v)
		if err != nil {
			return nil, &pipeline.ParameterError{Parameter: name, Err: fmt.Errorf("%w: %w", ErrParameter, err)}
		}
		ex.Parameters[name] = b
	}
	for _, s := range d.steps {
		ex.Steps = append(ex.Steps, pipeline.StepRecord{Name: s.name, Type: s.typ, Status: pipeline.StepPending})
	}
	x.init()
	dir := executionDir(e.root, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, definitionFile), raw, 0o644); err != nil {
		return nil, err
	}
	mb, _ := json.Marshal(meta{Variables: x.vars, Region: x.region})
	if err := atomicfile.WriteFile(filepath.Join(dir, metaFile), mb, 0o644); err != nil {
		return nil, err
	}
	return x.execute(ctx, ex)
}

// Retry re-runs execution id as SageMaker's RetryPipelineExecution does:
// the same execution continues with the same parameters and execution
// variables; its failed, stopped and not-run steps run again, while the
// succeeded ones keep their outputs and properties. Only a Failed or
// Stopped execution can be retried, and not one that a Fail step ended.
func (e *Engine) Retry(ctx context.Context, id string, opts RunOptions) (*pipeline.Execution, error) {
	ex, err := Load(e.root, id)
	if err != nil {
		return nil, err
	}
	if ex.Status != pipeline.ExecutionFailed && ex.Status != pipeline.ExecutionStopped {
		return nil, fmt.Errorf("%w: %q is %s", ErrNotRetryable, id, ex.Status)
	}
	dir := executionDir(e.root, id)
	raw, err := os.ReadFile(filepath.Join(dir, definitionFile))
	if err != nil {
		return nil, err
	}
	d, err := decodeDefinition(raw)
	if err != nil {
		return nil, err
	}
	for _, s := range d.steps {
		if r := ex.Step(s.name); s.typ == "Fail" && r != nil && r.Status == pipeline.StepFailed {
			return nil, fmt.Errorf("%w: %q ended in Fail step %q", ErrNotRetryable, id, s.name)
		}
	}
	if len(opts.Parameters) > 0 {
		return nil, fmt.Errorf("%w: a retry runs with the execution's own parameters", ErrParameter)
	}
	if err := e.checkBindings(d); err != nil {
		return nil, err
	}
	var m meta
	mb, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("local: execution %q: %w", id, err)
	}
	x := &execution{e: e, def: d, store: e.store, pipelineName: ex.Pipeline, region: m.Region,
		params: map[string]any{}, vars: m.Variables, maxParallel: e.maxParallel(opts.MaxParallel)}
	for name, b := range ex.Parameters {
		v, err := pyjson.Unmarshal(b)
		if err != nil {
			return nil, fmt.Errorf("local: execution %q: parameter %q: %w", id, name, err)
		}
		x.params[name] = v
	}
	x.init()
	if len(ex.Steps) != len(d.steps) {
		return nil, fmt.Errorf("local: execution %q: the record does not match its definition", id)
	}
	for i := range ex.Steps {
		r := &ex.Steps[i]
		if r.Status == pipeline.StepSucceeded {
			props, err := pyjson.Unmarshal(r.Properties)
			if err != nil {
				return nil, fmt.Errorf("local: execution %q: step %q: %w", id, r.Name, err)
			}
			x.props[i], x.outputs[i], x.status[i] = props, r.Outputs, r.Status
			continue
		}
		*r = pipeline.StepRecord{Name: r.Name, Type: r.Type, Status: pipeline.StepPending}
	}
	ex.Status, ex.FailureReason, ex.End = pipeline.ExecutionExecuting, "", time.Time{}
	if opts.DisplayName != "" {
		ex.DisplayName = opts.DisplayName
	}
	return x.execute(ctx, ex)
}

func (e *Engine) maxParallel(n int) int {
	if n > 0 {
		return n
	}
	return e.cfg.MaxParallel
}

// checkBindings returns an error listing every step that has no local
// implementation, and every canned result bound to a step the engine
// runs itself.
func (e *Engine) checkBindings(d *definition) error {
	var errs []error
	for _, s := range d.steps {
		switch s.typ {
		case "Condition", "Fail":
			if _, ok := e.cannedFor(s.name); ok {
				errs = append(errs, &pipeline.StepError{Step: s.name,
					Err: fmt.Errorf("%w: a canned result cannot replace a %s step: the engine runs it", ErrDefinition, s.typ)})
			}
			continue
		}
		x, ok := executorFor(s.typ)
		if _, bound := e.implementation(x, s); !ok && !bound {
			errs = append(errs, &pipeline.StepError{Step: s.name,
				Err: fmt.Errorf("%w: %s steps cannot run locally yet (except with a canned result)", ErrUnbound, s.typ)})
			continue
		}
		if _, ok := e.implementation(x, s); !ok {
			keys := x.keys(s)
			errs = append(errs, &pipeline.StepError{Step: s.name,
				Err: fmt.Errorf("%w: no %s function bound to any of %q", ErrUnbound, s.typ, keys)})
		}
	}
	return errors.Join(errs...)
}

func (x *execution) init() {
	n := len(x.def.steps)
	x.props = make([]any, n)
	x.outputs = make([]map[string]string, n)
	x.status = make([]pipeline.StepStatus, n)
	for i := range x.status {
		x.status[i] = pipeline.StepPending
	}
}

func (x *execution) arn(resource string) string {
	return "arn:aws:sagemaker:" + x.region + ":" + x.e.cfg.Account + ":" + resource
}

// formatTime writes the Execution.*DateTime variables: ISO 8601 in UTC
// with milliseconds.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// execute runs the steps of x and finishes the record.
func (x *execution) execute(ctx context.Context, ex *pipeline.Execution) (*pipeline.Execution, error) {
	rec, err := newRecorder(x.e.root, ex)
	if err != nil {
		return nil, err
	}
	x.rec = rec
	if x.e.cfg.System != nil {
		x.sys = x.e.cfg.System
	} else {
		sys, err := actor.NewSystem(actor.Config{Logger: x.e.cfg.Logger})
		if err != nil {
			_ = rec.close()
			return nil, err
		}
		x.sys = sys
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = sys.Shutdown(sctx)
		}()
	}
	x.emit(pipeline.Event{Kind: pipeline.EventStarted, Message: "execution started"})
	interrupted := x.schedule(ctx)

	var status pipeline.ExecutionStatus
	var reason string
	var kind error
	x.mu.Lock()
	failStep, failMsg := x.failStep, x.failMsg
	x.mu.Unlock()
	x.rec.read(func(ex *pipeline.Execution) {
		status, reason = pipeline.ExecutionSucceeded, ""
		for i := range ex.Steps {
			r := &ex.Steps[i]
			if r.Status == pipeline.StepFailed && status == pipeline.ExecutionSucceeded {
				status, reason = pipeline.ExecutionFailed, fmt.Sprintf("step %q failed: %s", r.Name, r.FailureReason)
			}
		}
		if failStep != "" {
			status, reason = pipeline.ExecutionFailed, failMsg
		}
		if interrupted {
			status, reason = pipeline.ExecutionStopped, "stopped: "+context.Cause(ctx).Error()
		}
	})
	switch status {
	case pipeline.ExecutionFailed:
		kind = ErrFailed
	case pipeline.ExecutionStopped:
		kind = fmt.Errorf("%w: %w", ErrStopped, context.Cause(ctx))
	}
	end := x.e.cfg.Clock.Now().UTC()
	x.rec.update(func(ex *pipeline.Execution) {
		ex.Status, ex.FailureReason, ex.End = status, reason, end
	})
	ev := pipeline.Event{Kind: pipeline.EventSucceeded, Message: "execution succeeded"}
	switch status {
	case pipeline.ExecutionFailed:
		ev = pipeline.Event{Kind: pipeline.EventFailed, Message: reason}
	case pipeline.ExecutionStopped:
		ev = pipeline.Event{Kind: pipeline.EventStopped, Message: reason}
	}
	x.emit(ev)
	x.emitMu.Lock()
	x.ended = true
	x.emitMu.Unlock()
	werr := x.rec.close()
	out := x.rec.ex
	if werr != nil {
		return out, werr
	}
	if kind != nil {
		return out, &ExecutionError{ID: out.ID, Reason: reason, Err: kind}
	}
	return out, nil
}

// localProblems drops from Validate's problems those that matter only to
// the service: a local run assumes no execution role, so an empty one
// (pipeline.ErrNoRole) is no reason to refuse it.
func localProblems(err error) error {
	if err == nil {
		return nil
	}
	var all []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		all = j.Unwrap()
	} else {
		all = []error{err}
	}
	var keep []error
	for _, e := range all {
		if !errors.Is(e, pipeline.ErrNoRole) {
			keep = append(keep, e)
		}
	}
	return errors.Join(keep...)
}
