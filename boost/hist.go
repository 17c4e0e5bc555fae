package boost

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Histograms in fixed point
//
// In distributed and device training, gradients and hessians enter the
// histograms as int64 fixed-point numbers (a power-of-two scale chosen per
// tree, see grad_scale.go). Integer sums are exact and associative, so a
// histogram is the same whatever the number of threads or shards that
// built it: distributed training gives the same model on any number of
// actors, and the device the same as the actors. Single-process training
// sums in float64 as XGBoost does (hist_f64.go).

// gpair is a fixed-point gradient/hessian pair.
type gpair struct{ g, h int64 }

func (a gpair) add(b gpair) gpair { return gpair{a.g + b.g, a.h + b.h} }
func (a gpair) sub(b gpair) gpair { return gpair{a.g - b.g, a.h - b.h} }

// fixedScale returns the power of two by which values of magnitude up to
// maxAbs are multiplied so that the sum over rows rows stays below 2^53.
func fixedScale(maxAbs float64, rows int) float64 {
	if !(maxAbs > 0) || math.IsInf(maxAbs, 0) {
		return 1
	}
	_, e := math.Frexp(maxAbs * float64(max(rows, 1)))
	return math.Ldexp(1, 53-e)
}

// shard is one part of the training rows, binned, with the state that
// training keeps per row. It is driven by a grower (grow.go), directly in
// a single process or inside an actor in distributed training.
type shard struct {
	n, nf   int
	d       *DMatrix // the shard's rows
	first   int      // global number of the first row
	cuts    *cuts
	bins    []uint8 // row-major, stride bytes per row (nf used), for histograms
	stride  int     // bytes per row of bins (binStride)
	colBins []uint8 // column-major nf × n, for partitioning rows
	label   []float32
	weight  []float32
	groups  int
	margin  []float32 // n × groups
	gf, hf  []float32 // float gradients, n × groups
	gp      []gpair   // fixed-point gradients of the current group (unpacked mode)
	pos     []int32   // rows grouped by node; node k holds pos[lo[k]:hi[k]]
	tmp     []int32   // applySplits' left rows
	tmpR    []int32   // applySplits' right rows (allocated on first use)
	leafIdx []uint8   // addLeavesByRow's leaf of each row (allocated on first use)
	par     *workers  // runs the parallel sections (nil: goroutines per section)
	lo, hi  []int32
	finals  []splitReq // final splits of the current tree
	threads int
	pool    [][]gpair // spare histogram buffers (used by buildHists only)
	// wide is set when histograms are built in the wide layout
	// (hist_wide.go), whose spare buffers wpool holds.
	wide  bool
	wpool [][]int64
	// packed mode: gq holds gradient<<countBits | 1 per sampled row.
	packed bool
	gq     []int64
	hq     int64 // fixed-point hessian of every row in packed mode
	qpool  [][]int64
	// exact mode (hist_f64.go): gh holds the current group's float32
	// gradient and hessian of every row, interleaved (zeros for rows out
	// of the round's sample), summed in float64 into buffers from fpool.
	exact bool
	gh    []float32
	fpool [][]float64
	// nonFinite is set by beginTree in exact mode when a sampled row's
	// gradient or hessian is infinite or NaN.
	nonFinite bool
	// ghReady is set when gradients wrote gh directly (objective.pairs);
	// it then also numbered the rows in pos and set ghBad when a pair is
	// not finite, while the pairs were in cache.
	ghReady, ghBad bool
}

// newShard bins d's rows (global numbers first, first+1, ...) with c.
func newShard(d *DMatrix, first int, c *cuts, groups, threads int) *shard {
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	n, nf := d.rows, len(d.cols)
	s := &shard{n: n, nf: nf, d: d, first: first, cuts: c, label: d.label, weight: d.weight, groups: groups,
		threads: threads, stride: binStride(nf), colBins: make([]uint8, n*nf), margin: make([]float32, n*groups),
		gf: make([]float32, n*groups), hf: make([]float32, n*groups),
		pos: make([]int32, n), tmp: make([]int32, n), wide: useWide(nf, c.totalSlots())}
	s.bins = make([]uint8, n*s.stride)
	binRows(d.cols, n, c, threads, s.bins, s.stride, s.colBins)
	return s
}

