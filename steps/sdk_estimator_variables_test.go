package steps_test

import (
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// Every variable-capable argument that fits one pipeline, each from a
// parameter or a Join (testdata/sdk/gen/estimator-variables.py).
func sdkEstimatorVariables(t *testing.T) *pipeline.Pipeline {
	str := func(name, def string) *params.Param[string] { return params.String(name).WithDefault(def) }
	integer := func(name string, def int) *params.Param[int] { return params.Integer(name).WithDefault(def) }
	image := str("Image", "fakeimage")
	itype := str("InstanceType", "ml.m5.xlarge")
	kms := str("KmsKey", "kms-key")
	subnet := str("Subnet", "subnet-1")
	sg := str("SecurityGroup", "sg-1")
	envValue := str("EnvValue", "v")
	data := str("Data", "s3://my-bucket/data")
	contentType := str("ContentType", "text/csv")
	checkpoint := str("Checkpoint", "s3://my-bucket/ckpt")
	inputMode := str("InputMode", "File")
	distribution := str("Distribution", "ShardedByS3Key")
	compression := str("Compression", "None")
	regex := str("Regex", "loss=([0-9.]+)")
	metric := str("Metric", "loss")
	objectiveType := str("ObjectiveType", "Minimize")
	strategy := str("Strategy", "Random")
	earlyStopping := str("EarlyStopping", "Auto")
	scaling := str("Scaling", "Linear")
	choice := str("Choice", "adam")
	group := str("ModelGroup", "grp")
	approval := str("Approval", "PendingManualApproval")
	splitType := str("SplitType", "Line")
	assemble := str("AssembleWith", "Line")
	batchStrategy := str("BatchStrategy", "MultiRecord")
	uploadMode := str("UploadMode", "Continuous")
	message := str("Message", "stopped")
	dataType := str("DataType", "S3Prefix")
	recordWrapping := str("RecordWrapping", "RecordIO")
	s3InputMode := str("S3InputMode", "Pipe")
	parent := str("ParentJob", "parent-tuning-job")
	entryPoint := str("EntryPoint", "main.py")
	count := integer("InstanceCount", 1)
	volume := integer("VolumeSize", 50)
	maxRun := integer("MaxRun", 3600)
	maxWait := integer("MaxWait", 7200)
	retries := integer("MaxRetries", 2)
	maxJobs := integer("MaxJobs", 4)
	parallel := integer("MaxParallel", 2)
	maxDepth := integer("MaxDepth", 8)
	maxPayload := integer("MaxPayload", 6)
	concurrent := integer("MaxConcurrent", 2)
	lr := params.Float("LearningRate").WithDefault(0.1)
	lrMax := params.Float("MaxLearningRate").WithDefault(0.5)
	spot := params.Boolean("Spot").WithDefault(true)
	isolation := params.Boolean("Isolation").WithDefault(false)
	encrypt := params.Boolean("Encrypt").WithDefault(false)
	metrics := params.Boolean("Metrics").WithDefault(true)
	keepAlive := integer("KeepAlive", 300)
	logLevel := integer("LogLevel", 10)
	all := []params.Parameter{
		image, itype, kms, subnet, sg, envValue, data, contentType, checkpoint, inputMode,
		distribution, compression, regex, metric, objectiveType, strategy, earlyStopping, scaling,
		choice, group, approval, splitType, assemble, batchStrategy, uploadMode, message,
		dataType, recordWrapping, s3InputMode, parent, entryPoint,
		count, volume, maxRun, maxWait, retries, maxJobs, parallel, maxDepth, maxPayload,
		concurrent, lr, lrMax, spot, isolation, encrypt, metrics, keepAlive, logLevel,
	}

	metricDefs := []steps.MetricDefinition{{Name: metric, Regex: regex}}
	estimator := steps.Estimator{
		ImageURI: image, InstanceCount: count, InstanceType: itype,
		VolumeSizeInGB: volume, VolumeKMSKeyID: kms, MaxRuntimeInSeconds: maxRun, InputMode: inputMode,
		OutputPath:     params.Join("/", "s3://my-bucket", params.PipelineExecutionID),
		OutputKMSKeyID: kms,
		Subnets:        []params.Input[string]{subnet, params.Lit("subnet-2")}, SecurityGroupIDs: []params.Input[string]{sg},
		MetricDefinitions:            metricDefs,
		EncryptInterContainerTraffic: encrypt, UseSpotInstances: spot, MaxWaitInSeconds: maxWait,
		CheckpointS3URI: checkpoint, CheckpointLocalPath: params.Lit("/opt/ml/checkpoints"),
		EnableNetworkIsolation: isolation,
		Environment:            []steps.Member{{Key: "E", Value: envValue}, {Key: "F", Value: "literal"}},
		MaxRetryAttempts:       retries, KeepAlivePeriodInSeconds: keepAlive, EnableSageMakerMetrics: metrics,
		HyperParameters: []steps.Member{{Key: "lr", Value: lr}, {Key: "n", Value: count}, {Key: "name", Value: envValue}, {Key: "fixed", Value: 3}},
	}
	channel := steps.TrainingInput{
		Channel: "train", S3Data: data, DistributionType: distribution, CompressionType: compression,
		ContentType: contentType, RecordWrapperType: recordWrapping, DataType: dataType, InputMode: inputMode,
	}
	train := steps.Training("Train", estimator, channel)
	artifacts := train.Properties().ModelArtifacts().S3ModelArtifacts()

	trainFW := steps.Training("TrainFW", steps.Estimator{
		ImageURI: mustImage(t, "xgboost", "1.7-1"), InstanceCount: count, InstanceType: itype,
		Framework: &steps.Framework{
			EstimatorClass: "XGBoost", EstimatorModule: "sagemaker.xgboost.estimator",
			EntryPoint: entryPoint, SourceDir: "s3://my-bucket/code/sourcedir.tar.gz", ContainerLogLevel: logLevel,
		},
	}, channel)

	proc := steps.Processing("Proc", steps.Processor{
		ImageURI: image, InstanceCount: count, InstanceType: itype,
		Entrypoint:     []params.Input[string]{params.Lit("python3"), params.Join("/", "/opt/ml/processing/code", envValue)},
		VolumeSizeInGB: volume, VolumeKMSKeyID: kms, OutputKMSKeyID: kms, MaxRuntimeInSeconds: maxRun,
		Environment: []steps.Member{{Key: "E", Value: envValue}},
		Network: &steps.NetworkConfig{EnableNetworkIsolation: isolation, SecurityGroupIDs: []params.Input[string]{sg},
			Subnets: []params.Input[string]{subnet}, EnableInterContainerTrafficEncryption: encrypt},
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{Name: params.Lit("data"), Source: data, Destination: params.Lit("/opt/ml/processing/input"),
			DataType: dataType, InputMode: s3InputMode, DistributionType: distribution, CompressionType: compression}},
		Outputs: []steps.ProcessingOutput{{Name: "out", Source: params.Lit("/opt/ml/processing/out"),
			Destination: params.Join("/", data, "out"), UploadMode: uploadMode}},
		Arguments: []params.Exprer{lit("--lr"), lr, lit("--count"), count},
	})

	tune := steps.Tuning("Tune", steps.Tuner{
		Estimator:       estimator,
		ObjectiveMetric: metric,
		Ranges: []steps.Range{
			steps.ContinuousRange{Name: "lr", Min: 0.001, Max: lrMax, Scaling: scaling},
			steps.IntegerRange{Name: "depth", Min: 1, Max: maxDepth},
			steps.CategoricalRange{Name: "opt", Values: []any{choice, "sgd"}},
		},
		MetricDefinitions: metricDefs,
		Strategy:          strategy, ObjectiveType: objectiveType, MaxJobs: maxJobs, MaxParallelJobs: parallel,
		MaxRuntimeInSeconds: maxRun, EarlyStoppingType: earlyStopping,
		WarmStart: &steps.WarmStart{Type: "IdenticalDataAndAlgorithm", Parents: []params.Input[string]{parent}},
	}, channel)

	model := steps.Model{
		ImageURI: image, ModelData: artifacts, Environment: []steps.Member{{Key: "E", Value: envValue}},
		Subnets: []params.Input[string]{subnet}, SecurityGroupIDs: []params.Input[string]{sg}, EnableNetworkIsolation: isolation,
	}
	create := steps.CreateModel("M", model)
	registered := model
	registered.Framework, registered.FrameworkVersion, registered.NearestModelName = envValue, envValue, envValue
	register := steps.RegisterModel("Reg", registered, steps.Registration{
		ContentTypes:       []params.Input[string]{contentType},
		ResponseTypes:      []params.Input[string]{contentType, params.Lit("application/json")},
		InferenceInstances: []params.Input[string]{itype}, TransformInstances: []params.Input[string]{itype},
		ModelPackageGroupName: group, ApprovalStatus: approval,
		Metrics: &steps.ModelMetrics{ModelStatistics: &steps.MetricsSource{
			ContentType: contentType, S3URI: params.Join("/", data, "stats.json")}},
		CustomerMetadata: []steps.Member{{Key: "owner", Value: envValue}},
		Domain:           envValue, Task: envValue, SamplePayloadURL: data, SourceURI: data, SkipModelValidation: envValue,
	})

	transform := steps.Transform("Batch", steps.Transformer{
		ModelName: create.Properties().ModelName(), InstanceCount: count, InstanceType: itype,
		Strategy: batchStrategy, AssembleWith: assemble,
		OutputPath: params.Join("/", data, "batch", params.PipelineExecutionID),
		KMSKeyID:   kms, Accept: contentType, MaxConcurrentTransforms: concurrent, MaxPayloadInMB: maxPayload,
		Environment: []steps.Member{{Key: "E", Value: envValue}}, VolumeKMSKeyID: kms,
		Data: data, DataType: dataType, ContentType: contentType, CompressionType: compression, SplitType: splitType,
		InputFilter: envValue, OutputFilter: envValue, JoinSource: envValue,
	})
	fail := steps.Fail("Stop", params.Join(": ", message, params.PipelineExecutionID)).DependsOn(transform)

	return pipeline.New("MyPipeline").Parameters(all...).
		Steps(train, trainFW, proc, tune, create, register, transform, fail).Env(sdkEnv())
}
