package boost

import (
	"math"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// XGBoost computes its logistic and softmax transforms and the log-link
// objectives' gradients with C's expf: package glibcf computes it as
// glibc does, bit for bit. expfBlock runs it over a slice.

// expfs sets out[i] = glibcf.Expf(x[i]) for every i. out and x may be the
// same slice.
func expfs(out, x []float32) { expfBlock(out, x, false) }

// expfBlock sets out[i] = glibcf.Expf(x[i]), or with neg
// Expf(min(-x[i], 88.7)) (Sigmoid's exponential), for every i. Where the
// processor has AVX2 and FMA, the main path runs four values at a time
// (expfMainAVX2, the same operations per value); a group of four with a
// value off the main path, the last values, and every value elsewhere
// take expfScalar. out and x may be the same slice.
func expfBlock(out, x []float32, neg bool) {
	out = out[:len(x)]
	var flip uint32
	if neg {
		flip = 1 << 31
	}
	i := 0
	for hasExpfVector && len(x)-i >= 4 {
		i += expfMainAVX2(&out[i], &x[i], len(x)-i, flip, &glibcf.ExpfTable)
		if len(x)-i < 4 {
			break
		}
		expfScalar(out[i:i+4], x[i:i+4], flip, neg)
		i += 4
	}
	expfScalar(out[i:], x[i:], flip, neg)
}

// expfScalar is expfBlock one value at a time, x's values XORed with
// flip (the sign bit when neg). The main path (glibcf.ExpfMain, inlined)
// takes its float64 input converted by integer operations, so that the
// work of consecutive values overlaps.
func expfScalar(out, x []float32, flip uint32, neg bool) {
	out = out[:len(x)]
	for i, m := range x {
		b := math.Float32bits(m) ^ flip
		abs := b &^ (1 << 31)
		if (abs>>20) > glibcf.ExpfAbsTop || abs < 0x00800000 {
			// |x| >= 88, or zero or subnormal: the conversion below
			// takes normal numbers only.
			v := math.Float32frombits(b)
			if neg {
				v = min(v, 88.7)
			}
			out[i] = glibcf.Expf(v)
			continue
		}
		// float64(±m) by integer operations: the conversion instruction
		// writes only half a register, so it would make each element wait
		// for the previous one.
		out[i] = glibcf.ExpfMain(math.Float64frombits(uint64(b>>31)<<63 | (uint64(abs)<<29 + (1023-127)<<52)))
	}
}

// sigmoidFromExp is Sigmoid given e = expf(min(-x, 88.7)).
func sigmoidFromExp(e float32) float32 {
	d := e + float32(1)
	d += float32(1e-16)
	return float32(1) / d
}

// sigmoids sets out[i] = Sigmoid(x[i]) for every i, in two short passes
// (exponentials, then division): short loop bodies let the processor
// overlap more rows than one long one. out and x may be the same slice.
func sigmoids(out, x []float32) {
	expfBlock(out, x, true)
	for i, e := range out {
		out[i] = sigmoidFromExp(e)
	}
}
