package local_test

import (
	"errors"
	"os"
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
		{"seed-pipeline.sdk-2.257.6.json", nil, []string{"FeatureStoreIngestion", "PreprocessData", "HPTuning", "EvaluateModel", "RegisterTrainedModel-RegisterModel"}},
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
