package boost

import "math"

// Sorting scores for auc and aucpr
//
// The areas under the ROC and precision-recall curves walk the rows by
// descending score, ties in row order. scoreSorter orders them with a
// stable LSD radix sort of 64-bit words: the score's order-preserving bit
// pattern (inverted, so that ascending words mean descending scores) in the
// high half, the row in the low half. Three passes of 11, 11 and 10 bits
// keep each pass's counters in the first-level cache; each pass counts and
// scatters a contiguous chunk of the words per goroutine (chunks scatter
// to disjoint places, in order, so the sort stays stable). The curve is
// then read from the words alone: the score is decoded from the key and
// compared as a float32, as before, so +0 and -0 tie and NaN never does.
// The buffers are kept from one evaluation to the next.

// scoreSorter holds the radix sort's buffers.
type scoreSorter struct {
	a, b []uint64
}

// scoreKey maps a score to a uint32 whose ascending order is the scores'
// descending order (for the same bit pattern, the same key).
func scoreKey(v float32) uint32 {
	b := math.Float32bits(v)
	// Negative: all bits flipped; positive: the sign bit set. No branch:
	// scores come in no order.
	b ^= uint32(int32(b)>>31) | 1<<31
	return ^b
}

// keyScore inverts scoreKey.
func keyScore(k uint32) float32 {
	b := ^k
	if b>>31 != 0 {
		b &^= 1 << 31
	} else {
		b = ^b
	}
	return math.Float32frombits(b)
}

// radixDigits are the bit offsets and widths of the three passes.
var radixDigits = [3]struct{ shift, bits uint }{{32, 11}, {43, 11}, {54, 10}}

// Word layout below the key: bit 31 is set when the row's label is 1, the
// low 31 bits hold the row.
const (
	wordPos = 1 << 31
	wordRow = 1<<31 - 1
)

// sortDesc returns the words scoreKey(pred[i*stride+off])<<32 | i (with
// wordPos set where label[i] == 1) for the rows i in [0, len(label)),
// ordered by descending score, ties in row order, using up to threads
// goroutines, and whether every label is 0 or 1. The result is valid until
// the next call. len(label) must be below 2^31.
func (s *scoreSorter) sortDesc(threads int, pred, label []float32, stride, off int) (words []uint64, binary bool) {
	n := len(label)
	if cap(s.a) < n {
		s.a, s.b = make([]uint64, n), make([]uint64, n)
	}
	src, dst := s.a[:n], s.b[:n]
	chunks := max(1, min(threads, n/(1<<15)))
	chunk := func(c int) (int, int) { return c * n / chunks, (c + 1) * n / chunks }
	counts := make([][1 << 11]int, chunks)
	other := make([]bool, chunks)
	// Build the words and count the first pass's digits.
	parallelRange(chunks, chunks, 1, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			lo, hi := chunk(c)
			cnt := &counts[c]
			var notBinary uint32
			for i := lo; i < hi; i++ {
				y := label[i]
				w := uint64(scoreKey(pred[i*stride+off]))<<32 | uint64(i) | uint64(mask32(y == 1)&wordPos)
				notBinary |= mask32(y != 1) & mask32(y != 0)
				src[i] = w
				cnt[(w>>32)&(1<<11-1)]++
			}
			other[c] = notBinary != 0
		}
	})
	binary = true
	for _, o := range other {
		binary = binary && !o
	}
	for p, dg := range radixDigits {
		mask := uint64(1)<<dg.bits - 1
		if p > 0 {
			parallelRange(chunks, chunks, 1, func(c0, c1 int) {
				for c := c0; c < c1; c++ {
					lo, hi := chunk(c)
					cnt := &counts[c]
					clear(cnt[:])
					for _, w := range src[lo:hi] {
						cnt[(w>>dg.shift)&mask]++
					}
				}
			})
		}
		// Offsets: digit by digit, chunk by chunk. A pass in which every
		// word has the same digit would not move anything.
		sum, same := 0, false
		for d := 0; d <= int(mask); d++ {
			first := sum
			for c := range counts {
				k := counts[c][d]
				counts[c][d] = sum
				sum += k
			}
			same = same || sum-first == n
		}
		if same {
			continue
		}
		parallelRange(chunks, chunks, 1, func(c0, c1 int) {
			for c := c0; c < c1; c++ {
				lo, hi := chunk(c)
				pos := &counts[c]
				for _, w := range src[lo:hi] {
					d := (w >> dg.shift) & mask
					dst[pos[d]] = w
					pos[d]++
				}
			}
		})
		src, dst = dst, src
	}
	return src, binary
}

// binaryCurve computes the area under the ROC curve (pr=false, normalised
// by positive × negative weight) or the precision-recall curve (pr=true;
// recall is already normalised) of the scores pred[i*stride+off] against
// labels in [0, 1], walking the rows by descending score (ties in row
// order; see scoreSorter) with the sort on up to threads goroutines. Tied
// scores form one segment. It is NaN when either class is absent.
//
// Without weights and with 0/1 labels the walk reads only the sorted
// words and counts positives and negatives in integers: the float64 sums
// of ones it replaces are the same integers, exactly.
func binaryCurve(s *scoreSorter, threads int, pred, label, weight []float32, stride, off int, pr bool) float64 {
	words, binary := s.sortDesc(threads, pred, label, stride, off)
	var totalPos float64
	if pr {
		for i, y := range label {
			totalPos += float64(wt(weight, i)) * float64(y)
		}
	}
	area := func(fpPrev, fp, tpPrev, tp float64) float64 {
		if pr {
			return prArea(fpPrev, fp, tpPrev, tp, totalPos)
		}
		return rocArea(fpPrev, fp, tpPrev, tp, totalPos)
	}
	var auc, tp, fp, tpPrev, fpPrev float64
	var prev float32
	if weight == nil && binary {
		var pos, neg int
		for j, w := range words {
			v := keyScore(uint32(w >> 32))
			if j > 0 && v != prev {
				tp, fp = float64(pos), float64(neg)
				auc += area(fpPrev, fp, tpPrev, tp)
				tpPrev, fpPrev = tp, fp
			}
			prev = v
			y := int(w>>31) & 1
			pos += y
			neg += 1 - y
		}
		tp, fp = float64(pos), float64(neg)
	} else {
		for j, w := range words {
			v := keyScore(uint32(w >> 32))
			i := int(w & wordRow)
			if j > 0 && v != prev {
				auc += area(fpPrev, fp, tpPrev, tp)
				tpPrev, fpPrev = tp, fp
			}
			prev = v
			wi := float64(wt(weight, i))
			y := float64(label[i])
			tp += wi * y
			fp += wi * (1 - y)
		}
	}
	auc += area(fpPrev, fp, tpPrev, tp)
	if tp <= 0 || fp <= 0 {
		return math.NaN()
	}
	if pr {
		return auc
	}
	return auc / (tp * fp)
}
