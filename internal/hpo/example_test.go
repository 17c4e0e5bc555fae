package hpo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/sagepipe/sagepipe/internal/hpo"
)

// The ranges of a definition's HyperParameterTuningJobConfig, tuned by a
// Bayesian search as the local engine drives it.
func Example() {
	var ranges hpo.Ranges
	def := `{
		"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.01", "MaxValue": "1", "ScalingType": "Logarithmic"}],
		"CategoricalParameterRanges": [{"Name": "booster", "Values": ["gbtree", "dart"]}],
		"IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "1", "MaxValue": "8", "ScalingType": "Auto"}]
	}`
	if err := json.Unmarshal([]byte(def), &ranges); err != nil {
		fmt.Println(err)
		return
	}
	space, err := hpo.NewSpace(ranges)
	if err != nil {
		fmt.Println(err)
		return
	}
	tu, err := hpo.New(hpo.Config{
		Space: space, Strategy: hpo.Bayesian, Objective: hpo.Minimize,
		MaxJobs: 12, MaxParallel: 3, Seed: 7,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A stand-in for training: validation:rmse of the hyperparameters.
	rmse := func(p hpo.Params) float64 {
		eta, _ := p.Float("eta")
		depth, _ := p.Int("max_depth")
		booster, _, _ := p.Category("booster")
		v := math.Pow(math.Log10(eta)+1, 2) + math.Abs(float64(depth-5))/4
		if booster == "dart" {
			v += 0.5
		}
		return v
	}
	ctx := context.Background()
	var running []hpo.Trial
	for !tu.Done() {
		trials, err := tu.Suggest(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		running = append(running, trials...)
		// Here the oldest running trial ends first; any order gives the
		// same trials.
		tr := running[0]
		running = running[1:]
		if err := tu.Complete(tr.Index, rmse(tr.Params)); err != nil {
			fmt.Println(err)
			return
		}
	}
	best, _ := tu.Best()
	booster, _ := best.Params.String("booster")
	depth, _ := best.Params.String("max_depth")
	fmt.Printf("%d trials; the best uses booster=%s max_depth=%s\n", len(tu.Results()), booster, depth)
	// Output:
	// 12 trials; the best uses booster=gbtree max_depth=5
}

// Bad ranges are reported together, each naming its hyperparameter.
func ExampleNewSpace() {
	_, err := hpo.NewSpace(hpo.Ranges{
		Continuous:  []hpo.ContinuousRange{{Name: "alpha", MinValue: "0", MaxValue: "10", ScalingType: hpo.ScalingLogarithmic}},
		Categorical: []hpo.CategoricalRange{{Name: "booster"}},
	})
	fmt.Println(err)
	// Output:
	// hpo: hyperparameter "alpha": Logarithmic scaling needs MinValue > 0, got 0
	// hpo: hyperparameter "booster": categorical range has no values
}
