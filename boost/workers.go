package boost

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// workers runs the parallel sections of one training (histograms,
// partitions, split searches, margin updates: a few dozen per tree, each
// often well under a millisecond) on goroutines that stay alive between
// sections. Started per section, the second goroutine waited for a
// processor to be woken, and training ran on one goroutine for 30% of
// its wall time on 1M rows of 8 features. A helper that finishes a
// section polls for the next one for workersSpin before it sleeps, as an
// OpenMP runtime's threads do (XGBoost's); the calling goroutine runs
// tasks as worker 0.
//
// One goroutine drives the sections; a section started while another is
// running (an evaluation beside the next round) runs on goroutines of its
// own, as parallelTasks does. A nil *workers runs every section that way.
type workers struct {
	threads int
	busy    sync.Mutex // held by the goroutine running a section
	cur     atomic.Pointer[section]
	stop    atomic.Bool
	wake    chan struct{} // one token wakes one sleeping helper
	asleep  atomic.Int32
	exited  sync.WaitGroup
}

// section is one parallel section: tasks 0..count-1 run as fn(worker,
// task) by workers 0..limit-1.
type section struct {
	count, limit int
	fn           func(worker, task int)
	next         atomic.Int64 // the next task to claim
	left         atomic.Int64 // tasks not yet finished
}

// workersSpin is how long an idle helper polls for the next section
// before it sleeps.
const workersSpin = 200 * time.Microsecond

// newWorkers starts threads-1 helpers (none for one thread); close stops
// them.
func newWorkers(threads int) *workers {
	if threads <= 1 {
		return nil
	}
	p := &workers{threads: threads, wake: make(chan struct{}, threads)}
	for w := 1; w < threads; w++ {
		p.exited.Add(1)
		go p.helper(w)
	}
	return p
}

// close stops the helpers and waits for them to exit.
func (p *workers) close() {
	if p == nil {
		return
	}
	p.stop.Store(true)
	// A helper asleep finds a token: this one, or one left over.
	for w := 1; w < p.threads; w++ {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
	p.exited.Wait()
}

// helper is worker w's loop: it runs its share of each new section.
func (p *workers) helper(w int) {
	defer p.exited.Done()
	var last *section
	for {
		sec := p.cur.Load()
		if sec == last {
			if p.stop.Load() {
				return
			}
			sec = p.await(last)
			if sec == nil {
				return
			}
		}
		last = sec
		if w < sec.limit {
			sec.run(w)
		}
	}
}

// await polls for a section other than last for workersSpin, then
// sleeps until woken; it returns nil when the workers stop.
func (p *workers) await(last *section) *section {
	start := time.Now()
	for i := 0; ; i++ {
		if sec := p.cur.Load(); sec != last {
			return sec
		}
		if p.stop.Load() {
			return nil
		}
		if i&63 == 63 && time.Since(start) > workersSpin {
			break
		}
		runtime.Gosched()
	}
	p.asleep.Add(1)
	for {
		// A section published after the count rose sends a token; one
		// published before it is seen here.
		if sec := p.cur.Load(); sec != last || p.stop.Load() {
			p.asleep.Add(-1)
			if p.stop.Load() {
				return nil
			}
			return sec
		}
		<-p.wake
	}
}

// run claims and runs the section's tasks as worker w until none is left.
func (s *section) run(w int) {
	for {
		t := int(s.next.Add(1) - 1)
		if t >= s.count {
			return
		}
		s.fn(w, t)
		s.left.Add(-1)
	}
}

// tasks runs fn(worker, task) for tasks 0..count-1 on up to threads
// workers, worker in [0, threads), like parallelTasks.
func (p *workers) tasks(threads, count int, fn func(worker, task int)) {
	limit := min(threads, count)
	if p == nil || limit <= 1 || limit > p.threads || !p.busy.TryLock() {
		parallelTasks(threads, count, fn)
		return
	}
	defer p.busy.Unlock()
	sec := &section{count: count, limit: limit, fn: fn}
	sec.left.Store(int64(count))
	p.cur.Store(sec)
	for n := p.asleep.Load(); n > 0; n-- {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
	sec.run(0)
	// The other workers' last tasks: short, so poll.
	for sec.left.Load() > 0 {
		runtime.Gosched()
	}
}

// rangeN splits [0, n) into chunks of at least minChunk and runs fn on
// them on up to threads workers (goroutines of their own for a nil p).
func (p *workers) rangeN(threads, n, minChunk int, fn func(lo, hi int)) {
	chunks := min(threads, (n+minChunk-1)/minChunk)
	if chunks <= 1 {
		fn(0, n)
		return
	}
	p.tasks(chunks, chunks, func(_, c int) { fn(c*n/chunks, (c+1)*n/chunks) })
}
