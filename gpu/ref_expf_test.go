package gpu

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// sameF32 reports whether a and b have the same bits, any NaN matching
// any NaN.
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// TestExpfTable checks the table against 2^(i/32) computed as five
// square roots of 2^i in 300-bit arithmetic: each entry is the correctly
// rounded value, so a mistyped digit shows.
func TestExpfTable(t *testing.T) {
	for i := range expfTable {
		x := new(big.Float).SetPrec(300).SetInt64(1 << i)
		for range 5 {
			x.Sqrt(x)
		}
		got := math.Float64frombits(expfTable[i] + uint64(i)<<47)
		err := new(big.Float).SetPrec(300).Sub(new(big.Float).SetFloat64(got), x)
		ulp := math.Nextafter(got, 2) - got
		if e, _ := err.Float64(); math.Abs(e) > ulp/2 {
			t.Errorf("expfTable[%d] gives %v, %g ulp from 2^(%d/32)", i, got, e/ulp, i)
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
		if got := expf(c.x); !sameF32(got, c.want) {
			t.Errorf("expf(%v) = %v [%#08x], want %v [%#08x]", c.x, got, math.Float32bits(got), c.want, math.Float32bits(c.want))
		}
	}
	for _, b := range []uint32{0x7fc00000, 0xffc00000, 0x7f800001, 0x7fc00001} {
		if got := expf(math.Float32frombits(b)); got == got {
			t.Errorf("expf(NaN %#08x) = %v", b, got)
		}
	}
}

// TestExpfAccuracy checks that expf is within an ulp of the correctly
// rounded exp (glibc's bound is 0.502 ulp) over the main path and its
// ends.
func TestExpfAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		x := float32(rng.Float64()*200 - 105)
		got, want := expf(x), float32(math.Exp(float64(x)))
		if d := int64(math.Float32bits(got)) - int64(math.Float32bits(want)); d < -1 || d > 1 {
			t.Fatalf("expf(%v) = %v, correctly rounded exp %v", x, got, want)
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
	for _, lim := range []float32{88, -88, expfOverflow, expfUnderflow, expfMayUnderflow, math.SmallestNonzeroFloat32} {
		b := math.Float32bits(lim)
		for d := uint32(0); d < 64; d++ {
			xs = append(xs, math.Float32frombits(b+d), math.Float32frombits(b-d))
		}
	}
	return xs
}

// TestExpfMatchesLibm compares expf with the C library's expf, called
// through Python's ctypes. glibc selects its FMA build of expf on
// processors with FMA, the one the kernels reproduce, so the test runs
// only on those (and where /usr/bin/python3 is).
func TestExpfMatchesLibm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	cpu, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || runtime.GOARCH != "amd64" || !strings.Contains(string(cpu), " fma") {
		t.Skip("needs linux/amd64 with FMA, where glibc uses the expf the kernels reproduce")
	}
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no " + python)
	}
	xs := expfInputs(300_000)
	var in bytes.Buffer
	if err := binary.Write(&in, binary.LittleEndian, xs); err != nil {
		t.Fatal(err)
	}
	const script = `
import ctypes, ctypes.util, struct, sys
m = ctypes.CDLL(ctypes.util.find_library("m"))
m.expf.restype, m.expf.argtypes = ctypes.c_float, [ctypes.c_float]
data = sys.stdin.buffer.read()
xs = struct.unpack("<%df" % (len(data) // 4), data)
sys.stdout.buffer.write(struct.pack("<%df" % len(xs), *[m.expf(x) for x in xs]))
`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	want := make([]float32, len(xs))
	if err := binary.Read(bytes.NewReader(out), binary.LittleEndian, want); err != nil {
		t.Fatalf("reading libm's values: %v", err)
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
