package steps_test

import (
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// sdkVariableBuilders rebuild the reference definitions whose settings are
// pipeline variables (see testdata/sdk/README.md).
var sdkVariableBuilders = map[string]func(*testing.T) *pipeline.Pipeline{
	"variable-output-path.sdk-2.257.6.json":           sdkVariableOutputPath,
	"processing-variable-args.sdk-2.257.6.json":       sdkProcessingVariableArgs,
	"tuning-variable-instances.sdk-2.257.6.json":      sdkTuningVariableInstances,
	"transform-output-from-property.sdk-2.257.6.json": sdkTransformOutputFromProperty,
}

// An output path joined from a parameter and the execution id.
func sdkVariableOutputPath(t *testing.T) *pipeline.Pipeline {
	run := params.String("Run").WithDefault("runs")
	out := params.Join("/", "s3://my-bucket", run, params.PipelineExecutionID)
	train := steps.Training("Train", steps.Estimator{
		ImageURI: "fakeimage", InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1), OutputPath: out,
	}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train"), ContentType: "text/csv"})
	xgb := steps.Training("TrainXGB", steps.Estimator{
		ImageURI: mustImage(t, "xgboost", "1.7-1"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1), OutputPath: out,
		Framework: steps.XGBoost("main.py", "testdata/code/src"),
	}, steps.TrainingInput{Channel: "train", S3Data: lit("s3://my-bucket/train")})
	return pipeline.New("MyPipeline").Parameters(run).Steps(train, xgb).Env(sdkEnv())
}

// Processing arguments mixing literals, parameters of two types and a Join.
func sdkProcessingVariableArgs(t *testing.T) *pipeline.Pipeline {
	mode := params.String("Mode").WithDefault("full")
	epochs := params.Integer("Epochs").WithDefault(5)
	prep := steps.Processing("Prep", steps.Processor{
		ImageURI: mustImage(t, "sklearn", "1.0-1"), Command: []string{"python3"},
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{
		Inputs:  []steps.ProcessingInput{{Source: lit("s3://my-bucket/raw"), Destination: "/opt/ml/processing/input"}},
		Outputs: []steps.ProcessingOutput{{Name: "train", Source: "/opt/ml/processing/train"}},
		Code:    "testdata/code/train.py",
		Arguments: []params.Exprer{
			lit("--mode"), mode, lit("--epochs"), epochs,
			lit("--tag"), params.Join("-", "run", mode, params.PipelineExecutionID), lit("--verbose"),
		},
	})
	return pipeline.New("MyPipeline").Parameters(mode, epochs).Steps(prep).Env(sdkEnv())
}

// A tuning step whose estimator takes its instance type and count from
// parameters.
func sdkTuningVariableInstances(t *testing.T) *pipeline.Pipeline {
	itype := params.String("TrainInstanceType").WithDefault("ml.m5.xlarge")
	icount := params.Integer("TrainInstanceCount").WithDefault(2)
	tune := steps.Tuning("Tune", steps.Tuner{
		Estimator: steps.Estimator{
			ImageURI: "fakeimage", InstanceType: itype, InstanceCount: icount,
			HyperParameters: []steps.Member{{Key: "epochs", Value: 10}},
		},
		ObjectiveMetric: "val:rmse",
		ObjectiveType:   "Minimize",
		Ranges: []steps.Range{
			steps.IntegerRange{Name: "depth", Min: 2, Max: 8},
			steps.ContinuousRange{Name: "lr", Min: 0.001, Max: 0.1},
		},
		MetricDefinitions: []steps.MetricDefinition{{Name: "val:rmse", Regex: "rmse=([0-9.]+)"}},
		MaxJobs:           4,
		MaxParallelJobs:   2,
	}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train")})
	return pipeline.New("MyPipeline").Parameters(itype, icount).Steps(tune).Env(sdkEnv())
}

// Transform output paths taken from earlier steps' properties.
func sdkTransformOutputFromProperty(t *testing.T) *pipeline.Pipeline {
	prep := steps.Processing("Prep", steps.Processor{
		ImageURI: mustImage(t, "sklearn", "1.0-1"), Command: []string{"python3"},
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{Source: lit("s3://my-bucket/raw"), Destination: "/opt/ml/processing/input"}},
		Outputs: []steps.ProcessingOutput{
			{Name: "train", Source: "/opt/ml/processing/train"},
			{Name: "test", Source: "/opt/ml/processing/test"},
			{Name: "scored", Source: "/opt/ml/processing/scored"},
		},
		Code: "testdata/code/train.py",
	})
	out := prep.Properties()
	train := steps.Training("Train", steps.Estimator{ImageURI: "fakeimage", InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)},
		steps.TrainingInput{S3Data: out.Output("train").S3URI()})
	create := steps.CreateModel("M", steps.Model{ImageURI: "fakeimage", ModelData: train.Properties().ModelArtifacts().S3ModelArtifacts()})
	score := steps.Transform("Score", steps.Transformer{
		ModelName: create.Properties().ModelName(),
		Data:      out.Output("test").S3URI(), ContentType: "text/csv", SplitType: "Line",
		OutputPath:   out.Output("scored").S3URI(),
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	})
	batch := steps.Transform("Batch", steps.Transformer{
		ModelName: create.Properties().ModelName(),
		Data:      lit("s3://my-bucket/in"), ContentType: "text/csv",
		OutputPath: params.Join("/", train.Properties().OutputPath(), "batch"), Accept: "text/csv", AssembleWith: "Line",
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	})
	return pipeline.New("MyPipeline").Steps(prep, train, create, score, batch).Env(sdkEnv())
}
