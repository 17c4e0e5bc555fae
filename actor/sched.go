package actor

import (
	"context"
	"slices"
	"sync"
)

// schedJob is work waiting for resources: a task to run on a worker
// goroutine, or a grant that Spawn or a placement group waits for.
type schedJob interface {
	// job returns what admission needs of the job (its demand, admission
	// group and lifetime) and its admission state, which the scheduler's
	// mutex guards.
	job() (*taskSpec, *holder)
	// run executes the job on a worker goroutine holding its resources.
	run()
	// abort fails the job without running it.
	abort(err error)
	// watch is called, under the scheduler's mutex, once a job whose spec
	// has a context is queued: the task then leaves the queue as soon as
	// its context ends.
	watch()
}

// Admission states of a job (holder.state).
const (
	hsNew       uint8 = iota // not submitted yet
	hsQueued                 // waiting in a class queue
	hsRunning                // admitted: holds its resources
	hsCancelled              // left the queue without being admitted
	hsDone                   // finished: its resources are back
)

// holder is a job's admission state, guarded by its scheduler's mutex. A
// task keeps it in the padding of its future's cell, so it costs no space.
type holder struct {
	state uint8
	// lent is set while the job's CPU is lent out because its work is
	// blocked; blocked counts its blocked waits.
	lent    bool
	blocked uint16
}

// grant is a resource reservation waited for by Spawn or a placement
// group: a long-lived holding. ch is closed once it is granted or aborted
// (err set first); onGrant, when set, runs under the scheduler's mutex as
// it is granted.
type grant struct {
	sp      taskSpec
	h       holder
	ch      chan struct{}
	err     error
	onGrant func()
}

func newGrant(d demand, group string, onGrant func()) *grant {
	return &grant{sp: taskSpec{d: d, grp: group, long: true}, ch: make(chan struct{}), onGrant: onGrant}
}

func (g *grant) job() (*taskSpec, *holder) { return &g.sp, &g.h }
func (g *grant) run()                      {}
func (g *grant) abort(err error)           { g.err = err; close(g.ch) }
func (g *grant) watch()                    {}

// worker is a parked worker goroutine; a job (or nil, to stop) is handed
// to it through ch.
type worker struct{ ch chan schedJob }

// qent is a queued job with its submission number.
type qent struct {
	j   schedJob
	seq uint64
}

// dead reports a job that left the queue (cancelled) but is still in it.
func (e qent) dead() bool {
	_, h := e.j.job()
	return h.state != hsQueued
}

// classQ is the FIFO queue of one demand class of an admission group: the
// jobs of the group with equal demands and lifetimes. Its head is always a
// job still waiting (cancelled jobs behind it are skipped when it pops).
type classQ struct {
	f    *fifo
	d    demand
	dp   *demand // the demand of the job that opened the class (a shared spec's)
	long bool
	q    []qent
	head int
	dead int // cancelled jobs still in q
}

// fifo is one admission group: its demand classes.
type fifo struct {
	name    string
	classes []*classQ
}

// class returns the queue of the jobs with sp's demand and lifetime, or
// nil.
func (f *fifo) class(sp *taskSpec) *classQ {
	for _, c := range f.classes {
		if c.long == sp.long && (c.dp == &sp.d || c.d.equal(&sp.d)) {
			return c
		}
	}
	return nil
}

// sched admits work against an amount of resources: the System's, or one
// bundle of a placement group.
//
// Requests queue per admission group and, within a group, per demand
// class; a class is FIFO. An admission pass visits the groups with waiting
// requests starting with the one whose turn it is, and in each group the
// class heads in submission order. It admits the first request that fits
// and does not need a resource dimension (CPU, GPU, a custom resource)
// needed by a request visited before it that did not fit: such a blocked
// request reserves every dimension it asks for, so what it waits for can
// only accumulate and it is never starved by later, smaller requests,
// while requests that need none of those dimensions (NoCPU tasks at
// least) go past it. The turn moves to the next group only when the group
// whose turn it is admits, so a blocked group keeps its place.
//
// Work blocked in a wait (Block) lends its CPU out: it moves to loan,
// which tasks may use whatever is reserved, but long-lived holders (actors,
// placement groups) may not. A woken holder takes its CPU back at once,
// from loan first and then from avail, which may go negative
// (over-subscribed) until running tasks finish; admission never needs
// more than is free. CPU a finished task gives back refills the loan first.
type sched struct {
	mu        sync.Mutex
	ctx       context.Context // the parent of the contexts of tasks run here
	avail     demand          // free capacity not lent; may go negative
	loan      int64           // CPU lent by blocked work and not in use
	lentTotal int64           // CPU of blocked work, in loan or borrowed
	def       fifo            // the default group ""
	groups    map[string]*fifo
	ring      []*fifo // groups with waiting requests, in turn order
	turn      int     // index in ring of the group whose turn it is
	seq       uint64
	queuedN   int // jobs in hsQueued
	seen      []bool
	spare     *classQ // an emptied class queue kept for reuse
	solo      *classQ // the only class queue of the only waiting group, or nil
	idle      []*worker
	closed    bool
	closeErr  error // why it closed: ErrShutdown, ErrPlacementGroupRemoved
	maxIdle   int
	wg        *sync.WaitGroup
	// parent, for a placement-group bundle, is the System's scheduler;
	// once the group is removed (drain) free capacity flows back to it.
	parent *sched
	drain  bool
}

