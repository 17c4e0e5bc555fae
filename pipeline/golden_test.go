package pipeline_test

import (
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// The files under testdata/sdk are the SageMaker Python SDK's own output
// (see each file's provenance in the specification). Every one is rebuilt
// here through the public DSL and must match byte for byte.

// testEnv is the mocked session of the SDK's unit tests.
func testEnv() steps.Env {
	return steps.Env{Bucket: "my-bucket", Region: "us-west-2", Role: "DummyRole"}
}

// emptyArgs is an empty "Arguments" object, as the SDK tests' bare steps
// have.
type emptyArgs struct{}

func (emptyArgs) Members() iter.Seq2[string, any] { return func(func(string, any) bool) {} }

// bare is a step known only by name and type, with empty arguments.
func bare(name string, typ steps.Type) steps.Step {
	return newRaw(stepdef.RawSpec[steps.Step]{Name: name, Type: string(typ), Arguments: emptyArgs{}})
}

func lit(s string) params.Value[string] { return params.Lit(s) }

func conditionAllTypes() *pipeline.Pipeline {
	i1, i2 := params.Integer("MyInt1"), params.Integer("MyInt2")
	str := params.String("MyStr")
	step0 := bare("MyStep0", steps.TypeTraining)
	start := params.StartDateTime
	inABC := steps.In(str, lit("abc"), lit("def"))
	cond := steps.When("MyConditionStep",
		steps.Equals(i1, i2),
		steps.GreaterThan(start, lit("2020-12-01")),
		steps.GreaterThanOrEqualTo(start, str),
		steps.LessThan(start, lit("2020-12-01")),
		steps.LessThanOrEqualTo(start, str),
		inABC,
		steps.In(str, lit("abc"), steps.Property[string](step0, "TrainingJobName"), start),
		steps.Not(steps.Equals(i1, i2)),
		steps.Not(inABC),
		steps.Or(steps.GreaterThan(start, lit("2020-12-01")), inABC),
	).Then(bare("MyStep1", steps.TypeTraining)).Else(bare("MyStep2", steps.TypeTraining))
	// MyStep0 is referenced but not listed: the compiler appends it.
	return pipeline.New("MyPipeline").Parameters(i1, i2, str).Steps(cond).Env(testEnv())
}

func failJoinConditionOutcome() *pipeline.Pipeline {
	n := params.Integer("MyInt").WithDefault(2)
	cond := steps.When("CondStep", steps.Equals(n, params.Lit(1)))
	fail := steps.Fail("FailStep", params.Join(": ", "Failed due to xxx == yyy returns", cond.Properties().Outcome()))
	return pipeline.New("MyPipeline").Parameters(n).Steps(cond, fail).Env(testEnv())
}

func jsonGetJoinFailNested() *pipeline.Pipeline {
	s := params.String("MyString").WithDefault("1")
	n := params.Integer("MyInteger").WithDefault(3)
	step := bare("MyStep", steps.TypeTraining)
	// A property file the step never declares: the SDK renders the JsonGet
	// all the same (pipeline validation would report it).
	pf := steps.PropertyFile{Name: "name", OutputName: "result", Path: "output"}
	fail := steps.Fail("MyFailStep", params.Join(" ",
		"Execution failed due to condition check fails, see:",
		steps.JsonGet[string](step, pf, "my-json-path").ToString(),
		steps.Property[string](step, "TrainingJobName").ToString(),
		n,
	))
	cond := steps.When("MyCondStep", steps.GreaterThan(s, n.Value().ToString())).Else(fail)
	return pipeline.New("MyPipeline").Parameters(s, n).Steps(step, cond).Env(testEnv())
}

func processingPropertyFileCache() *pipeline.Pipeline {
	uri := params.String("ProcessingInputDataUri").WithDefault("s3://my-bucket/processing_manifest")
	typ := params.String("InstanceType").WithDefault("ml.m4.4xlarge")
	count := params.Integer("InstanceCount").WithDefault(1)
	t1, t2, t3 := bare("TestStep", steps.TypeTraining), bare("SecondTestStep", steps.TypeTraining), bare("ThirdTestStep", steps.TypeTraining)
	proc := steps.Processor{ImageURI: params.Lit("fakeimage"), Role: params.Lit("DummyRole"), InstanceType: typ, InstanceCount: count}
	step := steps.Processing("MyProcessingStep", proc, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{Source: uri, Destination: params.Lit("processing_manifest")}},
		Layout: steps.LayoutJob,
	}).
		DependsOn(t1, t2).
		DisplayName("MyProcessingStep").
		Description("ProcessingStep description").
		Cache(steps.CacheConfig{Enabled: true, ExpireAfter: "PT1H"}).
		PropertyFiles(steps.PropertyFile{Name: "EvaluationReport", OutputName: "evaluation", Path: "evaluation.json"}).
		DependsOn(t3)
	return pipeline.New("MyPipeline").Parameters(uri, typ, count).Steps(step, t1, t2, t3).Env(testEnv())
}

