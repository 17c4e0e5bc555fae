package local_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// trainModelTransform is Train → CreateModel → Transform over
// s3://bucket/batch, scoring into s3://bucket/scored.
func trainModelTransform(tr steps.Transformer) *pipeline.Pipeline {
	train := steps.Training("Train", steps.Estimator{ImageURI: params.Lit(xgbImage),
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)},
		steps.TrainingInput{Channel: "train", S3Data: params.Lit("s3://bucket/train")})
	model := steps.CreateModel("Model", steps.Model{ImageURI: params.Lit(xgbImage),
		ModelData:   train.Properties().ModelArtifacts().S3ModelArtifacts(),
		Environment: []steps.Member{{Key: "MODE", Value: "batch"}}})
	tr.ModelName = model.Properties().ModelName()
	if tr.Data == nil {
		tr.Data = params.Lit("s3://bucket/batch")
	}
	tr.OutputPath = params.Lit("s3://bucket/scored")
	tr.InstanceType, tr.InstanceCount = params.Lit("ml.m5.xlarge"), params.Lit(1)
	return pipeline.New("batch").Steps(train, model, steps.Transform("Score", tr)).Env(env)
}

// stageTrained stages the model where a training job would have put it
// and cans the Train step with that ModelArtifacts.S3ModelArtifacts.
func stageTrained(t *testing.T, e *local.Engine, hm *housingModel) string {
	t.Helper()
	const uri = "s3://bucket/output/train-job-1/output/model.tar.gz"
	if err := e.Stage(hm.tarGz, uri); err != nil {
		t.Fatal(err)
	}
	e.Canned("Train", local.Canned{Properties: map[string]any{
		"ModelArtifacts.S3ModelArtifacts": uri, "TrainingJobStatus": "Completed"}})
	return uri
}

func TestTrainingCreateModelTransformPipeline(t *testing.T) {
	e, _ := testEngine(t, local.Config{Region: "us-east-1", Account: "111122223333"})
	hm := newHousingModel(t)
	modelURI := stageTrained(t, e, hm)
	batch := t.TempDir()
	writeFile(t, filepath.Join(batch, "a.csv"), csvRows(hm.rows[:10]))
	writeFile(t, filepath.Join(batch, "part", "b.csv"), csvRows(hm.rows[10:]))
	if err := e.Stage(batch, "s3://bucket/batch"); err != nil {
		t.Fatal(err)
	}
	p := trainModelTransform(steps.Transformer{ContentType: params.Lit("text/csv"), SplitType: params.Lit("Line"), AssembleWith: params.Lit("Line")})

	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatalf("run: %v\n%+v", err, statuses(ex))
	}

	// The CreateModel step's properties are DescribeModel's answer, and
	// the record under the root says the same.
	var props struct {
		ModelName, ModelArn string
		PrimaryContainer    local.Container
	}
	if err := json.Unmarshal(ex.Step("Model-CreateModel").Properties, &props); err != nil {
		t.Fatal(err)
	}
	m, err := local.DescribeModel(e.Root(), props.ModelName)
	if err != nil {
		t.Fatal(err)
	}
	wantContainer := local.Container{Image: xgbImage, ModelDataURL: modelURI, Environment: map[string]string{"MODE": "batch"}}
	if diff := cmp.Diff(wantContainer, m.PrimaryContainer); diff != "" {
		t.Errorf("model container (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantContainer, props.PrimaryContainer); diff != "" {
		t.Errorf("CreateModel PrimaryContainer property (-want +got):\n%s", diff)
	}
	if want := "arn:aws:sagemaker:us-east-1:111122223333:model/" + strings.ToLower(m.Name); m.Arn != want || props.ModelArn != want {
		t.Errorf("model ARN %q / property %q, want %q", m.Arn, props.ModelArn, want)
	}
	if want := "arn:aws:sagemaker:us-east-1:111122223333:pipeline/batch/execution/" + ex.ID; m.PipelineExecutionArn != want {
		t.Errorf("model made by %q, want %q", m.PipelineExecutionArn, want)
	}

	// Transform wrote <file>.out for each input file, one prediction per
	// line, equal to boost's own.
	for _, f := range []struct {
		uri  string
		rows [][]float64
	}{
		{"s3://bucket/scored/a.csv.out", hm.rows[:10]},
		{"s3://bucket/scored/part/b.csv.out", hm.rows[10:]},
	} {
		got := parseLines(t, readStore(t, e.Root(), f.uri))
		if diff := cmp.Diff(hm.predict(t, f.rows), got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", f.uri, diff)
		}
	}
	var tp struct {
		TransformJobName, TransformJobStatus, ModelName string
		TransformOutput                                 struct{ S3OutputPath string }
	}
	if err := json.Unmarshal(ex.Step("Score").Properties, &tp); err != nil {
		t.Fatal(err)
	}
	if tp.TransformJobStatus != "Completed" || tp.ModelName != m.Name || tp.TransformOutput.S3OutputPath != "s3://bucket/scored" || tp.TransformJobName == "" {
		t.Errorf("Score properties %+v", tp)
	}
}

func TestDescribeModelMissing(t *testing.T) {
	for _, name := range []string{"nope", "../x", ""} {
		if _, err := local.DescribeModel(t.TempDir(), name); !errors.Is(err, local.ErrNoModel) {
			t.Errorf("DescribeModel(%q) = %v, want ErrNoModel", name, err)
		}
	}
}