// submit queues j, or dispatches it at once when it is admissible.
func (s *sched) submit(j schedJob) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return s.closeErr
	}
	sp, h := j.job()
	if s.queuedN == 0 && s.takeLocked(&sp.d, sp.long, 0) {
		h.state = hsRunning
		s.dispatchLocked(j)
	} else {
		head := s.enqueueLocked(j, sp, h)
		if sp.ctx != nil {
			j.watch()
		}
		if head {
			s.pumpLocked()
		}
	}
	s.mu.Unlock()
	return nil
}

// enqueueLocked appends j to its class queue and reports whether it is the
// head of that queue (and so possibly admissible now).
func (s *sched) enqueueLocked(j schedJob, sp *taskSpec, h *holder) bool {
	f := &s.def
	if name := sp.grp; name != "" {
		if f = s.groups[name]; f == nil {
			if s.groups == nil {
				s.groups = map[string]*fifo{}
			}
			f = &fifo{name: name}
			s.groups[name] = f
		}
	}
	if len(f.classes) == 0 {
		s.ring = append(s.ring, f)
	}
	d, long := &sp.d, sp.long
	var c *classQ
	if len(f.classes) == 1 && f.classes[0].dp == d { // tasks sharing one spec
		c = f.classes[0]
	} else {
		c = f.class(sp)
	}
	if c == nil {
		if c = s.spare; c != nil {
			s.spare = nil
			c.f, c.d, c.dp, c.long = f, *d, d, long
		} else {
			c = &classQ{f: f, d: *d, dp: d, long: long}
		}
		f.classes = append(f.classes, c)
		s.resolo()
	}
	s.seq++
	c.q = append(c.q, qent{j: j, seq: s.seq})
	h.state = hsQueued
	s.queuedN++
	return len(c.q)-c.head == 1
}

// takeLocked takes d from the free capacity when it is admissible given
// the dimensions reserved by blocked requests ahead of it.
func (s *sched) takeLocked(d *demand, long bool, reserved dimSet) bool {
	if d.custom == nil && d.gpu == 0 && s.loan == 0 && reserved == 0 {
		// The common case: a CPU-only demand, nothing lent or reserved.
		if d.cpu > s.avail.cpu && d.cpu > 0 {
			return false
		}
		s.avail.cpu -= d.cpu
		return true
	}
	var fromLoan int64
	if d.cpu > 0 {
		free := s.avail.cpu + s.loan
		switch {
		case long:
			if reserved&dimCPU != 0 || d.cpu > s.avail.cpu {
				return false
			}
		case reserved&dimCPU != 0:
			if d.cpu > min(s.loan, free) {
				return false
			}
			fromLoan = d.cpu
		default:
			if d.cpu > free {
				return false
			}
			fromLoan = min(d.cpu, s.loan)
		}
	}
	if d.gpu > 0 && (reserved&dimGPU != 0 || d.gpu > s.avail.gpu) {
		return false
	}
	for i, v := range d.custom {
		if v > 0 && (reserved&dimCustom(i) != 0 || v > s.avail.custom[i]) {
			return false
		}
	}
	s.loan -= fromLoan
	s.avail.cpu -= d.cpu - fromLoan
	s.avail.gpu -= d.gpu
	for i, v := range d.custom {
		s.avail.custom[i] -= v
	}
	return true
}

// giveLocked returns d to the free capacity; its CPU refills the loan
// first (the part of it borrowed by running tasks).
func (s *sched) giveLocked(d *demand) {
	refill := min(d.cpu, s.lentTotal-s.loan)
	s.loan += refill
	s.avail.cpu += d.cpu - refill
	s.avail.gpu += d.gpu
	for i, v := range d.custom {
		s.avail.custom[i] += v
	}
}

// finishLocked returns the resources of a job that has ended. A job whose
// CPU is lent out (a goroutine of it still blocked) gives the rest back
// and its loan is forgiven.
func (s *sched) finishLocked(j schedJob) {
	sp, h := j.job()
	h.state = hsDone
	d := &sp.d
	if !h.lent {
		s.giveLocked(d)
		return
	}
	h.lent = false
	s.unlendLocked(d.cpu)
	rest := *d
	rest.cpu = 0
	s.giveLocked(&rest)
}

