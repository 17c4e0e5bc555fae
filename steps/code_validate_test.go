package steps_test

import (
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// TestMissingFrameworkCode checks that Validate names a framework
// estimator's or model's local code that does not exist, while Definition,
// which does not need its contents, still writes the pipeline.
func TestMissingFrameworkCode(t *testing.T) {
	est := func(f *steps.Framework) steps.Estimator {
		return steps.Estimator{ImageURI: params.Lit("img"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1), Framework: f}
	}
	in := steps.TrainingInput{S3Data: lit("s3://b/train")}
	tuner := func(f *steps.Framework) steps.Tuner {
		return steps.Tuner{Estimator: est(f), ObjectiveMetric: params.Lit("m"), Ranges: []steps.Range{steps.IntegerRange{Name: "d", Min: 1, Max: 2}}}
	}
	tests := []struct {
		name string
		step steps.Entity
		want string // "" for no problem
	}{
		{"tuning, source dir missing", steps.Tuning("T", tuner(steps.XGBoost("main.py", "testdata/code/nope")), in), `SourceDir "testdata/code/nope"`},
		{"tuning, entry point missing from its source dir", steps.Tuning("T", tuner(steps.XGBoost("absent.py", "testdata/code/src")), in), `EntryPoint "testdata/code/src/absent.py"`},
		{"tuning, code present", steps.Tuning("T", tuner(steps.XGBoost("main.py", "testdata/code/src")), in), ""},
		{"tuning, S3 source dir", steps.Tuning("T", tuner(steps.XGBoost("main.py", "s3://b/src.tar.gz")), in), ""},
		{"training, entry point missing from its source dir", steps.Training("T", est(steps.XGBoost("absent.py", "testdata/code/src")), in), `EntryPoint "testdata/code/src/absent.py"`},
		{"model, entry point missing", steps.CreateModel("M", steps.Model{ImageURI: params.Lit("img"), EntryPoint: "testdata/code/none.py"}), `EntryPoint "testdata/code/none.py"`},
		{"model, source dir missing", steps.CreateModel("M", steps.Model{ImageURI: params.Lit("img"), EntryPoint: "inference.py", SourceDir: "testdata/code/gone"}), `SourceDir "testdata/code/gone"`},
		{"model, code present", steps.CreateModel("M", steps.Model{ImageURI: params.Lit("img"), EntryPoint: "main.py", SourceDir: "testdata/code/src"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pipeline.New("P").Steps(tt.step).Env(*testEnv())
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, steps.ErrCode) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want ErrCode naming %s", err, tt.want)
			}
			if _, err := p.Definition(); err != nil {
				t.Errorf("Definition: %v", err)
			}
		})
	}
}

func TestTopModelS3URIFromOutputPath(t *testing.T) {
	tuner := func(out params.Input[string]) *steps.TuningStep {
		return steps.Tuning("Tune", steps.Tuner{
			Estimator:       steps.Estimator{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1), OutputPath: out},
			ObjectiveMetric: params.Lit("m"), Ranges: []steps.Range{steps.IntegerRange{Name: "d", Min: 1, Max: 2}},
		})
	}
	run := params.String("Run")
	tests := []struct {
		name string
		got  params.Value[string]
		want string
	}{
		{"literal output path", tuner(lit("s3://my-bucket/models/v1/")).TopModelS3URI(0, "", ""),
			`{"Std:Join": {"On": "/", "Values": ["s3:/", "my-bucket", "models/v1", {"Get": "Steps.Tune.TrainingJobSummaries[0].TrainingJobName"}, "output/model.tar.gz"]}}`},
		{"bucket only", tuner(lit("s3://my-bucket")).TopModelS3URI(1, "", ""),
			`{"Std:Join": {"On": "/", "Values": ["s3:/", "my-bucket", {"Get": "Steps.Tune.TrainingJobSummaries[1].TrainingJobName"}, "output/model.tar.gz"]}}`},
		{"variable output path", tuner(params.Join("/", "s3://b", run)).TopModelS3URI(0, "", ""),
			`{"Std:Join": {"On": "/", "Values": [{"Std:Join": {"On": "/", "Values": ["s3://b", {"Get": "Parameters.Run"}]}}, {"Get": "Steps.Tune.TrainingJobSummaries[0].TrainingJobName"}, "output/model.tar.gz"]}}`},
		{"given bucket wins", tuner(lit("s3://other/x/")).TopModelS3URI(0, "my-bucket", "p"),
			`{"Std:Join": {"On": "/", "Values": ["s3:/", "my-bucket", "p", {"Get": "Steps.Tune.TrainingJobSummaries[0].TrainingJobName"}, "output/model.tar.gz"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := stepdefMarshal(tt.got)
			if err != nil || b != tt.want {
				t.Errorf("got  %s (%v)\nwant %s", b, err, tt.want)
			}
		})
	}
	for _, v := range []params.Value[string]{tuner(nil).TopModelS3URI(0, "", ""), tuner(lit("/local/out")).TopModelS3URI(0, "", "")} {
		if errs := collect(params.Problems(v.Expr())); len(errs) != 1 || !errors.Is(errs[0], steps.ErrInvalid) || !strings.Contains(errs[0].Error(), `"Tune"`) {
			t.Errorf("problems = %v, want one naming the step", errs)
		}
	}
}

func stepdefMarshal(v params.Value[string]) (string, error) {
	b, err := stepdef.Marshal(v.Expr())
	return string(b), err
}

func collect(seq iter.Seq[error]) []error { return slices.Collect(seq) }
