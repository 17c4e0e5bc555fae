package boost

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// pyTrainModelScript trains each case in XGBoost 1.7.4 and returns every
// tree's arrays from the saved JSON model and the training rows' margins.
// A case may name the features, continue an initial model (JSON text)
// and set early_stopping_rounds; the strings "inf" and "-inf" stand for
// infinities in x and y. A case whose training fails returns the error
// message instead.
const pyTrainModelScript = `
import json, os, sys, tempfile, numpy as np, xgboost as xgb
out = []
def value(v):
    return np.nan if v is None else {"inf": np.inf, "-inf": -np.inf}.get(v, v)
for c in json.load(sys.stdin):
    try:
        x = np.array([[value(v) for v in r] for r in c["x"]], dtype=np.float32)
        d = xgb.DMatrix(x, label=np.array([value(v) for v in c["y"]], dtype=np.float32),
                        weight=None if c["w"] is None else np.array(c["w"], dtype=np.float32), missing=np.nan,
                        feature_names=c.get("names"))
        kw = {}
        if c.get("early_stopping_rounds"):
            kw["early_stopping_rounds"] = c["early_stopping_rounds"]
        with tempfile.TemporaryDirectory() as tmp:
            if c.get("init"):
                kw["xgb_model"] = os.path.join(tmp, "init.json")
                with open(kw["xgb_model"], "w") as f:
                    f.write(c["init"])
            b = xgb.train(c["params"], d, c["rounds"], **kw)
    except Exception as e:
        out.append({"error": str(e)})
        continue
    m = json.loads(b.save_raw("json"))["learner"]
    trees = []
    for t in m["gradient_booster"]["model"]["trees"]:
        trees.append({k: t[k] for k in ("left_children", "split_indices", "split_conditions", "default_left",
                                        "loss_changes", "base_weights", "sum_hessian")})
    margin = b.predict(d, output_margin=True)
    out.append({"trees": trees, "margin": [float(v) for v in margin],
                "base_score": float(m["learner_model_param"]["base_score"])})
print(json.dumps(out))
`

type pyModelCase struct {
	X             [][]any        `json:"x"`
	Y             []any          `json:"y"`
	W             []float32      `json:"w"`
	Params        map[string]any `json:"params"`
	Rounds        int            `json:"rounds"`
	Names         []string       `json:"names,omitempty"`
	Init          string         `json:"init,omitempty"`
	EarlyStopping int            `json:"early_stopping_rounds,omitempty"`
}

// pyValue is v as pyTrainModelScript reads it: nil for NaN, a string for
// an infinity.
func pyValue(v float32) any {
	switch {
	case v != v:
		return nil
	case math.IsInf(float64(v), 1):
		return "inf"
	case math.IsInf(float64(v), -1):
		return "-inf"
	}
	return v
}

type pyTree struct {
	Left    []int32   `json:"left_children"`
	Index   []int32   `json:"split_indices"`
	Cond    []float64 `json:"split_conditions"`
	Default []int     `json:"default_left"`
	Loss    []float64 `json:"loss_changes"`
	Weight  []float64 `json:"base_weights"`
	SumHess []float64 `json:"sum_hessian"`
}

type pyModel struct {
	Error     string    `json:"error"`
	Trees     []pyTree  `json:"trees"`
	Margin    []float64 `json:"margin"`
	BaseScore float64   `json:"base_score"`
}

// xgbModels trains the cases in XGBoost (see pyTrainModelScript).
func xgbModels(t *testing.T, cases []pyModelCase) []pyModel {
	t.Helper()
	var out []pyModel
	pyXGB(t, pyTrainModelScript, cases, &out)
	if len(out) != len(cases) {
		t.Fatalf("xgboost returned %d models for %d cases", len(out), len(cases))
	}
	return out
}

