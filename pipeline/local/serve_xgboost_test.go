package local_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// xgbScript loads model.tar.gz as SageMaker's XGBoost container does
// (extract, Booster.load_model) and prints, per CSV row, the prediction
// and the SHAP contributions.
const xgbScript = `
import sys, tarfile, numpy as np, xgboost as xgb
with tarfile.open(sys.argv[1]) as t:
    t.extractall(sys.argv[3])
b = xgb.Booster()
b.load_model(sys.argv[3] + "/xgboost-model")
d = xgb.DMatrix(np.loadtxt(sys.argv[2], delimiter=",", ndmin=2, dtype=np.float32))
p, c = b.predict(d), b.predict(d, pred_contribs=True)
for i in range(len(p)):
    print(",".join(repr(float(v)) for v in [p[i]] + list(c[i])))
`

// The server's predictions and contributions for a boost model packed in
// model.tar.gz are XGBoost 1.7.4's for the same file.
func TestServeMatchesXGBoost(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("skipping XGBoost comparison: /usr/bin/python3 not found (apt-get install python3-xgboost)")
	}
	if err := exec.Command(python, "-c", "import xgboost").Run(); err != nil {
		t.Skip("skipping XGBoost comparison: python3-xgboost not installed (apt-get install python3-xgboost)")
	}
	hm := newHousingModel(t)
	dir := t.TempDir()
	rowsCSV := filepath.Join(dir, "rows.csv")
	writeFile(t, rowsCSV, csvRows(hm.rows))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-c", xgbScript, hm.tarGz, rowsCSV, filepath.Join(dir, "model")).CombinedOutput()
	if err != nil {
		t.Fatalf("xgboost: %v\n%s", err, out)
	}
	reg, p := registered(t, hm, local.Approved)
	url := serve(t, reg, p, local.ServeOptions{Contributions: true})
	code, body := post(t, url, "text/csv", "text/csv", strings.NewReader(csvRows(hm.rows)))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	want, got := csvTable(t, string(out)), csvTable(t, body)
	if len(want) != len(got) || len(got) != len(hm.rows) {
		t.Fatalf("%d rows from XGBoost, %d from the server", len(want), len(got))
	}
	for i := range want {
		if len(want[i]) != len(got[i]) {
			t.Fatalf("row %d: %d values from XGBoost, %d from the server", i, len(want[i]), len(got[i]))
		}
		if float32(want[i][0]) != float32(got[i][0]) {
			t.Errorf("row %d: prediction %v, XGBoost %v", i, got[i][0], want[i][0])
		}
		for j := 1; j < len(want[i]); j++ {
			if math.Abs(want[i][j]-got[i][j]) > 1e-4*math.Max(1, math.Abs(want[i][j])) {
				t.Errorf("row %d: contribution %d = %v, XGBoost %v", i, j-1, got[i][j], want[i][j])
			}
		}
	}
}

func csvTable(t *testing.T, s string) [][]float64 {
	t.Helper()
	var out [][]float64
	for l := range strings.Lines(s) {
		var row []float64
		for f := range strings.SplitSeq(strings.TrimSpace(l), ",") {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out
}
