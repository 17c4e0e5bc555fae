package boost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pyMetricParamsScript is pyMetricScript with extra training parameters
// per case (huber_slope, tweedie_variance_power).
const pyMetricParamsScript = `
import json, sys, numpy as np, xgboost as xgb
out = []
for c in json.load(sys.stdin):
    n = len(c["label"])
    d = xgb.DMatrix(np.zeros((n, 1), dtype=np.float32), label=np.array(c["label"], dtype=np.float32),
                    weight=None if c["weight"] is None else np.array(c["weight"], dtype=np.float32),
                    base_margin=np.array(c["margin"], dtype=np.float32))
    p = {"objective": c["objective"], "eval_metric": c["metric"], "eta": 0, "nthread": 1}
    p.update(c["params"] or {})
    b = xgb.train(p, d, num_boost_round=1)
    out.append(float(b.eval_set([(d, "d")]).split(":")[1]))
print(json.dumps(out))
`

type metricParamCase struct {
	metricCase
	Params map[string]any `json:"params"`
}

// TestMetricsMoreAgainstXGBoost covers what TestMetricsAgainstXGBoost
// does not: multi-class auc and aucpr, metric parameters taken from the
// training parameters (huber_slope, tweedie_variance_power), other error
// thresholds, raw margins (binary:logitraw) and saturated probabilities.
func TestMetricsMoreAgainstXGBoost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 18))
	const n = 240
	mk := func(obj, metric string, k int, params map[string]any, label func() float32, weighted bool) metricParamCase {
		c := metricParamCase{metricCase{Objective: obj, Metric: metric, NumClass: k}, params}
		for i := 0; i < n; i++ {
			c.Label = append(c.Label, label())
			for j := 0; j < max(k, 1); j++ {
				c.Margin = append(c.Margin, float32(math.Round(rng.NormFloat64()*8)/8)) // ties
			}
			if weighted {
				c.Weight = append(c.Weight, float32(0.2+rng.Float64()))
			}
		}
		if k > 0 {
			c.Params = map[string]any{"num_class": k}
		}
		return c
	}
	cls := func() float32 { return float32(rng.IntN(4)) }
	bin := func() float32 { return float32(rng.IntN(2)) }
	reg := func() float32 { return float32(rng.NormFloat64() * 2) }
	cnt := func() float32 { return float32(rng.IntN(4)) }
	var cases []metricParamCase
	for _, w := range []bool{false, true} {
		cases = append(cases,
			mk(ObjMultiSoftprob, "auc", 4, nil, cls, w),
			mk(ObjMultiSoftprob, "aucpr", 4, nil, cls, w),
			mk(ObjMultiSoftmax, "merror", 4, nil, cls, w),
			mk(ObjPseudoHuberError, "mphe", 0, map[string]any{"huber_slope": 2.5}, reg, w),
			mk(ObjRegTweedie, "tweedie-nloglik@1.2", 0, map[string]any{"tweedie_variance_power": 1.7}, cnt, w),
			mk(ObjBinaryLogistic, "error@0.25", 0, nil, bin, w),
			mk(ObjBinaryLogitRaw, "logloss", 0, nil, bin, w),
			mk(ObjBinaryLogitRaw, "auc", 0, nil, bin, w),
			mk(ObjRegLogistic, "rmse", 0, nil, bin, w),
			mk(ObjBinaryHinge, "error", 0, nil, bin, w),
		)
	}
	// Margins of ±40 saturate the sigmoid in float32: to exactly 1, and to
	// 4.2e-18, below logloss's clipping at 1e-16.
	sat := mk(ObjBinaryLogistic, "logloss", 0, nil, bin, false)
	for i := range sat.Margin {
		sat.Margin[i] *= 40
	}
	cases = append(cases, sat)
	var want []float64
	pyXGB(t, pyMetricParamsScript, cases, &want)
	for i, c := range cases {
		cfg := DefaultConfig()
		if v, ok := c.Params["huber_slope"]; ok {
			cfg.HuberSlope = v.(float64)
		}
		if v, ok := c.Params["tweedie_variance_power"]; ok {
			cfg.TweedieVarPow = v.(float64)
		}
		groups := max(c.NumClass, 1)
		got, err := Metric(c.Metric, evalTransform(c.Objective, c.Margin, groups), c.Label, c.Weight, groups, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s/%s weighted=%v: ours %.10g, xgboost %.10g", c.Objective, c.Metric, c.Weight != nil, got, want[i])
		}
	}
}
