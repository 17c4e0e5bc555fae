package steps_test

import (
	"errors"
	"math"
	"strings"
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
	"condition-in-mixed.sdk-2.257.6.json":             sdkConditionInMixed,
	"estimator-variables.sdk-2.257.6.json":            sdkEstimatorVariables,
}

// An output path joined from a parameter and the execution id.
func sdkVariableOutputPath(t *testing.T) *pipeline.Pipeline {
	run := params.String("Run").WithDefault("runs")
	out := params.Join("/", "s3://my-bucket", run, params.PipelineExecutionID)
	train := steps.Training("Train", steps.Estimator{
		ImageURI: params.Lit("fakeimage"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1), OutputPath: out,
	}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train"), ContentType: params.Lit("text/csv")})
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
		Inputs:  []steps.ProcessingInput{{Source: lit("s3://my-bucket/raw"), Destination: params.Lit("/opt/ml/processing/input")}},
		Outputs: []steps.ProcessingOutput{{Name: "train", Source: params.Lit("/opt/ml/processing/train")}},
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
			ImageURI: params.Lit("fakeimage"), InstanceType: itype, InstanceCount: icount,
			HyperParameters: []steps.Member{{Key: "epochs", Value: 10}},
		},
		ObjectiveMetric: params.Lit("val:rmse"),
		ObjectiveType:   params.Lit("Minimize"),
		Ranges: []steps.Range{
			steps.IntegerRange{Name: "depth", Min: 2, Max: 8},
			steps.ContinuousRange{Name: "lr", Min: 0.001, Max: 0.1},
		},
		MetricDefinitions: []steps.MetricDefinition{{Name: params.Lit("val:rmse"), Regex: params.Lit("rmse=([0-9.]+)")}},
		MaxJobs:           params.Lit(4),
		MaxParallelJobs:   params.Lit(2),
	}, steps.TrainingInput{S3Data: lit("s3://my-bucket/train")})
	return pipeline.New("MyPipeline").Parameters(itype, icount).Steps(tune).Env(sdkEnv())
}

// Transform output paths taken from earlier steps' properties.
func sdkTransformOutputFromProperty(t *testing.T) *pipeline.Pipeline {
	prep := steps.Processing("Prep", steps.Processor{
		ImageURI: mustImage(t, "sklearn", "1.0-1"), Command: []string{"python3"},
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{Source: lit("s3://my-bucket/raw"), Destination: params.Lit("/opt/ml/processing/input")}},
		Outputs: []steps.ProcessingOutput{
			{Name: "train", Source: params.Lit("/opt/ml/processing/train")},
			{Name: "test", Source: params.Lit("/opt/ml/processing/test")},
			{Name: "scored", Source: params.Lit("/opt/ml/processing/scored")},
		},
		Code: "testdata/code/train.py",
	})
	out := prep.Properties()
	train := steps.Training("Train", steps.Estimator{ImageURI: params.Lit("fakeimage"), InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)},
		steps.TrainingInput{S3Data: out.Output("train").S3URI()})
	create := steps.CreateModel("M", steps.Model{ImageURI: params.Lit("fakeimage"), ModelData: train.Properties().ModelArtifacts().S3ModelArtifacts()})
	score := steps.Transform("Score", steps.Transformer{
		ModelName: create.Properties().ModelName(),
		Data:      out.Output("test").S3URI(), ContentType: params.Lit("text/csv"), SplitType: params.Lit("Line"),
		OutputPath:   out.Output("scored").S3URI(),
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	})
	batch := steps.Transform("Batch", steps.Transformer{
		ModelName: create.Properties().ModelName(),
		Data:      lit("s3://my-bucket/in"), ContentType: params.Lit("text/csv"),
		OutputPath: params.Join("/", train.Properties().OutputPath(), "batch"), Accept: params.Lit("text/csv"), AssembleWith: params.Lit("Line"),
		InstanceType: lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
	})
	return pipeline.New("MyPipeline").Steps(prep, train, create, score, batch).Env(sdkEnv())
}

// ConditionIn over values of mixed kinds, and negative zero.
func sdkConditionInMixed(t *testing.T) *pipeline.Pipeline {
	negZero := math.Copysign(0, -1)
	kind := params.String("Kind").WithDefault("a")
	other := params.String("Other").WithDefault("b")
	count := params.Integer("Count").WithDefault(0)
	flag := params.Boolean("Flag").WithDefault(false)
	nz := params.Float("NegZero").WithDefault(negZero)
	check := steps.When("Check",
		steps.InAny(kind, "a", 1, 2.5, true, other, negZero),
		steps.InAny(count, 0, 1.0, false, "2", count),
		steps.InAny(flag, true, nil),
		steps.Equals[float64](nz, params.Lit(negZero)),
		steps.GreaterThanOrEqualTo(params.Lit(negZero), params.Lit(0.0)),
	).Then(steps.Fail("Yes", lit("all held"))).Else(steps.Fail("No", lit("a condition failed")))
	return pipeline.New("MyPipeline").Parameters(kind, other, count, flag, nz).Steps(check).Env(sdkEnv())
}

// TestNonFiniteRefused builds the pipeline of
// condition-nonfinite.sdk-2.257.6.json: the SDK writes the tokens NaN and
// Infinity, which are not JSON, so Definition and Validate refuse every one
// of them, naming the parameter or the operand.
func TestNonFiniteRefused(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	pn := params.Float("NaN").WithDefault(nan)
	pi := params.Float("Inf").WithDefault(inf)
	pm := params.Float("NegInf").WithDefault(-inf)
	check := steps.When("Check",
		steps.Not(steps.Equals[float64](pn, params.Lit(nan))),
		steps.LessThan[float64](pi, params.Lit(inf)),
		steps.GreaterThan[float64](pm, params.Lit(-inf)),
		steps.InAny(pi, inf, -inf, nan),
	).Then(steps.Fail("Yes", lit("all held"))).Else(steps.Fail("No", lit("a condition failed")))
	p := pipeline.New("MyPipeline").Parameters(pn, pi, pm).Steps(check).Env(sdkEnv())
	for _, err := range []error{p.Validate(), func() error { _, err := p.Definition(); return err }()} {
		if !errors.Is(err, pipeline.ErrNaN) {
			t.Fatalf("error = %v, want ErrNaN", err)
		}
		for _, want := range []string{`"NaN"`, `"Inf"`, `"NegInf"`, "Equals right value", "LessThan right value",
			"GreaterThan right value", "In value 0", "In value 1", "In value 2"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not name %s:\n%v", want, err)
			}
		}
	}
}
