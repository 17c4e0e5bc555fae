package boost

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// debianPython is the interpreter that sees Debian's python3-xgboost.
const debianPython = "/usr/bin/python3"

var (
	xgbOnce   sync.Once
	xgbReason string
)

// requireXGBoost skips the test unless XGBoost 1.7.x can be imported by
// debianPython.
func requireXGBoost(t *testing.T) {
	t.Helper()
	xgbOnce.Do(func() {
		// Find the package without importing it (an import takes seconds).
		const find = "import importlib.util, os; s = importlib.util.find_spec('xgboost'); " +
			"print(open(os.path.join(os.path.dirname(s.origin), 'VERSION')).read().strip())"
		out, err := exec.Command(debianPython, "-c", find).CombinedOutput()
		switch {
		case err != nil:
			xgbReason = fmt.Sprintf("XGBoost is not installed for %s (apt-get install python3-xgboost): %v", debianPython, err)
		case len(out) < 4 || string(out[:4]) != "1.7.":
			xgbReason = fmt.Sprintf("need XGBoost 1.7.x, %s has %s", debianPython, out)
		}
	})
	if xgbReason != "" {
		t.Skip(xgbReason)
	}
}

// xgbResult is what testdata/xgb_predict.py writes for one model.
type xgbResult struct {
	Version    string                        `json:"version"`
	Margin     []uint32                      `json:"margin"`
	Pred       []uint32                      `json:"pred"`
	Leaves     []int32                       `json:"leaves"`
	Contribs   []uint32                      `json:"contribs"`
	Importance map[string]map[string]float64 `json:"importance"`
}

type xgbJob struct {
	Model      string `json:"model"`
	Rows       string `json:"rows"`
	NumFeature int    `json:"num_feature"`
	Out        string `json:"out"`
}

