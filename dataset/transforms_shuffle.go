package dataset

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
)

// The all-to-all operators. Each needs every input block (a barrier): the
// input is executed to completion, then the output blocks are built. They
// hold their input and output in memory, outside the streaming budget, as
// Ray's shuffles do.

// Repartition cuts the dataset into n blocks of near-equal row counts
// (contiguous rows; the first rows%n blocks get one more row), without
// reordering rows. n must be positive: otherwise running the dataset
// fails with ErrInvalidArgument.
func (d *Dataset) Repartition(n int) *Dataset {
	return d.with(&node{kind: kAllToAll, name: fmt.Sprintf("Repartition(%d)", n), in: []*node{d.plan},
		all: func(ctx context.Context, e *env, blocks []*Block) ([]*Block, error) {
			if n <= 0 {
				return nil, fmt.Errorf("%w: Repartition(%d): need at least one block", ErrInvalidArgument, n)
			}
			return sliceRanges(blocks, nearEqualBounds(totalRows(blocks), n, false))
		}})
}

// sliceRanges returns, for consecutive bounds, the rows [bounds[i],
// bounds[i+1]) of the concatenation of blocks: views when a range lies in
// one block, a copy otherwise.
func sliceRanges(blocks []*Block, bounds []int) ([]*Block, error) {
	ranges := rangeViews(blocks, bounds)
	out := make([]*Block, 0, len(ranges))
	for _, parts := range ranges {
		if len(parts) == 0 {
			continue // no blocks at all
		}
		b, err := Concat(parts...)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// rangeViews cuts the concatenation of blocks at the global row bounds:
// for each range [bounds[i], bounds[i+1]) the blocks that hold its rows,
// whole when a block lies inside the range and sliced (a view) otherwise.
// An empty range gets one zero-row view, so that it keeps the schema,
// unless there are no blocks at all.
func rangeViews(blocks []*Block, bounds []int) [][]*Block {
	out := make([][]*Block, len(bounds)-1)
	bi, off := 0, 0 // current block, its first row's global index
	for i := range out {
		lo, hi := bounds[i], bounds[i+1]
		var parts []*Block
		for lo < hi {
			for off+blocks[bi].NumRows() <= lo {
				off += blocks[bi].NumRows()
				bi++
			}
			b := blocks[bi]
			end := min(hi, off+b.NumRows())
			if lo == off && end-off == b.NumRows() {
				parts = append(parts, b)
			} else {
				parts = append(parts, b.Slice(lo-off, end-off))
			}
			lo = end
		}
		if len(parts) == 0 && len(blocks) > 0 {
			parts = []*Block{blocks[0].Slice(0, 0)}
		}
		out[i] = parts
	}
	return out
}

// totalRows is the number of rows in blocks.
func totalRows(blocks []*Block) int {
	n := 0
	for _, b := range blocks {
		n += b.NumRows()
	}
	return n
}

// nearEqualBounds returns the n+1 row bounds that cut total rows into n
// contiguous parts of total/n rows, the first total%n parts getting one
// more; with dropRemainder those total%n rows are left out instead.
func nearEqualBounds(total, n int, dropRemainder bool) []int {
	bounds := make([]int, n+1)
	for i := 1; i <= n; i++ {
		bounds[i] = bounds[i-1] + total/n
		if !dropRemainder && i <= total%n {
			bounds[i]++
		}
	}
	return bounds
}

// RandomizeBlockOrder shuffles the order of the blocks (not the rows
// inside them) with seed.
func (d *Dataset) RandomizeBlockOrder(seed uint64) *Dataset {
	return d.with(&node{kind: kAllToAll, name: "RandomizeBlockOrder", in: []*node{d.plan},
		all: func(ctx context.Context, e *env, blocks []*Block) ([]*Block, error) {
			out := append([]*Block(nil), blocks...)
			perm := permutation[int](len(out), seed)
			for i, j := range perm {
				out[i] = blocks[j]
			}
			return out, nil
		}})
}

// RandomShuffle shuffles all rows with seed. The permutation is drawn over
// the global row order, so the same seed on the same rows gives the same
// output whatever the parallelism or the block layout of the input — a
// stronger promise than Ray's, whose shuffle depends on the block count.
// The output is cut into blocks of Options.BlockRows rows.
func (d *Dataset) RandomShuffle(seed uint64) *Dataset {
	return d.with(&node{kind: kAllToAll, name: fmt.Sprintf("RandomShuffle(seed=%d)", seed), in: []*node{d.plan},
		all: func(ctx context.Context, e *env, blocks []*Block) ([]*Block, error) {
			return e.shuffle(ctx, blocks, totalRows(blocks), seed, d.opts.blockRows())
		}})
}

// Sort orders rows by column key (ascending unless descending), stably;
// nulls and NaNs come last in either direction, in input order.
func (d *Dataset) Sort(key string, descending bool) *Dataset {
	return d.with(&node{kind: kAllToAll, name: fmt.Sprintf("Sort(%s)", key), in: []*node{d.plan},
		all: func(ctx context.Context, e *env, blocks []*Block) ([]*Block, error) {
			var parts []*Column
			for _, b := range blocks {
				c, err := b.ColumnByName(key)
				if err != nil {
					return nil, err
				}
				parts = append(parts, c)
			}
			if len(parts) == 0 {
				return blocks, nil
			}
			kc, err := ConcatColumns(parts...)
			if err != nil {
				return nil, err
			}
			idx := make([]int, kc.Len())
			for i := range idx {
				idx[i] = i
			}
			cmpRows := rowComparer(kc)
			f := kc.Float64s()
			last := func(i int) bool { return kc.IsNull(i) || (f != nil && f[i] != f[i]) }
			slices.SortStableFunc(idx, func(a, b int) int {
				an, bn := last(a), last(b)
				switch {
				case an && bn:
					return 0
				case an:
					return 1
				case bn:
					return -1
				}
				c := cmpRows(a, b)
				if descending {
					c = -c
				}
				return c
			})
			return gatherRows(ctx, e, blocks, idx, d.opts.blockRows())
		}})
}

// rowComparer compares two non-null rows of c.
func rowComparer(c *Column) func(a, b int) int {
	switch c.Type() {
	case Float64:
		f := c.Float64s()
		return func(a, b int) int { return cmp.Compare(f[a], f[b]) }
	case Int64:
		v := c.Int64s()
		return func(a, b int) int { return cmp.Compare(v[a], v[b]) }
	case String:
		v := c.Strings()
		return func(a, b int) int { return cmp.Compare(v[a], v[b]) }
	case Bool:
		v := c.Bools()
		return func(a, b int) int {
			switch {
			case v[a] == v[b]:
				return 0
			case !v[a]:
				return -1
			}
			return 1
		}
	}
	return func(a, b int) int { return 0 }
}

// permutation returns a seeded uniform permutation of 0…n-1 (Fisher-Yates
// over PCG with unbiased bounded draws), fixed by this code rather than by
// the standard library's version. The index type only changes the memory
// taken (int32 halves it for a shuffle under 2³¹ rows), not the order.
func permutation[I int | int32](n int, seed uint64) []I {
	p := make([]I, n)
	for i := range p {
		p[i] = I(i)
	}
	src := rand.NewPCG(seed, 0xda3e39cb94b95bdb)
	for i := n - 1; i > 0; i-- {
		j := int(bounded(src, uint64(i+1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// bounded returns a uniform value in [0, n) (Lemire's multiply-shift with
// rejection).
func bounded(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// shuffle gathers blocks' n rows in the order permutation(n, seed), with
// int32 indices when n allows.
func (e *env) shuffle(ctx context.Context, blocks []*Block, n int, seed uint64, blockRows int) ([]*Block, error) {
	if n <= math.MaxInt32 {
		return gatherRows(ctx, e, blocks, permutation[int32](n, seed), blockRows)
	}
	return gatherRows(ctx, e, blocks, permutation[int](n, seed), blockRows)
}

// gcNudgeBytes is the size of input column past which gatherRows collects
// garbage once the column is gathered: the freed blocks are then reused for
// the next column's output instead of growing the heap by another column.
// The live data is almost all pointer-free slices, so such a collection
// costs milliseconds.
const gcNudgeBytes = 32 << 20

// gatherRows builds the rows idx (global row indices into the concatenation of
// blocks) as new blocks of blockRows rows. It works one column at a time
// and drops each input column once gathered, so it holds about the data
// plus one column. blocks' entries are cleared.
func gatherRows[I int | int32](ctx context.Context, e *env, blocks []*Block, idx []I, blockRows int) ([]*Block, error) {
	var live []*Block
	for i, b := range blocks {
		if b.NumRows() > 0 || len(live) == 0 && i == len(blocks)-1 {
			live = append(live, b)
		}
		blocks[i] = nil
	}
	if len(live) == 0 {
		return nil, nil
	}
	schema := live[0].Schema()
	for i, b := range live[1:] {
		if !b.Schema().Equal(schema) {
			return nil, fmt.Errorf("%w: block %d has schema %s, block 0 has %s", ErrSchemaMismatch, i+1, b.Schema(), schema)
		}
	}
	ncol := schema.Len()
	parts := make([][]*Column, ncol)
	for c := range ncol {
		parts[c] = make([]*Column, len(live))
		for k, b := range live {
			parts[c][k] = b.Column(c)
			if b.Column(c).HasNulls() {
				schema.Fields[c].Nullable = true
			}
		}
	}
	loc := newLocator(live)
	live = nil
	n := len(idx)
	var bounds []int // output block boundaries
	for lo := 0; lo < n; lo += blockRows {
		bounds = append(bounds, lo)
	}
	bounds = append(bounds, n)
	nout := max(len(bounds)-1, 1)
	outCols := make([][]*Column, ncol) // [column][output block]
	for c := range ncol {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		outCols[c], err = takeColumn(ctx, e, parts[c], loc, idx, bounds)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", schema.Fields[c].Name, err)
		}
		var freed int64
		for _, p := range parts[c] {
			freed += p.SizeBytes()
		}
		parts[c] = nil
		if freed >= gcNudgeBytes {
			runtime.GC()
		}
	}
	out := make([]*Block, nout)
	for k := range out {
		cols := make([]*Column, ncol)
		for c := range cols {
			cols[c] = outCols[c][k]
		}
		b, err := NewBlock(schema, cols)
		if err != nil {
			return nil, err
		}
		out[k] = b
	}
	return out, nil
}

// locator maps a global row index to (block, row) without a search: the
// rows are cut into chunks of 1<<locShift and each chunk remembers the
// block holding its first row; a chunk spans few blocks.
type locator struct {
	starts []int // first global row of each block, plus the total
	chunk  []int32
}

const locShift = 10

func newLocator(blocks []*Block) *locator {
	l := &locator{starts: make([]int, len(blocks)+1)}
	for i, b := range blocks {
		l.starts[i+1] = l.starts[i] + b.NumRows()
	}
	total := l.starts[len(blocks)]
	l.chunk = make([]int32, total>>locShift+1)
	p := 0
	for c := range l.chunk {
		row := c << locShift
		for p+1 < len(blocks) && l.starts[p+1] <= row {
			p++
		}
		l.chunk[c] = int32(p)
	}
	return l
}

func (l *locator) find(i int) (int, int) {
	p := int(l.chunk[i>>locShift])
	for l.starts[p+1] <= i {
		p++
	}
	return p, i - l.starts[p]
}

// takeColumn gathers the rows idx of the column cut into parts, as one
// column per output block (bounds[k] to bounds[k+1]). Number columns
// without nulls are gathered in parallel into a fresh slice per block;
// others are concatenated and taken.
func takeColumn[I int | int32](ctx context.Context, e *env, parts []*Column, loc *locator, idx []I, bounds []int) ([]*Column, error) {
	nout := max(len(bounds)-1, 1)
	out := make([]*Column, nout)
	simple := parts[0].Type() == Float64 || parts[0].Type() == Int64
	for _, p := range parts {
		simple = simple && !p.HasNulls()
	}
	if !simple {
		full, err := ConcatColumns(parts...)
		if err != nil {
			return nil, err
		}
		wide := make([]int, len(idx))
		for k, i := range idx {
			wide[k] = int(i)
		}
		all := full.Take(wide)
		for k := range out {
			out[k] = all.Slice(bounds[k], bounds[min(k+1, len(bounds)-1)])
		}
		return out, nil
	}
	switch parts[0].Type() {
	case Float64:
		src := make([][]float64, len(parts))
		for i, p := range parts {
			src[i] = p.Float64s()
		}
		err := gatherBlocks(ctx, e, out, bounds, func(lo, hi int) *Column {
			dst := make([]float64, hi-lo)
			gatherParts(dst, src, loc, idx[lo:hi])
			return NewFloat64Column(dst, nil)
		})
		return out, err
	default:
		src := make([][]int64, len(parts))
		for i, p := range parts {
			src[i] = p.Int64s()
		}
		err := gatherBlocks(ctx, e, out, bounds, func(lo, hi int) *Column {
			dst := make([]int64, hi-lo)
			gatherParts(dst, src, loc, idx[lo:hi])
			return NewInt64Column(dst, nil)
		})
		return out, err
	}
}

func gatherParts[T any, I int | int32](dst []T, src [][]T, loc *locator, idx []I) {
	for k, i := range idx {
		p, off := loc.find(int(i))
		dst[k] = src[p][off]
	}
}

// gatherBlocks fills out[k] = fn(bounds[k], bounds[k+1]) for every output
// block, the blocks split into one contiguous run per worker, each run a
// task of the scheduler.
func gatherBlocks(ctx context.Context, e *env, out []*Column, bounds []int, fn func(lo, hi int) *Column) error {
	nb := len(bounds) - 1
	if nb <= 0 {
		out[0] = fn(0, 0)
		return nil
	}
	k := min(e.par, nb)
	if bounds[nb] < 1<<14 {
		k = 1
	}
	return e.runJobs(ctx, "gather", k, func(w int) {
		lo, hi := nb*w/k, nb*(w+1)/k
		for b := lo; b < hi; b++ {
			out[b] = fn(bounds[b], bounds[b+1])
		}
	})
}

// parallelRange splits [0, n) into one range per worker and runs fn on
// each as tasks of the scheduler.
func (e *env) parallelRange(ctx context.Context, n int, fn func(lo, hi int)) error {
	k := e.par
	if n < 1<<14 {
		k = 1
	}
	return e.runJobs(ctx, "gather", k, func(w int) { fn(n*w/k, n*(w+1)/k) })
}
