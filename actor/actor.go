package actor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Options configure an actor, like the options of a Ray actor class.
type Options struct {
	// Name registers the actor for Lookup while it lives; it must be unique
	// among live actors of the System. Empty: anonymous.
	Name string
	// NumCPUs is held for the actor's whole life (fractional: 0.5 packs two
	// actors per CPU). Spawn waits until it is free. The zero value holds
	// none, which is what a running Ray actor holds by default.
	NumCPUs float64
	// NumGPUs is held for the actor's whole life.
	NumGPUs float64
	// Resources are custom resources held for the actor's whole life.
	Resources map[string]float64
	// GetIfExists, with Name, makes Spawn return the live actor already
	// registered under Name (without running ctor), like Ray's
	// get_if_exists. It fails with ErrNameTaken when that actor holds
	// another type.
	GetIfExists bool
	// MaxPendingCalls caps the calls waiting in the mailbox (not yet
	// started); a Call beyond it fails at once with ErrPendingCallsLimit,
	// like Ray's max_pending_calls. 0: no cap.
	MaxPendingCalls int
	// Group is the admission group Spawn waits in for the actor's
	// resources (see TaskOptions.Group). Empty: the default group.
	Group string
	// MaxConcurrency is how many calls may run at once; 0 or 1 means one at
	// a time, in the order they were made.
	MaxConcurrency int
	// MaxRestarts is how many times a crashed actor (a call panicked) is
	// rebuilt by its constructor; -1 means without limit.
	MaxRestarts int
	// MaxTaskRetries is how many times a call interrupted by a crash is
	// re-run on the rebuilt actor; -1 means without limit. As in Ray it
	// needs MaxRestarts != 0.
	MaxTaskRetries int
	// Placement schedules the actor into a bundle of a placement group: it
	// holds its resources out of the bundle's reservation, and is killed
	// when the group is removed. The zero value: not in a group.
	Placement Placement
}

// actor states, guarded by core.mu.
const (
	stAlive = iota
	stRestarting
	stDead
)

// job is a queued call on an actor of type A.
type job[A any] interface {
	// exec runs the call and stores its result; a panic propagates.
	exec(ctx context.Context, a *A, label string)
	// fail stores err as the result without running the call.
	fail(err error)
	// retry consumes one retry of a budget of max (-1: unlimited) and
	// reports whether one was left.
	retry(max int) bool
}

// callJob is one call: its future and function in one allocation.
type callJob[A, T any] struct {
	fut   Future[T]
	fn    func(context.Context, *A) (T, error)
	tries int
}

func (j *callJob[A, T]) exec(ctx context.Context, a *A, label string) {
	v, err := j.fn(ctx, a)
	j.fn = nil // let the closure go once it has run
	if err != nil {
		err = &ActorError{Actor: label, Op: "call", Err: err}
	}
	j.fut.complete(v, err)
}

func (j *callJob[A, T]) fail(err error) {
	var zero T
	j.fut.complete(zero, err)
}

func (j *callJob[A, T]) retry(max int) bool {
	if max >= 0 && j.tries >= max {
		return false
	}
	j.tries++
	return true
}

// core is an actor's state: its mailbox, instance and lifecycle.
type core[A any] struct {
	sys      *System
	s        *sched // where the actor holds its resources
	id       uint64
	label    string
	regName  string
	ctor     func(context.Context) (*A, error)
	ctx      context.Context
	cancel   context.CancelFunc
	d        demand
	conc     int
	pendingN int // MaxPendingCalls
	restartN int // MaxRestarts
	retryN   int // MaxTaskRetries
	exitCh   chan struct{}
	dead     atomic.Bool

	mu       sync.Mutex
	cond     sync.Cond
	q        []job[A]
	spare    []job[A]
	sleeping int
	inst     *A
	gen      int
	state    int
	running  int
	restarts int
	death    error
	workers  int
	blocked  int  // blocked waits of calls (see Block)
	lent     bool // the actor's CPU is lent out
	freed    bool // the actor's resources are back
	stopPG   func() bool
}