// dispatchLocked hands an admitted job (its state already hsRunning) to
// an idle worker, a new worker goroutine, or (for a grant) its waiter.
func (s *sched) dispatchLocked(j schedJob) {
	if g, ok := j.(*grant); ok {
		if g.onGrant != nil {
			g.onGrant()
		}
		close(g.ch)
		return
	}
	if n := len(s.idle); n > 0 {
		w := s.idle[n-1]
		s.idle[n-1] = nil
		s.idle = s.idle[:n-1]
		w.ch <- j // buffered and empty: never blocks
		return
	}
	s.wg.Add(1)
	go s.work(j)
}

// resolo recomputes solo after the groups or classes changed.
func (s *sched) resolo() {
	s.solo = nil
	if len(s.ring) == 1 && len(s.ring[0].classes) == 1 {
		s.solo = s.ring[0].classes[0]
	}
}

// pickLocked removes and admits the next admissible request (see sched),
// or returns nil.
func (s *sched) pickLocked() schedJob {
	if c := s.solo; c != nil {
		// One class waits: the pass below reduces to its head, and this
		// saves its pointer chase on the hot path of a task burst.
		if !s.takeLocked(&c.d, c.long, 0) {
			return nil
		}
		j := c.q[c.head].j
		_, h := j.job()
		h.state = hsRunning
		s.queuedN--
		s.popLocked(c)
		return j
	}
	var reserved dimSet
	n := len(s.ring)
	for k := range n {
		gi := s.turn + k
		if gi >= n {
			gi -= n
		}
		f := s.ring[gi]
		nc := len(f.classes)
		if nc > 1 {
			s.seen = append(s.seen[:0], make([]bool, nc)...)
		}
		for range nc {
			best := 0
			if nc > 1 {
				best = -1
				for ci, c := range f.classes {
					if !s.seen[ci] && (best < 0 || c.q[c.head].seq < f.classes[best].q[f.classes[best].head].seq) {
						best = ci
					}
				}
				s.seen[best] = true
			}
			c := f.classes[best]
			if !s.takeLocked(&c.d, c.long, reserved) {
				reserved |= c.d.dims()
				continue
			}
			j := c.q[c.head].j
			_, h := j.job()
			h.state = hsRunning
			s.queuedN--
			left := s.popLocked(c)
			if k == 0 && left {
				if s.turn = gi + 1; s.turn == len(s.ring) {
					s.turn = 0
				}
			}
			return j
		}
	}
	return nil
}

// popLocked removes c's head and the cancelled jobs behind it; it drops c
// when it is empty, and c's group when that is empty. It reports whether
// the group still has waiting requests.
func (s *sched) popLocked(c *classQ) bool {
	c.q[c.head] = qent{}
	c.head++
	for c.dead > 0 && c.head < len(c.q) && c.q[c.head].dead() {
		c.q[c.head] = qent{}
		c.head++
		c.dead--
	}
	if c.head < len(c.q) {
		if c.head >= 1024 && c.head*2 >= len(c.q) {
			n := copy(c.q, c.q[c.head:])
			clear(c.q[n:])
			c.q = c.q[:n]
			c.head = 0
		}
		return true
	}
	f := c.f
	i := slices.Index(f.classes, c)
	f.classes = slices.Delete(f.classes, i, i+1)
	// Keep the emptied queue's memory for the next class: a steady stream
	// of tasks empties and refills its queue over and over.
	c.q, c.head, c.dead, c.f, c.dp = c.q[:0], 0, 0, nil, nil
	s.spare = c
	if len(f.classes) > 0 {
		s.resolo()
		return true
	}
	gi := slices.Index(s.ring, f)
	s.ring = slices.Delete(s.ring, gi, gi+1)
	if gi < s.turn {
		s.turn--
	}
	if s.turn >= len(s.ring) {
		s.turn = 0
	}
	if f != &s.def {
		delete(s.groups, f.name)
	}
	s.resolo()
	return false
}

// dequeueLocked takes a queued job out of admission (its wait was
// cancelled) and reports whether it was still queued.
func (s *sched) dequeueLocked(j schedJob) bool {
	sp, h := j.job()
	if h.state != hsQueued {
		return false
	}
	h.state = hsCancelled
	s.queuedN--
	f := &s.def
	if sp.grp != "" {
		f = s.groups[sp.grp]
	}
	c := f.class(sp)
	if c.q[c.head].j == j {
		s.popLocked(c)
		s.pumpLocked()
	} else {
		c.dead++
	}
	return true
}

