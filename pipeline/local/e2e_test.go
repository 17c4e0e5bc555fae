package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// fullPipeline uses Processing, Lambda, Callback, Condition (every
// condition shape) and Fail steps.
func fullPipeline() *pipeline.Pipeline {
	threshold := params.Float("Threshold").WithDefault(15000)
	mode := params.String("Mode").WithDefault("a").WithEnum("a", "b")
	count := params.Integer("Count").WithDefault(2)
	flag := params.Boolean("Flag").WithDefault(true)
	raw := params.String("Raw").WithDefault("s3://bucket/raw/data.csv")

	report := steps.PropertyFile{Name: "Report", OutputName: "report", Path: "report.json"}
	prep := processing("Prep", "s3://bucket/code/prep.py",
		[]steps.ProcessingInput{{Name: params.Lit("raw"), Source: raw, Destination: params.Lit("/opt/ml/processing/input")}},
		[]steps.ProcessingOutput{
			{Name: "train", Source: params.Lit("/opt/ml/processing/train")},
			{Name: "report", Source: params.Lit("/opt/ml/processing/report"), Destination: params.Lit("s3://bucket/reports/prep")},
		},
		params.Lit("--count"), count.Value().ToString(), params.Lit("--mode"), mode,
	).PropertyFiles(report)

	lam := steps.Lambda("Lam", "arn:aws:lambda:us-east-1:1:function:size", []steps.Member{
		{Key: "uri", Value: prep.Properties().Output("train").S3URI()},
		{Key: "n", Value: count},
		{Key: "job", Value: prep.Properties().ProcessingJobName()},
	}, steps.OutputParameter{Name: "size", Type: steps.OutputInteger}, steps.OutputParameter{Name: "label"})
	cb := steps.Callback("Cb", "https://sqs.us-east-1.amazonaws.com/1/q", []steps.Member{
		{Key: "label", Value: steps.Output[string](lam, "label")},
	}, steps.OutputParameter{Name: "approved", Type: steps.OutputBoolean})

	rmse := steps.JsonGet[float64](prep, report, "metrics.rmse.value")
	size := steps.Output[int](lam, "size")
	approved := steps.Output[bool](cb, "approved")

	publish := processing("Publish", "s3://bucket/code/publish.py",
		[]steps.ProcessingInput{{Name: params.Lit("train"), Source: prep.Properties().Output("train").S3URI(), Destination: params.Lit("/opt/ml/processing/train")}},
		[]steps.ProcessingOutput{{Name: "out", Source: params.Lit("/opt/ml/processing/out")}},
		params.Join(" ", "rmse", rmse, "label", steps.Output[string](lam, "label")))
	fail := steps.Fail("TooHigh", params.Join(" ", "RMSE", rmse, "above", threshold))

	check := steps.When("Check",
		steps.Equals[int](count, params.Lit(2)),
		steps.GreaterThan(rmse, params.Lit(0.0)),
		steps.GreaterThanOrEqualTo(size, params.Lit(1)),
		steps.LessThan[float64](rmse, threshold),
		steps.LessThanOrEqualTo[int](params.Lit(1), count),
		steps.In[string](mode, params.Lit("a"), params.Lit("b")),
		steps.In[string](params.Lit("sample-label"), params.Lit("x"), steps.Output[string](lam, "label")),
		steps.Not(steps.Equals[bool](approved, params.Lit(false))),
		steps.Not(steps.In[string](mode, params.Lit("y"), params.Lit("z"))),
		steps.Or(steps.Equals[string](mode, params.Lit("zzz")), steps.Equals[bool](flag, params.Lit(true))),
	).Then(publish).Else(fail)

	return pipeline.New("full").Parameters(threshold, mode, count, flag, raw).Steps(prep, lam, cb, check).
		Env(steps.Env{Bucket: "bucket", Region: "us-east-1", Role: "role"})
}

