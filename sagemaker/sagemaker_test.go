package sagemaker

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/sagemaker/internal/smfake"
	"github.com/sagepipe/sagepipe/steps"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestUpsertCreatesThenUpdates(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := testPipeline(t, t.TempDir(), "housing")
	want, err := frozen(p).Definition()
	if err != nil {
		t.Fatal(err)
	}

	first, err := h.c.Upsert(ctx, p, testRole, UpsertOptions{Description: "first", Tags: []Tag{{"team", "ml"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.Version != 1 || !strings.HasSuffix(first.ARN, ":pipeline/housing") {
		t.Errorf("first upsert = %+v", first)
	}
	if got, _ := h.srv.Definition("housing"); got != string(want) {
		t.Errorf("stored definition differs from Definition():\n got %.200s\nwant %.200s", got, want)
	}
	if len(first.Staged) != 2 {
		t.Fatalf("staged %q, want the script and sourcedir.tar.gz", first.Staged)
	}
	if first.DefinitionS3 != "" {
		t.Errorf("small definition went through S3: %s", first.DefinitionS3)
	}
	// The definition names exactly the staged locations.
	for _, uri := range first.Staged {
		if !strings.Contains(string(want), `"`+uri+`"`) && !strings.Contains(string(want), `\"`+uri+`\"`) {
			t.Errorf("staged %s, which the definition does not name", uri)
		}
	}
	script := h.object(t, strings.TrimPrefix(first.Staged[0], "s3://"+testBucket+"/"))
	if string(script) != "print('prepare')\n" {
		t.Errorf("staged script = %q", script)
	}
	files := untar(t, h.object(t, strings.TrimPrefix(first.Staged[1], "s3://"+testBucket+"/")))
	if diff := cmp.Diff(map[string]string{"script.py": "print('train')\n", "util/": "", "util/helpers.py": "X = 1\n"}, files); diff != "" {
		t.Errorf("sourcedir.tar.gz (-want +got):\n%s", diff)
	}
	puts := h.s3put.Load()

	second, err := h.c.Upsert(ctx, p, testRole, UpsertOptions{Description: "second", DisplayName: "Housing",
		MaxParallelSteps: 4, Tags: []Tag{{"stage", "prod"}}})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := h.srv.Pipeline("housing")
	if diff := cmp.Diff(smfake.PipelineInfo{Definition: string(want), Description: "second", DisplayName: "Housing",
		Role: testRole, MaxParallelSteps: 4, Version: 2}, info); diff != "" {
		t.Errorf("pipeline after update (-want +got):\n%s", diff)
	}
	if second.Created || second.Version != 2 || second.ARN != first.ARN {
		t.Errorf("second upsert = %+v", second)
	}
	if len(second.Staged) != 0 || h.s3put.Load() != puts {
		t.Errorf("second upsert uploaded %q (%d puts)", second.Staged, h.s3put.Load()-puts)
	}
	if diff := cmp.Diff([]string{"team=ml", "stage=prod"}, h.srv.Tags("housing")); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CreatePipeline", "CreatePipeline", "UpdatePipeline", "AddTags"}, h.srv.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func untar(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	out := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		out[hdr.Name] = string(body)
	}
}

func TestUpsertLargeDefinitionGoesThroughS3(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := testPipeline(t, t.TempDir(), "big")
	want, _ := frozen(p).Definition()
	res, err := h.c.Upsert(ctx, p, testRole, UpsertOptions{InlineLimit: 512})
	if err != nil {
		t.Fatal(err)
	}
	if res.DefinitionS3 != "s3://"+testBucket+"/big" {
		t.Errorf("DefinitionS3 = %q", res.DefinitionS3)
	}
	if got := h.object(t, "big"); string(got) != string(want) {
		t.Errorf("definition object differs from Definition()")
	}
	if got, _ := h.srv.Definition("big"); got != string(want) {
		t.Errorf("the service read another definition")
	}
}

func TestUpsertMissingCodeMakesNoCall(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	p := testPipeline(t, dir, "broken")
	if err := os.Remove(filepath.Join(dir, "prep.py")); err != nil {
		t.Fatal(err)
	}
	_, err := h.c.Upsert(testContext(t), p, testRole, UpsertOptions{})
	if !errors.Is(err, steps.ErrCode) && !errors.Is(err, ErrLocalCode) {
		t.Fatalf("err = %v, want a local code error", err)
	}
	if !strings.Contains(err.Error(), "prep.py") {
		t.Errorf("error %q does not name the file", err)
	}
	if calls := h.srv.Calls(); len(calls) != 0 || h.s3put.Load() != 0 {
		t.Errorf("calls made: %q, %d uploads", calls, h.s3put.Load())
	}
}

func TestValidationMessageKeptWhole(t *testing.T) {
	h := newHarness(t)
	p := testPipeline(t, t.TempDir(), "bad--name-")
	_, err := h.c.Upsert(testContext(t), p, testRole, UpsertOptions{})
	var oe *Error
	if !errors.As(err, &oe) || oe.Op != "CreatePipeline" || oe.Pipeline != "bad--name-" {
		t.Fatalf("err = %v, want *Error for CreatePipeline of bad--name-", err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("err = %v, want a ValidationException", err)
	}
	if msg := `invalid PipelineName "bad--name-"`; ae.ErrorMessage() != msg || !strings.Contains(err.Error(), msg) {
		t.Errorf("message %q / error %q, want %q whole", ae.ErrorMessage(), err, msg)
	}
}

func TestStartChecksParametersBeforeAnyCall(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := testPipeline(t, t.TempDir(), "housing")
	for _, tc := range []struct {
		name   string
		values map[string]any
	}{
		{"string for integer", map[string]any{"InstanceCount": "2"}},
		{"float for integer", map[string]any{"InstanceCount": 2.5}},
		{"integer for string", map[string]any{"TrainSize": 7}},
		{"string for float", map[string]any{"Threshold": "15000"}},
		{"NaN", map[string]any{"Threshold": math.NaN()}},
		{"int for boolean", map[string]any{"Strict": 1}},
		{"not in enum", map[string]any{"Mode": "medium"}},
		{"undeclared", map[string]any{"Other": "x"}},
		{"nil", map[string]any{"TrainSize": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.c.Start(ctx, p, tc.values, StartOptions{})
			if !errors.Is(err, ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
			var pe *pipeline.ParameterError
			if !errors.As(err, &pe) {
				t.Errorf("err = %v, want a *pipeline.ParameterError", err)
			}
		})
	}
	if calls := h.srv.Calls(); len(calls) != 0 {
		t.Errorf("calls made: %q", calls)
	}
}

// script is a run of the test pipeline: Prep, Train (retried once), then
// Check taking its true branch, so that TooHigh never runs.
var succeeding = []smfake.Frame{
	{Status: "Executing", Steps: []smfake.Step{{Name: "Prep", Status: "Starting", Kind: "Processing"}}},
	{Status: "Executing", Steps: []smfake.Step{{Name: "Prep", Status: "Executing", Attempts: 1, Kind: "Processing"}}},
	{Status: "Executing", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", Attempts: 1, Kind: "Processing"},
		{Name: "Train", Status: "Executing", Attempts: 1, Kind: "Training"}}},
	{Status: "Executing", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", Attempts: 1, Kind: "Processing"},
		{Name: "Train", Status: "Executing", Attempts: 2, Kind: "Training"}}},
	{Status: "Succeeded", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", Attempts: 1, Kind: "Processing"},
		{Name: "Train", Status: "Succeeded", Attempts: 2, Kind: "Training"},
		{Name: "Check", Status: "Succeeded", Kind: "Condition", Outcome: "True"}}},
}

var failing = []smfake.Frame{
	{Status: "Executing", Steps: []smfake.Step{{Name: "Prep", Status: "Executing", Kind: "Processing"}}},
	{Status: "Executing", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", Kind: "Processing"},
		{Name: "Train", Status: "Succeeded", Kind: "Training"},
		{Name: "Check", Status: "Succeeded", Kind: "Condition", Outcome: "False"}}},
	{Status: "Failed", FailureReason: "Step failure: One or multiple steps failed.", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", Kind: "Processing"},
		{Name: "Train", Status: "Succeeded", Kind: "Training"},
		{Name: "Check", Status: "Succeeded", Kind: "Condition", Outcome: "False"},
		{Name: "TooHigh", Status: "Failed", Kind: "Fail", FailureReason: "Execution failed due to RMSE > 15000.0"}}},
}

