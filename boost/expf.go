package boost

import "math"

// Fast float32 exp
//
// XGBoost computes its logistic and softmax transforms with C's expf. Ours
// must give the same float32 for every input, and the reference is the
// float64 exp rounded to float32: float32(math.Exp(float64(x))). Calling
// math.Exp for every row is a large share of logistic training, so expf
// evaluates the float64 exp itself, to a known accuracy, and rounds that:
//
//   - Reduction: x = (64k + j)·ln2/64 + r with |r| <= ln2/128, so
//     exp(x) = 2^k · 2^(j/64) · exp(r). k·ln2/64 is subtracted in two parts
//     (a 32-bit head, exact in the product, and a tail), and 2^(j/64) comes
//     from a table of correctly rounded float64 values.
//   - exp(r) is the Taylor polynomial of degree 5, evaluated by Estrin's
//     scheme (pairs of terms) for a short dependency chain. Its truncation
//     error is below r^6/720 <= 2^-48.7; the rounding of the table, the
//     reduction and the polynomial steps add a few 2^-53. The float64
//     result is within 2^-47 (relative) of exp(x), and math.Exp within a
//     few float64 ulps.
//   - Rounding to float32 keeps 24 of the 53 significand bits. Both values
//     round to the same float32 unless a rounding midpoint (a 29-bit tail
//     of exactly 1000…0) lies between them. expf therefore falls back to
//     math.Exp when the tail of its own result is within expfTol = 1024
//     float64 ulps (about 2^-43 relative, far more than the two errors) of
//     the midpoint: about four inputs in a million.
//   - Inputs whose float32 result would be subnormal, zero or infinite, and
//     NaN, also go to math.Exp: outside [expfMin, expfMax] the rounding
//     point moves, and those inputs are rare in training.
//   - expfs and expfBlock run the same steps over a slice, written out in
//     the loop. They convert float32 to float64 with integer operations
//     (for normal inputs): the conversion instruction writes half a
//     register and would chain every element to the previous one.
//
// TestExpfExhaustive checks every one of the 2^32 float32 inputs against
// the reference when BOOST_EXPF_EXHAUSTIVE is set.

const (
	expfTableBits = 6
	expfN         = 1 << expfTableBits
	// expfMin and expfMax bound the inputs evaluated here: exp(-87.3) is
	// just above the smallest normal float32 (2^-126 ~ exp(-87.34)), and
	// exp(88.7) is below the largest float32 (~ exp(88.72)).
	expfMin = -87.3
	expfMax = 88.7
	// expfAbsMaxBits is the largest float32 below 87.3, the bound of the
	// block loops (expfs), which use one bound for both signs.
	expfAbsMaxBits = 0x42ae9999
	// expfTol is the half-width, in float64 ulps, of the window around a
	// float32 rounding midpoint in which expf defers to math.Exp.
	expfTol = 1 << 10
	// expfShift rounds to an integer by addition: 1.5·2^52.
	expfShift = 0x1.8p52
	// expfInvLn2N is 64/ln2; expfLn2NHi + expfLn2NLo is ln2/64, the head
	// with its low 21 bits zero so that k·head is exact for |k| < 2^21.
	expfInvLn2N = expfN / math.Ln2
)

var (
	expfLn2NHi = math.Float64frombits(math.Float64bits(math.Ln2/expfN) &^ (1<<21 - 1))
	expfLn2NLo = math.Ln2/expfN - expfLn2NHi
	// expfTable[j] holds the bits of 2^(j/64), correctly rounded.
	expfTable = func() (t [expfN]uint64) {
		for j := range t {
			t[j] = math.Float64bits(math.Exp2(float64(j) / expfN))
		}
		return t
	}()
)

// expf emulates C's expf as XGBoost's transforms see it: the float64 exp
// rounded to float32. It returns exactly float32(math.Exp(float64(x))) for
// every x.
func expf(x float32) float32 {
	xd := float64(x)
	if !(xd >= expfMin && xd <= expfMax) {
		return float32(math.Exp(xd))
	}
	y := expf64(xd)
	// The 29 bits that float32 rounding drops; a midpoint is 1<<28.
	tail := math.Float64bits(y) & (1<<29 - 1)
	if tail-(1<<28-expfTol) <= 2*expfTol {
		return float32(math.Exp(xd))
	}
	return float32(y)
}

// expf64 is exp(x) for x in [expfMin, expfMax], accurate to about 2^-47
// relative (see the notes above).
func expf64(x float64) float64 {
	kd := x*expfInvLn2N + expfShift
	// k = round(x·64/ln2): the low significand bits of kd.
	k := int64(math.Float64bits(kd) - math.Float64bits(expfShift))
	kd -= expfShift
	r := x - kd*expfLn2NHi - kd*expfLn2NLo
	r2 := r * r
	p := (1 + r) + r2*((1.0/2+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
	s := math.Float64frombits(expfTable[k&(expfN-1)] + uint64(k>>expfTableBits)<<52)
	return s * p
}

// expfs sets out[i] = expf(x[i]) for every i. out and x may be the same
// slice.
func expfs(out, x []float32) { expfBlock(out, x, false) }

// expfBlock sets out[i] = expf(x[i]), or with neg expf(min(-x[i], 88.7))
// (Sigmoid's exponential), for every i, with expf written out in the loop
// (the compiler does not inline it) so that the work of consecutive
// elements overlaps. out and x may be the same slice.
func expfBlock(out, x []float32, neg bool) {
	out = out[:len(x)]
	var flip uint32
	if neg {
		flip = 1 << 31
	}
	for i, m := range x {
		// float64(±m) by integer operations, for normal m with
		// |m| <= 87.3: the conversion instruction writes only half a
		// register, so it would make each element wait for the previous
		// one.
		b := math.Float32bits(m) ^ flip
		abs := b &^ (1 << 31)
		if abs-0x00800000 > expfAbsMaxBits-0x00800000 {
			v := math.Float32frombits(b)
			if neg {
				v = min(v, 88.7)
			}
			out[i] = expf(v)
			continue
		}
		v := math.Float64frombits(uint64(b>>31)<<63 | (uint64(abs)<<29 + (1023-127)<<52))
		kd := v*expfInvLn2N + expfShift
		k := int64(math.Float64bits(kd) - math.Float64bits(expfShift))
		kd -= expfShift
		r := v - kd*expfLn2NHi - kd*expfLn2NLo
		r2 := r * r
		p := (1 + r) + r2*((1.0/2+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
		y := math.Float64frombits(expfTable[k&(expfN-1)]+uint64(k>>expfTableBits)<<52) * p
		if math.Float64bits(y)&(1<<29-1)-(1<<28-expfTol) <= 2*expfTol {
			y = math.Exp(v)
		}
		out[i] = float32(y)
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
