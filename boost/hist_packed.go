package boost

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

// unpack converts a packed bin to a gradient pair.
func unpack(v, hq int64) gpair {
	c := v & (1<<countBits - 1)
	return gpair{(v - c) >> countBits, c * hq}
}

// buildHistsPacked is buildHists for packed mode.
func (s *shard) buildHistsPacked(nodes []int32, free *histFree[gpair]) [][]gpair {
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
	s.par.tasks(workers, len(tasks), func(w, t int) {
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
		o := free.get(slots)
		for i, v := range acc {
			o[i] = unpack(v, s.hq)
		}
		out[j] = o
	}
	for w := range bufs {
		s.qpool = append(s.qpool, bufs[w]...)
	}
	s.splitAliased(nodes, out)
	return out
}

// histRowsPacked adds the listed rows to a packed histogram.
func (s *shard) histRowsPacked(h []int64, rows []int32) {
	nf, st := s.nf, s.stride
	off := s.cuts.off[:nf]
	for _, r := range rows {
		p := s.gq[r]
		b := s.bins[int(r)*st : int(r)*st+nf]
		for f, v := range b {
			h[off[f]+int(v)] += p
		}
	}
}

// histRangePacked adds rows [lo, hi) to a packed histogram.
func (s *shard) histRangePacked(h []int64, lo, hi int) {
	nf, st := s.nf, s.stride
	off := s.cuts.off[:nf]
	for r := lo; r < hi; r++ {
		p := s.gq[r]
		b := s.bins[r*st : r*st+nf]
		for f, v := range b {
			h[off[f]+int(v)] += p
		}
	}
}
