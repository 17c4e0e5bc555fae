package dataset

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/sagepipe/sagepipe/actor"
)

// This file is the only place where the executor starts work on the
// runtime. Everything else talks to the small scheduler interface (and
// marks the consumer's waits with actor.Block).

// System is the actor system a dataset's tasks and actor pools run on.
// A nil *System runs tasks on plain goroutines, at most Options.Parallelism
// (or runtime.NumCPU()) at once.
type System = actor.System

// scheduler is what the executor needs from the runtime: how many tasks it
// may run at once, a way to start a job, and a way to start a long-lived
// worker holding user state (an actor of a pool).
type scheduler interface {
	parallelism() int
	// spawn starts fn as a job holding one CPU slot, or none when cpu is
	// false. fn only computes: it never waits on other jobs or on the
	// memory budget, so the slot it holds is always given back soon. ctx
	// cancels fn, and a job whose ctx ends before it starts never runs.
	spawn(ctx context.Context, name string, cpu bool, fn func(context.Context) error) *job
	// newWorker builds state with ctor on a dedicated worker; calls on the
	// returned worker run one at a time.
	newWorker(ctx context.Context, name string, ctor func(context.Context) (BatchFunc, error)) (poolWorker, error)
}

// poolWorker is one member of an actor pool.
type poolWorker interface {
	// call runs the worker's function on b and returns a wait function.
	call(ctx context.Context, b *Block) (wait func(context.Context) (*Block, error))
	stop()
}

// job states.
const (
	jobQueued    int32 = iota // not started yet
	jobStarted                // fn runs or has run
	jobWithdrawn              // will never run
)

// job is a function started on a scheduler. It runs at most once, and not
// at all once withdrawn.
type job struct {
	state  atomic.Int32
	done   <-chan struct{} // closed once fn has returned or will never run
	result func() error    // the outcome, once done is closed
}

// run is the body the scheduler runs: fn, unless the job was withdrawn.
func (j *job) run(ctx context.Context, name string, fn func(context.Context) error) (ran bool, err error) {
	if !j.state.CompareAndSwap(jobQueued, jobStarted) {
		return false, nil
	}
	return true, runRecover(ctx, name, fn)
}

// wait returns the job's outcome, or ctx's error as soon as ctx ends; a
// job that has not started by then is withdrawn and never runs. wait does
// not wait for a job already running: join does.
func (j *job) wait(ctx context.Context) error {
	select {
	case <-j.done:
		return j.result()
	case <-ctx.Done():
	}
	j.withdraw()
	return ctx.Err()
}

// withdraw keeps the job from starting if it has not started yet.
func (j *job) withdraw() { j.state.CompareAndSwap(jobQueued, jobWithdrawn) }

// join waits until a started job has returned; it returns at once for a
// job that never ran. Call it after withdraw.
func (j *job) join() {
	if j.state.Load() == jobStarted {
		<-j.done
	}
}

func schedulerOf(sys *System) scheduler {
	if sys == nil {
		return goScheduler{n: runtime.NumCPU()}
	}
	// A step asks for one CPU, or the whole System when it has less.
	return actorScheduler{sys: sys, cpus: min(1, sys.Resources()["CPU"])}
}

// actorScheduler runs jobs with actor.Go and pool members as actors.
type actorScheduler struct {
	sys  *actor.System
	cpus float64 // a CPU job's demand
}

func (a actorScheduler) parallelism() int {
	return max(1, int(a.sys.Resources()["CPU"]))
}

func (a actorScheduler) spawn(ctx context.Context, name string, cpu bool, fn func(context.Context) error) *job {
	opts := actor.TaskOptions{Name: name, NumCPUs: a.cpus}
	if !cpu || a.cpus <= 0 {
		opts.NumCPUs = actor.NoCPU
	}
	j := &job{}
	var ran bool
	var ferr error
	// The task's context is ctx's, cancelled by Shutdown as well.
	f := actor.Go(ctx, a.sys, func(tctx context.Context) (struct{}, error) {
		ran, ferr = j.run(tctx, name, fn)
		ferr = shutdownCause(ctx, tctx, name, ferr)
		return struct{}{}, nil
	}, opts)
	// The executor's goroutines wait on Done, not Get: they hold no
	// resources, so their waits are not blocked waits of any task.
	j.done = f.Done()
	j.result = func() error {
		if ran {
			return ferr
		}
		_, err := f.Get(context.Background()) // done: does not block
		if err == nil {
			err = errWithdrawn
		}
		// The System refused the task (shut down, or an impossible demand).
		return fmt.Errorf("dataset: %w", err)
	}
	return j
}

