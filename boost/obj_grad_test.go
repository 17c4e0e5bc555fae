package boost

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// lossOf is each objective's loss for one row, written independently of
// obj_grad.go from the objectives' definitions; the gradient and hessian
// must be its first and second derivatives in the margin.
func lossOf(c *Config, m, y float64) float64 {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	switch c.Objective {
	case ObjSquaredError:
		return 0.5 * (m - y) * (m - y)
	case ObjSquaredLogError:
		d := math.Log1p(m) - math.Log1p(y)
		return 0.5 * d * d
	case ObjRegLogistic, ObjBinaryLogistic, ObjBinaryLogitRaw:
		p := sig(m)
		return -(y*math.Log(p) + (1-y)*math.Log(1-p))
	case ObjPseudoHuberError:
		s := c.HuberSlope
		z := (m - y) / s
		return s * s * (math.Sqrt(1+z*z) - 1)
	case ObjCountPoisson:
		return math.Exp(m) - y*m
	case ObjRegGamma:
		return y*math.Exp(-m) + m
	case ObjRegTweedie:
		r := c.TweedieVarPow
		return -y*math.Exp((1-r)*m)/(1-r) + math.Exp((2-r)*m)/(2-r)
	}
	panic(c.Objective)
}

func TestObjectiveGradientsMatchLossDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, obj := range []string{ObjSquaredError, ObjSquaredLogError, ObjRegLogistic, ObjBinaryLogistic,
		ObjBinaryLogitRaw, ObjPseudoHuberError, ObjCountPoisson, ObjRegGamma, ObjRegTweedie} {
		t.Run(obj, func(t *testing.T) {
			c := DefaultConfig()
			c.Objective = obj
			c.HuberSlope = 1.7
			c.PoissonMaxDeltaStep = 0
			o, err := newObjective(&c)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 200; k++ {
				m := rng.Float64()*2 - 1
				if obj == ObjSquaredLogError {
					m += 1.5 // stay away from the pole at -1
				}
				var y float64
				switch obj {
				case ObjRegLogistic, ObjBinaryLogistic, ObjBinaryLogitRaw:
					y = float64(rng.IntN(2))
				case ObjRegGamma:
					y = 0.1 + rng.Float64()*3
				default:
					y = rng.Float64() * 3
				}
				w := float32(0.5 + rng.Float64())
				g, h := make([]float32, 1), make([]float32, 1)
				o.grad([]float32{float32(m)}, []float32{float32(y)}, []float32{w}, g, h, 0, 1)
				m = float64(float32(m))
				y = float64(float32(y))
				const d = 1e-4
				wantG := float64(w) * (lossOf(&c, m+d, y) - lossOf(&c, m-d, y)) / (2 * d)
				wantH := float64(w) * (lossOf(&c, m+d, y) - 2*lossOf(&c, m, y) + lossOf(&c, m-d, y)) / (d * d)
				if obj == ObjSquaredLogError {
					// XGBoost's hessian drops the second-order term of
					// log1p; check against its definition instead.
					wantH = float64(w) * (-math.Log1p(m) + math.Log1p(y) + 1) / ((m + 1) * (m + 1))
					wantH = max(wantH, 1e-6*float64(w))
				}
				if math.Abs(float64(g[0])-wantG) > 2e-3*(1+math.Abs(wantG)) {
					t.Fatalf("m=%v y=%v: grad %v, want %v", m, y, g[0], wantG)
				}
				if math.Abs(float64(h[0])-wantH) > 5e-3*(1+math.Abs(wantH)) {
					t.Fatalf("m=%v y=%v: hess %v, want %v", m, y, h[0], wantH)
				}
			}
		})
	}
}

