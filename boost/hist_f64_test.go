package boost

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// f64RangeKernels are the float64 wide Range kernels by group size.
var f64RangeKernels = [...]func(h, bins, gh unsafe.Pointer, n int, nf int){
	1: histRangeF64Wide1, 2: histRangeF64Wide2, 4: histRangeF64Wide4, 8: histRangeF64Wide8,
}

// refF64Wide is the plain loop the float64 wide kernels must match bit
// for bit: the rows, in order, of the group of k features starting at
// feature f0 of the n×nf matrix bins, added to h, the group's slots (h[0]
// is the g of feature f0's bin 0).
func refF64Wide(h []float64, bins []uint8, gh []float32, rows []int32, nf, f0, k int) {
	for _, r := range rows {
		g, hs := float64(gh[2*r]), float64(gh[2*r+1])
		for j := range k {
			s := j*wideStride + int(bins[int(r)*nf+f0+j])
			h[2*s] += g
			h[2*s+1] += hs
		}
	}
}

// f64Value returns a float32 of a wide dynamic range: zeros of both
// signs, subnormals, 1e-30 and 1e30, and values of random sign and
// magnitude from 1e-38 to 1e38, so that a sum depends on the order of its
// additions.
func f64Value(rng *rand.Rand) float32 {
	special := [...]float32{
		0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 1e30, -1e30, 1, -1, 1e-8, 3,
		math.Float32frombits(1), math.Float32frombits(0x8000_0001), // smallest subnormals
		math.Float32frombits(0x007f_ffff), math.Float32frombits(0x0040_0000), // large subnormals
		math.SmallestNonzeroFloat32 * 3, -math.MaxFloat32 / 4,
	}
	if rng.IntN(3) == 0 {
		return special[rng.IntN(len(special))]
	}
	v := float32(math.Ldexp(1+rng.Float64(), rng.IntN(250)-125))
	if rng.IntN(2) == 0 {
		v = -v
	}
	return v
}

// f64Data is a bin matrix and gradient pairs for the kernel tests.
type f64Data struct {
	n, nf int
	bins  []uint8
	gh    []float32
}

func newF64Data(rng *rand.Rand, n, nf int) f64Data {
	d := f64Data{n: n, nf: nf, bins: make([]uint8, n*nf), gh: make([]float32, 2*n)}
	for i := range d.bins {
		d.bins[i] = uint8(rng.IntN(256))
	}
	// A few bins take most rows, so that slots sum many values.
	for i := range d.bins {
		if rng.IntN(2) == 0 {
			d.bins[i] = uint8(rng.IntN(3)) * 127
		}
	}
	for i := range d.gh {
		d.gh[i] = f64Value(rng)
	}
	return d
}

// f64Buffer returns a buffer for the wide histograms of nf features,
// starting shift float64s into its allocation (shift 1: 16-byte slots on
// an 8-byte boundary), filled with values of both signs including -0 so
// that the kernels add to existing sums, and one extra value at each end
// that no kernel may touch.
func f64Buffer(rng *rand.Rand, nf, shift int) []float64 {
	buf := make([]float64, shift+2*nf*wideStride+1)
	for i := range buf {
		switch rng.IntN(4) {
		case 0:
			buf[i] = math.Copysign(0, -1)
		case 1:
			buf[i] = 0
		default:
			buf[i] = float64(f64Value(rng)) * (1 + rng.Float64())
		}
	}
	return buf
}