// shutdownCause reports a job that failed because the System cancelled
// its context (tctx ended, the caller's ctx did not: Shutdown) as
// actor.ErrShutdown rather than as a bare context.Canceled.
func shutdownCause(ctx, tctx context.Context, name string, err error) error {
	if errors.Is(err, context.Canceled) && tctx.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("dataset: %s: %w", name, actor.ErrShutdown)
	}
	return err
}

// errWithdrawn is the outcome of a job withdrawn before it started.
var errWithdrawn = errors.New("dataset: job withdrawn before it started")

func (a actorScheduler) newWorker(ctx context.Context, name string, ctor func(context.Context) (BatchFunc, error)) (poolWorker, error) {
	h, err := actor.Spawn(ctx, a.sys, func(actx context.Context) (*poolActor, error) {
		var fn BatchFunc
		err := runRecover(actx, name, func(ctx context.Context) error {
			var err error
			fn, err = ctor(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
		return &poolActor{fn: fn}, nil
	}, actor.Options{Name: ""})
	if err != nil {
		return nil, err
	}
	return actorWorker{h: h, name: name}, nil
}

// poolActor is the state of one actor of a MapBatches pool.
type poolActor struct{ fn BatchFunc }

type actorWorker struct {
	h    *actor.Handle[poolActor]
	name string
}

func (w actorWorker) call(ctx context.Context, b *Block) func(context.Context) (*Block, error) {
	f := actor.Call(w.h, func(actx context.Context, a *poolActor) (*Block, error) {
		var out *Block
		err := runRecover(ctx, w.name, func(ctx context.Context) error {
			var err error
			out, err = a.fn(ctx, b)
			return err
		})
		return out, err
	})
	return func(ctx context.Context) (*Block, error) {
		select {
		case <-f.Done():
			return f.Get(ctx)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (w actorWorker) stop() { w.h.Kill() }

// goScheduler runs tasks on goroutines.
type goScheduler struct{ n int }

func (g goScheduler) parallelism() int { return g.n }

func (g goScheduler) spawn(ctx context.Context, name string, _ bool, fn func(context.Context) error) *job {
	done := make(chan struct{})
	j := &job{done: done}
	var ran bool
	var ferr error
	j.result = func() error {
		if !ran {
			return errWithdrawn
		}
		return ferr
	}
	go func() {
		defer close(done)
		ran, ferr = j.run(ctx, name, fn)
	}()
	return j
}

func (g goScheduler) newWorker(ctx context.Context, name string, ctor func(context.Context) (BatchFunc, error)) (poolWorker, error) {
	var fn BatchFunc
	if err := runRecover(ctx, name, func(ctx context.Context) error {
		var err error
		fn, err = ctor(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	w := &goWorker{fn: fn, name: name}
	return w, nil
}

type goWorker struct {
	mu   sync.Mutex
	fn   BatchFunc
	name string
}

func (w *goWorker) call(ctx context.Context, b *Block) func(context.Context) (*Block, error) {
	type res struct {
		b   *Block
		err error
	}
	done := make(chan res, 1)
	go func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		var out *Block
		err := runRecover(ctx, w.name, func(ctx context.Context) error {
			var err error
			out, err = w.fn(ctx, b)
			return err
		})
		done <- res{out, err}
	}()
	return func(ctx context.Context) (*Block, error) {
		select {
		case r := <-done:
			return r.b, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (w *goWorker) stop() {}

// runRecover runs fn and turns a panic into an *actor.PanicError whose Op
// is "dataset: " and op.
func runRecover(ctx context.Context, op string, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &actor.PanicError{Op: "dataset: " + op, Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}
