package boost

// histSet is a set of node histograms under construction by several
// workers: each worker sums its rows into private buffers (taken from the
// shard's pools, cleared on the worker's first use) that sum then adds up.
// A buffer holds packed bins (int64) in packed mode, gradient pairs
// otherwise.
type histSet struct {
	s     *shard
	slots int
	q     [][][]int64 // [worker][node], packed mode
	p     [][][]gpair // [worker][node], unpacked mode
	used  [][]bool    // [worker][node]: cleared and written by the worker
}

// newHistSet takes workers × nodes buffers from the shard's pools.
func (s *shard) newHistSet(workers, nodes int) *histSet {
	hs := &histSet{s: s, slots: s.cuts.totalSlots(), used: make([][]bool, workers)}
	if s.packed {
		hs.q = make([][][]int64, workers)
	} else {
		hs.p = make([][][]gpair, workers)
	}
	for w := range workers {
		hs.used[w] = make([]bool, nodes)
		if s.packed {
			hs.q[w] = make([][]int64, nodes)
			for j := range nodes {
				if k := len(s.qpool); k > 0 {
					hs.q[w][j], s.qpool = s.qpool[k-1], s.qpool[:k-1]
				} else {
					hs.q[w][j] = make([]int64, hs.slots)
				}
			}
			continue
		}
		hs.p[w] = make([][]gpair, nodes)
		for j := range nodes {
			if k := len(s.pool); k > 0 {
				hs.p[w][j], s.pool = s.pool[k-1], s.pool[:k-1]
			} else {
				hs.p[w][j] = make([]gpair, hs.slots)
			}
		}
	}
	return hs
}

// addRows adds the listed rows to node j's histogram of worker w.
func (hs *histSet) addRows(w, j int, rows []int32) {
	if len(rows) == 0 {
		return
	}
	hs.touch(w, j)
	if hs.q != nil {
		hs.s.histRowsPacked(hs.q[w][j], rows)
	} else {
		hs.s.histRows(hs.p[w][j], rows)
	}
}

// addRange adds rows [lo, hi) to node j's histogram of worker w.
func (hs *histSet) addRange(w, j, lo, hi int) {
	if lo >= hi {
		return
	}
	hs.touch(w, j)
	if hs.q != nil {
		hs.s.histRangePacked(hs.q[w][j], lo, hi)
	} else {
		hs.s.histRange(hs.p[w][j], lo, hi)
	}
}

// touch clears worker w's buffer of node j on first use.
func (hs *histSet) touch(w, j int) {
	if hs.used[w][j] {
		return
	}
	hs.used[w][j] = true
	if hs.q != nil {
		clear(hs.q[w][j])
	} else {
		clear(hs.p[w][j])
	}
}

// sum adds up the workers' buffers of every node, returns the buffers to
// the pools and the histograms as gradient pairs (new slices).
func (hs *histSet) sum() [][]gpair {
	s := hs.s
	workers := len(hs.used)
	nodes := 0
	if workers > 0 {
		nodes = len(hs.used[0])
	}
	out := make([][]gpair, nodes)
	for j := range out {
		o := make([]gpair, hs.slots)
		if hs.q != nil {
			var acc []int64
			for w := range workers {
				if !hs.used[w][j] {
					continue
				}
				if acc == nil {
					acc = hs.q[w][j]
					continue
				}
				for i, v := range hs.q[w][j] {
					acc[i] += v
				}
			}
			for i, v := range acc {
				o[i] = unpack(v, s.hq)
			}
		} else {
			for w := range workers {
				if hs.used[w][j] {
					for i, v := range hs.p[w][j] {
						o[i] = o[i].add(v)
					}
				}
			}
		}
		out[j] = o
	}
	for w := range workers {
		if hs.q != nil {
			s.qpool = append(s.qpool, hs.q[w]...)
		} else {
			s.pool = append(s.pool, hs.p[w]...)
		}
	}
	return out
}
