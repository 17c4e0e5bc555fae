package boost

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestEveryParameterChecked gives every parameter of the issue (and the
// objective parameters) a value outside its range, or of the wrong type,
// and requires a *ParamError naming it and its allowed values. XGBoost
// 1.7.4 rejects the same values, except where the comment says that we are
// stricter.
func TestEveryParameterChecked(t *testing.T) {
	tests := []struct {
		params map[string]any
		name   string
		allow  string
	}{
		{map[string]any{"eta": -0.1}, "eta", "[0, inf)"},
		{map[string]any{"learning_rate": math.Inf(1)}, "eta", "[0, inf)"},
		{map[string]any{"max_depth": -1}, "max_depth", "[0, 31]"},
		{map[string]any{"max_depth": 40}, "max_depth", "[0, 31]"},                   // stricter: tree depth limit
		{map[string]any{"max_depth": 0}, "max_depth", "with grow_policy=depthwise"}, // stricter: XGBoost grows without limit
		{map[string]any{"min_child_weight": -1}, "min_child_weight", "[0, inf)"},
		{map[string]any{"gamma": -1}, "gamma", "[0, inf)"},
		{map[string]any{"min_split_loss": "nan"}, "gamma", "[0, inf)"},
		{map[string]any{"lambda": -1}, "lambda", "[0, inf)"},
		{map[string]any{"reg_lambda": "x"}, "reg_lambda", "a number"},
		{map[string]any{"alpha": -1}, "alpha", "[0, inf)"},
		{map[string]any{"max_delta_step": -1}, "max_delta_step", "[0, inf)"},
		{map[string]any{"objective": "count:poisson", "max_delta_step": -1}, "max_delta_step", "[0, inf)"},
		{map[string]any{"subsample": 1.5}, "subsample", "(0, 1]"},
		{map[string]any{"subsample": 0}, "subsample", "(0, 1]"}, // stricter: XGBoost allows 0
		{map[string]any{"colsample_bytree": 0}, "colsample_bytree", "(0, 1]"},
		{map[string]any{"colsample_bylevel": 1.1}, "colsample_bylevel", "(0, 1]"},
		{map[string]any{"colsample_bynode": -1}, "colsample_bynode", "(0, 1]"},
		{map[string]any{"max_bin": 1}, "max_bin", "[2, 256]"},
		{map[string]any{"max_bin": 1000}, "max_bin", "[2, 256]"}, // stricter: uint8 bins
		{map[string]any{"grow_policy": "x"}, "grow_policy", "depthwise, lossguide"},
		{map[string]any{"max_leaves": -1}, "max_leaves", "[0, inf)"},
		{map[string]any{"objective": "binary:logistic", "base_score": 0}, "base_score", "(0, 1)"},
		{map[string]any{"objective": "reg:gamma", "base_score": -1}, "base_score", "(0, inf)"},
		{map[string]any{"base_score": math.Inf(1)}, "base_score", "a finite number"},
		{map[string]any{"scale_pos_weight": -1}, "scale_pos_weight", "(0, inf)"},
		{map[string]any{"seed": "abc"}, "seed", "an integer"},
		{map[string]any{"random_state": 1.5}, "random_state", "an integer"},
		{map[string]any{"nthread": -1}, "nthread", "[0, inf)"}, // stricter: XGBoost reads -1 as all cores
		{map[string]any{"objective": "x"}, "objective", "one of reg:squarederror"},
		{map[string]any{"eval_metric": "x"}, "eval_metric", "one of rmse"},
		{map[string]any{"eval_metric": []any{"rmse", 3}}, "eval_metric", "metric names"},
		{map[string]any{"eval_metric": "tweedie-nloglik@2"}, "eval_metric", "rho in (1, 2)"},
		{map[string]any{"eval_metric": "auc@3"}, "eval_metric", "one of"},
		{map[string]any{"objective": "multi:softmax", "num_class": 1}, "num_class", "[2, inf)"},
		{map[string]any{"num_class": 3}, "num_class", "0 or 1 for reg:squarederror"},
		{map[string]any{"objective": "reg:pseudohubererror", "huber_slope": 0}, "huber_slope", "(0, inf)"},
		{map[string]any{"objective": "reg:tweedie", "tweedie_variance_power": 2}, "tweedie_variance_power", "(1, 2)"},
		{map[string]any{"objective": "reg:tweedie", "tweedie_variance_power": 1}, "tweedie_variance_power", "(1, 2)"}, // stricter
		{map[string]any{"tree_method": "exact"}, "tree_method", "hist"},
		{map[string]any{"booster": "gblinear"}, "booster", "gbtree"},
		{map[string]any{"num_boost_round": -1}, "num_boost_round", "[0, inf)"},
		{map[string]any{"n_estimators": "ten"}, "n_estimators", "an integer"},
		{map[string]any{"early_stopping_rounds": -1}, "early_stopping_rounds", "[0, inf)"},
		{map[string]any{"etaa": 1}, "etaa", ""}, // XGBoost only warns
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.params), func(t *testing.T) {
			_, err := NewConfig(tc.params)
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrParam) {
				t.Fatalf("err = %v, want a *ParamError", err)
			}
			if pe.Name != tc.name || !strings.Contains(pe.Allowed, tc.allow) {
				t.Errorf("got %q allowed %q; want %q allowed %q", pe.Name, pe.Allowed, tc.name, tc.allow)
			}
			if !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.allow) {
				t.Errorf("message %q does not name the parameter and its range", err)
			}
		})
	}
}