// diffF64Bits describes the first values of got that differ from want in
// their bits; the empty string when none do. base is the index of the
// first slot of feature 0 in both.
func diffF64Bits(want, got []float64, base int) string {
	var s string
	bad := 0
	for i := range want {
		if math.Float64bits(want[i]) == math.Float64bits(got[i]) {
			continue
		}
		if bad++; bad <= 5 {
			j := i - base
			s += fmt.Sprintf("\n  [%d] (feature %d, bin %d, %c): got %g (%#x), want %g (%#x)",
				i, j/(2*wideStride), j/2%wideStride, "gh"[j&1], got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
	if bad > 5 {
		s += fmt.Sprintf("\n  ... %d values differ", bad)
	}
	return s
}

// f64RowLists returns the row lists of the Rows tests for n rows: none,
// one, fewer and more than the kernels' prefetch distance, ascending
// subsets, repeats and rows out of order.
func f64RowLists(rng *rand.Rand, n int) map[string][]int32 {
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	var half, repeats []int32
	for i := range n {
		if rng.IntN(2) == 0 {
			half = append(half, int32(i))
		}
		for range rng.IntN(3) {
			repeats = append(repeats, int32(i))
		}
	}
	shuffled := slices.Clone(all)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	reversed := slices.Clone(all)
	slices.Reverse(reversed)
	return map[string][]int32{
		"empty":    nil,
		"first":    {0},
		"last":     {int32(n - 1)},
		"same":     {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
		"15":       all[:15],
		"16":       all[:16],
		"17":       all[n-17:],
		"all":      all,
		"half":     half,
		"repeats":  repeats,
		"shuffled": shuffled,
		"reversed": reversed,
	}
}

// f64Groups returns the feature counts and group offsets the kernels of
// group size k are tested at: every nf from k to 40, the group first,
// second, in the middle and last.
func f64Groups(k int) [][2]int {
	var g [][2]int
	for nf := k; nf <= 40; nf++ {
		offs := []int{0, min(1, nf-k), (nf - k) / 2, nf - k}
		slices.Sort(offs)
		for _, f0 := range slices.Compact(offs) {
			g = append(g, [2]int{nf, f0})
		}
	}
	return g
}

// TestHistRowsF64Wide checks histRowsF64WideN against refF64Wide bit for
// bit, for groups of 1 to 33 features (whole groups of 8 and every tail
// of 4, 2 and 1), at group offsets within rows of up to 40 bytes, on
// 16-byte and 8-byte aligned slots, for empty, single, short, ascending,
// repeated and unordered row lists.
func TestHistRowsF64Wide(t *testing.T) {
	const n = 300
	for _, k := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 23, 24, 28, 31, 32, 33} {
		for _, g := range f64Groups(k) {
			nf, f0 := g[0], g[1]
			rng := rand.New(rand.NewPCG(uint64(k), uint64(nf*64+f0)))
			d := newF64Data(rng, n, nf)
			lists := f64RowLists(rng, n)
			for _, name := range slices.Sorted(maps.Keys(lists)) {
				rows := lists[name]
				shift := rng.IntN(2)
				want := f64Buffer(rng, nf, shift)
				got := slices.Clone(want)
				base := shift + 2*f0*wideStride
				refF64Wide(want[base:], d.bins, d.gh, rows, nf, f0, k)
				histRowsF64WideN(unsafe.Pointer(&got[base]), unsafe.Pointer(&d.bins[f0]), unsafe.Pointer(&d.gh[0]), rows, nf, k)
				if s := diffF64Bits(want, got, shift); s != "" {
					t.Errorf("histRowsF64WideN k=%d nf=%d f0=%d shift=%d rows=%s:%s", k, nf, f0, shift, name, s)
				}
			}
		}
	}
}

// TestHistRangeF64Wide checks the Range kernels against refF64Wide bit
// for bit, for every group size, at group offsets within 1 to 40
// features, on 16-byte and 8-byte aligned slots, for ranges of no, one,
// some and all rows.
func TestHistRangeF64Wide(t *testing.T) {
	const n = 300
	for _, k := range []int{8, 4, 2, 1} {
		for _, g := range f64Groups(k) {
			nf, f0 := g[0], g[1]
			rng := rand.New(rand.NewPCG(uint64(k)+100, uint64(nf*64+f0)))
			d := newF64Data(rng, n, nf)
			for _, r := range [][2]int{{0, 0}, {n - 1, n - 1}, {0, 1}, {n - 1, n}, {17, 18}, {5, n - 3}, {0, n}} {
				lo, hi := r[0], r[1]
				rows := make([]int32, 0, hi-lo)
				for i := lo; i < hi; i++ {
					rows = append(rows, int32(i))
				}
				shift := rng.IntN(2)
				want := f64Buffer(rng, nf, shift)
				got := slices.Clone(want)
				base := shift + 2*f0*wideStride
				refF64Wide(want[base:], d.bins, d.gh, rows, nf, f0, k)
				f64RangeKernels[k](unsafe.Pointer(&got[base]), unsafe.Pointer(&d.bins[lo*nf+f0]), unsafe.Pointer(&d.gh[2*lo]), hi-lo, nf)
				if s := diffF64Bits(want, got, shift); s != "" {
					t.Errorf("histRangeF64Wide%d nf=%d f0=%d shift=%d rows [%d, %d):%s", k, nf, f0, shift, lo, hi, s)
				}
			}
		}
	}
}

// TestF64OrderMatters makes sure the kernel tests' values can tell the
// order of the additions apart: summing the same rows in reverse gives
// other bits in some slots, so a kernel that reordered its rows would
// fail them.
func TestF64OrderMatters(t *testing.T) {
	const n, nf = 300, 8
	rng := rand.New(rand.NewPCG(7, 8))
	d := newF64Data(rng, n, nf)
	lists := f64RowLists(rng, n)
	fwd := make([]float64, 2*nf*wideStride)
	rev := make([]float64, 2*nf*wideStride)
	refF64Wide(fwd, d.bins, d.gh, lists["all"], nf, 0, nf)
	refF64Wide(rev, d.bins, d.gh, lists["reversed"], nf, 0, nf)
	if diffF64Bits(fwd, rev, 0) == "" {
		t.Error("forward and reverse sums agree bit for bit: the values do not exercise rounding order")
	}
}

// BenchmarkHistF64Wide compares the float64 wide kernels of 8 features
// with the int64 pair kernels (histRowsWide8, histRangeWide8) on 1M rows
// of 8 features: Rows over a random ascending half of the rows, Range
// over all of them; ns/row is per listed row.
func BenchmarkHistF64Wide(b *testing.B) {
	const n, nf = 1 << 20, 8
	rng := rand.New(rand.NewPCG(1, 2))
	bins := make([]uint8, n*nf)
	for i := range bins {
		bins[i] = uint8(rng.IntN(256))
	}
	gh := make([]float32, 2*n)
	gp := make([]gpair, n)
	for i := range n {
		// Normal values of a training's magnitudes: no subnormals, which
		// would cost the processor microcode assists.
		gh[2*i], gh[2*i+1] = float32(rng.NormFloat64()), float32(rng.Float64())
		gp[i] = gpair{int64(gh[2*i] * (1 << 20)), int64(gh[2*i+1] * (1 << 20))}
	}
	var rows []int32
	for i := range n {
		if rng.IntN(2) == 0 {
			rows = append(rows, int32(i))
		}
	}
	hf := make([]float64, 2*nf*wideStride)
	hi := make([]int64, 2*nf*wideStride)
	pb := unsafe.Pointer(&bins[0])
	run := func(b *testing.B, perOp int, call func()) {
		b.ResetTimer()
		cpu0 := cpuTime()
		for i := 0; i < b.N; i++ {
			call()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(perOp), "ns/row")
		b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/float64(perOp), "cpu-ns/row")
	}
	b.Run("rows/f64", func(b *testing.B) {
		run(b, len(rows), func() {
			histRowsF64WideN(unsafe.Pointer(&hf[0]), pb, unsafe.Pointer(&gh[0]), rows, nf, nf)
		})
	})
	b.Run("rows/int64", func(b *testing.B) {
		run(b, len(rows), func() {
			histRowsWide8(unsafe.Pointer(&hi[0]), pb, unsafe.Pointer(&gp[0]), rows, nf)
		})
	})
	b.Run("range/f64", func(b *testing.B) {
		run(b, n, func() {
			histRangeF64Wide8(unsafe.Pointer(&hf[0]), pb, unsafe.Pointer(&gh[0]), n, nf)
		})
	})
	b.Run("range/int64", func(b *testing.B) {
		run(b, n, func() {
			histRangeWide8(unsafe.Pointer(&hi[0]), pb, unsafe.Pointer(&gp[0]), n, nf)
		})
	})
}
