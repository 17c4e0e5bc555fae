package steps_test

import (
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
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
		Entrypoint:    []params.Input[string]{params.Lit("/app"), params.Lit("step"), params.Lit("Prep")},
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
		ContainerEntrypoint: []params.Input[string]{params.Lit("/app"), params.Lit("step"), params.Lit("Train")},
		InstanceType:        lit("ml.m5.xlarge"),
		InstanceCount:       params.Lit(1),
		HyperParameters:     []steps.Member{{Key: "max_depth", Value: 5}, {Key: "eta", Value: 0.3}},
	}, steps.TrainingInput{
		Channel: "train", S3Data: prep.Properties().Output("train").S3URI(), ContentType: params.Lit("text/csv"),
	})
	return pipeline.New("MyPipeline").Steps(prep, train).Env(sdkEnv())
}
