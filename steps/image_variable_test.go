package steps_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// An image given as a pipeline variable names default jobs and code
// locations as the SDK's base_name_from_image and model_code_key_prefix
// do: a String parameter's default, else the job class's name, and
// model_code/<epoch seconds> for a model.
func TestVariableImageNames(t *testing.T) {
	env := &steps.Env{PipelineName: "p", Bucket: "b", Region: "us-west-2", Role: "r",
		Now: steps.FrozenClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))}
	proto := stepdef.Get[steps.Step, steps.Env]()
	withDefault := params.String("Image").WithDefault("123.dkr.ecr.us-west-2.amazonaws.com/my-algo:2")
	noDefault := params.String("Image")
	joined := params.Join("/", "123.dkr.ecr.us-west-2.amazonaws.com", noDefault)
	est := func(img params.Input[string]) steps.Step {
		return steps.Training("T", steps.Estimator{ImageURI: img, InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
			Framework: steps.XGBoost("main.py", "testdata/code/src")}).Layout(steps.LayoutJob)
	}
	proc := func(img params.Input[string]) steps.Step {
		return steps.Processing("P", steps.Processor{ImageURI: img, InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)},
			steps.ProcessingJob{Code: "testdata/code/train.py", Layout: steps.LayoutJob})
	}
	model := func(img params.Input[string]) steps.Step {
		return steps.CreateModel("M", steps.Model{ImageURI: img, ModelData: params.Lit("s3://b/m.tar.gz"), EntryPoint: "testdata/code/train.py"}).Steps()[0]
	}
	for _, tc := range []struct {
		name string
		step steps.Step
		want string
	}{
		{"estimator, parameter default", est(withDefault), "s3://b/my-algo-2024-05-01-12-00-00-0/source/sourcedir.tar.gz"},
		{"estimator, no default", est(noDefault), "s3://b/training-job-2024-05-01-12-00-00-0/source/sourcedir.tar.gz"},
		{"estimator, join", est(joined), "s3://b/training-job-2024-05-01-12-00-00-0/source/sourcedir.tar.gz"},
		{"processor, parameter default", proc(withDefault), "s3://b/my-algo-2024-05-01-12-00-00-0/input/code/train.py"},
		{"processor, no default", proc(noDefault), "s3://b/processing-job-2024-05-01-12-00-00-0/input/code/train.py"},
		{"model, literal", model(params.Lit("123.dkr.ecr.us-west-2.amazonaws.com/my-algo:2")), "s3://b/my-algo-2024-05-01-12-00-00-0/sourcedir.tar.gz"},
		{"model, variable", model(withDefault), "s3://b/model_code/1714564800/sourcedir.tar.gz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := stepdef.Marshal(proto.Render(tc.step, env))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("definition does not name %s:\n%s", tc.want, b)
			}
			ups := proto.Uploads(tc.step, env)
			if len(ups) != 1 || ups[0].URI != tc.want {
				t.Errorf("uploads = %+v, want one to %s", ups, tc.want)
			}
		})
	}
}

// A framework entry point may be a variable only with an S3 source dir,
// as in the SDK; sagemaker_program is then the variable itself.
func TestVariableEntryPoint(t *testing.T) {
	entry := params.String("EntryPoint").WithDefault("main.py")
	build := func(dir string) *pipeline.Pipeline {
		return pipeline.New("p").Parameters(entry).Steps(steps.Training("T", steps.Estimator{
			ImageURI: params.Lit("img"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
			Framework: &steps.Framework{EntryPoint: entry, SourceDir: dir},
		})).Env(sdkEnv())
	}
	def, err := build("s3://my-bucket/code/sourcedir.tar.gz").Definition()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"sagemaker_program": {"Get": "Parameters.EntryPoint"}`; !strings.Contains(string(def), want) {
		t.Errorf("definition lacks %s:\n%s", want, def)
	}
	for _, dir := range []string{"", "testdata/code/src"} {
		if _, err := build(dir).Definition(); !errors.Is(err, steps.ErrInvalid) || !strings.Contains(err.Error(), "s3:// SourceDir") {
			t.Errorf("source dir %q: err = %v, want ErrInvalid about the source dir", dir, err)
		}
	}
}
