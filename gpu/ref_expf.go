package gpu

// The kernels' expf (kernels/train.cu: expf_table, expf_main, expf_ref)
// is C's expf as glibc computes it in its x86-64 build for processors with
// FMA, the float32 exp of the CPU path: its Go reference is glibcf.Expf.
// The fused multiply-adds are fma on the device and math.FMA there, both
// IEEE fused; every other operation rounds once on both sides.

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
