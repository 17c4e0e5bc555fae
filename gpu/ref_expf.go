package gpu

import "math"

// Go reference of the kernels' expf (kernels/train.cu: expf_table,
// expf_main, expf_ref). It is C's expf as glibc (2.28 and later) computes
// it in its x86-64 build for processors with FMA, the float32 exp of the
// CPU path (package boost): for x = k·ln2/32 + r·ln2/32, |r| <= 1/2,
//
//	z = fma(32/ln2, x, 1.5·2^52)         k in its low bits
//	r = fma(32/ln2, x, -(z - 1.5·2^52))
//	s = 2^(k/32) from a 32-entry table, its exponent raised by k>>5
//	y = fma(fma(r, C0, C1), r·r, fma(r, C2, 1)) · s
//
// rounded to float32, with glibc's special cases for |x| >= 88. The
// fused multiply-adds are math.FMA here and fma on the device, both
// IEEE fused; every other operation rounds once on both sides.

// expfTable holds glibc's __exp2f_data.tab: the bits of 2^(i/32) less
// i<<47, so that adding k<<47 gives 2^(k/32).
var expfTable = [32]uint64{
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
	expfC0      = 0x1.c6af84b912394p-20 // the polynomial, for r in units of ln2/32
	expfC1      = 0x1.ebfce50fac4f3p-13
	expfC2      = 0x1.62e42ff0c52d6p-6
	// expfAbsTop is the largest value of bits 20-30 of |x| that takes the
	// main path (|x| < 88).
	expfAbsTop = 0x42a
	// expfOverflow, expfUnderflow and expfMayUnderflow are glibc's
	// thresholds: above the first the result is +Inf, below the second 0,
	// below the third the smallest subnormal.
	expfOverflow     = 0x1.62e42ep6
	expfUnderflow    = -0x1.9fe368p6
	expfMayUnderflow = -0x1.9d1d9ep6
)

// expf is float32 exp as the kernels compute it.
func expf(x float32) float32 {
	b := math.Float32bits(x)
	if (b>>20)&0x7ff > expfAbsTop {
		switch {
		case b == 0xff800000: // -Inf
			return 0
		case (b>>20)&0x7ff >= 0x7f8: // +Inf, NaN
			return x + x
		case x > expfOverflow:
			return float32(math.Inf(1))
		case x < expfUnderflow:
			return 0
		case x < expfMayUnderflow:
			return math.Float32frombits(1)
		}
	}
	return expfMain(float64(x))
}

// expfMain is expf's main path for x converted to float64.
func expfMain(xd float64) float32 {
	z := math.FMA(expfInvLn2N, xd, expfShift)
	ki := math.Float64bits(z)
	r := math.FMA(expfInvLn2N, xd, -float64(z-expfShift))
	s := math.Float64frombits(expfTable[ki&31] + ki<<47)
	y := math.FMA(math.FMA(r, expfC0, expfC1), float64(r*r), math.FMA(r, expfC2, 1))
	return float32(float64(y * s))
}

// minNaN and maxNaN are the kernels' min_nan and max_nan: a NaN first
// operand is returned as is.
func minNaN(a, b float32) float32 {
	if a > b {
		return b
	}
	return a
}

func maxNaN(a, b float32) float32 {
	if a < b {
		return b
	}
	return a
}
