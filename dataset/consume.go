package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"strings"

	"github.com/sagepipe/sagepipe/actor"
)

// Blocks executes the plan and yields its blocks in order, streaming: at
// most Options.MemoryBudget bytes of blocks are in flight while the caller
// works on the block it holds.
func (d *Dataset) Blocks(ctx context.Context) iter.Seq2[*Block, error] { return d.stream(ctx) }

// Materialize executes the plan and returns a dataset over the resulting
// blocks, held in memory; consuming it does not run the plan again.
func (d *Dataset) Materialize(ctx context.Context) (*Dataset, error) {
	blocks, err := d.collect(ctx)
	if err != nil {
		return nil, err
	}
	return fromBlocks(d.sys, d.opts, "Materialized", blocks), nil
}

func (d *Dataset) collect(ctx context.Context) ([]*Block, error) {
	if d.plan.kind == kSource && d.plan.src.blocks != nil {
		return d.plan.src.blocks, nil
	}
	var out []*Block
	for b, err := range d.stream(ctx) {
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// NumBlocks returns the number of blocks of a materialized dataset, or -1
// when the dataset is not materialized.
func (d *Dataset) NumBlocks() int {
	if d.plan.kind == kSource && d.plan.src.blocks != nil {
		return len(d.plan.src.blocks)
	}
	return -1
}

// Take returns the first n rows (fewer if the dataset is shorter).
func (d *Dataset) Take(ctx context.Context, n int) ([]Row, error) {
	b, err := d.TakeBatch(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]Row, b.NumRows())
	for i := range out {
		out[i] = b.Row(i)
	}
	return out, nil
}

// TakeBatch returns the first n rows as one block.
func (d *Dataset) TakeBatch(ctx context.Context, n int) (*Block, error) {
	var parts []*Block
	for b, err := range d.Limit(n).stream(ctx) {
		if err != nil {
			return nil, err
		}
		parts = append(parts, b)
	}
	if len(parts) == 0 {
		s, err := d.Schema(ctx)
		if err != nil {
			return nil, err
		}
		return EmptyBlock(s), nil
	}
	return Concat(parts...)
}

// Show writes the first n rows to w, one row per line as name=value pairs
// in column order.
func (d *Dataset) Show(ctx context.Context, w io.Writer, n int) error {
	b, err := d.TakeBatch(ctx, n)
	if err != nil {
		return err
	}
	names := b.Schema().Names()
	for i := 0; i < b.NumRows(); i++ {
		parts := make([]string, len(names))
		for k, name := range names {
			v := b.Column(k).Value(i)
			if v == nil {
				v = "null"
			}
			parts[k] = fmt.Sprintf("%s=%v", name, v)
		}
		if _, err := fmt.Fprintln(w, "{"+strings.Join(parts, ", ")+"}"); err != nil {
			return err
		}
	}
	return nil
}

// IterOptions configure Rows and Batches.
type IterOptions struct {
	// DropLast drops a final batch smaller than the batch size.
	DropLast bool
	// LocalShuffleBufferSize, when positive, shuffles rows through a buffer
	// of at least this many rows before batching (Ray's
	// local_shuffle_buffer_size): cheap, but only mixes nearby rows. The
	// order depends on the seed and the input rows only, not on the block
	// layout or the parallelism.
	LocalShuffleBufferSize int
	// LocalShuffleSeed seeds the local shuffle.
	LocalShuffleSeed uint64
}

// Batches executes the plan and yields batches of exactly size rows (the
// last may be smaller unless opts.DropLast), streaming; batches span block
// boundaries. size <= 0 yields the blocks as they are (or batches of 256
// rows with a local shuffle).
func (d *Dataset) Batches(ctx context.Context, size int, opts IterOptions) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		buf := opts.LocalShuffleBufferSize
		if size <= 0 && buf <= 0 {
			for b, err := range d.stream(ctx) {
				if !yield(b, err) || err != nil {
					return
				}
			}
			return
		}
		if size <= 0 {
			size = 256
		}
		var rng *rand.Rand
		if buf > 0 {
			rng = rand.New(rand.NewPCG(opts.LocalShuffleSeed, 0x9e3779b97f4a7c15))
		}
		var pend []*Block
		rows := 0
		// pop removes the first n rows from the queue.
		pop := func(n int) (*Block, error) {
			var parts []*Block
			rows -= n
			for n > 0 {
				b := pend[0]
				if b.NumRows() <= n {
					parts = append(parts, b)
					pend = pend[1:]
					n -= b.NumRows()
					continue
				}
				parts = append(parts, b.Slice(0, n))
				pend[0] = b.Slice(n, b.NumRows())
				n = 0
			}
			return Concat(parts...)
		}
		// mix shuffles the first n waiting rows into one block at the front.
		mix := func(n int) error {
			front, err := pop(n)
			if err != nil {
				return err
			}
			pend = append([]*Block{front.Take(rng.Perm(n))}, pend...)
			rows += n
			return nil
		}
		// With a local shuffle, rows are mixed in windows of buf+unit rows
		// and unit rows leave after each mix. The windows are counted in
		// rows, not blocks, so the output depends on the seed and the row
		// order only, not on the block layout.
		unit := size * max(1, (buf+size-1)/size)
		emit := func(n int) bool {
			b, err := pop(n)
			if err != nil {
				yield(nil, err)
				return false
			}
			return yield(b, nil)
		}
		for b, err := range d.stream(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			if b.NumRows() == 0 {
				continue
			}
			pend = append(pend, b)
			rows += b.NumRows()
			if rng == nil {
				for rows >= size {
					if !emit(size) {
						return
					}
				}
				continue
			}
			for rows >= buf+unit {
				if err := mix(buf + unit); err != nil {
					yield(nil, err)
					return
				}
				for range unit / size {
					if !emit(size) {
						return
					}
				}
			}
		}
		if rng != nil && rows > 0 {
			if err := mix(rows); err != nil {
				yield(nil, err)
				return
			}
		}
		for rows >= size {
			if !emit(size) {
				return
			}
		}
		if rows > 0 && !opts.DropLast {
			emit(rows)
		}
	}
}

