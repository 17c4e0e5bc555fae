package local_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

func parseSDK(t *testing.T, name string) *pipeline.Pipeline {
	t.Helper()
	data, err := os.ReadFile("../testdata/parse/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return p.WithName("sdk")
}

// A definition written by the SageMaker Python SDK runs as it is.
func TestSDKDefinitionRuns(t *testing.T) {
	p := parseSDK(t, "fail-join-condition-outcome.json")
	for _, c := range []struct {
		n    int
		want string
	}{{2, "Failed due to xxx == yyy returns: False"}, {1, "Failed due to xxx == yyy returns: True"}} {
		e, _ := testEngine(t, local.Config{})
		ex, err := e.Run(ctxT(t), p, local.RunOptions{Parameters: map[string]any{"MyInt": c.n}})
		if !errors.Is(err, local.ErrFailed) || ex.FailureReason != c.want {
			t.Errorf("MyInt=%d: %v, reason %q", c.n, err, ex.FailureReason)
		}
		if diff := cmp.Diff(map[string]pipeline.StepStatus{"CondStep": pipeline.StepSucceeded, "FailStep": pipeline.StepFailed}, statuses(ex)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	}
}

func TestPipelineNeedsAName(t *testing.T) {
	data, err := os.ReadFile("../testdata/parse/fail-join-condition-outcome.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := testEngine(t, local.Config{})
	if _, err := e.Run(ctxT(t), p, local.RunOptions{}); !errors.Is(err, local.ErrDefinition) || !strings.Contains(err.Error(), "WithName") {
		t.Errorf("unnamed pipeline: %v", err)
	}
}

// Every step the engine cannot run yet is listed before anything starts,
// for SDK definitions too.
func TestSDKDefinitionsListUnboundSteps(t *testing.T) {
	cases := []struct {
		file   string
		params map[string]any
		steps  []string
	}{
		{"condition-all-types.json", map[string]any{"MyInt1": 1, "MyInt2": 2, "MyStr": "abc"}, []string{"MyStep1", "MyStep2", "MyStep0"}},
		{"seed-pipeline.sdk-2.257.6.json", nil, []string{"FeatureStoreIngestion", "PreprocessData", "HPTuning", "EvaluateModel"}},
	}
	for _, c := range cases {
		e, _ := testEngine(t, local.Config{})
		_, err := e.Run(ctxT(t), parseSDK(t, c.file), local.RunOptions{Parameters: c.params})
		if !errors.Is(err, local.ErrUnbound) {
			t.Fatalf("%s: %v", c.file, err)
		}
		var got []string
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var se *pipeline.StepError
			if errors.As(e, &se) {
				got = append(got, se.Step)
			}
		}
		if diff := cmp.Diff(c.steps, got); diff != "" {
			t.Errorf("%s: unbound steps (-want +got):\n%s", c.file, diff)
		}
		if c.params == nil && !strings.Contains(err.Error(), "script-fs.py") {
			t.Errorf("the error does not name the script a binding could use: %v", err)
		}
	}
}

// The seed pipeline's logic runs today with canned results standing in
// for the steps the engine cannot run yet (tuning, registration) and for
// the scripts: the condition reads the evaluation report and takes the
// register or the fail branch.
func TestSeedPipelineWithCannedResults(t *testing.T) {
	const bucket = "s3://sagemaker-us-east-1-111122223333/"
	p := parseSDK(t, "seed-pipeline.sdk-2.257.6.json").WithName("synthetic-housing-training-sm-pipeline-ray")
	for _, c := range []struct {
		rmse  string
		taken string
		want  pipeline.ExecutionStatus
	}{{"9100.3", "RegisterTrainedModel-RegisterModel", pipeline.ExecutionSucceeded}, {"21000.5", "RMSEFail", pipeline.ExecutionFailed}} {
		e, _ := testEngine(t, local.Config{})
		raw := writeTemp(t, "PRICE,YEAR_BUILT\n1,2\n")
		e.Canned("FeatureStoreIngestion", local.Canned{Log: []string{"ingested"}})
		e.Canned("PreprocessData", local.Canned{Outputs: map[string]local.Files{
			"train": {"train.csv": []byte("t")}, "validation": {"validation.csv": []byte("v")}, "test": {"test.csv": []byte("x")}}})
		e.Canned("HPTuning", local.Canned{Properties: map[string]any{
			"TrainingJobSummaries": []any{
				map[string]any{"TrainingJobName": "XGBoost-model-best", "FinalHyperParameterTuningJobObjectiveMetric": map[string]any{"Value": 9100.3}},
				map[string]any{"TrainingJobName": "XGBoost-model-other"},
			},
			"BestTrainingJob.TrainingJobName": "XGBoost-model-best",
		}})
		var modelDir string
		e.Processing("EvaluateModel", func(ctx context.Context, job *local.ProcessingJob) error {
			modelDir = job.Inputs["input-1"].S3URI
			report := `{"regression_metrics": {"mae": {"value": 5000.1}, "rmse": {"value": ` + c.rmse + `}}}`
			return os.WriteFile(filepath.Join(job.Outputs["evaluation"].Dir, "evaluation.json"), []byte(report), 0o644)
		})
		e.Canned("RegisterTrainedModel-RegisterModel", local.Canned{Properties: map[string]any{
			"ModelPackageArn": "arn:aws:sagemaker:us-east-1:111122223333:model-package/g/1"}})
		ex, _ := e.Run(ctxT(t), p, local.RunOptions{Stage: map[string]string{
			bucket + "aws-sm-ray-pipeline-workshop/data/raw/house_pricing.csv":             raw,
			bucket + "aws-sm-ray-pipeline-workshop/XGBoost-model-best/output/model.tar.gz": writeTemp(t, "model"),
		}})
		if ex.Status != c.want {
			t.Fatalf("rmse %s: %s (%s)", c.rmse, ex.Status, ex.FailureReason)
		}
		if modelDir != bucket+"aws-sm-ray-pipeline-workshop/XGBoost-model-best/output/model.tar.gz" {
			t.Errorf("the evaluation read the model at %s", modelDir)
		}
		for _, s := range []string{"FeatureStoreIngestion", "PreprocessData", "HPTuning", "EvaluateModel", "CheckEvaluation", c.taken} {
			if r := ex.Step(s); r.Status != pipeline.StepSucceeded && !(s == "RMSEFail" && r.Status == pipeline.StepFailed) {
				t.Errorf("rmse %s: %s is %s (%s)", c.rmse, s, r.Status, r.FailureReason)
			}
		}
		if c.taken == "RMSEFail" && ex.FailureReason != "Execution failed due to RMSE > 15000.0" {
			t.Errorf("reason %q", ex.FailureReason)
		}
	}
}