// runXGBoost saves each model (alternating JSON and UBJSON), has XGBoost
// load it and predict the rows, and returns XGBoost's results.
func runXGBoost(t *testing.T, models []*Model, rows [][]float32) []xgbResult {
	t.Helper()
	dir := t.TempDir()
	jobs := make([]xgbJob, len(models))
	for i, m := range models {
		ext := ".json"
		if i%2 == 1 {
			ext = ".ubj"
		}
		j := xgbJob{
			Model:      filepath.Join(dir, fmt.Sprintf("m%d%s", i, ext)),
			Rows:       filepath.Join(dir, fmt.Sprintf("x%d.f32", i)),
			NumFeature: m.NumFeature,
			Out:        filepath.Join(dir, fmt.Sprintf("out%d.json", i)),
		}
		if err := m.Save(context.Background(), j.Model); err != nil {
			t.Fatal(err)
		}
		raw := make([]byte, 0, 4*len(rows[i]))
		for _, v := range rows[i] {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
		if err := os.WriteFile(j.Rows, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		jobs[i] = j
	}
	spec, _ := json.Marshal(jobs)
	jobFile := filepath.Join(dir, "jobs.json")
	if err := os.WriteFile(jobFile, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(debianPython, filepath.Join("testdata", "xgb_predict.py"), jobFile).CombinedOutput(); err != nil {
		t.Fatalf("xgb_predict.py: %v\n%s", err, out)
	}
	res := make([]xgbResult, len(models))
	for i, j := range jobs {
		b, err := os.ReadFile(j.Out)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &res[i]); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

// TestXGBoostPredictsOurModels builds a model for every objective through
// the NewTree/AddSplit API, saves it, and checks that XGBoost 1.7.4 loads
// it and predicts the same margins bit for bit, the same outputs (see
// checkTransformed), the same leaf
// indices, the same importance scores, and SHAP values equal up to float32
// rounding (XGBoost accumulates them in float32, we in float64).
func TestXGBoostPredictsOurModels(t *testing.T) {
	requireXGBoost(t)
	rng := rand.New(rand.NewPCG(5, 6))
	var models []*Model
	var rows [][]float32
	for _, obj := range ObjectiveNames() {
		nc := 0
		if obj == ObjMultiSoftmax || obj == ObjMultiSoftprob {
			nc = 3
		}
		m := randomModel(rng, obj, 5, nc, 12, 5)
		m.FeatureNames = []string{"a", "b", "c", "d", "e"}
		m.Attributes = map[string]string{"best_iteration": "11"}
		models = append(models, m)
		rows = append(rows, randomRows(rng, 120, m.NumFeature))
	}
	res := runXGBoost(t, models, rows)
	for i, m := range models {
		t.Run(m.Objective, func(t *testing.T) { compareWithXGBoost(t, m, rows[i], res[i]) })
	}
}

// TestXGBoostPredictsTrainedModel trains a model with Train on data with
// missing values (so that learned default directions matter), saves it in
// both formats, and checks that XGBoost 1.7.4 predicts what we predict.
func TestXGBoostPredictsTrainedModel(t *testing.T) {
	requireXGBoost(t)
	rng := rand.New(rand.NewPCG(15, 16))
	const n, nf = 1000, 5
	x := randomRows(rng, n, nf)
	cols := make([][]float32, nf)
	label := make([]float32, n)
	for j := range cols {
		cols[j] = make([]float32, n)
		for i := range cols[j] {
			cols[j][i] = x[i*nf+j]
		}
	}
	for i := range label {
		v := float32(rng.NormFloat64())
		if a := x[i*nf]; a == a {
			v += 3 * a
		} else {
			v += 5 // missing values carry signal
		}
		label[i] = v
	}
	d, err := NewDMatrix32(cols, label)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := NewConfig(map[string]any{"max_depth": 4, "eta": 0.3, "num_boost_round": 10, "nthread": 2})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Train(context.Background(), cfg, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	left := 0
	for _, tr := range res.Model.Trees {
		for n, dl := range tr.DefaultLeft {
			if dl && !tr.IsLeaf(n) {
				left++
			}
		}
	}
	if left == 0 {
		t.Fatal("the trained model sends no missing value left; the test would not cover default directions")
	}
	out := runXGBoost(t, []*Model{res.Model, res.Model}, [][]float32{x, x})
	for i, r := range out {
		t.Run([]string{"json", "ubj"}[i], func(t *testing.T) { compareWithXGBoost(t, res.Model, x, r) })
	}
}

// TestXGBoostOnReferenceModels compares leaf indices, SHAP values and
// importance of the three reference models with XGBoost's.
func TestXGBoostOnReferenceModels(t *testing.T) {
	requireXGBoost(t)
	var models []*Model
	var rows [][]float32
	for _, rc := range refCases[1:] {
		x, _ := refData(t, rc.pred, rc.column)
		models = append(models, loadRef(t, rc.model+".json"))
		rows = append(rows, x[:min(len(x), 40*8)]) // 40 rows keep SHAP under the race detector quick
	}
	res := runXGBoost(t, models, rows)
	for i, rc := range refCases[1:] {
		t.Run(rc.name, func(t *testing.T) { compareWithXGBoost(t, models[i], rows[i], res[i]) })
	}
}

// compareWithXGBoost checks our margin, prediction, leaves, contributions
// and importance for the rows against XGBoost's results r.
func compareWithXGBoost(t *testing.T, m *Model, x []float32, r xgbResult) {
	ctx := context.Background()
	p, err := m.NewPredictor(PredictOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	margin, err := p.Margin(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Margin, bitsOf(margin)); diff != "" {
		t.Errorf("margin bits differ (-xgboost +ours):\n%s", diff)
	}
	pred, err := p.Predict(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	checkTransformed(t, m.Objective, r.Pred, bitsOf(pred))
	leaves, err := p.Leaves(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Leaves, leaves); diff != "" {
		t.Errorf("leaf indices differ (-xgboost +ours):\n%s", diff)
	}
	contribs, err := p.Contribs(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if len(contribs) != len(r.Contribs) {
		t.Fatalf("%d contributions, XGBoost %d", len(contribs), len(r.Contribs))
	}
	// XGBoost sums SHAP values in float32, we in float64: compare relative
	// to the magnitude of the row's margin.
	scale := 1.0
	for _, v := range margin {
		scale = max(scale, math.Abs(float64(v)))
	}
	for k, c := range contribs {
		want := math.Float32frombits(r.Contribs[k])
		if d := math.Abs(float64(c - want)); d > 1e-5*scale {
			t.Fatalf("contribution %d: %v, XGBoost %v", k, c, want)
		}
	}
	for _, typ := range []ImportanceType{ImportanceWeight, ImportanceGain, ImportanceCover, ImportanceTotalGain, ImportanceTotalCover} {
		imp, err := m.Importance(typ)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for k, v := range imp {
			got[k] = float64(v)
		}
		if diff := cmp.Diff(r.Importance[string(typ)], got); diff != "" {
			t.Errorf("%s importance differs (-xgboost +ours):\n%s", typ, diff)
		}
	}
}

// checkTransformed compares transformed predictions with XGBoost's. They
// are bit-exact where the transform is pure float32 arithmetic. Where it
// calls expf (logistic, softprob, exp), glibc's expf is not always
// correctly rounded while ours is, so a value may differ by an ulp or two
// (about 1 value in 300); anything more is an error.
func checkTransformed(t *testing.T, objective string, want, got []uint32) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d predictions, XGBoost %d", len(got), len(want))
	}
	usesExp := objectiveLink(objective) != linkIdentity || objective == ObjMultiSoftprob
	off := 0
	for i := range want {
		if want[i] == got[i] {
			continue
		}
		off++
		d := int64(want[i]) - int64(got[i])
		if !usesExp || d < -2 || d > 2 {
			t.Errorf("prediction %d: %v, XGBoost %v", i, math.Float32frombits(got[i]), math.Float32frombits(want[i]))
		}
	}
	if off > len(want)/50 {
		t.Errorf("%d of %d predictions differ from XGBoost's in the last bits", off, len(want))
	}
	if off > 0 {
		t.Logf("%d of %d predictions differ from XGBoost's by at most 2 ulp (expf rounding)", off, len(want))
	}
}