// binRows bins the columns cols (n rows each) with the cuts c into the
// row-major bins (stride bytes per row) and, when colBins is not nil,
// into the column-major colBins (n per feature), on up to threads
// goroutines. The features are binned binBatch at a time, so that their
// tables (128 KiB each) stay few however wide the data.
func binRows(cols [][]float32, n int, c *cuts, threads int, bins []uint8, stride int, colBins []uint8) {
	nf := len(cols)
	binners := make([]*binner, min(nf, binBatch))
	for f0 := 0; f0 < nf; f0 += binBatch {
		f1 := min(f0+binBatch, nf)
		parallelTasks(threads, f1-f0, func(_, j int) { binners[j] = newBinner(c.vals[f0+j]) })
		parallelRange(threads, n, 1<<14, func(lo, hi int) {
			var scratch []uint8
			if colBins == nil {
				scratch = make([]uint8, min(hi-lo, binRowsBlock))
			}
			// Block by block, so that the block's rows of bins (up to
			// 256 KiB) stay in cache while every feature is written
			// into them.
			for a := lo; a < hi; a += binRowsBlock {
				b := min(a+binRowsBlock, hi)
				for f := f0; f < f1; f++ {
					var cb []uint8
					if colBins != nil {
						cb = colBins[f*n+a : f*n+b]
					} else {
						cb = scratch[:b-a]
					}
					binners[f-f0].bin(cb, cols[f][a:b])
					for i, v := range cb {
						bins[(a+i)*stride+f] = v
					}
				}
			}
		})
	}
}

// binStride returns the bytes per row of a shard's row-major bins for nf
// features: nf rounded up to a power of two from 17 to 64 features, so
// that a row never straddles two 64-byte cache lines (a 28-byte row
// would in 6 rows of 16) and a histogram pass over scattered rows
// fetches one line per row; nf itself otherwise (up to 16 features a
// row straddles rarely, past 64 the padding buys little).
func binStride(nf int) int {
	if nf <= 16 || nf > 64 {
		return nf
	}
	p := 32
	if nf > 32 {
		p = 64
	}
	return p
}

// binBatch is the number of features newShard bins together.
const binBatch = 64

// binRowsBlock is the number of rows binRows bins feature by feature
// before it moves on.
const binRowsBlock = 4096

// binner bins one feature's values by its cuts, as cuts.binOf does: the
// first b with x < cv[b], the last bin for a value at or above every cut,
// and for NaN the missing code shared with its top bin (see
// cuts.aliased). It compares
// order-preserving integer keys of the floats (orderKey), and a table on
// a key's top 16 bits (sign, exponent and 7 bits of mantissa) gives the
// cuts below the value's bucket, so that only the few cuts inside the
// bucket, if any, are compared.
type binner struct {
	keys []uint32 // the cuts' keys, ascending
	// start[b] is the number of cuts whose key's top 16 bits are below
	// b (len 1<<16 + 1).
	start []uint16
	code  uint8 // the bin of NaN
}

// binTableBits is the number of a key's top bits the table of binner
// indexes.
const binTableBits = 16

func newBinner(cv []float32) *binner {
	bn := &binner{keys: make([]uint32, len(cv)), start: make([]uint16, 1<<binTableBits+1),
		code: uint8(min(len(cv), aliasCode))}
	for j, c := range cv {
		bn.keys[j] = orderKey(c)
		bn.start[bn.keys[j]>>(32-binTableBits)+1]++
	}
	for b := 1; b < len(bn.start); b++ {
		bn.start[b] += bn.start[b-1]
	}
	return bn
}

// bin sets out[i] to the bin of col[i].
func (bn *binner) bin(out []uint8, col []float32) {
	out = out[:len(col)]
	keys := bn.keys
	if len(keys) == 0 {
		clear(out)
		return
	}
	last := len(keys) - 1
	start := bn.start[:1<<binTableBits+1]
	for i, x := range col {
		kx := orderKey(x)
		b := kx >> (32 - binTableBits)
		lo, hi := int(start[b]), int(start[b+1])
		// lo ends at the number of cuts <= x: every cut of a lower
		// bucket is below x, every cut of a higher one above it.
		if hi-lo > 8 {
			for n := hi - lo; n > 1; {
				half := n >> 1
				lo += half & -boolInt(keys[lo+half] <= kx)
				n -= half
			}
			lo += boolInt(keys[lo] <= kx)
		} else {
			for lo < hi && keys[lo] <= kx {
				lo++
			}
		}
		v := uint8(min(lo, last))
		if x != x {
			v = bn.code
		}
		out[i] = v
	}
}

