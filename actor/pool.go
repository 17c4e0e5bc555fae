package actor

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
)

// Pool spreads calls over a fixed set of actors, like Ray's ActorPool. Each
// actor runs at most MaxInFlight of the pool's calls at once (1 by
// default): a submission waits for a free actor, which bounds the work in
// flight. An actor found dead is dropped from the rotation and the call
// that found it fails with ErrActorDied; when every actor is dead,
// submissions fail with ErrActorDied instead of waiting forever.
//
// Typed work goes through the package functions Map, MapUnordered, Submit,
// Next and NextUnordered (Go methods cannot take type parameters).
type Pool[A any] struct {
	handles []*Handle[A]
	wake    chan struct{}

	mu       sync.Mutex
	depth    int
	inflight []int
	dead     []bool
	nextSlot int
	pending  []pendingResult // Submit'ed, not yet returned by Next*
}

type pendingResult struct {
	f Waitable
}

// NewPool returns a pool over handles (at least one).
func NewPool[A any](handles ...*Handle[A]) *Pool[A] {
	return &Pool[A]{
		handles:  handles,
		wake:     make(chan struct{}, 1),
		depth:    1,
		inflight: make([]int, len(handles)),
		dead:     make([]bool, len(handles)),
	}
}

// SetMaxInFlight sets how many of the pool's calls one actor may hold at
// once (queued or running; at least 1). More than 1 keeps each mailbox fed
// while results travel back.
func (p *Pool[A]) SetMaxInFlight(n int) {
	p.mu.Lock()
	p.depth = max(n, 1)
	p.mu.Unlock()
	p.signal()
}

// Size returns the number of actors in the pool.
func (p *Pool[A]) Size() int { return len(p.handles) }

func (p *Pool[A]) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// poolDeadErr is the error when no actor of the pool is alive.
func poolDeadErr(n int) error {
	return fmt.Errorf("%w: all %d actors of the pool are dead", ErrActorDied, n)
}

// slotLocked picks an actor with room, or reports -1 (and whether all are dead).
func (p *Pool[A]) slotLocked() (int, bool) {
	n := len(p.handles)
	alive := 0
	for k := range n {
		i := (p.nextSlot + k) % n
		if p.dead[i] {
			continue
		}
		if !p.handles[i].Alive() {
			p.dead[i] = true
			continue
		}
		alive++
		if p.inflight[i] < p.depth {
			p.nextSlot = (i + 1) % n
			return i, false
		}
	}
	return -1, alive == 0
}

// acquire waits for an actor with room; block=false returns -1 at once
// instead of waiting.
func (p *Pool[A]) acquire(ctx context.Context, block bool) (int, error) {
	for {
		p.mu.Lock()
		i, allDead := p.slotLocked()
		if i >= 0 {
			p.inflight[i]++
			more, _ := p.slotLocked()
			p.mu.Unlock()
			if more >= 0 {
				p.signal() // let another waiter in
			}
			return i, nil
		}
		p.mu.Unlock()
		if allDead {
			return -1, poolDeadErr(len(p.handles))
		}
		if !block {
			return -1, nil
		}
		if err := waitSignal(ctx, p.wake); err != nil {
			return -1, err
		}
	}
}

// finished frees actor i's slot once a call completes.
func (p *Pool[A]) finished(i int) {
	p.mu.Lock()
	p.inflight[i]--
	if !p.handles[i].Alive() {
		p.dead[i] = true
	}
	p.mu.Unlock()
	p.signal()
}

// start runs fn(item) on actor i and frees the slot when it completes.
func start[A, In, Out any](p *Pool[A], i int, fn func(context.Context, *A, In) (Out, error), item In) *Future[Out] {
	f := Call(p.handles[i], func(ctx context.Context, a *A) (Out, error) { return fn(ctx, a, item) })
	if !f.c.addHook(&hook{fn: func() { p.finished(i) }}) {
		p.finished(i)
	}
	return f
}

// submitOne waits (when block) for a free actor and starts fn(item) on it;
// it returns nil without error when block is false and no actor is free.
func submitOne[A, In, Out any](ctx context.Context, p *Pool[A], fn func(context.Context, *A, In) (Out, error), item In, block bool) (*Future[Out], error) {
	i, err := p.acquire(ctx, block)
	if err != nil || i < 0 {
		return nil, err
	}
	return start(p, i, fn, item), nil
}

// submitItem is submitOne for Map and MapUnordered: when every actor of the
// pool is dead the item gets a failed future, so its error is yielded in
// its place and the loop goes on; other errors (ctx ending) stop the loop.
func submitItem[A, In, Out any](ctx context.Context, p *Pool[A], fn func(context.Context, *A, In) (Out, error), item In, block bool) (*Future[Out], error) {
	f, err := submitOne(ctx, p, fn, item, block)
	if errors.Is(err, ErrActorDied) {
		return failed[Out](err), nil
	}
	return f, err
}

