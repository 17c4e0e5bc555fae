package actor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// cell states.
const (
	cellPending uint32 = iota // not done, nobody waiting
	cellWaited                // not done, a channel or hook is registered
	cellDone                  // result stored
)

// cell is the untyped completion state shared by every Future. Completing
// costs one atomic swap; the mutex and channel are touched only when
// somebody is blocked on the cell.
type cell struct {
	state atomic.Uint32
	mu    sync.Mutex
	ch    chan struct{}
	hooks []*hook
}

// hook is run once when its cell completes: a non-blocking send on ch, or
// a call of fn.
type hook struct {
	ch chan<- struct{}
	fn func()
}

func (h *hook) fire() {
	if h.fn != nil {
		h.fn()
		return
	}
	select {
	case h.ch <- struct{}{}:
	default:
	}
}

// finish marks the cell done (after the result was stored) and wakes
// waiters.
func (c *cell) finish() {
	if c.state.Swap(cellDone) != cellWaited {
		return
	}
	c.mu.Lock()
	ch, hooks := c.ch, c.hooks
	c.hooks = nil
	c.mu.Unlock()
	if ch != nil {
		close(ch)
	}
	for _, h := range hooks {
		h.fire()
	}
}

func (c *cell) done() bool { return c.state.Load() == cellDone }

// waitChan returns a channel closed when the cell is done, or nil when it
// already is.
func (c *cell) waitChan() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch == nil {
		c.ch = make(chan struct{})
	}
	if !c.state.CompareAndSwap(cellPending, cellWaited) && c.state.Load() == cellDone {
		return nil
	}
	return c.ch
}

// addHook registers h to fire when the cell completes; it reports false
// (and does not register) when the cell is already done.
func (c *cell) addHook(h *hook) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.state.CompareAndSwap(cellPending, cellWaited) && c.state.Load() == cellDone {
		return false
	}
	c.hooks = append(c.hooks, h)
	return true
}

// removeHook unregisters h.
func (c *cell) removeHook(h *hook) {
	c.mu.Lock()
	for i, x := range c.hooks {
		if x == h {
			c.hooks = append(c.hooks[:i], c.hooks[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
}

// Future is the result of an actor call or a task, like a Ray ObjectRef.
// Its methods are safe for concurrent use; the result is set exactly once.
type Future[T any] struct {
	c   cell
	val T
	err error
}

// complete stores the result and wakes waiters.
func (f *Future[T]) complete(v T, err error) {
	f.val, f.err = v, err
	f.c.finish()
}

func failed[T any](err error) *Future[T] {
	f := &Future[T]{err: err}
	f.c.state.Store(cellDone)
	return f
}

// Get waits for the result. When ctx ends first it returns ctx's error
// unchanged; the work itself is not cancelled and a later Get can still
// collect its result.
func (f *Future[T]) Get(ctx context.Context) (T, error) {
	if f.c.done() {
		return f.val, f.err
	}
	if ch := f.c.waitChan(); ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	return f.val, f.err
}

// Ready reports whether the result is available (Get would not block).
func (f *Future[T]) Ready() bool { return f.c.done() }

// Done returns a channel closed when the result is available, for use in a
// select.
func (f *Future[T]) Done() <-chan struct{} {
	if ch := f.c.waitChan(); ch != nil {
		return ch
	}
	ch := make(chan struct{})
	close(ch)
	return ch
}

func (f *Future[T]) waitCell() *cell { return &f.c }

// Waitable is any Future, whatever its result type; Wait takes a slice of
// them.
type Waitable interface {
	waitCell() *cell
}

// NoTimeout, passed to Wait, waits without a time limit (ctx still
// applies). A timeout of 0 returns at once with what is ready, as in Ray.
const NoTimeout time.Duration = -1

// Wait returns once numReturns of futures are done or timeout has passed
// (like ray.wait). ready holds at most numReturns done futures in their
// input order; notReady holds the others in input order (including done
// ones beyond numReturns). A failed future counts as done. When ctx ends
// first, Wait returns what was ready then and ctx's error.
func Wait(ctx context.Context, futures []Waitable, numReturns int, timeout time.Duration) (ready, notReady []Waitable, err error) {
	if numReturns < 0 || numReturns > len(futures) {
		return nil, futures, fmt.Errorf("%w: Wait numReturns = %d with %d futures", ErrInvalidOptions, numReturns, len(futures))
	}
	count := 0
	for _, f := range futures {
		if f.waitCell().done() {
			count++
		}
	}
	if count < numReturns && timeout != 0 {
		sig := make(chan struct{}, len(futures))
		h := &hook{ch: sig}
		var hooked []*cell
		for _, f := range futures {
			c := f.waitCell()
			if !c.done() && c.addHook(h) {
				hooked = append(hooked, c)
			}
		}
		// Every future not hooked is done; each hooked one signals once.
		count = len(futures) - len(hooked)
		var timer <-chan time.Time
		if timeout > 0 {
			t := time.NewTimer(timeout)
			defer t.Stop()
			timer = t.C
		}
	loop:
		for count < numReturns {
			select {
			case <-sig:
				count++
			case <-timer:
				break loop
			case <-ctx.Done():
				err = ctx.Err()
				break loop
			}
		}
		for _, c := range hooked {
			c.removeHook(h)
		}
	}
	for _, f := range futures {
		if len(ready) < numReturns && f.waitCell().done() {
			ready = append(ready, f)
		} else {
			notReady = append(notReady, f)
		}
	}
	return ready, notReady, err
}
