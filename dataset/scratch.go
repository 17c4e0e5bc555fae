package dataset

import (
	"slices"
	"sync"
)

// Scratch float slices: the output columns of the package's scalers are
// taken from this pool, and the package's own writers hand them back once a
// block is written when nothing else can hold the block (see
// recyclableWrite). A Transform → WriteCSV pipeline then reuses a few
// block-sized slices instead of allocating the whole data set again, which
// keeps the heap — and the peak memory — near the data held upstream.
var scratchF64 = sync.Pool{}

// newScratchF64 returns a []float64 of length n for a pooled column: from
// the pool when a slice there is large enough, freshly allocated otherwise.
// The contents are arbitrary.
func newScratchF64(n int) []float64 {
	if p, ok := scratchF64.Get().(*[]float64); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float64, n)
}

// ownPooled records on out, a block a package transform has just built
// from in, the pooled columns it created: those not taken over from in.
// out must not be shared yet.
func ownPooled(in, out *Block) {
	if out == nil || out == in {
		return
	}
	for i, c := range out.cols {
		if !c.pooled || slices.Contains(in.cols, c) || slices.Contains(out.cols[:i], c) {
			continue
		}
		out.owned = append(out.owned, c)
	}
}

// recycleBlock returns b's owned columns to the pool. The caller guarantees
// that b is referenced nowhere else (a package writer that has written it,
// fed directly by a package transform).
func recycleBlock(b *Block) {
	for _, c := range b.owned {
		s := c.f64[:0]
		scratchF64.Put(&s)
	}
	b.owned = nil
}
