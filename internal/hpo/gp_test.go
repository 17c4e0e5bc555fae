package hpo

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/sagepipe/sagepipe/internal/hpo/hpotest"
)

func randomData(r *rand.Rand, n, d int, f func([]float64) float64) ([][]float64, []float64) {
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range n {
		x[i] = make([]float64, d)
		for k := range d {
			x[i][k] = r.Float64()
		}
		y[i] = f(x[i])
	}
	return x, y
}

// TestLikelihoodGradient checks the analytic gradient of the negative log
// posterior against finite differences.
func TestLikelihoodGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x, y := randomData(r, 15, 3, func(v []float64) float64 { return math.Sin(5*v[0]) + v[1]*v[1] - v[2] })
	l := newLikelihood(x, y)
	for _, th := range [][]float64{
		{-0.7, -0.7, -0.7, 0, -9.2},
		{-1.5, 0.3, -0.2, 0.5, -4},
		{0.5, -2, 1, -0.8, -6},
	} {
		got := make([]float64, len(th))
		l.grad(got, th)
		want := fd.Gradient(nil, func(v []float64) float64 { return newLikelihood(x, y).value(v) }, th, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		for k := range th {
			if math.Abs(got[k]-want[k]) > 1e-4*math.Max(1, math.Abs(want[k])) {
				t.Errorf("θ=%v: ∂/∂θ%d = %v, finite differences %v", th, k, got[k], want[k])
			}
		}
	}
}

// TestGPFit checks that the fitted model interpolates its data, predicts
// held-out points of a smooth function well and is uncertain far from the
// data.
func TestGPFit(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	f := func(v []float64) float64 { return math.Sin(6*v[0]) + 0.5*v[1] }
	x, y := randomData(r, 30, 2, f)
	m, err := fitGP(context.Background(), x, y, r)
	if err != nil {
		t.Fatal(err)
	}
	ks := make([]float64, len(x))
	pred := func(v []float64) (float64, float64) {
		mu, sd := m.predict(v, ks)
		return mu*m.yScale + m.yMean, sd * m.yScale
	}
	for i := range x {
		if mu, _ := pred(x[i]); math.Abs(mu-y[i]) > 0.02 {
			t.Errorf("at training point %d: mean %v, value %v", i, mu, y[i])
		}
	}
	hx, hy := randomData(r, 50, 2, f)
	se := 0.0
	for i := range hx {
		mu, _ := pred(hx[i])
		se += (mu - hy[i]) * (mu - hy[i])
	}
	if rmse := math.Sqrt(se / 50); rmse > 0.1 {
		t.Errorf("held-out rmse %v, want under 0.1 (function range about 2.5)", rmse)
	}
	_, near := pred(x[0])
	_, far := pred([]float64{5, 5})
	if !(far > 10*near) {
		t.Errorf("posterior sd at a data point %v, far away %v", near, far)
	}
}

// TestBatchSuggestionsSpread: with MaxParallel 4 and a model from the
// start (warm start), the four trials suggested together are distinct
// points, each chosen with the others as fantasies.
func TestBatchSuggestionsSpread(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	var warm []Observation
	for range 12 {
		x1, x2 := -5+15*r.Float64(), 15*r.Float64()
		warm = append(warm, Observation{Hyperparameters: map[string]string{"x1": fmtFloat(x1), "x2": fmtFloat(x2)}, Value: hpotest.Branin(x1, x2)})
	}
	tu := newTuner(t, braninRanges, Config{Strategy: Bayesian, Objective: Minimize, MaxJobs: 4, MaxParallel: 4, WarmStart: warm})
	ts, err := tu.Suggest(context.Background())
	if err != nil || len(ts) != 4 {
		t.Fatalf("Suggest: %d trials, %v", len(ts), err)
	}
	for i := range ts {
		for j := range i {
			a, b := ts[i].Params, ts[j].Params
			ax, _ := a.Float("x1")
			ay, _ := a.Float("x2")
			bx, _ := b.Float("x1")
			by, _ := b.Float("x2")
			if d := math.Hypot((ax-bx)/15, (ay-by)/15); d < 0.01 {
				t.Errorf("trials %d and %d nearly coincide: %v and %v", j, i, a.Strings(), b.Strings())
			}
		}
	}
}

func fmtFloat(v float64) string {
	p := Params{space: &Space{params: []Param{{Kind: Continuous}}}, x: point{v}}
	return p.format(0)
}