// orderKey maps a non-NaN float32 to a uint32 in the same order, with -0
// and +0 equal (as they compare): the sign bit flipped for positive
// values, all bits for negative ones.
func orderKey(x float32) uint32 {
	u := math.Float32bits(x + 0) // -0 + 0 = +0
	return u ^ (uint32(int32(u)>>31) | 1<<31)
}

// data returns the shard's rows.
func (s *shard) data() *DMatrix { return s.d }

// parallelRange splits [0, n) into chunks of at least minChunk and runs fn
// on them with up to threads goroutines of their own (workers.rangeN
// without a pool).
func parallelRange(threads, n, minChunk int, fn func(lo, hi int)) {
	var none *workers
	none.rangeN(threads, n, minChunk, fn)
}

// parallelTasks runs fn(worker, task) for tasks 0..count-1 on up to
// threads goroutines; worker is in [0, threads).
func parallelTasks(threads, count int, fn func(worker, task int)) {
	workers := min(threads, count)
	if workers <= 1 {
		for t := 0; t < count; t++ {
			fn(0, t)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t := int(next.Add(1) - 1)
				if t >= count {
					return
				}
				fn(w, t)
			}
		}()
	}
	wg.Wait()
}

// setMargin sets every row's margin to base, then adds the given trees
// (round-major, group by group) in order, in float32 as prediction does.
func (s *shard) setMargin(d *DMatrix, base float32, trees []Tree, info []int32) {
	g := s.groups
	s.par.rangeN(s.threads, s.n, 1<<12, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for k := 0; k < g; k++ {
				s.margin[i*g+k] = base
			}
			for t := range trees {
				leaf := leafOf(&trees[t], d.cols, i)
				s.margin[i*g+int(info[t])] += trees[t].SplitCond[leaf]
			}
		}
	})
}

// gradients computes the float gradients of all groups and summarises
// each group's magnitudes (see chooseScale).
func (s *shard) gradients(o *objective) []gradSummary {
	g := s.groups
	chunks := max(1, min(s.threads, s.n/(1<<14)))
	parts := make([][]gradSummary, chunks)
	s.ghReady = s.exact && g == 1 && o.pairs != nil
	if s.ghReady && s.gh == nil {
		s.gh = make([]float32, 2*s.n)
	}
	var wg sync.WaitGroup
	var bad atomic.Bool
	for c := 0; c < chunks; c++ {
		lo, hi := c*s.n/chunks, (c+1)*s.n/chunks
		parts[c] = make([]gradSummary, g)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.ghReady {
				for a := lo; a < hi; a += 1 << 14 {
					b := min(a+1<<14, hi)
					o.pairs(s.margin, s.label, s.weight, s.gh, a, b)
					for i := a; i < b; i++ {
						s.pos[i] = int32(i)
					}
					if !allFinite(s.gh[2*a : 2*b]) {
						bad.Store(true)
					}
				}
				return
			}
			o.grad(s.margin, s.label, s.weight, s.gf, s.hf, lo*g, hi*g)
			if s.exact {
				return // no fixed-point scale to choose; beginTree checks the values
			}
			sum := parts[c]
			if g == 1 {
				sum[0].maxH, sum[0].minH = hessStats(s.hf[lo:hi])
				sum[0].gExp.addAbs(s.gf[lo:hi])
				return
			}
			for k := range sum {
				sum[k].minH = math.Inf(1)
			}
			for i := lo * g; i < hi*g; i++ {
				k := i % g
				sum[k].maxH = max(sum[k].maxH, math.Abs(float64(s.hf[i])))
				sum[k].minH = min(sum[k].minH, float64(s.hf[i]))
				sum[k].gExp[uint8(math.Float32bits(s.gf[i])>>23)]++
			}
		}()
	}
	wg.Wait()
	s.ghBad = bad.Load()
	out := parts[0]
	for _, p := range parts[1:] {
		for k := range out {
			out[k].merge(&p[k])
		}
	}
	return out
}

// hessStats returns the largest |h| and the smallest h. The magnitudes
// are compared as bit patterns (for non-negative floats the same order,
// with any NaN above +Inf, so a NaN still comes out as NaN), and four
// running values per statistic break the dependency chain of a single
// one; min and max do not depend on the order of their operands, so the
// results are those of a plain loop.
func hessStats(hf []float32) (maxH, minH float64) {
	const mask = 1<<31 - 1
	var b0, b1, b2, b3 uint32
	inf := float32(math.Inf(1))
	m0, m1, m2, m3 := inf, inf, inf, inf
	i := 0
	for ; i+4 <= len(hf); i += 4 {
		h := hf[i : i+4 : i+4]
		b0 = max(b0, math.Float32bits(h[0])&mask)
		b1 = max(b1, math.Float32bits(h[1])&mask)
		b2 = max(b2, math.Float32bits(h[2])&mask)
		b3 = max(b3, math.Float32bits(h[3])&mask)
		m0, m1, m2, m3 = min(m0, h[0]), min(m1, h[1]), min(m2, h[2]), min(m3, h[3])
	}
	for ; i < len(hf); i++ {
		b0 = max(b0, math.Float32bits(hf[i])&mask)
		m0 = min(m0, hf[i])
	}
	b := max(b0, b1, b2, b3)
	return float64(math.Float32frombits(b)), float64(min(m0, m1, m2, m3))
}

