package boost

import (
	"errors"
	"math"
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
