package boost

import (
	"sync"
	"unsafe"
)

// Wide histograms
//
// Each worker of buildHists sums its rows into private buffers that are
// then added up. In the wide layout a worker's buffer gives every feature
// wideStride slots, room for every value a bin byte can take, so feature
// f's slot for bin b is slot f*wideStride + b. The kernels then reach every
// feature's slots from one base pointer at constant displacements, with
// one byte load and one add to memory per feature, for any number of
// features, instead of looking up a per-feature offset. When the workers'
// buffers are added, the sums are gathered into the compact layout
// (cuts.off) that split finding, histogram subtraction and the
// distributed all-reduce use; nothing outside buildHists sees the wide
// layout, and the sums are the same integers.
//
// A wide buffer holds nf*wideStride slots where a compact one holds
// totalSlots, so it is mostly padding when features have few bins;
// useWide keeps it to data where it stays small.

// wideStride is the number of slots per feature in a wide buffer: the
// 256 values of a uint8 bin and eight more, so that the features' slots
// do not start at the same address modulo 4 KiB (2 KiB apart, the low
// bins of every other feature would share L1 cache sets and alias in the
// processor's store-to-load disambiguation). hist_amd64.s has it in its
// displacements.
const wideStride = 264

// wideMaxSlots is the size up to which wide buffers are used whatever
// their padding (64 features).
const wideMaxSlots = 64 * wideStride

// useWide reports whether a shard with nf features and totalSlots compact
// slots builds its histograms in the wide layout: when the wide buffer
// has at most wideMaxSlots slots or at most four times the compact ones.
func useWide(nf, totalSlots int) bool {
	w := nf * wideStride
	return nf > 0 && (w <= wideMaxSlots || w <= 4*totalSlots)
}

// buildHistsWide is buildHists in the wide layout, for packed and general
// gradient pairs. A worker's buffer is []int64: a packed slot is one
// int64, a pair slot two (g, h), as gpair lays them out.
func (s *shard) buildHistsWide(nodes []int32, free *histFree[gpair]) [][]gpair {
	nf, slots := s.nf, s.cuts.totalSlots()
	size := nf * wideStride
	if !s.packed {
		size *= 2
	}
	tasks := s.histTasks(nodes)
	workers := max(1, min(s.threads, len(tasks)))
	// bufs[w][j] is worker w's buffer for node j, set (and cleared) on
	// the worker's first task of the node, from spare[w*len(nodes)+j].
	bufs := make([][][]int64, workers)
	for w := range bufs {
		bufs[w] = make([][]int64, len(nodes))
	}
	spare := make([][]int64, workers*len(nodes))
	for i := range spare {
		if k := len(s.wpool); k > 0 && cap(s.wpool[k-1]) >= size {
			spare[i] = s.wpool[k-1][:size]
			s.wpool = s.wpool[:k-1]
		} else {
			spare[i] = make([]int64, size)
		}
	}
	identity := s.isIdentity()
	s.par.tasks(workers, len(tasks), func(w, t int) {
		tk := tasks[t]
		h := bufs[w][tk.node]
		if h == nil {
			h = spare[w*len(nodes)+tk.node]
			clear(h)
			bufs[w][tk.node] = h
		}
		nd := nodes[tk.node]
		whole := identity && s.lo[nd] == 0 && int(s.hi[nd]) == s.n
		s.histWide(h, tk.lo, tk.hi, whole)
	})
	out := make([][]gpair, len(nodes))
	parts := make([][]int64, 0, workers)
	for j := range nodes {
		parts = parts[:0]
		for w := range bufs {
			if b := bufs[w][j]; b != nil {
				parts = append(parts, b)
			}
		}
		o := free.get(slots)
		s.gatherWide(o, parts)
		out[j] = o
	}
	s.wpool = append(s.wpool, spare...)
	s.splitAliased(nodes, out)
	return out
}

// histWide adds the rows pos[lo:hi] (rows lo to hi-1 themselves when
// whole is set) to the wide buffer h, one group of 8, 4, 2 or 1 features
// at a time: the group's pass over the rows reads the rows' bins and
// values again, from the cache for a task's rows, and keeps the kernels'
// per-row work to the group's features.
func (s *shard) histWide(h []int64, lo, hi int, whole bool) {
	nf, st := s.nf, s.stride
	if lo >= hi || len(s.bins) < s.n*st || len(h) < nf*wideStride || (s.packed && len(s.gq) < s.n) ||
		(!s.packed && (len(s.gp) < s.n || len(h) < 2*nf*wideStride)) {
		// Not reached (buildHistsWide sizes the buffers); the checked loop
		// keeps a broken invariant from touching memory out of bounds.
		s.histWideChecked(h, lo, hi, whole)
		return
	}
	// Every row in pos is below s.n, and [lo, hi) is in [0, s.n) for
	// whole, so every read is inside bins and the values; every slot
	// f*wideStride + bin is inside h.
	for a := lo; a < hi; a += wideBlock {
		s.histWideBlock(h, a, min(a+wideBlock, hi), whole)
	}
}

// wideBlock is the number of rows whose bins and values the group passes
// of histWide share through the cache: scattered rows take a cache line
// each, and 1,024 of them (64 KiB of bins, as much of values) stay in the
// L2 cache between the passes.
const wideBlock = 1024

