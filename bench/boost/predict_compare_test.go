package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/internal/synth"
)

const debianPython = "/usr/bin/python3"

func requireXGBoost(tb testing.TB) {
	tb.Helper()
	if err := exec.Command(debianPython, "-c", "import xgboost").Run(); err != nil {
		tb.Skipf("XGBoost is not installed for %s (apt-get install python3-xgboost): %v", debianPython, err)
	}
}

// trainModel trains the baseline configuration on the first 80% of n
// generated rows and returns the model and the other 20%, row-major.
func trainModel(tb testing.TB, n int, objective string, threads int) (*boost.Model, []float32) {
	h := synth.Housing(n, 20240601)
	label := h.Label(objective == boost.ObjBinaryLogistic)
	split := n * 8 / 10
	cols := make([][]float32, len(h.Cols))
	for j, c := range h.Cols {
		cols[j] = c[:split]
	}
	d, err := boost.NewDMatrix32(cols, label[:split])
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := boost.NewConfig(map[string]any{"max_depth": 6, "eta": 0.3, "max_bin": 256, "nthread": threads,
		"objective": objective, "num_boost_round": 100})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := boost.Train(context.Background(), cfg, d, boost.TrainOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return res.Model, h.RowMajor(split, n)
}

// TestComparePredict trains a model, has XGBoost 1.7.4 predict with it
// through predict_xgb.py, and checks that the outputs are the same.
func TestComparePredict(t *testing.T) {
	requireXGBoost(t)
	for _, obj := range []string{boost.ObjSquaredError, boost.ObjBinaryLogistic} {
		t.Run(obj, func(t *testing.T) {
			m, x := trainModel(t, 20_000, obj, 2)
			r, err := comparePredict(context.Background(), debianPython, t.TempDir(), m, x, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			if r.Outputs != 4000 {
				t.Fatalf("%d outputs, want 4000", r.Outputs)
			}
			// Squared error is pure float32 addition: every bit equal. The
			// logistic output goes through expf, which glibc does not always
			// round correctly: allow a rare ulp or two.
			if obj == boost.ObjSquaredError && r.Exact != r.Outputs {
				t.Errorf("%d of %d outputs equal XGBoost's", r.Exact, r.Outputs)
			}
			if r.MaxULP > 2 || r.Exact < r.Outputs*99/100 {
				t.Errorf("%d of %d outputs equal XGBoost's, the others differ by up to %d ulp", r.Exact, r.Outputs, r.MaxULP)
			}
		})
	}
}

// BenchmarkPredictVsXGBoost trains the baseline configuration on 800,000
// generated rows and predicts the 200,000 validation rows with both
// engines, 5 times each, on 1 and 2 threads. It reports the medians and
// the ratios ours/XGBoost (wall and CPU) and prints the table rows of
// bench/boost/README.md. Run with -benchtime 1x.
func BenchmarkPredictVsXGBoost(b *testing.B) {
	requireXGBoost(b)
	for _, obj := range []string{boost.ObjSquaredError, boost.ObjBinaryLogistic} {
		m, x := trainModel(b, 1_000_000, obj, 2)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", obj, threads), func(b *testing.B) {
				dir := b.TempDir()
				var r *predictResult
				for i := 0; i < b.N; i++ {
					var err error
					if r, err = comparePredict(context.Background(), debianPython, filepath.Clean(dir), m, x, threads, 5); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(r.OursS, "boost-s")
				b.ReportMetric(r.XGBS, "xgb-s")
				b.ReportMetric(r.OursS/r.XGBS, "ratio")
				b.ReportMetric(r.OursCPUS/r.XGBCPUS, "cpu-ratio")
				printPredict(obj, r)
			})
		}
	}
}
