package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// The -image pipeline runs every step's Go function in the user's image,
// built from this program with examples/container/Dockerfile
// (PKG=./examples/housing): the image's ENTRYPOINT is the program, which
// local.Main turns into the step's job.
const (
	// program is where the image holds the binary.
	program = "/container"
	// featureStore names the processing output through which the
	// ingestion hands the feature store to the preprocessing step, and
	// that step's input.
	featureStore = "feature-store"
	// featureStorePath is the output's and the input's container path.
	featureStorePath = "/opt/ml/processing/feature-store"
)

// rmseRegex finds validation:rmse in the training log, as SageMaker's
// XGBoost image defines it: boost writes XGBoost's eval lines
// ("[3]\tvalidation-mae:...\tvalidation-rmse:..."), whose TAB the log
// stream holds as #011. A custom image has no predefined metrics, so the
// tuner defines the one it optimises.
const rmseRegex = `.*\[[0-9]+\].*#011validation-rmse:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*`

// goProcessing makes p and j run step name's Go function in image: the
// container runs "/container step <name>" and the job's arguments, with
// no code to upload.
func goProcessing(image, name string, p steps.Processor, j steps.ProcessingJob) (steps.Processor, steps.ProcessingJob) {
	p.ImageURI = params.Lit(image)
	p.Command = nil
	p.Entrypoint = steps.StepEntrypoint(program, name)
	j.Code = ""
	return p, j
}

// goTuner makes t's training jobs run tuning step name's Go function in
// image. A tuning job's training definition names no entrypoint, so
// SageMaker starts the image's ENTRYPOINT with "train"; the environment
// names the step (steps.StepEnvironment) and the tuner defines the
// objective's metric.
func goTuner(image, name string, t steps.Tuner) steps.Tuner {
	t.Estimator.ImageURI = params.Lit(image)
	t.Estimator.Framework = nil
	t.Estimator.Environment = append(t.Estimator.Environment, steps.StepEnvironment(name))
	t.MetricDefinitions = []steps.MetricDefinition{{Name: params.Lit("validation:rmse"), Regex: params.Lit(rmseRegex)}}
	return t
}

// featureStoreOutput is the ingestion's output of the -image pipeline:
// the feature store it wrote, uploaded under the execution's id so that
// an execution reads only what its own ingestion wrote.
func featureStoreOutput(bucket string) steps.ProcessingOutput {
	return steps.ProcessingOutput{
		Name:        featureStore,
		Source:      params.Lit(featureStorePath),
		Destination: params.Join("/", "s3://"+bucket+"/"+s3Prefix+"/feature-store", params.PipelineExecutionID),
	}
}

// store returns the implementations with the feature store job uses. A
// job with a feature-store input or output (the -image pipeline, whose
// two feature-store steps run in separate containers and hand the store
// over through S3) keeps the store in that directory, named after the
// account of its --role_arn, the region of its --region and the bucket
// the store is uploaded to; the ingestion must then run on one instance.
// Any other job uses the engine's store.
func (s *impl) store(job *local.ProcessingJob, args scriptArgs) (*impl, error) {
	dir, uri := "", ""
	if in, ok := job.Inputs[featureStore]; ok {
		dir, uri = in.Dir, in.S3URI
	} else if out, ok := job.Outputs[featureStore]; ok {
		// Each instance would write a group of its own into the one
		// S3 prefix.
		if len(job.Hosts) > 1 {
			return nil, fmt.Errorf("the %s output is written by one instance, not %d (ProcessingInstanceCount)",
				featureStore, len(job.Hosts))
		}
		dir, uri = out.Dir, out.S3URI
	}
	if dir == "" {
		if s.root == "" {
			return nil, fmt.Errorf("no feature store: the job has no %s input or output", featureStore)
		}
		return s, nil
	}
	role, err1 := args.str("role_arn")
	region, err2 := args.str("region")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	arn := strings.Split(role, ":")
	if len(arn) < 5 || arn[0] != "arn" || arn[4] == "" {
		return nil, fmt.Errorf("argument --role_arn: %q is not an IAM role ARN", role)
	}
	bucket, _, _ := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	c := *s
	c.root, c.account, c.region, c.bucket = dir, arn[4], region, bucket
	return &c, nil
}