// beginTree quantises group k's gradients with the given scales (rows not
// in the round's subsample get zero) and puts every row in the root. With
// packed set every hessian is the same and the gradient and a row count
// share one int64 (see hist_packed.go).
func (s *shard) beginTree(k int, scaleG, scaleH float64, sampleThr uint64, sampleSeed uint64, packed bool) {
	g := s.groups
	s.lo, s.hi = append(s.lo[:0], 0), append(s.hi[:0], int32(s.n))
	s.finals = s.finals[:0]
	if s.exact {
		s.beginTreeExact(k, sampleThr, sampleSeed)
		return
	}
	s.packed = packed
	// Only the form of the gradient pairs in use is allocated.
	if packed && s.gq == nil {
		s.gq = make([]int64, s.n)
	}
	if !packed && s.gp == nil {
		s.gp = make([]gpair, s.n)
	}
	s.par.rangeN(s.threads, s.n, 1<<14, func(lo, hi int) {
		if packed && g == 1 && sampleThr == math.MaxUint64 {
			// The common case (squared error, no subsample) without the
			// per-row tests.
			pos, gq := s.pos[lo:hi], s.gq[lo:hi]
			for i, v := range s.gf[lo:hi] {
				pos[i] = int32(lo + i)
				gq[i] = int64(math.RoundToEven(float64(v)*scaleG))<<countBits | 1
			}
			return
		}
		if !packed && g == 1 && sampleThr == math.MaxUint64 {
			// The common general case (one group, no subsample).
			pos, gp, hf := s.pos[lo:hi], s.gp[lo:hi], s.hf[lo:hi]
			for i, v := range s.gf[lo:hi] {
				pos[i] = int32(lo + i)
				gp[i] = gpair{int64(math.RoundToEven(float64(v) * scaleG)), int64(math.RoundToEven(float64(hf[i]) * scaleH))}
			}
			return
		}
		for i := lo; i < hi; i++ {
			s.pos[i] = int32(i)
			if sampleThr != math.MaxUint64 && mix64(sampleSeed^uint64(s.first+i)) >= sampleThr {
				if packed {
					s.gq[i] = 0
				} else {
					s.gp[i] = gpair{}
				}
				continue
			}
			gq := int64(math.RoundToEven(float64(s.gf[i*g+k]) * scaleG))
			if packed {
				s.gq[i] = gq<<countBits | 1
			} else {
				s.gp[i] = gpair{gq, int64(math.RoundToEven(float64(s.hf[i*g+k]) * scaleH))}
			}
		}
	})
}

// beginTreeExact is beginTree in exact mode: it copies group k's float
// gradients into gh.
func (s *shard) beginTreeExact(k int, sampleThr uint64, sampleSeed uint64) {
	g := s.groups
	if s.gh == nil {
		s.gh = make([]float32, 2*s.n)
	}
	if s.ghReady && g == 1 && sampleThr == math.MaxUint64 {
		s.nonFinite = s.ghBad // gradients numbered the rows and checked the pairs
		return
	}
	var bad atomic.Bool
	s.par.rangeN(s.threads, s.n, 1<<14, func(lo, hi int) {
		// finite stays non-zero unless a value is infinite or NaN.
		finite := uint32(0x7f800000)
		if g == 1 && sampleThr == math.MaxUint64 {
			// The common case (one group, no subsample, gradients in gf
			// and hf) without the per-row tests.
			pos, gh, gf, hf := s.pos[lo:hi], s.gh[2*lo:2*hi], s.gf[lo:hi], s.hf[lo:hi]
			gh = gh[:2*len(gf)]
			hf = hf[:len(gf)]
			for i, v := range gf {
				pos[i] = int32(lo + i)
				gh[2*i], gh[2*i+1] = v, hf[i]
				finite = min(finite, finiteBits(v), finiteBits(hf[i]))
			}
		} else {
			for i := lo; i < hi; i++ {
				s.pos[i] = int32(i)
				if !s.ghReady { // else gradients wrote gh
					s.gh[2*i], s.gh[2*i+1] = s.gf[i*g+k], s.hf[i*g+k]
				}
				if sampleThr != math.MaxUint64 && mix64(sampleSeed^uint64(s.first+i)) >= sampleThr {
					s.gh[2*i], s.gh[2*i+1] = 0, 0
					continue
				}
				finite = min(finite, finiteBits(s.gh[2*i]), finiteBits(s.gh[2*i+1]))
			}
		}
		if finite == 0 {
			bad.Store(true)
		}
	})
	s.nonFinite = bad.Load()
}