func tuningSingleAlgo() *pipeline.Pipeline {
	data := params.String("DataSourceS3Uri").WithDefault("s3://my-bucket/train_manifest")
	spot := params.Boolean("UseSpotInstances").WithDefault(false)
	est := steps.Estimator{
		ImageURI:         params.Lit("fakeimage"),
		Role:             "DummyRole",
		InstanceType:     lit("ml.c5.4xlarge"),
		InstanceCount:    params.Lit(1),
		UseSpotInstances: spot,
		HyperParameters: []steps.Member{
			{Key: "num_layers", Value: 18},
			{Key: "image_shape", Value: "3,224,224"},
			{Key: "num_classes", Value: 257},
			{Key: "num_training_samples", Value: 15420},
			{Key: "mini_batch_size", Value: 128},
			{Key: "epochs", Value: 10},
			{Key: "optimizer", Value: "sgd"},
			{Key: "top_k", Value: "2"},
			{Key: "precision_dtype", Value: "float32"},
			{Key: "augmentation_type", Value: "crop"},
		},
	}
	tuner := steps.Tuner{
		Estimator:       est,
		ObjectiveMetric: params.Lit("val:accuracy"),
		ObjectiveType:   params.Lit("Maximize"),
		Ranges: []steps.Range{
			steps.ContinuousRange{Name: "learning_rate", Min: 0.0001, Max: 0.05},
			steps.ContinuousRange{Name: "momentum", Min: 0.0, Max: 0.99},
			steps.ContinuousRange{Name: "weight_decay", Min: 0.0, Max: 0.99},
		},
		MaxJobs:           params.Lit(5),
		MaxParallelJobs:   params.Lit(2),
		EarlyStoppingType: params.Lit("OFF"),
		Strategy:          params.Lit("Bayesian"),
		WarmStart:         &steps.WarmStart{Type: "IdenticalDataAndAlgorithm", Parents: []params.Input[string]{params.Lit("parent-hpo")}},
	}
	step := steps.Tuning("MyTuningStep", tuner, steps.TrainingInput{S3Data: data})
	return pipeline.New("MyPipeline").Parameters(data, spot).Steps(step).Env(testEnv())
}

func registerModel() *pipeline.Pipeline {
	test := bare("TestStep", steps.TypeTraining)
	model := steps.Model{
		ImageURI:      params.Lit("012345678901.dkr.ecr.us-west-2.amazonaws.com/my-custom-image-uri"),
		ModelData:     lit("s3://my-bucket/model.tar.gz"),
		NoEnvironment: true,
	}
	reg := steps.RegisterModel("RegisterModelStep", model, steps.Registration{
		ModelPackageGroupName: lit("mpg"),
		Description:           "description",
		Tags:                  []steps.Tag{{Key: "myKey", Value: "myValue"}},
		Metrics: &steps.ModelMetrics{ModelStatistics: &steps.MetricsSource{
			ContentType: params.Lit("text/csv"), S3URI: lit("s3://my-bucket/metrics.csv")}},
		DriftCheck: &steps.DriftCheckBaselines{ModelConstraints: &steps.MetricsSource{
			ContentType: params.Lit("text/csv"), S3URI: lit("s3://my-bucket/constraints_metrics.csv")}},
		SamplePayloadURL:   params.Lit("s3://test-bucket/model"),
		Task:               params.Lit("IMAGE_CLASSIFICATION"),
		ContentTypes:       []params.Input[string]{params.Lit("content_type")},
		ResponseTypes:      []params.Input[string]{params.Lit("response_type")},
		InferenceInstances: []params.Input[string]{params.Lit("inference_instance")},
		TransformInstances: []params.Input[string]{params.Lit("transform_instance")},
		ApprovalStatus:     lit("Approved"),
	}).DependsOn(test).DisplayName("RegisterModelStep").Description("description")
	return pipeline.New("MyPipeline").Steps(test, reg).Env(testEnv())
}

// seedConfig holds what differs between the two SDK versions' renderings
// of the seed pipeline: the staged code locations and the evaluation job's
// S3 prefix.
type seedConfig struct {
	ingestCode, preprocessCode string
	// evalJob is the S3 prefix of the evaluation job's code and output;
	// empty means the job-name layout (base job name plus timestamp).
	evalJob string
}

const (
	seedBucket = "sagemaker-us-east-1-111122223333"
	seedRole   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-EXAMPLE"
	seedRegion = "us-east-1"
	seedPrefix = "aws-sm-ray-pipeline-workshop"
	seedName   = "synthetic-housing-training-sm-pipeline-ray"
)

