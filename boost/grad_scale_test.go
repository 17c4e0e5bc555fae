package boost

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// outlierData returns n rows of nf integer-valued features (so that the
// cuts are the values themselves in XGBoost too) with labels of order 1,
// except one row whose label is outlier.
func outlierData(t testing.TB, n, nf int, outlier float32) *DMatrix {
	t.Helper()
	rng := rand.New(rand.NewPCG(8, uint64(math.Float32bits(outlier))))
	cols := make([][]float32, nf)
	for j := range cols {
		cols[j] = make([]float32, n)
	}
	y := make([]float32, n)
	for i := range y {
		var s float64
		for j := range cols {
			v := float32(rng.IntN(32))
			cols[j][i] = v
			s += float64(v) * float64(j%3-1) / 16
		}
		y[i] = float32(s + 0.2*rng.NormFloat64())
	}
	y[n/3] = outlier
	d, err := NewDMatrix32(cols, y)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOutlierGradientKeepsResolution trains squared error on 50,000 rows
// with one label of 1e9 (or 1e6) among labels of order 1, here and in
// XGBoost 1.7.4, and compares every training row's margin. The fixed-point
// scale follows the sum of the gradients' magnitudes and the packed form
// is dropped when it would round the ordinary gradients away, so the
// outlier does not wipe out the other rows' gradients: the margins agree
// with XGBoost's to float32 rounding, as they do without the outlier.
func TestOutlierGradientKeepsResolution(t *testing.T) {
	t.Parallel()
	const n, nf = 50000, 4
	params := map[string]any{"objective": ObjSquaredError, "tree_method": "hist", "max_depth": 4, "eta": 0.3,
		"nthread": 2, "num_boost_round": 5}
	var py []pyModelCase
	var ours [][]float32
	outliers := []float32{1e9, 1e6, 2}
	for _, out := range outliers {
		d := outlierData(t, n, nf, out)
		cfg, err := NewConfig(params)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(context.Background(), cfg, d, TrainOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := res.Model.NewPredictor(PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := p.Margin(context.Background(), d.RowMajor())
		if err != nil {
			t.Fatal(err)
		}
		ours = append(ours, m)
		py = append(py, newModelCase(d, params))
	}
	want := xgbModels(t, py)
	for c, out := range outliers {
		var worst float64
		at := 0
		for i, v := range ours[c] {
			w := want[c].Margin[i]
			if d := math.Abs(float64(v)-w) / math.Max(1, math.Abs(w)); d > worst {
				worst, at = d, i
			}
		}
		t.Logf("outlier %g: largest margin difference %.3g (row %d: ours %v, xgboost %v)", out, worst, at, ours[c][at], want[c].Margin[at])
		if worst > 1e-5 {
			t.Errorf("outlier %g: margin of row %d is %v, xgboost %v", out, at, ours[c][at], want[c].Margin[at])
		}
	}
}

// TestOutlierDistributedEqualsSingle checks that the scale chosen from the
// exponent counts is the same however the rows are split: distributed
// training on data with an outlier gives the same model byte for byte on
// three actors as on one.
func TestOutlierDistributedEqualsSingle(t *testing.T) {
	t.Parallel()
	d := outlierData(t, 6000, 4, 1e9)
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "max_depth": 4, "num_boost_round": 4, "nthread": 1})
	if err != nil {
		t.Fatal(err)
	}
	single, err := TrainDistributed(context.Background(), newSystem(t, 1), cfg, d, DistOptions{NumActors: 1}, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dist, err := TrainDistributed(context.Background(), newSystem(t, 3), cfg, d, DistOptions{NumActors: 3}, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(modelJSON(t, single.Model), modelJSON(t, dist.Model)) {
		t.Error("the model on three actors differs from the one on one actor")
	}
}

// TestChooseScale checks the choice of form and scale on summaries of
// typical and extreme gradients.
func TestChooseScale(t *testing.T) {
	summary := func(h float32, gs ...float32) *gradSummary {
		s := &gradSummary{maxH: float64(h), minH: float64(h)}
		s.gExp.addAbs(gs)
		return s
	}
	many := func(v float32, n int, extra ...float32) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = v * float32(1+i%7) / 7
		}
		return append(out, extra...)
	}
	tests := []struct {
		name   string
		s      *gradSummary
		rows   int
		packed bool
	}{
		{"exact in packed form", summary(1, 0.5, -1.5, 2), 3, true},
		{"typical squared error", summary(1, many(3e4, 1000)...), 1000, true},
		{"one huge gradient", summary(1, many(0.5, 1000, 1e9)...), 1001, false},
		{"varying hessians", &gradSummary{maxH: 0.25, minH: 0.01}, 10, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := chooseScale(tc.s, tc.rows)
			if err != nil {
				t.Fatal(err)
			}
			if sc.packed != tc.packed {
				t.Errorf("packed %v, want %v (scale %g)", sc.packed, tc.packed, sc.scaleG)
			}
			// Whatever the form, the sum of the quantised magnitudes fits.
			bits := 61
			if sc.packed {
				bits -= countBits
			}
			if b := tc.s.gExp.sumBound() * sc.scaleG; b >= math.Ldexp(1, bits) {
				t.Errorf("bound × scale = %g overflows 2^%d", b, bits)
			}
		})
	}
	if _, err := chooseScale(summary(1, float32(math.Inf(1))), 1); err == nil {
		t.Error("an infinite gradient was accepted")
	}
}