// allFinite reports whether no value of v is infinite or NaN. It reads
// the values two at a time as 64-bit words: adding 1 to a value's
// exponent field sets its sign bit exactly when the exponent is all ones,
// and no carry crosses into the other value's half; the words are ORed
// in four running values, without a branch per value.
func allFinite(v []float32) bool {
	const exp2, one2, sign2 = 0x7f800000_7f800000, 0x00800000_00800000, 0x80000000_80000000
	var a0, a1, a2, a3 uint64
	if len(v) > 0 && uintptr(unsafe.Pointer(&v[0]))%8 != 0 {
		// Align the words.
		a0 = uint64(math.Float32bits(v[0])&0x7f800000 + 0x00800000)
		v = v[1:]
	}
	i := 0
	if n := len(v) / 2; n > 0 {
		w := unsafe.Slice((*uint64)(unsafe.Pointer(&v[0])), n)
		j := 0
		for ; j+4 <= len(w); j += 4 {
			q := w[j : j+4 : j+4]
			a0 |= q[0]&exp2 + one2
			a1 |= q[1]&exp2 + one2
			a2 |= q[2]&exp2 + one2
			a3 |= q[3]&exp2 + one2
		}
		for ; j < len(w); j++ {
			a0 |= w[j]&exp2 + one2
		}
		i = 2 * n
	}
	for ; i < len(v); i++ {
		a0 |= uint64(math.Float32bits(v[i])&0x7f800000 + 0x00800000)
	}
	return (a0|a1|a2|a3)&sign2 == 0
}

// finiteBits is zero exactly when v is infinite or NaN (its exponent
// bits all ones).
func finiteBits(v float32) uint32 { return math.Float32bits(v)&0x7f800000 ^ 0x7f800000 }

// nodeRange grows the node range tables to hold node id.
func (s *shard) nodeRange(id int) {
	for len(s.lo) <= id {
		s.lo = append(s.lo, 0)
		s.hi = append(s.hi, 0)
	}
}

// histChunk is the number of rows one histogram task covers.
const histChunk = 1 << 13

// buildHists returns the histograms of the given nodes, built in parallel:
// each worker sums its tasks into private buffers that are then added.
// The wide and packed paths take the results from free.
func (s *shard) buildHists(nodes []int32, free *histFree[gpair]) [][]gpair {
	if s.wide {
		return s.buildHistsWide(nodes, free)
	}
	if s.packed {
		return s.buildHistsPacked(nodes, free)
	}
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
	bufs := make([][][]gpair, workers)
	for w := range bufs {
		bufs[w] = make([][]gpair, len(nodes))
	}
	// Worker 0's buffers become the results; the others come from and
	// go back to the pool.
	spare := make([][][]gpair, workers)
	for w := 1; w < workers; w++ {
		for range nodes {
			if k := len(s.pool); k > 0 {
				spare[w] = append(spare[w], s.pool[k-1])
				s.pool = s.pool[:k-1]
			} else {
				spare[w] = append(spare[w], make([]gpair, slots))
			}
		}
	}
	s.par.tasks(workers, len(tasks), func(w, t int) {
		tk := tasks[t]
		h := bufs[w][tk.node]
		if h == nil {
			if w == 0 {
				h = make([]gpair, slots)
			} else {
				h = spare[w][tk.node]
				clear(h)
			}
			bufs[w][tk.node] = h
		}
		nd := nodes[tk.node]
		if s.lo[nd] == 0 && int(s.hi[nd]) == s.n && s.isIdentity() {
			s.histRange(h, tk.lo, tk.hi)
		} else {
			s.histRows(h, s.pos[tk.lo:tk.hi])
		}
	})
	out := make([][]gpair, len(nodes))
	for j := range nodes {
		acc := bufs[0][j]
		if acc == nil {
			acc = make([]gpair, slots)
		}
		for w := 1; w < workers; w++ {
			if b := bufs[w][j]; b != nil {
				for i := range acc {
					acc[i] = acc[i].add(b[i])
				}
			}
		}
		out[j] = acc
	}
	for w := 1; w < workers; w++ {
		s.pool = append(s.pool, spare[w]...)
	}
	s.splitAliased(nodes, out)
	return out
}