// Map runs fn on every item across the pool's actors and yields the
// results in the order of items (like ActorPool.map). At most twice the
// pool's capacity of results is in flight or buffered, so a slow consumer
// holds the producers back. Stopping the loop early stops submitting;
// calls already started finish in the background. A failed item yields its
// error and the loop goes on; ctx ending yields ctx's error and stops.
func Map[A, In, Out any](ctx context.Context, p *Pool[A], items []In, fn func(context.Context, *A, In) (Out, error)) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		var zero Out
		window := 2 * p.capacity()
		var q []*Future[Out]
		next := 0
		for next < len(items) || len(q) > 0 {
			for next < len(items) && len(q) < window {
				f, err := submitItem(ctx, p, fn, items[next], len(q) == 0)
				if err != nil {
					yield(zero, err)
					return
				}
				if f == nil {
					break
				}
				q = append(q, f)
				next++
			}
			v, err := q[0].Get(ctx)
			if err != nil && ctx.Err() != nil && !q[0].Ready() {
				yield(zero, ctx.Err())
				return
			}
			q[0] = nil
			q = q[1:]
			if !yield(v, err) {
				return
			}
		}
	}
}

// MapUnordered is Map yielding each result as soon as it is ready (like
// ActorPool.map_unordered).
func MapUnordered[A, In, Out any](ctx context.Context, p *Pool[A], items []In, fn func(context.Context, *A, In) (Out, error)) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		var zero Out
		window := 2 * p.capacity()
		sig := make(chan struct{}, window+1)
		var q []*Future[Out]
		next := 0
		for next < len(items) || len(q) > 0 {
			for next < len(items) && len(q) < window {
				f, err := submitItem(ctx, p, fn, items[next], len(q) == 0)
				if err != nil {
					yield(zero, err)
					return
				}
				if f == nil {
					break
				}
				if !f.c.addHook(&hook{ch: sig}) {
					sig <- struct{}{}
				}
				q = append(q, f)
				next++
			}
			if err := waitSignal(ctx, sig); err != nil {
				yield(zero, err)
				return
			}
			// Yield every finished result (one signal may cover several).
			kept := q[:0]
			var done []*Future[Out]
			for _, f := range q {
				if f.Ready() {
					done = append(done, f)
				} else {
					kept = append(kept, f)
				}
			}
			clear(q[len(kept):])
			q = kept
			// Drain surplus signals for the futures collected here.
			for range len(done) - 1 {
				<-sig
			}
			for _, f := range done {
				if !yield(f.val, f.err) {
					return
				}
			}
		}
	}
}

// waitSignal waits for a receive from ch, as a blocked wait (see Block).
func waitSignal(ctx context.Context, ch <-chan struct{}) error {
	if b := blockedOn(ctx); b != nil {
		defer b.unblock()
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Pool[A]) capacity() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(len(p.handles), 1) * p.depth
}

// Submit starts fn(item) on a free actor of the pool, waiting until one has
// room (or ctx ends), like ActorPool.submit. Collect results with Next or
// NextUnordered.
func Submit[A, In, Out any](ctx context.Context, p *Pool[A], fn func(context.Context, *A, In) (Out, error), item In) error {
	f, err := submitOne(ctx, p, fn, item, true)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.pending = append(p.pending, pendingResult{f: f})
	p.mu.Unlock()
	return nil
}

// HasNext reports whether submitted results remain to be collected.
func (p *Pool[A]) HasNext() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending) > 0
}

// ErrNoPending is returned by Next and NextUnordered when nothing was
// submitted that has not been collected.
var ErrNoPending = errors.New("actor: pool has no pending results")

// Next returns the result of the oldest submission not yet collected,
// waiting for it (like ActorPool.get_next). Out must be the result type of
// that submission. When ctx ends first, the result stays pending.
func Next[Out, A any](ctx context.Context, p *Pool[A]) (Out, error) {
	var zero Out
	p.mu.Lock()
	if len(p.pending) == 0 {
		p.mu.Unlock()
		return zero, ErrNoPending
	}
	f, ok := p.pending[0].f.(*Future[Out])
	if !ok {
		p.mu.Unlock()
		return zero, fmt.Errorf("%w: Next[%T] on a submission of another result type", ErrInvalidOptions, zero)
	}
	p.mu.Unlock()
	if ch := f.c.waitChan(); ch != nil {
		if err := waitSignal(ctx, ch); err != nil {
			return zero, err
		}
	}
	p.mu.Lock()
	p.remove(f)
	p.mu.Unlock()
	return f.val, f.err
}

// NextUnordered returns the result of any finished submission, waiting
// for one (like ActorPool.get_next_unordered).
func NextUnordered[Out, A any](ctx context.Context, p *Pool[A]) (Out, error) {
	var zero Out
	p.mu.Lock()
	ws := make([]Waitable, len(p.pending))
	for i, r := range p.pending {
		ws[i] = r.f
	}
	p.mu.Unlock()
	if len(ws) == 0 {
		return zero, ErrNoPending
	}
	ready, _, err := Wait(ctx, ws, 1, NoTimeout)
	if err != nil {
		return zero, err
	}
	f, ok := ready[0].(*Future[Out])
	if !ok {
		return zero, fmt.Errorf("%w: NextUnordered[%T] on a submission of another result type", ErrInvalidOptions, zero)
	}
	p.mu.Lock()
	p.remove(f)
	p.mu.Unlock()
	return f.val, f.err
}

func (p *Pool[A]) remove(f Waitable) {
	for i, r := range p.pending {
		if r.f == f {
			p.pending = append(p.pending[:i], p.pending[i+1:]...)
			return
		}
	}
}
