package pipeline

import (
	"slices"
	"sync/atomic"
)

// list is an immutable slice that copies of a Pipeline share and that
// appends in place when it can: a Pipeline holds a prefix of a backing
// array, and whichever copy first appends to the full prefix takes the
// spare capacity after it (the claim is atomic); any other copy appending
// to the same prefix copies. So a loop of one-step Steps calls costs
// amortised O(1) per call, and no Pipeline ever sees another's appends.
type list[E any] struct {
	s    []E
	used *atomic.Int64 // how much of s's backing array is claimed
}

// items returns the elements (not to be modified).
func (l list[E]) items() []E { return l.s }

// with returns l with es appended, leaving l as it is.
func (l list[E]) with(es ...E) list[E] {
	if len(es) == 0 {
		return l
	}
	n := len(l.s)
	if l.used != nil && cap(l.s)-n >= len(es) && l.used.CompareAndSwap(int64(n), int64(n+len(es))) {
		return list[E]{s: append(l.s, es...), used: l.used}
	}
	s := slices.Grow(slices.Clip(l.s), len(es)+n)
	s = append(s, es...)
	used := new(atomic.Int64)
	used.Store(int64(len(s)))
	return list[E]{s: s, used: used}
}
