package local_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// Every kind of property and variable resolves when its step starts.
func TestPropertyKindsResolve(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	report := steps.PropertyFile{Name: "Eval", OutputName: "eval", Path: "nested/eval.json"}
	prep := processing("Prep", "s3://bucket/code/prep.py", nil,
		[]steps.ProcessingOutput{{Name: "eval", Source: params.Lit("/opt/ml/processing/eval")}}).PropertyFiles(report)
	lam := steps.Lambda("Lam", "arn:fn", []steps.Member{{Key: "x", Value: 1}},
		steps.OutputParameter{Name: "i", Type: steps.OutputInteger}, steps.OutputParameter{Name: "f", Type: steps.OutputFloat},
		steps.OutputParameter{Name: "b", Type: steps.OutputBoolean}, steps.OutputParameter{Name: "s"})
	cond := steps.When("Cond", steps.Equals[int](steps.Output[int](lam, "i"), params.Lit(7)))
	count := params.Integer("Count").WithDefault(3)
	probe := steps.Lambda("Probe", "arn:probe", []steps.Member{
		{Key: "s3uri", Value: prep.Properties().Output("eval").S3URI()},
		{Key: "s3uriByIndex", Value: prep.Properties().OutputAt(0).S3URI()},
		{Key: "localPath", Value: prep.Properties().Output("eval").LocalPath()},
		{Key: "jobName", Value: prep.Properties().ProcessingJobName()},
		{Key: "jobArn", Value: prep.Properties().ProcessingJobArn()},
		{Key: "status", Value: steps.Property[string](prep, "ProcessingJobStatus")},
		{Key: "instanceType", Value: steps.Property[string](prep, "ProcessingResources.ClusterConfig.InstanceType")},
		{Key: "i", Value: steps.Output[int](lam, "i")},
		{Key: "f", Value: steps.Output[float64](lam, "f")},
		{Key: "b", Value: steps.Output[bool](lam, "b")},
		{Key: "s", Value: steps.Output[string](lam, "s")},
		{Key: "outcome", Value: cond.Properties().Outcome()},
		{Key: "jsonGet", Value: steps.JsonGet[float64](prep, report, "scores[1].value")},
		{Key: "jsonGetS3", Value: steps.JsonGetS3[string](params.Join("/", prep.Properties().Output("eval").S3URI(), "nested/eval.json"), "name")},
		{Key: "join", Value: params.Join(",", count, 1.5, true, "x", steps.Output[bool](lam, "b"))},
		{Key: "count", Value: count},
		{Key: "pipeline", Value: params.PipelineName},
		{Key: "executionId", Value: params.PipelineExecutionID},
		{Key: "executionArn", Value: params.PipelineExecutionArn},
		{Key: "pipelineArn", Value: params.PipelineArn},
		{Key: "start", Value: params.StartDateTime},
		{Key: "now", Value: params.CurrentDateTime},
		{Key: "experiment", Value: params.ExperimentName},
		{Key: "trial", Value: params.TrialName},
	}).DependsOn(cond)
	p := pipeline.New("Props").Parameters(count).Steps(prep, lam, cond, probe).Env(env)

	e.Canned("Prep", local.Canned{Outputs: map[string]local.Files{"eval": {
		"nested/eval.json": []byte(`{"name": "n1", "scores": [{"value": 1}, {"value": 2.5}]}`)}}})
	e.Canned("Lam", local.Canned{OutputParameters: map[string]any{"i": 7, "f": 0.25, "b": false, "s": "str"}})
	var got map[string]any
	e.Lambda("Probe", func(ctx context.Context, c *local.Call) (map[string]any, error) {
		got = c.Inputs
		return nil, nil
	})
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	job := "pipelines-exec1-Prep-"
	jobName, _ := got["jobName"].(string)
	if !strings.HasPrefix(jobName, job) {
		t.Fatalf("job name %q", jobName)
	}
	start := "2026-01-02T03:04:05.000Z"
	want := map[string]any{
		"s3uri":        "s3://bucket/Props/exec1/Prep/output/eval",
		"s3uriByIndex": "s3://bucket/Props/exec1/Prep/output/eval",
		"localPath":    "/opt/ml/processing/eval",
		"jobName":      jobName,
		"jobArn":       "arn:aws:sagemaker:local:000000000000:processing-job/" + jobName,
		"status":       "Completed",
		"instanceType": "ml.m5.xlarge",
		"i":            int64(7), "f": 0.25, "b": false, "s": "str",
		"outcome":      true,
		"jsonGet":      2.5,
		"jsonGetS3":    "n1",
		"join":         "3,1.5,True,x,False",
		"count":        int64(3),
		"pipeline":     "Props",
		"executionId":  "exec1",
		"executionArn": "arn:aws:sagemaker:local:000000000000:pipeline/props/execution/exec1",
		"pipelineArn":  "arn:aws:sagemaker:local:000000000000:pipeline/props",
		"start":        start,
		"now":          start,
		"experiment":   "Props",
		"trial":        "exec1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resolved inputs (-want +got):\n%s", diff)
	}
	if ex.Step("Probe").Status != pipeline.StepSucceeded {
		t.Errorf("Probe: %+v", ex.Step("Probe"))
	}
}

