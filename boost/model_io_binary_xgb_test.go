package boost

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// binaryCase is a model XGBoost 1.7.4 trains and saves in the binary
// format and as JSON.
type binaryCase struct {
	Name         string         `json:"name"`
	Params       map[string]any `json:"params"`
	Label        string         `json:"label"` // "reg", "binary", "count" or "class3"
	FeatureNames bool           `json:"feature_names"`
	Attr         bool           `json:"attr"`
}

// binaryRefScript trains each case on the same random data (with missing
// values), saves it as <dir>/<name>.xgb and <name>.json and prints the
// data and XGBoost's margins and predictions as float32 bits.
const binaryRefScript = `
import json, sys
import numpy as np
import xgboost as xgb

req = json.load(sys.stdin)
rng = np.random.default_rng(11)
X = rng.normal(size=(300, 6)).astype(np.float32)
X[rng.random(X.shape) < 0.1] = np.nan
z = np.nan_to_num(X[:, 0]) * 2 + np.nan_to_num(X[:, 1]) - np.nan_to_num(X[:, 2]) * 0.5
labels = {
    "reg": z.astype(np.float32),
    "binary": (z > 0).astype(np.float32),
    "count": rng.poisson(np.exp(np.clip(z, -2, 2) * 0.5)).astype(np.float32),
    "class3": np.digitize(z, [-1, 1]).astype(np.float32),
}
bits = lambda a: np.ascontiguousarray(a, dtype=np.float32).ravel().view(np.uint32).tolist()
out = {"x": bits(X), "rows": X.shape[0], "cols": X.shape[1], "cases": {}}
for c in req["cases"]:
    names = ["feat_%d" % i for i in range(X.shape[1])] if c["feature_names"] else None
    d = xgb.DMatrix(X, label=labels[c["label"]], feature_names=names)
    bst = xgb.train(c["params"], d, 4, evals=[(d, "train")], verbose_eval=False)
    if c["attr"]:
        bst.set_attr(sagemaker_job="job-1", note="a=b;c")
    path = req["dir"] + "/" + c["name"]
    bst.save_model(path + ".xgb")
    bst.save_model(path + ".json")
    raw = bytes(bst.save_raw(raw_format="deprecated"))
    with open(path + ".xgb", "rb") as f:
        same = f.read() == raw
    out["cases"][c["name"]] = {
        "margin": bits(bst.predict(d, output_margin=True)),
        "pred": bits(bst.predict(d)),
        "save_raw_equal": same,
    }
json.dump(out, sys.stdout)
`

type binaryRef struct {
	X     []uint32 `json:"x"`
	Rows  int      `json:"rows"`
	Cols  int      `json:"cols"`
	Cases map[string]struct {
		Margin       []uint32 `json:"margin"`
		Pred         []uint32 `json:"pred"`
		SaveRawEqual bool     `json:"save_raw_equal"`
	} `json:"cases"`
}

func float32sFromBits(b []uint32) []float32 {
	f := make([]float32, len(b))
	for i, v := range b {
		f[i] = math.Float32frombits(v)
	}
	return f
}

// sameBits reports the first index where got and want differ bit for bit.
func sameBits(t *testing.T, what string, got []float32, want []uint32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, XGBoost %d", what, len(got), len(want))
	}
	for i, g := range got {
		if math.Float32bits(g) != want[i] {
			t.Fatalf("%s[%d] = %v, XGBoost %v", what, i, g, math.Float32frombits(want[i]))
		}
	}
}

