package local_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

func TestTransformVariants(t *testing.T) {
	hm := newHousingModel(t)
	want := hm.predict(t, hm.rows)
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	jsonLines := func() string {
		var b strings.Builder
		for _, r := range hm.rows {
			j, _ := json.Marshal(r)
			b.Write(j)
			b.WriteByte('\n')
		}
		return b.String()
	}
	for _, tc := range []struct {
		name  string
		tr    steps.Transformer
		input string
		parse func(t testing.TB, out string) []float32
	}{
		{"split None, assemble None", steps.Transformer{ContentType: params.Lit("text/csv"), SplitType: params.Lit("None")},
			csvRows(hm.rows), parseLines},
		{"single records", steps.Transformer{SplitType: params.Lit("Line"), Strategy: params.Lit("SingleRecord"), AssembleWith: params.Lit("Line")},
			csvRows(hm.rows), parseLines},
		{"gzip", steps.Transformer{ContentType: params.Lit("text/csv"), SplitType: params.Lit("Line"), CompressionType: params.Lit("Gzip")},
			gz(csvRows(hm.rows)), parseLines},
		{"JSON lines in, JSON out", steps.Transformer{ContentType: params.Lit("application/json"), SplitType: params.Lit("Line"),
			Accept: params.Lit("application/json"), AssembleWith: params.Lit("Line")}, jsonLines(), parseScores},
		{"blank lines and CRLF", steps.Transformer{SplitType: params.Lit("Line")},
			"\n" + strings.ReplaceAll(csvRows(hm.rows), "\n", "\r\n\n"), parseLines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := testEngine(t, local.Config{})
			stageTrained(t, e, hm)
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "in.csv"), tc.input)
			if err := e.Stage(filepath.Join(dir, "in.csv"), "s3://bucket/batch/in.csv"); err != nil {
				t.Fatal(err)
			}
			ex, err := e.Run(ctxT(t), trainModelTransform(tc.tr), local.RunOptions{})
			if err != nil {
				t.Fatalf("run: %v: %s", err, ex.Step("Score").FailureReason)
			}
			got := tc.parse(t, readStore(t, e.Root(), "s3://bucket/scored/in.csv.out"))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("predictions (-want +got):\n%s", diff)
			}
		})
	}
}

// parseScores reads the "score" of every prediction of JSON documents,
// one per line.
func parseScores(t testing.TB, out string) []float32 {
	t.Helper()
	var got []float32
	for l := range strings.Lines(out) {
		var doc struct{ Predictions []struct{ Score float32 } }
		if err := json.Unmarshal([]byte(l), &doc); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		for _, p := range doc.Predictions {
			got = append(got, p.Score)
		}
	}
	return got
}

func TestTransformFailures(t *testing.T) {
	hm := newHousingModel(t)
	for _, tc := range []struct {
		name, input string
		tr          steps.Transformer
		modelFiles  map[string]string
		wantErr     error
		wantReason  []string
	}{
		{name: "malformed row", input: "1,2,3,4\n5,6,x,8\n", tr: steps.Transformer{SplitType: params.Lit("Line")},
			wantErr: local.ErrBadInput, wantReason: []string{"s3://bucket/batch/in.csv", "row 2", `"x" is not a number`}},
		{name: "ragged rows in one record", input: "1,2,3,4\n\n5,6,7\n", tr: steps.Transformer{SplitType: params.Lit("None")},
			wantErr: local.ErrBadInput, wantReason: []string{"row 3", "3 values, but the first row has 4"}},
		{name: "wrong width", input: "1,2,3\n", tr: steps.Transformer{SplitType: params.Lit("Line")},
			wantErr: local.ErrBadInput, wantReason: []string{"the model takes 4 features"}},
		{name: "no XGBoost model", input: "1,2,3,4\n", modelFiles: map[string]string{"model.pkl": "not a model"},
			wantErr: local.ErrModelData, wantReason: []string{"model.pkl"}},
		{name: "RecordIO", input: "1,2,3,4\n", tr: steps.Transformer{SplitType: params.Lit("RecordIO")},
			wantErr: local.ErrDefinition, wantReason: []string{"SplitType"}},
		{name: "libsvm", input: "1,2,3,4\n", tr: steps.Transformer{ContentType: params.Lit("text/libsvm")},
			wantErr: local.ErrContentType, wantReason: []string{"text/libsvm"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := testEngine(t, local.Config{})
			uri := stageTrained(t, e, hm)
			if tc.modelFiles != nil {
				bad := filepath.Join(t.TempDir(), "model.tar.gz")
				writeTarGz(t, bad, tc.modelFiles)
				if err := e.Stage(bad, uri); err != nil {
					t.Fatal(err)
				}
			}
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "in.csv"), tc.input)
			if err := e.Stage(dir, "s3://bucket/batch"); err != nil {
				t.Fatal(err)
			}
			ex, err := e.Run(ctxT(t), trainModelTransform(tc.tr), local.RunOptions{})
			if !errors.Is(err, local.ErrFailed) {
				t.Fatalf("run: %v", err)
			}
			r := ex.Step("Score")
			if r.Status != pipeline.StepFailed {
				t.Fatalf("Score %s", r.Status)
			}
			for _, w := range tc.wantReason {
				if !strings.Contains(r.FailureReason, w) {
					t.Errorf("failure reason %q lacks %q", r.FailureReason, w)
				}
			}
			if _, err := os.Stat(filepath.Join(e.Root(), "s3", "bucket", "scored")); !os.IsNotExist(err) {
				t.Errorf("a failed transform left output: %v", err)
			}
		})
	}
}

