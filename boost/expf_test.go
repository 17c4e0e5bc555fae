package boost

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// checkExpfs checks that expfs and expfBlock with neg (Sigmoid's
// exponential, expf(min(-x, 88.7))) give expf's value for every x in xs.
func checkExpfs(t *testing.T, xs []float32) {
	t.Helper()
	ys, ns := make([]float32, len(xs)), make([]float32, len(xs))
	expfs(ys, xs)
	expfBlock(ns, xs, true)
	for i, x := range xs {
		if want := expf(x); !sameF32(ys[i], want) {
			t.Fatalf("expfs at %v [%#08x] = %v, expf %v", x, math.Float32bits(x), ys[i], want)
		}
		if want := expf(min(-x, 88.7)); !sameF32(ns[i], want) {
			t.Fatalf("expfBlock(neg) at %v [%#08x] = %v, expf %v", x, math.Float32bits(x), ns[i], want)
		}
	}
}

// sameF32 reports whether a and b have the same bits, any NaN matching
// any NaN.
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// withinULP reports whether expf(x) is within one float32 ulp of the
// correctly rounded exp (glibc's bound is 0.502 ulp).
func withinULP(x float32) bool {
	got, want := expf(x), float32(math.Exp(float64(x)))
	if sameF32(got, want) {
		return true
	}
	d := int64(math.Float32bits(got)) - int64(math.Float32bits(want))
	return got == got && (d == 1 || d == -1)
}

func TestExpfEdgeCases(t *testing.T) {
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {float32(math.Copysign(0, -1)), 1},
		{float32(math.Inf(1)), float32(math.Inf(1))}, {float32(math.Inf(-1)), 0},
		{89, float32(math.Inf(1))}, {math.MaxFloat32, float32(math.Inf(1))},
		{-104, 0}, {-math.MaxFloat32, 0},
		{-103.5, math.Float32frombits(1)}, // glibc's may-underflow range
		{1, 2.7182817}, {-1, 0.36787945},
	} {
		if got := expf(c.x); !sameF32(got, c.want) {
			t.Errorf("expf(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := expf(float32(math.NaN())); got == got {
		t.Errorf("expf(NaN) = %v", got)
	}
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
			for _, x := range append(xs, neg...) {
				if !withinULP(x) {
					t.Errorf("expf(%v) = %v, more than an ulp from exp", x, expf(x))
				}
			}
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
	for _, x := range xs {
		if !withinULP(x) {
			t.Fatalf("expf(%v) = %v, more than an ulp from exp", x, expf(x))
		}
	}
}

// TestExpfMatchesLibm compares expf with the C library's expf, called
// through Python's ctypes, on 300,000 inputs. glibc selects its FMA build
// of expf on processors with FMA, the one expf reproduces, so the test
// runs only on those (and where /usr/bin/python3 is).
func TestExpfMatchesLibm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	cpu, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || runtime.GOARCH != "amd64" || !strings.Contains(string(cpu), " fma") {
		t.Skip("needs linux/amd64 with FMA, where glibc uses the expf reproduced here")
	}
	if _, err := os.Stat(debianPython); err != nil {
		t.Skip("no " + debianPython)
	}
	r := rand.New(rand.NewPCG(9, 10))
	xs := make([]float32, 0, 300_000)
	for len(xs) < cap(xs) {
		xs = append(xs, math.Float32frombits(r.Uint32()), float32(r.Float64()*192-104), float32(r.NormFloat64()*5))
	}
	want, err := libmValues("expf", xs)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, x := range xs {
		if got := expf(x); !sameF32(got, want[i]) {
			if bad < 5 {
				t.Errorf("expf(%v) [%#08x] = %v, libm %v", x, math.Float32bits(x), got, want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d inputs differ from libm", bad, len(xs))
	}
}

// libmValues returns the C library's float function fn (expf, log1pf)
// of every x, called through Python's ctypes.
func libmValues(fn string, xs []float32) ([]float32, error) {
	var in bytes.Buffer
	if err := binary.Write(&in, binary.LittleEndian, xs); err != nil {
		return nil, err
	}
	script := `
import ctypes, ctypes.util, struct, sys
m = ctypes.CDLL(ctypes.util.find_library("m"))
f = getattr(m, sys.argv[1])
f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
data = sys.stdin.buffer.read()
xs = struct.unpack("<%df" % (len(data) // 4), data)
sys.stdout.buffer.write(struct.pack("<%df" % len(xs), *[f(x) for x in xs]))
`
	cmd := exec.Command(debianPython, "-c", script, fn)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("python: %w", err)
	}
	ys := make([]float32, len(xs))
	if err := binary.Read(bytes.NewReader(out), binary.LittleEndian, ys); err != nil {
		return nil, fmt.Errorf("reading libm's values: %w", err)
	}
	return ys, nil
}

// TestLog1pfMatchesLibm compares log1pf with glibc's on 300,000 inputs:
// any bit pattern, the range (-1, 4) where squared-log error's labels and
// predictions lie, and the neighbourhoods of glibc's thresholds.
func TestLog1pfMatchesLibm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	if runtime.GOOS != "linux" {
		t.Skip("compares with glibc")
	}
	if _, err := os.Stat(debianPython); err != nil {
		t.Skip("no " + debianPython)
	}
	r := rand.New(rand.NewPCG(11, 12))
	var xs []float32
	for _, lim := range []uint32{0x3ed413d7, 0xbe95f61f, 0x31000000, 0xb1000000, 0x24800000, 0x5a000000, 0x3fb504f7} {
		for d := uint32(0); d < 64; d++ {
			xs = append(xs, math.Float32frombits(lim+d), math.Float32frombits(lim-d))
		}
	}
	xs = append(xs, -1, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), math.MaxFloat32, -0.999999)
	for len(xs) < 300_000 {
		xs = append(xs, math.Float32frombits(r.Uint32()), float32(r.Float64()*5-1), float32(math.Exp(r.NormFloat64()*8)))
	}
	want, err := libmValues("log1pf", xs)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, x := range xs {
		if got := log1pf(x); !sameF32(got, want[i]) {
			if bad < 5 {
				t.Errorf("log1pf(%v) [%#08x] = %v, libm %v", x, math.Float32bits(x), got, want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d inputs differ from libm", bad, len(xs))
	}
}

// TestExpfExhaustive checks every one of the 2^32 float32 inputs: expfs
// and Sigmoid's exponential (expfBlock with neg) give expf's value, which
// is within an ulp of the correctly rounded exp. It takes minutes, so it
// runs only with BOOST_EXPF_EXHAUSTIVE=1.
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
					if !sameF32(ys[lo], expf(x)) || !sameF32(ns[lo], expf(min(-x, 88.7))) || !withinULP(x) {
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
			s += expf(xs[i&4095])
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