func TestObjectivePiecewise(t *testing.T) {
	type row struct{ m, y, g, h float32 }
	tests := []struct {
		obj  string
		rows []row
	}{
		{ObjAbsoluteError, []row{{2, 1, 1, 1}, {0, 1, -1, 1}, {1, 1, 0, 1}}},
		{ObjBinaryHinge, []row{{0.5, 1, -1, 1}, {2, 1, 0, 0x1p-126}, {-0.5, 0, 1, 1}, {-3, 0, 0, 0x1p-126}}},
	}
	for _, tc := range tests {
		t.Run(tc.obj, func(t *testing.T) {
			c := DefaultConfig()
			c.Objective = tc.obj
			o, err := newObjective(&c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tc.rows {
				g, h := make([]float32, 1), make([]float32, 1)
				o.grad([]float32{r.m}, []float32{r.y}, nil, g, h, 0, 1)
				if g[0] != r.g || h[0] != r.h {
					t.Errorf("m=%v y=%v: got (%v, %v), want (%v, %v)", r.m, r.y, g[0], h[0], r.g, r.h)
				}
			}
		})
	}
}

func TestSoftmaxGradients(t *testing.T) {
	c := DefaultConfig()
	c.Objective = ObjMultiSoftprob
	c.NumClass = 3
	o, err := newObjective(&c)
	if err != nil {
		t.Fatal(err)
	}
	margin := []float32{0.1, -0.4, 1.2}
	g, h := make([]float32, 3), make([]float32, 3)
	o.grad(margin, []float32{2}, []float32{2}, g, h, 0, 3)
	var z float64
	for _, m := range margin {
		z += math.Exp(float64(m))
	}
	for k, m := range margin {
		p := math.Exp(float64(m)) / z
		wantG := p
		if k == 2 {
			wantG = p - 1
		}
		wantG *= 2
		wantH := 2 * p * (1 - p) * 2
		if math.Abs(float64(g[k])-wantG) > 1e-6 || math.Abs(float64(h[k])-wantH) > 1e-6 {
			t.Errorf("class %d: (%v, %v), want (%v, %v)", k, g[k], h[k], wantG, wantH)
		}
	}
}

func TestScalePosWeightAndLabels(t *testing.T) {
	c := DefaultConfig()
	c.Objective = ObjBinaryLogistic
	c.ScalePosWeight = 3
	o, _ := newObjective(&c)
	g, h := make([]float32, 2), make([]float32, 2)
	o.grad([]float32{0, 0}, []float32{1, 0}, nil, g, h, 0, 2)
	if g[0] != -1.5 || g[1] != 0.5 || h[0] != 0.75 || h[1] != 0.25 {
		t.Errorf("scale_pos_weight: g=%v h=%v", g, h)
	}
	if err := o.checkLabels([]float32{0, 2}, nil); !errors.Is(err, ErrLabel) {
		t.Errorf("label 2 for binary:logistic: %v", err)
	}
	c.Objective = ObjRegGamma
	o, _ = newObjective(&c)
	if err := o.checkLabels([]float32{0}, nil); !errors.Is(err, ErrLabel) {
		t.Errorf("label 0 for reg:gamma: %v", err)
	}
}

func TestWeightedQuantile(t *testing.T) {
	v := []float32{5, 1, 3, 2, 4}
	if got := weightedQuantile(v, nil, 0.5); got != 3 {
		t.Errorf("median = %v", got)
	}
	if got := weightedQuantile([]float32{1, 2, 3, 4}, nil, 0.5); got != 2.5 {
		t.Errorf("even median = %v", got)
	}
	if got := weightedQuantile(v, []float32{1, 1, 1, 1, 10}, 0.5); got != 4 {
		t.Errorf("weighted median = %v", got)
	}
}

// TestWeightedQuantileFloat32Steps checks the float32 steps of XGBoost's
// quantiles. Unweighted, the two order statistics are subtracted in
// float32 before the interpolation in double: residuals -25.506243 and
// 24.351746 (a leaf XGBoost 1.7.4 refreshed to -0.5772495 on generated
// data) give -0.5772495, not the all-double -0.5772486. Weighted, the
// cumulative weights are float32 sums: after a weight of 2^24 the unit
// weights are lost, so the threshold (half of 2^25+4) is only reached by
// the last value, where float64 sums would reach it at the sixth.
func TestWeightedQuantileFloat32Steps(t *testing.T) {
	got := float32(weightedQuantile([]float32{24.35174560546875, -25.506242752075195, 30, -40}, nil, 0.5))
	if want := float32(-0.5772495); got != want {
		t.Errorf("unweighted: %v, want %v", got, want)
	}
	v := []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	w := []float32{1 << 24, 1, 1, 1, 1, 1, 1, 1, 1, 1<<24 + 4}
	if got := weightedQuantile(v, w, 0.5); got != 9 {
		t.Errorf("weighted: %v, want 9", got)
	}
}
