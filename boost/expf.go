package boost

import "math"

// float32 exp as XGBoost's C library computes it
//
// XGBoost computes its logistic and softmax transforms and the log-link
// objectives' gradients with C's expf. glibc's expf (2.28 and later, the
// algorithm of ARM's optimized routines) is not correctly rounded: it
// evaluates 2^(k/32)·p(r) in float64 with a cubic polynomial and rounds
// that, so for a few inputs in a thousand its float32 differs by one unit
// in the last place from the correctly rounded exp. To give XGBoost's
// gradients bit for bit, expf repeats glibc's steps exactly, in the form
// its x86-64 build selects on processors with FMA (every x86-64 since
// 2013; its aarch64 build contracts the same operations): math.FMA where
// that build fuses a multiply and an add, the same 32-entry table, the
// same polynomial and the same special cases. TestExpfMatchesLibm checks
// it against the C library itself.
//
// For x = k·ln2/32 + r/(32/ln2), |r| <= 1/2:
//
//	z  = fma(32/ln2, x, 1.5·2^52)         k in its low bits
//	r  = fma(32/ln2, x, -(z - 1.5·2^52))
//	s  = 2^(k/32) from the table, its exponent raised by k>>5
//	y  = fma(fma(r, C0, C1), r·r, fma(r, C2, 1)) · s

// expfTab holds glibc's __exp2f_data.tab: the bits of 2^(i/32) less
// i<<47, so that adding k<<47 gives 2^(k/32).
var expfTab = [32]uint64{
	0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
	0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
	0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
	0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
	0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
	0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
	0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
	0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
}

const (
	expfInvLn2N = 0x1.71547652b82fep+5 // 32/ln2
	expfShift   = 0x1.8p52
	expfC0      = 0x1.c6af84b912394p-20 // the polynomial, scaled for r in units of ln2/32
	expfC1      = 0x1.ebfce50fac4f3p-13
	expfC2      = 0x1.62e42ff0c52d6p-6
	// expfAbsTop is the largest value of bits 20-30 of |x| that takes the
	// main path (|x| < 88).
	expfAbsTop = 0x42a
)

// expf is C's expf as glibc computes it (see above), for every float32.
func expf(x float32) float32 {
	b := math.Float32bits(x)
	if (b>>20)&0x7ff > expfAbsTop {
		if y, ok := expfSpecial(x); ok {
			return y
		}
	}
	return expfMain(float64(x))
}

// expfMain is glibc expf's main path for x converted to float64.
func expfMain(xd float64) float32 {
	z := math.FMA(expfInvLn2N, xd, expfShift)
	ki := math.Float64bits(z)
	r := math.FMA(expfInvLn2N, xd, -(z - expfShift))
	s := math.Float64frombits(expfTab[ki&31] + ki<<47)
	y := math.FMA(math.FMA(r, expfC0, expfC1), r*r, math.FMA(r, expfC2, 1))
	return float32(y * s)
}

// expfSpecial is glibc expf for |x| >= 88: its result and true, or false
// when x takes the main path after all (-103.28 <= x < -88 and
// 88 <= x <= 88.72).
func expfSpecial(x float32) (float32, bool) {
	b := math.Float32bits(x)
	switch {
	case b == 0xff800000: // -Inf
		return 0, true
	case (b>>20)&0x7ff >= 0x7f8: // +Inf, NaN
		return x + x, true
	case x > 0x1.62e42ep6: // overflow
		return float32(math.Inf(1)), true
	case x < -0x1.9fe368p6: // underflow
		return 0, true
	case x < -0x1.9d1d9ep6: // may underflow: glibc returns 0x1.4p-75f squared
		return math.Float32frombits(1), true
	}
	return 0, false
}

// expfs sets out[i] = expf(x[i]) for every i. out and x may be the same
// slice.
func expfs(out, x []float32) { expfBlock(out, x, false) }

// expfBlock sets out[i] = expf(x[i]), or with neg expf(min(-x[i], 88.7))
// (Sigmoid's exponential), for every i, with the main path written out in
// the loop (the compiler does not inline it) so that the work of
// consecutive elements overlaps. out and x may be the same slice.
func expfBlock(out, x []float32, neg bool) {
	out = out[:len(x)]
	var flip uint32
	if neg {
		flip = 1 << 31
	}
	for i, m := range x {
		b := math.Float32bits(m) ^ flip
		abs := b &^ (1 << 31)
		if (abs>>20) > expfAbsTop || abs < 0x00800000 {
			// |x| >= 88, or zero or subnormal: the float64 conversion
			// below takes normal numbers only.
			v := math.Float32frombits(b)
			if neg {
				v = min(v, 88.7)
			}
			out[i] = expf(v)
			continue
		}
		// float64(±m) by integer operations: the conversion instruction
		// writes only half a register, so it would make each element wait
		// for the previous one.
		xd := math.Float64frombits(uint64(b>>31)<<63 | (uint64(abs)<<29 + (1023-127)<<52))
		z := math.FMA(expfInvLn2N, xd, expfShift)
		ki := math.Float64bits(z)
		r := math.FMA(expfInvLn2N, xd, -(z - expfShift))
		s := math.Float64frombits(expfTab[ki&31] + ki<<47)
		y := math.FMA(math.FMA(r, expfC0, expfC1), r*r, math.FMA(r, expfC2, 1))
		out[i] = float32(y * s)
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
