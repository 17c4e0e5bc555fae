package boost

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
)

// expfRef is the value expf must reproduce bit for bit.
func expfRef(x float32) float32 { return float32(math.Exp(float64(x))) }

func checkExpf(t *testing.T, x float32) {
	t.Helper()
	got, want := expf(x), expfRef(x)
	if math.Float32bits(got) != math.Float32bits(want) {
		t.Fatalf("expf(%v) [bits %#08x] = %v [%#08x], want %v [%#08x]",
			x, math.Float32bits(x), got, math.Float32bits(got), want, math.Float32bits(want))
	}
}

// checkExpfs checks expf, expfs and expfBlock with neg (Sigmoid's
// exponential, expf(min(-x, 88.7))) on every x in xs.
func checkExpfs(t *testing.T, xs []float32) {
	t.Helper()
	for _, x := range xs {
		checkExpf(t, x)
	}
	ys, ns := make([]float32, len(xs)), make([]float32, len(xs))
	expfs(ys, xs)
	expfBlock(ns, xs, true)
	for i, x := range xs {
		if want := expfRef(x); math.Float32bits(ys[i]) != math.Float32bits(want) {
			t.Fatalf("expfs at %v [%#08x] = %v, want %v", x, math.Float32bits(x), ys[i], want)
		}
		if want := expfRef(min(-x, 88.7)); math.Float32bits(ns[i]) != math.Float32bits(want) {
			t.Fatalf("expfBlock(neg) at %v [%#08x] = %v, want %v", x, math.Float32bits(x), ns[i], want)
		}
	}
}

func TestExpfEdgeCases(t *testing.T) {
	cases := map[string][]float32{
		"zeros":     {0, float32(math.Copysign(0, -1))},
		"infinites": {float32(math.Inf(1)), float32(math.Inf(-1))},
		"nans":      {float32(math.NaN()), math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00000), math.Float32frombits(0x7f800001)},
		"subnormal inputs": {
			math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
			math.Float32frombits(0x007fffff), math.Float32frombits(0x807fffff),
		},
		"overflow threshold":  {88.72283, 88.72284, 88.7, 89, 1000, math.MaxFloat32},
		"underflow threshold": {-87.3, -87.33654, -87.33655, -103.27893, -103.97208, -103.97209, -104, -1000, -math.MaxFloat32},
		"small":               {1e-7, -1e-7, 1e-30, -1e-30, 0x1p-24, -0x1p-25},
		"integers":            {1, -1, 2, -2, 10, -10, 50, -50, 88, -87},
		"reduction boundaries": {
			float32(math.Ln2 / 128), float32(-math.Ln2 / 128), float32(math.Ln2), float32(-math.Ln2),
			float32(63.5 * math.Ln2 / 64), float32(100.5 * math.Ln2 / 64),
		},
	}
	// Near the range limits, step over neighbouring float32 values.
	for _, lim := range []float32{expfMin, expfMax, 0} {
		var near []float32
		b := math.Float32bits(lim)
		for d := uint32(0); d < 64; d++ {
			near = append(near, math.Float32frombits(b+d), math.Float32frombits(b-d))
		}
		cases["around limit"] = append(cases["around limit"], near...)
	}
	for name, xs := range cases {
		t.Run(name, func(t *testing.T) {
			checkExpfs(t, xs)
			neg := make([]float32, len(xs))
			for i, x := range xs {
				neg[i] = -x
			}
			checkExpfs(t, neg)
		})
	}
}

// TestExpfMidpoints checks inputs whose exp lies close to a float32
// rounding midpoint, where expf must defer to math.Exp.
func TestExpfMidpoints(t *testing.T) {
	var near []float32
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1<<22 && len(near) < 200; i++ {
		x := float32(r.Float64()*(expfMax-expfMin) + expfMin)
		tail := math.Float64bits(math.Exp(float64(x))) & (1<<29 - 1)
		if tail > 1<<28-expfTol && tail < 1<<28+expfTol {
			near = append(near, x)
		}
	}
	checkExpfs(t, near)
	if len(near) == 0 {
		t.Fatal("no input near a rounding midpoint found")
	}
}

func TestExpfSampled(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 1 << 20
	if testing.Short() {
		n = 1 << 16
	}
	xs := make([]float32, 0, 3*n)
	for i := 0; i < n; i++ {
		// Any bit pattern, and values in the range evaluated here.
		xs = append(xs, math.Float32frombits(r.Uint32()),
			float32(r.Float64()*(expfMax-expfMin)+expfMin), float32(r.NormFloat64()*4))
	}
	checkExpfs(t, xs)
}

// TestExpfExhaustive compares expf, expfs and Sigmoid's exponential
// (expfBlock with neg) with the reference for all 2^32 float32 bit
// patterns. It takes minutes, so it runs only with
// BOOST_EXPF_EXHAUSTIVE=1.
func TestExpfExhaustive(t *testing.T) {
	if os.Getenv("BOOST_EXPF_EXHAUSTIVE") == "" {
		t.Skip("set BOOST_EXPF_EXHAUSTIVE=1 to check every float32 input")
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	bad := make([]uint64, workers)
	first := make([]uint32, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xs, ys, ns := make([]float32, 1<<16), make([]float32, 1<<16), make([]float32, 1<<16)
			for hi := uint32(w); hi < 1<<16; hi += uint32(workers) {
				for lo := range xs {
					xs[lo] = math.Float32frombits(hi<<16 | uint32(lo))
				}
				expfs(ys, xs)
				expfBlock(ns, xs, true)
				for lo, x := range xs {
					want := math.Float32bits(expfRef(x))
					wantNeg := math.Float32bits(expfRef(min(-x, 88.7)))
					if math.Float32bits(expf(x)) != want || math.Float32bits(ys[lo]) != want || math.Float32bits(ns[lo]) != wantNeg {
						if bad[w] == 0 {
							first[w] = math.Float32bits(x)
						}
						bad[w]++
					}
				}
			}
		}()
	}
	wg.Wait()
	for w, n := range bad {
		if n > 0 {
			t.Errorf("worker %d: %d inputs differ, first bits %#08x", w, n, first[w])
		}
	}
}

func BenchmarkExpf(b *testing.B) {
	xs := make([]float32, 4096)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range xs {
		xs[i] = float32(r.NormFloat64() * 3)
	}
	b.Run("fast", func(b *testing.B) {
		var s float32
		for i := 0; i < b.N; i++ {
			s += expf(xs[i&4095])
		}
		_ = s
	})
	b.Run("math.Exp", func(b *testing.B) {
		var s float32
		for i := 0; i < b.N; i++ {
			s += expfRef(xs[i&4095])
		}
		_ = s
	})
}
