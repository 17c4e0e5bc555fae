package boost

import (
	"math"
	"unsafe"
)

// Packed histograms
//
// When every row has the same hessian (squared error, absolute error and
// pseudo-Huber... without sample weights: in practice squared error), a
// bin's hessian sum is that hessian times the bin's row count. The shard
// then stores each row's fixed-point gradient shifted left by countBits
// with a 1 in the low bits, and a histogram bin is one int64 whose low
// countBits bits count rows and whose high bits sum gradients. One add
// per row and feature instead of two halves the histogram work. The sums
// stay exact integers, so determinism and the distributed identity hold.

// countBits is the width of the row count in a packed bin; a shard in
// packed mode has fewer than 2^countBits rows.
const countBits = 24

// packedScale is the gradient scale of packed mode: the sum of |g| over
// rows rows must stay below 2^(62-countBits).
func packedScale(maxAbs float64, rows int) float64 {
	if !(maxAbs > 0) || math.IsInf(maxAbs, 0) {
		return 1
	}
	_, e := math.Frexp(maxAbs * float64(max(rows, 1)))
	return math.Ldexp(1, 61-countBits-e)
}

// unpack converts a packed bin to a gradient pair.
func unpack(v, hq int64) gpair {
	c := v & (1<<countBits - 1)
	return gpair{(v - c) >> countBits, c * hq}
}

// buildHistsPacked is buildHists for packed mode.
func (s *shard) buildHistsPacked(nodes []int32) [][]gpair {
	slots := s.cuts.totalSlots()
	type task struct{ node, lo, hi int }
	var tasks []task
	for j, nd := range nodes {
		lo, hi := int(s.lo[nd]), int(s.hi[nd])
		for a := lo; a < hi; a += histChunk {
			tasks = append(tasks, task{j, a, min(a+histChunk, hi)})
		}
	}
	workers := max(1, min(s.threads, len(tasks)))
	bufs := make([][][]int64, workers)
	for w := range bufs {
		bufs[w] = make([][]int64, len(nodes))
		for j := range nodes {
			if k := len(s.qpool); k > 0 {
				bufs[w][j] = s.qpool[k-1]
				s.qpool = s.qpool[:k-1]
				clear(bufs[w][j])
			} else {
				bufs[w][j] = make([]int64, slots)
			}
		}
	}
	identity := s.isIdentity()
	parallelTasks(workers, len(tasks), func(w, t int) {
		tk := tasks[t]
		h := bufs[w][tk.node]
		nd := nodes[tk.node]
		if identity && s.lo[nd] == 0 && int(s.hi[nd]) == s.n {
			s.histRangePacked(h, tk.lo, tk.hi)
		} else {
			s.histRowsPacked(h, s.pos[tk.lo:tk.hi])
		}
	})
	out := make([][]gpair, len(nodes))
	for j := range nodes {
		acc := bufs[0][j]
		for w := 1; w < workers; w++ {
			for i, v := range bufs[w][j] {
				acc[i] += v
			}
		}
		o := make([]gpair, slots)
		for i, v := range acc {
			o[i] = unpack(v, s.hq)
		}
		out[j] = o
	}
	for w := range bufs {
		s.qpool = append(s.qpool, bufs[w]...)
	}
	return out
}

