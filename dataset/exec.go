package dataset

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// DefaultMemoryBudget is the executor's default bound on the bytes of
// blocks produced but not yet consumed.
const DefaultMemoryBudget = 512 << 20

// task is one unit of parallel work: it produces blocks in order through
// emit. A task is run at most once per execution.
type task struct {
	name string
	run  func(ctx context.Context, emit func(*Block) error) error
	// light says run only hands over blocks that exist already (blocks in
	// memory, the output of a nested stage), so it needs no CPU slot.
	light bool
}

// env is one execution: the scheduler, the memory budget and the stats.
type env struct {
	sched  scheduler
	par    int
	budget *budget
	stats  *execStats
}

func newEnv(o Options, sys *System) *env {
	s := schedulerOf(sys)
	par := o.Parallelism
	if par <= 0 {
		par = s.parallelism()
	}
	lim := o.MemoryBudget
	if lim <= 0 {
		lim = DefaultMemoryBudget
	}
	b := &budget{limit: lim}
	b.cond = sync.NewCond(&b.mu)
	return &env{sched: s, par: par, budget: b, stats: newExecStats()}
}

// budget accounts the bytes of blocks in flight: produced by a task and not
// yet handed back by the consumer. It is shared by every stage of one
// execution.
type budget struct {
	mu      sync.Mutex
	cond    *sync.Cond // shared by every stage waiting on the budget
	limit   int64
	used    int64
	peak    int64
	largest int64 // the largest block charged so far
}

func (b *budget) charge(n int64) {
	b.used += n
	if b.used > b.peak {
		b.peak = b.used
	}
	if n > b.largest {
		b.largest = n
	}
}

// Peak returns the largest number of bytes in flight at once.
func (b *budget) Peak() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peak
}

// slot holds one task's output until the consumer takes it.
type slot struct {
	blocks []*Block
	sizes  []int64
	done   bool
	err    error
}

// runTasks runs tasks with at most e.par at once and yields their blocks in
// task order, so the output does not depend on timing or parallelism. top
// says the caller is the dataset's consumer (not a stage nested in the
// plan): its waits for blocks are blocked waits of the task it may run in
// (actor.Block), which lend that task's resources back meanwhile.
//
// A task runs in steps. A step is one job on the scheduler, holding a CPU
// slot: it makes the task's next blocks (reading, decoding, the fused
// maps) for as long as the budget takes each at once, and returns the
// first block that would have to wait to the task's driver goroutine,
// which holds nothing while it waits for room and then starts the next
// step. So nothing waits on the memory budget, on the consumer or on
// another stage while it holds a CPU, and a stage nested in the plan,
// another dataset consumed meanwhile (an evaluation inside a training
// loop), or a second execution on the same System always finds the CPUs it
// needs.
//
// Backpressure: a driver may hand over a block only while the bytes in
// flight, plus a reserve of two of the largest blocks seen, stay under the
// budget. The task the consumer is waiting for (the head) may use the
// reserve, and when it has nothing buffered it is always admitted, so the
// pipeline cannot deadlock. The reserve covers the block the consumer
// holds and the head's next block, so the budget is exceeded only when
// one block is larger than a third of it.
//
// Cancellation: when ctx ends, the consumer gets ctx's error at once. Steps
// not started yet are withdrawn and never run; running ones see ctx, and
// their drivers clean up after them without anyone waiting. When the
// consumer stops early or a task fails, the stage waits for its running
// steps before it returns, so no goroutine is left behind.
func (e *env) runTasks(ctx context.Context, tasks iter.Seq2[task, error], top bool) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		st := e.newStage(ctx, top)
		st.wg.Add(1)
		go st.launch(tasks)
		defer func() { st.end(ctx.Err() == nil) }()
		mu := st.mu
		mu.Lock()
		for {
			st.await(func() bool { return st.head < len(st.slots) || st.launched })
			if err := st.ctx.Err(); err != nil {
				mu.Unlock()
				yield(nil, err)
				return
			}
			if st.head >= len(st.slots) {
				err := st.lErr
				mu.Unlock()
				if err != nil {
					yield(nil, err)
				}
				return
			}
			s := st.slots[st.head]
			st.await(func() bool { return len(s.blocks) > 0 || s.done })
			if len(s.blocks) > 0 {
				b, n := s.blocks[0], s.sizes[0]
				s.blocks[0] = nil
				s.blocks, s.sizes = s.blocks[1:], s.sizes[1:]
				mu.Unlock()
				ok := yield(b, nil)
				mu.Lock()
				st.bud.used -= n
				st.cond.Broadcast()
				if !ok {
					mu.Unlock()
					return
				}
				continue
			}
			if s.done {
				if s.err != nil {
					err := s.err
					mu.Unlock()
					yield(nil, err)
					return
				}
				st.head++
				st.cond.Broadcast()
			}
		}
	}
}