// Handle refers to a live or dead actor holding an *A. Handles are safe
// for concurrent use and may be copied freely.
type Handle[A any] struct{ c *core[A] }

// Spawn creates an actor: it waits (in turn with all other requests, see
// the package doc, until ctx ends) for the actor's resources, runs ctor,
// and starts the actor's mailbox. A demand the System (or the placement
// bundle) can never meet fails at once with ErrInfeasible. ctor's context lives as long as the actor. A failing or
// panicking ctor makes Spawn return an *ActorError (Op "constructor") and
// frees the resources; MaxRestarts applies to crashes of a running actor,
// not to its first construction.
func Spawn[A any](ctx context.Context, sys *System, ctor func(context.Context) (*A, error), opts Options) (*Handle[A], error) {
	id := sys.nextID.Add(1)
	label := opts.Name
	if label == "" {
		label = fmt.Sprintf("actor-%d", id)
	}
	switch {
	case ctor == nil:
		return nil, fmt.Errorf("%w: spawn %q: nil constructor", ErrInvalidOptions, label)
	case opts.MaxConcurrency < 0:
		return nil, fmt.Errorf("%w: spawn %q: MaxConcurrency = %d", ErrInvalidOptions, label, opts.MaxConcurrency)
	case opts.MaxPendingCalls < 0:
		return nil, fmt.Errorf("%w: spawn %q: MaxPendingCalls = %d", ErrInvalidOptions, label, opts.MaxPendingCalls)
	case opts.MaxRestarts < -1:
		return nil, fmt.Errorf("%w: spawn %q: MaxRestarts = %d", ErrInvalidOptions, label, opts.MaxRestarts)
	case opts.MaxTaskRetries < -1:
		return nil, fmt.Errorf("%w: spawn %q: MaxTaskRetries = %d", ErrInvalidOptions, label, opts.MaxTaskRetries)
	case opts.MaxTaskRetries != 0 && opts.MaxRestarts == 0:
		return nil, fmt.Errorf("%w: spawn %q: MaxTaskRetries needs MaxRestarts != 0", ErrInvalidOptions, label)
	}
	d, sc, err := sys.placeDemand(opts.NumCPUs, opts.NumGPUs, opts.Resources, opts.Placement, fmt.Sprintf("actor %q", label))
	if err != nil {
		return nil, err
	}
	c := &core[A]{
		sys: sys, s: sc, id: id, label: label, regName: opts.Name, ctor: ctor, d: d,
		conc: max(opts.MaxConcurrency, 1), pendingN: opts.MaxPendingCalls, restartN: opts.MaxRestarts, retryN: opts.MaxTaskRetries,
		exitCh: make(chan struct{}),
	}
	c.cond.L = &c.mu
	c.ctx, c.cancel = context.WithCancel(sc.ctx)
	c.ctx = context.WithValue(c.ctx, blockKey{}, blocker(c))
	existing, err := sys.reserveName(opts.Name, c, opts.GetIfExists)
	if err != nil {
		c.cancel()
		return nil, fmt.Errorf("actor: spawn %q: %w", label, err)
	}
	if existing != nil {
		c.cancel()
		if e, ok := existing.(*core[A]); ok {
			return &Handle[A]{c: e}, nil
		}
		return nil, fmt.Errorf("actor: spawn %q: %w by an actor of another type", label, ErrNameTaken)
	}
	if err := sc.acquire(ctx, d, opts.Group); err != nil {
		err = fmt.Errorf("actor: spawn %q: waiting for %s: %w", label, sys.describe(&d), err)
		c.abandon(err)
		return nil, err
	}
	a, err := c.construct()
	if err == nil {
		if err = sys.register(id, c.kill, c.conc); err != nil {
			err = fmt.Errorf("actor: spawn %q: %w", label, err)
		}
	}
	if err != nil {
		c.free()
		c.abandon(err)
		return nil, err
	}
	if pg := opts.Placement.Group; pg != nil {
		c.stopPG = context.AfterFunc(pg.ctx, func() { c.kill(ErrPlacementGroupRemoved) })
	}
	c.inst = a
	c.workers = c.conc
	for range c.conc {
		go c.work()
	}
	return &Handle[A]{c: c}, nil
}

