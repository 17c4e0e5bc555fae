package boost

import (
	"math"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// Sigmoid is XGBoost 1.7's logistic function in float32:
// 1 / (expf(min(-x, 88.7)) + 1 + 1e-16).
func Sigmoid(x float32) float32 {
	e := glibcf.Expf(min(-x, float32(88.7)))
	d := e + float32(1)
	d += float32(1e-16)
	return float32(1) / d
}

// Transform maps margins (rows × groups, row-major) to the objective's
// output space as XGBoost 1.7's predict does, in float32. multi:softmax
// returns one class index per row; every other objective returns a slice
// of the same shape as margin. margin is not modified.
func Transform(objective string, margin []float32, groups int) []float32 {
	if objective == ObjMultiSoftmax && groups > 1 {
		out := make([]float32, len(margin)/groups)
		for r := range out {
			out[r] = float32(argmax(margin[r*groups : (r+1)*groups]))
		}
		return out
	}
	out := append([]float32(nil), margin...)
	transformInPlace(objective, out, groups)
	return out
}

// transformInto writes the transform of src (whole rows, an objective
// whose output keeps the margin's shape) into dst, of the same length.
func transformInto(objective string, dst, src []float32, groups int) {
	switch objective {
	case ObjBinaryLogistic, ObjRegLogistic:
		sigmoids(dst, src)
	default:
		copy(dst, src)
		transformInPlace(objective, dst, groups)
	}
}

// transformInPlace is Transform for the objectives whose output has the
// margin's shape (all but multi:softmax with several groups); x holds whole
// rows.
func transformInPlace(objective string, x []float32, groups int) {
	switch objective {
	case ObjBinaryLogistic, ObjRegLogistic:
		sigmoids(x, x)
	case ObjCountPoisson, ObjRegGamma, ObjRegTweedie:
		for i, m := range x {
			x[i] = glibcf.Expf(m)
		}
	case ObjBinaryHinge:
		for i, m := range x {
			if m > 0 {
				x[i] = 1
			} else {
				x[i] = 0
			}
		}
	case ObjMultiSoftprob:
		if groups > 0 {
			for r := 0; r+groups <= len(x); r += groups {
				softmax(x[r : r+groups])
			}
		}
	}
}

// softmax replaces x by its softmax as XGBoost 1.7's prediction computes
// it (the maximum over x subtracted).
func softmax(x []float32) { softmaxFrom(x, x, float32(math.Inf(-1))) }

// softmaxFrom sets p to the softmax of m as XGBoost 1.7 computes it:
// subtract the maximum of floor and m, expf in float32, sum in float64,
// divide by the sum rounded to float32. p and m may be the same slice.
func softmaxFrom(p, m []float32, floor float32) {
	wmax := floor
	for _, v := range m {
		wmax = max(v, wmax)
	}
	var sum float64
	for i, v := range m {
		p[i] = glibcf.Expf(v - wmax)
		sum += float64(p[i])
	}
	s := float32(sum)
	for i := range p {
		p[i] /= s
	}
}

// argmax is the index of the first largest value.
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
