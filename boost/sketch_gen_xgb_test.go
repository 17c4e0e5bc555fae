package boost

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/sagepipe/sagepipe/internal/synth"
)

// xgbTree is a tree of XGBoost's JSON model.
type xgbTree struct {
	Left    []int32   `json:"left_children"`
	Right   []int32   `json:"right_children"`
	Index   []int32   `json:"split_indices"`
	Cond    []float64 `json:"split_conditions"`
	Default []int     `json:"default_left"`
	Loss    []float64 `json:"loss_changes"`
	Weight  []float64 `json:"base_weights"`
	SumHess []float64 `json:"sum_hessian"`
}

// tree converts x to a Tree (float values rounded to float32, as XGBoost
// holds them).
func (x xgbTree) tree() Tree {
	n := len(x.Left)
	t := Tree{Left: x.Left, Right: x.Right, SplitIndex: x.Index, SplitCond: make([]float32, n), DefaultLeft: make([]bool, n),
		BaseWeight: make([]float32, n), LossChange: make([]float32, n), SumHess: make([]float32, n)}
	for i := 0; i < n; i++ {
		t.SplitCond[i], t.BaseWeight[i] = float32(x.Cond[i]), float32(x.Weight[i])
		t.LossChange[i], t.SumHess[i] = float32(x.Loss[i]), float32(x.SumHess[i])
		t.DefaultLeft[i] = x.Default[i] == 1
	}
	return t
}

// genTrain is one training of the generator comparison.
type genTrain struct {
	name   string
	params map[string]any
	label  []float32
	weight []float32
}

