package actor

import "sync"

// schedJob is work waiting for resources: a task to run on a worker
// goroutine, or a grant that an actor's Spawn waits for.
type schedJob interface {
	dem() *demand
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
	ch        chan struct{}
	granted   bool
	cancelled bool
	err       error
}

func (g *grant) dem() *demand    { return &g.d }
func (g *grant) run()            {}
func (g *grant) abort(err error) { g.err = err; close(g.ch) }

// worker is a parked worker goroutine; a job (or nil, to stop) is handed
// to it through ch.
type worker struct{ ch chan schedJob }

// sched admits work against the System's resources in strict FIFO order:
// a request is never overtaken by a later one, so no submitter starves, and
// the sum of admitted demands never exceeds the totals. Tasks run on a set
// of reused worker goroutines: a worker that finishes a task takes the next
// admissible one itself, so a busy system starts no goroutine per task.
type sched struct {
	mu      sync.Mutex
	avail   demand
	q       []schedJob
	head    int
	idle    []*worker
	closed  bool
	maxIdle int
	wg      *sync.WaitGroup
}

// submit queues j, or dispatches it at once when nothing waits ahead of it
// and its demand fits.
func (s *sched) submit(j schedJob) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrShutdown
	}
	if d := j.dem(); s.head == len(s.q) && d.fits(&s.avail) {
		d.take(&s.avail)
		s.dispatchLocked(j)
	} else {
		s.q = append(s.q, j)
	}
	s.mu.Unlock()
	return nil
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

// popFitLocked removes and admits the head of the queue when it fits.
func (s *sched) popFitLocked() schedJob {
	for s.head < len(s.q) {
		j := s.q[s.head]
		if g, ok := j.(*grant); ok && g.cancelled {
			s.q[s.head] = nil
			s.head++
			continue
		}
		d := j.dem()
		if !d.fits(&s.avail) {
			return nil
		}
		s.q[s.head] = nil
		s.head++
		if s.head == len(s.q) {
			s.q = s.q[:0]
			s.head = 0
		} else if s.head >= 1024 && s.head*2 >= len(s.q) {
			n := copy(s.q, s.q[s.head:])
			clear(s.q[n:])
			s.q = s.q[:n]
			s.head = 0
		}
		d.take(&s.avail)
		return j
	}
	if s.head > 0 {
		s.q = s.q[:0]
		s.head = 0
	}
	return nil
}

// pumpLocked admits queued jobs from the head while they fit.
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

// acquire waits, in FIFO order with every other request, until d is
// admitted; ctx abandons the wait.
func (s *sched) acquire(ctxDone <-chan struct{}, ctxErr func() error, d demand) error {
	g := &grant{d: d, ch: make(chan struct{})}
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

// close stops admission: queued work fails with ErrShutdown and parked
// workers exit. Running jobs finish on their own.
func (s *sched) close() {
	s.mu.Lock()
	s.closed = true
	pending := append([]schedJob(nil), s.q[s.head:]...)
	clear(s.q)
	s.q, s.head = nil, 0
	idle := s.idle
	s.idle = nil
	var tasks []schedJob
	for _, j := range pending {
		if g, ok := j.(*grant); ok {
			if !g.cancelled {
				g.abort(ErrShutdown)
			}
			continue
		}
		tasks = append(tasks, j)
	}
	s.mu.Unlock()
	for _, w := range idle {
		close(w.ch)
	}
	for _, j := range tasks {
		j.abort(ErrShutdown)
	}
}