// dequeue is dequeueLocked taking the lock.
func (s *sched) dequeue(j schedJob) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dequeueLocked(j)
}

// pumpLocked admits queued jobs while one is admissible.
func (s *sched) pumpLocked() {
	for s.queuedN > 0 {
		j := s.pickLocked()
		if j == nil {
			return
		}
		s.dispatchLocked(j)
	}
}

// release returns d to the pool and admits what now fits.
func (s *sched) release(d *demand) {
	s.mu.Lock()
	s.giveLocked(d)
	s.pumpLocked()
	back, ok := s.drainLocked()
	s.mu.Unlock()
	if ok {
		s.parent.release(&back)
	}
}

// drainLocked, once s's placement group is removed, takes s's free
// capacity out so the caller can return it to the parent after unlocking.
func (s *sched) drainLocked() (demand, bool) {
	if !s.drain {
		return demand{}, false
	}
	var d demand
	any := false
	if s.avail.cpu > 0 {
		d.cpu, s.avail.cpu, any = s.avail.cpu, 0, true
	}
	if s.avail.gpu > 0 {
		d.gpu, s.avail.gpu, any = s.avail.gpu, 0, true
	}
	for i, v := range s.avail.custom {
		if v > 0 {
			if d.custom == nil {
				d.custom = make([]int64, len(s.avail.custom))
			}
			d.custom[i], s.avail.custom[i], any = v, 0, true
		}
	}
	return d, any
}

// work is a worker goroutine: it runs j, then keeps taking admissible jobs,
// parking when there are none.
func (s *sched) work(j schedJob) {
	defer s.wg.Done()
	var w *worker
	for {
		j.run()
		s.mu.Lock()
		s.finishLocked(j)
		if j = s.nextTaskLocked(); j != nil {
			s.pumpLocked()
			s.mu.Unlock()
			continue
		}
		back, drained := s.drainLocked()
		if s.closed || len(s.idle) >= s.maxIdle {
			s.mu.Unlock()
			if drained {
				s.parent.release(&back)
			}
			return
		}
		if w == nil {
			w = &worker{ch: make(chan schedJob, 1)}
		}
		s.idle = append(s.idle, w)
		s.mu.Unlock()
		if drained {
			s.parent.release(&back)
		}
		if j = <-w.ch; j == nil {
			return
		}
	}
}

// nextTaskLocked admits the next admissible task for the calling worker,
// granting the grants admitted on the way.
func (s *sched) nextTaskLocked() schedJob {
	for s.queuedN > 0 {
		j := s.pickLocked()
		if j == nil {
			return nil
		}
		if _, ok := j.(*grant); ok {
			s.dispatchLocked(j)
			continue
		}
		return j
	}
	return nil
}

// acquire waits, in turn with every other request, until d is admitted as
// a long-lived holding; ctx abandons the wait. onGrant, when set, runs
// under the scheduler's lock as the grant is made.
func (s *sched) acquire(ctx context.Context, d demand, group string) error {
	g := newGrant(d, group, nil)
	if err := s.submit(g); err != nil {
		return err
	}
	select {
	case <-g.ch:
		return g.err
	case <-ctx.Done():
		if !s.abandon(g) {
			return g.err
		}
		return ctx.Err()
	}
}

// abandon withdraws a grant whose waiter gave up: a queued one leaves the
// queue, a granted one gives its resources back. It reports false when the
// grant had been aborted instead (its err says why).
func (s *sched) abandon(g *grant) bool {
	s.mu.Lock()
	switch g.h.state {
	case hsQueued:
		s.dequeueLocked(g)
	case hsRunning:
		g.h.state = hsDone
		s.giveLocked(&g.sp.d)
		s.pumpLocked()
	default:
		s.mu.Unlock()
		return false
	}
	back, ok := s.drainLocked()
	s.mu.Unlock()
	if ok {
		s.parent.release(&back)
	}
	return true
}

// queued counts the requests waiting for admission.
func (s *sched) queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queuedN
}

// close stops admission: queued work fails with err and parked workers
// exit. Running jobs finish on their own.
func (s *sched) close(err error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed, s.closeErr = true, err
	var aborted []schedJob
	for _, f := range s.ring {
		for _, c := range f.classes {
			for _, e := range c.q[c.head:] {
				if _, h := e.j.job(); h.state == hsQueued {
					h.state = hsCancelled
					aborted = append(aborted, e.j)
				}
			}
			clear(c.q)
		}
		f.classes = nil
	}
	s.ring, s.groups, s.turn, s.queuedN, s.solo = nil, nil, 0, 0, nil
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, w := range idle {
		close(w.ch)
	}
	for _, j := range aborted {
		j.abort(err)
	}
}
