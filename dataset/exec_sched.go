package dataset

import (
	"context"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/sagepipe/sagepipe/actor"
)

// This file is the only place where the executor meets the runtime that
// runs its tasks. Everything else talks to the small scheduler interface.

// System is the actor system a dataset's tasks and actor pools run on.
// A nil *System runs tasks on plain goroutines, at most Options.Parallelism
// (or runtime.NumCPU()) at once.
type System = actor.System

// scheduler is what the executor needs from the runtime: how many tasks it
// may run at once, a way to start a task, and a way to start a long-lived
// worker holding user state (an actor of a pool).
type scheduler interface {
	parallelism() int
	// spawn starts fn and returns a function that waits for its result.
	// A task with cpu false holds no CPU slot (for stages nested inside a
	// streaming operator, whose tasks may wait on the outer stage).
	spawn(ctx context.Context, name string, cpu bool, fn func(context.Context) error) (wait func(context.Context) error)
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

func schedulerOf(sys *System) scheduler {
	if sys == nil {
		return goScheduler{n: runtime.NumCPU()}
	}
	return actorScheduler{sys: sys}
}

// actorScheduler runs tasks with actor.Go and pool members as actors.
type actorScheduler struct{ sys *actor.System }

func (a actorScheduler) parallelism() int {
	return max(1, int(a.sys.Resources()["CPU"]))
}

func (a actorScheduler) spawn(ctx context.Context, name string, cpu bool, fn func(context.Context) error) func(context.Context) error {
	opts := actor.TaskOptions{Name: name}
	if !cpu {
		opts.NumCPUs = actor.NoCPU
	}
	f := actor.Go(a.sys, func(tctx context.Context) (struct{}, error) {
		// The task stops when either the execution or the system ends.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(tctx, cancel)
		defer stop()
		return struct{}{}, runRecover(ctx, name, fn)
	}, opts)
	return func(ctx context.Context) error {
		_, err := f.Get(ctx)
		return err
	}
}

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
	return f.Get
}

func (w actorWorker) stop() { w.h.Kill() }

// goScheduler runs tasks on goroutines.
type goScheduler struct{ n int }

func (g goScheduler) parallelism() int { return g.n }

func (g goScheduler) spawn(ctx context.Context, name string, _ bool, fn func(context.Context) error) func(context.Context) error {
	done := make(chan error, 1)
	go func() {
		done <- runRecover(ctx, name, fn)
	}()
	return func(ctx context.Context) error {
		select {
		case err := <-done:
			done <- err
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
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
