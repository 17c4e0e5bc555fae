package main

import (
	"math"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/hpo"
	"github.com/sagepipe/sagepipe/internal/hpo/hpotest"
)

// problem is a test function over a SageMaker search space, minimised,
// with its known optimum. tpe.py defines the same functions and spaces.
type problem struct {
	name    string
	ranges  hpo.Ranges
	f       func(hpo.Params) float64
	optimum float64
}

func problems() []problem {
	var hart hpo.Ranges
	for j := range 6 {
		hart.Continuous = append(hart.Continuous, hpo.ContinuousRange{Name: "x" + strconv.Itoa(j+1), MinValue: "0", MaxValue: "1", ScalingType: hpo.ScalingLinear})
	}
	return []problem{
		{
			name: "branin",
			ranges: hpo.Ranges{Continuous: []hpo.ContinuousRange{
				{Name: "x1", MinValue: "-5", MaxValue: "10", ScalingType: hpo.ScalingLinear},
				{Name: "x2", MinValue: "0", MaxValue: "15", ScalingType: hpo.ScalingLinear},
			}},
			f: func(p hpo.Params) float64 {
				x1, _ := p.Float("x1")
				x2, _ := p.Float("x2")
				return hpotest.Branin(x1, x2)
			},
			optimum: 0.397887,
		},
		{
			name:   "hartmann6",
			ranges: hart,
			f: func(p hpo.Params) float64 {
				x := make([]float64, 6)
				for j := range x {
					x[j], _ = p.Float("x" + strconv.Itoa(j+1))
				}
				return hpotest.Hartmann6(x)
			},
			optimum: -3.32237,
		},
		{
			name: "mixed",
			ranges: hpo.Ranges{
				Continuous:  []hpo.ContinuousRange{{Name: "eta", MinValue: "0.0001", MaxValue: "1", ScalingType: hpo.ScalingLogarithmic}},
				Categorical: []hpo.CategoricalRange{{Name: "booster", Values: []string{"gblinear", "dart", "gbtree", "exact"}}},
				Integer:     []hpo.IntegerRange{{Name: "depth", MinValue: "1", MaxValue: "12", ScalingType: hpo.ScalingLinear}},
			},
			f:       mixed,
			optimum: 0,
		},
	}
}

// mixed: a categorical booster, an integer depth and a log-scaled rate;
// minimum 0 at (gbtree, 6, 0.01).
func mixed(p hpo.Params) float64 {
	eta, _ := p.Float("eta")
	depth, _ := p.Int("depth")
	_, b, _ := p.Category("booster")
	off := [4]float64{1.0, 0.4, 0, 0.7}[b]
	d := float64(depth-6) / 4
	e := math.Log10(eta) + 2
	return off + d*d + e*e/4
}

// learningCurve is the objective after step of maxStep resource units of
// a trial whose final objective is final: it starts high and approaches
// final at a speed depending on the trial, so curves can cross.
func learningCurve(final float64, p hpo.Params, step, maxStep int) float64 {
	var h float64
	for _, v := range p.All() {
		for _, c := range v {
			h = math.Mod(h*31+float64(c), 1000)
		}
	}
	speed := 0.5 + h/1000 // in [0.5, 1.5)
	gap := math.Exp(-speed*float64(step)/float64(maxStep)*4) - math.Exp(-speed*4)
	return final + 20*gap
}
