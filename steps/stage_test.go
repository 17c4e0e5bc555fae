package steps_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// Every location Uploads names is one the step's rendered arguments name,
// for each layout and step kind that stages code.
func TestUploadsMatchArguments(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "script.py")
	if err := os.WriteFile(script, []byte("print(1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := &steps.Env{PipelineName: "p", Bucket: "b", Region: "us-east-1", Role: "r",
		Now: steps.FrozenClock(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))}
	proto := stepdef.Get[steps.Step, steps.Env]()
	proc := steps.Processor{ImageURI: params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command: []string{"python3"}, InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}
	est := steps.Estimator{ImageURI: params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
		InstanceType: params.Lit("ml.c5.xlarge"), InstanceCount: params.Lit(1), Framework: steps.XGBoost(script, "")}
	model := steps.Model{ImageURI: params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
		ModelData: params.Lit("s3://b/model.tar.gz"), EntryPoint: script}
	for _, tc := range []struct {
		name    string
		step    steps.Entity
		want    string
		archive bool
	}{
		{"processing", steps.Processing("P", proc, steps.ProcessingJob{Code: script}), "s3://b/p/code/", false},
		{"processing job layout", steps.Processing("P", proc, steps.ProcessingJob{Code: script, Layout: steps.LayoutJob}),
			"s3://b/sagemaker-scikit-learn-2024-01-02-03-04-05-0/input/code/script.py", false},
		{"training", steps.Training("T", est), "s3://b/p/code/", true},
		{"training job layout", steps.Training("T", est).Layout(steps.LayoutJob),
			"s3://b/sagemaker-xgboost-2024-01-02-03-04-05-0/source/sourcedir.tar.gz", true},
		{"tuning", steps.Tuning("H", steps.Tuner{Estimator: est, ObjectiveMetric: params.Lit("validation:rmse"),
			Ranges: []steps.Range{steps.IntegerRange{Name: "max_depth", Min: 1, Max: 8}}}),
			"s3://b/sagemaker-xgboost-2024-01-02-03-04-05-0/source/sourcedir.tar.gz", true},
		{"model", steps.RegisterModel("M", model, steps.Registration{ModelPackageGroupName: params.Lit("g")}),
			"s3://b/sagemaker-xgboost-2024-01-02-03-04-05-0/sourcedir.tar.gz", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.step.Steps()[len(tc.step.Steps())-1]
			ups := proto.Uploads(s, env)
			if len(ups) != 1 {
				t.Fatalf("uploads = %+v", ups)
			}
			u := ups[0]
			if !strings.HasPrefix(u.URI, tc.want) || u.Archive != tc.archive {
				t.Errorf("upload = %+v, want %s… archive %v", u, tc.want, tc.archive)
			}
			if diff := cmp.Diff([]string{script}, u.Paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			b, err := stepdef.Marshal(proto.Render(s, env))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), u.URI) {
				t.Errorf("the step's definition does not name %s:\n%s", u.URI, b)
			}
		})
	}
	if ups := proto.Uploads(steps.Processing("S3", proc, steps.ProcessingJob{Code: "s3://b/x.py"}), env); ups != nil {
		t.Errorf("remote code staged: %+v", ups)
	}
}
