package boost

import (
	"fmt"
	"math"
)

// Choosing the fixed-point scale
//
// Distributed and device training quantise a tree's gradients with one
// power-of-two scale (single-process training sums float64 in XGBoost's
// order instead, hist_f64.go). Sums must stay below 2^53, so that they,
// and every partial sum, difference and conversion split finding makes
// of them in float64, are exact: the model is then the same whatever the
// number of shards and on the device. The scale follows a bound on the
// sum of |g| over all rows, not the largest |g| times the row count: one
// huge gradient then costs only the bits it needs itself, and ordinary
// gradients keep their resolution. The bound and the smallest magnitude
// come from a count of the gradients' float32 exponents, an integer
// histogram that adds up exactly over threads and shards, so the choice
// is the same however the rows are split.
//
// The packed form (hist_packed.go) has countBits fewer bits than the
// general one. It is used only when it is exact.

// expCounts counts values by float32 biased exponent (of |v|): slot 0 holds
// zeros and subnormals, slot 255 infinities and NaNs.
type expCounts [256]int64

// addAbs counts the exponents of vs.
func (c *expCounts) addAbs(vs []float32) {
	// Eight tables break the store-to-load chains of equal exponents in
	// a row; each is flushed before its int32 counts could overflow.
	var t [8][256]int32
	i := 0
	for ; i+8 <= len(vs); i += 8 {
		v := vs[i : i+8 : i+8]
		t[0][uint8(math.Float32bits(v[0])>>23)]++
		t[1][uint8(math.Float32bits(v[1])>>23)]++
		t[2][uint8(math.Float32bits(v[2])>>23)]++
		t[3][uint8(math.Float32bits(v[3])>>23)]++
		t[4][uint8(math.Float32bits(v[4])>>23)]++
		t[5][uint8(math.Float32bits(v[5])>>23)]++
		t[6][uint8(math.Float32bits(v[6])>>23)]++
		t[7][uint8(math.Float32bits(v[7])>>23)]++
		if i&(1<<30-1) == 0 && i > 0 {
			c.flush(&t)
		}
	}
	for ; i < len(vs); i++ {
		t[0][uint8(math.Float32bits(vs[i])>>23)]++
	}
	c.flush(&t)
}

// flush adds the tables t to c and clears them.
func (c *expCounts) flush(t *[8][256]int32) {
	for k := range t {
		for e, n := range t[k] {
			c[e] += int64(n)
		}
		t[k] = [256]int32{}
	}
}

// add adds o to c.
func (c *expCounts) add(o *expCounts) {
	for e, n := range o {
		c[e] += n
	}
}

// sumBound returns an upper bound of the sum of the counted magnitudes
// (+Inf when an infinity or NaN was counted). A value of biased exponent
// E is below 2^(E-126); the terms are added in exponent order, so the
// bound depends only on the counts.
func (c *expCounts) sumBound() float64 {
	if c[255] > 0 {
		return math.Inf(1)
	}
	var b float64
	for e := 0; e < 255; e++ {
		if c[e] > 0 {
			b += float64(c[e]) * math.Ldexp(1, max(e, 1)-126)
		}
	}
	return b
}

// minExp returns the smallest biased exponent of a non-zero value and
// false when every value is zero. Subnormals count as zeros: they are too
// rare in gradients to decide the scale by.
func (c *expCounts) minExp() (int, bool) {
	for e := 1; e < 256; e++ {
		if c[e] > 0 {
			return e, true
		}
	}
	return 0, false
}

// gradSummary describes one output group's gradients over the rows of a
// shard or of all shards.
type gradSummary struct {
	maxH, minH float64   // largest |h| and smallest h
	gExp       expCounts // exponents of |g|
}

// merge adds o's rows to s.
func (s *gradSummary) merge(o *gradSummary) {
	s.maxH, s.minH = max(s.maxH, o.maxH), min(s.minH, o.minH)
	s.gExp.add(&o.gExp)
}

// errNonFinite is the error of a gradient or hessian that is not finite.
var errNonFinite = fmt.Errorf("%w: a gradient or hessian is not finite (labels or margins too large for float32)", ErrTrain)

// gradScale is the fixed-point form of one tree's gradients.
type gradScale struct {
	scaleG, scaleH float64
	packed         bool  // gradient and row count share one int64
	hq             int64 // the fixed-point hessian of every row in packed form
}

// chooseScale picks the fixed-point form of a tree's gradients over rows
// rows with summary s. It fails when a gradient or hessian is not finite.
func chooseScale(s *gradSummary, rows int) (gradScale, error) {
	if s.gExp[255] > 0 || math.IsInf(s.maxH, 0) || math.IsNaN(s.maxH) || math.IsNaN(s.minH) {
		return gradScale{}, errNonFinite
	}
	bound := s.gExp.sumBound()
	var sc gradScale
	sc.scaleH = fixedScale(s.maxH, rows)
	sc.scaleG = boundScale(bound, 53)
	canPack := s.minH == s.maxH && s.maxH > 0 && rows < 1<<countBits-1
	if !canPack {
		return sc, nil
	}
	// Every non-zero gradient is a multiple of 1/exact: a float32 of
	// biased exponent E is a multiple of 2^(E-150).
	exact := 0.0
	if e, ok := s.gExp.minExp(); ok {
		exact = math.Ldexp(1, 150-e)
	}
	if packed := boundScale(bound, 61-countBits); packed >= exact {
		sc.scaleG, sc.packed = packed, true
		sc.hq = int64(math.RoundToEven(s.maxH * sc.scaleH))
	}
	return sc, nil
}

// boundScale returns the power of two by which values whose magnitudes
// add up to at most bound are multiplied so that their sum stays below
// 2^bits (1 when bound is 0).
func boundScale(bound float64, bits int) float64 {
	if !(bound > 0) || math.IsInf(bound, 0) {
		return 1
	}
	_, e := math.Frexp(bound)
	return math.Ldexp(1, bits-e)
}