// stage is one run of runTasks: a launcher goroutine starting a driver
// goroutine per task, and the slots the consumer takes blocks from. Its
// fields are guarded by the budget's mutex, shared by every stage of the
// execution.
type stage struct {
	e      *env
	top    bool
	ctx    context.Context // ends with the caller's ctx or the stage
	cancel context.CancelFunc
	bud    *budget
	mu     *sync.Mutex
	cond   *sync.Cond
	wg     sync.WaitGroup // the launcher and the drivers
	stop   func() bool    // unregisters the wake-up on ctx's end

	slots    []*slot
	head     int  // the slot the consumer takes from
	running  int  // drivers running
	launched bool // the launcher finished
	lErr     error
}

func (e *env) newStage(ctx context.Context, top bool) *stage {
	st := &stage{e: e, top: top, bud: e.budget, mu: &e.budget.mu, cond: e.budget.cond}
	st.ctx, st.cancel = context.WithCancel(ctx)
	st.stop = context.AfterFunc(st.ctx, func() {
		st.mu.Lock()
		st.cond.Broadcast()
		st.mu.Unlock()
	})
	return st
}

// await waits, with mu held on entry and on return, until ready reports
// true or the stage's ctx ends. The consumer's wait is a blocked wait of
// the task it may run in.
func (st *stage) await(ready func() bool) {
	if ready() || st.ctx.Err() != nil {
		return
	}
	wait := func() error {
		for !ready() && st.ctx.Err() == nil {
			st.cond.Wait()
		}
		return nil
	}
	if !st.top {
		wait() //nolint:errcheck // never fails
		return
	}
	st.mu.Unlock()
	actor.Block(st.ctx, func() error { //nolint:errcheck // never fails
		st.mu.Lock()
		defer st.mu.Unlock()
		return wait()
	})
	st.mu.Lock()
}

// end stops the stage. With wait it waits for the launcher and the
// drivers (each waits for its running step); without, they finish on
// their own. Blocks never consumed go back to the budget.
func (st *stage) end(wait bool) {
	st.cancel()
	if wait {
		st.wg.Wait()
	}
	st.stop()
	st.mu.Lock()
	for _, s := range st.slots[min(st.head, len(st.slots)):] {
		for _, n := range s.sizes {
			st.bud.used -= n
		}
		s.blocks, s.sizes = nil, nil
	}
	st.cond.Broadcast()
	st.mu.Unlock()
}

// launch starts a driver per task, at most e.par running and 2×e.par
// slots ahead of the consumer. Planning runs here (a source's ReadTasks, a
// nested stage, a barrier): a panic in it is the stage's error.
func (st *stage) launch(tasks iter.Seq2[task, error]) {
	defer st.wg.Done()
	var err error
	defer func() {
		if v := recover(); v != nil {
			err = &actor.PanicError{Op: "dataset: planning tasks", Value: v, Stack: debug.Stack()}
		}
		st.mu.Lock()
		st.launched, st.lErr = true, err
		st.cond.Broadcast()
		st.mu.Unlock()
	}()
	par := st.e.par
	for t, terr := range tasks {
		if terr != nil {
			err = terr
			break
		}
		st.mu.Lock()
		for st.ctx.Err() == nil && (st.running >= par || len(st.slots) >= st.head+2*par) {
			st.cond.Wait()
		}
		if st.ctx.Err() != nil {
			st.mu.Unlock()
			break
		}
		j := len(st.slots)
		s := &slot{}
		st.slots = append(st.slots, s)
		st.running++
		st.mu.Unlock()
		st.wg.Add(1)
		go st.drive(j, s, t)
	}
}

// drive runs task t step by step into slot s (the j-th). Its bookkeeping
// is deferred, so the slot is completed whatever happens: an error, a
// panic, a step the System never started.
func (st *stage) drive(j int, s *slot, t task) {
	var err error
	defer func() {
		if v := recover(); v != nil {
			err = &actor.PanicError{Op: "dataset: task " + t.name, Value: v, Stack: debug.Stack()}
		}
		st.mu.Lock()
		s.done, s.err = true, err
		st.running--
		st.cond.Broadcast()
		st.mu.Unlock()
		st.wg.Done()
	}()
	err = st.steps(j, s, t)
}

// errStopped ends a task's run when its driver stops pulling blocks.
var errStopped = errors.New("dataset: task stopped")

