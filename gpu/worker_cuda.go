//go:build cuda

package gpu

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"gorgonia.org/cu"
)

// worker runs driver calls on one goroutine locked to an OS thread with
// a device's primary context current on it: a CUDA context is current
// per OS thread, and Go moves goroutines between threads.
type worker struct {
	calls chan func()
	done  chan struct{}
	// startErr is set before done closes when the context could not be
	// made current.
	startErr error

	mu     sync.Mutex
	broken error // set when a call was abandoned; later calls fail
	closed bool
}

// startWorker starts the goroutine of device ordinal.
func startWorker(ordinal int) *worker {
	w := &worker{calls: make(chan func()), done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		defer close(w.done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		dev, err := cu.GetDevice(ordinal)
		if err != nil {
			w.startErr = &Error{Op: "get device", Kernel: fmt.Sprintf("cuda:%d", ordinal), Err: err}
			close(ready)
			return
		}
		pctx, err := dev.RetainPrimaryCtx()
		if err != nil {
			w.startErr = &Error{Op: "retain primary context", Kernel: fmt.Sprintf("cuda:%d", ordinal), Err: err}
			close(ready)
			return
		}
		defer dev.ReleasePrimaryCtx()
		if err := cu.SetCurrentContext(pctx); err != nil {
			w.startErr = &Error{Op: "set current context", Kernel: fmt.Sprintf("cuda:%d", ordinal), Err: err}
			close(ready)
			return
		}
		// Leave no context current on the thread once it is released.
		defer cu.SetCurrentContext(cu.CUContext{})
		close(ready)
		for fn := range w.calls {
			fn()
		}
	}()
	<-ready
	return w
}

// call runs fn on the worker and waits for it. When ctx ends first, call
// returns ctx's error at once and the session is marked broken: the call
// still finishes on the device, but the state it leaves is unknown.
func (w *worker) call(ctx context.Context, fn func() error) error {
	if w.startErr != nil {
		return w.startErr
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errClosed
	}
	if w.broken != nil {
		w.mu.Unlock()
		return w.broken
	}
	w.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	errc := make(chan error, 1)
	select {
	case w.calls <- func() { errc <- fn() }:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		w.mu.Lock()
		w.broken = fmt.Errorf("gpu: session abandoned when a call was cancelled: %w", ctx.Err())
		w.mu.Unlock()
		return ctx.Err()
	}
}

// stop runs cleanup on the worker, then ends it and waits.
func (w *worker) stop(cleanup func() error) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	if w.startErr != nil {
		<-w.done
		return nil
	}
	errc := make(chan error, 1)
	w.calls <- func() { errc <- cleanup() }
	err := <-errc
	close(w.calls)
	<-w.done
	return err
}
