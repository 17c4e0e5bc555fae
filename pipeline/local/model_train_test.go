package local_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// TestTrainedModelTransform runs Train → CreateModel → Transform with
// nothing canned: a boost training function makes the model, the engine
// packs it, CreateModel points at it and the built-in boost predictor
// scores a batch with it. The scores equal the packed model's own.
func TestTrainedModelTransform(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	stageData(t, e)
	e.Training("Train", boostTrain(false))
	rows := [][]float64{{0, 0, 0}, {1, -1, 0.5}, {-2, 2, 1.5}, {1.25, 0.75, -1.75}}
	batch := t.TempDir()
	writeFile(t, filepath.Join(batch, "batch.csv"), csvRows(rows))
	if err := e.Stage(batch, "s3://bucket/batch"); err != nil {
		t.Fatal(err)
	}

	train := steps.Training("Train", steps.Estimator{ImageURI: params.Lit(xgbImage),
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
		OutputPath: params.Lit("s3://bucket/models")}, channels()...)
	model := steps.CreateModel("Model", steps.Model{ImageURI: params.Lit(xgbImage),
		ModelData: train.Properties().ModelArtifacts().S3ModelArtifacts()})
	score := steps.Transform("Score", steps.Transformer{ModelName: model.Properties().ModelName(),
		Data: params.Lit("s3://bucket/batch"), ContentType: params.Lit("text/csv"), SplitType: params.Lit("Line"),
		OutputPath: params.Lit("s3://bucket/scored"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)})
	p := pipeline.New("train-score").Steps(train, model, score).Env(env)

	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatalf("run: %v\n%+v", err, statuses(ex))
	}
	for _, s := range ex.Steps {
		if s.Status != pipeline.StepSucceeded {
			t.Errorf("step %s: %s (%s)", s.Name, s.Status, s.FailureReason)
		}
	}

	// The model the engine packed, at the URI the training step reported.
	var props struct {
		ModelArtifacts struct{ S3ModelArtifacts string }
	}
	if err := json.Unmarshal(ex.Step("Train").Properties, &props); err != nil {
		t.Fatal(err)
	}
	uri := props.ModelArtifacts.S3ModelArtifacts
	if !strings.HasPrefix(uri, "s3://bucket/models/") || !strings.HasSuffix(uri, "/output/model.tar.gz") {
		t.Fatalf("model artifacts at %q", uri)
	}
	dir := t.TempDir()
	untar(t, filepath.Join(e.Root(), "s3", filepath.FromSlash(strings.TrimPrefix(uri, "s3://"))), dir)
	m, err := boost.LoadModel(ctxT(t), filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	flat := make([]float32, 0, len(rows)*3)
	for _, r := range rows {
		for _, v := range r {
			flat = append(flat, float32(v))
		}
	}
	want, err := m.Predict(ctxT(t), flat, boost.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := parseLines(t, readStore(t, e.Root(), "s3://bucket/scored/batch.csv.out"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transform scores (-packed model's +transform's):\n%s", diff)
	}
}
