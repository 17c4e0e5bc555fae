package boost

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// metricCase is one metric evaluated on margins for an objective.
type metricCase struct {
	Objective string    `json:"objective"`
	Metric    string    `json:"metric"`
	NumClass  int       `json:"num_class"`
	Margin    []float32 `json:"margin"`
	Label     []float32 `json:"label"`
	Weight    []float32 `json:"weight"`
}

func metricCases() []metricCase {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 300
	mk := func(obj, metric string, k int, label func() float32, weighted bool) metricCase {
		c := metricCase{Objective: obj, Metric: metric, NumClass: k}
		groups := max(k, 1)
		for i := 0; i < n; i++ {
			c.Label = append(c.Label, label())
			for j := 0; j < groups; j++ {
				c.Margin = append(c.Margin, float32(rng.NormFloat64()))
			}
			if weighted {
				c.Weight = append(c.Weight, float32(0.2+rng.Float64()))
			}
		}
		return c
	}
	bin := func() float32 { return float32(rng.IntN(2)) }
	pos := func() float32 { return float32(0.1 + 3*rng.Float64()) }
	cnt := func() float32 { return float32(rng.IntN(5)) }
	cls := func() float32 { return float32(rng.IntN(3)) }
	reg := func() float32 { return float32(rng.NormFloat64()) }
	var out []metricCase
	for _, w := range []bool{false, true} {
		out = append(out,
			mk(ObjSquaredError, "rmse", 0, reg, w),
			mk(ObjSquaredError, "mae", 0, reg, w),
			mk(ObjSquaredError, "mape", 0, pos, w),
			mk(ObjPseudoHuberError, "mphe", 0, reg, w),
			mk(ObjSquaredLogError, "rmsle", 0, pos, w),
			mk(ObjBinaryLogistic, "logloss", 0, bin, w),
			mk(ObjBinaryLogistic, "error", 0, bin, w),
			mk(ObjBinaryLogistic, "error@0.7", 0, bin, w),
			mk(ObjBinaryLogistic, "auc", 0, bin, w),
			mk(ObjBinaryLogistic, "aucpr", 0, bin, w),
			mk(ObjMultiSoftprob, "merror", 3, cls, w),
			mk(ObjMultiSoftprob, "mlogloss", 3, cls, w),
			mk(ObjMultiSoftmax, "mlogloss", 3, cls, w),
			mk(ObjCountPoisson, "poisson-nloglik", 0, cnt, w),
			mk(ObjRegGamma, "gamma-nloglik", 0, pos, w),
			mk(ObjRegTweedie, "tweedie-nloglik@1.5", 0, cnt, w),
		)
	}
	// rmsle needs predictions > -1: shift its margins.
	for i := range out {
		if out[i].Metric == "rmsle" {
			for j := range out[i].Margin {
				out[i].Margin[j] = float32(math.Abs(float64(out[i].Margin[j])))
			}
		}
	}
	// Ties in scores exercise the grouped segments of auc/aucpr.
	tied := mk(ObjBinaryLogistic, "auc", 0, bin, true)
	for j := range tied.Margin {
		tied.Margin[j] = float32(math.Round(float64(tied.Margin[j]) * 2))
	}
	tiedPR := tied
	tiedPR.Metric = "aucpr"
	return append(out, tied, tiedPR)
}

