package boost

import (
	"context"
	"math"
	"testing"
)

const pyTrainScript = `
import json, sys, numpy as np, xgboost as xgb
out = []
for c in json.load(sys.stdin):
    def dm(x, y, w):
        x = np.array([[np.nan if v is None else v for v in r] for r in x], dtype=np.float32)
        return xgb.DMatrix(x, label=np.array(y, dtype=np.float32),
                           weight=None if w is None else np.array(w, dtype=np.float32), missing=np.nan)
    dt, dv = dm(c["x"], c["y"], c["w"]), dm(c["vx"], c["vy"], None)
    res = {}
    xgb.train(c["params"], dt, c["rounds"], evals=[(dv, "valid")], evals_result=res, verbose_eval=False)
    out.append(res["valid"][c["params"]["eval_metric"]][-1])
print(json.dumps(out))
`

type pyTrainCase struct {
	Params map[string]any `json:"params"`
	Rounds int            `json:"rounds"`
	X      [][]*float32   `json:"x"`
	Y      []float32      `json:"y"`
	W      []float32      `json:"w"`
	VX     [][]*float32   `json:"vx"`
	VY     []float32      `json:"vy"`
}

func rowsOf(d *DMatrix) [][]*float32 {
	out := make([][]*float32, d.rows)
	for i := range out {
		out[i] = make([]*float32, len(d.cols))
		for j, c := range d.cols {
			if v := c[i]; v == v {
				out[i][j] = &v
			}
		}
	}
	return out
}

// TestTrainAgainstXGBoost trains every objective (and the two grow
// policies, weights and regularisation) here and in XGBoost 1.7.4 on the
// same data and compares the final validation metric.
func TestTrainAgainstXGBoost(t *testing.T) {
	t.Parallel()
	type tcase struct {
		name     string
		params   map[string]any
		weighted bool
		tol      float64 // relative
	}
	var cases []tcase
	metricOf := map[string]string{ObjSquaredError: "rmse", ObjSquaredLogError: "rmsle", ObjRegLogistic: "rmse",
		ObjPseudoHuberError: "mphe", ObjAbsoluteError: "mae", ObjBinaryLogistic: "logloss", ObjBinaryLogitRaw: "auc",
		ObjBinaryHinge: "error", ObjMultiSoftmax: "merror", ObjMultiSoftprob: "mlogloss", ObjCountPoisson: "poisson-nloglik",
		ObjRegGamma: "gamma-nloglik", ObjRegTweedie: "tweedie-nloglik@1.5"}
	for _, obj := range ObjectiveNames() {
		p := map[string]any{"objective": obj, "eval_metric": metricOf[obj]}
		if obj == ObjMultiSoftmax || obj == ObjMultiSoftprob {
			p["num_class"] = 3
		}
		cases = append(cases, tcase{obj, p, false, 0.01})
	}
	cases = append(cases,
		tcase{"weighted", map[string]any{"objective": ObjSquaredError, "eval_metric": "rmse"}, true, 0.01},
		tcase{"lossguide", map[string]any{"objective": ObjSquaredError, "eval_metric": "rmse", "grow_policy": "lossguide",
			"max_leaves": 12, "max_depth": 0}, false, 0.01},
		tcase{"regularised", map[string]any{"objective": ObjBinaryLogistic, "eval_metric": "logloss", "lambda": 5.0,
			"alpha": 1.0, "gamma": 0.5, "min_child_weight": 5.0, "max_delta_step": 0.8}, false, 0.01},
	)
	const rounds = 20
	var py []pyTrainCase
	var ours []float64
	for _, tc := range cases {
		obj := tc.params["objective"].(string)
		d := synthetic(t, 2000, 5, obj, tc.weighted, 11)
		v := synthetic(t, 600, 5, obj, false, 12)
		// Few distinct values per feature: the cuts are then the values
		// themselves in both libraries, so the models can be compared
		// without sketch differences.
		for _, m := range []*DMatrix{d, v} {
			for _, c := range m.cols {
				for i, x := range c {
					c[i] = float32(math.Round(math.Max(-3, math.Min(3, float64(x)))*8) / 8)
				}
			}
		}
		if obj == ObjSquaredLogError {
			for _, y := range [][]float32{d.label, v.label} {
				for i := range y {
					y[i] = float32(math.Abs(float64(y[i])))
				}
			}
		}
		params := map[string]any{"tree_method": "hist", "max_depth": 4, "eta": 0.3, "max_bin": 64, "nthread": 1, "seed": 0}
		for k, val := range tc.params {
			params[k] = val
		}
		p2 := map[string]any{"num_boost_round": rounds}
		for k, val := range params {
			p2[k] = val
		}
		cfg, err := NewConfig(p2)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res, err := Train(context.Background(), cfg, d, TrainOptions{Evals: []EvalSet{{"valid", v}}})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		vals := res.Evals["valid"][params["eval_metric"].(string)]
		ours = append(ours, vals[len(vals)-1])
		py = append(py, pyTrainCase{Params: params, Rounds: rounds, X: rowsOf(d), Y: d.label, W: d.weight, VX: rowsOf(v), VY: v.label})
	}
	var want []float64
	pyXGB(t, pyTrainScript, py, &want)
	for i, tc := range cases {
		rel := math.Abs(ours[i]-want[i]) / math.Max(math.Abs(want[i]), 1e-9)
		t.Logf("%-22s %-20s ours %-12.6g xgboost %-12.6g (%+.2f%%)", tc.name, tc.params["eval_metric"], ours[i], want[i], 100*(ours[i]-want[i])/want[i])
		if rel > tc.tol && math.Abs(ours[i]-want[i]) > 0.005 {
			t.Errorf("%s: %s ours %v, xgboost %v", tc.name, tc.params["eval_metric"], ours[i], want[i])
		}
	}
}