// seed rebuilds the notebook's pipeline (SEED.md) step for step.
func seed(cfg seedConfig) *pipeline.Pipeline {
	env := steps.Env{
		Bucket: seedBucket, Region: seedRegion, Role: seedRole,
		Now:   steps.FrozenClock(time.UnixMilli(1701129600123).UTC()),
		Names: steps.FixedNames(0xabcd),
	}
	count := params.Integer("ProcessingInstanceCount").WithDefault(1)
	fg := params.String("FeatureGroupName").WithDefault("fs-ray-synthetic-housing-data")
	trainSize := params.String("TrainSize").WithDefault("0.6")
	valSize := params.String("ValidationSize").WithDefault("0.2")
	testSize := params.String("TestSize").WithDefault("0.2")
	prefix := params.String("Bucket_Prefix").WithDefault("aws-ray-mlops-workshop/feature-store")
	rmse := params.Float("RMSEThreshold").WithDefault(15000.0)
	cache := steps.CacheConfig{Enabled: true, ExpireAfter: "PT12H"}

	sklearn := steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		Role:          params.Lit(seedRole),
		InstanceType:  lit("ml.m5.2xlarge"),
		InstanceCount: count,
		BaseJobName:   "feature-store-ingestion",
	}
	ingest := steps.Processing("FeatureStoreIngestion", sklearn, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{
			Source:           lit("s3://" + seedBucket + "/" + seedPrefix + "/data/raw/house_pricing.csv"),
			Destination:      params.Lit("/opt/ml/processing/input"),
			DistributionType: params.Lit("ShardedByS3Key"),
		}},
		Code: cfg.ingestCode,
		Arguments: []params.Exprer{
			lit("--feature_group_name"), fg, lit("--num_actors"), lit("10"),
			lit("--bucket_prefix"), prefix, lit("--role_arn"), lit(seedRole), lit("--region"), lit(seedRegion),
		},
	}).Cache(cache)

	out := "s3://" + seedBucket + "/" + seedPrefix + "/data/sm_processed"
	sklearn.BaseJobName = "preprocess-data"
	var outputs []steps.ProcessingOutput
	for _, name := range []string{"train", "validation", "test"} {
		outputs = append(outputs, steps.ProcessingOutput{
			Name: name, Source: params.Lit("/opt/ml/processing/output/" + name), Destination: lit(out + "/" + name)})
	}
	preprocess := steps.Processing("PreprocessData", sklearn, steps.ProcessingJob{
		Outputs: outputs,
		Code:    cfg.preprocessCode,
		Arguments: []params.Exprer{
			lit("--feature_group_name"), fg, lit("--train_size"), trainSize, lit("--val_size"), valSize,
			lit("--test_size"), testSize, lit("--role_arn"), lit(seedRole), lit("--region"), lit(seedRegion),
		},
	}).DependsOn(ingest).Cache(cache)

	xgbImage := "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
	split := preprocess.Properties()
	tuning := steps.Tuning("HPTuning", steps.Tuner{
		Estimator: steps.Estimator{
			ImageURI:        params.Lit(xgbImage),
			Role:            seedRole,
			InstanceType:    lit("ml.c5.xlarge"),
			InstanceCount:   params.Lit(3),
			OutputPath:      params.Lit("s3://" + seedBucket + "/" + seedPrefix + "/"),
			BaseJobName:     "XGBoost-model",
			HyperParameters: []steps.Member{{Key: "role_arn", Value: seedRole}, {Key: "region", Value: seedRegion}},
			Framework:       steps.XGBoost("script.py", "./pipeline_scripts/train/"),
		},
		ObjectiveMetric: params.Lit("validation:rmse"),
		ObjectiveType:   params.Lit("Minimize"),
		Ranges: []steps.Range{
			steps.ContinuousRange{Name: "eta", Min: 0.2, Max: 1},
			steps.ContinuousRange{Name: "subsample", Min: 0.2, Max: 1},
			steps.IntegerRange{Name: "max_depth", Min: 1, Max: 8},
			steps.IntegerRange{Name: "min_child_weight", Min: 0, Max: 120},
		},
		MaxJobs:         params.Lit(4),
		MaxParallelJobs: params.Lit(4),
	},
		steps.TrainingInput{Channel: "train", S3Data: split.Output("train").S3URI(), ContentType: params.Lit("text/csv")},
		steps.TrainingInput{Channel: "validation", S3Data: split.Output("validation").S3URI(), ContentType: params.Lit("text/csv")},
	).DependsOn(preprocess).Cache(cache)

	topModel := tuning.TopModelS3URI(0, seedBucket, seedPrefix)
	evalJob := cfg.evalJob
	if evalJob == "" {
		evalJob = env.JobName("evaluation")
	}
	// The notebook reads the evaluation output's location back from the
	// step before building the pipeline, which fixes it under the job name.
	evalOut := lit("s3://" + seedBucket + "/" + evalJob + "/output/evaluation")
	report := steps.PropertyFile{Name: "EvaluationReport", OutputName: "evaluation", Path: "evaluation.json"}
	evaluate := steps.Processing("EvaluateModel", steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3"),
		Command:       []string{"python3"},
		Role:          params.Lit(seedRole),
		InstanceType:  lit("ml.m5.xlarge"),
		InstanceCount: count,
		BaseJobName:   "evaluation",
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{
			{Source: topModel, Destination: params.Lit("/opt/ml/processing/model")},
			{Source: split.Output("test").S3URI(), Destination: params.Lit("/opt/ml/processing/test")},
		},
		Outputs: []steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation"), Destination: evalOut}},
		Code:    "s3://" + seedBucket + "/" + evalJob + "/input/code/script.py",
		Layout:  steps.LayoutJob,
	}).PropertyFiles(report)

	register := steps.RegisterModel("RegisterTrainedModel", steps.Model{
		ImageURI:   params.Lit(xgbImage),
		ModelData:  topModel,
		EntryPoint: "./pipeline_scripts/inference/script.py",
		Framework:  params.Lit("XGBOOST"),
	}, steps.Registration{
		ModelPackageGroupName: lit(env.UniqueName("synthetic-housing-models-ray-")),
		Description:           "XGBoost model to predict synthetic housing prices",
		Metrics: &steps.ModelMetrics{ModelStatistics: &steps.MetricsSource{
			ContentType: params.Lit("application/json"),
			S3URI:       lit("s3://" + seedBucket + "/" + evalJob + "/output/evaluation/evaluation.json"),
		}},
		ContentTypes:       []params.Input[string]{params.Lit("text/csv")},
		ResponseTypes:      []params.Input[string]{params.Lit("application/json")},
		InferenceInstances: []params.Input[string]{params.Lit("ml.t2.medium"), params.Lit("ml.m5.xlarge")},
		TransformInstances: []params.Input[string]{params.Lit("ml.m5.xlarge")},
	})
	fail := steps.Fail("RMSEFail", params.Join(" ", "Execution failed due to RMSE >", rmse))
	check := steps.When("CheckEvaluation",
		steps.LessThanOrEqualTo(steps.JsonGet[float64](evaluate, report, "regression_metrics.rmse.value"), rmse),
	).Then(register).Else(fail)

	return pipeline.New(seedName).
		Parameters(count, fg, trainSize, valSize, testSize, prefix, rmse).
		Steps(ingest, preprocess, tuning, evaluate, check).
		Env(env)
}

