package boost

import (
	"slices"
	"unsafe"
)

// Histograms in XGBoost's order
//
// XGBoost 1.7.4's hist method sums each histogram slot in float64
// (GradientPairPrecise), adding the rows' float32 gradients one by one,
// and float64 addition rounds: the sum depends on the order of the rows
// and on how they are split among threads. To grow XGBoost's trees bit
// for bit, a single-process training sums exactly as it does with the
// same number of threads (nthread):
//
//   - The nodes built together are cut into blocks of 256 rows, node after
//     node (BlockedSpace2d); thread t of T takes the t-th of T runs of
//     ceil(blocks/T) consecutive blocks (ParallelFor2d's static chunks).
//     So each thread holds one contiguous piece of a node's rows, in the
//     node's row order (ascending row numbers: partitioning is stable).
//   - A thread adds its piece's rows in order into a buffer of its own;
//     the first thread of a node (lowest t) into the node's histogram.
//     The other threads' buffers are then added to it in thread order
//     (ParallelGHistBuilder::ReduceHist).
//   - A sibling's histogram is its parent's minus the built child's, slot
//     by slot; the built child is the one of smaller hessian sum (the
//     left one on a tie).
//
// With one thread every slot is the plain row-order sum. boost hands the
// pieces to its goroutines as they become free: the order of the
// additions into each buffer is fixed by the piece, not by who runs it.
// Distributed and device training sum in fixed point instead (hist.go):
// exact sums that do not depend on the shards, but not XGBoost's.

// xgbBlock is the row block of XGBoost's histogram space.
const xgbBlock = 256

// f64Piece is the rows pos[lo:hi] of the node-th node being built that
// one thread sums; first is set for the node's first thread.
type f64Piece struct {
	node, lo, hi int
	first        bool
}

// f64Pieces returns each thread's pieces of the nodes' rows, as XGBoost
// 1.7.4 assigns them with threads threads.
func (s *shard) f64Pieces(nodes []int32, threads int) [][]f64Piece {
	total := 0
	for _, nd := range nodes {
		n := int(s.hi[nd] - s.lo[nd])
		total += (n + xgbBlock - 1) / xgbBlock
	}
	out := make([][]f64Piece, threads)
	if total == 0 {
		return out
	}
	chunk := total/threads + boolInt(total%threads != 0)
	for t := range out {
		begin, end := chunk*t, min(chunk*(t+1), total)
		b0 := 0 // the first block of node j
		for j, nd := range nodes {
			lo, hi := int(s.lo[nd]), int(s.hi[nd])
			nb := (hi - lo + xgbBlock - 1) / xgbBlock
			a, e := max(begin, b0), min(end, b0+nb)
			if a < e {
				out[t] = append(out[t], f64Piece{node: j, lo: lo + (a-b0)*xgbBlock,
					hi: min(lo+(e-b0)*xgbBlock, hi), first: a == b0})
			}
			b0 += nb
		}
	}
	return out
}