// isIdentity reports whether pos is still the identity (before the first
// split of a tree), so that the root histogram can skip the indirection.
func (s *shard) isIdentity() bool { return len(s.lo) == 1 }

// histRows adds the rows listed in rows to h.
func (s *shard) histRows(h []gpair, rows []int32) {
	nf, st := s.nf, s.stride
	off := s.cuts.off[:nf]
	for _, r := range rows {
		p := s.gp[r]
		b := s.bins[int(r)*st : int(r)*st+nf]
		for f, v := range b {
			e := &h[off[f]+int(v)]
			e.g += p.g
			e.h += p.h
		}
	}
}

// histRange adds rows [lo, hi) to h.
func (s *shard) histRange(h []gpair, lo, hi int) {
	nf, st := s.nf, s.stride
	off := s.cuts.off[:nf]
	for r := lo; r < hi; r++ {
		p := s.gp[r]
		b := s.bins[r*st : r*st+nf]
		for f, v := range b {
			e := &h[off[f]+int(v)]
			e.g += p.g
			e.h += p.h
		}
	}
}

// splitReq tells a shard to split node into left and right children: rows
// whose bin of feature is <= bin go left (none when bin is -1); missing
// values go left when defaultLeft.
//
// A final split's children are leaves that need no histograms: the shard
// does not partition its rows but remembers the split, and addLeaves
// routes the rows to the two leaf values directly.
type splitReq struct {
	node, left, right int32
	feature, bin      int32
	defaultLeft       bool
	final             bool
}

// partChunk is the number of rows one partition task covers.
const partChunk = 1 << 15

// applySplits partitions each split node's rows into its children and
// returns the number of rows that went left for each. Each task writes
// its left rows upward from the start of its range of tmp and its right
// rows upward from the start of the same range of tmpR, then, once every
// task's left count is known, copies both parts to their places in pos;
// both phases run in parallel. Rows keep their order within each child,
// as XGBoost's partition keeps it (the float64 histograms add rows in that
// order).
func (s *shard) applySplits(reqs []splitReq) []int {
	type task struct{ req, lo, hi, nLeft, dstL, dstR int }
	var tasks []task
	for _, r := range reqs {
		if r.final {
			s.nodeRange(int(max(r.left, r.right)))
			s.lo[r.left], s.hi[r.left], s.lo[r.right], s.hi[r.right] = 0, 0, 0, 0
			s.finals = append(s.finals, r)
		}
	}
	for j, r := range reqs {
		if r.final {
			continue
		}
		lo, hi := int(s.lo[r.node]), int(s.hi[r.node])
		for a := lo; a < hi; a += partChunk {
			tasks = append(tasks, task{req: j, lo: a, hi: min(a+partChunk, hi)})
		}
		if lo == hi {
			tasks = append(tasks, task{req: j, lo: lo, hi: hi})
		}
	}
	n := s.n
	if len(s.tmpR) < n {
		s.tmpR = make([]int32, n)
	}
	s.par.tasks(s.threads, len(tasks), func(_, t int) {
		tk := &tasks[t]
		r := reqs[tk.req]
		f := int(r.feature)
		col := s.colBins[f*n : (f+1)*n]
		miss := s.cuts.hasMiss[f]
		code, alias, fcol := s.cuts.missCode(f), s.cuts.aliased(f), s.d.cols[f]
		bin := r.bin
		src, dst, dstR := s.pos[tk.lo:tk.hi], s.tmp[tk.lo:tk.hi], s.tmpR[tk.lo:tk.hi]
		l, rr := 0, 0
		if !miss && len(dst) > 0 {
			// The vector kernels take the leading multiple of 16 rows.
			k, kl := partitionVector(src, col, bin, dst, dstR)
			l, rr = kl, k-kl
			// Branch-free: write the row to both sides, advance one.
			// Before each write, l + rr rows are placed, fewer than
			// len(src) = len(dst) = len(dstR), so l and rr are in range:
			// the writes need no bounds checks.
			dl, dr := unsafe.Pointer(unsafe.SliceData(dst)), unsafe.Pointer(unsafe.SliceData(dstR))
			for _, row := range src[k:] {
				d := boolInt(int32(col[row]) <= bin)
				*(*int32)(unsafe.Add(dl, l*4)) = row
				*(*int32)(unsafe.Add(dr, rr*4)) = row
				l += d
				rr += 1 - d
			}
		} else if miss {
			for _, row := range src {
				b := col[row]
				left := int32(b) <= bin
				if isMissing(b, code, alias, fcol, row) {
					left = r.defaultLeft
				}
				d := boolInt(left)
				dst[l] = row
				dstR[rr] = row
				l += d
				rr += 1 - d
			}
		}
		tk.nLeft = l
	})
	counts := make([]int, len(reqs))
	for t := 0; t < len(tasks); {
		j := tasks[t].req
		r := reqs[j]
		u := t
		for u < len(tasks) && tasks[u].req == j {
			u++
		}
		mid := tasks[t].lo
		for _, tk := range tasks[t:u] {
			mid += tk.nLeft
		}
		wl, wr := tasks[t].lo, mid
		for i := t; i < u; i++ {
			tasks[i].dstL, tasks[i].dstR = wl, wr
			wl += tasks[i].nLeft
			wr += tasks[i].hi - tasks[i].lo - tasks[i].nLeft
		}
		s.nodeRange(int(max(r.left, r.right)))
		s.lo[r.left], s.hi[r.left] = s.lo[r.node], int32(mid)
		s.lo[r.right], s.hi[r.right] = int32(mid), s.hi[r.node]
		counts[j] = mid - int(s.lo[r.node])
		t = u
	}
	s.par.tasks(s.threads, len(tasks), func(_, t int) {
		tk := &tasks[t]
		copy(s.pos[tk.dstL:], s.tmp[tk.lo:tk.lo+tk.nLeft])
		copy(s.pos[tk.dstR:], s.tmpR[tk.lo:tk.hi-tk.nLeft])
	})
	return counts
}

