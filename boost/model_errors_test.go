package boost

import (
	"context"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// pyCategoricalScript trains a model with a categorical feature in XGBoost
// 1.7.4 and returns it saved as JSON and as UBJSON (base64).
const pyCategoricalScript = `
import base64, json, os, sys, tempfile, numpy as np, xgboost as xgb
json.load(sys.stdin)
try:
    import pandas as pd
except ImportError:
    print(json.dumps({"skip": "pandas is not installed"}))
    sys.exit(0)
rng = np.random.default_rng(0)
df = pd.DataFrame({"c": pd.Categorical(rng.integers(0, 4, 200)), "x": rng.normal(size=200)})
y = (df["c"].cat.codes == 2).astype(float) + df["x"]
b = xgb.train({"tree_method": "hist", "max_cat_to_onehot": 1}, xgb.DMatrix(df, label=y, enable_categorical=True), 2)
out = {}
with tempfile.TemporaryDirectory() as tmp:
    for ext in ("json", "ubj"):
        p = os.path.join(tmp, "m." + ext)
        b.save_model(p)
        out[ext] = base64.b64encode(open(p, "rb").read()).decode()
print(json.dumps(out))
`

// TestCategoricalModelRefusedClearly loads XGBoost models with categorical
// features: in JSON as in UBJSON, the error says that categorical features
// are not supported (XGBoost's JSON writes a categorical split's condition
// as a bare NaN, which once made the JSON reader fail on the 'N').
func TestCategoricalModelRefusedClearly(t *testing.T) {
	t.Parallel()
	check := func(name string, data []byte) {
		t.Helper()
		_, err := DecodeModel(data)
		if !errors.Is(err, ErrModelFormat) || !strings.Contains(err.Error(), "categorical") {
			t.Errorf("%s: error %v, want ErrModelFormat saying categorical features are not supported", name, err)
		}
	}
	// Our own encoding, edited as XGBoost writes a categorical model.
	m := randomModel(rand.New(rand.NewPCG(1, 2)), ObjSquaredError, 2, 0, 2, 3)
	m.FeatureTypes = []string{"q", "q"}
	b, err := m.Encode(FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `"feature_types":["q","q"]`, `"feature_types":["c","q"]`, 1)
	s = strings.Replace(s, `"split_conditions":[`, `"split_conditions":[NaN,`, 1)
	s = strings.Replace(s, `"split_conditions":[NaN,`, `"split_conditions":[NaN,-Infinity,Infinity,`, 1)
	if s == string(b) {
		t.Fatal("the edit did not apply")
	}
	check("edited JSON", []byte(s))

	var files map[string]string
	pyXGB(t, pyCategoricalScript, struct{}{}, &files)
	if files["skip"] != "" {
		t.Skip("skipping XGBoost's categorical model: " + files["skip"])
	}
	for _, ext := range []string{"json", "ubj"} {
		data, err := base64.StdEncoding.DecodeString(files[ext])
		if err != nil {
			t.Fatal(err)
		}
		check("xgboost "+ext, data)
	}
}

// TestQuoteNonFinite checks the rewriting of XGBoost's non-finite
// literals, which leaves strings alone.
func TestQuoteNonFinite(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[1,2]`, `[1,2]`},
		{`[NaN,-Infinity,Infinity]`, `["NaN","-Infinity","Infinity"]`},
		{`{"NaN":"a \"NaN\" Infinity","v":[1E0,NaN]}`, `{"NaN":"a \"NaN\" Infinity","v":[1E0,"NaN"]}`},
		{`["\\",NaN]`, `["\\","NaN"]`},
	}
	for _, tc := range tests {
		if got := string(quoteNonFinite([]byte(tc.in))); got != tc.want {
			t.Errorf("quoteNonFinite(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestContinueForestNamesTheMismatch continues a model with
// num_parallel_tree 3: the error names num_parallel_tree, not only the
// properties that match.
func TestContinueForestNamesTheMismatch(t *testing.T) {
	m := randomModel(rand.New(rand.NewPCG(3, 4)), ObjSquaredError, 3, 0, 6, 3)
	m.NumParallelTree = 3
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "num_boost_round": 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Train(context.Background(), cfg, smallData(t, 50, 3, 5), TrainOptions{InitModel: m})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "num_parallel_tree 3") {
		t.Errorf("error %v, want ErrInput naming num_parallel_tree 3", err)
	}
	m.NumParallelTree, m.Objective = 1, ObjBinaryLogistic
	_, err = Train(context.Background(), cfg, smallData(t, 50, 2, 5), TrainOptions{InitModel: m})
	for _, w := range []string{"objective binary:logistic, training reg:squarederror", "3 features, training data 2"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not say %q", err, w)
		}
	}
}

// TestMatrixWidthChecked predicts rows of 6 columns with a 4-feature model:
// 2 rows × 6 = 12 values would read as 3 rows of 4 from a flat slice; a
// Matrix carries its width and is refused.
func TestMatrixWidthChecked(t *testing.T) {
	ctx := context.Background()
	m := randomModel(rand.New(rand.NewPCG(5, 6)), ObjSquaredError, 4, 0, 3, 3)
	p, err := m.NewPredictor(PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wide, err := NewMatrix(make([]float32, 12), 6)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"MarginMatrix":   func() error { _, err := p.MarginMatrix(ctx, wide); return err },
		"PredictMatrix":  func() error { _, err := p.PredictMatrix(ctx, wide); return err },
		"LeavesMatrix":   func() error { _, err := p.LeavesMatrix(ctx, wide); return err },
		"ContribsMatrix": func() error { _, err := p.ContribsMatrix(ctx, wide); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "6 columns") {
			t.Errorf("%s: error %v, want ErrInput naming the 6 columns", name, err)
		}
	}
	if _, err := NewMatrix(make([]float32, 10), 4); !errors.Is(err, ErrInput) {
		t.Errorf("NewMatrix with a partial row: error %v, want ErrInput", err)
	}
	right, err := NewMatrix(make([]float32, 12), 4)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.MarginMatrix(ctx, right)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.Margin(ctx, right.Values)
	if err != nil || len(got) != 3 || len(want) != 3 {
		t.Fatalf("margins %v and %v (%v), want 3 each", got, want, err)
	}
}