// newModelCase returns the XGBoost case for d and params (which must hold
// num_boost_round).
func newModelCase(d *DMatrix, params map[string]any) pyModelCase {
	p := map[string]any{}
	rounds := 0
	for k, v := range params {
		if k == "num_boost_round" {
			rounds = v.(int)
			continue
		}
		p[k] = v
	}
	x := make([][]any, d.rows)
	for i := range x {
		x[i] = make([]any, len(d.cols))
		for j, c := range d.cols {
			x[i][j] = pyValue(c[i])
		}
	}
	y := make([]any, len(d.label))
	for i, v := range d.label {
		y[i] = pyValue(v)
	}
	return pyModelCase{X: x, Y: y, W: d.weight, Params: p, Rounds: rounds}
}

// diffTrees returns the first difference between our trees and
// XGBoost's, every array compared bit for bit in float32, or "".
func diffTrees(ours []Tree, theirs []pyTree) string {
	if len(ours) != len(theirs) {
		return fmt.Sprintf("%d trees, xgboost %d", len(ours), len(theirs))
	}
	f32 := func(v float64) uint32 { return math.Float32bits(float32(v)) }
	for k := range ours {
		a, b := &ours[k], &theirs[k]
		if len(a.Left) != len(b.Left) {
			return fmt.Sprintf("tree %d: %d nodes, xgboost %d", k, len(a.Left), len(b.Left))
		}
		for n := range a.Left {
			switch {
			case a.Left[n] != b.Left[n]:
				return fmt.Sprintf("tree %d node %d: left child %d, xgboost %d", k, n, a.Left[n], b.Left[n])
			case !a.IsLeaf(n) && a.SplitIndex[n] != b.Index[n]:
				return fmt.Sprintf("tree %d node %d: feature %d, xgboost %d", k, n, a.SplitIndex[n], b.Index[n])
			case math.Float32bits(a.SplitCond[n]) != f32(b.Cond[n]):
				return fmt.Sprintf("tree %d node %d (leaf %v): split condition %v, xgboost %v", k, n, a.IsLeaf(n), a.SplitCond[n], float32(b.Cond[n]))
			case !a.IsLeaf(n) && a.DefaultLeft[n] != (b.Default[n] == 1):
				return fmt.Sprintf("tree %d node %d: default left %v, xgboost %v", k, n, a.DefaultLeft[n], b.Default[n] == 1)
			case math.Float32bits(a.LossChange[n]) != f32(b.Loss[n]):
				return fmt.Sprintf("tree %d node %d: loss change %v, xgboost %v", k, n, a.LossChange[n], float32(b.Loss[n]))
			case math.Float32bits(a.BaseWeight[n]) != f32(b.Weight[n]):
				return fmt.Sprintf("tree %d node %d: base weight %v, xgboost %v", k, n, a.BaseWeight[n], float32(b.Weight[n]))
			case math.Float32bits(a.SumHess[n]) != f32(b.SumHess[n]):
				return fmt.Sprintf("tree %d node %d: sum hessian %v, xgboost %v", k, n, a.SumHess[n], float32(b.SumHess[n]))
			}
		}
	}
	return ""
}

