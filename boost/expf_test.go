package boost

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// checkExpfs checks that expfs and expfBlock with neg (Sigmoid's
// exponential, Expf(min(-x, 88.7))) give glibcf.Expf's value for every x
// in xs.
func checkExpfs(t *testing.T, xs []float32) {
	t.Helper()
	ys, ns := make([]float32, len(xs)), make([]float32, len(xs))
	expfs(ys, xs)
	expfBlock(ns, xs, true)
	for i, x := range xs {
		if want := glibcf.Expf(x); !sameF32(ys[i], want) {
			t.Fatalf("expfs at %v [%#08x] = %v, expf %v", x, math.Float32bits(x), ys[i], want)
		}
		if want := glibcf.Expf(min(-x, 88.7)); !sameF32(ns[i], want) {
			t.Fatalf("expfBlock(neg) at %v [%#08x] = %v, expf %v", x, math.Float32bits(x), ns[i], want)
		}
	}
}

// sameF32 reports whether a and b have the same bits, any NaN matching
// any NaN.
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// TestExpfEdgeCases checks expfBlock on special inputs (the values
// themselves are glibcf's, checked there).
func TestExpfEdgeCases(t *testing.T) {
	cases := map[string][]float32{
		"zeros":     {0, float32(math.Copysign(0, -1))},
		"infinites": {float32(math.Inf(1)), float32(math.Inf(-1))},
		"nans":      {float32(math.NaN()), math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00000), math.Float32frombits(0x7f800001)},
		"subnormal inputs": {
			math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
			math.Float32frombits(0x007fffff), math.Float32frombits(0x807fffff),
		},
		"overflow threshold":  {88, 88.72283, 88.72284, 88.7, 89, 1000, math.MaxFloat32},
		"underflow threshold": {-87.3, -88, -87.33654, -87.33655, -103.27893, -103.97208, -103.97209, -104, -1000, -math.MaxFloat32},
		"small":               {1e-7, -1e-7, 1e-30, -1e-30, 0x1p-24, -0x1p-25},
		"integers":            {1, -1, 2, -2, 10, -10, 50, -50, 88, -87},
	}
	// Around the limits of the main path, step over neighbouring values.
	for _, lim := range []float32{88, -88, 0x1.62e42ep6, -0x1.9fe368p6, -0x1.9d1d9ep6, 0} {
		b := math.Float32bits(lim)
		for d := uint32(0); d < 64; d++ {
			cases["around limit"] = append(cases["around limit"], math.Float32frombits(b+d), math.Float32frombits(b-d))
		}
	}
	for name, xs := range cases {
		t.Run(name, func(t *testing.T) {
			neg := make([]float32, len(xs))
			for i, x := range xs {
				neg[i] = -x
			}
			checkExpfs(t, xs)
			checkExpfs(t, neg)
		})
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
		// Any bit pattern, and values in the range of the main path.
		xs = append(xs, math.Float32frombits(r.Uint32()), float32(r.Float64()*176-88), float32(r.NormFloat64()*4))
	}
	checkExpfs(t, xs)
}

// TestExpfExhaustive checks every one of the 2^32 float32 inputs: expfs
// and Sigmoid's exponential (expfBlock with neg) give glibcf.Expf's value.
// It takes minutes, so it runs only with BOOST_EXPF_EXHAUSTIVE=1.
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
					if !sameF32(ys[lo], glibcf.Expf(x)) || !sameF32(ns[lo], glibcf.Expf(min(-x, 88.7))) {
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
			t.Errorf("worker %d: %d inputs wrong, first bits %#08x", w, n, first[w])
		}
	}
}

func BenchmarkExpf(b *testing.B) {
	xs := make([]float32, 4096)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range xs {
		xs[i] = float32(r.NormFloat64() * 3)
	}
	ys := make([]float32, len(xs))
	b.Run("expf", func(b *testing.B) {
		var s float32
		for i := 0; i < b.N; i++ {
			s += glibcf.Expf(xs[i&4095])
		}
		_ = s
	})
	b.Run("expfs", func(b *testing.B) {
		for i := 0; i < b.N; i += len(xs) {
			expfs(ys, xs)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		var s float32
		for i := 0; i < b.N; i++ {
			s += float32(math.Exp(float64(xs[i&4095])))
		}
		_ = s
	})
}
