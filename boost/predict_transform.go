package boost

// Sigmoid is XGBoost 1.7's logistic function in float32:
// 1 / (expf(min(-x, 88.7)) + 1 + 1e-16).
func Sigmoid(x float32) float32 {
	e := expf(min(-x, float32(88.7)))
	d := e + float32(1)
	d += float32(1e-16)
	return float32(1) / d
}

// Transform maps margins (rows × groups, row-major) to the objective's
// output space as XGBoost 1.7's predict does, in float32. multi:softmax
// returns one class index per row; every other objective returns a slice
// of the same shape as margin. margin is not modified.
func Transform(objective string, margin []float32, groups int) []float32 {
	switch objective {
	case ObjBinaryLogistic, ObjRegLogistic:
		out := make([]float32, len(margin))
		for i, m := range margin {
			out[i] = Sigmoid(m)
		}
		return out
	case ObjCountPoisson, ObjRegGamma, ObjRegTweedie:
		out := make([]float32, len(margin))
		for i, m := range margin {
			out[i] = expf(m)
		}
		return out
	case ObjBinaryHinge:
		out := make([]float32, len(margin))
		for i, m := range margin {
			if m > 0 {
				out[i] = 1
			}
		}
		return out
	case ObjMultiSoftprob:
		out := append([]float32(nil), margin...)
		if groups > 0 {
			for r := 0; r+groups <= len(out); r += groups {
				softmax(out[r : r+groups])
			}
		}
		return out
	case ObjMultiSoftmax:
		if groups <= 1 {
			return append([]float32(nil), margin...)
		}
		out := make([]float32, len(margin)/groups)
		for r := range out {
			out[r] = float32(argmax(margin[r*groups : (r+1)*groups]))
		}
		return out
	}
	return append([]float32(nil), margin...)
}

// softmax replaces x by its softmax as XGBoost 1.7 computes it: subtract
// the maximum, expf in float32, sum in float64, divide by the sum rounded
// to float32.
func softmax(x []float32) {
	wmax := x[0]
	for _, v := range x[1:] {
		wmax = max(wmax, v)
	}
	var sum float64
	for i, v := range x {
		x[i] = expf(v - wmax)
		sum += float64(x[i])
	}
	s := float32(sum)
	for i := range x {
		x[i] /= s
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