// buildHistsF64 returns the histograms of the given nodes, summed in
// XGBoost's order with s.threads threads; the buffers come from free.
func (s *shard) buildHistsF64(nodes []int32, free *histFree[fpair]) [][]fpair {
	slots := s.cuts.totalSlots()
	wide := s.wide
	size := 2 * slots
	if wide {
		size = 2 * s.nf * wideStride
	}
	pieces := s.f64Pieces(nodes, s.threads)
	// bufs[t][i] is the buffer of thread t's piece i.
	bufs := make([][][]float64, len(pieces))
	for t, ps := range pieces {
		bufs[t] = make([][]float64, len(ps))
		for i := range ps {
			if k := len(s.fpool); k > 0 && cap(s.fpool[k-1]) >= size {
				bufs[t][i] = s.fpool[k-1][:size]
				s.fpool = s.fpool[:k-1]
			} else {
				bufs[t][i] = make([]float64, size)
			}
		}
	}
	identity := s.isIdentity()
	whole := func(p f64Piece) bool {
		nd := nodes[p.node]
		return identity && s.lo[nd] == 0 && int(s.hi[nd]) == s.n
	}
	// A buffer's sums depend only on its piece's rows, not on which
	// goroutine adds them: the jobs go to whichever goroutine is free,
	// largest first, so that a piece of scattered rows (slower per row)
	// or a goroutine held up elsewhere (the previous round's evaluation
	// runs beside the root) does not leave the other idle.
	//
	// Features own disjoint slots, so a piece of consecutive rows (the
	// root's: one piece per thread) is also cut into groups of
	// wholeJobFeatures features, jobs of their own: every slot still
	// receives the piece's rows in order, and a goroutine that is done
	// takes the other's remaining groups instead of waiting. A group
	// streams the piece's rows again, which costs nothing measurable for
	// consecutive rows (the prefetchers follow); scattered rows would
	// miss the cache once per group, so their pieces stay whole.
	type job struct{ t, i, f0, f1 int }
	jobs := make([]job, 0, len(pieces))
	for t, ps := range pieces {
		for i, p := range ps {
			if !wide || !whole(p) {
				jobs = append(jobs, job{t, i, 0, s.nf})
				continue
			}
			for f := 0; f < s.nf; f += wholeJobFeatures {
				jobs = append(jobs, job{t, i, f, min(f+wholeJobFeatures, s.nf)})
			}
		}
	}
	work := func(j job) int { p := pieces[j.t][j.i]; return (p.hi - p.lo) * (j.f1 - j.f0) }
	slices.SortStableFunc(jobs, func(a, b job) int { return work(b) - work(a) })
	s.par.tasks(s.threads, len(jobs), func(_, k int) {
		j := jobs[k]
		p, h := pieces[j.t][j.i], bufs[j.t][j.i]
		if wide {
			h = h[2*j.f0*wideStride : 2*j.f1*wideStride]
			clear(h)
			s.histF64Wide(h, p.lo, p.hi, j.f0, j.f1, whole(p))
		} else {
			clear(h)
			s.histF64Compact(h, p.lo, p.hi)
		}
		s.aliasedF64(bufs[j.t][j.i], p.lo, p.hi, j.f0, j.f1, wide)
	})
	// parts[j] lists node j's buffers in thread order.
	parts := make([][][]float64, len(nodes))
	for t, ps := range pieces {
		for i, p := range ps {
			parts[p.node] = append(parts[p.node], bufs[t][i])
		}
	}
	out := make([][]fpair, len(nodes))
	s.par.tasks(s.threads, len(nodes), func(_, j int) {
		o := free.get(slots)
		s.gatherF64(o, parts[j], wide)
		out[j] = o
	})
	for _, b := range bufs {
		s.fpool = append(s.fpool, b...)
	}
	return out
}

// gatherF64 sets the compact histogram o to the first buffer of parts
// plus the others in order (all zero without any).
func (s *shard) gatherF64(o []fpair, parts [][]float64, wide bool) {
	clear(o)
	if len(parts) == 0 {
		return
	}
	off := s.cuts.off
	for f := 0; f < s.nf; f++ {
		dst := o[off[f]:off[f+1]]
		base := off[f]
		if wide {
			dst = dst[:min(len(dst), 256)] // a 257th slot (missing, unused) stays 0
			base = f * wideStride
		}
		for b := range dst {
			k := 2 * (base + b)
			v := fpair{parts[0][k], parts[0][k+1]}
			for _, p := range parts[1:] {
				v = v.add(fpair{p[k], p[k+1]})
			}
			dst[b] = v
		}
	}
}