// Rows executes the plan and yields its rows in order, streaming.
func (d *Dataset) Rows(ctx context.Context, opts IterOptions) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for b, err := range d.Batches(ctx, 0, opts) {
			if err != nil {
				yield(nil, err)
				return
			}
			for i := 0; i < b.NumRows(); i++ {
				if !yield(b.Row(i), nil) {
					return
				}
			}
		}
	}
}

// Write executes the plan and writes each output block with w (one file
// per block, named by its index), streaming; up to Parallelism blocks are
// written at once, so file system latency (fsync) overlaps formatting.
// Blocks being written are held beyond the memory budget. If anything
// fails, the files already written are removed (w.Abort) and the error is
// returned, so nothing is half-written. It returns the paths written, in
// block order. When ctx ends, writes not started are dropped and those
// running are cancelled and waited for before the files are removed.
func (d *Dataset) Write(ctx context.Context, w BlockWriter) ([]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sched := schedulerOf(d.sys)
	window := d.opts.Parallelism
	if window <= 0 {
		window = sched.parallelism()
	}
	window = max(window, 2)
	type pending struct {
		job  *job
		path *string
	}
	var (
		queue []pending
		paths []string
		first error
	)
	fail := func(err error) ([]string, error) {
		cancel()
		// Writes not started never start; running ones see the cancel and
		// are waited for, so that Abort finds every file committed.
		for _, p := range queue {
			p.job.withdraw()
		}
		for _, p := range queue {
			p.job.join()
		}
		aerr := runRecover(context.WithoutCancel(ctx), fmt.Sprintf("%T.Abort", w), w.Abort)
		if aerr != nil {
			return nil, errors.Join(err, fmt.Errorf("dataset: removing written files: %w", aerr))
		}
		return nil, err
	}
	drain := func(keep int) error {
		for len(queue) > keep {
			p := queue[0]
			// Waiting for a write is a blocked wait of the caller's task.
			if err := actor.Block(ctx, func() error { return p.job.wait(ctx) }); err != nil {
				return err
			}
			queue = queue[1:]
			paths = append(paths, *p.path)
		}
		return nil
	}
	// Blocks fed straight from a package transform to a package writer are
	// seen by no other code, so their scratch columns go back to the pool
	// once written.
	recycle := false
	switch w.(type) {
	case *CSVWriter, *ParquetWriter:
		recycle = d.plan.kind == kMap && d.plan.recycle
	}
	i := 0
	for b, err := range d.stream(ctx) {
		if err != nil {
			first = err
			break
		}
		idx, path := i, new(string)
		i++
		jb := sched.spawn(ctx, fmt.Sprintf("write block %d", idx), false, func(ctx context.Context) error {
			var err error
			*path, err = w.WriteBlock(ctx, idx, b)
			if err == nil && recycle {
				recycleBlock(b)
			}
			return err
		})
		queue = append(queue, pending{job: jb, path: path})
		if first = drain(window - 1); first != nil {
			break
		}
	}
	if first == nil {
		first = drain(0)
	}
	if first != nil {
		return fail(first)
	}
	return paths, nil
}
