package steps_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// byocImage is the user's own image that the bring-your-own-container
// reference definition runs.
const byocImage = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-go-steps:latest"

// A processing step and a training step that run the user's image as
// "step <StepName>", with no code upload: the processing input is sharded
// over two instances and the training step reads the processing output.
func sdkBYOC(t *testing.T) *pipeline.Pipeline {
	prep := steps.Processing("Prep", steps.Processor{
		ImageURI:      params.Lit(byocImage),
		Entrypoint:    steps.StepEntrypoint("/app", "Prep"),
		InstanceType:  lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(2),
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{
			Source: lit("s3://my-bucket/raw"), Destination: params.Lit("/opt/ml/processing/input"),
			DistributionType: params.Lit("ShardedByS3Key"),
		}},
		Outputs:   []steps.ProcessingOutput{{Name: "train", Source: params.Lit("/opt/ml/processing/train")}},
		Arguments: []params.Exprer{lit("--split"), lit("0.8")},
	})
	train := steps.Training("Train", steps.Estimator{
		ImageURI:            params.Lit(byocImage),
		ContainerEntrypoint: steps.StepEntrypoint("/app", "Train"),
		ContainerArguments:  []params.Input[string]{params.Lit("--rounds"), params.Lit("10")},
		InstanceType:        lit("ml.m5.xlarge"),
		InstanceCount:       params.Lit(1),
		HyperParameters:     []steps.Member{{Key: "max_depth", Value: 5}, {Key: "eta", Value: 0.3}},
	}, steps.TrainingInput{
		Channel: "train", S3Data: prep.Properties().Output("train").S3URI(), ContentType: params.Lit("text/csv"),
	})
	return pipeline.New("MyPipeline").Steps(prep, train).Env(sdkEnv())
}