// TestParameterBoundsAccepted checks the edges of the ranges that are
// allowed.
func TestParameterBoundsAccepted(t *testing.T) {
	for _, p := range []map[string]any{
		{"eta": 0}, {"max_depth": 31}, {"min_child_weight": 0}, {"lambda": 0}, {"subsample": 1},
		{"colsample_bytree": 1e-9}, {"max_bin": 2}, {"max_bin": 256}, {"max_depth": 0, "grow_policy": "lossguide"},
		{"objective": "binary:logistic", "base_score": 0.999}, {"seed": int64(1 << 40)}, {"nthread": 0},
		{"objective": "reg:tweedie", "tweedie_variance_power": 1.999}, {"eval_metric": "error@0.9,tweedie-nloglik@1.1"},
		{"tree_method": "approx"}, {"booster": "gbtree"}, {"verbosity": 2}, {"num_boost_round": 0},
	} {
		if _, err := NewConfig(p); err != nil {
			t.Errorf("%v: %v", p, err)
		}
	}
}

// pyConfigScript trains one round per objective with XGBoost 1.7.4's
// defaults and returns the saved configuration and the name of the
// default eval metric.
const pyConfigScript = `
import json, sys, numpy as np, xgboost as xgb
out = []
rng = np.random.default_rng(3)
for c in json.load(sys.stdin):
    X = rng.random((40, 2), dtype=np.float32)
    d = xgb.DMatrix(X, label=np.array(c["label"], dtype=np.float32))
    p = {"objective": c["objective"], "tree_method": "hist"}
    if c["num_class"]:
        p["num_class"] = c["num_class"]
    b = xgb.train(p, d, 1)
    name = b.eval_set([(d, "d")]).split("\t")[1].split(":")[0][2:]
    l = json.loads(b.save_config())["learner"]
    out.append({"train": l["gradient_booster"]["updater"]["grow_quantile_histmaker"]["train_param"],
                "generic": l["generic_param"], "base_score": l["learner_model_param"]["base_score"],
                "objective": l["objective"], "metric": name})
print(json.dumps(out))
`