// histF64Wide adds features f0 to f1-1 of the rows pos[lo:hi] (rows lo
// to hi-1 themselves when whole is set) to the wide float64 buffer h,
// which holds those features' slots (feature f0's first), in row order:
// every slot receives its rows in order.
//
// Consecutive rows are added one group of 8, 4, 2 or 1 features at a
// time over blocks of wideBlock rows, each group's slots (33 KiB for 8)
// staying in the L1 cache while its pass streams through the block.
// Scattered rows cost a cache miss each instead: their features are added
// up to rowsPassFeatures at a time, all of a row's in one pass for most
// data, so that its bins and value are fetched once.
func (s *shard) histF64Wide(h []float64, lo, hi, f0, f1 int, whole bool) {
	st := s.stride
	nf := f1 - f0
	if lo >= hi || f0 < 0 || f0 >= f1 || f1 > s.nf || len(s.bins) < s.n*st || len(h) < 2*nf*wideStride || len(s.gh) < 2*s.n {
		s.histF64WideChecked(h, lo, hi, f0, f1, whole)
		return
	}
	if !whole {
		v := unsafe.Pointer(unsafe.SliceData(s.gh))
		step := min(nf, rowsPassFeatures)
		for a := lo; a < hi; a += wideBlock {
			rows := s.pos[a:min(a+wideBlock, hi)]
			for f := 0; f < nf; f += step {
				histRowsF64WideN(unsafe.Pointer(&h[2*f*wideStride]), unsafe.Pointer(&s.bins[f0+f]), v, rows, st, min(step, nf-f))
			}
		}
		return
	}
	for a := lo; a < hi; a += wideBlock {
		b := min(a+wideBlock, hi)
		for f := 0; f < nf; {
			k := wideGroup(nf - f)
			hp := unsafe.Pointer(&h[2*f*wideStride])
			bp, v := unsafe.Pointer(&s.bins[a*st+f0+f]), unsafe.Pointer(&s.gh[2*a])
			[...]func(h, bins, gh unsafe.Pointer, n int, nf int){
				1: histRangeF64Wide1, 2: histRangeF64Wide2, 4: histRangeF64Wide4, 8: histRangeF64Wide8,
			}[k](hp, bp, v, b-a, st)
			f += k
		}
	}
}

// wholeJobFeatures is the number of features of one job over a piece of
// consecutive rows (buildHistsF64): one pass of the widest kernel.
const wholeJobFeatures = 8

// rowsPassFeatures is the most features one pass over scattered rows
// adds: their slots (135 KiB for 32) stay in the L2 cache.
const rowsPassFeatures = 32

// histF64WideChecked is histF64Wide with bounds-checked slices (for a
// broken invariant not to touch memory out of bounds).
func (s *shard) histF64WideChecked(h []float64, lo, hi, f0, f1 int, whole bool) {
	st := s.stride
	for i := lo; i < hi; i++ {
		r := i
		if !whole {
			r = int(s.pos[i])
		}
		g, hh := float64(s.gh[2*r]), float64(s.gh[2*r+1])
		for f, b := range s.bins[r*st+f0 : r*st+f1] {
			slot := f*wideStride + int(b)
			h[2*slot] += g
			h[2*slot+1] += hh
		}
	}
}

// histF64Compact adds the rows pos[lo:hi] to the compact float64 buffer
// h in row order (features with few bins, where a wide buffer would be
// mostly padding).
func (s *shard) histF64Compact(h []float64, lo, hi int) {
	nf, st := s.nf, s.stride
	off := s.cuts.off[:nf]
	for _, r := range s.pos[lo:hi] {
		g, hh := float64(s.gh[2*r]), float64(s.gh[2*r+1])
		for f, b := range s.bins[int(r)*st : int(r)*st+nf] {
			k := 2 * (off[f] + int(b))
			h[k] += g
			h[k+1] += hh
		}
	}
}

// aliasedF64 recomputes, in the buffer h of the rows pos[lo:hi], the top
// bin of every aliased feature among f0 to f1-1 (whose missing values share its bin code,
// see cuts.aliased) from the rows that have a value, in row order: the
// sum XGBoost's top bin holds. The missing slot is left as it is (split
// finding does not read it).
func (s *shard) aliasedF64(h []float64, lo, hi, f0, f1 int, wide bool) {
	for f := f0; f < f1; f++ {
		if !s.cuts.aliased(f) {
			continue
		}
		slot := s.cuts.off[f] + aliasCode
		if wide {
			slot = f*wideStride + aliasCode
		}
		col, fcol := s.colBins[f*s.n:(f+1)*s.n], s.d.cols[f]
		var v fpair
		for _, r := range s.pos[lo:hi] {
			if col[r] == aliasCode && fcol[r] == fcol[r] {
				v = v.add(fpair{float64(s.gh[2*r]), float64(s.gh[2*r+1])})
			}
		}
		h[2*slot], h[2*slot+1] = v.g, v.h
	}
}

// gradSum is the sum of every row's gradient pair in row order (rows out
// of the round's sample add zeros), XGBoost's root sum for data with
// missing values.
func (s *shard) gradSum() fpair {
	var v fpair
	for i := 0; i < s.n; i++ {
		v = v.add(fpair{float64(s.gh[2*i]), float64(s.gh[2*i+1])})
	}
	return v
}