// TestSplitsMatchXGBoostBitForBit trains on data whose histogram sums are
// exact in both libraries (few distinct feature values, which are then
// the cuts, small dyadic labels) and compares every tree array with
// XGBoost 1.7.4's bit for bit: split features, thresholds, default
// directions, loss changes, base weights, leaf values and hessian sums.
// Feature values with many missing values give child nodes whose empty
// bins tie several candidate splits, with missing values sent left or
// right, so the enumeration order decides the threshold; the float32
// parameters (alpha, lambda 0.3), max_delta_step and eta 0.1 exercise the
// order of the float operations.
func TestSplitsMatchXGBoostBitForBit(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2024, 20))
	const n, nf = 400, 4
	cols := make([][]float32, nf)
	for j := range cols {
		cols[j] = make([]float32, n)
	}
	yReg, yBin := make([]float32, n), make([]float32, n)
	for i := 0; i < n; i++ {
		var s float64
		for j := range cols {
			v := float32(rng.IntN(12))
			s += float64(v) * float64(j%3-1)
			if rng.IntN(4) == 0 {
				v = float32(math.NaN())
			}
			cols[j][i] = v
		}
		s += rng.NormFloat64() * 2
		yReg[i] = float32(math.Round(s*4) / 4)
		yBin[i] = float32(b2f(s > 0))
	}
	base := map[string]any{"tree_method": "hist", "max_depth": 4, "nthread": 1, "num_boost_round": 4, "max_bin": 256}
	type tcase struct {
		name   string
		y      []float32
		params map[string]any
	}
	cases := []tcase{
		{"squarederror", yReg, map[string]any{"objective": ObjSquaredError, "eta": 0.3}},
		{"squarederror/alpha-lambda-eta", yReg, map[string]any{"objective": ObjSquaredError, "eta": 0.1, "alpha": 0.3, "lambda": 0.3}},
		{"logistic", yBin, map[string]any{"objective": ObjBinaryLogistic, "eta": 0.3}},
		{"logistic/max_delta_step", yBin, map[string]any{"objective": ObjBinaryLogistic, "eta": 0.3, "max_delta_step": 0.7, "min_child_weight": 0.1}},
	}
	var py []pyModelCase
	var ours []*Model
	for _, tc := range cases {
		p := map[string]any{}
		for k, v := range base {
			p[k] = v
		}
		for k, v := range tc.params {
			p[k] = v
		}
		d, err := NewDMatrix32(cols, tc.y)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := NewConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(context.Background(), cfg, d, TrainOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ours = append(ours, res.Model)
		py = append(py, newModelCase(d, p))
	}
	want := xgbModels(t, py)
	for i, tc := range cases {
		if want[i].Error != "" {
			t.Fatalf("%s: xgboost: %s", tc.name, want[i].Error)
		}
		if d := diffTrees(ours[i].Trees, want[i].Trees); d != "" {
			t.Errorf("%s: %s", tc.name, d)
		}
	}
}

// TestOverflowingGainIsSkipped trains on data with one label of 1e30, whose
// split gains overflow float32: as XGBoost 1.7.4, training skips those
// candidates and succeeds, and the model predicts (the margins agree with
// XGBoost's) and saves. Gradients beyond float32's range fail training
// with ErrTrain instead of returning a model that cannot be used.
func TestOverflowingGainIsSkipped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := smallData(t, 200, 3, 3)
	d.label[17] = 1e30
	params := map[string]any{"objective": ObjSquaredError, "tree_method": "hist", "max_depth": 3, "nthread": 1, "num_boost_round": 3}
	cfg, err := NewConfig(params)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Train(ctx, cfg, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Model.Encode(FormatJSON); err != nil {
		t.Fatalf("the trained model does not encode: %v", err)
	}
	p, err := res.Model.NewPredictor(PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	margin, err := p.Margin(ctx, d.RowMajor())
	if err != nil {
		t.Fatalf("the trained model does not predict: %v", err)
	}

	// Margins of -3e38 against labels of 3e38: the gradients overflow.
	huge := smallData(t, 200, 3, 3)
	for i := range huge.label {
		huge.label[i] = 3e38
	}
	hcfg := cfg
	hcfg.BaseScore = -3e38
	if _, err := Train(ctx, hcfg, huge, TrainOptions{}); !errors.Is(err, ErrTrain) {
		t.Errorf("gradients beyond float32: error %v, want ErrTrain", err)
	}

	want := xgbModels(t, []pyModelCase{newModelCase(d, params)})[0]
	if want.Error != "" {
		t.Fatalf("xgboost: %s", want.Error)
	}
	for i, v := range margin {
		if w := want.Margin[i]; math.Abs(float64(v)-w) > 1e-5*math.Max(1, math.Abs(w)) {
			t.Fatalf("row %d: margin %v, xgboost %v", i, v, w)
		}
	}
	if dt := diffTrees(res.Model.Trees, want.Trees); dt != "" {
		t.Errorf("trees differ from xgboost's: %s", dt)
	}
}
