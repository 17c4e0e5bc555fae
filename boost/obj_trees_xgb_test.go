package boost

import (
	"context"
	"math"
	"math/rand/v2"

	"testing"
)

// pyTreesScript trains in XGBoost 1.7.4 and returns the base score and
// every tree's split_conditions (thresholds and leaf values) from the
// saved model.
const pyTreesScript = `
import json, sys, numpy as np, xgboost as xgb
out = []
for c in json.load(sys.stdin):
    d = xgb.DMatrix(np.array(c["x"], dtype=np.float32), label=np.array(c["y"], dtype=np.float32),
                    weight=None if c["w"] is None else np.array(c["w"], dtype=np.float32))
    b = xgb.train(c["params"], d, c["rounds"])
    m = json.loads(b.save_raw("json"))["learner"]
    out.append({"base_score": float(m["learner_model_param"]["base_score"]),
                "trees": [t["split_conditions"] for t in m["gradient_booster"]["model"]["trees"]]})
print(json.dumps(out))
`

type pyTreesCase struct {
	X      [][]float32    `json:"x"`
	Y      []float32      `json:"y"`
	W      []float32      `json:"w"`
	Params map[string]any `json:"params"`
	Rounds int            `json:"rounds"`
}

// TestTreesMatchXGBoost trains every objective, with and without sample
// weights, here and in XGBoost 1.7.4 on data whose cuts are the feature
// values themselves in both, and compares the models tree by tree: every
// threshold and leaf value, and the base score (estimated from the
// weighted median of the labels for reg:absoluteerror, whose leaves are
// refreshed to the median residual).
func TestTreesMatchXGBoost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(61, 62))
	const n, nf, rounds = 300, 3, 3
	var cases []pyTreesCase
	var names []string
	var ours []*Model
	for _, obj := range ObjectiveNames() {
		for _, weighted := range []bool{false, true} {
			c := pyTreesCase{Rounds: rounds, Params: map[string]any{"objective": obj, "tree_method": "hist",
				"max_depth": 3, "eta": 0.3, "nthread": 1, "min_child_weight": 0}}
			if obj == ObjMultiSoftmax || obj == ObjMultiSoftprob {
				c.Params["num_class"] = 3
			}
			cols := make([][]float32, nf)
			for j := range cols {
				cols[j] = make([]float32, n)
			}
			for i := 0; i < n; i++ {
				row := make([]float32, nf)
				for j := range row {
					row[j] = float32(rng.IntN(5))
					cols[j][i] = row[j]
				}
				c.X = append(c.X, row)
				s := 0.6*float64(row[0]) - 0.4*float64(row[1]) + 0.5*rng.NormFloat64()
				var y float64
				switch obj {
				case ObjBinaryLogistic, ObjBinaryLogitRaw, ObjBinaryHinge, ObjRegLogistic:
					y = b2f(s > 0.5)
				case ObjMultiSoftmax, ObjMultiSoftprob:
					y = float64(min(2, max(0, int(math.Round(s)))))
				case ObjCountPoisson:
					y = math.Round(math.Exp(s / 2))
				case ObjRegGamma, ObjRegTweedie, ObjSquaredLogError:
					y = math.Round(math.Exp(s/2)*100) / 100
				default:
					y = math.Round(s*100) / 100
				}
				c.Y = append(c.Y, float32(y))
				if weighted {
					c.W = append(c.W, float32(0.5+rng.Float64()))
				}
			}
			d, err := NewDMatrix32(cols, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			if weighted {
				w := make([]float64, n)
				for i, v := range c.W {
					w[i] = float64(v)
				}
				if err := d.SetWeight(w); err != nil {
					t.Fatal(err)
				}
			}
			p := map[string]any{"num_boost_round": rounds}
			for k, v := range c.Params {
				p[k] = v
			}
			cfg, err := NewConfig(p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Train(context.Background(), cfg, d, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cases, ours = append(cases, c), append(ours, res.Model)
			names = append(names, obj+map[bool]string{false: "", true: "/weighted"}[weighted])
		}
	}
	var want []struct {
		BaseScore float64     `json:"base_score"`
		Trees     [][]float64 `json:"trees"`
	}
	pyXGB(t, pyTreesScript, cases, &want)
	for i, m := range ours {
		t.Run(names[i], func(t *testing.T) {
			if math.Abs(float64(m.BaseScore)-want[i].BaseScore) > 1e-6*math.Max(1, math.Abs(want[i].BaseScore)) {
				t.Errorf("base_score %v, xgboost %v", m.BaseScore, want[i].BaseScore)
			}
			if len(m.Trees) != len(want[i].Trees) {
				t.Fatalf("%d trees, xgboost %d", len(m.Trees), len(want[i].Trees))
			}
			for k, tr := range m.Trees {
				w := want[i].Trees[k]
				if len(tr.SplitCond) != len(w) {
					t.Fatalf("tree %d: %d nodes, xgboost %d", k, len(tr.SplitCond), len(w))
				}
				for nd, v := range tr.SplitCond {
					if math.Abs(float64(v)-w[nd]) > 1e-5*math.Max(1, math.Abs(w[nd])) {
						t.Errorf("tree %d node %d (leaf %v): %v, xgboost %v", k, nd, tr.IsLeaf(nd), v, w[nd])
					}
				}
			}
		})
	}
}
