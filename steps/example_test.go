package steps_test

import (
	"fmt"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// A processing step's outputs feed a training step through the typed
// property model; the reference is a data dependency of the DAG.
func Example() {
	count := params.Integer("InstanceCount").WithDefault(1)
	prep := steps.Processing("Prep", steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: count,
	}, steps.ProcessingJob{
		Inputs:  []steps.ProcessingInput{{Source: params.Lit("s3://my-bucket/raw"), Destination: params.Lit("/opt/ml/processing/input")}},
		Outputs: []steps.ProcessingOutput{{Name: "train", Source: params.Lit("/opt/ml/processing/train")}},
		Code:    "s3://my-bucket/code/prep.py",
	})
	train := steps.Training("Train", steps.Estimator{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(1),
	}, steps.TrainingInput{Channel: "train", S3Data: prep.Properties().Output("train").S3URI()})

	fmt.Println(prep.Properties().Output("train").S3URI())
	fmt.Println(train.Properties().ModelArtifacts().S3ModelArtifacts())
	// Output:
	// Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri
	// Steps.Train.ModelArtifacts.S3ModelArtifacts
}

// A condition reads a metric from a property file of an evaluation step
// and chooses a branch.
func ExampleWhen() {
	threshold := params.Float("MaxRMSE").WithDefault(15000.0)
	report := steps.PropertyFile{Name: "Report", OutputName: "evaluation", Path: "evaluation.json"}
	eval := steps.Processing("Evaluate", steps.Processor{
		ImageURI: params.Lit("img"), Command: []string{"python3"}, InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{
		Outputs: []steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation"),
			Destination: params.Lit("s3://my-bucket/eval")}},
		Code: "s3://my-bucket/code/evaluate.py",
	}).PropertyFiles(report)
	rmse := steps.JsonGet[float64](eval, report, "metrics.rmse")
	check := steps.When("Check", steps.LessThanOrEqualTo(rmse, threshold)).
		Else(steps.Fail("TooHigh", params.Join(" ", "RMSE above", threshold)))

	def, err := pipeline.New("Demo").Parameters(threshold).Steps(eval, check).
		Env(steps.Env{Region: "us-east-1", Role: "arn:aws:iam::111122223333:role/R"}).Definition()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(def))
	// Output:
	// {"Version": "2020-12-01", "Metadata": {}, "Parameters": [{"Name": "MaxRMSE", "Type": "Float", "DefaultValue": 15000.0}], "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"}, "TrialName": {"Get": "Execution.PipelineExecutionId"}}, "Steps": [{"Name": "Evaluate", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}}, "AppSpecification": {"ImageUri": "img", "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/evaluate.py"]}, "RoleArn": "arn:aws:iam::111122223333:role/R", "ProcessingInputs": [{"InputName": "code", "AppManaged": false, "S3Input": {"S3Uri": "s3://my-bucket/code/evaluate.py", "LocalPath": "/opt/ml/processing/input/code", "S3DataType": "S3Prefix", "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"}}], "ProcessingOutputConfig": {"Outputs": [{"OutputName": "evaluation", "AppManaged": false, "S3Output": {"S3Uri": "s3://my-bucket/eval", "LocalPath": "/opt/ml/processing/evaluation", "S3UploadMode": "EndOfJob"}}]}}, "PropertyFiles": [{"PropertyFileName": "Report", "OutputName": "evaluation", "FilePath": "evaluation.json"}]}, {"Name": "Check", "Type": "Condition", "Arguments": {"Conditions": [{"Type": "LessThanOrEqualTo", "LeftValue": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.Report"}, "Path": "metrics.rmse"}}, "RightValue": {"Get": "Parameters.MaxRMSE"}}], "IfSteps": [], "ElseSteps": [{"Name": "TooHigh", "Type": "Fail", "Arguments": {"ErrorMessage": {"Std:Join": {"On": " ", "Values": ["RMSE above", {"Get": "Parameters.MaxRMSE"}]}}}}]}}]}
}

// The best model of a tuning job, by the SDK's path convention.
func ExampleTuningStep_TopModelS3URI() {
	tune := steps.Tuning("HPTuning", steps.Tuner{ObjectiveMetric: params.Lit("validation:rmse"), ObjectiveType: params.Lit("Minimize")})
	fmt.Println(tune.TopModelS3URI(0, "my-bucket", "models"))
	// Output:
	// Join("/", ["s3:/", "my-bucket", "models", Steps.HPTuning.TrainingJobSummaries[0].TrainingJobName, "output/model.tar.gz"])
}

// Lambda outputs are typed where they are read.
func ExampleLambda() {
	lam := steps.Lambda("Score", "arn:aws:lambda:us-east-1:111122223333:function:score",
		[]steps.Member{{Key: "threshold", Value: 0.5}},
		steps.OutputParameter{Name: "passed", Type: steps.OutputBoolean})
	passed := steps.Output[bool](lam, "passed")
	check := steps.When("Gate", steps.Equals(passed, params.Lit(true)))
	fmt.Println(passed)
	fmt.Println(check.Name(), check.Type())
	// Output:
	// Steps.Score.OutputParameters['passed']
	// Gate Condition
}

// Local code is staged under its content hash.
func ExampleHashCode() {
	sum, err := steps.HashCode("testdata/code/train.py")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum)
	// Output:
	// 4138944aae301c8d1955d87848dfcdf43f9162dc18a8788b72a069b5c82c8ef1
}

// Timestamped and unique names come from the environment's clock and name
// source.
func ExampleEnv() {
	env := steps.Env{
		Now:   steps.FrozenClock(time.Date(2023, 11, 28, 0, 0, 0, 123e6, time.UTC)),
		Names: steps.FixedNames(0xabcd),
	}
	fmt.Println(env.JobName("evaluation"))
	fmt.Println(env.UniqueName("models"))
	// Output:
	// evaluation-2023-11-28-00-00-00-123
	// models-1701129600-abcd
}