// free gives the actor's resources back (once), forgiving a loan of its
// CPU still out.
func (c *core[A]) free() {
	c.mu.Lock()
	if c.freed {
		c.mu.Unlock()
		return
	}
	c.freed = true
	lent := c.lent
	c.lent = false
	c.mu.Unlock()
	if !lent {
		c.s.release(&c.d)
		return
	}
	rest := c.d
	rest.cpu = 0
	c.s.mu.Lock()
	c.s.unlendLocked(c.d.cpu)
	c.s.mu.Unlock()
	c.s.release(&rest)
}

// block records a blocked wait of one of the actor's calls (or its
// constructor); the actor lends its CPU while every call it runs is
// blocked.
func (c *core[A]) block() bool {
	if c.d.cpu == 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.freed {
		return false
	}
	c.blocked++
	c.lendIfIdleLocked()
	return true
}

// unblock ends a blocked wait; the actor takes its CPU back at once when a
// call goes on.
func (c *core[A]) unblock() {
	c.mu.Lock()
	c.blocked--
	if c.lent && (c.blocked == 0 || c.blocked < c.running) {
		c.lent = false
		c.s.mu.Lock()
		c.s.retakeLocked(c.d.cpu)
		c.s.mu.Unlock()
	}
	c.mu.Unlock()
}

// lendIfIdleLocked lends the actor's CPU when every running call is
// blocked.
func (c *core[A]) lendIfIdleLocked() {
	if !c.lent && !c.freed && c.blocked > 0 && c.blocked >= c.running {
		c.lent = true
		c.s.mu.Lock()
		c.s.lendLocked(c.d.cpu)
		c.s.mu.Unlock()
	}
}

// abandon makes an actor that never started dead: calls queued on it
// through a handle obtained by name fail with err, and its name and Done
// channel are released.
func (c *core[A]) abandon(err error) {
	c.mu.Lock()
	if c.state != stDead {
		c.dieLocked(&ActorError{Actor: c.label, Op: "constructor", Died: true, Err: err})
	}
	c.mu.Unlock()
	c.sys.freeName(c.regName, c)
	close(c.exitCh)
}

// construct runs the constructor, turning errors and panics into
// *ActorError.
func (c *core[A]) construct() (a *A, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, err = nil, &ActorError{Actor: c.label, Op: "constructor", Err: newPanicError(r)}
		}
	}()
	a, err = c.ctor(c.ctx)
	if err != nil {
		return nil, &ActorError{Actor: c.label, Op: "constructor", Err: err}
	}
	if a == nil {
		return nil, &ActorError{Actor: c.label, Op: "constructor", Err: fmt.Errorf("%w: constructor returned nil", ErrInvalidOptions)}
	}
	return a, nil
}

// Call queues fn on the actor and returns its future. With MaxConcurrency
// 1 calls run one at a time in the order Call was invoked; fn gets the
// actor's context (cancelled by Kill and Shutdown) and its instance. An
// error fn returns comes back wrapped in an *ActorError; a panic crashes
// the actor (see Options.MaxRestarts). A call on a dead actor fails at once
// with an error matching ErrActorDied.
func Call[A, T any](h *Handle[A], fn func(context.Context, *A) (T, error)) *Future[T] {
	j := &callJob[A, T]{fn: fn}
	c := h.c
	if fn == nil {
		j.fail(&ActorError{Actor: c.label, Op: "call", Err: fmt.Errorf("%w: nil function", ErrInvalidOptions)})
		return &j.fut
	}
	c.mu.Lock()
	if c.state == stDead {
		err := c.death
		c.mu.Unlock()
		j.fail(err)
		return &j.fut
	}
	if c.pendingN > 0 && len(c.q) >= c.pendingN {
		c.mu.Unlock()
		j.fail(&ActorError{Actor: c.label, Op: "call", Err: fmt.Errorf("%w: %d calls waiting", ErrPendingCallsLimit, c.pendingN)})
		return &j.fut
	}
	c.q = append(c.q, j)
	if c.sleeping > 0 {
		c.cond.Signal()
	}
	c.mu.Unlock()
	return &j.fut
}

