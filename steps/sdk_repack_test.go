package steps_test

import (
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// sdkRepackTrain is the training step both repack reference files start
// with, and the artifacts the repacked models read.
func sdkRepackTrain() (*steps.TrainingStep, params.Value[string]) {
	train := steps.Training("Train", steps.Estimator{
		ImageURI: params.Lit("fakeimage"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train")})
	return train, train.Properties().ModelArtifacts().S3ModelArtifacts()
}

// Framework models with network isolation: the SDK repacks their code into
// the model in a training step before the register and the create step.
func sdkRepackModel(t *testing.T) *pipeline.Pipeline {
	train, artifacts := sdkRepackTrain()
	text := []params.Input[string]{params.Lit("text/csv")}
	instances := []params.Input[string]{params.Lit("ml.m5.xlarge")}
	reg := steps.RegisterModel("Reg", steps.Model{
		ImageURI: mustImage(t, "sklearn", "1.0-1"), ModelData: artifacts,
		EntryPoint: "inference.py", SourceDir: "testdata/code/repack", Repack: true,
		Framework: params.Lit("SKLEARN"),
	}, steps.Registration{
		ModelPackageGroupName: lit("grp"), ContentTypes: text, ResponseTypes: text,
		InferenceInstances: instances, TransformInstances: instances,
		ApprovalStatus: params.Lit("PendingManualApproval"),
	})
	create := steps.CreateModel("Create", steps.Model{
		ImageURI: mustImage(t, "xgboost", "1.7-1"), ModelData: artifacts,
		EntryPoint: "inference.py", SourceDir: "testdata/code/repack", Repack: true,
		EnableNetworkIsolation: params.Lit(true),
	})
	return pipeline.New("MyPipeline").Steps(train, reg, create).Env(sdkEnv())
}

// A pipeline model whose first model is repacked, and a plain model with a
// source dir, which the SDK repacks too.
func sdkRepackPipelineModel(t *testing.T) *pipeline.Pipeline {
	train, artifacts := sdkRepackTrain()
	text := []params.Input[string]{params.Lit("text/csv")}
	instances := []params.Input[string]{params.Lit("ml.m5.xlarge")}
	reg := steps.RegisterPipelineModel("PipeReg", []steps.Model{{
		ImageURI: mustImage(t, "sklearn", "1.0-1"), ModelData: artifacts,
		EntryPoint: "inference.py", SourceDir: "testdata/code/repack", Repack: true,
	}, {
		ImageURI: params.Lit("postimage"), ModelData: lit("s3://my-bucket/post/model.tar.gz"),
	}}, steps.Registration{
		ModelPackageGroupName: lit("grp"), ContentTypes: text, ResponseTypes: text,
		InferenceInstances: instances, TransformInstances: instances,
	})
	custom := steps.CreateModel("Custom", steps.Model{
		ImageURI: params.Lit("fakeimage"), ModelData: artifacts,
		EntryPoint: "inference.py", SourceDir: "testdata/code/repack", Repack: true,
	})
	return pipeline.New("MyPipeline").Steps(train, reg, custom).Env(sdkEnv())
}
