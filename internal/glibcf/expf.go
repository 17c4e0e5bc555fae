package glibcf

import "math"

// float32 exp
//
// glibc's expf (2.28 and later, the algorithm of ARM's optimized
// routines) is not correctly rounded: it evaluates 2^(k/32)·p(r) in
// float64 with a cubic polynomial and rounds that, so for a few inputs in
// a thousand its float32 differs by one unit in the last place from the
// correctly rounded exp. Expf repeats glibc's steps exactly, in the form
// its x86-64 build selects on processors with FMA (every x86-64 since
// 2013; its aarch64 build contracts the same operations): math.FMA where
// that build fuses a multiply and an add, the same 32-entry table, the
// same polynomial and the same special cases. For x = k·ln2/32 + r·ln2/32,
// |r| <= 1/2:
//
//	z  = fma(32/ln2, x, 1.5·2^52)         k in its low bits
//	r  = fma(32/ln2, x, -(z - 1.5·2^52))
//	s  = 2^(k/32) from the table, its exponent raised by k>>5
//	y  = fma(fma(r, C0, C1), r·r, fma(r, C2, 1)) · s
//
// The constants are exported for the loops that write the main path out
// (package boost's block exp) and for the checks of the CUDA kernels'
// copy (package gpu).

// ExpfTable holds glibc's __exp2f_data.tab: the bits of 2^(i/32) less
// i<<47, so that adding k<<47 gives 2^(k/32).
var ExpfTable = [32]uint64{
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
	ExpfInvLn2N = 0x1.71547652b82fep+5 // 32/ln2
	ExpfShift   = 0x1.8p52
	ExpfC0      = 0x1.c6af84b912394p-20 // the polynomial, for r in units of ln2/32
	ExpfC1      = 0x1.ebfce50fac4f3p-13
	ExpfC2      = 0x1.62e42ff0c52d6p-6
	// ExpfAbsTop is the largest value of bits 20-30 of |x| that takes the
	// main path (|x| < 88).
	ExpfAbsTop = 0x42a
	// ExpfOverflow, ExpfUnderflow and ExpfMayUnderflow are glibc's
	// thresholds: above the first the result is +Inf, below the second 0,
	// below the third the smallest subnormal.
	ExpfOverflow     = 0x1.62e42ep6
	ExpfUnderflow    = -0x1.9fe368p6
	ExpfMayUnderflow = -0x1.9d1d9ep6
)

// Expf is C's expf as glibc computes it (see above), for every float32.
func Expf(x float32) float32 {
	b := math.Float32bits(x)
	if (b>>20)&0x7ff > ExpfAbsTop {
		switch {
		case b == 0xff800000: // -Inf
			return 0
		case (b>>20)&0x7ff >= 0x7f8: // +Inf, NaN
			return x + x
		case x > ExpfOverflow:
			return float32(math.Inf(1))
		case x < ExpfUnderflow:
			return 0
		case x < ExpfMayUnderflow: // glibc returns 0x1.4p-75f squared
			return math.Float32frombits(1)
		}
	}
	return ExpfMain(float64(x))
}

// ExpfMain is Expf's main path (|x| < 88, and the ends of the range that
// the special cases leave to it) for x converted to float64. The explicit
// conversions keep the compiler from fusing the other operations (as it
// may on arm64): each rounds once, as in glibc's build.
func ExpfMain(xd float64) float32 {
	z := math.FMA(ExpfInvLn2N, xd, ExpfShift)
	ki := math.Float64bits(z)
	r := math.FMA(ExpfInvLn2N, xd, -float64(z-ExpfShift))
	s := math.Float64frombits(ExpfTable[ki&31] + ki<<47)
	y := math.FMA(math.FMA(r, ExpfC0, ExpfC1), float64(r*r), math.FMA(r, ExpfC2, 1))
	return float32(float64(y * s))
}