// bindFull binds Go functions to fullPipeline's steps: Prep by file name,
// Publish by S3 URI, the Lambda by its ARN, the Callback by step name.
func bindFull(e *local.Engine, rmse float64) {
	e.Processing("prep.py", func(ctx context.Context, job *local.ProcessingJob) error {
		data, err := os.ReadFile(filepath.Join(job.Inputs["raw"].Dir, "data.csv"))
		if err != nil {
			return err
		}
		job.Log.Info("read raw", "bytes", len(data), "args", strings.Join(job.Arguments, " "))
		job.LogMetric("rows", float64(strings.Count(string(data), "\n")), -1)
		if err := os.WriteFile(filepath.Join(job.Outputs["train"].Dir, "train.csv"), data, 0o644); err != nil {
			return err
		}
		rep := fmt.Sprintf(`{"metrics": {"rmse": {"value": %v}}}`, rmse)
		return os.WriteFile(filepath.Join(job.Outputs["report"].Dir, "report.json"), []byte(rep), 0o644)
	})
	e.Processing("s3://bucket/code/publish.py", func(ctx context.Context, job *local.ProcessingJob) error {
		data, err := os.ReadFile(filepath.Join(job.Inputs["train"].Dir, "train.csv"))
		if err != nil {
			return err
		}
		out := fmt.Sprintf("%s|%d rows", strings.Join(job.Arguments, " "), strings.Count(string(data), "\n"))
		return os.WriteFile(filepath.Join(job.Outputs["out"].Dir, "published.txt"), []byte(out), 0o644)
	})
	e.Lambda("arn:aws:lambda:us-east-1:1:function:size", func(ctx context.Context, c *local.Call) (map[string]any, error) {
		if !strings.HasPrefix(c.Inputs["job"].(string), "pipelines-") {
			return nil, fmt.Errorf("job name %v", c.Inputs["job"])
		}
		return map[string]any{"size": c.Inputs["n"].(int64) * 10, "label": "sample-label"}, nil
	})
	e.Callback("Cb", func(ctx context.Context, c *local.Call) (map[string]any, error) {
		return map[string]any{"approved": c.Inputs["label"] == "sample-label"}, nil
	})
}