// boolInt converts a bool to 0 or 1 without a branch.
func boolInt(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// addLeaves adds each leaf's value to the margin of group k of its rows;
// the rows of final splits are routed to their leaves here.
func (s *shard) addLeaves(k int, leaves []int32, values []float32) {
	if len(leaves) < noLeaf {
		s.addLeavesByRow(k, leaves, values)
		return
	}
	s.addLeavesByNode(k, leaves, values)
}

// addLeavesByNode is addLeaves node by node, for trees of noLeaf leaves
// or more.
func (s *shard) addLeavesByNode(k int, leaves []int32, values []float32) {
	g := s.groups
	type task struct {
		leaf, lo, hi int
		final        int // index in s.finals + 1, or 0
	}
	var tasks []task
	for j, nd := range leaves {
		lo, hi := int(s.lo[nd]), int(s.hi[nd])
		for a := lo; a < hi; a += partChunk {
			tasks = append(tasks, task{leaf: j, lo: a, hi: min(a+partChunk, hi)})
		}
	}
	value := map[int32]float32{}
	for j, nd := range leaves {
		value[nd] = values[j]
	}
	for fi, r := range s.finals {
		lo, hi := int(s.lo[r.node]), int(s.hi[r.node])
		for a := lo; a < hi; a += partChunk {
			tasks = append(tasks, task{lo: a, hi: min(a+partChunk, hi), final: fi + 1})
		}
	}
	s.par.tasks(s.threads, len(tasks), func(_, t int) {
		tk := tasks[t]
		rows := s.pos[tk.lo:tk.hi]
		if tk.final == 0 {
			v := values[tk.leaf]
			if g == 1 {
				margin := s.margin[:s.n]
				for _, r := range rows {
					margin[r] += v
				}
				return
			}
			for _, r := range rows {
				s.margin[int(r)*g+k] += v
			}
			return
		}
		r := s.finals[tk.final-1]
		f := int(r.feature)
		// vs[1] is the left leaf's value: indexing by the side instead of
		// branching on it avoids a mispredicted branch for about every
		// other row.
		vs := [2]float32{value[r.right], value[r.left]}
		miss := s.cuts.hasMiss[f]
		code, alias, fcol := s.cuts.missCode(f), s.cuts.aliased(f), s.d.cols[f]
		col := s.colBins[f*s.n : (f+1)*s.n]
		if g == 1 && !miss {
			margin := s.margin[:s.n]
			for _, row := range rows {
				margin[row] += vs[boolInt(int32(col[row]) <= r.bin)]
			}
			return
		}
		for _, row := range rows {
			b := col[row]
			left := int32(b) <= r.bin
			if miss && isMissing(b, code, alias, fcol, row) {
				left = r.defaultLeft
			}
			s.margin[int(row)*g+k] += vs[boolInt(left)]
		}
	})
}

// noLeaf bounds the leaves of a tree addLeavesByRow takes: it numbers
// them from 1 in a byte, 0 marking a row in no leaf.
const noLeaf = 255

// leafRowsChunk is the number of rows one task of addLeavesByRow covers.
const leafRowsChunk = 1 << 15

// addLeavesByRow is addLeaves for trees of fewer than noLeaf leaves, in
// row order: each task takes a range of rows, finds each leaf's (and
// final split's) rows in that range by binary search (a node's rows are
// ascending), notes every row's leaf index in leafIdx, then adds the
// values to the range's margins. Taken node by node, each leaf's rows
// would be scattered over the whole margin array, a cache miss per row;
// here each task's rows, bins and margins stay in cache. A row in no
// leaf (none, while the node ranges cover the rows) adds -0, which leaves
// every margin as it is, as addLeavesByNode leaves it.
func (s *shard) addLeavesByRow(k int, leaves []int32, values []float32) {
	g, n := s.groups, s.n
	// Leaf j is index j+1; index 0, a row in no leaf, adds -0.
	var table [noLeaf + 1]float32
	table[0] = float32(math.Copysign(0, -1))
	copy(table[1:], values)
	index := make(map[int32]uint8, len(leaves))
	for j, nd := range leaves {
		index[nd] = uint8(j + 1)
	}
	if len(s.leafIdx) < n {
		s.leafIdx = make([]uint8, n)
	}
	tasks := (n + leafRowsChunk - 1) / leafRowsChunk
	s.par.tasks(s.threads, tasks, func(_, t int) {
		a, b := t*leafRowsChunk, min((t+1)*leafRowsChunk, n)
		idx := s.leafIdx[:n]
		clear(idx[a:b])
		in := func(rows []int32) []int32 {
			i, _ := slices.BinarySearch(rows, int32(a))
			j, _ := slices.BinarySearch(rows[i:], int32(b))
			return rows[i : i+j]
		}
		for j, nd := range leaves {
			for _, r := range in(s.pos[s.lo[nd]:s.hi[nd]]) {
				idx[r] = uint8(j + 1)
			}
		}
		for _, r := range s.finals {
			f := int(r.feature)
			// vs[1] is the left leaf's index: indexing by the side
			// instead of branching on it avoids a mispredicted branch
			// for about every other row.
			vs := [2]uint8{index[r.right], index[r.left]}
			col := s.colBins[f*n : (f+1)*n]
			rows := in(s.pos[s.lo[r.node]:s.hi[r.node]])
			if !s.cuts.hasMiss[f] {
				for _, row := range rows {
					idx[row] = vs[boolInt(int32(col[row]) <= r.bin)]
				}
				continue
			}
			code, alias, fcol := s.cuts.missCode(f), s.cuts.aliased(f), s.d.cols[f]
			for _, row := range rows {
				b := col[row]
				left := int32(b) <= r.bin
				if isMissing(b, code, alias, fcol, row) {
					left = r.defaultLeft
				}
				idx[row] = vs[boolInt(left)]
			}
		}
		if g == 1 {
			m := s.margin[a:b]
			for i, l := range idx[a:b] {
				m[i] += table[l]
			}
			return
		}
		for i, l := range idx[a:b] {
			s.margin[(a+i)*g+k] += table[l]
		}
	})
}

// unsampled reports whether row r is out of the round's sample (its
// hessian is zero).
func (s *shard) unsampled(r int32) bool {
	switch {
	case s.exact:
		return s.gh[2*r+1] == 0
	case s.packed:
		return s.gq[r] == 0
	}
	return s.gp[r].h == 0
}

// residuals returns, for each leaf, the label minus the margin of group k
// and the weight of its sampled rows (rows with a non-zero hessian).
func (s *shard) residuals(k int, leaves []int32) (res, wts [][]float32) {
	g := s.groups
	res, wts = make([][]float32, len(leaves)), make([][]float32, len(leaves))
	for j, nd := range leaves {
		for _, r := range s.pos[s.lo[nd]:s.hi[nd]] {
			if s.unsampled(r) {
				continue // not in this round's sample
			}
			res[j] = append(res[j], s.label[r]-s.margin[int(r)*g+k])
			wts[j] = append(wts[j], wt(s.weight, int(r)))
		}
	}
	return res, wts
}