func TestGoldenDefinitions(t *testing.T) {
	code := "s3://" + seedBucket + "/" + seedName + "/code/"
	tests := []struct {
		file  string
		build func() *pipeline.Pipeline
	}{
		{"condition-all-types.json", conditionAllTypes},
		{"fail-join-condition-outcome.json", failJoinConditionOutcome},
		{"jsonget-join-fail-nested.json", jsonGetJoinFailNested},
		{"processing-propertyfile-cache.json", processingPropertyFileCache},
		{"register-model.json", registerModel},
		{"tuning-single-algo.json", tuningSingleAlgo},
		{"seed-pipeline.sdk-2.257.6.json", func() *pipeline.Pipeline {
			return seed(seedConfig{
				ingestCode:     code + "ae4e8eb75ab00af5a2242853964b03603f8919ca32bc74a96c280d754f79e9d3/script-fs.py",
				preprocessCode: code + "6d8660d75ff2f0b10bce75d9a66695dd0064aa0c060ee49c71da0661cfa6fd4a/script.py",
			})
		}},
		// SDK 2.198.0 hashed code with MD5 and named the deprecated-form
		// evaluation job "<step>-<md5 of the script>"; given those staged
		// locations, the rest is identical.
		{"seed-pipeline.sdk-2.198.0.json", func() *pipeline.Pipeline {
			return seed(seedConfig{
				ingestCode:     code + "fb92fba06612ae9daf6395999c5d9693/script-fs.py",
				preprocessCode: code + "eab9787a4abc702b3e697af27bc03200/script.py",
				evalJob:        "EvaluateModel-ec2c51a99a45f58a5a26529535058aae",
			})
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "sdk", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.build().Definition()
			if err != nil {
				t.Fatalf("Definition: %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("definition differs from the SDK's (-sdk +ours):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "sdk", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("golden %s is not rebuilt by any test", f)
		}
	}
}
