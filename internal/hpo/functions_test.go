package hpo

import (
	"math"
	"strconv"
)

// Test functions with known optima, all minimised.

// branin has its minimum 0.397887 at (-π, 12.275), (π, 2.275) and
// (9.42478, 2.475).
func branin(x1, x2 float64) float64 {
	const (
		a = 1
		b = 5.1 / (4 * math.Pi * math.Pi)
		c = 5 / math.Pi
		r = 6
		s = 10
		t = 1 / (8 * math.Pi)
	)
	u := x2 - b*x1*x1 + c*x1 - r
	return a*u*u + s*(1-t)*math.Cos(x1) + s
}

const braninMin = 0.397887

var braninRanges = Ranges{Continuous: []ContinuousRange{
	{Name: "x1", MinValue: "-5", MaxValue: "10", ScalingType: ScalingLinear},
	{Name: "x2", MinValue: "0", MaxValue: "15", ScalingType: ScalingLinear},
}}

func braninParams(p Params) float64 {
	x1, _ := p.Float("x1")
	x2, _ := p.Float("x2")
	return branin(x1, x2)
}

// hartmann6 has its minimum -3.32237 at
// (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
func hartmann6(x []float64) float64 {
	alpha := [4]float64{1.0, 1.2, 3.0, 3.2}
	A := [4][6]float64{
		{10, 3, 17, 3.5, 1.7, 8},
		{0.05, 10, 17, 0.1, 8, 14},
		{3, 3.5, 1.7, 10, 17, 8},
		{17, 8, 0.05, 10, 0.1, 14},
	}
	P := [4][6]float64{
		{1312, 1696, 5569, 124, 8283, 5886},
		{2329, 4135, 8307, 3736, 1004, 9991},
		{2348, 1451, 3522, 2883, 3047, 6650},
		{4047, 8828, 8732, 5743, 1091, 381},
	}
	s := 0.0
	for i := range 4 {
		in := 0.0
		for j := range 6 {
			d := x[j] - P[i][j]*1e-4
			in += A[i][j] * d * d
		}
		s += alpha[i] * math.Exp(-in)
	}
	return -s
}

const hartmannMin = -3.32237

func hartmannRanges() Ranges {
	var r Ranges
	for j := range 6 {
		r.Continuous = append(r.Continuous, ContinuousRange{Name: "x" + strconv.Itoa(j+1), MinValue: "0", MaxValue: "1"})
	}
	return r
}

func hartmannParams(p Params) float64 {
	x := make([]float64, 6)
	for j := range 6 {
		x[j], _ = p.Float("x" + strconv.Itoa(j+1))
	}
	return hartmann6(x)
}

// mixed is a discrete/categorical function: a booster choice, an integer
// depth and a log-scaled rate. Its minimum 0 is at (gbtree, 6, 0.01).
var mixedRanges = Ranges{
	Continuous:  []ContinuousRange{{Name: "eta", MinValue: "0.0001", MaxValue: "1", ScalingType: ScalingLogarithmic}},
	Categorical: []CategoricalRange{{Name: "booster", Values: []string{"gblinear", "dart", "gbtree", "exact"}}},
	Integer:     []IntegerRange{{Name: "depth", MinValue: "1", MaxValue: "12"}},
}

func mixedParams(p Params) float64 {
	eta, _ := p.Float("eta")
	depth, _ := p.Int("depth")
	_, b, _ := p.Category("booster")
	off := [4]float64{1.0, 0.4, 0, 0.7}[b]
	d := float64(depth-6) / 4
	e := math.Log10(eta) + 2
	return off + d*d + e*e/4
}
