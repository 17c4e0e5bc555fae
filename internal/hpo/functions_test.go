package hpo

import (
	"math"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/hpo/hpotest"
)

// Test functions with known optima, all minimised.

const braninMin = 0.397887

var braninRanges = Ranges{Continuous: []ContinuousRange{
	{Name: "x1", MinValue: "-5", MaxValue: "10", ScalingType: ScalingLinear},
	{Name: "x2", MinValue: "0", MaxValue: "15", ScalingType: ScalingLinear},
}}

func braninParams(p Params) float64 {
	x1, _ := p.Float("x1")
	x2, _ := p.Float("x2")
	return hpotest.Branin(x1, x2)
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
	return hpotest.Hartmann6(x)
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
