package boost

import (
	"math"
	"slices"
)

// weightedQuantile returns the alpha quantile of values as XGBoost 1.7
// computes it for reg:absoluteerror: with no weights, linear interpolation
// between order statistics (common::Quantile); with weights, the first
// value whose cumulative weight reaches alpha of the total
// (common::WeightedQuantile).
func weightedQuantile(values, weight []float32, alpha float64) float64 {
	n := len(values)
	if n == 0 {
		return math.NaN()
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		va, vb := values[a], values[b]
		switch {
		case va < vb:
			return -1
		case va > vb:
			return 1
		}
		return 0
	})
	if weight == nil {
		if alpha <= 1/float64(n+1) {
			return float64(values[idx[0]])
		}
		if alpha >= float64(n)/float64(n+1) {
			return float64(values[idx[n-1]])
		}
		x := alpha * float64(n+1)
		k := math.Floor(x) - 1
		d := (x - 1) - k
		v0 := float64(values[idx[int(k)]])
		v1 := float64(values[idx[int(k)+1]])
		return v0 + d*(v1-v0)
	}
	cdf := make([]float64, n)
	var acc float64
	for i, r := range idx {
		acc += float64(weight[r])
		cdf[i] = acc
	}
	target := alpha * acc
	j, _ := slices.BinarySearch(cdf, target)
	j = min(j, n-1)
	return float64(values[idx[j]])
}

// The quantile sketch
//
// Cut points are chosen from a weighted sample of each feature's values.
// A row is in the sample when a hash of its global row number falls under
// a threshold (every row when the data has at most sketchSample rows), so
// the sample is the same multiset however the rows are split into shards;
// sorting it by (value, weight) makes the cuts a function of the data
// alone. That is what lets distributed training build the same bins, and
// so the same model, as a single process. The exact minimum and maximum of
// every feature are always included.

// sketchSample is the number of rows sampled for the sketch; the rank
// error of the sample, about 1/sqrt(sketchSample), is below one bin of
// 256 at the default max_bin.
const sketchSample = 1 << 18

// featSample is one shard's sketch input for one feature.
type featSample struct {
	vals     []float32 // sampled non-missing values
	wts      []float32 // their weights
	min, max float32   // exact extremes of the non-missing values
	count    int       // non-missing rows
	missing  int       // missing rows
}

// cuts are the bin boundaries of every feature: a value x falls in the
// first bin b with x < vals[f][b]; the last cut is above the maximum.
// Missing values have their own histogram slot after the value bins.
type cuts struct {
	vals    [][]float32
	minVal  []float32 // below every value: the threshold of a "missing only" left child
	hasMiss []bool
	off     []int // histogram slot offset of each feature; off[nf] = total slots
}

func (c *cuts) numFeatures() int { return len(c.vals) }

// totalSlots is the histogram length: value bins plus one missing slot per
// feature.
func (c *cuts) totalSlots() int { return c.off[len(c.off)-1] }

// mix64 is SplitMix64's finaliser, a fast well-mixed hash.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// sampleThreshold returns the hash threshold selecting about k of n rows.
func sampleThreshold(k, n int) uint64 {
	if n <= k {
		return math.MaxUint64
	}
	return uint64(float64(k) / float64(n) * (1 << 63) * 2)
}

// sketchShard collects the sketch sample of rows of d whose global row
// numbers start at first, out of total rows overall.
func sketchShard(d *DMatrix, first, total, threads int) []featSample {
	thr := sampleThreshold(sketchSample, total)
	out := make([]featSample, len(d.cols))
	parallelTasks(threads, len(d.cols), func(_, j int) {
		col := d.cols[j]
		fs := &out[j]
		want := len(col)
		if thr != math.MaxUint64 {
			want = int(float64(len(col))*float64(sketchSample)/float64(total)*1.05) + 64
		}
		fs.vals, fs.wts = make([]float32, 0, want), make([]float32, 0, want)
		fs.min, fs.max = float32(math.Inf(1)), float32(math.Inf(-1))
		for i, v := range col {
			if v != v {
				fs.missing++
				continue
			}
			fs.count++
			fs.min = min(fs.min, v)
			fs.max = max(fs.max, v)
			if thr == math.MaxUint64 || mix64(uint64(first+i)) < thr {
				fs.vals = append(fs.vals, v)
				w := float32(1)
				if d.weight != nil {
					w = d.weight[i]
				}
				fs.wts = append(fs.wts, w)
			}
		}
	})
	return out
}

