package gpu

import "math"

// Go reference of the kernels' expf (kernels/train.cu: exp_table,
// expf_ref): exp(x) rounded to float32, evaluated in float64 as
// 2^k · 2^(j/64) · p(r) with a degree-5 polynomial p, and deferring to a
// float64 exp in a window of ±expfTol float64 ulps around a float32
// rounding midpoint, where the polynomial's error could change the
// rounding. The same steps, constant bits and table give the same float32
// on both sides; in the window the device uses CUDA's exp and this
// reference Go's math.Exp, which may differ by one float64 ulp (see the
// package documentation).

const (
	expfTol       = 1 << 10
	expfShiftBits = 0x4338000000000000 // 1.5·2^52
)

var (
	expfInvLn2N = 64 / math.Ln2
	expfLn2NHi  = math.Float64frombits(math.Float64bits(math.Ln2/64) &^ (1<<21 - 1))
	expfLn2NLo  = math.Ln2/64 - expfLn2NHi
	expfTable   = func() (t [64]uint64) {
		for j := range t {
			t[j] = math.Float64bits(math.Exp2(float64(j) / 64))
		}
		return t
	}()
)

// expTable is exp(x) for x in [-87.3, 88.7], to about 2^-47 relative.
func expTable(x float64) float64 {
	shift := math.Float64frombits(expfShiftBits)
	kd := float64(x*expfInvLn2N) + shift
	k := int64(math.Float64bits(kd) - expfShiftBits)
	kd -= shift
	r := float64(x-float64(kd*expfLn2NHi)) - float64(kd*expfLn2NLo)
	r2 := float64(r * r)
	a := 0.5 + float64(r*(1.0/6))
	b := 1.0/24 + float64(r*(1.0/120))
	p := (1 + r) + float64(r2*(a+float64(r2*b)))
	s := math.Float64frombits(expfTable[k&63] + uint64(k>>6)<<52)
	return s * p
}

// expf is float32(exp(x)) as the kernels compute it.
func expf(x float32) float32 {
	xd := float64(x)
	if !(xd >= -87.3 && xd <= 88.7) {
		return float32(math.Exp(xd))
	}
	y := expTable(xd)
	tail := math.Float64bits(y) & (1<<29 - 1)
	if tail-(1<<28-expfTol) <= 2*expfTol {
		return float32(math.Exp(xd))
	}
	return float32(y)
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
