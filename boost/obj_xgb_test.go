package boost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pyGradScript recovers XGBoost's gradient and hessian of single rows: a
// one-row DMatrix whose base_margin is the margin, one round with eta 1,
// alpha 0 and min_child_weight 0 gives a root leaf of -g/(h+lambda); two
// lambdas give g and h.
const pyGradScript = `
import json, sys, numpy as np, xgboost as xgb
out = []
for c in json.load(sys.stdin):
    k = max(1, c["num_class"])
    leaves = []
    for lam in (1.0, 2.0):
        d = xgb.DMatrix(np.zeros((1, 1), dtype=np.float32), label=np.array([c["label"]], dtype=np.float32),
                        base_margin=np.array(c["margin"], dtype=np.float32))
        p = {"objective": c["objective"], "eta": 1, "lambda": lam, "min_child_weight": 0, "max_depth": 1,
             "tree_method": "hist", "nthread": 1, "base_score": 0.5}
        p.update(c["extra"])
        if c["num_class"]:
            p["num_class"] = c["num_class"]
        b = xgb.train(p, d, 1)
        m = json.loads(b.save_raw("json"))
        leaves.append([t["split_conditions"][0] for t in m["learner"]["gradient_booster"]["model"]["trees"]])
    res = []
    for j in range(k):
        l1, l2 = leaves[0][j], leaves[1][j]
        if l1 == l2:
            res.append([0.0, None])
            continue
        h = (2 * l2 - l1) / (l1 - l2)
        res.append([-l1 * (h + 1), h])
    out.append(res)
print(json.dumps(out))
`

type gradCase struct {
	Objective string         `json:"objective"`
	NumClass  int            `json:"num_class"`
	Margin    []float32      `json:"margin"`
	Label     float32        `json:"label"`
	Extra     map[string]any `json:"extra"`
}

// TestGradientsAgainstXGBoost compares each objective's gradient and
// hessian on single rows with the ones XGBoost 1.7.4 trains on.
func TestGradientsAgainstXGBoost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	var cases []gradCase
	for _, obj := range ObjectiveNames() {
		if obj == ObjAbsoluteError {
			continue // its leaves are refreshed from residuals: not a gradient step
		}
		for r := 0; r < 2; r++ {
			c := gradCase{Objective: obj, Extra: map[string]any{}}
			m := float32(rng.NormFloat64())
			switch obj {
			case ObjBinaryLogistic, ObjRegLogistic, ObjBinaryLogitRaw:
				c.Label = float32(r % 2)
			case ObjBinaryHinge:
				c.Label = float32(r % 2)
				m *= 0.5 // inside the margin: a non-zero gradient
			case ObjMultiSoftmax, ObjMultiSoftprob:
				c.NumClass = 3
				c.Label = float32(r % 3)
			case ObjCountPoisson:
				c.Label = float32(r + 1)
				c.Extra["max_delta_step"] = 0.0
			case ObjRegGamma, ObjRegTweedie, ObjSquaredLogError:
				c.Label = float32(0.5 + rng.Float64()*3)
				m = float32(math.Abs(float64(m)))
			default:
				c.Label = float32(rng.NormFloat64() * 2)
			}
			c.Margin = []float32{m}
			if c.NumClass > 0 {
				c.Margin = []float32{m, float32(rng.NormFloat64()), float32(rng.NormFloat64())}
			}
			cases = append(cases, c)
		}
	}
	var want [][][2]*float64
	pyXGB(t, pyGradScript, cases, &want)
	for i, c := range cases {
		cfg := DefaultConfig()
		cfg.Objective, cfg.NumClass, cfg.PoissonMaxDeltaStep = c.Objective, c.NumClass, 0
		o, err := newObjective(&cfg)
		if err != nil {
			t.Fatal(err)
		}
		k := len(c.Margin)
		g, h := make([]float32, k), make([]float32, k)
		o.grad(c.Margin, []float32{c.Label}, nil, g, h, 0, k)
		for j := 0; j < k; j++ {
			wg, wh := want[i][j][0], want[i][j][1]
			if wh == nil { // zero gradient: the leaf carries no hessian information
				if math.Abs(float64(g[j])) > 1e-6 {
					t.Errorf("%s row %d class %d: grad %v, xgboost 0", c.Objective, i, j, g[j])
				}
				continue
			}
			if math.Abs(float64(g[j])-*wg) > 1e-3*(1+math.Abs(*wg)) || math.Abs(float64(h[j])-*wh) > 1e-3*(1+math.Abs(*wh)) {
				t.Errorf("%s m=%v y=%v class %d: (%v, %v), xgboost (%v, %v)", c.Objective, c.Margin, c.Label, j, g[j], h[j], *wg, *wh)
			}
		}
	}
}