// work is one of the actor's mailbox goroutines.
func (c *core[A]) work() {
	defer c.exited()
	c.mu.Lock()
	for {
		for (len(c.q) == 0 || c.state == stRestarting) && c.state != stDead {
			c.sleeping++
			c.cond.Wait()
			c.sleeping--
		}
		if c.state == stDead {
			c.mu.Unlock()
			return
		}
		var batch []job[A]
		if c.conc == 1 {
			batch, c.q, c.spare = c.q, c.spare, nil
		} else {
			batch = c.q[:1:1]
			c.q = c.q[1:]
		}
		inst, gen := c.inst, c.gen
		c.running++
		if c.lent { // a call starts: it needs the CPU
			c.lent = false
			c.s.mu.Lock()
			c.s.retakeLocked(c.d.cpu)
			c.s.mu.Unlock()
		}
		c.mu.Unlock()
		i, p := c.runBatch(batch, inst)
		c.mu.Lock()
		c.running--
		if c.blocked > 0 {
			c.lendIfIdleLocked()
		}
		switch {
		case p != nil:
			c.crashedLocked(batch[i], batch[i+1:], p, gen)
		case i < len(batch): // killed mid-batch: the rest never ran
			for _, j := range batch[i:] {
				j.fail(c.death)
			}
		}
		if c.state == stRestarting && c.running == 0 {
			c.cond.Broadcast()
		}
		if c.conc == 1 {
			clear(batch)
			c.spare = batch[:0]
		}
	}
}

// runBatch runs the calls of batch in order on a. It stops at the first
// panic, returning its index and the panic, or early (i < len) when the
// actor was killed.
func (c *core[A]) runBatch(batch []job[A], a *A) (i int, p *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			p = newPanicError(r)
		}
	}()
	for i = 0; i < len(batch); i++ {
		if c.dead.Load() {
			return i, nil
		}
		batch[i].exec(c.ctx, a, c.label)
	}
	return i, nil
}

// crashedLocked handles a call that panicked on generation gen: the calls
// behind it go back to the front of the mailbox, the crashed call is
// retried or failed, and the actor is rebuilt or dies.
func (c *core[A]) crashedLocked(j job[A], rest []job[A], p *PanicError, gen int) {
	diedErr := &ActorError{Actor: c.label, Op: "call", Died: true, Err: p}
	if c.state == stDead {
		j.fail(c.death)
		for _, r := range rest {
			r.fail(c.death)
		}
		return
	}
	canRestart := c.restartN < 0 || c.restarts < c.restartN
	front := make([]job[A], 0, len(rest)+1+len(c.q))
	if canRestart && j.retry(c.retryN) {
		front = append(front, j)
	} else {
		j.fail(diedErr)
	}
	front = append(front, rest...)
	c.q = append(front, c.q...)
	if c.state == stRestarting || c.gen != gen {
		return // another worker is rebuilding, or already has
	}
	if !canRestart {
		c.sys.log.Warn("actor: actor died", "actor", c.label, "restarts", c.restarts, "err", p)
		c.dieLocked(diedErr)
		return
	}
	c.state = stRestarting
	for c.running > 0 && c.state != stDead {
		c.cond.Wait() // other workers finish their calls on the old instance
	}
	if c.state == stDead {
		return // killed meanwhile
	}
	c.restarts++
	c.sys.log.Warn("actor: restarting actor", "actor", c.label, "restart", c.restarts, "err", p)
	c.mu.Unlock()
	a, err := c.construct()
	c.mu.Lock()
	if c.state == stDead {
		return
	}
	if err != nil {
		c.sys.log.Warn("actor: actor died in restart", "actor", c.label, "err", err)
		c.dieLocked(&ActorError{Actor: c.label, Op: "constructor", Died: true, Err: err})
		return
	}
	c.inst = a
	c.gen++
	c.state = stAlive
	c.cond.Broadcast()
}