// A tuning job's training definition has no container entrypoint, so a
// tuner over an estimator that sets one is refused rather than silently
// running the image's own entrypoint.
func TestTuningRefusesContainerEntrypoint(t *testing.T) {
	est := steps.Estimator{
		ImageURI: params.Lit(byocImage), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
		ContainerEntrypoint: []params.Input[string]{params.Lit("/app"), params.Lit("step"), params.Lit("Tune")},
	}
	tune := steps.Tuning("Tune", steps.Tuner{
		Estimator: est, ObjectiveMetric: params.Lit("loss"), MaxJobs: params.Lit(2), MaxParallelJobs: params.Lit(1),
		Ranges: []steps.Range{steps.IntegerRange{Name: "depth", Min: 1, Max: 3}},
	}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train")})
	_, err := pipeline.New("MyPipeline").Steps(tune).Env(sdkEnv()).Definition()
	if !errors.Is(err, steps.ErrInvalid) || !strings.Contains(err.Error(), "ContainerEntrypoint") {
		t.Errorf("Definition err = %v, want ErrInvalid naming ContainerEntrypoint", err)
	}
}

// The entrypoint the definition sets is the one the container side reads.
func TestEntrypointCommandMatchesLocal(t *testing.T) {
	if steps.EntrypointCommand != local.EntrypointCommand {
		t.Errorf("steps.EntrypointCommand = %q, local.EntrypointCommand = %q", steps.EntrypointCommand, local.EntrypointCommand)
	}
}

func ExampleStepEntrypoint() {
	image := params.Lit("111122223333.dkr.ecr.us-west-2.amazonaws.com/my-go-steps:latest")
	prep := steps.Processing("Prep", steps.Processor{
		ImageURI: image, Entrypoint: steps.StepEntrypoint("/app", "Prep"),
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(2),
	}, steps.ProcessingJob{})
	train := steps.Training("Train", steps.Estimator{
		ImageURI: image, ContainerEntrypoint: steps.StepEntrypoint("/app", "Train"),
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	}, steps.TrainingInput{Channel: "train", S3Data: prep.Properties().Output("out").S3URI()})
	def, err := pipeline.New("P").Steps(prep, train).Env(steps.Env{Bucket: "b", Region: "us-west-2", Role: "r"}).Definition()
	if err != nil {
		fmt.Println(err)
		return
	}
	var d struct {
		Steps []struct {
			Name      string
			Arguments struct {
				AppSpecification       struct{ ContainerEntrypoint []string }
				AlgorithmSpecification struct{ ContainerEntrypoint []string }
			}
		}
	}
	if err := json.Unmarshal(def, &d); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range d.Steps {
		fmt.Println(s.Name, s.Arguments.AppSpecification.ContainerEntrypoint, s.Arguments.AlgorithmSpecification.ContainerEntrypoint)
	}
	// Output:
	// Prep [/app step Prep] []
	// Train [] [/app step Train]
}

func TestStepEnvMatchesLocal(t *testing.T) {
	if steps.StepEnv != local.StepEnv {
		t.Errorf("steps.StepEnv = %q, local.StepEnv = %q", steps.StepEnv, local.StepEnv)
	}
}

// A step whose entrypoint or SAGEPIPE_STEP names another step, existing
// or not, is refused by Validate and Definition with an error naming both.
func TestEntrypointNamesItsOwnStep(t *testing.T) {
	image := params.Lit(byocImage)
	prep := func(name, named string) steps.Entity {
		return steps.Processing(name, steps.Processor{
			ImageURI: image, Entrypoint: steps.StepEntrypoint("/app", named),
			InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
		}, steps.ProcessingJob{})
	}
	train := func(name, named string) steps.Entity {
		return steps.Training(name, steps.Estimator{
			ImageURI: image, ContainerEntrypoint: steps.StepEntrypoint("/app", named),
			InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
		}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train")})
	}
	tune := func(name, named string) steps.Entity {
		return steps.Tuning(name, steps.Tuner{
			Estimator: steps.Estimator{ImageURI: image, InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
				Environment: []steps.Member{steps.StepEnvironment(named)}},
			ObjectiveMetric: params.Lit("loss"), MaxJobs: params.Lit(2), MaxParallelJobs: params.Lit(1),
			MetricDefinitions: []steps.MetricDefinition{{Name: params.Lit("loss"), Regex: params.Lit("loss=(\\S+)")}},
			Ranges:            []steps.Range{steps.IntegerRange{Name: "depth", Min: 1, Max: 3}},
		}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train")})
	}
	tests := []struct {
		name  string
		steps []steps.Entity
		want  *steps.EntrypointStepError // nil: accepted
	}{
		{"processing, own name", []steps.Entity{prep("Prep", "Prep")}, nil},
		{"training, own name", []steps.Entity{train("Train", "Train")}, nil},
		{"tuning, own name", []steps.Entity{tune("Tune", "Tune")}, nil},
		{"processing names another step", []steps.Entity{prep("Prep", "Train"), train("Train", "Train")},
			&steps.EntrypointStepError{Step: "Prep", Named: "Train", Field: "ContainerEntrypoint"}},
		{"training names a missing step", []steps.Entity{train("Train", "Fit")},
			&steps.EntrypointStepError{Step: "Train", Named: "Fit", Field: "ContainerEntrypoint"}},
		{"tuning environment names another step", []steps.Entity{prep("Prep", "Prep"), tune("Tune", "Prep")},
			&steps.EntrypointStepError{Step: "Tune", Named: "Prep", Field: "Environment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pipeline.New("MyPipeline").Steps(tt.steps...).Env(sdkEnv())
			_, defErr := p.Definition()
			for what, err := range map[string]error{"Validate": p.Validate(), "Definition": defErr} {
				if tt.want == nil {
					if err != nil {
						t.Errorf("%s: %v", what, err)
					}
					continue
				}
				var got *steps.EntrypointStepError
				if !errors.As(err, &got) || !errors.Is(err, steps.ErrInvalid) {
					t.Fatalf("%s: %v, want an EntrypointStepError matching ErrInvalid", what, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", what, diff)
				}
				if msg := err.Error(); !strings.Contains(msg, `"`+tt.want.Step+`"`) || !strings.Contains(msg, `"`+tt.want.Named+`"`) {
					t.Errorf("%s: %q does not name both steps", what, msg)
				}
			}
		})
	}
}
