package glibcf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// python is the interpreter whose ctypes calls the C library.
const python = "/usr/bin/python3"

// sameF32 reports whether a and b have the same bits, any NaN matching
// any NaN.
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// withinULP reports whether Expf(x) is within one float32 ulp of the
// correctly rounded exp (glibc's bound is 0.502 ulp).
func withinULP(x float32) bool {
	got, want := Expf(x), float32(math.Exp(float64(x)))
	if sameF32(got, want) {
		return true
	}
	d := int64(math.Float32bits(got)) - int64(math.Float32bits(want))
	return got == got && (d == 1 || d == -1)
}

// TestExpfTable checks the table against 2^(i/32) computed as five
// square roots of 2^i in 300-bit arithmetic: each entry is the correctly
// rounded value, so a mistyped digit shows.
func TestExpfTable(t *testing.T) {
	for i := range ExpfTable {
		x := new(big.Float).SetPrec(300).SetInt64(1 << i)
		for range 5 {
			x.Sqrt(x)
		}
		got := math.Float64frombits(ExpfTable[i] + uint64(i)<<47)
		err := new(big.Float).SetPrec(300).Sub(new(big.Float).SetFloat64(got), x)
		ulp := math.Nextafter(got, 2) - got
		if e, _ := err.Float64(); math.Abs(e) > ulp/2 {
			t.Errorf("ExpfTable[%d] gives %v, %g ulp from 2^(%d/32)", i, got, e/ulp, i)
		}
	}
}

// TestExpfEdgeCases checks special inputs against the C library's
// values (glibc 2.36 on x86-64 with FMA).
func TestExpfEdgeCases(t *testing.T) {
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {float32(math.Copysign(0, -1)), 1},
		{math.SmallestNonzeroFloat32, 1}, {-math.SmallestNonzeroFloat32, 1},
		{float32(math.Inf(1)), float32(math.Inf(1))}, {float32(math.Inf(-1)), 0},
		{88.72283, math.Float32frombits(0x7f7fff84)}, {88.72284, float32(math.Inf(1))},
		{89, float32(math.Inf(1))}, {math.MaxFloat32, float32(math.Inf(1))},
		{-104, 0}, {-math.MaxFloat32, 0},
		{-103.5, math.Float32frombits(1)}, // glibc's may-underflow range
		{-88, math.Float32frombits(0x0041edc4)}, {-100, math.Float32frombits(0x1b)},
		{1, 2.7182817}, {-1, 0.36787945},
	} {
		if got := Expf(c.x); !sameF32(got, c.want) {
			t.Errorf("Expf(%v) = %v [%#08x], want %v [%#08x]", c.x, got, math.Float32bits(got), c.want, math.Float32bits(c.want))
		}
	}
	for _, b := range []uint32{0x7fc00000, 0xffc00000, 0x7f800001, 0x7fc00001} {
		if got := Expf(math.Float32frombits(b)); got == got {
			t.Errorf("Expf(NaN %#08x) = %v", b, got)
		}
	}
}

// expfInputs are inputs of every kind: any bit pattern, the main path,
// values near 0, and the neighbours of glibc's thresholds.
func expfInputs(n int) []float32 {
	rng := rand.New(rand.NewPCG(9, 10))
	xs := make([]float32, 0, n+6*128)
	for len(xs) < n {
		xs = append(xs, math.Float32frombits(rng.Uint32()), float32(rng.Float64()*192-104), float32(rng.NormFloat64()*5))
	}
	for _, lim := range []float32{88, -88, ExpfOverflow, ExpfUnderflow, ExpfMayUnderflow, math.SmallestNonzeroFloat32} {
		b := math.Float32bits(lim)
		for d := uint32(0); d < 64; d++ {
			xs = append(xs, math.Float32frombits(b+d), math.Float32frombits(b-d))
		}
	}
	return xs
}