// TestDefaultsMatchXGBoost compares DefaultConfig, the objectives'
// parameters and default eval metrics with what XGBoost 1.7.4 reports in
// its saved configuration.
func TestDefaultsMatchXGBoost(t *testing.T) {
	t.Parallel()
	type pc struct {
		Objective string    `json:"objective"`
		NumClass  int       `json:"num_class"`
		Label     []float32 `json:"label"`
	}
	var in []pc
	for _, obj := range ObjectiveNames() {
		c := pc{Objective: obj}
		for i := 0; i < 40; i++ {
			switch obj {
			case ObjBinaryLogistic, ObjBinaryLogitRaw, ObjBinaryHinge, ObjRegLogistic:
				c.Label = append(c.Label, float32(i%2))
			case ObjMultiSoftmax, ObjMultiSoftprob:
				c.NumClass = 3
				c.Label = append(c.Label, float32(i%3))
			default:
				c.Label = append(c.Label, float32(1+i%4))
			}
		}
		in = append(in, c)
	}
	var out []struct {
		Train     map[string]string `json:"train"`
		Generic   map[string]string `json:"generic"`
		BaseScore string            `json:"base_score"`
		Objective map[string]any    `json:"objective"`
		Metric    string            `json:"metric"`
	}
	pyXGB(t, pyConfigScript, in, &out)
	def := DefaultConfig()
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return v
	}
	// Tree parameters (XGBoost writes eta as a float32).
	tp := out[0].Train
	for _, c := range []struct {
		name string
		ours float64
	}{
		{"eta", float64(float32(def.Eta))}, {"max_depth", float64(def.MaxDepth)}, {"min_child_weight", def.MinChildWeight},
		{"gamma", def.Gamma}, {"lambda", def.Lambda}, {"alpha", def.Alpha}, {"max_delta_step", def.MaxDeltaStep},
		{"subsample", def.Subsample}, {"colsample_bytree", def.ColsampleByTree}, {"colsample_bylevel", def.ColsampleByLvl},
		{"colsample_bynode", def.ColsampleByNode}, {"max_bin", float64(def.MaxBin)}, {"max_leaves", float64(def.MaxLeaves)},
	} {
		if got := num(tp[c.name]); float64(float32(got)) != c.ours {
			t.Errorf("%s: ours %v, xgboost %v", c.name, c.ours, got)
		}
	}
	if tp["grow_policy"] != def.GrowPolicy {
		t.Errorf("grow_policy: ours %s, xgboost %s", def.GrowPolicy, tp["grow_policy"])
	}
	g := out[0].Generic
	if num(g["seed"]) != float64(def.Seed) || num(g["nthread"]) != float64(def.NThread) {
		t.Errorf("seed/nthread: ours %d/%d, xgboost %s/%s", def.Seed, def.NThread, g["seed"], g["nthread"])
	}
	objParam := func(o map[string]any, key string) (float64, bool) {
		for _, sub := range o {
			if m, ok := sub.(map[string]any); ok {
				if v, ok := m[key].(string); ok {
					return num(v), true
				}
			}
		}
		return 0, false
	}
	for i, obj := range ObjectiveNames() {
		t.Run(obj, func(t *testing.T) {
			l := out[i]
			if name := l.Objective["name"]; fmt.Sprint(name) != obj {
				t.Errorf("objective %v", name)
			}
			cfg, err := NewConfig(map[string]any{"objective": obj, "num_class": in[i].NumClass})
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := objParam(l.Objective, "scale_pos_weight"); ok && v != cfg.ScalePosWeight {
				t.Errorf("scale_pos_weight: ours %v, xgboost %v", cfg.ScalePosWeight, v)
			}
			if v, ok := objParam(l.Objective, "huber_slope"); ok && v != cfg.HuberSlope {
				t.Errorf("huber_slope: ours %v, xgboost %v", cfg.HuberSlope, v)
			}
			if v, ok := objParam(l.Objective, "tweedie_variance_power"); ok && v != cfg.TweedieVarPow {
				t.Errorf("tweedie_variance_power: ours %v, xgboost %v", cfg.TweedieVarPow, v)
			}
			if v, ok := objParam(l.Objective, "max_delta_step"); ok && float32(v) != float32(cfg.PoissonMaxDeltaStep) {
				t.Errorf("count:poisson max_delta_step: ours %v, xgboost %v", cfg.PoissonMaxDeltaStep, v)
			}
			// The default eval metric, as Train picks it.
			d, err := NewDMatrix32([][]float32{make([]float32, 40)}, in[i].Label)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Rounds = 1
			res, err := Train(context.Background(), cfg, d, TrainOptions{Evals: []EvalSet{{"d", d}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := res.Evals["d"][out[i].Metric]; !ok || len(res.Evals["d"]) != 1 {
				t.Errorf("default metric: ours %v, xgboost %s", res.Evals["d"], out[i].Metric)
			}
			// The base score: 0.5, or estimated for reg:absoluteerror.
			if obj != ObjAbsoluteError {
				if bs := num(l.BaseScore); bs != 0.5 || res.Model.BaseScore != 0.5 {
					t.Errorf("base_score: ours %v, xgboost %v", res.Model.BaseScore, bs)
				}
			}
		})
	}
}
