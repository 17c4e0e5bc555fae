package local_test

import (
	"context"
	"errors"
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

func TestCannedOutputsFromFilesAndProperties(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "model", "weights.bin"), "w")
	writeFile(t, filepath.Join(dir, "model", "sub", "meta.json"), "{}")
	single := filepath.Join(dir, "single.csv")
	writeFile(t, single, "1,2\n")

	a := processing("A", "s3://bucket/code/a.py", nil, []steps.ProcessingOutput{
		{Name: "model", Source: params.Lit("/opt/ml/processing/model")},
		{Name: "csv", Source: params.Lit("/opt/ml/processing/csv")},
		{Name: "bytes", Source: params.Lit("/opt/ml/processing/bytes")},
	})
	status := steps.Property[string](a, "ProcessingJobStatus")
	check := steps.When("Check", steps.Equals[string](status, params.Lit("Stopped")),
		steps.Equals[int](steps.Property[int](a, "ProcessingResources.ClusterConfig.InstanceCount"), params.Lit(3)))
	p := pipeline.New("canned").Steps(a, check).Env(env)
	e.Canned("A", local.Canned{
		OutputsFrom: map[string]string{"model": filepath.Join(dir, "model"), "csv": single},
		Outputs:     map[string]local.Files{"bytes": {"a/b.txt": []byte("ab")}},
		Properties:  map[string]any{"ProcessingJobStatus": "Stopped", "ProcessingResources.ClusterConfig.InstanceCount": 3},
		Metrics:     []pipeline.Metric{{Name: "loss", Value: 0.5, Step: 1}},
		Log:         []string{"hello"},
	})
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(ex.Step("Check").Properties); got != `{"Outcome":true}` {
		t.Errorf("Check %s", got)
	}
	outs := ex.Step("A").Outputs
	for uri, want := range map[string]string{
		outs["model"] + "/weights.bin":   "w",
		outs["model"] + "/sub/meta.json": "{}",
		outs["csv"] + "/single.csv":      "1,2\n",
		outs["bytes"] + "/a/b.txt":       "ab",
	} {
		if got := readStore(t, e.Root(), uri); got != want {
			t.Errorf("%s = %q, want %q", uri, got, want)
		}
	}
	r := ex.Step("A")
	if len(r.Metrics) != 1 || r.Metrics[0].Name != "loss" || r.Metrics[0].Step != 1 || !r.Metrics[0].Time.Equal(t0) {
		t.Errorf("metrics %+v", r.Metrics)
	}
	if diff := cmp.Diff([]string{"level=INFO msg=hello"}, r.Log); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	def, err := local.Definition(e.Root(), ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := p.Definition(); string(def) != string(want) {
		t.Errorf("stored definition differs")
	}

	// A canned output the step does not have is an error naming it.
	e.Canned("A", local.Canned{Outputs: map[string]local.Files{"nope": {"x": nil}}})
	ex, _ = e.Run(ctxT(t), p, local.RunOptions{})
	if r := ex.Step("A"); r.Status != pipeline.StepFailed || !strings.Contains(r.FailureReason, `"nope"`) {
		t.Errorf("A: %+v", r)
	}
}

func TestOutputParameterChecks(t *testing.T) {
	lam := steps.Lambda("Lam", "arn:fn", nil,
		steps.OutputParameter{Name: "n", Type: steps.OutputInteger}, steps.OutputParameter{Name: "s"})
	p := pipeline.New("out").Steps(lam).Env(env)
	cases := []struct {
		out  map[string]any
		want []string
	}{
		{map[string]any{"n": 1, "s": "x"}, nil},
		{map[string]any{"n": "1", "s": "x"}, []string{`"n": want Integer, got string`}},
		{map[string]any{"n": 1}, []string{`"s" is missing`}},
		{map[string]any{"n": 1, "s": "x", "extra": true}, []string{`"extra" is not declared`}},
	}
	for _, c := range cases {
		e, _ := testEngine(t, local.Config{})
		e.Lambda("Lam", func(context.Context, *local.Call) (map[string]any, error) { return c.out, nil })
		ex, err := e.Run(ctxT(t), p, local.RunOptions{})
		r := ex.Step("Lam")
		if c.want == nil {
			if err != nil {
				t.Errorf("%v: %v", c.out, err)
			}
			continue
		}
		if !errors.Is(err, local.ErrFailed) || r.Status != pipeline.StepFailed {
			t.Errorf("%v: err %v, status %s", c.out, err, r.Status)
		}
		for _, w := range c.want {
			if !strings.Contains(r.FailureReason, w) || !strings.Contains(r.FailureReason, "bad output parameters") {
				t.Errorf("%v: reason %q does not say %q", c.out, r.FailureReason, w)
			}
		}
	}
}

func TestInputs(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	if err := e.Stage(writeTemp(t, "file content"), "s3://bucket/data/one.csv"); err != nil {
		t.Fatal(err)
	}
	s := processing("P", "s3://bucket/code/p.py", []steps.ProcessingInput{
		{Name: params.Lit("file"), Source: params.Lit("s3://bucket/data/one.csv"), Destination: params.Lit("/opt/ml/processing/file")},
		{Name: params.Lit("folder"), Source: params.Lit("s3://bucket/data/"), Destination: params.Lit("/opt/ml/processing/folder")},
	}, nil)
	var job *local.ProcessingJob
	e.Processing("P", func(ctx context.Context, j *local.ProcessingJob) error {
		job = j
		b, err := os.ReadFile(filepath.Join(j.Inputs["file"].Dir, "one.csv"))
		if err != nil || string(b) != "file content" {
			return errors.New("file input not materialised")
		}
		b, err = os.ReadFile(filepath.Join(j.Inputs["folder"].Dir, "one.csv"))
		if err != nil || string(b) != "file content" {
			return errors.New("folder input not materialised")
		}
		return nil
	})
	ex, err := e.Run(ctxT(t), pipeline.New("in").Steps(s).Env(env), local.RunOptions{})
	if err != nil {
		t.Fatalf("%v: %s", err, ex.Step("P").FailureReason)
	}
	if job.Inputs["file"].ContainerPath != "/opt/ml/processing/file" || job.Inputs["code"].Dir != "" ||
		job.InstanceType != "ml.m5.xlarge" || job.InstanceCount != 1 || job.ImageURI != "image" ||
		strings.Join(job.Entrypoint, " ") != "python3 /opt/ml/processing/input/code/p.py" {
		t.Errorf("job %+v", job)
	}
	missing := processing("P", "s3://bucket/code/p.py", []steps.ProcessingInput{
		{Name: params.Lit("gone"), Source: params.Lit("s3://bucket/nothing/here"), Destination: params.Lit("/opt/ml/processing/gone")},
	}, nil)
	ex, err = e.Run(ctxT(t), pipeline.New("in").Steps(missing).Env(env), local.RunOptions{})
	if r := ex.Step("P"); !errors.Is(err, local.ErrFailed) || !strings.Contains(r.FailureReason, `missing input: input "gone": nothing at s3://bucket/nothing/here`) {
		t.Errorf("missing input: %v, %q", err, r.FailureReason)
	}
}

func TestCannedConditionIsRefused(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	e.Canned("Check", local.Canned{})
	p := pipeline.New("p").Steps(steps.When("Check", steps.Equals[int](params.Lit(1), params.Lit(1)))).Env(env)
	if _, err := e.Run(ctxT(t), p, local.RunOptions{}); !errors.Is(err, local.ErrDefinition) || !strings.Contains(err.Error(), `step "Check"`) {
		t.Errorf("err = %v", err)
	}
}