// steps pulls t's blocks one step at a time. The task's run is suspended
// between steps (iter.Pull2), so a step is just the making of one block.
func (st *stage) steps(j int, s *slot, t task) error {
	tctx, tcancel := context.WithCancelCause(st.ctx)
	defer tcancel(nil)
	next, stop := iter.Pull2(func(yield func(*Block, error) bool) {
		err := t.run(tctx, func(b *Block) error {
			if !yield(b, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(nil, err)
		}
	})
	// stop resumes the run so that it can clean up: only once no step is
	// running it.
	defer stop()
	for {
		var (
			b    *Block
			berr error
			more bool
		)
		jb := st.e.sched.spawn(st.ctx, t.name, !t.light, func(sctx context.Context) error {
			// The System's Shutdown cancels the step's context: pass it on,
			// with ErrShutdown as the cause.
			unlink := context.AfterFunc(sctx, func() {
				if st.ctx.Err() == nil {
					tcancel(fmt.Errorf("dataset: %s: %w", t.name, actor.ErrShutdown))
				}
			})
			defer unlink()
			// Go on making blocks while the budget takes them at once;
			// one that must wait is left to the driver.
			for {
				b, berr, more = next()
				if !more || berr != nil || !st.tryPut(j, s, b) {
					return nil
				}
				b = nil
			}
		})
		if err := jb.wait(st.ctx); err != nil {
			jb.join()
			return err
		}
		if !more {
			return nil
		}
		if berr != nil {
			if cause := context.Cause(tctx); errors.Is(berr, context.Canceled) && errors.Is(cause, actor.ErrShutdown) {
				return cause
			}
			return berr
		}
		if err := st.put(j, s, b); err != nil {
			return err
		}
	}
}

// put hands block b of slot s (the j-th) to the consumer once the memory
// budget has room for it. The driver holds no CPU while it waits.
func (st *stage) put(j int, s *slot, b *Block) error {
	n := b.SizeBytes()
	st.mu.Lock()
	defer st.mu.Unlock()
	for !st.fitsLocked(j, s, n) {
		if err := st.ctx.Err(); err != nil {
			return err
		}
		st.cond.Wait()
	}
	st.addLocked(s, b, n)
	return nil
}

// tryPut hands b over if the budget has room for it now, and reports
// whether it did.
func (st *stage) tryPut(j int, s *slot, b *Block) bool {
	n := b.SizeBytes()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ctx.Err() != nil || !st.fitsLocked(j, s, n) {
		return false
	}
	st.addLocked(s, b, n)
	return true
}

// fitsLocked reports whether slot s (the j-th) may hand over a block of n
// bytes now.
func (st *stage) fitsLocked(j int, s *slot, n int64) bool {
	bud := st.bud
	if bud.used == 0 {
		return true
	}
	if j == st.head {
		return bud.used+n <= bud.limit || len(s.blocks) == 0
	}
	reserve := max(bud.largest, n)
	return bud.used+n+2*reserve <= bud.limit
}

func (st *stage) addLocked(s *slot, b *Block, n int64) {
	st.bud.charge(n)
	s.blocks = append(s.blocks, b)
	s.sizes = append(s.sizes, n)
	st.cond.Broadcast()
}

// collect runs tasks (a stage nested in the plan) and returns all their
// blocks in order.
func (e *env) collect(ctx context.Context, tasks iter.Seq2[task, error]) ([]*Block, error) {
	var out []*Block
	for b, err := range e.runTasks(ctx, tasks, false) {
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// runJobs runs fn(0) … fn(k-1) as k CPU jobs and waits for them. At the
// first failure it withdraws the jobs not started and waits for the
// running ones; when ctx ends it returns at once.
func (e *env) runJobs(ctx context.Context, name string, k int, fn func(w int)) error {
	jobs := make([]*job, k)
	for w := range jobs {
		jobs[w] = e.sched.spawn(ctx, name, true, func(context.Context) error {
			fn(w)
			return nil
		})
	}
	for i, j := range jobs {
		err := j.wait(ctx)
		if err == nil {
			continue
		}
		for _, r := range jobs[i+1:] {
			r.withdraw()
		}
		if ctx.Err() == nil {
			for _, r := range jobs[i+1:] {
				r.join()
			}
		}
		return err
	}
	return nil
}

// blockTasks makes one task per block, each emitting its block.
func blockTasks(name string, blocks []*Block) iter.Seq2[task, error] {
	return func(yield func(task, error) bool) {
		for i, b := range blocks {
			t := task{name: fmt.Sprintf("%s[%d]", name, i), light: true, run: func(ctx context.Context, emit func(*Block) error) error {
				return emit(b)
			}}
			if !yield(t, nil) {
				return
			}
		}
	}
}

// streamTasks turns an ordered block stream into tasks, one per block.
func streamTasks(name string, blocks iter.Seq2[*Block, error]) iter.Seq2[task, error] {
	return func(yield func(task, error) bool) {
		i := 0
		for b, err := range blocks {
			if err != nil {
				yield(task{}, err)
				return
			}
			t := task{name: fmt.Sprintf("%s[%d]", name, i), light: true, run: func(ctx context.Context, emit func(*Block) error) error {
				return emit(b)
			}}
			i++
			if !yield(t, nil) {
				return
			}
		}
	}
}

// OpError is the failure of one operator of a plan, naming it.
type OpError struct {
	// Op is the operator's name, as in Stats ("MapBatches(scale)").
	Op string
	// Err is the cause.
	Err error
}

// Error names the operator and its cause.
func (e *OpError) Error() string { return "dataset: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

func opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *OpError
	var pe *actor.PanicError
	if errors.As(err, &oe) || errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &OpError{Op: op, Err: err}
}

// timed runs fn and adds its duration to the op's stats.
func (e *env) timed(op int, fn func() error) error {
	t := time.Now()
	err := fn()
	e.stats.addTime(op, time.Since(t))
	return err
}