// dieLocked makes the actor dead with err: queued calls fail with it and
// the workers exit (running calls finish first).
func (c *core[A]) dieLocked(err error) {
	c.state = stDead
	c.dead.Store(true)
	c.death = err
	for _, j := range c.q {
		j.fail(err)
	}
	c.q, c.spare = nil, nil
	c.cancel()
	c.cond.Broadcast()
}

// kill makes the actor dead with cause (ErrKilled or ErrShutdown).
func (c *core[A]) kill(cause error) {
	c.mu.Lock()
	if c.state != stDead {
		c.dieLocked(&ActorError{Actor: c.label, Op: "call", Died: true, Err: cause})
	}
	c.mu.Unlock()
}

// exited runs as a worker goroutine returns; the last one frees the
// actor's resources and name.
func (c *core[A]) exited() {
	c.mu.Lock()
	c.workers--
	last := c.workers == 0
	c.mu.Unlock()
	if last {
		if c.stopPG != nil {
			c.stopPG()
		}
		c.free()
		c.sys.unregister(c.id)
		c.sys.freeName(c.regName, c)
		close(c.exitCh)
	}
	c.sys.wg.Done()
}

// Kill stops the actor for good (no restart): queued calls and later
// calls fail with an error matching ErrActorDied and ErrKilled; a call
// already running finishes, with its context cancelled. Kill does not
// wait; Done reports when the actor has stopped.
func (h *Handle[A]) Kill() { h.c.kill(ErrKilled) }

// Done returns a channel closed once the actor is dead and its goroutines
// have returned and its resources are free.
func (h *Handle[A]) Done() <-chan struct{} { return h.c.exitCh }

// Name returns the actor's registered name, or "actor-<id>" when it has
// none.
func (h *Handle[A]) Name() string { return h.c.label }

// Alive reports whether the actor still accepts calls.
func (h *Handle[A]) Alive() bool { return !h.c.dead.Load() }

// Restarts reports how many times the actor has been rebuilt.
func (h *Handle[A]) Restarts() int {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	return h.c.restarts
}

// Err returns the error that killed the actor, or nil while it lives.
func (h *Handle[A]) Err() error {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	return h.c.death
}

// Lookup returns the live actor registered under name (Options.Name),
// like ray.get_actor. It fails with ErrNotFound when no live actor has the
// name or when that actor does not hold an *A.
func Lookup[A any](sys *System, name string) (*Handle[A], error) {
	sys.mu.Lock()
	v, ok := sys.names[name]
	sys.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	c, ok := v.(*core[A])
	if !ok {
		return nil, fmt.Errorf("%w: %q holds a %T, not the type asked for", ErrNotFound, name, v)
	}
	if c.dead.Load() {
		return nil, fmt.Errorf("%w: %q is dead", ErrNotFound, name)
	}
	return &Handle[A]{c: c}, nil
}

// reserveName claims name for c (no-op for ""). When the name is taken and
// getIfExists is set it returns the actor holding it instead.
func (s *System) reserveName(name string, c any, getIfExists bool) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrShutdown
	}
	if name == "" {
		if getIfExists {
			return nil, fmt.Errorf("%w: GetIfExists needs a Name", ErrInvalidOptions)
		}
		return nil, nil
	}
	if old, taken := s.names[name]; taken {
		if getIfExists {
			return old, nil
		}
		return nil, fmt.Errorf("%w: %q", ErrNameTaken, name)
	}
	s.names[name] = c
	return nil, nil
}

// freeName drops name if c still holds it.
func (s *System) freeName(name string, c any) {
	if name == "" {
		return
	}
	s.mu.Lock()
	if s.names[name] == c {
		delete(s.names, name)
	}
	s.mu.Unlock()
}

// register records a live actor so Shutdown can kill it, and counts its
// worker goroutines in the System's WaitGroup (under the lock that
// Shutdown takes before waiting, so no Add races with the Wait).
func (s *System) register(id uint64, kill func(error), workers int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrShutdown
	}
	s.actors[id] = kill
	s.wg.Add(workers)
	return nil
}

func (s *System) unregister(id uint64) {
	s.mu.Lock()
	delete(s.actors, id)
	s.mu.Unlock()
}