// mergeSketches combines the shards' samples (in any order) into cuts
// with at most maxBin bins per feature.
func mergeSketches(parts [][]featSample, nf, maxBin, threads int) *cuts {
	c := &cuts{vals: make([][]float32, nf), minVal: make([]float32, nf), hasMiss: make([]bool, nf), off: make([]int, nf+1)}
	parallelTasks(threads, nf, func(_, f int) { c.sketchFeature(parts, f, maxBin) })
	for f := 0; f < nf; f++ {
		c.off[f+1] = c.off[f] + len(c.vals[f]) + 1
	}
	return c
}

// sortKey orders (value, weight) pairs by value, then weight, as one
// uint64 (weights are non-negative, so their bits sort as numbers).
func sortKey(v, w float32) uint64 {
	b := math.Float32bits(v)
	if b>>31 != 0 {
		b = ^b
	} else {
		b |= 1 << 31
	}
	return uint64(b)<<32 | uint64(math.Float32bits(w))
}

func fromKey(k uint64) (v, w float32) {
	b := uint32(k >> 32)
	if b>>31 != 0 {
		b &^= 1 << 31
	} else {
		b = ^b
	}
	return math.Float32frombits(b), math.Float32frombits(uint32(k))
}

// sketchFeature chooses the cuts of feature f.
func (c *cuts) sketchFeature(parts [][]featSample, f, maxBin int) {
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	missing, n := 0, 2
	for _, p := range parts {
		n += len(p[f].vals)
	}
	keys := make([]uint64, 0, n)
	for _, p := range parts {
		fs := &p[f]
		missing += fs.missing
		if fs.count > 0 {
			lo, hi = min(lo, fs.min), max(hi, fs.max)
		}
		for i, v := range fs.vals {
			keys = append(keys, sortKey(v, fs.wts[i]))
		}
	}
	c.hasMiss[f] = missing > 0
	if lo > hi { // no values at all
		return
	}
	keys = append(keys, sortKey(lo, 0), sortKey(hi, 0))
	slices.Sort(keys)
	// Distinct values with summed weights.
	uv := make([]float32, 0, 64)
	uw := make([]float64, 0, 64)
	for _, k := range keys {
		v, w := fromKey(k)
		if n := len(uv); n > 0 && uv[n-1] == v {
			uw[n-1] += float64(w)
			continue
		}
		uv = append(uv, v)
		uw = append(uw, float64(w))
	}
	bins := maxBin
	if c.hasMiss[f] && bins > 255 {
		bins = 255 // the missing code must fit in a uint8 too
	}
	var cv []float32
	if len(uv) <= bins {
		cv = append(cv, uv[1:]...)
	} else {
		var total float64
		for _, w := range uw {
			total += w
		}
		cum := uw[0]
		k := 1
		for j := 1; j < len(uv) && k < bins; j++ {
			if cum >= float64(k)*total/float64(bins) {
				cv = append(cv, uv[j])
				for k < bins && cum >= float64(k)*total/float64(bins) {
					k++
				}
			}
			cum += uw[j]
		}
	}
	last := hi + float32(math.Abs(float64(hi))+1e-5)
	if len(cv) == 0 || last > cv[len(cv)-1] {
		cv = append(cv, last)
	}
	c.vals[f] = cv
	c.minVal[f] = lo - float32(math.Abs(float64(lo))+1e-5)
}

// binOf returns the bin of value x of feature f, or the feature's missing
// code (its bin count) for NaN.
func (c *cuts) binOf(f int, x float32) uint8 {
	cv := c.vals[f]
	if x != x {
		return uint8(len(cv))
	}
	lo, hi := 0, len(cv)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x < cv[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo >= len(cv) {
		lo = len(cv) - 1
	}
	return uint8(lo)
}
