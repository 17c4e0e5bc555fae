package gpu

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// TestKernelArithmeticOnHost compiles the kernels' per-row and
// per-feature functions for the host with nvcc (kernels/hostcheck.cu)
// and compares their results with the Go reference's on generated
// inputs: the exp of the logistic and softmax gradients, the three
// gradient formulas, the gain and weight of a node and the scan of a
// feature's split candidates. It checks that the CUDA C text performs the
// reference's arithmetic; the device's execution is left to the cuda
// build's tests. Without nvcc it is skipped.
func TestKernelArithmeticOnHost(t *testing.T) {
	nvcc, err := exec.LookPath("nvcc")
	if err != nil {
		t.Skip("nvcc not installed (Debian non-free nvidia-cuda-toolkit)")
	}
	if testing.Short() {
		t.Skip("compiles CUDA C: not in -short")
	}
	bin := filepath.Join(t.TempDir(), "hostcheck")
	cmd := exec.Command(nvcc, "-arch=sm_80", "-O2", "-Xcompiler", "-ffp-contract=off", "-o", bin, "hostcheck.cu")
	cmd.Dir = "kernels"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvcc: %v\n%s", err, out)
	}
	run := func(mode string, n int, want func(c uint64) string) {
		t.Helper()
		out, err := exec.Command(bin, mode, fmt.Sprint(n)).Output()
		if err != nil {
			t.Fatalf("hostcheck %s: %v", mode, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		c := uint64(0)
		bad := 0
		for ; sc.Scan(); c++ {
			if w := want(c); sc.Text() != w {
				if bad++; bad <= 5 {
					t.Errorf("%s case %d: CUDA C %q, Go reference %q", mode, c, sc.Text(), w)
				}
			}
		}
		if c != uint64(n) {
			t.Errorf("%s: %d lines for %d cases", mode, c, n)
		}
	}
	const seed = 0x5eed
	rnd := func(c, j uint64) uint64 { return mix64(seed ^ (c*16 + j)) }
	unif := func(r uint64, lo, hi float64) float64 {
		return lo + float64(float64(float64(r>>11)*0x1p-53)*(hi-lo))
	}
	f32 := func(v float32) string { return fmt.Sprintf("%08x", math.Float32bits(v)) }

	run("expf", 400000, func(c uint64) string {
		if c&1 != 0 {
			return f32(glibcf.Expf(math.Float32frombits(uint32(rnd(c, 0)))))
		}
		return f32(glibcf.Expf(float32(unif(rnd(c, 0), -110, 100))))
	})

	run("grad", 100000, func(c uint64) string {
		m := float32(unif(rnd(c, 0), -40, 40))
		y := float32(rnd(c, 1) & 1)
		w := float32(unif(rnd(c, 2), 0, 3))
		spw := float32(unif(rnd(c, 3), 0.5, 2))
		g, h := make([]float32, 3), make([]float32, 3)
		var b strings.Builder
		gradSquared([]float32{m}, []float32{y}, []float32{w}, spw, g, h)
		fmt.Fprintf(&b, "%s %s", f32(g[0]), f32(h[0]))
		gradLogistic([]float32{m}, []float32{y}, []float32{w}, spw, g, h)
		fmt.Fprintf(&b, " %s %s", f32(g[0]), f32(h[0]))
		ms := make([]float32, 3)
		for j := range ms {
			ms[j] = float32(unif(rnd(c, 4+uint64(j)), -20, 20))
		}
		gradSoftmax(ms, []float32{float32(rnd(c, 7) % 3)}, []float32{w}, 3, g, h)
		for j := range 3 {
			fmt.Fprintf(&b, " %s %s", f32(g[j]), f32(h[j]))
		}
		return b.String()
	})

	run("gain", 100000, func(c uint64) string {
		p := SplitParams{Lambda: float64(float32(unif(rnd(c, 0), 0, 3))), Alpha: float64(float32(unif(rnd(c, 1), 0, 1))),
			MinChildWeight: float64(float32(unif(rnd(c, 2), 0, 2)))}
		if rnd(c, 3)&1 != 0 {
			p.MaxDeltaStep = float64(float32(unif(rnd(c, 4), 0.1, 2)))
		}
		g, h := unif(rnd(c, 5), -1000, 1000), unif(rnd(c, 6), -1, 500)
		return fmt.Sprintf("%s %016x", f32(calcGain(&p, g, h)), math.Float64bits(calcWeight(&p, g, h)))
	})

	run("eval", 50000, func(c uint64) string {
		p := SplitParams{Lambda: 1, MinChildWeight: float64(rnd(c, 1) % 3)}
		if rnd(c, 0)&1 != 0 {
			p.Alpha = 0.25
		}
		if rnd(c, 2)%4 == 0 {
			p.MaxDeltaStep = 0.5
		}
		nv := 1 + int(rnd(c, 3)%20)
		hist := make([]Pair, nv+1)
		var sum Pair
		for b := 0; b <= nv; b++ {
			r := rnd(c, 4+uint64(b)%12) ^ uint64(b)*0x9e3779b97f4a7c15
			if r&7 == 0 || (b == nv && r&8 != 0) {
				continue
			}
			hist[b] = Pair{int64(r>>40) - 1<<23, int64((r>>8)&0xffffff) + 1}
			sum.G += hist[b].G
			sum.H += hist[b].H
		}
		d := Data{Features: 1, Offsets: []int32{0, int32(nv + 1)}, Values: []int32{int32(nv)}}
		s := evaluateNode(&d, &p, 0x1p16, 0x1p20, hist, sum, nil)
		def := 0
		if s.DefaultLeft {
			def = 1
		}
		return fmt.Sprintf("%s %d %d %d %d %d", f32(s.Gain), s.Feature, s.Bin, def, s.Left.G, s.Left.H)
	})
}