// histRowsPacked adds the listed rows to a packed histogram.
func (s *shard) histRowsPacked(h []int64, rows []int32) {
	nf := s.nf
	off := s.cuts.off[:nf]
	if nf == 8 && len(h) >= s.cuts.totalSlots() && len(s.bins) >= s.n*8 {
		// Every slot off[f]+bin is below totalSlots (a feature's bins, its
		// missing slot included, end below the next feature's offset), and
		// gq[r] checks that row r is one of the n rows of bins, so the
		// reads and writes below stay in bounds without checks.
		hp, bp := unsafe.Pointer(unsafe.SliceData(h)), unsafe.Pointer(unsafe.SliceData(s.bins))
		o0, o1, o2, o3 := uintptr(off[0])*8, uintptr(off[1])*8, uintptr(off[2])*8, uintptr(off[3])*8
		o4, o5, o6, o7 := uintptr(off[4])*8, uintptr(off[5])*8, uintptr(off[6])*8, uintptr(off[7])*8
		gq := s.gq[:s.n]
		for _, r := range rows {
			p := gq[r]
			b := unsafe.Add(bp, uintptr(r)*8)
			*(*int64)(unsafe.Add(hp, o0+uintptr(*(*uint8)(b))*8)) += p
			*(*int64)(unsafe.Add(hp, o1+uintptr(*(*uint8)(unsafe.Add(b, 1)))*8)) += p
			*(*int64)(unsafe.Add(hp, o2+uintptr(*(*uint8)(unsafe.Add(b, 2)))*8)) += p
			*(*int64)(unsafe.Add(hp, o3+uintptr(*(*uint8)(unsafe.Add(b, 3)))*8)) += p
			*(*int64)(unsafe.Add(hp, o4+uintptr(*(*uint8)(unsafe.Add(b, 4)))*8)) += p
			*(*int64)(unsafe.Add(hp, o5+uintptr(*(*uint8)(unsafe.Add(b, 5)))*8)) += p
			*(*int64)(unsafe.Add(hp, o6+uintptr(*(*uint8)(unsafe.Add(b, 6)))*8)) += p
			*(*int64)(unsafe.Add(hp, o7+uintptr(*(*uint8)(unsafe.Add(b, 7)))*8)) += p
		}
		return
	}
	for _, r := range rows {
		p := s.gq[r]
		b := s.bins[int(r)*nf : int(r)*nf+nf]
		for f, v := range b {
			h[off[f]+int(v)] += p
		}
	}
}

// histRangePacked adds rows [lo, hi) to a packed histogram.
func (s *shard) histRangePacked(h []int64, lo, hi int) {
	nf := s.nf
	off := s.cuts.off[:nf]
	if nf == 8 && len(h) >= s.cuts.totalSlots() && len(s.bins) >= hi*8 && lo >= 0 {
		// As in histRowsPacked; rows lo..hi-1 are in bins.
		hp, bp := unsafe.Pointer(unsafe.SliceData(h)), unsafe.Pointer(unsafe.SliceData(s.bins))
		o0, o1, o2, o3 := uintptr(off[0])*8, uintptr(off[1])*8, uintptr(off[2])*8, uintptr(off[3])*8
		o4, o5, o6, o7 := uintptr(off[4])*8, uintptr(off[5])*8, uintptr(off[6])*8, uintptr(off[7])*8
		for i, p := range s.gq[lo:hi] {
			r := lo + i
			b := unsafe.Add(bp, uintptr(r)*8)
			*(*int64)(unsafe.Add(hp, o0+uintptr(*(*uint8)(b))*8)) += p
			*(*int64)(unsafe.Add(hp, o1+uintptr(*(*uint8)(unsafe.Add(b, 1)))*8)) += p
			*(*int64)(unsafe.Add(hp, o2+uintptr(*(*uint8)(unsafe.Add(b, 2)))*8)) += p
			*(*int64)(unsafe.Add(hp, o3+uintptr(*(*uint8)(unsafe.Add(b, 3)))*8)) += p
			*(*int64)(unsafe.Add(hp, o4+uintptr(*(*uint8)(unsafe.Add(b, 4)))*8)) += p
			*(*int64)(unsafe.Add(hp, o5+uintptr(*(*uint8)(unsafe.Add(b, 5)))*8)) += p
			*(*int64)(unsafe.Add(hp, o6+uintptr(*(*uint8)(unsafe.Add(b, 6)))*8)) += p
			*(*int64)(unsafe.Add(hp, o7+uintptr(*(*uint8)(unsafe.Add(b, 7)))*8)) += p
		}
		return
	}
	for r := lo; r < hi; r++ {
		p := s.gq[r]
		b := s.bins[r*nf : r*nf+nf]
		for f, v := range b {
			h[off[f]+int(v)] += p
		}
	}
}
