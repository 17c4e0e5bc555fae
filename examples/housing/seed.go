package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// PipelineName is the seed pipeline's name.
const PipelineName = "synthetic-housing-training-sm-pipeline-ray"

// s3Prefix is the notebook's S3 prefix for data and models.
const s3Prefix = "aws-sm-ray-pipeline-workshop"

// Config holds what the notebook takes from its AWS session and the clock.
// The zero value of a field means the default noted; DefaultConfig returns
// the placeholders of the published definition.
type Config struct {
	// Account is the AWS account id.
	Account string
	// Region is the AWS region (images and job arguments name it).
	Region string
	// Bucket is the default bucket; empty means sagemaker-<region>-<account>.
	Bucket string
	// Role is the execution role ARN; empty means the placeholder role of
	// Account.
	Role string
	// Clock is the instant timestamped names are taken from; the zero
	// time means the wall clock.
	Clock time.Time
	// UniqueSuffix is the 4-hex-digit random part of the model package
	// group name; empty means random.
	UniqueSuffix string
	// IngestCode, PreprocessCode and EvaluateCode are the staged s3:// URIs
	// of the three processing scripts. Empty means where the SDK stages
	// them: s3://<bucket>/<pipeline>/code/<sha256>/<file> for the first
	// two (the hashes of the seed's scripts) and
	// s3://<bucket>/evaluation-<timestamp>/input/code/script.py for the
	// third.
	IngestCode, PreprocessCode, EvaluateCode string
	// Image, when set, is the URI of an image built from this program
	// (examples/container/Dockerfile with PKG=./examples/housing): every
	// step that has a Go function runs it there instead of the seed's
	// script (see goProcessing, goTuner), the ingestion hands the feature
	// store to the preprocessing through S3, and the model is registered
	// for the XGBoost image's own serving, without the seed's inference
	// script. No code is uploaded.
	Image string
}

// DefaultConfig returns the placeholders of the published definition: a
// fictitious account in us-east-1 and a clock frozen at
// 2023-11-28T00:00:00.123Z.
func DefaultConfig() Config {
	return Config{
		Account:      "111122223333",
		Region:       "us-east-1",
		Clock:        time.UnixMilli(1701129600123).UTC(),
		UniqueSuffix: "abcd",
	}
}

// The content hashes (SHA-256, as SDK 2.257.6 computes them) of the seed's
// two step_args-form scripts, under the notebook's relative paths.
const (
	ingestHash     = "ae4e8eb75ab00af5a2242853964b03603f8919ca32bc74a96c280d754f79e9d3"
	preprocessHash = "6d8660d75ff2f0b10bce75d9a66695dd0064aa0c060ee49c71da0661cfa6fd4a"
)

// Seed is the built pipeline together with its parameters and steps, so
// that callers (the local engine, tests) can refer to them.
type Seed struct {
	Pipeline *pipeline.Pipeline
	Env      steps.Env

	ProcessingInstanceCount *params.Param[int]
	FeatureGroupName        *params.Param[string]
	TrainSize               *params.Param[string]
	ValidationSize          *params.Param[string]
	TestSize                *params.Param[string]
	BucketPrefix            *params.Param[string]
	RMSEThreshold           *params.Param[float64]

	Ingest     *steps.ProcessingStep
	Preprocess *steps.ProcessingStep
	Tuning     *steps.TuningStep
	Evaluate   *steps.ProcessingStep
	Register   *steps.ModelStep
	Fail       *steps.FailStep
	Check      *steps.ConditionStep

	// EvaluationReport is the evaluation step's property file.
	EvaluationReport steps.PropertyFile

	// IngestCode, PreprocessCode and EvaluateCode are the S3 URIs the
	// three processing steps run their scripts from (unused with Image).
	IngestCode, PreprocessCode, EvaluateCode string
	// Image is the image the steps' Go functions run in, or empty when
	// the steps run the seed's scripts (Config.Image).
	Image string
}

// env returns the compile environment of cfg.
func (cfg Config) env() (steps.Env, error) {
	env := steps.Env{PipelineName: PipelineName, Region: cfg.Region, Bucket: cfg.Bucket, Role: cfg.Role}
	if env.Bucket == "" {
		env.Bucket = "sagemaker-" + cfg.Region + "-" + cfg.Account
	}
	if env.Role == "" {
		env.Role = "arn:aws:iam::" + cfg.Account + ":role/service-role/AmazonSageMaker-ExecutionRole-EXAMPLE"
	}
	if !cfg.Clock.IsZero() {
		env.Now = steps.FrozenClock(cfg.Clock)
	}
	if cfg.UniqueSuffix != "" {
		n, err := strconv.ParseUint(cfg.UniqueSuffix, 16, 16)
		if err != nil || len(cfg.UniqueSuffix) != 4 {
			return env, fmt.Errorf("unique suffix %q: want four hex digits", cfg.UniqueSuffix)
		}
		env.Names = steps.FixedNames(uint16(n))
	}
	return env, nil
}

