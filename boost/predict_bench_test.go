package boost

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchRows builds n rows with the reference validation rows' marginal
// distributions: each feature of each row is drawn from the same column of
// a random reference row, with the reference's missing cells kept.
func benchRows(b *testing.B, file string, n int) []float32 {
	ref, _ := refData(b, file, "prediction_f32_bits")
	nref := len(ref) / 8
	rng := rand.New(rand.NewPCG(13, 14))
	x := make([]float32, n*8)
	for i := range x {
		j := i % 8
		x[i] = ref[rng.IntN(nref)*8+j]
	}
	return x
}

// BenchmarkPredict times margin prediction of 200,000 rows (the
// validation set of the 1M-row baseline) with the 100-tree depth-6
// reference model, on 1 and 2 goroutines.
func BenchmarkPredict(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct{ model, rows string }{
		{"model.json", "pred_reg_valid100.csv"},
		{"model_missing.json", "pred_missing_model_valid100.csv"},
	} {
		m := loadRef(b, c.model)
		x := benchRows(b, c.rows, 200_000)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/rows=200k/threads=%d", c.model, threads), func(b *testing.B) {
				p, err := m.NewPredictor(PredictOptions{Threads: threads})
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(4 * len(x)))
				b.ResetTimer()
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if _, err := p.Margin(ctx, x); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/200_000, "ns/row")
				// On a busy machine the CPU time per row is the steadier figure.
				b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/200_000, "cpu-ns/row")
			})
		}
	}
}

// BenchmarkPredictLeaves times leaf-index prediction of 200,000 rows.
func BenchmarkPredictLeaves(b *testing.B) {
	ctx := context.Background()
	m := loadRef(b, "model.json")
	x := benchRows(b, "pred_reg_valid100.csv", 200_000)
	p, err := m.NewPredictor(PredictOptions{Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Leaves(ctx, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictContribs times TreeSHAP for 1,000 rows.
func BenchmarkPredictContribs(b *testing.B) {
	ctx := context.Background()
	m := loadRef(b, "model.json")
	x := benchRows(b, "pred_reg_valid100.csv", 1000)
	p, err := m.NewPredictor(PredictOptions{Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Contribs(ctx, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadModel times decoding the reference model in each format.
func BenchmarkLoadModel(b *testing.B) {
	for _, name := range []string{"model.json", "model.ubj"} {
		data, err := os.ReadFile(filepath.Join("testdata", "xgb", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := DecodeModel(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
