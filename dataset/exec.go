package dataset

import (
	"context"
	"errors"
	"fmt"
	"iter"
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
// task order, so the output does not depend on timing or parallelism.
//
// Backpressure: a task may hand over a block only while the bytes in
// flight, plus a reserve of two of the largest blocks seen, stay under the
// budget. The task the consumer is waiting for (the head) may use the
// reserve, and when it has nothing buffered it is always admitted, so the
// pipeline cannot deadlock. The reserve covers the block the consumer
// holds and the head's next block, so the budget is exceeded only when
// one block is larger than a third of it.
//
// A nested stage (the input of a limit or an actor pool) runs its tasks
// without holding CPU slots, so that an outer stage's tasks waiting on the
// budget can never starve it.
func (e *env) runTasks(ctx context.Context, tasks iter.Seq2[task, error]) iter.Seq2[*Block, error] {
	return e.runTasksCPU(ctx, tasks, true)
}

func (e *env) runTasksCPU(ctx context.Context, tasks iter.Seq2[task, error], cpu bool) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		bud := e.budget
		mu := &bud.mu
		cond := bud.cond
		stopWake := context.AfterFunc(ctx, func() {
			mu.Lock()
			cond.Broadcast()
			mu.Unlock()
		})
		defer stopWake()

		var (
			slots    []*slot
			head     int
			running  int
			launched bool // the launcher finished
			lErr     error
			waits    []func(context.Context) error
		)
		maxAhead := 2 * e.par
		var lwg sync.WaitGroup
		lwg.Add(1)
		go func() { // launcher
			defer lwg.Done()
			var err error
			for t, terr := range tasks {
				if terr != nil {
					err = terr
					break
				}
				mu.Lock()
				for ctx.Err() == nil && (running >= e.par || len(slots) >= head+maxAhead) {
					cond.Wait()
				}
				if ctx.Err() != nil {
					mu.Unlock()
					break
				}
				j := len(slots)
				s := &slot{}
				slots = append(slots, s)
				running++
				mu.Unlock()
				w := e.sched.spawn(ctx, t.name, cpu, func(ctx context.Context) error {
					err := t.run(ctx, func(b *Block) error {
						n := b.SizeBytes()
						mu.Lock()
						defer mu.Unlock()
						for {
							if err := ctx.Err(); err != nil {
								return err
							}
							reserve := bud.largest
							if n > reserve {
								reserve = n
							}
							fits := bud.used+n+2*reserve <= bud.limit
							if j == head {
								fits = bud.used+n <= bud.limit || len(s.blocks) == 0
							}
							if fits || bud.used == 0 {
								break
							}
							cond.Wait()
						}
						bud.charge(n)
						s.blocks = append(s.blocks, b)
						s.sizes = append(s.sizes, n)
						cond.Broadcast()
						return nil
					})
					mu.Lock()
					s.done, s.err = true, err
					running--
					cond.Broadcast()
					mu.Unlock()
					return err
				})
				mu.Lock()
				waits = append(waits, w)
				mu.Unlock()
			}
			mu.Lock()
			launched, lErr = true, err
			cond.Broadcast()
			mu.Unlock()
		}()

		finish := func() {
			cancel()
			lwg.Wait()
			mu.Lock()
			ws := waits
			mu.Unlock()
			for _, w := range ws {
				w(context.Background()) //nolint:errcheck // errors were reported through the slots
			}
			// Blocks never consumed go back to the budget.
			mu.Lock()
			for _, s := range slots[min(head, len(slots)):] {
				for _, n := range s.sizes {
					bud.used -= n
				}
				s.blocks, s.sizes = nil, nil
			}
			cond.Broadcast()
			mu.Unlock()
		}
		defer finish()

		mu.Lock()
		for {
			for ctx.Err() == nil && head >= len(slots) && !launched {
				cond.Wait()
			}
			if err := ctx.Err(); err != nil {
				mu.Unlock()
				yield(nil, err)
				return
			}
			if head >= len(slots) {
				err := lErr
				mu.Unlock()
				if err != nil {
					yield(nil, err)
				}
				return
			}
			s := slots[head]
			for ctx.Err() == nil && len(s.blocks) == 0 && !s.done {
				cond.Wait()
			}
			if len(s.blocks) > 0 {
				b, n := s.blocks[0], s.sizes[0]
				s.blocks[0] = nil
				s.blocks, s.sizes = s.blocks[1:], s.sizes[1:]
				mu.Unlock()
				ok := yield(b, nil)
				mu.Lock()
				bud.used -= n
				cond.Broadcast()
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
				head++
				cond.Broadcast()
			}
		}
	}
}

// collect runs tasks and returns all their blocks in order.
func (e *env) collect(ctx context.Context, tasks iter.Seq2[task, error]) ([]*Block, error) {
	var out []*Block
	for b, err := range e.runTasks(ctx, tasks) {
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// blockTasks makes one task per block, each emitting its block.
func blockTasks(name string, blocks []*Block) iter.Seq2[task, error] {
	return func(yield func(task, error) bool) {
		for i, b := range blocks {
			t := task{name: fmt.Sprintf("%s[%d]", name, i), run: func(ctx context.Context, emit func(*Block) error) error {
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
			t := task{name: fmt.Sprintf("%s[%d]", name, i), run: func(ctx context.Context, emit func(*Block) error) error {
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
