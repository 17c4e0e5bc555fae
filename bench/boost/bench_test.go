package main

import (
	"context"
	"testing"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/internal/synth"
)

func benchData(b *testing.B, gen synth.Generator, n int, objective string) (*boost.DMatrix, *boost.DMatrix) {
	h := gen(n, 20240601)
	label := h.Label(objective == boost.ObjBinaryLogistic)
	split := n * 8 / 10
	cut := func(lo, hi int) *boost.DMatrix {
		cols := make([][]float32, len(h.Cols))
		for j, c := range h.Cols {
			cols[j] = c[lo:hi]
		}
		d, err := boost.NewDMatrix32(cols, label[lo:hi])
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	return cut(0, split), cut(split, n)
}

func benchTrain(b *testing.B, gen synth.Generator, n int, objective string, threads int) {
	dtrain, dvalid := benchData(b, gen, n, objective)
	cfg, err := boost.NewConfig(map[string]any{"max_depth": 6, "eta": 0.3, "max_bin": 256, "nthread": threads,
		"objective": objective, "num_boost_round": 100})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := boost.Train(context.Background(), cfg, dtrain, boost.TrainOptions{Evals: []boost.EvalSet{{Name: "valid", Data: dvalid}}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*100*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrow-rounds/s")
}

func BenchmarkTrainReg200k1T(b *testing.B) {
	benchTrain(b, synth.Housing, 200_000, boost.ObjSquaredError, 1)
}
func BenchmarkTrainReg200k2T(b *testing.B) {
	benchTrain(b, synth.Housing, 200_000, boost.ObjSquaredError, 2)
}
func BenchmarkTrainLogistic200k2T(b *testing.B) {
	benchTrain(b, synth.Housing, 200_000, boost.ObjBinaryLogistic, 2)
}
func BenchmarkTrainReg1M2T(b *testing.B) {
	benchTrain(b, synth.Housing, 1_000_000, boost.ObjSquaredError, 2)
}

// BenchmarkTrainData trains each generator's data, 1M rows, both
// objectives, 2 threads.
func BenchmarkTrainData(b *testing.B) {
	for _, name := range synth.Names() {
		gen, err := synth.Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, obj := range []string{boost.ObjSquaredError, boost.ObjBinaryLogistic} {
			b.Run(name+"/"+obj, func(b *testing.B) { benchTrain(b, gen, 1_000_000, obj, 2) })
		}
	}
}

func TestMedianReport(t *testing.T) {
	runs := []*report{
		{TrainS: 3, PredictS: 0.2, PeakMB: 100, OtherCPUS: 0, Metrics: map[string]float64{"rmse": 1}},
		{TrainS: 1, PredictS: 0.4, PeakMB: 300, OtherCPUS: 5, Metrics: map[string]float64{"rmse": 1}},
		{TrainS: 2, PredictS: 0.3, PeakMB: 200, OtherCPUS: 1, Metrics: map[string]float64{"rmse": 1}},
	}
	m := medianReport(runs)
	if m.TrainS != 2 || m.PredictS != 0.3 || m.PeakMB != 200 || m.OtherCPUS != 1 || m.Metrics["rmse"] != 1 {
		t.Errorf("median of the runs = %+v", m)
	}
}

func TestInts(t *testing.T) {
	got, err := ints("1000000, 4000000", "-rows")
	if err != nil || len(got) != 2 || got[0] != 1_000_000 || got[1] != 4_000_000 {
		t.Errorf("ints = %v, %v", got, err)
	}
	for _, bad := range []string{"", "1,x", "0", "-2"} {
		if _, err := ints(bad, "-rows"); err == nil {
			t.Errorf("ints(%q) gave no error", bad)
		}
	}
}
