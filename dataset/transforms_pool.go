package dataset

import (
	"context"
	"fmt"
	"iter"
)

// ActorPoolStrategy runs a MapBatches function on a fixed pool of actors,
// as Ray's ActorPoolStrategy: each actor is built once by the constructor
// and then serves batches one at a time, so expensive state (a model, a
// connection) is made Size times, not once per batch. A failing or
// panicking actor fails the whole job with the cause; it never hangs.
type ActorPoolStrategy struct {
	// Size is the number of actors; 0 means the dataset's parallelism.
	Size int
}

// poolSpec is a kPool node's function.
type poolSpec struct {
	size      int
	ctor      func(context.Context) (BatchFunc, error)
	batchSize int
}

// MapBatchesWith runs batches through functions built by newFn on a pool
// of actors (opts.Compute, or one actor per CPU if nil): newFn is called
// once per actor and the function it returns serves that actor's batches,
// so it may keep state without locking. Outputs keep the input order.
func (d *Dataset) MapBatchesWith(newFn func(ctx context.Context) (BatchFunc, error), opts BatchOptions) *Dataset {
	name := opts.Name
	if name == "" {
		name = "MapBatches"
	}
	size := 0
	if opts.Compute != nil {
		size = opts.Compute.Size
	}
	return d.with(&node{kind: kPool, name: name + "(actors)", in: []*node{d.plan},
		pool: &poolSpec{size: size, ctor: newFn, batchSize: opts.BatchSize}})
}

// poolStream feeds the input stream to the pool's actors and yields their
// outputs in input order.
func (e *env) poolStream(ctx context.Context, n *node, op int) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		p := n.pool
		size := p.size
		if size <= 0 {
			size = e.par
		}
		workers := make([]poolWorker, 0, size)
		defer func() {
			for _, w := range workers {
				w.stop()
			}
		}()
		for i := range size {
			w, err := e.sched.newWorker(ctx, fmt.Sprintf("%s actor %d", n.name, i), func(ctx context.Context) (BatchFunc, error) {
				fn, err := p.ctor(ctx)
				if err != nil {
					return nil, err
				}
				if fn == nil {
					return nil, fmt.Errorf("%w: the actor constructor returned a nil function", ErrNilFunc)
				}
				bs := p.batchSize
				return func(ctx context.Context, b *Block) (*Block, error) { return applyBatches(ctx, fn, b, bs) }, nil
			})
			if err != nil {
				yield(nil, opErr(n.name, err))
				return
			}
			workers = append(workers, w)
		}
		type pending struct {
			wait func(context.Context) (*Block, error)
		}
		var queue []pending
		next := 0
		drain := func(all bool) bool {
			for len(queue) > 0 && (all || len(queue) >= 2*size) {
				pd := queue[0]
				queue = queue[1:]
				var out *Block
				err := e.timed(op, func() error {
					var err error
					out, err = pd.wait(ctx)
					return err
				})
				if err != nil {
					yield(nil, opErr(n.name, err))
					return false
				}
				if out == nil {
					continue
				}
				e.stats.addOut(op, out)
				if !yield(out, nil) {
					return false
				}
			}
			return true
		}
		for b, err := range e.runTasks(ctx, e.compile(ctx, n.in[0]), false) {
			if err != nil {
				yield(nil, err)
				return
			}
			w := workers[next%len(workers)]
			next++
			queue = append(queue, pending{wait: w.call(ctx, b)})
			if !drain(false) {
				return
			}
		}
		drain(true)
	}
}
