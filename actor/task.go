package actor

import (
	"context"
	"fmt"
)

// NoCPU, as TaskOptions.NumCPUs, asks for no CPU at all (the zero value
// means Ray's default of one CPU). Such a task is admitted whenever no
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
}

// taskJob is a submitted task: its future, function and policy in one
// allocation.
type taskJob[R any] struct {
	fut         Future[R]
	fn          func(context.Context) (R, error)
	sys         *System
	d           demand
	name        string
	maxRetries  int
	retryErrors bool
}

func (t *taskJob[R]) dem() *demand { return &t.d }

func (t *taskJob[R]) abort(err error) {
	var zero R
	t.fut.complete(zero, fmt.Errorf("task %q: %w", t.label(), err))
}

func (t *taskJob[R]) label() string {
	if t.name == "" {
		return "task"
	}
	return t.name
}

func (t *taskJob[R]) run() {
	ctx := t.sys.ctx
	for attempt := 1; ; attempt++ {
		v, err, p := t.call(ctx)
		if p == nil && err == nil {
			t.fut.complete(v, nil)
			return
		}
		retry := t.maxRetries < 0 || attempt <= t.maxRetries
		if p != nil {
			err = p
		} else {
			retry = retry && t.retryErrors
		}
		if retry && ctx.Err() == nil {
			t.sys.log.Warn("actor: retrying task", "task", t.label(), "attempt", attempt, "err", err)
			continue
		}
		var zero R
		t.fut.complete(zero, &TaskError{Task: t.label(), Attempts: attempt, Err: err})
		return
	}
}

// call runs the function once, turning a panic into a *PanicError.
func (t *taskJob[R]) call(ctx context.Context) (v R, err error, p *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			p = newPanicError(r)
		}
	}()
	v, err = t.fn(ctx)
	return v, err, nil
}

// Go runs fn as a task (like calling a Ray remote function) and returns its
// future. The task waits, in FIFO order with all other requests, until its
// resources are free, then runs on a pooled worker goroutine with a context
// that Shutdown cancels. A demand the System can never meet fails the
// future at once with ErrUnschedulable; a System already shut down fails it
// with ErrShutdown. A task's result error is a *TaskError.
func Go[R any](sys *System, fn func(context.Context) (R, error), opts TaskOptions) *Future[R] {
	t := &taskJob[R]{fn: fn, sys: sys, name: opts.Name, maxRetries: opts.MaxRetries, retryErrors: opts.RetryErrors}
	if fn == nil {
		t.abort(fmt.Errorf("%w: nil function", ErrInvalidOptions))
		return &t.fut
	}
	if opts.NumCPUs == 0 && opts.NumGPUs == 0 && len(opts.Resources) == 0 {
		t.d = sys.taskDef
	} else {
		cpus := opts.NumCPUs
		if cpus == NoCPU {
			cpus = 0
		}
		d, err := sys.demandOf(cpus, opts.NumGPUs, opts.Resources, "task "+t.label())
		if err != nil {
			t.abort(err)
			return &t.fut
		}
		t.d = d
	}
	if !t.d.fits(&sys.total) {
		t.abort(fmt.Errorf("%w: asks for %s, the system has %s", ErrUnschedulable, sys.describe(&t.d), sys.describe(&sys.total)))
		return &t.fut
	}
	if err := sys.sched.submit(t); err != nil {
		t.abort(err)
	}
	return &t.fut
}