// TestExpfAccuracy checks that Expf is within an ulp of the correctly
// rounded exp on inputs of every kind.
func TestExpfAccuracy(t *testing.T) {
	for _, x := range expfInputs(600_000) {
		if !withinULP(x) {
			t.Fatalf("Expf(%v) = %v, more than an ulp from exp %v", x, Expf(x), math.Exp(float64(x)))
		}
	}
}

// libmValues returns the C library's float function fn (expf, log1pf)
// of every x, called through Python's ctypes.
func libmValues(t *testing.T, fn string, xs []float32) []float32 {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Python")
	}
	if runtime.GOOS != "linux" {
		t.Skip("compares with glibc")
	}
	if _, err := os.Stat(python); err != nil {
		t.Skip("no " + python)
	}
	var in bytes.Buffer
	if err := binary.Write(&in, binary.LittleEndian, xs); err != nil {
		t.Fatal(err)
	}
	const script = `
import ctypes, ctypes.util, struct, sys
m = ctypes.CDLL(ctypes.util.find_library("m"))
f = getattr(m, sys.argv[1])
f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
data = sys.stdin.buffer.read()
xs = struct.unpack("<%df" % (len(data) // 4), data)
sys.stdout.buffer.write(struct.pack("<%df" % len(xs), *[f(x) for x in xs]))
`
	cmd := exec.Command(python, "-c", script, fn)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	ys := make([]float32, len(xs))
	if err := binary.Read(bytes.NewReader(out), binary.LittleEndian, ys); err != nil {
		t.Fatalf("reading libm's values: %v", err)
	}
	return ys
}

// compareLibm requires f(x) to equal libm's fn(x) for every x.
func compareLibm(t *testing.T, fn string, f func(float32) float32, xs []float32) {
	t.Helper()
	want := libmValues(t, fn, xs)
	bad := 0
	for i, x := range xs {
		if got := f(x); !sameF32(got, want[i]) {
			if bad < 5 {
				t.Errorf("%s(%v) [%#08x] = %v, libm %v", fn, x, math.Float32bits(x), got, want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d inputs differ from libm", fn, bad, len(xs))
	}
}

// TestExpfMatchesLibm compares Expf with the C library's expf on 300,000
// inputs. glibc selects its FMA build of expf on processors with FMA, the
// one Expf reproduces, so the test runs only on those.
func TestExpfMatchesLibm(t *testing.T) {
	cpu, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || runtime.GOARCH != "amd64" || !strings.Contains(string(cpu), " fma") {
		t.Skip("needs linux/amd64 with FMA, where glibc uses the expf reproduced here")
	}
	compareLibm(t, "expf", Expf, expfInputs(300_000))
}

// TestLog1pfMatchesLibm compares Log1pf with glibc's on 300,000 inputs:
// any bit pattern, the range (-1, 4) where squared-log error's labels and
// predictions lie, and the neighbourhoods of glibc's thresholds.
func TestLog1pfMatchesLibm(t *testing.T) {
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
	compareLibm(t, "log1pf", Log1pf, xs)
}

// TestExpfExhaustive checks that Expf is within an ulp of the correctly
// rounded exp for every one of the 2^32 float32 inputs. It takes minutes,
// so it runs only with GLIBCF_EXHAUSTIVE=1.
func TestExpfExhaustive(t *testing.T) {
	if os.Getenv("GLIBCF_EXHAUSTIVE") == "" {
		t.Skip("set GLIBCF_EXHAUSTIVE=1 to check every float32 input")
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	bad := make([]string, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for hi := uint32(w); hi < 1<<16; hi += uint32(workers) {
				for lo := uint32(0); lo < 1<<16; lo++ {
					if x := math.Float32frombits(hi<<16 | lo); !withinULP(x) && bad[w] == "" {
						bad[w] = fmt.Sprintf("Expf(%v) [%#08x] = %v", x, hi<<16|lo, Expf(x))
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, b := range bad {
		if b != "" {
			t.Error(b, ": more than an ulp from exp")
		}
	}
}
