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
