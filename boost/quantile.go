package boost

import (
	"math"
	"slices"
)

// weightedQuantile returns the alpha quantile of values as XGBoost 1.7
// computes it for reg:absoluteerror: with no weights, linear interpolation
// between order statistics (common::Quantile); with weights, the first
// value whose cumulative weight reaches alpha of the total
// (common::WeightedQuantile). Its float32 steps are XGBoost's: the
// difference of the two order statistics, the cumulative weights and the
// threshold.
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
		v0, v1 := values[idx[int(k)]], values[idx[int(k)+1]]
		// v1 - v0 in float32, as XGBoost subtracts the two floats; the
		// conversion keeps the product from fusing with the sum.
		return float64(v0) + float64(d*float64(v1-v0))
	}
	// XGBoost accumulates the cumulative weights in float32, and its
	// threshold is their total times alpha rounded to float32.
	cdf := make([]float32, n)
	var acc float32
	for i, r := range idx {
		acc += weight[r]
		cdf[i] = acc
	}
	target := float32(float64(acc) * alpha)
	j, _ := slices.BinarySearch(cdf, target)
	j = min(j, n-1)
	return float64(values[idx[j]])
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

// binOf returns the bin of value x of feature f, or the feature's missing
// code (its bin count, or aliasCode for an aliased feature) for NaN.
func (c *cuts) binOf(f int, x float32) uint8 {
	cv := c.vals[f]
	if x != x {
		return c.missCode(f)
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

// mix64 is SplitMix64's finaliser, a fast well-mixed hash (row sampling
// uses it).
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
