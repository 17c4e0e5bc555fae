package steps_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

var lit = params.Lit[string]

// proto is the rendering protocol the engines read steps through.
var proto = stepdef.Get[steps.Step, steps.Env]()

func testEnv() *steps.Env {
	return &steps.Env{
		PipelineName: "P", Bucket: "b", Region: "us-west-2", Role: "R",
		Now:   steps.FrozenClock(time.Date(2024, 5, 1, 12, 0, 0, 50e6, time.UTC)),
		Names: steps.FixedNames(0x1f),
	}
}

// encode renders a step as the definition writes it.
func encode(t *testing.T, s steps.Step, env *steps.Env) string {
	t.Helper()
	b, err := stepdef.Marshal(proto.Render(s, env))
	if err != nil {
		t.Fatalf("%s: %v", s.Name(), err)
	}
	return string(b)
}

// at returns the JSON of the member at path in the rendered step.
func at(t *testing.T, s steps.Step, env *steps.Env, path ...string) string {
	t.Helper()
	v, err := pyjson.Unmarshal([]byte(encode(t, s, env)))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range path {
		o, ok := v.(*pyjson.Object)
		if !ok {
			t.Fatalf("%s: %q is not inside an object", s.Name(), k)
		}
		if v, ok = o.Get(k); !ok {
			t.Fatalf("%s: no member %q", s.Name(), k)
		}
	}
	b, err := pyjson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const s3In = `"S3DataType": "S3Prefix", "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"`

func TestRender(t *testing.T) {
	count := params.Integer("N").WithDefault(3)
	data := params.String("InputData")
	small := steps.Processor{ImageURI: params.Lit("img"), Command: []string{"python3"}, InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}
	train := steps.Training("Train", steps.Estimator{ImageURI: params.Lit("img"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)})
	model := steps.CreateModel("M", steps.Model{ImageURI: params.Lit("img"), ModelData: train.Properties().ModelArtifacts().S3ModelArtifacts()})
	lam := steps.Lambda("Lam", "arn:aws:lambda:us-west-2:1:function:f",
		[]steps.Member{{Key: "arg1", Value: data}, {Key: "arg2", Value: 5}},
		steps.OutputParameter{Name: "out1"})

	tests := []struct {
		name string
		step steps.Step
		want string
	}{
		{
			name: "processing step_args layout",
			step: steps.Processing("Prep", small, steps.ProcessingJob{
				Inputs: []steps.ProcessingInput{
					{Source: lit("s3://b/in"), Destination: params.Lit("/opt/ml/processing/input")},
					{Name: params.Lit("extra"), Source: data, Destination: params.Lit("/opt/ml/processing/x")},
				},
				Outputs: []steps.ProcessingOutput{
					{Name: "train", Source: params.Lit("/opt/ml/processing/train")},
					{Source: params.Lit("/opt/ml/processing/other"), Destination: lit("s3://b/other")},
				},
				Code:      "testdata/code/train.py",
				Arguments: []params.Exprer{lit("--n"), count.Value().ToString()},
			}),
			want: `{"Name": "Prep", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}}, ` +
				`"AppSpecification": {"ImageUri": "img", "ContainerArguments": ["--n", {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.N"}]}}], "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/train.py"]}, "RoleArn": "R", ` +
				`"ProcessingInputs": [{"InputName": "input-1", "AppManaged": false, "S3Input": {"S3Uri": "s3://b/in", "LocalPath": "/opt/ml/processing/input", ` + s3In + `}}, ` +
				`{"InputName": "extra", "AppManaged": false, "S3Input": {"S3Uri": {"Get": "Parameters.InputData"}, "LocalPath": "/opt/ml/processing/x", ` + s3In + `}}, ` +
				`{"InputName": "code", "AppManaged": false, "S3Input": {"S3Uri": "s3://b/P/code/4138944aae301c8d1955d87848dfcdf43f9162dc18a8788b72a069b5c82c8ef1/train.py", "LocalPath": "/opt/ml/processing/input/code", ` + s3In + `}}], ` +
				`"ProcessingOutputConfig": {"Outputs": [{"OutputName": "train", "AppManaged": false, "S3Output": {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3:/", "b", "P", {"Get": "Execution.PipelineExecutionId"}, "Prep", "output", "train"]}}, "LocalPath": "/opt/ml/processing/train", "S3UploadMode": "EndOfJob"}}, ` +
				`{"OutputName": "output-2", "AppManaged": false, "S3Output": {"S3Uri": "s3://b/other", "LocalPath": "/opt/ml/processing/other", "S3UploadMode": "EndOfJob"}}]}}}`,
		},
		{
			name: "processing job layout",
			step: steps.Processing("Eval", small, steps.ProcessingJob{
				Outputs: []steps.ProcessingOutput{{Name: "metrics", Source: params.Lit("/opt/ml/processing/metrics")}},
				Code:    "testdata/code/train.py",
				Layout:  steps.LayoutJob,
			}).Cache(steps.CacheConfig{Enabled: false}),
			want: `{"Name": "Eval", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}}, ` +
				`"AppSpecification": {"ImageUri": "img", "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/train.py"]}, "RoleArn": "R", ` +
				`"ProcessingInputs": [{"InputName": "code", "AppManaged": false, "S3Input": {"S3Uri": "s3://b/img-2024-05-01-12-00-00-05/input/code/train.py", "LocalPath": "/opt/ml/processing/input/code", ` + s3In + `}}], ` +
				`"ProcessingOutputConfig": {"Outputs": [{"OutputName": "metrics", "AppManaged": false, "S3Output": {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3:/", "b", "P", {"Get": "Execution.PipelineExecutionId"}, "Eval", "output", "metrics"]}}, "LocalPath": "/opt/ml/processing/metrics", "S3UploadMode": "EndOfJob"}}]}}, ` +
				`"CacheConfig": {"Enabled": false}}`,
		},
		{
			name: "generic training",
			step: steps.Training("Train", steps.Estimator{
				ImageURI: params.Lit("img"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
				HyperParameters: []steps.Member{
					{Key: "a", Value: false}, {Key: "b", Value: nil}, {Key: "c", Value: []int{64, 32}},
					{Key: "d", Value: 0.5}, {Key: "e", Value: 1.0}, {Key: "f", Value: count},
				},
			}, steps.TrainingInput{S3Data: lit("s3://b/train")}),
			want: `{"Name": "Train", "Type": "Training", "Arguments": {"AlgorithmSpecification": {"TrainingInputMode": "File", "TrainingImage": "img"}, ` +
				`"OutputDataConfig": {"S3OutputPath": "s3://b/"}, "StoppingCondition": {"MaxRuntimeInSeconds": 86400}, ` +
				`"ResourceConfig": {"VolumeSizeInGB": 30, "InstanceCount": 1, "InstanceType": "ml.m5.xlarge"}, "RoleArn": "R", ` +
				`"InputDataConfig": [{"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/train", "S3DataDistributionType": "FullyReplicated"}}, "ChannelName": "training"}], ` +
				`"HyperParameters": {"a": "False", "b": "None", "c": "[64, 32]", "d": "0.5", "e": "1.0", "f": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.N"}]}}}, ` +
				`"DebugHookConfig": {"S3OutputPath": "s3://b/", "CollectionConfigurations": []}, "ProfilerConfig": {"S3OutputPath": "s3://b/", "DisableProfiler": false}}}`,
		},
		{
			name: "create model with retry",
			step: model.DependsOnNames("X").Retry(steps.RetryPolicy{ExceptionTypes: []string{steps.StepThrottling}, MaxAttempts: 3}).Steps()[0],
			want: `{"Name": "M-CreateModel", "Type": "Model", "Arguments": {"ExecutionRoleArn": "R", "PrimaryContainer": {"Image": "img", "Environment": {}, "ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}}, ` +
				`"DependsOn": ["X"], "RetryPolicies": [{"BackoffRate": 2.0, "IntervalSeconds": 1, "MaxAttempts": 3, "ExceptionType": ["Step.THROTTLING"]}]}`,
		},
		{
			name: "transform",
			step: steps.Transform("T", steps.Transformer{
				ModelName: model.Properties().ModelName(), Data: lit("s3://b/in"), ContentType: params.Lit("text/csv"), SplitType: params.Lit("Line"),
				OutputPath: lit("s3://b/out"), AssembleWith: params.Lit("Line"), Accept: params.Lit("text/csv"),
				InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
			}),
			want: `{"Name": "T", "Type": "Transform", "Arguments": {"ModelName": {"Get": "Steps.M-CreateModel.ModelName"}, ` +
				`"TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}, "ContentType": "text/csv", "SplitType": "Line"}, ` +
				`"TransformOutput": {"S3OutputPath": "s3://b/out", "AssembleWith": "Line", "Accept": "text/csv"}, "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge"}}}`,
		},
		{
			name: "lambda",
			step: lam.Cache(steps.CacheConfig{Enabled: true, ExpireAfter: "PT1H"}),
			want: `{"Name": "Lam", "Type": "Lambda", "Arguments": {"arg1": {"Get": "Parameters.InputData"}, "arg2": 5}, "CacheConfig": {"Enabled": true, "ExpireAfter": "PT1H"}, ` +
				`"FunctionArn": "arn:aws:lambda:us-west-2:1:function:f", "OutputParameters": [{"OutputName": "out1", "OutputType": "String"}]}`,
		},
		{
			name: "callback",
			step: steps.Callback("Cb", "https://sqs.us-west-2.amazonaws.com/1/q",
				[]steps.Member{{Key: "x", Value: steps.Output[string](lam, "out1")}},
				steps.OutputParameter{Name: "o", Type: steps.OutputInteger}).DisplayName("Call back"),
			want: `{"Name": "Cb", "Type": "Callback", "Arguments": {"x": {"Get": "Steps.Lam.OutputParameters['out1']"}}, "DisplayName": "Call back", ` +
				`"SqsQueueUrl": "https://sqs.us-west-2.amazonaws.com/1/q", "OutputParameters": [{"OutputName": "o", "OutputType": "Integer"}]}`,
		},
		{
			name: "fail without message",
			step: steps.Fail("Stop", nil).Description("no message"),
			want: `{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": ""}, "Description": "no message"}`,
		},
		{
			name: "condition with nested branches",
			step: steps.When("Check",
				steps.Not(steps.In(params.Float("F"), params.Lit(0.7), params.Lit(1.0))),
				steps.Or(steps.Equals(params.Boolean("B"), params.Lit(true)), steps.LessThan(count, params.Lit(10))),
			).Then(steps.When("Inner").Else(steps.Fail("Bad", lit("bad")))),
			want: `{"Name": "Check", "Type": "Condition", "Arguments": {"Conditions": [` +
				`{"Type": "Not", "Condition": {"Type": "In", "QueryValue": {"Get": "Parameters.F"}, "Values": [0.7, 1.0]}}, ` +
				`{"Type": "Or", "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.B"}, "RightValue": true}, {"Type": "LessThan", "LeftValue": {"Get": "Parameters.N"}, "RightValue": 10}]}], ` +
				`"IfSteps": [{"Name": "Inner", "Type": "Condition", "Arguments": {"Conditions": [], "IfSteps": [], "ElseSteps": [{"Name": "Bad", "Type": "Fail", "Arguments": {"ErrorMessage": "bad"}}]}}], "ElseSteps": []}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ps := proto.Problems(tt.step); len(ps) > 0 {
				t.Errorf("Problems: %v", ps)
			}
			if d := cmp.Diff(tt.want, encode(t, tt.step, testEnv())); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestFrameworkTraining(t *testing.T) {
	est := steps.Estimator{
		ImageURI: params.Lit("img"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(2),
		HyperParameters: []steps.Member{{Key: "max_depth", Value: 5}, {Key: "region", Value: "x"}},
		Framework:       steps.XGBoost("main.py", "testdata/code/src"),
	}
	s := steps.Training("Train", est)
	want := `{"max_depth": "5", "region": "\"x\"", ` +
		`"sagemaker_submit_directory": "\"s3://b/P/code/480326dd509d347fb9439d223fb570275c8c983a096c7f5b36fd9c248fb60ff0/sourcedir.tar.gz\"", ` +
		`"sagemaker_program": "\"main.py\"", "sagemaker_container_log_level": "20", "sagemaker_region": "\"us-west-2\""}`
	if d := cmp.Diff(want, at(t, s, testEnv(), "Arguments", "HyperParameters")); d != "" {
		t.Errorf("HyperParameters (-want +got):\n%s", d)
	}
	// An s3:// source directory is used as is.
	est.Framework = steps.XGBoost("main.py", "s3://b/src/sourcedir.tar.gz")
	got := at(t, steps.Training("Train", est), testEnv(), "Arguments", "HyperParameters", "sagemaker_submit_directory")
	if want := `"\"s3://b/src/sourcedir.tar.gz\""`; got != want {
		t.Errorf("submit directory = %s, want %s", got, want)
	}
	// A value json.dumps cannot write fails the encoding instead of
	// becoming an empty string.
	env := testEnv()
	env.Region = "us-\xff"
	if _, err := stepdef.Marshal(proto.Render(steps.Training("Train", est), env)); !errors.Is(err, pyjson.ErrInvalidUTF8) {
		t.Errorf("region with invalid UTF-8: err = %v, want ErrInvalidUTF8", err)
	}
}

func TestTuningRanges(t *testing.T) {
	lr := params.Float("MaxLR").WithDefault(0.1)
	for _, tt := range []struct {
		name      string
		framework *steps.Framework
		ranges    string
		static    string
	}{
		{
			name: "generic",
			ranges: `{"ContinuousParameterRanges": [{"Name": "lr", "MinValue": "1e-07", "MaxValue": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.MaxLR"}]}}, "ScalingType": "Logarithmic"}], ` +
				`"CategoricalParameterRanges": [{"Name": "batch", "Values": ["128", "adam"]}], ` +
				`"IntegerParameterRanges": [{"Name": "depth", "MinValue": "1", "MaxValue": "8", "ScalingType": "Auto"}]}`,
			static: `{"epochs": "10", "flag": "False"}`,
		},
		{
			name:      "framework",
			framework: steps.XGBoost("train.py", "s3://b/src.tar.gz"),
			ranges: `{"ContinuousParameterRanges": [{"Name": "lr", "MinValue": "1e-07", "MaxValue": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.MaxLR"}]}}, "ScalingType": "Logarithmic"}], ` +
				`"CategoricalParameterRanges": [{"Name": "batch", "Values": ["\"128\"", "\"adam\""]}], ` +
				`"IntegerParameterRanges": [{"Name": "depth", "MinValue": "1", "MaxValue": "8", "ScalingType": "Auto"}]}`,
			static: `{"epochs": "10", "flag": "false", "sagemaker_submit_directory": "\"s3://b/src.tar.gz\"", "sagemaker_program": "\"train.py\"", ` +
				`"sagemaker_container_log_level": "20", "sagemaker_job_name": "\"img-2024-05-01-12-00-00-05\"", "sagemaker_region": "\"us-west-2\"", ` +
				`"sagemaker_estimator_class_name": "\"XGBoost\"", "sagemaker_estimator_module": "\"sagemaker.xgboost.estimator\""}`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tuner := steps.Tuner{
				Estimator: steps.Estimator{
					ImageURI: params.Lit("img"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
					HyperParameters: []steps.Member{{Key: "epochs", Value: 10}, {Key: "lr", Value: 0.1}, {Key: "flag", Value: false}, {Key: "depth", Value: 3}},
					Framework:       tt.framework,
				},
				ObjectiveMetric: params.Lit("validation:auc"),
				Ranges: []steps.Range{
					steps.IntegerRange{Name: "depth", Min: 1, Max: 8},
					steps.ContinuousRange{Name: "lr", Min: 1e-07, Max: lr, Scaling: params.Lit(steps.ScalingLogarithmic)},
					steps.CategoricalRange{Name: "batch", Values: []any{128, "adam"}},
				},
			}
			s := steps.Tuning("Tune", tuner)
			env := testEnv()
			if d := cmp.Diff(tt.ranges, at(t, s, env, "Arguments", "HyperParameterTuningJobConfig", "ParameterRanges")); d != "" {
				t.Errorf("ParameterRanges (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.static, at(t, s, env, "Arguments", "TrainingJobDefinition", "StaticHyperParameters")); d != "" {
				t.Errorf("StaticHyperParameters (-want +got):\n%s", d)
			}
			cfg := at(t, s, env, "Arguments", "HyperParameterTuningJobConfig", "ResourceLimits")
			if want := `{"MaxNumberOfTrainingJobs": 1, "MaxParallelTrainingJobs": 1}`; cfg != want {
				t.Errorf("ResourceLimits = %s, want %s", cfg, want)
			}
		})
	}
}

func TestTuningExtras(t *testing.T) {
	seed, target := 7, 0.9
	s := steps.Tuning("Tune", steps.Tuner{
		Estimator:           steps.Estimator{ImageURI: params.Lit("img"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1), MaxRetryAttempts: params.Lit(2)},
		ObjectiveMetric:     params.Lit("m"),
		Strategy:            params.Lit("Hyperband"),
		MaxRuntimeInSeconds: params.Lit(3600),
		RandomSeed:          &seed,
		Hyperband:           &steps.HyperbandConfig{MinResource: 1, MaxResource: 10},
		CompletionCriteria:  &steps.CompletionCriteria{MaxJobsNotImproving: 3, TargetObjectiveValue: &target, CompleteOnConvergence: true},
		MetricDefinitions:   []steps.MetricDefinition{{Name: params.Lit("m"), Regex: params.Lit("m=(.*)")}},
	})
	env := testEnv()
	want := `{"Strategy": "Hyperband", "ResourceLimits": {"MaxNumberOfTrainingJobs": 1, "MaxParallelTrainingJobs": 1, "MaxRuntimeInSeconds": 3600}, ` +
		`"TrainingJobEarlyStoppingType": "Off", "RandomSeed": 7, "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "m"}, ` +
		`"ParameterRanges": {"ContinuousParameterRanges": [], "CategoricalParameterRanges": [], "IntegerParameterRanges": []}, ` +
		`"StrategyConfig": {"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 10}}, ` +
		`"TuningJobCompletionCriteria": {"BestObjectiveNotImproving": {"MaxNumberOfTrainingJobsNotImproving": 3}, "TargetObjectiveMetricValue": 0.9, "ConvergenceDetected": {"CompleteOnConvergence": "Enabled"}}}`
	if d := cmp.Diff(want, at(t, s, env, "Arguments", "HyperParameterTuningJobConfig")); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	if got, want := at(t, s, env, "Arguments", "TrainingJobDefinition", "AlgorithmSpecification"),
		`{"TrainingInputMode": "File", "MetricDefinitions": [{"Name": "m", "Regex": "m=(.*)"}], "TrainingImage": "img"}`; got != want {
		t.Errorf("AlgorithmSpecification = %s, want %s", got, want)
	}
	if got, want := at(t, s, env, "Arguments", "TrainingJobDefinition", "RetryStrategy"), `{"MaximumRetryAttempts": 2}`; got != want {
		t.Errorf("RetryStrategy = %s, want %s", got, want)
	}
}

func TestTopModelS3URI(t *testing.T) {
	s := steps.Tuning("Tune", steps.Tuner{})
	for _, tt := range []struct {
		prefix, want string
	}{
		{"models", `{"Std:Join": {"On": "/", "Values": ["s3:/", "b", "models", {"Get": "Steps.Tune.TrainingJobSummaries[2].TrainingJobName"}, "output/model.tar.gz"]}}`},
		{"", `{"Std:Join": {"On": "/", "Values": ["s3:/", "b", {"Get": "Steps.Tune.TrainingJobSummaries[2].TrainingJobName"}, "output/model.tar.gz"]}}`},
	} {
		b, err := stepdef.Marshal(s.TopModelS3URI(2, "b", tt.prefix).Expr())
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("prefix %q: got %s, want %s", tt.prefix, b, tt.want)
		}
	}
}

func TestProperties(t *testing.T) {
	proc := steps.Processing("Prep", steps.Processor{}, steps.ProcessingJob{})
	train := steps.Training("Train", steps.Estimator{})
	tune := steps.Tuning("Tune", steps.Tuner{})
	reg := steps.RegisterModel("Reg", steps.Model{}, steps.Registration{})
	cond := steps.When("Cond")
	tr := steps.Transform("T", steps.Transformer{})
	tests := []struct {
		got  interface{ String() string }
		want string
	}{
		{proc.Properties().Output("train").S3URI(), "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"},
		{proc.Properties().OutputAt(0).LocalPath(), "Steps.Prep.ProcessingOutputConfig.Outputs[0].S3Output.LocalPath"},
		{proc.Properties().ProcessingJobName(), "Steps.Prep.ProcessingJobName"},
		{train.Properties().ModelArtifacts().S3ModelArtifacts(), "Steps.Train.ModelArtifacts.S3ModelArtifacts"},
		{train.Properties().HyperParameter("eta"), "Steps.Train.HyperParameters['eta']"},
		{train.Properties().FinalMetric("validation:rmse"), "Steps.Train.FinalMetricDataList['validation:rmse'].Value"},
		{train.Properties().OutputPath(), "Steps.Train.OutputDataConfig.S3OutputPath"},
		{tune.Properties().BestTrainingJob().TrainingJobName(), "Steps.Tune.BestTrainingJob.TrainingJobName"},
		{tune.Properties().BestTrainingJob().TunedHyperParameter("eta"), "Steps.Tune.BestTrainingJob.TunedHyperParameters['eta']"},
		{tune.Properties().BestTrainingJob().ObjectiveValue(), "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"},
		{tune.Properties().TrainingJobSummaries(3).TrainingJobName(), "Steps.Tune.TrainingJobSummaries[3].TrainingJobName"},
		{tune.Properties().HyperParameterTuningJobName(), "Steps.Tune.HyperParameterTuningJobName"},
		{reg.Properties().ModelPackageArn(), "Steps.Reg-RegisterModel.ModelPackageArn"},
		{cond.Properties().Outcome(), "Steps.Cond.Outcome"},
		{tr.Properties().OutputPath(), "Steps.T.TransformOutput.S3OutputPath"},
		{steps.Output[int](steps.Lambda("L", "arn", nil), "n"), "Steps.L.OutputParameters['n']"},
		{steps.Property[string](reg, "ModelPackageStatus"), "Steps.Reg-RegisterModel.ModelPackageStatus"},
		{steps.JsonGet[float64](proc, steps.PropertyFile{Name: "Report"}, "a.b"), `JsonGet(Steps.Prep.PropertyFiles.Report, "a.b")`},
	}
	for _, tt := range tests {
		if got := tt.got.String(); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

func TestBuildersAreImmutable(t *testing.T) {
	env := testEnv()
	base := steps.Processing("Prep", steps.Processor{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1)},
		steps.ProcessingJob{Arguments: []params.Exprer{lit("a")}})
	before := encode(t, base, env)
	a := base.DependsOnNames("X").DisplayName("A").Cache(steps.CacheConfig{Enabled: true})
	b := base.DependsOnNames("Y").PropertyFiles(steps.PropertyFile{Name: "F", OutputName: "o", Path: "f.json"})
	c := a.DependsOnNames("Z")
	if got := encode(t, base, env); got != before {
		t.Errorf("base changed:\n%s", cmp.Diff(before, got))
	}
	if got := proto.Envelope(a).DependsOn; !cmp.Equal(got, []string{"X"}) {
		t.Errorf("a depends on %v", got)
	}
	if got := proto.Envelope(b).DependsOn; !cmp.Equal(got, []string{"Y"}) {
		t.Errorf("b depends on %v", got)
	}
	if got := proto.Envelope(c).DependsOn; !cmp.Equal(got, []string{"X", "Z"}) {
		t.Errorf("c depends on %v", got)
	}
	if strings.Contains(encode(t, a, env), "PropertyFiles") || strings.Contains(encode(t, b, env), "CacheConfig") {
		t.Error("derived steps share state")
	}
	// Dependencies on a collection expand to its steps, once each.
	reg := steps.RegisterModel("Reg", steps.Model{ImageURI: params.Lit("img")}, steps.Registration{ModelPackageGroupName: lit("g")})
	d := base.DependsOn(reg, reg).DependsOnNames("Reg-RegisterModel")
	if got := proto.Envelope(d).DependsOn; !cmp.Equal(got, []string{"Reg-RegisterModel"}) {
		t.Errorf("d depends on %v", got)
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		step steps.Step
		want error
	}{
		{"processing without sizes", steps.Processing("P", steps.Processor{ImageURI: params.Lit("img")}, steps.ProcessingJob{}), steps.ErrInvalid},
		{"missing local code", steps.Processing("P", steps.Processor{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1)},
			steps.ProcessingJob{Code: "testdata/code/missing.py"}), steps.ErrCode},
		{"training without image", steps.Training("T", steps.Estimator{InstanceType: lit("t"), InstanceCount: params.Lit(1)}), steps.ErrInvalid},
		{"tuning without objective", steps.Tuning("T", steps.Tuner{Estimator: steps.Estimator{ImageURI: params.Lit("i"), InstanceType: lit("t"), InstanceCount: params.Lit(1)}}), steps.ErrInvalid},
		{"fail step without message is fine", steps.Fail("F", nil), nil},
		{"register without group", steps.RegisterModel("R", steps.Model{ImageURI: params.Lit("i")}, steps.Registration{}).Steps()[0], steps.ErrInvalid},
		{"lambda without function", steps.Lambda("L", "", nil), steps.ErrInvalid},
		{"callback with repeated outputs", steps.Callback("C", "q", nil, steps.OutputParameter{Name: "o"}, steps.OutputParameter{Name: "o"}), steps.ErrInvalid},
		{"transform without model", steps.Transform("T", steps.Transformer{}), steps.ErrInvalid},
		{"nil condition", steps.When("C", nil), steps.ErrInvalid},
		{"typed nil dependency", steps.Fail("F", nil).DependsOn((*steps.ProcessingStep)(nil)), steps.ErrInvalid},
		{"typed nil branch step", steps.When("C").Else((*steps.FailStep)(nil)), steps.ErrInvalid},
		{"bad retry", steps.Training("T", steps.Estimator{ImageURI: params.Lit("i"), InstanceType: lit("t"), InstanceCount: params.Lit(1)}).
			Retry(steps.RetryPolicy{MaxAttempts: 1, ExpireAfterMin: 5}), steps.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := proto.Problems(tt.step)
			if tt.want == nil {
				if len(ps) != 0 {
					t.Errorf("Problems = %v, want none", ps)
				}
				return
			}
			if !errors.Is(errors.Join(ps...), tt.want) {
				t.Errorf("Problems = %v, want one wrapping %v", ps, tt.want)
			}
		})
	}
}

func TestMissingCodeRefused(t *testing.T) {
	s := steps.Processing("P", steps.Processor{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1)},
		steps.ProcessingJob{Code: "testdata/code/missing.py"})
	_, err := pipeline.New("P").Steps(s).Env(*testEnv()).Definition()
	if !errors.Is(err, steps.ErrCode) || !strings.Contains(err.Error(), `"P"`) {
		t.Errorf("err = %v, want ErrCode naming the step", err)
	}
}
