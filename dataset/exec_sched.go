package dataset

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// This file is the only place where the executor meets the runtime that
// runs its tasks. Everything else talks to the small scheduler interface.

// System runs a dataset's tasks. It is a stand-in for the actor system the
// executor will run on: CPUs bounds how many tasks run at once (0 means
// runtime.NumCPU()).
type System struct {
	// CPUs is the number of tasks run at once; 0 means runtime.NumCPU().
	CPUs int
}

// scheduler is what the executor needs from the runtime: how many tasks it
// may run at once, a way to start a task, and a way to start a long-lived
// worker holding user state (an actor of a pool).
type scheduler interface {
	parallelism() int
	// spawn starts fn and returns a function that waits for its result.
	spawn(ctx context.Context, name string, fn func(context.Context) error) (wait func(context.Context) error)
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
	n := 0
	if sys != nil {
		n = sys.CPUs
	}
	if n <= 0 {
		n = runtime.NumCPU()
	}
	return goScheduler{n: n}
}

// goScheduler runs tasks on goroutines.
type goScheduler struct{ n int }

func (g goScheduler) parallelism() int { return g.n }

func (g goScheduler) spawn(ctx context.Context, name string, fn func(context.Context) error) func(context.Context) error {
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

// runRecover runs fn and turns a panic into a *PanicError naming op.
func runRecover(ctx context.Context, op string, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Op: op, Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}

// PanicError is a panic in a user function (a Map, Filter, MapBatches or
// AddColumn function, or an actor constructor), recovered at the operator
// boundary.
type PanicError struct {
	// Op names the operator whose function panicked.
	Op string
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("dataset: %s: panic: %v", e.Op, e.Value) }