// genTrainings returns the trainings of data d: every objective (on a
// label it accepts) with depthwise growth and, for squared error and
// logistic loss, weighted and lossguide variants too. Subsampling is off.
func genTrainings(d *synth.Data) []genTrain {
	target, class := d.Target, d.Class
	positive := make([]float32, len(target)) // reg:gamma
	nonneg := make([]float32, len(target))   // count:poisson, reg:tweedie, reg:squaredlogerror
	tertile := make([]float32, len(target))  // multi:*
	sorted := slices.Clone(target)
	slices.Sort(sorted)
	t1, t2 := sorted[len(sorted)/3], sorted[2*len(sorted)/3]
	for i, v := range target {
		nonneg[i] = max(v, 0)
		positive[i] = max(v, 0) + 1
		switch {
		case v >= t2:
			tertile[i] = 2
		case v >= t1:
			tertile[i] = 1
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	weight := make([]float32, len(target))
	for i := range weight {
		weight[i] = float32(0.5 + r.Float64())
	}
	base := func(obj string, extra ...any) map[string]any {
		p := map[string]any{"objective": obj, "max_depth": 6, "eta": 0.3, "max_bin": 256, "tree_method": "hist"}
		for i := 0; i < len(extra); i += 2 {
			p[extra[i].(string)] = extra[i+1]
		}
		return p
	}
	return []genTrain{
		{"squarederror", base(ObjSquaredError), target, nil},
		{"squarederror weighted", base(ObjSquaredError), target, weight},
		{"squarederror lossguide", base(ObjSquaredError, "grow_policy", "lossguide", "max_leaves", 31, "max_depth", 0), target, nil},
		{"logistic", base(ObjBinaryLogistic), class, nil},
		{"logistic weighted", base(ObjBinaryLogistic), class, weight},
		{"logistic lossguide", base(ObjBinaryLogistic, "grow_policy", "lossguide", "max_leaves", 31, "max_depth", 0), class, nil},
		{"logitraw", base(ObjBinaryLogitRaw), class, nil},
		{"hinge", base(ObjBinaryHinge), class, nil},
		{"reg:logistic", base(ObjRegLogistic), class, nil},
		{"pseudohuber", base(ObjPseudoHuberError), target, nil},
		{"absoluteerror", base(ObjAbsoluteError), target, nil},
		{"squaredlogerror", base(ObjSquaredLogError), nonneg, nil},
		{"poisson", base(ObjCountPoisson), nonneg, nil},
		{"tweedie", base(ObjRegTweedie), nonneg, nil},
		{"gamma", base(ObjRegGamma), positive, nil},
		{"softmax", base(ObjMultiSoftmax, "num_class", 3), tertile, nil},
		{"softprob", base(ObjMultiSoftprob, "num_class", 3), tertile, nil},
	}
}

// genResult is testdata/xgb_cuts.py's answer for the generator comparison.
type genResult struct {
	Cuts   []xgbCuts `json:"cuts"`
	Models []struct {
		Error string    `json:"error"`
		Trees []xgbTree `json:"trees"`
	} `json:"models"`
}

// TestTreesMatchXGBoostOnGenerators trains on 200,000 rows of each
// generator of internal/synth and compares the cuts and every tree, bit
// for bit, with XGBoost 1.7.4's trained with the same nthread (the
// float64 histogram sums of both depend on it, in the same way). By
// default it trains squared error and logistic loss with one thread and
// logistic loss with two (about 30 s on two cores); with BOOST_XGB_FULL=1
// every objective, and squared error and logistic loss weighted and
// lossguide too, each with one and two threads (a few minutes).
// BOOST_XGB_ROUNDS sets the rounds (3); with 10 every training is still
// identical (about 80 s with BOOST_XGB_FULL=1). Skipped in -short mode.
func TestTreesMatchXGBoostOnGenerators(t *testing.T) {
	rounds := 3
	if s := os.Getenv("BOOST_XGB_ROUNDS"); s != "" {
		if _, err := fmt.Sscan(s, &rounds); err != nil {
			t.Fatalf("BOOST_XGB_ROUNDS: %v", err)
		}
	}
	full := os.Getenv("BOOST_XGB_FULL") == "1"
	onGenerators(t, func(t *testing.T, data *synth.Data, d *DMatrix) {
		type run struct {
			tr      genTrain
			threads int
		}
		var runs []run
		for _, tr := range genTrainings(data) {
			switch {
			case full:
				runs = append(runs, run{tr, 1}, run{tr, 2})
			case tr.name == "squarederror":
				runs = append(runs, run{tr, 1})
			case tr.name == "logistic":
				runs = append(runs, run{tr, 1}, run{tr, 2})
			}
		}
		var jobs []trainJob
		for _, r := range runs {
			p := map[string]any{"nthread": r.threads, "seed": 0}
			for k, v := range r.tr.params {
				p[k] = v
			}
			jobs = append(jobs, trainJob{Params: p, Rounds: rounds, Y: f32base64(r.tr.label), W: f32base64(r.tr.weight)})
		}
		var res genResult
		runPyFile(t, "testdata/xgb_cuts.py", cutsJob{Rows: d.rows, Cols: len(d.cols), X: *f32base64(d.RowMajor()),
			Cuts: []cutsParams{{MaxBin: 256, Nthread: 1}}, Train: jobs}, &res)
		if diff := diffCuts(buildCuts(d, 256, 1), res.Cuts[0]); diff != "" {
			t.Errorf("cuts: %s", diff)
		}
		for i, r := range runs {
			if res.Models[i].Error != "" {
				t.Errorf("%s: xgboost: %s", r.tr.name, res.Models[i].Error)
				continue
			}
			cfg, err := NewConfig(ourParams(r.tr, map[string]any{"num_boost_round": rounds, "nthread": r.threads}))
			if err != nil {
				t.Fatal(err)
			}
			dt := &DMatrix{cols: d.cols, label: r.tr.label, weight: r.tr.weight, rows: d.rows}
			ours, err := Train(context.Background(), cfg, dt, TrainOptions{})
			if err != nil {
				t.Fatalf("%s: %v", r.tr.name, err)
			}
			var want []Tree
			for _, x := range res.Models[i].Trees {
				want = append(want, x.tree())
			}
			if diff := diffTreeSets(ours.Model.Trees, want); diff != "" {
				t.Errorf("%s nthread=%d: trees differ from XGBoost's: %s", r.tr.name, r.threads, diff)
			}
		}
	})
}

// onGenerators runs fn in a subtest for each generator of internal/synth,
// on its 200,000 rows (seed 1) and their DMatrix. It skips in -short
// mode, under the race detector (.ci/run runs these tests without it) and
// where XGBoost is absent.
func onGenerators(t *testing.T, fn func(t *testing.T, data *synth.Data, d *DMatrix)) {
	if testing.Short() {
		t.Skip("trains XGBoost on 200,000 rows")
	}
	if raceEnabled {
		t.Skip("numerics on 200,000 rows: .ci/run runs it without the race detector")
	}
	requireXGBoost(t)
	for _, name := range synth.Names() {
		t.Run(name, func(t *testing.T) {
			gen, err := synth.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			data := gen(200_000, 1)
			d, err := NewDMatrix32(data.Cols, data.Target)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, data, d)
		})
	}
}

// ourParams returns tr's parameters for NewConfig (without tree_method,
// XGBoost's alone) with the given ones added.
func ourParams(tr genTrain, extra map[string]any) map[string]any {
	p := map[string]any{}
	for k, v := range tr.params {
		if k != "tree_method" {
			p[k] = v
		}
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}
