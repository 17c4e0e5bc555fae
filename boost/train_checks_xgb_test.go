package boost

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// smallData returns n rows of nf small-integer features and labels in
// {0, 0.5, 1, 2} (many of them 1, the label scale_pos_weight weighs).
func smallData(t testing.TB, n, nf int, seed uint64) *DMatrix {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	cols := make([][]float32, nf)
	for j := range cols {
		cols[j] = make([]float32, n)
	}
	y := make([]float32, n)
	for i := range y {
		for j := range cols {
			cols[j][i] = float32(rng.IntN(6))
		}
		y[i] = []float32{0, 0.5, 1, 2}[min(3, int(cols[0][i])/2+rng.IntN(2))]
	}
	d, err := NewDMatrix32(cols, y)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestInfiniteInputsRefused checks that an infinite label or feature value
// is refused with an error naming the row (and the column), as XGBoost
// 1.7.4 refuses both, for the training data and an eval set.
func TestInfiniteInputsRefused(t *testing.T) {
	t.Parallel()
	inf := float32(math.Inf(1))
	tests := []struct {
		name     string
		label    bool // put the infinity in the label, else in feature 1
		value    float32
		evalSet  bool
		sentinel error
		want     []string
	}{
		{"label +Inf", true, inf, false, ErrLabel, []string{"row 3", "label"}},
		{"label -Inf", true, -inf, false, ErrLabel, []string{"row 3", "label"}},
		{"feature +Inf", false, inf, false, ErrInput, []string{"row 3", `feature column 1 ("b")`}},
		{"feature -Inf", false, -inf, false, ErrInput, []string{"row 3", `feature column 1 ("b")`}},
		{"eval set feature", false, inf, true, ErrInput, []string{`eval set "valid"`, "row 3", "feature column 1"}},
	}
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "num_boost_round": 2})
	if err != nil {
		t.Fatal(err)
	}
	var py []pyModelCase
	for _, tc := range tests {
		d := smallData(t, 50, 3, 1)
		if err := d.SetFeatureNames([]string{"a", "b", "c"}); err != nil {
			t.Fatal(err)
		}
		bad := smallData(t, 50, 3, 1)
		if err := bad.SetFeatureNames([]string{"a", "b", "c"}); err != nil {
			t.Fatal(err)
		}
		if tc.label {
			bad.label[3] = tc.value
		} else {
			bad.cols[1][3] = tc.value
		}
		train, opt := bad, TrainOptions{}
		if tc.evalSet {
			train, opt.Evals = d, []EvalSet{{Name: "valid", Data: bad}}
		}
		_, err := Train(context.Background(), cfg, train, opt)
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.sentinel)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %q", tc.name, err, w)
			}
		}
		if !tc.evalSet {
			py = append(py, newModelCase(bad, map[string]any{"objective": ObjSquaredError, "num_boost_round": 2}))
		}
	}
	for i, r := range xgbModels(t, py) {
		if r.Error == "" {
			t.Errorf("%s: xgboost trained, so the reference no longer refuses it", tests[i].name)
		} else {
			t.Logf("%s: xgboost: %s", tests[i].name, strings.SplitN(r.Error, "\n", 2)[0])
		}
	}
}

// TestTrainOptionsMatchXGBoost covers parameters whose handling XGBoost
// 1.7.4 defines: scale_pos_weight weighs rows labelled 1 for squared
// error and squared log error too; a base_score given when continuing a
// model replaces the model's; early_stopping_rounds without eval sets and
// repeated feature names are refused.
func TestTrainOptionsMatchXGBoost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	margins := func(m *Model, d *DMatrix) []float32 {
		t.Helper()
		p, err := m.NewPredictor(PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Margin(ctx, d.RowMajor())
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	type tcase struct {
		name   string
		params map[string]any
		init   *Model
	}
	base := map[string]any{"tree_method": "hist", "max_depth": 3, "eta": 0.3, "nthread": 1, "num_boost_round": 3}
	with := func(kv ...any) map[string]any {
		p := map[string]any{}
		for k, v := range base {
			p[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return p
	}
	d := smallData(t, 300, 3, 2)
	first, err := NewConfig(with("objective", ObjSquaredError, "base_score", 0.5))
	if err != nil {
		t.Fatal(err)
	}
	initRes, err := Train(ctx, first, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []tcase{
		{"squarederror scale_pos_weight", with("objective", ObjSquaredError, "scale_pos_weight", 3.0), nil},
		{"squaredlogerror scale_pos_weight", with("objective", ObjSquaredLogError, "scale_pos_weight", 3.0), nil},
		{"continuation base_score", with("objective", ObjSquaredError, "base_score", 3.0), initRes.Model},
	}
	var py []pyModelCase
	var ours [][]float32
	var oursBase []float32
	for _, tc := range cases {
		cfg, err := NewConfig(tc.params)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(ctx, cfg, d, TrainOptions{InitModel: tc.init})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ours = append(ours, margins(res.Model, d))
		oursBase = append(oursBase, res.Model.BaseScore)
		c := newModelCase(d, tc.params)
		if tc.init != nil {
			b, err := tc.init.Encode(FormatJSON)
			if err != nil {
				t.Fatal(err)
			}
			c.Init = string(b)
		}
		py = append(py, c)
	}

	// Refused by both.
	cfg, err := NewConfig(with("objective", ObjSquaredError, "early_stopping_rounds", 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Train(ctx, cfg, d, TrainOptions{}); !errors.Is(err, ErrParam) || !strings.Contains(err.Error(), "early_stopping_rounds") {
		t.Errorf("early_stopping_rounds without eval sets: error %v, want ErrParam naming early_stopping_rounds", err)
	}
	es := newModelCase(d, with("objective", ObjSquaredError))
	es.EarlyStopping = 2
	dup := newModelCase(d, with("objective", ObjSquaredError))
	dup.Names = []string{"a", "b", "a"}
	if err := d.SetFeatureNames(dup.Names); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("duplicate feature names: error %v, want ErrInput naming \"a\"", err)
	}
	if _, err := FromTable(mapTable{"a": {1}, "b": {2}}, "", "a", "b", "a"); !errors.Is(err, ErrInput) {
		t.Errorf("FromTable with a repeated feature: error %v, want ErrInput", err)
	}
	py = append(py, es, dup)

	want := xgbModels(t, py)
	for i, tc := range cases {
		if want[i].Error != "" {
			t.Fatalf("%s: xgboost: %s", tc.name, want[i].Error)
		}
		if math.Abs(float64(oursBase[i])-want[i].BaseScore) > 1e-6 {
			t.Errorf("%s: base_score %v, xgboost %v", tc.name, oursBase[i], want[i].BaseScore)
		}
		for r, v := range ours[i] {
			w := want[i].Margin[r]
			if math.Abs(float64(v)-w) > 1e-5*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: row %d margin %v, xgboost %v", tc.name, r, v, w)
				break
			}
		}
	}
	for i, name := range []string{"early_stopping_rounds without eval sets", "duplicate feature names"} {
		if r := want[len(cases)+i]; r.Error == "" {
			t.Errorf("%s: xgboost accepted it", name)
		} else {
			t.Logf("%s: xgboost: %s", name, r.Error)
		}
	}
}

// mapTable is a Table of named float64 columns.
type mapTable map[string][]float64

func (m mapTable) NumRows() int {
	for _, c := range m {
		return len(c)
	}
	return 0
}

func (m mapTable) Float64s(col string) ([]float64, error) {
	c, ok := m[col]
	if !ok {
		return nil, errors.New("no column " + col)
	}
	return c, nil
}
