package actor

import (
	"context"
	"fmt"
)

// NoCPU is the TaskOptions.NumCPUs that asks for no CPU at all (the zero
// value means Ray's default of one CPU). Such a task is admitted whenever no
// earlier request is waiting, so it suits tasks that mostly wait on others.
const NoCPU = -1.0

// TaskOptions are a task's resource demand and retry policy, like the
// options of a Ray remote function.
type TaskOptions struct {
	// Name labels the task in errors and logs.
	Name string
	// NumCPUs is the CPU slots held while the task runs; 0 means 1 (Ray's
	// default) and NoCPU means none. Fractions are allowed.
	NumCPUs float64
	// NumGPUs is the GPU slots held while the task runs.
	NumGPUs float64
	// Resources are custom resources held while the task runs.
	Resources map[string]float64
	// MaxRetries is how many times the task is re-run after a panic (Ray's
	// "worker died" case); -1 retries without limit. Note the zero value
	// is no retries, not Ray's default of 3.
	MaxRetries int
	// RetryErrors also re-runs the task, within MaxRetries, when it returns
	// an error (Ray's retry_exceptions=True).
	RetryErrors bool
	// Group is the task's admission group. Requests of one group are
	// admitted in FIFO order; groups with waiting requests take turns, so a
	// burst from one group (say, a dataset's thousand tasks) does not hold
	// back another's (a tuning trial). Empty: the default group.
	Group string
	// Context, when set, cancels the task (like ray.cancel): a task whose
	// Context has ended before it starts does not run and fails with the
	// context's error, and a running task sees it through its own context,
	// which Shutdown also cancels. Nil: only Shutdown cancels the task.
	Context context.Context
}

// taskSpec is what a task needs besides its function: shared by every
// task submitted with the default options, embedded in the task otherwise.
type taskSpec struct {
	sys         *System
	ctx         context.Context // TaskOptions.Context, or nil
	d           demand
	name        string
	grp         string
	maxRetries  int
	retryErrors bool
}

// taskJob is a submitted task: its future and function in one 64-byte
// allocation (for int-sized results) when the options are the defaults.
type taskJob[R any] struct {
	fut  Future[R]
	fn   func(context.Context) (R, error)
	spec *taskSpec
}

// taskJobOwn is a taskJob carrying its own spec, for non-default options.
type taskJobOwn[R any] struct {
	taskJob[R]
	own taskSpec
}

func (t *taskJob[R]) dem() *demand  { return &t.spec.d }
func (t *taskJob[R]) group() string { return t.spec.grp }

func (t *taskJob[R]) abort(err error) {
	var zero R
	t.fut.complete(zero, fmt.Errorf("task %q: %w", t.spec.label(), err))
}

func (s *taskSpec) label() string {
	if s.name == "" {
		return "task"
	}
	return s.name
}

func (t *taskJob[R]) run() {
	sp := t.spec
	ctx := sp.sys.ctx
	if sp.ctx != nil {
		if err := sp.ctx.Err(); err != nil {
			t.fn = nil
			var zero R
			t.fut.complete(zero, &TaskError{Task: sp.label(), Err: err})
			return
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(sp.ctx)
		stop := context.AfterFunc(sp.sys.ctx, cancel)
		defer func() {
			stop()
			cancel()
		}()
	}
	for attempt := 1; ; attempt++ {
		v, p, err := t.call(ctx)
		if p == nil && err == nil {
			t.fn = nil
			t.fut.complete(v, nil)
			return
		}
		retry := sp.maxRetries < 0 || attempt <= sp.maxRetries
		if p != nil {
			err = p
		} else {
			retry = retry && sp.retryErrors
		}
		if retry && ctx.Err() == nil {
			sp.sys.log.Warn("actor: retrying task", "task", sp.label(), "attempt", attempt, "err", err)
			continue
		}
		var zero R
		t.fn = nil
		t.fut.complete(zero, &TaskError{Task: sp.label(), Attempts: attempt, Err: err})
		return
	}
}

// call runs the function once, turning a panic into a *PanicError.
func (t *taskJob[R]) call(ctx context.Context) (v R, p *PanicError, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = newPanicError(r)
		}
	}()
	v, err = t.fn(ctx)
	return v, nil, err
}

// Go runs fn as a task (like calling a Ray remote function) and returns its
// future. The task waits, in FIFO order with all other requests, until its
// resources are free, then runs on a pooled worker goroutine with a context
// that Shutdown cancels. A demand the System can never meet fails the
// future at once with ErrUnschedulable; a System already shut down fails it
// with ErrShutdown. A task's result error is a *TaskError.
func Go[R any](sys *System, fn func(context.Context) (R, error), opts TaskOptions) *Future[R] {
	var t *taskJob[R]
	if opts.NumCPUs == 0 && opts.NumGPUs == 0 && len(opts.Resources) == 0 && opts.Name == "" && opts.MaxRetries == 0 && opts.Context == nil && opts.Group == "" {
		t = &taskJob[R]{fn: fn, spec: &sys.taskDef}
		if sys.total.cpu < resUnit {
			t.abort(fmt.Errorf("%w: a task asks for 1 CPU by default, the system has %s", ErrUnschedulable, sys.describe(&sys.total)))
			return &t.fut
		}
	} else {
		o := &taskJobOwn[R]{own: taskSpec{sys: sys, ctx: opts.Context, name: opts.Name, grp: opts.Group, maxRetries: opts.MaxRetries, retryErrors: opts.RetryErrors}}
		o.fn, o.spec = fn, &o.own
		t = &o.taskJob
		cpus := opts.NumCPUs
		switch cpus {
		case 0:
			cpus = 1
		case NoCPU:
			cpus = 0
		}
		if opts.MaxRetries < -1 {
			t.abort(fmt.Errorf("%w: MaxRetries = %d", ErrInvalidOptions, opts.MaxRetries))
			return &t.fut
		}
		d, err := sys.demandOf(cpus, opts.NumGPUs, opts.Resources, "task "+o.own.label())
		if err != nil {
			t.abort(err)
			return &t.fut
		}
		o.own.d = d
	}
	if fn == nil {
		t.abort(fmt.Errorf("%w: nil function", ErrInvalidOptions))
		return &t.fut
	}
	if err := sys.sched.submit(t); err != nil {
		t.abort(err)
	}
	return &t.fut
}
