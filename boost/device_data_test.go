package boost

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/gpu"
)

// deviceTestData generates n rows of nf features (a share of them NaN
// where missing > 0) and labels of the given kind: "reg" (continuous),
// "binary" (0/1) or "multi" (3 classes).
func deviceTestData(t testing.TB, n, nf int, seed uint64, kind string, missing float64) *DMatrix {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	cols := make([][]float32, nf)
	for f := range cols {
		cols[f] = make([]float32, n)
	}
	label := make([]float32, n)
	for i := 0; i < n; i++ {
		var s float64
		for f := range cols {
			var v float64
			switch f % 4 {
			case 0:
				v = rng.NormFloat64()
			case 1:
				v = float64(rng.IntN(7)) // few distinct values
			case 2:
				v = math.Exp(rng.NormFloat64())
			default:
				v = rng.Float64()*200 - 100
			}
			cols[f][i] = float32(v)
			s += math.Sin(float64(f+1)*v/3) * float64(1+f%3)
			if missing > 0 && rng.Float64() < missing {
				cols[f][i] = float32(math.NaN())
			}
		}
		s += 0.3 * rng.NormFloat64()
		switch kind {
		case "binary":
			label[i] = float32(b2f(s > 0.2))
		case "multi":
			label[i] = float32(min(2, max(0, int(math.Floor(s/1.5+1)))))
		default:
			label[i] = float32(10*s + 3)
		}
	}
	d, err := NewDMatrix32(cols, label)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// openReference opens a session that runs the kernels' Go references.
func openReference(_ context.Context, _ int, d gpu.Data) (gpu.Session, error) {
	return gpu.NewReference(d)
}

// compareResults fails t unless the two results hold the same trees, the
// same evaluation history and the same predictions on d, bit for bit.
func compareResults(t *testing.T, cpu, dev *Result, d *DMatrix) {
	t.Helper()
	if diff := cmp.Diff(cpu.Model.Trees, dev.Model.Trees); diff != "" {
		t.Fatalf("trees differ (-cpu +device):\n%s", diff)
	}
	if diff := cmp.Diff(cpu.Model.TreeInfo, dev.Model.TreeInfo); diff != "" {
		t.Errorf("tree groups differ (-cpu +device):\n%s", diff)
	}
	if diff := cmp.Diff(cpu.Evals, dev.Evals); diff != "" {
		t.Errorf("evaluation history differs (-cpu +device):\n%s", diff)
	}
	ctx := context.Background()
	x := rowMajor(d)
	pc, err := cpu.Model.Predict(ctx, x, PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pd, err := dev.Model.Predict(ctx, x, PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pc {
		if math.Float32bits(pc[i]) != math.Float32bits(pd[i]) {
			t.Fatalf("prediction %d: cpu %v, device %v", i, pc[i], pd[i])
		}
	}
}

// rowMajor returns d's features row by row.
func rowMajor(d *DMatrix) []float32 {
	nf := len(d.cols)
	x := make([]float32, d.rows*nf)
	for f, col := range d.cols {
		for i, v := range col {
			x[i*nf+f] = v
		}
	}
	return x
}
