package actor

import "sync"

// schedJob is work waiting for resources: a task to run on a worker
// goroutine, or a grant that an actor's Spawn waits for.
type schedJob interface {
	dem() *demand
	// group is the admission group the job queues in.
	group() string
	// run executes the job on a worker goroutine holding its resources.
	run()
	// abort fails the job without running it.
	abort(err error)
}

// grant is a resource reservation waited for by Spawn. Its fields are
// guarded by the scheduler's mutex; ch is closed once it is granted or
// aborted (err set first).
type grant struct {
	d         demand
	grp       string
	ch        chan struct{}
	granted   bool
	cancelled bool
	err       error
}

func (g *grant) dem() *demand    { return &g.d }
func (g *grant) group() string   { return g.grp }
func (g *grant) run()            {}
func (g *grant) abort(err error) { g.err = err; close(g.ch) }

// worker is a parked worker goroutine; a job (or nil, to stop) is handed
// to it through ch.
type worker struct{ ch chan schedJob }

// fifo is one admission group's queue.
type fifo struct {
	name string
	q    []schedJob
	head int
}

func (f *fifo) empty() bool { return f.head == len(f.q) }

// pop removes the head, compacting now and then.
func (f *fifo) pop() {
	f.q[f.head] = nil
	f.head++
	if f.head == len(f.q) {
		f.q = f.q[:0]
		f.head = 0
	} else if f.head >= 1024 && f.head*2 >= len(f.q) {
		n := copy(f.q, f.q[f.head:])
		clear(f.q[n:])
		f.q = f.q[:n]
		f.head = 0
	}
}

// sched admits work against the System's resources. Requests of one
// admission group are admitted in FIFO order; groups with waiting requests
// take turns, one admission each. The request whose turn it is blocks all
// others until it fits, so a large request is never starved by smaller
// ones, and the sum of admitted demands never exceeds the totals. Tasks run
// on reused worker goroutines: a worker that finishes a task takes the
// next admissible one itself, so a busy system starts no goroutine per
// task.
type sched struct {
	mu      sync.Mutex
	avail   demand
	def     fifo             // the default group ""
	groups  map[string]*fifo // other groups, created on first use
	ring    []*fifo          // groups with waiting requests, in turn order
	turn    int              // index in ring of the group whose turn it is
	idle    []*worker
	closed  bool
	maxIdle int
	wg      *sync.WaitGroup
}

// submit queues j, or dispatches it at once when nothing waits and its
// demand fits.
func (s *sched) submit(j schedJob) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrShutdown
	}
	if d := j.dem(); len(s.ring) == 0 && d.fits(&s.avail) {
		d.take(&s.avail)
		s.dispatchLocked(j)
	} else {
		s.enqueueLocked(j)
	}
	s.mu.Unlock()
	return nil
}

func (s *sched) enqueueLocked(j schedJob) {
	f := &s.def
	if name := j.group(); name != "" {
		if f = s.groups[name]; f == nil {
			if s.groups == nil {
				s.groups = map[string]*fifo{}
			}
			f = &fifo{name: name}
			s.groups[name] = f
		}
	}
	if f.empty() {
		s.ring = append(s.ring, f)
	}
	f.q = append(f.q, j)
}

// dispatchLocked hands an admitted job to an idle worker, a new worker
// goroutine, or (for a grant) its waiter.
func (s *sched) dispatchLocked(j schedJob) {
	if g, ok := j.(*grant); ok {
		g.granted = true
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

// popFitLocked removes and admits the request whose turn it is, when it
// fits.
func (s *sched) popFitLocked() schedJob {
	for len(s.ring) > 0 {
		if s.turn >= len(s.ring) {
			s.turn = 0
		}
		f := s.ring[s.turn]
		j := f.q[f.head]
		if g, ok := j.(*grant); ok && g.cancelled {
			f.pop()
			s.leaveRingIfEmpty(f)
			continue
		}
		d := j.dem()
		if !d.fits(&s.avail) {
			return nil
		}
		f.pop()
		if !s.leaveRingIfEmpty(f) {
			s.turn++
		}
		d.take(&s.avail)
		return j
	}
	return nil
}

// leaveRingIfEmpty drops f (the group whose turn it is) from the ring when
// it has nothing left; the next group then has the turn.
func (s *sched) leaveRingIfEmpty(f *fifo) bool {
	if !f.empty() {
		return false
	}
	s.ring = append(s.ring[:s.turn], s.ring[s.turn+1:]...)
	if f != &s.def {
		delete(s.groups, f.name)
	}
	return true
}

// pumpLocked admits queued jobs while the one whose turn it is fits.
func (s *sched) pumpLocked() {
	for {
		j := s.popFitLocked()
		if j == nil {
			return
		}
		s.dispatchLocked(j)
	}
}

// release returns d to the pool and admits what now fits.
func (s *sched) release(d *demand) {
	s.mu.Lock()
	d.give(&s.avail)
	s.pumpLocked()
	s.mu.Unlock()
}

// work is a worker goroutine: it runs j, then keeps taking admissible jobs,
// parking when there are none.
func (s *sched) work(j schedJob) {
	defer s.wg.Done()
	var w *worker
	for {
		j.run()
		s.mu.Lock()
		j.dem().give(&s.avail)
		if j = s.popFitLocked(); j != nil {
			s.pumpLocked()
			s.mu.Unlock()
			continue
		}
		if s.closed || len(s.idle) >= s.maxIdle {
			s.mu.Unlock()
			return
		}
		if w == nil {
			w = &worker{ch: make(chan schedJob, 1)}
		}
		s.idle = append(s.idle, w)
		s.mu.Unlock()
		if j = <-w.ch; j == nil {
			return
		}
	}
}

// acquire waits, in turn with every other request, until d is admitted;
// ctx abandons the wait.
func (s *sched) acquire(ctxDone <-chan struct{}, ctxErr func() error, d demand, group string) error {
	g := &grant{d: d, grp: group, ch: make(chan struct{})}
	if err := s.submit(g); err != nil {
		return err
	}
	select {
	case <-g.ch:
		return g.err
	case <-ctxDone:
		s.mu.Lock()
		if g.granted {
			g.d.give(&s.avail)
		} else if g.err == nil {
			g.cancelled = true
		}
		s.pumpLocked()
		s.mu.Unlock()
		return ctxErr()
	}
}

// queued counts the requests waiting for admission.
func (s *sched) queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.ring {
		n += len(f.q) - f.head
	}
	return n
}

// close stops admission: queued work fails with ErrShutdown and parked
// workers exit. Running jobs finish on their own.
func (s *sched) close() {
	s.mu.Lock()
	s.closed = true
	var tasks []schedJob
	for _, f := range s.ring {
		for _, j := range f.q[f.head:] {
			if g, ok := j.(*grant); ok {
				if !g.cancelled {
					g.abort(ErrShutdown)
				}
				continue
			}
			tasks = append(tasks, j)
		}
		clear(f.q)
		f.q, f.head = nil, 0
	}
	s.ring, s.groups = nil, nil
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, w := range idle {
		close(w.ch)
	}
	for _, j := range tasks {
		j.abort(ErrShutdown)
	}
}