func TestResolveErrorsFailTheStep(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	report := steps.PropertyFile{Name: "Eval", OutputName: "eval", Path: "eval.json"}
	prep := processing("Prep", "s3://bucket/code/prep.py", nil,
		[]steps.ProcessingOutput{{Name: "eval", Source: params.Lit("/opt/ml/processing/eval")}}).PropertyFiles(report)
	bad := steps.When("Check", steps.GreaterThan(steps.JsonGet[float64](prep, report, "metrics.missing"), params.Lit(1.0)))
	p := pipeline.New("bad").Steps(prep, bad).Env(env)
	e.Canned("Prep", local.Canned{Outputs: map[string]local.Files{"eval": {"eval.json": []byte(`{"metrics": {}}`)}}})
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if !errors.Is(err, local.ErrFailed) {
		t.Fatalf("err = %v", err)
	}
	if r := ex.Step("Check"); r.Status != pipeline.StepFailed || !strings.Contains(r.FailureReason, `path "metrics.missing"`) {
		t.Errorf("Check: %+v", r)
	}
}

func TestEventsAndConcurrencyBound(t *testing.T) {
	var mu sync.Mutex
	var events []string
	var logs syncBuffer
	e, _ := testEngine(t, local.Config{MaxParallel: 2, Logger: slog.New(slog.NewTextHandler(&logs, nil)), OnEvent: func(ev pipeline.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, fmt.Sprintf("%s %s %d", ev.Step, ev.Kind, ev.Attempt))
	}})
	var entities []steps.Entity
	for i := range 6 {
		entities = append(entities, processing(fmt.Sprintf("S%d", i), "s3://bucket/code/noop.py", nil, nil))
	}
	running, peak, calls := 0, 0, 0
	second := make(chan struct{})
	e.Processing("noop.py", func(ctx context.Context, job *local.ProcessingJob) error {
		mu.Lock()
		running++
		calls++
		n := calls
		peak = max(peak, running)
		mu.Unlock()
		switch n {
		case 1: // wait for the second step, so both are known to run at once
			select {
			case <-second:
			case <-time.After(10 * time.Second):
			}
		case 2:
			close(second)
		}
		job.Log.Info("step log line", "n", n)
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	})
	fail := steps.Fail("Stop", params.Lit("never"))
	check := steps.When("Check", steps.Equals[int](params.Lit(1), params.Lit(2))).Then(fail)
	entities = append(entities, check)
	if _, err := e.Run(ctxT(t), pipeline.New("wide").Steps(entities...).Env(env), local.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if peak != 2 {
		t.Errorf("peak concurrency %d, want 2", peak)
	}
	counts := map[string]int{}
	for _, ev := range events {
		f := strings.Fields(ev)
		counts[f[len(f)-2]]++
	}
	if diff := cmp.Diff(map[string]int{"started": 8, "succeeded": 8, "skipped": 1}, counts); diff != "" {
		t.Errorf("event counts (-want +got):\n%s\n%v", diff, events)
	}
	if events[0] != " started 0" || events[len(events)-1] != " succeeded 0" {
		t.Errorf("execution events: first %q, last %q", events[0], events[len(events)-1])
	}
	if !slicesContain(events, "Stop skipped 0") {
		t.Errorf("no skipped event for Stop: %v", events)
	}
	for _, want := range []string{"msg=started execution=exec1 step=S0 attempt=1", "msg=skipped execution=exec1 step=Stop message=", "msg=succeeded execution=exec1 message=\"execution succeeded\"", "msg=\"step log line\" execution=exec1 step=S"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
