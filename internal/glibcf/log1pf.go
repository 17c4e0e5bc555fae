package glibcf

import "math"

// Log1pf is C's log1pf as glibc (2.36) computes it, for every float32:
// XGBoost's reg:squaredlogerror gradient calls it, and the correctly
// rounded log1p differs from it by an ulp for some arguments. glibc's float
// log1p is the classic one of Sun's fdlibm (the same method as Go's
// math.Log1p, in float32): log1p(x) = k·ln2 + log(1+f) with 1+f in
// [sqrt(2)/2, sqrt(2)), a correction term for the rounding of 1+x, and
// log(1+f) from s = f/(2+f) and a polynomial in s², every step rounded to
// float32, with glibc's own thresholds. TestLog1pfMatchesLibm checks it
// against the C library.
func Log1pf(x float32) float32 {
	const (
		ln2Hi = float32(6.9313812256e-01) // 0x3f317180
		ln2Lo = float32(9.0580006145e-06) // 0x3717f7d1
		lp1   = float32(6.6666668653e-01)
		lp2   = float32(4.0000000596e-01)
		lp3   = float32(2.8571429849e-01)
		lp4   = float32(2.2222198546e-01)
		lp5   = float32(1.8183572590e-01)
		lp6   = float32(1.5313838422e-01)
		lp7   = float32(1.4798198640e-01)
	)
	hx := int32(math.Float32bits(x))
	ax := hx & 0x7fffffff
	var f, c float32
	var hu int32
	k := int32(1)
	if hx < 0x3ed413d7 { // 1+x < sqrt(2)
		if ax >= 0x3f800000 { // x <= -1
			if x == -1 {
				return float32(math.Inf(-1))
			}
			return float32(math.NaN())
		}
		if ax < 0x31000000 { // |x| < 2^-29
			if ax < 0x24800000 { // |x| < 2^-54
				return x
			}
			return x - x*x*0.5
		}
		if hx > 0 || hx <= -0x416a09e1 { // sqrt(2)/2 <= 1+x < sqrt(2) (0xbe95f61f)
			k, f, hu = 0, x, 1
		}
	}
	if hx >= 0x7f800000 { // +Inf, NaN
		return x + x
	}
	if k != 0 {
		var u float32
		if hx < 0x5a000000 {
			u = 1 + x
			hu = int32(math.Float32bits(u))
			k = hu>>23 - 127
			// The rounding error of 1+x, relative to it.
			if k > 0 {
				c = 1 - (u - x)
			} else {
				c = x - (u - 1)
			}
			c /= u
		} else {
			u = x
			hu = int32(math.Float32bits(u))
			k = hu>>23 - 127
		}
		hu &= 0x007fffff
		if hu < 0x3504f7 { // u < sqrt(2): normalise u
			u = math.Float32frombits(uint32(hu | 0x3f800000))
		} else { // normalise u/2
			k++
			u = math.Float32frombits(uint32(hu | 0x3f000000))
			hu = (0x00800000 - hu) >> 2
		}
		f = u - 1
	}
	hfsq := 0.5 * f * f
	fk := float32(k)
	if hu == 0 { // |f| < 2^-20
		if f == 0 {
			if k == 0 {
				return 0
			}
			c += fk * ln2Lo
			return fk*ln2Hi + c
		}
		r := hfsq * (1 - float32(0.66666666666666666)*f)
		if k == 0 {
			return f - r
		}
		return fk*ln2Hi - ((r - (fk*ln2Lo + c)) - f)
	}
	s := f / (2 + f)
	z := s * s
	r := z * (lp1 + z*(lp2+z*(lp3+z*(lp4+z*(lp5+z*(lp6+z*lp7))))))
	if k == 0 {
		return f - (hfsq - s*(hfsq+r))
	}
	return fk*ln2Hi - ((hfsq - (s*(hfsq+r) + (fk*ln2Lo + c))) - f)
}