// sumPredictor predicts the sum of a row's features.
type sumPredictor struct{}

func (sumPredictor) Predict(ctx context.Context, b local.Batch) (local.Predictions, error) {
	out := make([]float32, b.Rows)
	for i := range b.Rows {
		for _, v := range b.Row(i) {
			out[i] += v
		}
	}
	return local.Predictions{Values: out, Rows: b.Rows, Width: 1}, nil
}

func TestTransformBoundPredictor(t *testing.T) {
	for _, key := range []string{"Score", xgbImage} {
		t.Run(key, func(t *testing.T) {
			e, _ := testEngine(t, local.Config{})
			uri := stageTrained(t, e, newHousingModel(t))
			var mu sync.Mutex
			var seen local.Container
			var files []string
			e.Predictor(key, func(ctx context.Context, c local.Container, dir string) (local.Predictor, error) {
				mu.Lock()
				defer mu.Unlock()
				seen = c
				ents, _ := os.ReadDir(dir)
				for _, ent := range ents {
					files = append(files, ent.Name())
				}
				return sumPredictor{}, nil
			})
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "in.csv"), "1,2,3\n4,5,\n")
			if err := e.Stage(dir, "s3://bucket/batch"); err != nil {
				t.Fatal(err)
			}
			tr := steps.Transformer{SplitType: params.Lit("Line"), Environment: []steps.Member{{Key: "THRESHOLD", Value: "0.5"}}}
			ex, err := e.Run(ctxT(t), trainModelTransform(tr), local.RunOptions{})
			if err != nil {
				t.Fatalf("run: %v: %s", err, ex.Step("Score").FailureReason)
			}
			if got := readStore(t, e.Root(), "s3://bucket/scored/in.csv.out"); got != "6\nnan\n" {
				t.Errorf("output %q", got)
			}
			wantEnv := map[string]string{"MODE": "batch", "THRESHOLD": "0.5", "SAGEMAKER_BATCH": "true"}
			if seen.ModelDataURL != uri || !cmp.Equal(wantEnv, seen.Environment) {
				t.Errorf("LoadFunc got container %+v", seen)
			}
			if !cmp.Equal([]string{"xgboost-model"}, files) {
				t.Errorf("model directory holds %q", files)
			}
		})
	}
}

func TestTransformDataProcessing(t *testing.T) {
	hm := newHousingModel(t)
	want := hm.predict(t, hm.rows)
	var in strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(csvRows(hm.rows)), "\n") {
		fmt.Fprintf(&in, "id%d,%s\n", i, l)
	}
	for _, tc := range []struct {
		name string
		tr   steps.Transformer
		want func(i int) string
	}{
		{"id and prediction", steps.Transformer{SplitType: params.Lit("Line"), InputFilter: params.Lit("$[1:]"), JoinSource: params.Lit("Input"), OutputFilter: params.Lit("$[0,-1]")},
			func(i int) string { return fmt.Sprintf("id%d,%s", i, fmtF(want[i])) }},
		{"whole record joined", steps.Transformer{SplitType: params.Lit("None"), InputFilter: params.Lit("$[1,2,3,4]"), JoinSource: params.Lit("Input")},
			func(i int) string {
				return fmt.Sprintf("id%d,%s,%s", i, strings.TrimSpace(csvRows(hm.rows[i:i+1])), fmtF(want[i]))
			}},
		{"prediction only", steps.Transformer{SplitType: params.Lit("Line"), InputFilter: params.Lit("$[-4:]")},
			func(i int) string { return fmtF(want[i]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := testEngine(t, local.Config{})
			stageTrained(t, e, hm)
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "in.csv"), in.String())
			if err := e.Stage(dir, "s3://bucket/batch"); err != nil {
				t.Fatal(err)
			}
			ex, err := e.Run(ctxT(t), trainModelTransform(tc.tr), local.RunOptions{})
			if err != nil {
				t.Fatalf("run: %v: %s", err, ex.Step("Score").FailureReason)
			}
			var wantOut strings.Builder
			for i := range hm.rows {
				wantOut.WriteString(tc.want(i) + "\n")
			}
			if diff := cmp.Diff(wantOut.String(), readStore(t, e.Root(), "s3://bucket/scored/in.csv.out")); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}

	// A filter naming a field the record lacks fails the step, naming the line.
	e, _ := testEngine(t, local.Config{})
	stageTrained(t, e, hm)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "in.csv"), "a,1,2,3,4\nb,1,2\n")
	if err := e.Stage(dir, "s3://bucket/batch"); err != nil {
		t.Fatal(err)
	}
	ex, _ := e.Run(ctxT(t), trainModelTransform(steps.Transformer{SplitType: params.Lit("Line"), InputFilter: params.Lit("$[1,2,3,4]")}), local.RunOptions{})
	if r := ex.Step("Score"); r.Status != pipeline.StepFailed || !strings.Contains(r.FailureReason, "line 2") ||
		!strings.Contains(r.FailureReason, "no field 3") {
		t.Errorf("Score: %s %q", r.Status, r.FailureReason)
	}
}

func fmtF(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
