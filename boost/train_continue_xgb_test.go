package boost

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// pyContinueScript continues our saved model in XGBoost 1.7.4 (xgb_model)
// and returns the trees, plus XGBoost's own half model (as JSON) and the
// trees of the whole run.
const pyContinueScript = `
import json, os, sys, tempfile, numpy as np, xgboost as xgb
out = []
def trees(b):
    m = json.loads(b.save_raw("json"))
    return [t["split_conditions"] for t in m["learner"]["gradient_booster"]["model"]["trees"]]
for c in json.load(sys.stdin):
    d = xgb.DMatrix(np.array(c["x"], dtype=np.float32), label=np.array(c["y"], dtype=np.float32),
                    weight=np.array(c["w"], dtype=np.float32))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ours.json")
        with open(path, "w") as f:
            f.write(c["ours"])
        cont = xgb.train(c["params"], d, c["rounds"], xgb_model=path)
    half = xgb.train(c["params"], d, c["rounds"])
    whole = xgb.train(c["params"], d, 2 * c["rounds"])
    out.append({"continued": trees(cont), "half": half.save_raw("json").decode(), "whole": trees(whole)})
print(json.dumps(out))
`

type pyContinueCase struct {
	X      [][]float32    `json:"x"`
	Y      []float32      `json:"y"`
	W      []float32      `json:"w"`
	Params map[string]any `json:"params"`
	Rounds int            `json:"rounds"`
	Ours   string         `json:"ours"`
}

// TestContinuationWithXGBoost continues training across the two
// libraries: XGBoost continues a model we trained and saved, and we
// continue one XGBoost trained; either way the result is the model that
// the whole run gives (trees compared node by node).
func TestContinuationWithXGBoost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(91, 92))
	const n, nf, rounds = 300, 3, 3
	ctx := context.Background()
	var cases []pyContinueCase
	var datas []*DMatrix
	var cfgs []Config
	var wholes []*Model
	for _, obj := range []string{ObjSquaredError, ObjBinaryLogistic} {
		c := pyContinueCase{Rounds: rounds, Params: map[string]any{"objective": obj, "tree_method": "hist",
			"max_depth": 3, "eta": 0.3, "nthread": 1}}
		cols := make([][]float32, nf)
		w := make([]float64, n)
		for i := 0; i < n; i++ {
			row := make([]float32, nf)
			for j := range row {
				row[j] = float32(rng.IntN(6))
				cols[j] = append(cols[j], row[j])
			}
			c.X = append(c.X, row)
			s := 0.5*float64(row[0]) - 0.3*float64(row[2]) + 0.4*rng.NormFloat64()
			if obj == ObjBinaryLogistic {
				s = b2f(s > 1)
			}
			c.Y = append(c.Y, float32(math.Round(s*100)/100))
			w[i] = 0.5 + rng.Float64()
			c.W = append(c.W, float32(w[i]))
		}
		d, err := NewDMatrix32(cols, c.Y)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetWeight(w); err != nil {
			t.Fatal(err)
		}
		p := map[string]any{"num_boost_round": rounds}
		for k, v := range c.Params {
			p[k] = v
		}
		cfg, err := NewConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		half, err := Train(ctx, cfg, d, TrainOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c.Ours = string(modelJSON(t, half.Model))
		cfg2 := cfg
		cfg2.Rounds = 2 * rounds
		whole, err := Train(ctx, cfg2, d, TrainOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cases, datas, cfgs, wholes = append(cases, c), append(datas, d), append(cfgs, cfg), append(wholes, whole.Model)
	}
	var want []struct {
		Continued [][]float64 `json:"continued"`
		Half      string      `json:"half"`
		Whole     [][]float64 `json:"whole"`
	}
	pyXGB(t, pyContinueScript, cases, &want)
	same := func(t *testing.T, what string, m *Model, w [][]float64) {
		t.Helper()
		if len(m.Trees) != len(w) {
			t.Fatalf("%s: %d trees, want %d", what, len(m.Trees), len(w))
		}
		for k, tr := range m.Trees {
			if len(tr.SplitCond) != len(w[k]) {
				t.Fatalf("%s: tree %d has %d nodes, want %d", what, k, len(tr.SplitCond), len(w[k]))
			}
			for nd, v := range tr.SplitCond {
				if math.Abs(float64(v)-w[k][nd]) > 1e-5*math.Max(1, math.Abs(w[k][nd])) {
					t.Errorf("%s: tree %d node %d: %v, want %v", what, k, nd, v, w[k][nd])
				}
			}
		}
	}
	for i, c := range cases {
		t.Run(c.Params["objective"].(string), func(t *testing.T) {
			w := want[i]
			same(t, "our whole run vs XGBoost's", wholes[i], w.Whole)
			same(t, "XGBoost continuing our model vs its whole run", wholes[i], w.Continued)
			half, err := DecodeModel([]byte(w.Half))
			if err != nil {
				t.Fatal(err)
			}
			cont, err := Train(ctx, cfgs[i], datas[i], TrainOptions{InitModel: half})
			if err != nil {
				t.Fatal(err)
			}
			same(t, "our continuation of XGBoost's model vs its whole run", cont.Model, w.Whole)
		})
	}
}
