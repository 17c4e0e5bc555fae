package gpu

import (
	"math"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// Go references of the kernels in kernels/train.cu. Each performs the
// kernel's integer and floating-point operations in the same order and
// precision; explicit conversions keep Go from fusing a multiply and an
// add, as --fmad=false keeps nvcc. Where a kernel splits work over
// threads, its reference does the work in one order and the kernel's
// comment says why the order does not change the result (integer sums,
// first-of-equal-gains reductions).

func rowWeight(weight []float32, i int) float32 {
	if weight == nil {
		return 1
	}
	return weight[i]
}

// gradSquared is grad_squared.
func gradSquared(margin, label, weight []float32, spw float32, g, h []float32) {
	for i := range label {
		w := rowWeight(weight, i)
		y := label[i]
		if y == 1 {
			w = float32(w * spw)
		}
		g[i] = float32(float32(margin[i]-y) * w)
		h[i] = w
	}
}

// gradLogistic is grad_logistic.
func gradLogistic(margin, label, weight []float32, spw float32, g, h []float32) {
	for i := range label {
		e := glibcf.Expf(minNaN(-margin[i], 88.7))
		d := float32(float32(e+1) + 1e-16)
		p := float32(1 / d)
		y := label[i]
		w := rowWeight(weight, i)
		s := float32(1)
		if y == 1 {
			s = spw
		}
		w = float32(w * s)
		g[i] = float32(float32(p-y) * w)
		h[i] = float32(maxNaN(float32(p*float32(1-p)), 1e-16) * w)
	}
}

// gradSoftmax is grad_softmax for k classes. The maximum is taken from
// FLT_MIN up, as XGBoost's softmax objective takes it, so margins all
// below FLT_MIN are not shifted.
func gradSoftmax(margin, label, weight []float32, k int, g, h []float32) {
	for r := range label {
		m := margin[r*k : (r+1)*k]
		wmax := float32(0x1p-126) // FLT_MIN
		for _, v := range m {
			wmax = maxNaN(wmax, v)
		}
		var sum float64
		for _, v := range m {
			sum += float64(glibcf.Expf(v - wmax))
		}
		s := float32(sum)
		w := rowWeight(weight, r)
		y := int(label[r])
		for j, v := range m {
			pj := float32(glibcf.Expf(v-wmax) / s)
			gj := pj
			if j == y {
				gj = pj - 1
			}
			g[r*k+j] = float32(gj * w)
			hj := float32(float32(float32(2*pj)*float32(1-pj)) * w)
			h[r*k+j] = maxNaN(hj, 1e-16)
		}
	}
}

// orderKey maps a float32 to a uint32 whose unsigned order is the
// float's order (grad_summary's order_key).
func orderKey(v float32) uint32 {
	b := math.Float32bits(v)
	if b&(1<<31) != 0 {
		return ^b
	}
	return b | 1<<31
}

func fromOrderKey(k uint32) float32 {
	if k&(1<<31) != 0 {
		return math.Float32frombits(k &^ (1 << 31))
	}
	return math.Float32frombits(^k)
}

// gradSummary is grad_summary for group k: exponent counts are integer
// sums, and max and min do not depend on the order of the rows.
func gradSummary(g, h []float32, groups, k int) GradSummary {
	var s GradSummary
	var maxBits uint32
	minKey := ^uint32(0)
	for i := k; i < len(g); i += groups {
		s.GExp[uint8(math.Float32bits(g[i])>>23)]++
		maxBits = max(maxBits, math.Float32bits(h[i])&(1<<31-1))
		minKey = min(minKey, orderKey(h[i]))
	}
	s.MaxAbsH = float64(math.Float32frombits(maxBits))
	s.MinH = float64(fromOrderKey(minKey))
	return s
}

// mix64 is SplitMix64's finaliser, the subsampling hash.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// quantise is the quantise kernel: fixed-point pairs of group q.Group,
// and the identity row index.
func quantise(g, h []float32, groups int, q Quantiser, first int64, gp []Pair, ridx []int32) {
	for i := range gp {
		ridx[i] = int32(i)
		if q.SampleThreshold != math.MaxUint64 && mix64(q.SampleSeed^uint64(first+int64(i))) >= q.SampleThreshold {
			gp[i] = Pair{}
			continue
		}
		gp[i] = Pair{
			int64(math.RoundToEven(float64(g[i*groups+q.Group]) * q.ScaleG)),
			int64(math.RoundToEven(float64(h[i*groups+q.Group]) * q.ScaleH)),
		}
	}
}

// add64 is the kernel's add64 on a 64-bit integer held as two 32-bit
// words: two 32-bit additions with the carry of the low word moved into
// the high word. It equals a 64-bit two's complement addition, which is
// why buildHist adds int64s.
func add64(p *[2]uint32, v int64) {
	lo, hi := uint32(uint64(v)), uint32(uint64(v)>>32)
	old := p[0]
	p[0] = old + lo
	carry := uint32(0)
	if old+lo < old {
		carry = 1
	}
	p[1] += hi + carry
}

// buildHist is build_hist for one node: the pairs of rows are added to
// hist (slots of every feature). The kernel adds the same integers in
// another order, modulo 2^64 in both, so the sums are equal.
func buildHist(bins []uint8, nf int, off []int32, gp []Pair, rows []int32, hist []Pair) {
	for _, r := range rows {
		p := gp[r]
		if p == (Pair{}) {
			continue
		}
		b := bins[int(r)*nf : int(r)*nf+nf]
		for f, v := range b {
			e := &hist[int(off[f])+int(v)]
			e.G += p.G
			e.H += p.H
		}
	}
}

// subtractHist is hist_subtract.
func subtractHist(parent, built []Pair) {
	for i := range parent {
		parent[i].G -= built[i].G
		parent[i].H -= built[i].H
	}
}

func thresholdL1(g, alpha float64) float64 {
	switch {
	case g > alpha:
		return g - alpha
	case g < -alpha:
		return g + alpha
	}
	return 0
}

// calcWeight is the kernel's calc_weight.
func calcWeight(p *SplitParams, g, h float64) float64 {
	if h < p.MinChildWeight || h <= 0 {
		return 0
	}
	dw := -thresholdL1(g, p.Alpha) / (h + p.Lambda)
	if p.MaxDeltaStep != 0 && math.Abs(dw) > p.MaxDeltaStep {
		dw = math.Copysign(p.MaxDeltaStep, dw)
	}
	return dw
}

// calcGain is the kernel's calc_gain.
func calcGain(p *SplitParams, g, h float64) float32 {
	if h <= 0 {
		return 0
	}
	if p.MaxDeltaStep == 0 {
		t := thresholdL1(g, p.Alpha)
		return float32(t*t) / float32(h+p.Lambda)
	}
	g32, h32, w := float32(g), float32(h), float32(calcWeight(p, g, h))
	gw := float32(float32(2*g32) * w)
	hw := float32(float32(h32+float32(p.Lambda)) * float32(w*w))
	return -float32(gw + hw)
}

// evaluateNode is evaluate_splits for one node: candidates feature by
// feature in ascending order, each forward (bins <= b left, missing
// right), then, when the node has missing values of the feature,
// backward (missing left, b descending, last only the missing values
// left); the first of equal gains is kept. The kernel gives each thread
// a subset of the features in ascending order and keeps, across threads,
// the largest gain of the lowest feature: the same choice.
func evaluateNode(d *Data, p *SplitParams, scaleG, scaleH float64, hist []Pair, sum Pair, mask []bool) Split {
	G, H := float64(sum.G)/scaleG, float64(sum.H)/scaleH
	parentGain := calcGain(p, G, H)
	best := Split{Feature: -1}
	try := func(f, bin int, def bool, left Pair) {
		rg, rh := sum.G-left.G, sum.H-left.H
		gl, hl := float64(left.G)/scaleG, float64(left.H)/scaleH
		gr, hr := float64(rg)/scaleG, float64(rh)/scaleH
		if hl < p.MinChildWeight || hr < p.MinChildWeight {
			return
		}
		chg := float32(calcGain(p, gl, hl)+calcGain(p, gr, hr)) - parentGain
		if math.IsInf(float64(chg), 0) || !(chg > best.Gain) {
			return
		}
		best = Split{Gain: chg, Feature: int32(f), Bin: int32(bin), DefaultLeft: def, Left: left}
	}
	for f := 0; f < d.Features; f++ {
		if mask != nil && !mask[f] {
			continue
		}
		nv := int(d.Values[f])
		hf := hist[d.Offsets[f]:d.Offsets[f+1]]
		var acc Pair
		for b := 0; b < nv; b++ {
			acc.G += hf[b].G
			acc.H += hf[b].H
			try(f, b, false, acc)
		}
		if hf[nv] != (Pair{}) {
			left := sum
			for b := nv - 1; b >= 0; b-- {
				left.G -= hf[b].G
				left.H -= hf[b].H
				try(f, b-1, true, left)
			}
		}
	}
	if best.Feature < 0 {
		best.Gain = 0
	}
	return best
}

// goesLeft is the kernel's goes_left.
func goesLeft(d *Data, row int32, s *PartitionSplit) bool {
	b := int64(d.Bins[int(row)*d.Features+int(s.Feature)])
	if b == d.missCode(int(s.Feature)) {
		return s.DefaultLeft
	}
	return b <= int64(s.Bin)
}

// partition is what partition_count, partition_scan, partition_scatter
// and copy_rows do to one node's rows: a stable partition, left rows
// first. It returns the number of left rows; tmp is scratch of the same
// length.
func partition(d *Data, rows, tmp []int32, s *PartitionSplit) int {
	n := 0
	for _, r := range rows {
		if goesLeft(d, r, s) {
			tmp[n] = r
			n++
		}
	}
	k := n
	for _, r := range rows {
		if !goesLeft(d, r, s) {
			tmp[k] = r
			k++
		}
	}
	copy(rows, tmp[:len(rows)])
	return n
}

// addLeaf is add_leaves for one leaf.
func addLeaf(rows []int32, v float32, margin []float32, groups, k int) {
	for _, r := range rows {
		margin[int(r)*groups+k] += v
	}
}
