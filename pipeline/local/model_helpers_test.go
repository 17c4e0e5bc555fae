package local_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/boost"
)

// housingModel is a small boost regression model of y = 3·x0 − 2·x1 +
// x2·x3 (4 features), trained on seeded synthetic data, with rows to
// predict.
type housingModel struct {
	model *boost.Model
	// tarGz is the model packed as a training job packs /opt/ml/model:
	// model.tar.gz holding xgboost-model (XGBoost JSON).
	tarGz string
	// rows are feature rows, not seen in training.
	rows [][]float64
}

func newHousingModel(t testing.TB) *housingModel {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	const n, nf = 400, 4
	cols := make([][]float64, nf)
	label := make([]float64, n)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	for i := range n {
		for j := range cols {
			cols[j][i] = r.Float64()*10 - 5
		}
		label[i] = 3*cols[0][i] - 2*cols[1][i] + cols[2][i]*cols[3][i]
	}
	d, err := boost.NewDMatrix(cols, label)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := boost.NewConfig(map[string]any{"objective": "reg:squarederror", "max_depth": 3,
		"eta": 0.3, "num_boost_round": 20, "seed": 7})
	if err != nil {
		t.Fatal(err)
	}
	res, err := boost.Train(context.Background(), cfg, d, boost.TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	modelFile := filepath.Join(dir, "xgboost-model")
	if err := res.Model.Save(context.Background(), modelFile); err != nil {
		t.Fatal(err)
	}
	m := &housingModel{model: res.Model, tarGz: filepath.Join(dir, "model.tar.gz")}
	writeTarGz(t, m.tarGz, map[string]string{"xgboost-model": readFile(t, modelFile)})
	for range 25 {
		row := make([]float64, nf)
		for j := range row {
			// float32 values, so that their CSV text parses back exactly
			row[j] = float64(float32(r.Float64()*10 - 5))
		}
		m.rows = append(m.rows, row)
	}
	return m
}

// predict returns boost's own predictions for rows.
func (m *housingModel) predict(t testing.TB, rows [][]float64) []float32 {
	t.Helper()
	var x []float32
	for _, r := range rows {
		for _, v := range r {
			x = append(x, float32(v))
		}
	}
	out, err := m.model.Predict(context.Background(), x, boost.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// csvRows renders rows as CSV lines.
func csvRows(rows [][]float64) string {
	var b strings.Builder
	for _, r := range rows {
		for j, v := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// parseLines parses one float per line.
func parseLines(t testing.TB, s string) []float32 {
	t.Helper()
	var out []float32
	for l := range strings.Lines(s) {
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.Split(l, ",")[0]), 32)
		if err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, float32(v))
	}
	return out
}

func writeTarGz(t testing.TB, path string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