// Build assembles the seed pipeline described in SEED.md.
func Build(cfg Config) (*Seed, error) {
	env, err := cfg.env()
	if err != nil {
		return nil, err
	}
	s := &Seed{Env: env, Image: cfg.Image}
	bucket, role, region := env.Bucket, env.Role, cfg.Region
	sklearn10, err := steps.ImageURI("sklearn", "1.0-1", region)
	if err != nil {
		return nil, err
	}
	sklearn023, err := steps.ImageURI("sklearn", "0.23-1", region)
	if err != nil {
		return nil, err
	}
	xgb, err := steps.ImageURI("xgboost", "1.7-1", region)
	if err != nil {
		return nil, err
	}
	code := "s3://" + bucket + "/" + PipelineName + "/code/"
	ingestCode := or(cfg.IngestCode, code+ingestHash+"/script-fs.py")
	preprocessCode := or(cfg.PreprocessCode, code+preprocessHash+"/script.py")
	s.IngestCode, s.PreprocessCode = ingestCode, preprocessCode

	s.ProcessingInstanceCount = params.Integer("ProcessingInstanceCount").WithDefault(1)
	s.FeatureGroupName = params.String("FeatureGroupName").WithDefault("fs-ray-synthetic-housing-data")
	s.TrainSize = params.String("TrainSize").WithDefault("0.6")
	s.ValidationSize = params.String("ValidationSize").WithDefault("0.2")
	s.TestSize = params.String("TestSize").WithDefault("0.2")
	s.BucketPrefix = params.String("Bucket_Prefix").WithDefault("aws-ray-mlops-workshop/feature-store")
	s.RMSEThreshold = params.Float("RMSEThreshold").WithDefault(15000.0)
	cache := steps.CacheConfig{Enabled: true, ExpireAfter: "PT12H"}
	lit := params.Lit[string]

	// 1. Ingest the raw CSV into an offline feature group.
	proc := steps.Processor{
		ImageURI:      params.Lit(sklearn10),
		Command:       []string{"python3"},
		Role:          lit(role),
		InstanceType:  lit("ml.m5.2xlarge"),
		InstanceCount: s.ProcessingInstanceCount,
		BaseJobName:   "feature-store-ingestion",
	}
	ingestJob := steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{
			Source:           lit("s3://" + bucket + "/" + s3Prefix + "/data/raw/house_pricing.csv"),
			Destination:      params.Lit("/opt/ml/processing/input"),
			DistributionType: params.Lit("ShardedByS3Key"),
		}},
		Code: ingestCode,
		Arguments: []params.Exprer{
			lit("--feature_group_name"), s.FeatureGroupName,
			lit("--num_actors"), lit("10"),
			lit("--bucket_prefix"), s.BucketPrefix,
			lit("--role_arn"), lit(role),
			lit("--region"), lit(region),
		},
	}
	if cfg.Image != "" {
		proc, ingestJob = goProcessing(cfg.Image, "FeatureStoreIngestion", proc, ingestJob)
	}
	s.Ingest = steps.Processing("FeatureStoreIngestion", proc, ingestJob).Cache(cache)

	// 2. Read the feature group, split 0.6/0.2/0.2 and scale.
	proc.BaseJobName = "preprocess-data"
	processed := "s3://" + bucket + "/" + s3Prefix + "/data/sm_processed/"
	var outputs []steps.ProcessingOutput
	for _, name := range []string{"train", "validation", "test"} {
		outputs = append(outputs, steps.ProcessingOutput{
			Name:        name,
			Source:      params.Lit("/opt/ml/processing/output/" + name),
			Destination: lit(processed + name),
		})
	}
	prepJob := steps.ProcessingJob{
		Outputs: outputs,
		Code:    preprocessCode,
		Arguments: []params.Exprer{
			lit("--feature_group_name"), s.FeatureGroupName,
			lit("--train_size"), s.TrainSize,
			lit("--val_size"), s.ValidationSize,
			lit("--test_size"), s.TestSize,
			lit("--role_arn"), lit(role),
			lit("--region"), lit(region),
		},
	}
	if cfg.Image != "" {
		proc, prepJob = goProcessing(cfg.Image, "PreprocessData", proc, prepJob)
	}
	s.Preprocess = steps.Processing("PreprocessData", proc, prepJob).DependsOn(s.Ingest).Cache(cache)

	// 3. Tune an XGBoost model on three instances.
	split := s.Preprocess.Properties()
	tuner := steps.Tuner{
		Estimator: steps.Estimator{
			ImageURI:      params.Lit(xgb),
			Role:          role,
			InstanceType:  lit("ml.c5.xlarge"),
			InstanceCount: params.Lit(3),
			OutputPath:    params.Lit("s3://" + bucket + "/" + s3Prefix + "/"),
			BaseJobName:   "XGBoost-model",
			HyperParameters: []steps.Member{
				{Key: "role_arn", Value: role},
				{Key: "region", Value: region},
			},
			Framework: steps.XGBoost("script.py", "./pipeline_scripts/train/"),
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
	}
	if cfg.Image != "" {
		tuner = goTuner(cfg.Image, "HPTuning", tuner)
	}
	s.Tuning = steps.Tuning("HPTuning", tuner,
		steps.TrainingInput{Channel: "train", S3Data: split.Output("train").S3URI(), ContentType: params.Lit("text/csv")},
		steps.TrainingInput{Channel: "validation", S3Data: split.Output("validation").S3URI(), ContentType: params.Lit("text/csv")},
	).DependsOn(s.Preprocess).Cache(cache)

	// 4. Evaluate the best model on the test split (deprecated
	// processor= form: code and output under the job name).
	topModel := s.Tuning.TopModelS3URI(0, bucket, s3Prefix)
	evalJob := env.JobName("evaluation")
	evalOutput := "s3://" + bucket + "/" + evalJob + "/output/evaluation"
	s.EvaluationReport = steps.PropertyFile{Name: "EvaluationReport", OutputName: "evaluation", Path: "evaluation.json"}
	s.EvaluateCode = or(cfg.EvaluateCode, "s3://"+bucket+"/"+evalJob+"/input/code/script.py")
	evalProc := steps.Processor{
		ImageURI:      params.Lit(sklearn023),
		Command:       []string{"python3"},
		Role:          params.Lit(role),
		InstanceType:  lit("ml.m5.xlarge"),
		InstanceCount: s.ProcessingInstanceCount,
		BaseJobName:   "evaluation",
	}
	evaluation := steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{
			{Source: topModel, Destination: params.Lit("/opt/ml/processing/model")},
			{Source: split.Output("test").S3URI(), Destination: params.Lit("/opt/ml/processing/test")},
		},
		// The notebook reads this output's location back from the step
		// before building the pipeline, which fixes it under the job name.
		Outputs: []steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation"),
			Destination: lit(evalOutput)}},
		Code:   s.EvaluateCode,
		Layout: steps.LayoutJob,
	}
	if cfg.Image != "" {
		evalProc, evaluation = goProcessing(cfg.Image, "EvaluateModel", evalProc, evaluation)
	}
	s.Evaluate = steps.Processing("EvaluateModel", evalProc, evaluation).PropertyFiles(s.EvaluationReport)

	// 5. Register the model if its RMSE is small enough, else fail.
	model := steps.Model{
		ImageURI:   params.Lit(xgb),
		ModelData:  topModel,
		EntryPoint: "./pipeline_scripts/inference/script.py",
		Framework:  params.Lit("XGBOOST"),
	}
	if cfg.Image != "" {
		// The XGBoost image serves the model.json boost saves as it is:
		// with no inference script its server loads each file of the
		// model directory, as a pickle or else with XGBoost's
		// Booster.load_model, which reads the JSON format.
		model.EntryPoint = ""
	}
	s.Register = steps.RegisterModel("RegisterTrainedModel", model, steps.Registration{
		ModelPackageGroupName: lit(env.UniqueName("synthetic-housing-models-ray-")),
		Description:           "XGBoost model to predict synthetic housing prices",
		Metrics: &steps.ModelMetrics{ModelStatistics: &steps.MetricsSource{
			ContentType: params.Lit("application/json"),
			S3URI:       lit(evalOutput + "/evaluation.json"),
		}},
		ContentTypes:       []params.Input[string]{params.Lit("text/csv")},
		ResponseTypes:      []params.Input[string]{params.Lit("application/json")},
		InferenceInstances: []params.Input[string]{params.Lit("ml.t2.medium"), params.Lit("ml.m5.xlarge")},
		TransformInstances: []params.Input[string]{params.Lit("ml.m5.xlarge")},
	})
	s.Fail = steps.Fail("RMSEFail", params.Join(" ", "Execution failed due to RMSE >", s.RMSEThreshold))
	rmse := steps.JsonGet[float64](s.Evaluate, s.EvaluationReport, "regression_metrics.rmse.value")
	s.Check = steps.When("CheckEvaluation", steps.LessThanOrEqualTo(rmse, s.RMSEThreshold)).
		Then(s.Register).
		Else(s.Fail)

	s.Pipeline = pipeline.New(PipelineName).
		Parameters(s.ProcessingInstanceCount, s.FeatureGroupName, s.TrainSize, s.ValidationSize,
			s.TestSize, s.BucketPrefix, s.RMSEThreshold).
		Steps(s.Ingest, s.Preprocess, s.Tuning, s.Evaluate, s.Check).
		Env(env)
	return s, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
