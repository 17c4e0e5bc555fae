package boost

import (
	"bufio"
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// housing loads a reference CSV: 8 feature columns and PRICE; blank cells
// are missing. It returns the positional 80/20 train and validation sets;
// logistic labels are PRICE > 301700 (the median).
func housing(t testing.TB, file string, logistic bool) (train, valid *DMatrix) {
	t.Helper()
	f, err := os.Open("testdata/train/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	header := strings.Split(sc.Text(), ",")
	cols := make([][]float64, len(header)-1)
	var label []float64
	for sc.Scan() {
		for j, cell := range strings.Split(sc.Text(), ",") {
			v := math.NaN()
			if cell != "" {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					t.Fatal(err)
				}
			}
			if j < len(cols) {
				cols[j] = append(cols[j], v)
			} else {
				if logistic {
					v = b2f(v > 301700)
				}
				label = append(label, v)
			}
		}
	}
	d, err := NewDMatrix(cols, label)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetFeatureNames(header[:len(header)-1]); err != nil {
		t.Fatal(err)
	}
	n := d.NumRows() * 8 / 10
	train, _ = d.Slice(0, n)
	valid, _ = d.Slice(n, d.NumRows())
	return train, valid
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestTrainMatchesXGBoostReference trains with the reference models'
// parameters and compares every tree, bit for bit, with the models
// XGBoost 1.7.4 trained (testdata/xgb), and the final validation metrics
// with those it reached (manifest.json of the reference models). The
// three models are identical.
func TestTrainMatchesXGBoostReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, log string // log: XGBoost's per-round metrics for this model
		model           string // XGBoost's model, in testdata/xgb
		logistic        bool
		metrics         []string
		want            []float64
		tol             []float64 // relative
	}{
		{"reg", "housing_10000.csv", "eval_log_reg.csv", "model.json", false, []string{"rmse", "mae"}, []float64{32198.965232737377, 25063.6488984375}, []float64{0.01, 0.01}},
		{"missing", "housing_10000_missing.csv", "eval_log_missing.csv", "model_missing.json", false, []string{"rmse", "mae"}, []float64{33967.53170843124, 26160.4224375}, []float64{0.01, 0.01}},
		{"logistic", "housing_10000.csv", "eval_log_logistic.csv", "model_logistic.json", true, []string{"logloss", "auc", "error"}, []float64{0.2925607002292235, 0.9542696741854637, 0.1185}, []float64{0.03, 0.002, 0.05}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			train, valid := housing(t, tc.file, tc.logistic)
			obj := ObjSquaredError
			if tc.logistic {
				obj = ObjBinaryLogistic
			}
			cfg, err := NewConfig(map[string]any{"objective": obj, "max_depth": 6, "eta": 0.3, "max_bin": 256,
				"eval_metric": tc.metrics, "num_boost_round": 100, "nthread": 2})
			if err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			res, err := Train(context.Background(), cfg, train, TrainOptions{Evals: []EvalSet{{"valid", valid}}, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			checkEvalLog(t, res, tc.log, tc.metrics)
			ref, err := LoadModel(context.Background(), "testdata/xgb/"+tc.model)
			if err != nil {
				t.Fatal(err)
			}
			if diff := diffTreeSets(res.Model.Trees, ref.Trees); diff != "" {
				t.Errorf("trees differ from XGBoost's %s: %s", tc.model, diff)
			}
			for i, m := range tc.metrics {
				vals := res.Evals["valid"][m]
				got := vals[len(vals)-1]
				if math.Abs(got-tc.want[i]) > tc.tol[i]*tc.want[i] {
					t.Errorf("%s = %v, xgboost %v", m, got, tc.want[i])
				}
				t.Logf("%s: ours %.6g xgboost %.6g (%.3f%%)", m, got, tc.want[i], 100*(got-tc.want[i])/tc.want[i])
			}
			lines := strings.Split(strings.TrimSpace(log.String()), "\n")
			if len(lines) != 100 || !strings.HasPrefix(lines[99], "[99]\tvalid-"+tc.metrics[0]+":") {
				t.Errorf("log: %d lines, last %q", len(lines), lines[len(lines)-1])
			}
			if res.Model.Attributes["best_iteration"] != "99" || res.Model.NumRounds() != 100 {
				t.Errorf("attributes %v, %d rounds", res.Model.Attributes, res.Model.NumRounds())
			}
			// The training margins the trainer kept equal the model's
			// predictions; check through the predictor on the validation set.
			pred, err := res.Model.PredictMargin(context.Background(), valid.RowMajor(), PredictOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p := evalTransform(obj, pred, 1)
			m, _ := newMetric(tc.metrics[0], &cfg)
			if got, want := m.eval(p, valid.label, nil, 1), res.Evals["valid"][tc.metrics[0]][99]; got != want {
				t.Errorf("predictor metric %v, training eval %v", got, want)
			}
		})
	}
}