// histWideBlock is histWide for rows lo to hi-1 (of pos, or themselves
// when whole is set), within the bounds histWide checked.
func (s *shard) histWideBlock(h []int64, lo, hi int, whole bool) {
	nf, st := s.nf, s.stride
	rows := s.pos[lo:hi]
	for f := 0; f < nf; {
		k := wideGroup(nf - f)
		if s.packed {
			hp := unsafe.Pointer(&h[f*wideStride])
			if whole {
				b, v := unsafe.Pointer(&s.bins[lo*st+f]), unsafe.Pointer(&s.gq[lo])
				[...]func(h, bins, gq unsafe.Pointer, n int, nf int){
					1: histRangePackedWide1, 2: histRangePackedWide2, 4: histRangePackedWide4, 8: histRangePackedWide8,
				}[k](hp, b, v, hi-lo, st)
			} else {
				b, v := unsafe.Pointer(&s.bins[f]), unsafe.Pointer(unsafe.SliceData(s.gq))
				[...]func(h, bins, gq unsafe.Pointer, rows []int32, nf int){
					1: histRowsPackedWide1, 2: histRowsPackedWide2, 4: histRowsPackedWide4, 8: histRowsPackedWide8,
				}[k](hp, b, v, rows, st)
			}
		} else {
			hp := unsafe.Pointer(&h[2*f*wideStride])
			if whole {
				b, v := unsafe.Pointer(&s.bins[lo*st+f]), unsafe.Pointer(&s.gp[lo])
				[...]func(h, bins, gp unsafe.Pointer, n int, nf int){
					1: histRangeWide1, 2: histRangeWide2, 4: histRangeWide4, 8: histRangeWide8,
				}[k](hp, b, v, hi-lo, st)
			} else {
				b, v := unsafe.Pointer(&s.bins[f]), unsafe.Pointer(unsafe.SliceData(s.gp))
				[...]func(h, bins, gp unsafe.Pointer, rows []int32, nf int){
					1: histRowsWide1, 2: histRowsWide2, 4: histRowsWide4, 8: histRowsWide8,
				}[k](hp, b, v, rows, st)
			}
		}
		f += k
	}
}

// wideGroup is the number of features, of left still to add, that the
// next pass of the wide kernels takes: 8, 4, 2 or 1.
func wideGroup(left int) int {
	switch {
	case left >= 8:
		return 8
	case left >= 4:
		return 4
	case left >= 2:
		return 2
	}
	return 1
}

// histWideChecked is histWide with bounds-checked slices.
func (s *shard) histWideChecked(h []int64, lo, hi int, whole bool) {
	nf, st := s.nf, s.stride
	for i := lo; i < hi; i++ {
		r := i
		if !whole {
			r = int(s.pos[i])
		}
		for f, b := range s.bins[r*st : r*st+nf] {
			slot := f*wideStride + int(b)
			if s.packed {
				h[slot] += s.gq[r]
			} else {
				h[2*slot] += s.gp[r].g
				h[2*slot+1] += s.gp[r].h
			}
		}
	}
}

// gatherWide sets the compact histogram o to the sum of the wide buffers
// parts (none: all zero).
func (s *shard) gatherWide(o []gpair, parts [][]int64) {
	clear(o)
	if len(parts) == 0 {
		return
	}
	off := s.cuts.off
	for f := 0; f < s.nf; f++ {
		dst := o[off[f]:off[f+1]]
		dst = dst[:min(len(dst), 256)] // a 257th slot (missing, unused) stays 0
		base := f * wideStride
		if s.packed {
			for b := range dst {
				var v int64
				for _, p := range parts {
					v += p[base+b]
				}
				dst[b] = unpack(v, s.hq)
			}
			continue
		}
		for b := range dst {
			var g, h int64
			for _, p := range parts {
				g += p[2*(base+b)]
				h += p[2*(base+b)+1]
			}
			dst[b] = gpair{g, h}
		}
	}
}

// histTask is a range of one node's rows (pos[lo:hi]) for a histogram
// worker; node indexes the nodes being built.
type histTask struct{ node, lo, hi int }

// histTasks splits the rows of the nodes into tasks of at most histChunk
// rows; a node without rows has none.
func (s *shard) histTasks(nodes []int32) []histTask {
	var tasks []histTask
	for j, nd := range nodes {
		lo, hi := int(s.lo[nd]), int(s.hi[nd])
		for a := lo; a < hi; a += histChunk {
			tasks = append(tasks, histTask{j, a, min(a+histChunk, hi)})
		}
	}
	return tasks
}

// histFree is a free list of compact histogram buffers shared by a
// training's grower and shards: a node's histogram goes back once the node
// is split or done, and the next nodes' histograms reuse it, instead of
// leaving the collector a few megabytes per tree. Safe for concurrent use;
// a nil *histFree allocates and drops.
type histFree[T any] struct {
	mu   sync.Mutex
	bufs [][]T
}

// get returns a buffer of slots pairs, not cleared.
func (f *histFree[T]) get(slots int) []T {
	if f != nil {
		f.mu.Lock()
		defer f.mu.Unlock()
		for k := len(f.bufs) - 1; k >= 0; k-- {
			if b := f.bufs[k]; len(b) == slots {
				f.bufs[k] = f.bufs[len(f.bufs)-1]
				f.bufs = f.bufs[:len(f.bufs)-1]
				return b
			}
		}
	}
	return make([]T, slots)
}

// put returns b (nil is ignored) to the list.
func (f *histFree[T]) put(b []T) {
	if f == nil || b == nil {
		return
	}
	f.mu.Lock()
	f.bufs = append(f.bufs, b)
	f.mu.Unlock()
}
