package boost

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// refCase is one reference model trained by XGBoost 1.7.4 and the
// predictions XGBoost made with it (testdata/xgb, see its README).
type refCase struct {
	name    string
	model   string // file stem under testdata/xgb
	pred    string // predictions CSV
	column  string // column holding the f32 bits of the transformed prediction
	margin  string // column holding the f32 bits of the margin, if any
	objName string
}

var refCases = []refCase{
	{"reg", "model", "pred_reg_valid100.csv", "prediction_f32_bits", "", ObjSquaredError},
	{"reg-missing-input", "model", "pred_reg_missing.csv", "prediction_f32_bits", "", ObjSquaredError},
	{"missing", "model_missing", "pred_missing_model_valid100.csv", "prediction_f32_bits", "", ObjSquaredError},
	{"logistic", "model_logistic", "pred_logistic_valid100.csv", "prob_f32_bits", "margin_f32_bits", ObjBinaryLogistic},
}

// refData reads a predictions CSV: the 8 feature columns (blank = NaN,
// decimal text rounded to float32 as XGBoost receives it) and the float32
// values stored as hex bits in the named columns.
func refData(t testing.TB, file string, cols ...string) (x []float32, want [][]float32) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "xgb", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range recs[0] {
			if h == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			t.Fatalf("%s: no column %q", file, c)
		}
	}
	want = make([][]float32, len(cols))
	for _, rec := range recs[1:] {
		for j := 0; j < 8; j++ {
			v := float32(math.NaN())
			if rec[j] != "" {
				d, err := strconv.ParseFloat(rec[j], 64)
				if err != nil {
					t.Fatal(err)
				}
				v = float32(d)
			}
			x = append(x, v)
		}
		for i, j := range idx {
			bits, err := strconv.ParseUint(rec[j], 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			want[i] = append(want[i], math.Float32frombits(uint32(bits)))
		}
	}
	return x, want
}

func loadRef(t testing.TB, file string) *Model {
	t.Helper()
	m, err := LoadModel(context.Background(), filepath.Join("testdata", "xgb", file))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func bitsOf(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, f := range v {
		out[i] = math.Float32bits(f)
	}
	return out
}

// TestReferencePredictions loads each XGBoost model (JSON and UBJSON) and
// checks that its predictions equal XGBoost's bit for bit.
func TestReferencePredictions(t *testing.T) {
	ctx := context.Background()
	for _, rc := range refCases {
		for _, ext := range []string{".json", ".ubj"} {
			t.Run(rc.name+ext, func(t *testing.T) {
				m := loadRef(t, rc.model+ext)
				if m.Objective != rc.objName || m.NumFeature != 8 || len(m.Trees) != 100 {
					t.Fatalf("loaded %s with %d features and %d trees", m.Objective, m.NumFeature, len(m.Trees))
				}
				cols := []string{rc.column}
				if rc.margin != "" {
					cols = append(cols, rc.margin)
				}
				x, want := refData(t, rc.pred, cols...)
				for _, threads := range []int{1, 3} {
					p, err := m.NewPredictor(PredictOptions{Threads: threads})
					if err != nil {
						t.Fatal(err)
					}
					got, err := p.Predict(ctx, x)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(bitsOf(want[0]), bitsOf(got)); diff != "" {
						t.Errorf("threads=%d: prediction bits differ (-xgboost +ours):\n%s", threads, diff)
					}
					if rc.margin != "" {
						got, err := p.Margin(ctx, x)
						if err != nil {
							t.Fatal(err)
						}
						if diff := cmp.Diff(bitsOf(want[1]), bitsOf(got)); diff != "" {
							t.Errorf("threads=%d: margin bits differ (-xgboost +ours):\n%s", threads, diff)
						}
					}
				}
			})
		}
	}
}

// TestSaveIdenticalToXGBoost loads each reference model and saves it again
// in both formats: the bytes equal the files XGBoost 1.7.4 wrote.
func TestSaveIdenticalToXGBoost(t *testing.T) {
	for _, stem := range []string{"model", "model_missing", "model_logistic"} {
		for _, in := range []string{".json", ".ubj"} {
			m := loadRef(t, stem+in)
			for _, out := range []Format{FormatJSON, FormatUBJSON} {
				t.Run(stem+in+"->"+out.String(), func(t *testing.T) {
					ext := ".json"
					if out == FormatUBJSON {
						ext = ".ubj"
					}
					want, err := os.ReadFile(filepath.Join("testdata", "xgb", stem+ext))
					if err != nil {
						t.Fatal(err)
					}
					got, err := m.Encode(out)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						i := 0
						for i < len(got) && i < len(want) && got[i] == want[i] {
							i++
						}
						t.Fatalf("%d bytes, want %d; first difference at byte %d: %q vs %q", len(got), len(want), i,
							got[max(0, i-20):min(len(got), i+20)], want[max(0, i-20):min(len(want), i+20)])
					}
				})
			}
		}
	}
}

// TestSaveFile writes a model to disk and reads it back in each format.
func TestSaveFile(t *testing.T) {
	ctx := context.Background()
	m := loadRef(t, "model_missing.json")
	dir := t.TempDir()
	for _, name := range []string{"m.json", "m.ubj"} {
		path := filepath.Join(dir, name)
		if err := m.Save(ctx, path); err != nil {
			t.Fatal(err)
		}
		back, err := LoadModel(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		// Equal encodings mean equal models (the encoding is a direct
		// field mapping, checked field by field in the fuzz tests).
		a, _ := m.Encode(FormatJSON)
		b, err := back.Encode(FormatJSON)
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: model changed in the round trip (%v)", name, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "m.json" && e.Name() != "m.ubj" {
				t.Errorf("temporary file left behind: %s", e.Name())
			}
		}
	}
	if err := m.Save(ctx, filepath.Join(dir, "missing-dir", "m.json")); err == nil {
		t.Error("saving into a missing directory succeeded")
	}
	if _, err := LoadModel(ctx, filepath.Join(dir, "nope.json")); err == nil || errors.Is(err, ErrModelFormat) {
		t.Errorf("loading a missing file: %v, want a file error", err)
	}
}