func TestFullPipelineThenBranch(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	writeFile(t, filepath.Join(t.TempDir(), "x"), "")
	src := filepath.Join(t.TempDir(), "data.csv")
	writeFile(t, src, "a,b\n1,2\n3,4\n")
	if err := e.Stage(src, "s3://bucket/raw/data.csv"); err != nil {
		t.Fatal(err)
	}
	bindFull(e, 9000.5)
	var events []string
	ex, err := e.Run(ctxT(t), fullPipeline(), local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = events
	want := map[string]pipeline.StepStatus{
		"Prep": pipeline.StepSucceeded, "Lam": pipeline.StepSucceeded, "Cb": pipeline.StepSucceeded,
		"Check": pipeline.StepSucceeded, "Publish": pipeline.StepSucceeded, "TooHigh": pipeline.StepNotRun,
	}
	if diff := cmp.Diff(want, statuses(ex)); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if ex.Status != pipeline.ExecutionSucceeded {
		t.Fatalf("status %s (%s)", ex.Status, ex.FailureReason)
	}
	prep := ex.Step("Prep")
	trainURI := "s3://bucket/full/exec1/Prep/output/train"
	if diff := cmp.Diff(map[string]string{"train": trainURI, "report": "s3://bucket/reports/prep"}, prep.Outputs); diff != "" {
		t.Errorf("Prep outputs (-want +got):\n%s", diff)
	}
	if got := readStore(t, e.Root(), "s3://bucket/full/exec1/Publish/output/out/published.txt"); got != "rmse 9000.5 label sample-label|3 rows" {
		t.Errorf("published %q", got)
	}
	if len(prep.Log) != 1 || !strings.Contains(prep.Log[0], `args="--count 2 --mode a"`) {
		t.Errorf("Prep log %q", prep.Log)
	}
	if len(prep.Metrics) != 1 || prep.Metrics[0].Value != 3 || prep.Metrics[0].Name != "rows" {
		t.Errorf("Prep metrics %+v", prep.Metrics)
	}
	var props struct {
		ProcessingJobName   string
		ProcessingJobStatus string
	}
	if err := json.Unmarshal(prep.Properties, &props); err != nil {
		t.Fatal(err)
	}
	if props.ProcessingJobStatus != "Completed" || !strings.HasPrefix(props.ProcessingJobName, "pipelines-exec1-Prep-") {
		t.Errorf("Prep properties %+v", props)
	}
	if got := string(ex.Step("Lam").Properties); got != `{"OutputParameters":{"size":20,"label":"sample-label"}}` {
		t.Errorf("Lam properties %s", got)
	}
	if got := string(ex.Step("Check").Properties); got != `{"Outcome":true}` {
		t.Errorf("Check properties %s", got)
	}
	if got := ex.Step("TooHigh").FailureReason; !strings.Contains(got, "branch not taken") {
		t.Errorf("TooHigh reason %q", got)
	}
	loaded, err := local.Load(e.Root(), ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ex, loaded); diff != "" {
		t.Errorf("loaded record differs (-run +loaded):\n%s", diff)
	}
}

func TestFullPipelineFailBranch(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	src := filepath.Join(t.TempDir(), "data.csv")
	writeFile(t, src, "a,b\n1,2\n")
	bindFull(e, 9000.5)
	ex, err := e.Run(ctxT(t), fullPipeline(), local.RunOptions{Parameters: map[string]any{"Threshold": 5000},
		Stage: map[string]string{"s3://bucket/raw/data.csv": src}})
	if !errors.Is(err, local.ErrFailed) {
		t.Fatalf("err = %v, want ErrFailed", err)
	}
	if ex.Status != pipeline.ExecutionFailed || ex.FailureReason != "RMSE 9000.5 above 5000.0" {
		t.Fatalf("status %s, reason %q", ex.Status, ex.FailureReason)
	}
	want := map[string]pipeline.StepStatus{
		"Prep": pipeline.StepSucceeded, "Lam": pipeline.StepSucceeded, "Cb": pipeline.StepSucceeded,
		"Check": pipeline.StepSucceeded, "Publish": pipeline.StepNotRun, "TooHigh": pipeline.StepFailed,
	}
	if diff := cmp.Diff(want, statuses(ex)); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if got := string(ex.Step("Check").Properties); got != `{"Outcome":false}` {
		t.Errorf("Check properties %s", got)
	}
	if got := string(ex.Step("TooHigh").Arguments); got != `{"ErrorMessage":"RMSE 9000.5 above 5000.0"}` {
		t.Errorf("TooHigh arguments %s", got)
	}
	if _, err := e.Retry(ctxT(t), ex.ID, local.RunOptions{}); !errors.Is(err, local.ErrNotRetryable) {
		t.Errorf("Retry after a Fail step: %v", err)
	}
}

// The same pipeline parsed from its own definition runs with the same
// record.
func TestParsedDefinitionRunsTheSame(t *testing.T) {
	run := func(p *pipeline.Pipeline) *pipeline.Execution {
		e, _ := testEngine(t, local.Config{})
		src := filepath.Join(t.TempDir(), "data.csv")
		writeFile(t, src, "a,b\n1,2\n")
		if err := e.Stage(src, "s3://bucket/raw/data.csv"); err != nil {
			t.Fatal(err)
		}
		bindFull(e, 20000.25)
		ex, err := e.Run(ctxT(t), p, local.RunOptions{Parameters: map[string]any{"Mode": "b"}})
		if !errors.Is(err, local.ErrFailed) {
			t.Fatalf("err = %v", err)
		}
		return ex
	}
	p := fullPipeline()
	def, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := pipeline.Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	built := run(p)
	again := run(parsed.WithName(p.Name()))
	if diff := cmp.Diff(built, again); diff != "" {
		t.Errorf("records differ (-built +parsed):\n%s", diff)
	}
	if built.FailureReason != "RMSE 20000.25 above 15000.0" {
		t.Errorf("reason %q", built.FailureReason)
	}
}