// TestBinaryMatchesXGBoost loads models XGBoost 1.7.4 saved with
// save_model("….xgb") for several objectives, with and without base_score,
// feature names and attributes: predictions are XGBoost's bit for bit,
// the model equals the one loaded from XGBoost's JSON save of the same
// booster, and saving it (from either) gives XGBoost's file byte for byte.
func TestBinaryMatchesXGBoost(t *testing.T) {
	dir := t.TempDir()
	base := map[string]any{"max_depth": 3, "eta": 0.3, "seed": 1}
	with := func(kv ...any) map[string]any {
		p := make(map[string]any, len(base)+len(kv)/2)
		for k, v := range base {
			p[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return p
	}
	cases := []binaryCase{
		{"squarederror", with("objective", "reg:squarederror"), "reg", false, false},
		{"squarederror_base_names", with("objective", "reg:squarederror", "base_score", 0.25), "reg", true, true},
		{"logistic", with("objective", "binary:logistic", "eval_metric", "auc"), "binary", true, false},
		{"logistic_base_attr", with("objective", "binary:logistic", "base_score", 0.3, "scale_pos_weight", 2.5), "binary", false, true},
		{"softprob", with("objective", "multi:softprob", "num_class", 3), "class3", false, false},
		{"softprob_names_attr", with("objective", "multi:softprob", "num_class", 3, "max_depth", 2), "class3", true, true},
		{"poisson", with("objective", "count:poisson"), "count", false, false},
		{"poisson_base_mds", with("objective", "count:poisson", "base_score", 2, "max_delta_step", 0.5), "count", true, true},
		{"forest", with("objective", "reg:squarederror", "num_parallel_tree", 3, "subsample", 0.8, "colsample_bynode", 0.8), "reg", false, false},
	}
	var ref binaryRef
	pyXGB(t, binaryRefScript, map[string]any{"dir": dir, "cases": cases}, &ref)
	x := float32sFromBits(ref.X)
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want := ref.Cases[c.Name]
			if !want.SaveRawEqual {
				t.Fatal("XGBoost's save_model and save_raw(\"deprecated\") differ")
			}
			path := filepath.Join(dir, c.Name+".xgb")
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := DetectFormat(file); got != FormatBinary {
				t.Fatalf("DetectFormat = %v", got)
			}
			m, err := LoadModel(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			margin, err := m.PredictMargin(ctx, x, PredictOptions{})
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, "margin", margin, want.Margin)
			pred, err := m.Predict(ctx, x, PredictOptions{})
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, "prediction", pred, want.Pred)

			out := filepath.Join(t.TempDir(), "xgboost-model")
			if err := m.Save(ctx, out); err != nil {
				t.Fatal(err)
			}
			saved, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(saved, file) {
				t.Fatalf("saved %d bytes differ from XGBoost's %d (first difference at byte %d)",
					len(saved), len(file), firstDiff(saved, file))
			}

			jm, err := LoadModel(ctx, filepath.Join(dir, c.Name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			fromJSON, err := jm.Encode(FormatBinary)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fromJSON, file) {
				t.Fatalf("binary save of the JSON model differs from XGBoost's at byte %d", firstDiff(fromJSON, file))
			}
			// The binary format keeps no feature names or types, and
			// XGBoost writes its own version.
			jm.FeatureNames, jm.FeatureTypes, jm.Version = nil, nil, [3]int{}
			if diff := cmp.Diff(jm, m); diff != "" {
				t.Errorf("binary model differs from the JSON model (-json +binary):\n%s", diff)
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// binaryLoadScript loads each model this package saved in the binary
// format, predicts the given rows and saves the model again.
const binaryLoadScript = `
import json, sys
import numpy as np
import xgboost as xgb

req = json.load(sys.stdin)
X = np.array(req["x"], dtype=np.uint32).view(np.float32).reshape(req["rows"], req["cols"])
d = xgb.DMatrix(X)
bits = lambda a: np.ascontiguousarray(a, dtype=np.float32).ravel().view(np.uint32).tolist()
out = {}
for path in req["paths"]:
    bst = xgb.Booster(model_file=path)
    out[path] = {
        "margin": bits(bst.predict(d, output_margin=True)),
        "pred": bits(bst.predict(d)),
        "raw": list(bytes(bst.save_raw(raw_format="deprecated"))),
    }
json.dump(out, sys.stdout)
`

// TestBinaryLoadsInXGBoost trains models here, saves them in the binary
// format, and has XGBoost 1.7.4 load them: its predictions equal ours bit
// for bit and its save of the loaded model is our file byte for byte.
func TestBinaryLoadsInXGBoost(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	const rows, cols = 500, 4
	colData := make([][]float32, cols)
	x := make([]float32, rows*cols)
	for j := range colData {
		colData[j] = make([]float32, rows)
		for i := range rows {
			v := float32(rng.NormFloat64())
			if rng.IntN(10) == 0 {
				v = float32(math.NaN())
			}
			colData[j][i] = v
			x[i*cols+j] = v
		}
	}
	labels := map[string][]float32{}
	for _, kind := range []string{"reg", "binary", "count", "class3"} {
		l := make([]float32, rows)
		for i := range l {
			z := float64(colData[0][i]) + 0.5*float64(colData[1][i])
			if z != z {
				z = 0
			}
			switch kind {
			case "reg":
				l[i] = float32(z)
			case "binary":
				l[i] = float32(boolInt32(z > 0))
			case "count":
				l[i] = float32(int(math.Exp(z/2)*2) % 7)
			case "class3":
				l[i] = float32(boolInt32(z > -0.5) + boolInt32(z > 0.5))
			}
		}
		labels[kind] = l
	}
	dir := t.TempDir()
	cases := []struct {
		name, label string
		params      map[string]any
	}{
		{"reg", "reg", map[string]any{"objective": "reg:squarederror"}},
		{"logistic", "binary", map[string]any{"objective": "binary:logistic", "base_score": 0.4}},
		{"softprob", "class3", map[string]any{"objective": "multi:softprob", "num_class": 3}},
		{"poisson", "count", map[string]any{"objective": "count:poisson"}},
	}
	var paths []string
	ours := map[string][2][]float32{}
	for _, c := range cases {
		p := map[string]any{"max_depth": 3, "eta": 0.3, "num_boost_round": 5}
		for k, v := range c.params {
			p[k] = v
		}
		cfg, err := NewConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDMatrix32(colData, labels[c.label])
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(ctx, cfg, d, TrainOptions{})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, c.name+".model")
		if err := res.Model.Save(ctx, path); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		margin, err := res.Model.PredictMargin(ctx, x, PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pred, err := res.Model.Predict(ctx, x, PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ours[path] = [2][]float32{margin, pred}
	}
	bitsX := make([]uint32, len(x))
	for i, v := range x {
		bitsX[i] = math.Float32bits(v)
	}
	// Raw comes back as a JSON array of numbers; decode it through ints.
	var raw map[string]struct {
		Margin []uint32 `json:"margin"`
		Pred   []uint32 `json:"pred"`
		Raw    []int    `json:"raw"`
	}
	pyXGB(t, binaryLoadScript, map[string]any{"x": bitsX, "rows": rows, "cols": cols, "paths": paths}, &raw)
	for _, path := range paths {
		r, ok := raw[path]
		if !ok {
			t.Fatalf("%s: no result from XGBoost", path)
		}
		sameBits(t, filepath.Base(path)+" margin", ours[path][0], r.Margin)
		sameBits(t, filepath.Base(path)+" prediction", ours[path][1], r.Pred)
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		resaved := make([]byte, len(r.Raw))
		for i, b := range r.Raw {
			resaved[i] = byte(b)
		}
		if !bytes.Equal(resaved, file) {
			t.Errorf("%s: XGBoost's save of our model differs at byte %d", filepath.Base(path), firstDiff(resaved, file))
		}
	}
}
