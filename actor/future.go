package actor

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// cell states. cellLocked is a bit added to cellPending or cellWaited
// while a waiter edits the cell; a done cell is never locked.
const (
	cellPending uint32 = 0 // not done, nobody waiting
	cellWaited  uint32 = 1 // not done, a channel or hook is registered
	cellDone    uint32 = 2 // result stored
	cellLocked  uint32 = 4
)

// cell is the untyped completion state shared by every Future. Completing
// costs one compare-and-swap; the channel and hooks are touched only when
// somebody waits on the cell. The state word doubles as a spin lock for
// the waiters, which keeps a cell at 24 bytes.
type cell struct {
	state atomic.Uint32
	adm   holder // a task's admission state (in what would be padding)
	ch    chan struct{}
	hooks *hook
}

// hook fires once when the cell it is registered with completes: a
// non-blocking send on ch, or a call of fn. A hook is registered with one
// cell at most (next links the cell's hooks).
type hook struct {
	ch   chan<- struct{}
	fn   func()
	next *hook
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

// lockUnlessDone locks the cell and returns its state, or reports false
// (without locking) when it is done.
func (c *cell) lockUnlessDone() (uint32, bool) {
	for i := 0; ; i++ {
		s := c.state.Load()
		if s == cellDone {
			return s, false
		}
		if s&cellLocked == 0 && c.state.CompareAndSwap(s, s|cellLocked) {
			return s, true
		}
		if i > 16 {
			runtime.Gosched()
		}
	}
}

// finish marks the cell done (after the result was stored) and wakes
// waiters. Once done, only finish touches ch and hooks.
func (c *cell) finish() {
	for i := 0; ; i++ {
		s := c.state.Load()
		if s&cellLocked == 0 && c.state.CompareAndSwap(s, cellDone) {
			if s != cellWaited {
				return
			}
			if c.ch != nil {
				close(c.ch)
			}
			h := c.hooks
			c.hooks = nil
			for h != nil {
				next := h.next
				h.fire()
				h = next
			}
			return
		}
		if i > 16 {
			runtime.Gosched()
		}
	}
}

func (c *cell) done() bool { return c.state.Load() == cellDone }

// waitChan returns a channel closed when the cell is done, or nil when it
// already is.
func (c *cell) waitChan() chan struct{} {
	if _, ok := c.lockUnlessDone(); !ok {
		return nil
	}
	if c.ch == nil {
		c.ch = make(chan struct{})
	}
	ch := c.ch
	c.state.Store(cellWaited)
	return ch
}

// addHook registers h to fire when the cell completes; it reports false
// (and does not register) when the cell is already done.
func (c *cell) addHook(h *hook) bool {
	if _, ok := c.lockUnlessDone(); !ok {
		return false
	}
	h.next = c.hooks
	c.hooks = h
	c.state.Store(cellWaited)
	return true
}

// removeHook unregisters h (a no-op once the cell is done: it fired).
func (c *cell) removeHook(h *hook) {
	s, ok := c.lockUnlessDone()
	if !ok {
		return
	}
	for p := &c.hooks; *p != nil; p = &(*p).next {
		if *p == h {
			*p = h.next
			break
		}
	}
	c.state.Store(s)
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
// collect its result. Called with the context of a running task or actor
// call, a Get that has to wait is a blocked wait (see Block).
func (f *Future[T]) Get(ctx context.Context) (T, error) {
	return f.get(ctx, false)
}

// get is Get; blocked says the caller already recorded a blocked wait.
func (f *Future[T]) get(ctx context.Context, blocked bool) (T, error) {
	if f.c.done() {
		return f.val, f.err
	}
	// A short call often completes within a yield or two, and yielding
	// lets the goroutine that will complete it run on this thread: both
	// are much cheaper than parking and being woken.
	for range 2 {
		runtime.Gosched()
		if f.c.done() {
			return f.val, f.err
		}
	}
	if ch := f.c.waitChan(); ch != nil {
		var b blocker
		if !blocked {
			b = blockedOn(ctx)
		}
		select {
		case <-ch:
		case <-ctx.Done():
		}
		if b != nil {
			b.unblock()
		}
		if !f.c.done() {
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

// NoTimeout is the timeout that makes Wait wait without a time limit (ctx
// still applies). A timeout of 0 returns at once with what is ready, as in
// Ray.
const NoTimeout time.Duration = -1

// Wait returns once numReturns of futures are done or timeout has passed
// (like ray.wait). ready holds at most numReturns done futures in their
// input order; notReady holds the others in input order (including done
// ones beyond numReturns). A failed future counts as done. When ctx ends
// first, Wait returns what was ready then and ctx's error. futures must
// not hold nil: like a nil *Future's methods, Wait panics on one.
func Wait(ctx context.Context, futures []Waitable, numReturns int, timeout time.Duration) (ready, notReady []Waitable, err error) {
	if numReturns < 0 || numReturns > len(futures) {
		return nil, futures, fmt.Errorf("%w: Wait numReturns = %d with %d futures", ErrInvalidOptions, numReturns, len(futures))
	}
	count := countDone(futures, numReturns)
	// Yield a few times before registering with every future: when the
	// work is running, a result often lands in the meantime, and a rescan
	// is far cheaper than hooking and unhooking each future.
	for spin := 0; spin < 3 && count < numReturns && timeout != 0; spin++ {
		runtime.Gosched()
		count = countDone(futures, numReturns)
	}
	if count < numReturns && timeout != 0 {
		sig := make(chan struct{}, len(futures))
		hooks := make([]hook, len(futures))
		hooked := make([]bool, len(futures))
		nHooked := 0
		for i, f := range futures {
			hooks[i].ch = sig
			if c := f.waitCell(); !c.done() && c.addHook(&hooks[i]) {
				hooked[i] = true
				nHooked++
			}
		}
		// Every future not hooked is done; each hooked one signals once.
		count = len(futures) - nHooked
		var timer <-chan time.Time
		if b := blockedOn(ctx); b != nil {
			defer b.unblock()
		}
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
		for i, f := range futures {
			if hooked[i] {
				f.waitCell().removeHook(&hooks[i])
			}
		}
	}
	ready = make([]Waitable, 0, min(count, numReturns))
	notReady = make([]Waitable, 0, len(futures)-cap(ready))
	for _, f := range futures {
		if len(ready) < numReturns && f.waitCell().done() {
			ready = append(ready, f)
		} else {
			notReady = append(notReady, f)
		}
	}
	return ready, notReady, err
}

// countDone counts the done futures, stopping once it reaches limit.
func countDone(futures []Waitable, limit int) int {
	n := 0
	for _, f := range futures {
		if n >= limit {
			break
		}
		if f.waitCell().done() {
			n++
		}
	}
	return n
}

// GetAll waits for every future and returns their results in order, like
// ray.get on a list. It stops at the first failed future (in list order)
// and returns its error, or ctx's error when ctx ends first.
func GetAll[T any](ctx context.Context, futures []*Future[T]) ([]T, error) {
	out := make([]T, len(futures))
	var b blocker
	defer func() {
		if b != nil {
			b.unblock()
		}
	}()
	for i, f := range futures {
		if b == nil && !f.c.done() {
			b = blockedOn(ctx)
		}
		v, err := f.get(ctx, b != nil)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Waitables converts typed futures for Wait.
func Waitables[T any](futures []*Future[T]) []Waitable {
	out := make([]Waitable, len(futures))
	for i, f := range futures {
		out[i] = f
	}
	return out
}
