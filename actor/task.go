package actor

import (
	"context"
	"fmt"
	"math"
	"time"
)

// NoCPU is the TaskOptions.NumCPUs that asks for no CPU at all (the zero
// value means Ray's default of one CPU). Such a task is admitted at once
// unless it asks for another resource that is short, so it suits tasks
// that mostly wait on others.
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
	// admitted in FIFO order per demand class; groups with waiting
	// requests take turns, so a burst from one group (say, a dataset's
	// thousand tasks) does not hold back another's (a tuning trial). Empty:
	// the default group.
	Group string
	// Placement schedules the task into a bundle of a placement group: its
	// demand is drawn from the bundle's reservation instead of the
	// System's. The zero value: not in a group.
	Placement Placement
}

// taskSpec is what a task needs besides its function: shared by every
// task submitted with the default options, embedded in the task otherwise.
// A grant has one too, for its demand, group and lifetime.
type taskSpec struct {
	long        bool // a long-lived holding (a grant), not a task
	sys         *System
	s           *sched          // where the task is admitted and runs
	ctx         context.Context // the submitter's context, or nil
	runCtx      context.Context // the task's context while it runs, or nil
	stop        func() bool     // unregisters the queued-cancellation hook
	d           demand
	name        string
	grp         string
	maxRetries  int
	retryErrors bool
}

// taskJob is a submitted task: its future, function and admission state
// in one allocation. It is also the context the function runs with (see
// Value), so Block finds the task without another allocation.
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

func (t *taskJob[R]) job() (*taskSpec, *holder) { return t.spec, &t.fut.c.adm }

func (t *taskJob[R]) abort(err error) {
	if t.spec.stop != nil {
		t.spec.stop()
	}
	t.fn = nil
	var zero R
	t.fut.complete(zero, fmt.Errorf("task %q: %w", t.spec.label(), err))
}

// cancelled fails a task whose context ended before it was admitted.
func (t *taskJob[R]) cancelled(err error) {
	t.fn = nil
	var zero R
	t.fut.complete(zero, &TaskError{Task: t.spec.label(), Err: err})
}

// watch makes the task leave its queue as soon as its context ends.
func (t *taskJob[R]) watch() {
	sp := t.spec
	if sp.ctx.Done() == nil {
		return
	}
	sp.stop = context.AfterFunc(sp.ctx, func() {
		if sp.s.dequeue(t) {
			t.cancelled(sp.ctx.Err())
		}
	})
}

func (s *taskSpec) label() string {
	if s.name == "" {
		return "task"
	}
	return s.name
}

// base is the context the task's context derives from.
func (t *taskJob[R]) base() context.Context {
	if c := t.spec.runCtx; c != nil {
		return c
	}
	return t.spec.s.ctx
}

// Deadline, Done, Err and Value make a running task its own context: the
// base context's, plus the task itself under blockKey for Block.
func (t *taskJob[R]) Deadline() (time.Time, bool) { return t.base().Deadline() }
func (t *taskJob[R]) Done() <-chan struct{}       { return t.base().Done() }
func (t *taskJob[R]) Err() error                  { return t.base().Err() }
func (t *taskJob[R]) Value(key any) any {
	if key == (blockKey{}) {
		return blocker(t)
	}
	return t.base().Value(key)
}

// block lends the task's CPU while the first of its waits is blocked.
func (t *taskJob[R]) block() bool {
	cpu := t.spec.d.cpu
	if cpu == 0 {
		return false
	}
	s, h := t.spec.s, &t.fut.c.adm
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.state != hsRunning || h.blocked == math.MaxUint16 {
		return false
	}
	h.blocked++
	if h.blocked == 1 {
		h.lent = true
		s.lendLocked(cpu)
	}
	return true
}

// unblock takes the CPU back once the last blocked wait has ended.
func (t *taskJob[R]) unblock() {
	s, h := t.spec.s, &t.fut.c.adm
	s.mu.Lock()
	h.blocked--
	if h.blocked == 0 && h.lent {
		h.lent = false
		s.retakeLocked(t.spec.d.cpu)
	}
	s.mu.Unlock()
}

func (t *taskJob[R]) run() {
	sp := t.spec
	var ctx context.Context = t
	if sp.ctx != nil {
		if sp.stop != nil {
			sp.stop()
		}
		if err := sp.ctx.Err(); err != nil {
			t.cancelled(err)
			return
		}
		rc, cancel := context.WithCancel(sp.ctx)
		stop := context.AfterFunc(sp.s.ctx, cancel)
		defer func() {
			stop()
			cancel()
		}()
		sp.runCtx = rc
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

// background is the context that needs no watching.
var background = context.Background()

// Go runs fn as a task (like calling a Ray remote function) and returns its
// future. The task waits for its resources (see the package doc on
// admission), then runs on a pooled worker goroutine with a context that
// derives from ctx and that Shutdown (and the removal of its placement
// group) also cancels. ctx is the task's lifetime, like ray.cancel: when it
// ends before the task is admitted the task leaves the queue at once,
// never runs, and its future fails with a *TaskError wrapping ctx's error.
// A demand the System (or the bundle) can never meet fails the future at
// once with ErrInfeasible; a System already shut down fails it with
// ErrShutdown. A task's result error is a *TaskError.
func Go[R any](ctx context.Context, sys *System, fn func(context.Context) (R, error), opts TaskOptions) *Future[R] {
	var t *taskJob[R]
	if ctx == background && opts.NumCPUs == 0 && opts.NumGPUs == 0 && len(opts.Resources) == 0 && opts.Name == "" && opts.MaxRetries == 0 && opts.Group == "" && opts.Placement.Group == nil {
		t = &taskJob[R]{fn: fn, spec: &sys.taskDef}
		if sys.total.cpu < resUnit {
			t.abort(fmt.Errorf("%w: a task asks for CPU=1 by default, the system has %s in total", ErrInfeasible, sys.describe(&sys.total)))
			return &t.fut
		}
	} else {
		o := &taskJobOwn[R]{own: taskSpec{sys: sys, s: &sys.sched, name: opts.Name, grp: opts.Group, maxRetries: opts.MaxRetries, retryErrors: opts.RetryErrors}}
		if ctx != background && ctx != nil {
			o.own.ctx = ctx
		}
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
		d, s, err := sys.placeDemand(cpus, opts.NumGPUs, opts.Resources, opts.Placement, fmt.Sprintf("task %q", o.own.label()))
		if err != nil {
			t.abort(err)
			return &t.fut
		}
		o.own.d, o.own.s = d, s
		if o.own.ctx != nil {
			if err := o.own.ctx.Err(); err != nil {
				t.cancelled(err)
				return &t.fut
			}
		}
	}
	if fn == nil {
		t.abort(fmt.Errorf("%w: nil function", ErrInvalidOptions))
		return &t.fut
	}
	if err := t.spec.s.submit(t); err != nil {
		t.abort(err)
	}
	return &t.fut
}