func ev(step string, kind pipeline.EventKind, attempt int, msg string) pipeline.Event {
	return pipeline.Event{Execution: "exec00000001", Step: step, Kind: kind, Attempt: attempt, Message: msg}
}

const notRun = "the step did not run: its branch was not taken or a step it depends on did not succeed"

// collect returns an events callback and the events it got.
func collect(t *testing.T) (func(pipeline.Event), *[]pipeline.Event) {
	var got []pipeline.Event
	return func(e pipeline.Event) {
		if e.Time.IsZero() {
			t.Errorf("event %+v has no time", e)
		}
		got = append(got, e)
	}, &got
}

// checkEvents reports how got differs from want, times aside.
func checkEvents(t *testing.T, want, got []pipeline.Event) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pipeline.Event{}, "Time")); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func upserted(t *testing.T, h *harness, name string) *pipeline.Pipeline {
	t.Helper()
	p := testPipeline(t, t.TempDir(), name)
	if _, err := h.c.Upsert(testContext(t), p, testRole, UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWaitSucceeded(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	upserted(t, h, "housing")
	// Start the pipeline as deployed, read back from the service.
	p, err := h.c.Pipeline(ctx, "housing")
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := h.srv.Definition("housing"); mustDefinition(t, p) != stored {
		t.Error("the pipeline read back does not write the stored definition")
	}
	h.srv.Script("housing", succeeding...)
	x, err := h.c.Start(ctx, p, map[string]any{"InstanceCount": int64(3), "TrainSize": "0.7", "Threshold": 12000.5, "Strict": true}, StartOptions{DisplayName: "nightly"})
	if err != nil {
		t.Fatal(err)
	}
	events, got := collect(t)
	rec, err := x.Wait(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	want := []pipeline.Event{
		ev("", pipeline.EventStarted, 0, ""),
		ev("Prep", pipeline.EventStarted, 1, ""),
		ev("Prep", pipeline.EventSucceeded, 1, ""),
		ev("Train", pipeline.EventStarted, 1, ""),
		ev("Train", pipeline.EventRetried, 2, ""),
		ev("Train", pipeline.EventSucceeded, 2, ""),
		ev("Check", pipeline.EventStarted, 1, ""),
		ev("Check", pipeline.EventSucceeded, 1, ""),
		ev("TooHigh", pipeline.EventSkipped, 0, notRun),
		ev("", pipeline.EventSucceeded, 0, ""),
	}
	checkEvents(t, want, *got)
	if rec.Status != pipeline.ExecutionSucceeded || rec.ID != "exec00000001" || rec.Pipeline != "housing" || rec.DisplayName != "nightly" || rec.End.IsZero() {
		t.Errorf("record = %+v", rec)
	}
	var names, types, statuses []string
	for _, s := range rec.Steps {
		names, types, statuses = append(names, s.Name), append(types, s.Type), append(statuses, string(s.Status))
	}
	if diff := cmp.Diff([]string{"Prep", "Train", "Check", "TooHigh"}, names); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Processing", "Training", "Condition", "Fail"}, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Succeeded", "Succeeded", "Succeeded", "NotRun"}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if got := string(rec.Step("Check").Properties); got != `{"Outcome":"True"}` {
		t.Errorf("Check properties = %s", got)
	}
	params := map[string]string{}
	for k, v := range rec.Parameters {
		params[k] = string(v)
	}
	wantParams := map[string]string{"InstanceCount": "3", "TrainSize": `"0.7"`, "Threshold": "12000.5", "Strict": "true", "Mode": `"fast"`}
	if diff := cmp.Diff(wantParams, params); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
	// The record is the engines' shared type and serialises as such.
	if _, err := json.Marshal(rec); err != nil {
		t.Error(err)
	}
}

func TestWaitFailedWithReason(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := upserted(t, h, "housing")
	h.srv.Script("housing", failing...)
	x, err := h.c.Start(ctx, p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events, got := collect(t)
	rec, err := x.Wait(ctx, events)
	var xe *ExecutionError
	if !errors.Is(err, ErrExecutionFailed) || !errors.As(err, &xe) || xe.Reason != "Step failure: One or multiple steps failed." {
		t.Fatalf("err = %v, want the execution's failure", err)
	}
	if rec.Status != pipeline.ExecutionFailed || rec.Step("TooHigh").FailureReason != "Execution failed due to RMSE > 15000.0" {
		t.Errorf("record = %+v", rec)
	}
	want := []pipeline.Event{
		ev("", pipeline.EventStarted, 0, ""),
		ev("Prep", pipeline.EventStarted, 1, ""),
		ev("Prep", pipeline.EventSucceeded, 1, ""),
		ev("Train", pipeline.EventStarted, 1, ""),
		ev("Train", pipeline.EventSucceeded, 1, ""),
		ev("Check", pipeline.EventStarted, 1, ""),
		ev("Check", pipeline.EventSucceeded, 1, ""),
		ev("TooHigh", pipeline.EventStarted, 1, ""),
		ev("TooHigh", pipeline.EventFailed, 1, "Execution failed due to RMSE > 15000.0"),
		ev("", pipeline.EventFailed, 0, "Step failure: One or multiple steps failed."),
	}
	checkEvents(t, want, *got)

	// Retry resumes the same execution.
	h.srv.RetryScript("housing", smfake.Frame{Status: "Succeeded", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", Kind: "Processing"},
		{Name: "Train", Status: "Succeeded", Kind: "Training"},
		{Name: "Check", Status: "Succeeded", Kind: "Condition", Outcome: "True"},
		{Name: "Deploy", Status: "Succeeded", Kind: "Model"},
	}})
	if err := x.Retry(ctx, 2); err != nil {
		t.Fatal(err)
	}
	rec, err = x.Wait(ctx, nil)
	if err != nil || rec.Status != pipeline.ExecutionSucceeded {
		t.Fatalf("after retry: %v, %+v", err, rec)
	}
	if s := rec.Steps[len(rec.Steps)-1]; s.Name != "Deploy" || s.Type != "Model" {
		t.Errorf("a step the definition lacks is listed last with its kind: %+v", s)
	}
	if err := x.Retry(ctx, 0); err == nil || !strings.Contains(err.Error(), "only Failed executions can be retried") {
		t.Errorf("retrying a succeeded execution: %v", err)
	}
}

func TestRetryEmitsRetried(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := upserted(t, h, "housing")
	h.srv.Script("housing", smfake.Frame{Status: "Failed", FailureReason: "boom", Steps: []smfake.Step{
		{Name: "Prep", Status: "Failed", Attempts: 1, FailureReason: "ClientError: out of memory"}}})
	h.srv.RetryScript("housing",
		smfake.Frame{Status: "Executing", Steps: []smfake.Step{{Name: "Prep", Status: "Executing", Attempts: 2}}},
		smfake.Frame{Status: "Stopped", Steps: []smfake.Step{{Name: "Prep", Status: "Stopped", Attempts: 2}}})
	x, err := h.c.Start(ctx, p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events, got := collect(t)
	w := watcher{e: x, emit: events, seen: map[string]seen{}}
	for range 2 {
		rec, err := x.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w.observe(rec)
		if rec.Status == pipeline.ExecutionFailed {
			if err := x.Retry(ctx, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := x.Wait(ctx, events); !errors.Is(err, ErrExecutionStopped) {
		t.Fatalf("err = %v", err)
	}
	want := []pipeline.Event{
		ev("", pipeline.EventStarted, 0, ""),
		ev("Prep", pipeline.EventStarted, 1, ""),
		ev("Prep", pipeline.EventFailed, 1, "ClientError: out of memory"),
		ev("Train", pipeline.EventSkipped, 0, notRun),
		ev("Check", pipeline.EventSkipped, 0, notRun),
		ev("TooHigh", pipeline.EventSkipped, 0, notRun),
		ev("", pipeline.EventFailed, 0, "boom"),
		ev("", pipeline.EventRetried, 0, ""),
		ev("Prep", pipeline.EventRetried, 2, ""),
		// the second Wait starts over: it reports what it sees
		ev("", pipeline.EventStarted, 0, ""),
		ev("Prep", pipeline.EventStarted, 1, ""),
		ev("Prep", pipeline.EventRetried, 2, ""),
		ev("Prep", pipeline.EventStopped, 2, ""),
		ev("Train", pipeline.EventSkipped, 0, notRun),
		ev("Check", pipeline.EventSkipped, 0, notRun),
		ev("TooHigh", pipeline.EventSkipped, 0, notRun),
		ev("", pipeline.EventStopped, 0, ""),
	}
	checkEvents(t, want, *got)
}

func TestStop(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := upserted(t, h, "housing")
	h.srv.Script("housing", smfake.Frame{Status: "Executing", Steps: []smfake.Step{{Name: "Prep", Status: "Executing"}}})
	x, err := h.c.Start(ctx, p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	var kinds []string
	rec, err := x.Wait(ctx, func(e pipeline.Event) {
		kinds = append(kinds, e.Step+":"+string(e.Kind))
		if !stopped && e.Step == "Prep" {
			stopped = true
			if err := x.Stop(ctx); err != nil {
				t.Error(err)
			}
		}
	})
	if !errors.Is(err, ErrExecutionStopped) || rec.Status != pipeline.ExecutionStopped {
		t.Fatalf("err = %v, status %v", err, rec.Status)
	}
	if diff := cmp.Diff([]string{":started", "Prep:started", "Prep:stopped", "Train:skipped", "Check:skipped", "TooHigh:skipped", ":stopped"}, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if err := x.Stop(ctx); err == nil {
		t.Error("stopping a stopped execution succeeded")
	}
}

func TestWaitCancelled(t *testing.T) {
	h := newHarness(t)
	p := upserted(t, h, "housing")
	h.srv.Script("housing", smfake.Frame{Status: "Executing", Steps: []smfake.Step{{Name: "Prep", Status: "Executing"}}})
	x, err := h.c.Start(testContext(t), p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testContext(t))
	n := 0
	start := time.Now()
	rec, err := x.Wait(ctx, func(e pipeline.Event) {
		if n++; e.Step == "Prep" {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if rec == nil || rec.Status != pipeline.ExecutionExecuting {
		t.Errorf("last record = %+v", rec)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

func TestPagination(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := upserted(t, h, "housing")
	for _, name := range []string{"other-a", "other-b"} {
		if _, err := h.c.Upsert(ctx, p.WithName(name), testRole, UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	h.srv.Script("housing", smfake.Frame{Status: "Succeeded", Steps: []smfake.Step{
		{Name: "S1", Status: "Succeeded"}, {Name: "S2", Status: "Succeeded"}, {Name: "S3", Status: "Succeeded"},
		{Name: "S4", Status: "Succeeded"}, {Name: "S5", Status: "Succeeded"}}})
	var arns []string
	for range 5 {
		x, err := h.c.Start(ctx, p, nil, StartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, x.ARN())
	}
	h.srv.SetPageSize(2)

	var listed []string
	for rec, err := range h.c.ListExecutions(ctx, "housing") {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, rec.ARN)
	}
	slices.Reverse(arns) // newest first
	if diff := cmp.Diff(arns, listed); diff != "" {
		t.Errorf("executions (-want +got):\n%s", diff)
	}
	if n := h.srv.Count("ListPipelineExecutions"); n != 3 {
		t.Errorf("ListPipelineExecutions called %d times, want 3 pages", n)
	}

	x, _ := h.c.Execution(arns[0])
	if _, err := x.Describe(ctx); err != nil { // moves it to its frame
		t.Fatal(err)
	}
	var names []string
	for s, err := range x.Steps(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"S1", "S2", "S3", "S4", "S5"}, names); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}

	var pipes []string
	for s, err := range h.c.ListPipelines(ctx, "other-") {
		if err != nil {
			t.Fatal(err)
		}
		pipes = append(pipes, s.Name)
	}
	slices.Sort(pipes)
	if diff := cmp.Diff([]string{"other-a", "other-b"}, pipes); diff != "" {
		t.Errorf("pipelines (-want +got):\n%s", diff)
	}
	// Stopping early fetches no further page.
	before := h.srv.Count("ListPipelines")
	for range h.c.ListPipelines(ctx, "") {
		break
	}
	if n := h.srv.Count("ListPipelines") - before; n != 1 {
		t.Errorf("breaking after one item fetched %d pages", n)
	}

	if err := h.c.Delete(ctx, "other-a"); err != nil {
		t.Fatal(err)
	}
	err := h.c.Delete(ctx, "other-a")
	var oe *Error
	if !errors.As(err, &oe) || oe.Op != "DeletePipeline" || oe.Pipeline != "other-a" {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := upserted(t, h, "housing")
	h.srv.Script("housing", succeeding...)
	h.srv.Throttle("StartPipelineExecution", 2)
	x, err := h.c.Start(ctx, p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := h.srv.Count("StartPipelineExecution"); n != 3 {
		t.Errorf("StartPipelineExecution called %d times, want 3 (two throttled)", n)
	}
	h.srv.Throttle("DescribePipelineExecution", 1)
	if _, err := x.Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestExecutionARN(t *testing.T) {
	c, err := New(testConfig(), WithEndpoint("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arn, name, id string
		ok            bool
	}{
		{"arn:aws:sagemaker:us-east-1:111122223333:pipeline/housing/execution/abc123def456", "housing", "abc123def456", true},
		{"arn:aws:sagemaker:us-east-1:111122223333:pipeline/housing", "", "", false},
		{"not an arn", "", "", false},
		{"arn:aws:sagemaker:us-east-1:1:pipeline/x/execution/", "", "", false},
	} {
		x, err := c.Execution(tc.arn)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v", tc.arn, err)
			continue
		}
		if tc.ok && (x.Pipeline() != tc.name || x.ID() != tc.id) {
			t.Errorf("%q: pipeline %q id %q", tc.arn, x.Pipeline(), x.ID())
		}
		if !tc.ok && !errors.Is(err, ErrARN) {
			t.Errorf("%q: err = %v, want ErrARN", tc.arn, err)
		}
	}
}

func TestWaitReportsCacheHits(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	p := upserted(t, h, "housing")
	const source = "arn:aws:sagemaker:us-east-1:111122223333:pipeline/housing/execution/earlier000001"
	h.srv.Script("housing", smfake.Frame{Status: "Succeeded", Steps: []smfake.Step{
		{Name: "Prep", Status: "Succeeded", CachedFrom: source, Kind: "Processing"},
		{Name: "Train", Status: "Succeeded", Kind: "Training"},
		{Name: "Check", Status: "Succeeded", Kind: "Condition", Outcome: "True"}}})
	x, err := h.c.Start(ctx, p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events, got := collect(t)
	rec, err := x.Wait(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	if s := rec.Step("Prep"); s.CachedFrom != source || s.Attempts != 0 {
		t.Errorf("Prep = %+v", s)
	}
	want := []pipeline.Event{
		ev("", pipeline.EventStarted, 0, ""),
		ev("Prep", pipeline.EventCached, 0, source),
		ev("Train", pipeline.EventStarted, 1, ""),
		ev("Train", pipeline.EventSucceeded, 1, ""),
		ev("Check", pipeline.EventStarted, 1, ""),
		ev("Check", pipeline.EventSucceeded, 1, ""),
		ev("TooHigh", pipeline.EventSkipped, 0, notRun),
		ev("", pipeline.EventSucceeded, 0, ""),
	}
	checkEvents(t, want, *got)
}

func TestLogsHoldNoCredentials(t *testing.T) {
	h := newHarness(t)
	var buf bytes.Buffer
	c, err := New(testConfig(), WithEndpoint(h.srv.URL), WithPolling(time.Millisecond, time.Millisecond),
		WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	p := testPipeline(t, t.TempDir(), "housing")
	if _, err := c.Upsert(ctx, p, testRole, UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	h.srv.Script("housing", succeeding...)
	x, err := c.Start(ctx, p, nil, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if !strings.Contains(logs, "CreatePipeline") {
		t.Errorf("nothing logged: %q", logs)
	}
	for _, secret := range []string{smfake.SecretKey, smfake.AccessKey, "Signature", "Authorization", "X-Amz-Security-Token"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

func mustDefinition(t *testing.T, p *pipeline.Pipeline) string {
	t.Helper()
	b, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A clock that moves on every reading still gives one timestamp to the
// definition and to the staged code's location.
func TestUpsertReadsTheClockOnce(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "evaluate.py")
	if err := os.WriteFile(script, []byte("print('evaluate')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ticks atomic.Int64
	moving := func() time.Time { return testClock.Add(time.Duration(ticks.Add(1)) * time.Second) }
	step := steps.Processing("Evaluate", steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3"),
		Command:       []string{"python3"},
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{Code: script, Layout: steps.LayoutJob})
	p := pipeline.New("timed").Steps(step).Env(steps.Env{Bucket: testBucket, Region: smfake.Region, Role: testRole, Now: moving})
	res, err := h.c.Upsert(testContext(t), p, testRole, UpsertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := h.srv.Definition("timed")
	if len(res.Staged) != 1 || !strings.Contains(res.Staged[0], "/input/code/evaluate.py") || !strings.Contains(def, `"`+res.Staged[0]+`"`) {
		t.Errorf("staged %q; the definition names %s", res.Staged, regexp.MustCompile(`s3://[^"]*evaluate.py`).FindString(def))
	}
	if n := ticks.Load(); n != 1 {
		t.Errorf("the clock was read %d times", n)
	}
}
