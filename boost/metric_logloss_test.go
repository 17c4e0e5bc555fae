package boost

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestLogLossBoundaries checks logloss at probabilities of exactly 0 and 1.
// A right prediction costs nothing; a wrong one costs -log(1e-16), XGBoost's
// clipping, and is finite. XGBoost 1.7.4 reports 0 and 36.84136199951171875
// (its float32 log of 1e-16f) for these rows.
func TestLogLossBoundaries(t *testing.T) {
	clipped := -math.Log(1e-16)
	tests := []struct {
		name        string
		pred, label float32
		want        float64
	}{
		{"p=1 y=1", 1, 1, 0},
		{"p=0 y=0", 0, 0, 0},
		{"p=1 y=0", 1, 0, clipped},
		{"p=0 y=1", 0, 1, clipped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Metric("logloss", []float32{tt.pred}, []float32{tt.label}, nil, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(got) || math.Abs(got-tt.want) > 1e-7*math.Max(1, tt.want) {
				t.Errorf("logloss(p=%v, y=%v) = %v, want %v", tt.pred, tt.label, got, tt.want)
			}
		})
	}
	// XGBoost's own figure for the clipped term, computed in float32.
	if xgb := 36.84136199951171875; math.Abs(clipped-xgb) > 1e-6 {
		t.Errorf("-log(1e-16) = %v, XGBoost 1.7.4 reports %v", clipped, xgb)
	}
}

// TestMetricShapeError requires predictions or weights that do not fit the
// labels to be an input error naming the metric, not a parameter error.
func TestMetricShapeError(t *testing.T) {
	label := []float32{0, 1, 1}
	tests := []struct {
		name         string
		pred, weight []float32
		groups       int
	}{
		{"short predictions", []float32{0.1, 0.9}, nil, 1},
		{"predictions not rows × groups", []float32{0.1, 0.9, 0.8}, nil, 2},
		{"short weights", []float32{0.1, 0.9, 0.8}, []float32{1, 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Metric("logloss", tt.pred, label, tt.weight, tt.groups, nil)
			if !errors.Is(err, ErrInput) || errors.Is(err, ErrParam) || !strings.Contains(err.Error(), "logloss") {
				t.Errorf("err = %v, want ErrInput naming logloss", err)
			}
		})
	}
}

// TestLogLossShortcutSums checks that logloss, which takes one logarithm
// for a 0 or 1 label, sums to the same bits as the two-logarithm formula,
// with probabilities from 1e-16 to within an ulp of 1.
func TestLogLossShortcutSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 20000
	pred, label := make([]float32, n), make([]float32, n)
	for i := range pred {
		switch i % 5 {
		case 0:
			pred[i] = float32(math.Pow(10, -rng.Float64()*16))
		case 1:
			pred[i] = 1 - float32(math.Pow(10, -rng.Float64()*8))
		default:
			pred[i] = rng.Float32()
		}
		label[i] = float32(rng.IntN(2))
	}
	pred[0], pred[1], pred[2], pred[3] = 1e-16, math.Nextafter32(1, 0), 0.5, 1e-30
	var want float64
	for i, y32 := range label {
		y, p := float64(y32), float64(pred[i])
		p = max(p, 0)
		lp, ln := math.Log(max(p, 1e-16)), math.Log(max(1-p, 1e-16))
		want += -y*lp - (1-y)*ln
	}
	want /= n
	got, err := Metric("logloss", pred, label, nil, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("logloss = %v (%x), two-logarithm formula %v (%x)", got, math.Float64bits(got), want, math.Float64bits(want))
	}
}