func evalCase(t *testing.T, c metricCase) float64 {
	t.Helper()
	groups := max(c.NumClass, 1)
	cfg := DefaultConfig()
	v, err := Metric(c.Metric, evalTransform(c.Objective, c.Margin, groups), c.Label, c.Weight, groups, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMetricsIndependent checks metrics against direct formulas.
func TestMetricsIndependent(t *testing.T) {
	pred := []float32{0.1, 0.4, 0.35, 0.8}
	label := []float32{0, 0, 1, 1}
	tests := []struct {
		metric string
		want   float64
	}{
		{"rmse", math.Sqrt((0.01 + 0.16 + 0.4225 + 0.04) / 4)},
		{"mae", (0.1 + 0.4 + 0.65 + 0.2) / 4},
		{"error", 0.25},
		{"error@0.38", 0.5},
		{"auc", 0.75}, // the classic 4-point example
		{"logloss", -(math.Log(0.9) + math.Log(0.6) + math.Log(0.35) + math.Log(0.8)) / 4},
	}
	for _, tc := range tests {
		t.Run(tc.metric, func(t *testing.T) {
			got, err := Metric(tc.metric, pred, label, nil, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("%s = %v, want %v", tc.metric, got, tc.want)
			}
		})
	}
	// Weighted AUC equals the probability that a random (weighted)
	// positive outranks a random negative, ties counting one half.
	for _, c := range metricCases() {
		if c.Metric != "auc" || c.NumClass > 1 {
			continue
		}
		p := evalTransform(c.Objective, c.Margin, 1)
		var num, den float64
		for i := range p {
			for j := range p {
				if c.Label[i] == 1 && c.Label[j] == 0 {
					w := float64(wt(c.Weight, i)) * float64(wt(c.Weight, j))
					den += w
					switch {
					case p[i] > p[j]:
						num += w
					case p[i] == p[j]:
						num += w / 2
					}
				}
			}
		}
		if got := evalCase(t, c); math.Abs(got-num/den) > 1e-9 {
			t.Errorf("auc = %v, pairwise = %v", got, num/den)
		}
	}
	if _, err := Metric("ndcgx", pred, label, nil, 1, nil); !errors.Is(err, ErrParam) {
		t.Errorf("unknown metric: %v", err)
	}
}

const pyMetricScript = `
import json, sys, numpy as np, xgboost as xgb
out = []
for c in json.load(sys.stdin):
    n = len(c["label"])
    X = np.zeros((n, 1), dtype=np.float32)
    d = xgb.DMatrix(X, label=np.array(c["label"], dtype=np.float32),
                    weight=None if c["weight"] is None else np.array(c["weight"], dtype=np.float32),
                    base_margin=np.array(c["margin"], dtype=np.float32))
    p = {"objective": c["objective"], "eval_metric": c["metric"], "eta": 0, "nthread": 1}
    if c["num_class"]:
        p["num_class"] = c["num_class"]
    b = xgb.train(p, d, num_boost_round=1)
    out.append(float(b.eval_set([(d, "d")]).split(":")[1]))
print(json.dumps(out))
`

// TestMetricsAgainstXGBoost evaluates every metric on the same margins
// with XGBoost 1.7.4 (a one-round model with eta 0 predicts the base
// margin) and compares.
func TestMetricsAgainstXGBoost(t *testing.T) {
	t.Parallel()
	cases := metricCases()
	var want []float64
	pyXGB(t, pyMetricScript, cases, &want)
	for i, c := range cases {
		got := evalCase(t, c)
		tol := 1e-5 * math.Max(1, math.Abs(want[i]))
		if math.Abs(got-want[i]) > tol {
			t.Errorf("%s/%s weighted=%v: ours %.10g, xgboost %.10g", c.Objective, c.Metric, c.Weight != nil, got, want[i])
		}
	}
}

// TestUnweightedSumsMatchLoop checks that the metrics with an inlined
// unweighted sum give, bit for bit, what the weighted loop gives with all
// weights 1, on values from tiny to huge.
func TestUnweightedSumsMatchLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 5000
	pred, label, ones := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range pred {
		scale := float32(math.Pow(10, float64(rng.IntN(61)-30)))
		pred[i] = (rng.Float32() - 0.3) * scale
		label[i] = float32(rng.IntN(2))
		if i%3 == 0 {
			label[i] = (rng.Float32() - 0.5) * scale
		}
		ones[i] = 1
	}
	pred[7], label[7] = 0.5, 1 // the error threshold itself
	for _, name := range []string{"rmse", "mae", "error", "error@0.7"} {
		m, err := newMetric(name, &Config{})
		if err != nil {
			t.Fatal(err)
		}
		if m.sum == nil {
			t.Fatalf("%s: no unweighted sum", name)
		}
		got := m.eval(pred, label, nil, 1)
		want := m.eval(pred, label, ones, 1)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s: unweighted %v (%x), with unit weights %v (%x)", name, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
}
