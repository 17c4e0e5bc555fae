package steps_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

func TestEnvelopeOnEveryType(t *testing.T) {
	dep := steps.Fail("Before", nil)
	proc := steps.Processor{ImageURI: params.Lit("i"), InstanceType: lit("t"), InstanceCount: params.Lit(1)}
	est := steps.Estimator{ImageURI: params.Lit("i"), InstanceType: lit("t"), InstanceCount: params.Lit(1)}
	tests := []struct {
		name string
		step steps.Entity
	}{
		{"processing", steps.Processing("S", proc, steps.ProcessingJob{}).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"training", steps.Training("S", est).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"tuning", steps.Tuning("S", steps.Tuner{Estimator: est, ObjectiveMetric: params.Lit("m")}).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"condition", steps.When("S").DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"fail", steps.Fail("S", nil).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"model", steps.CreateModel("S", steps.Model{ImageURI: params.Lit("i")}).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"transform", steps.Transform("S", steps.Transformer{}).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"lambda", steps.Lambda("S", "arn", nil).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
		{"callback", steps.Callback("S", "q", nil).DependsOn(dep).DependsOnNames("Other").DisplayName("D").Description("E")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := tt.step.Steps()
			if len(ss) != 1 {
				t.Fatalf("%d steps", len(ss))
			}
			env := proto.Envelope(ss[0])
			if !cmp.Equal(env.DependsOn, []string{"Before", "Other"}) {
				t.Errorf("DependsOn = %v", env.DependsOn)
			}
			if len(env.DependsOnSteps) != 1 || env.DependsOnSteps[0] != steps.Step(dep) {
				t.Errorf("DependsOnSteps = %v", env.DependsOnSteps)
			}
			js := encode(t, ss[0], testEnv())
			want := `"DependsOn": ["Before", "Other"], "DisplayName": "D", "Description": "E"`
			if !strings.Contains(js, want) {
				t.Errorf("rendering lacks %s:\n%s", want, js)
			}
			if i, j := strings.Index(js, `"Arguments"`), strings.Index(js, `"DependsOn"`); i < 0 || j < i {
				t.Errorf("DependsOn does not follow Arguments:\n%s", js)
			}
		})
	}
}

func TestModelRegistrationFull(t *testing.T) {
	src := func(u string) *steps.MetricsSource {
		return &steps.MetricsSource{ContentType: params.Lit("application/json"), S3URI: lit(u)}
	}
	digest := &steps.MetricsSource{ContentType: params.Lit("text/csv"), S3URI: lit("s3://b/d"), ContentDigest: params.Lit("sha")}
	reg := steps.RegisterModel("R", steps.Model{
		ImageURI: params.Lit("img"), ModelData: lit("s3://b/model.tar.gz"),
		EntryPoint: "code/infer.py", Environment: []steps.Member{{Key: "X", Value: "1"}},
		Framework: params.Lit("XGBOOST"), FrameworkVersion: params.Lit("1.7-1"), NearestModelName: params.Lit("near"),
	}, steps.Registration{
		ModelPackageGroupName: lit("g"),
		Metrics: &steps.ModelMetrics{
			ModelStatistics: src("s3://b/ms"), ModelConstraints: src("s3://b/mc"),
			ModelDataStatistics: src("s3://b/ds"), ModelDataConstraints: src("s3://b/dc"),
			Bias: src("s3://b/b"), BiasPreTraining: src("s3://b/bpre"), BiasPostTraining: src("s3://b/bpost"),
			Explainability: digest,
		},
		DriftCheck: &steps.DriftCheckBaselines{
			BiasConfigFile:            &steps.FileSource{S3URI: lit("s3://b/cfg"), ContentType: params.Lit("application/json")},
			ExplainabilityConstraints: src("s3://b/ec"),
			ExplainabilityConfigFile:  &steps.FileSource{S3URI: lit("s3://b/ecfg"), ContentDigest: params.Lit("d")},
		},
		CustomerMetadata: []steps.Member{{Key: "team", Value: "ml"}},
		Domain:           params.Lit("MACHINE_LEARNING"), SourceURI: params.Lit("s3://b/src"),
		SkipModelValidation: params.Lit("All"),
	})
	want := `{"ModelPackageGroupName": "g", ` +
		`"ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": "s3://b/ms"}, "Constraints": {"ContentType": "application/json", "S3Uri": "s3://b/mc"}}, ` +
		`"ModelDataQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": "s3://b/ds"}, "Constraints": {"ContentType": "application/json", "S3Uri": "s3://b/dc"}}, ` +
		`"Bias": {"Report": {"ContentType": "application/json", "S3Uri": "s3://b/b"}, "PreTrainingReport": {"ContentType": "application/json", "S3Uri": "s3://b/bpre"}, "PostTrainingReport": {"ContentType": "application/json", "S3Uri": "s3://b/bpost"}}, ` +
		`"Explainability": {"Report": {"ContentType": "text/csv", "S3Uri": "s3://b/d", "ContentDigest": "sha"}}}, ` +
		`"DriftCheckBaselines": {"Bias": {"ConfigFile": {"S3Uri": "s3://b/cfg", "ContentType": "application/json"}}, ` +
		`"Explainability": {"Constraints": {"ContentType": "application/json", "S3Uri": "s3://b/ec"}, "ConfigFile": {"S3Uri": "s3://b/ecfg", "ContentDigest": "d"}}}, ` +
		`"CustomerMetadataProperties": {"team": "ml"}, "Domain": "MACHINE_LEARNING", "SourceUri": "s3://b/src", ` +
		`"InferenceSpecification": {"Containers": [{"Image": "img", "Environment": {"X": "1", "SAGEMAKER_PROGRAM": "infer.py", ` +
		`"SAGEMAKER_SUBMIT_DIRECTORY": "s3://b/img-2024-05-01-12-00-00-05/sourcedir.tar.gz", "SAGEMAKER_CONTAINER_LOG_LEVEL": "20", "SAGEMAKER_REGION": "us-west-2"}, ` +
		`"ModelDataUrl": "s3://b/model.tar.gz", "Framework": "XGBOOST", "FrameworkVersion": "1.7-1", "NearestModelName": "near"}]}, ` +
		`"ModelApprovalStatus": "PendingManualApproval", "SkipModelValidation": "All"}`
	if d := cmp.Diff(want, at(t, reg.Steps()[0], testEnv(), "Arguments")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := reg.Name(); got != "R" {
		t.Errorf("Name = %q", got)
	}
}

func TestCreateModelAndProcessingOptions(t *testing.T) {
	m := steps.CreateModel("M", steps.Model{
		ImageURI: params.Lit("img"), Role: "ModelRole", NoEnvironment: true, Tags: []steps.Tag{{Key: "k", Value: "v"}},
		Subnets: []params.Input[string]{params.Lit("sn")}, SecurityGroupIDs: []params.Input[string]{params.Lit("sg")}, EnableNetworkIsolation: params.Lit(true),
	})
	want := `{"ExecutionRoleArn": "ModelRole", "PrimaryContainer": {"Image": "img"}, "Tags": [{"Key": "k", "Value": "v"}], ` +
		`"VpcConfig": {"Subnets": ["sn"], "SecurityGroupIds": ["sg"]}, "EnableNetworkIsolation": true}`
	if d := cmp.Diff(want, at(t, m.Steps()[0], testEnv(), "Arguments")); d != "" {
		t.Errorf("CreateModel (-want +got):\n%s", d)
	}

	p := steps.Processing("P", steps.Processor{
		ImageURI: params.Lit("img"), Entrypoint: []params.Input[string]{params.Lit("/bin/run")}, InstanceType: lit("t"), InstanceCount: params.Lit(2),
		VolumeSizeInGB: params.Lit(50), VolumeKMSKeyID: params.Lit("vk"), OutputKMSKeyID: params.Lit("ok"), MaxRuntimeInSeconds: params.Lit(600),
		Environment: []steps.Member{{Key: "A", Value: "1"}, {Key: "B", Value: params.String("B")}},
		Network:     &steps.NetworkConfig{EnableNetworkIsolation: params.Lit(true), SecurityGroupIDs: []params.Input[string]{params.Lit("sg")}, Subnets: []params.Input[string]{params.Lit("sn")}},
		Tags:        []steps.Tag{{Key: "k", Value: "v"}},
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{Source: lit("s3://b/in"), Destination: params.Lit("/in"), DataType: params.Lit("ManifestFile"),
			InputMode: params.Lit("Pipe"), DistributionType: params.Lit("ShardedByS3Key"), CompressionType: params.Lit("Gzip"), AppManaged: params.Lit(true)}},
		Outputs: []steps.ProcessingOutput{{Source: params.Lit("/out"), Destination: lit("s3://b/out"), UploadMode: params.Lit("Continuous")}},
	})
	want = `{"ProcessingResources": {"ClusterConfig": {"InstanceType": "t", "InstanceCount": 2, "VolumeSizeInGB": 50, "VolumeKmsKeyId": "vk"}}, ` +
		`"AppSpecification": {"ImageUri": "img", "ContainerEntrypoint": ["/bin/run"]}, "RoleArn": "R", ` +
		`"ProcessingInputs": [{"InputName": "input-1", "AppManaged": true, "S3Input": {"S3Uri": "s3://b/in", "LocalPath": "/in", "S3DataType": "ManifestFile", "S3InputMode": "Pipe", "S3DataDistributionType": "ShardedByS3Key", "S3CompressionType": "Gzip"}}], ` +
		`"ProcessingOutputConfig": {"Outputs": [{"OutputName": "output-1", "AppManaged": false, "S3Output": {"S3Uri": "s3://b/out", "LocalPath": "/out", "S3UploadMode": "Continuous"}}], "KmsKeyId": "ok"}, ` +
		`"Environment": {"A": "1", "B": {"Get": "Parameters.B"}}, ` +
		`"NetworkConfig": {"EnableNetworkIsolation": true, "VpcConfig": {"SecurityGroupIds": ["sg"], "Subnets": ["sn"]}}, ` +
		`"StoppingCondition": {"MaxRuntimeInSeconds": 600}, "Tags": [{"Key": "k", "Value": "v"}]}`
	if d := cmp.Diff(want, at(t, p, testEnv(), "Arguments")); d != "" {
		t.Errorf("Processing (-want +got):\n%s", d)
	}
	if _, got, _ := proto.PropertyFiles(p); !cmp.Equal(got, []string{"output-1"}) {
		t.Errorf("OutputNames = %v", got)
	}
}

func TestTrainingOptions(t *testing.T) {
	seed := 3
	s := steps.Training("T", steps.Estimator{
		ImageURI: params.Lit("img"), Role: "TR", InstanceType: lit("t"), InstanceCount: params.Lit(1), VolumeKMSKeyID: lit("vk"),
		MaxRuntimeInSeconds: params.Lit(60), OutputPath: lit("s3://b/o/"), OutputKMSKeyID: lit("ok"), InputMode: lit("Pipe"),
		MetricDefinitions: []steps.MetricDefinition{{Name: params.Lit("loss"), Regex: params.Lit("loss=(.*)")}},
		UseSpotInstances:  params.Lit(true), EnableNetworkIsolation: params.Lit(true), EncryptInterContainerTraffic: params.Lit(true),
		Subnets: []params.Input[string]{params.Lit("sn")}, SecurityGroupIDs: []params.Input[string]{params.Lit("sg")},
		CheckpointS3URI: lit("s3://b/ck"), CheckpointLocalPath: lit("/ck"), MaxRetryAttempts: params.Lit(2),
		Environment: []steps.Member{{Key: "E", Value: "1"}}, Tags: []steps.Tag{{Key: "k", Value: "v"}},
		DisableProfiler: true, DisableDebugHook: true,
	}, steps.TrainingInput{Channel: "c", S3Data: lit("s3://b/c"), DataType: params.Lit("S3Object"), DistributionType: params.Lit("ShardedByS3Key"),
		CompressionType: params.Lit("Gzip"), ContentType: params.Lit("text/csv"), RecordWrapperType: params.Lit("RecordIO"), InputMode: params.Lit("FastFile"),
		TargetAttributeName: params.Lit("y"), ShuffleSeed: &seed})
	want := `{"AlgorithmSpecification": {"TrainingInputMode": "Pipe", "TrainingImage": "img", "MetricDefinitions": [{"Name": "loss", "Regex": "loss=(.*)"}]}, ` +
		`"OutputDataConfig": {"S3OutputPath": "s3://b/o/", "KmsKeyId": "ok"}, "StoppingCondition": {"MaxRuntimeInSeconds": 60}, ` +
		`"ResourceConfig": {"VolumeSizeInGB": 30, "VolumeKmsKeyId": "vk", "InstanceCount": 1, "InstanceType": "t"}, "RoleArn": "TR", ` +
		`"InputDataConfig": [{"DataSource": {"S3DataSource": {"S3DataType": "S3Object", "S3Uri": "s3://b/c", "S3DataDistributionType": "ShardedByS3Key"}}, ` +
		`"CompressionType": "Gzip", "ContentType": "text/csv", "RecordWrapperType": "RecordIO", "InputMode": "FastFile", "TargetAttributeName": "y", "ShuffleConfig": {"Seed": 3}, "ChannelName": "c"}], ` +
		`"Environment": {"E": "1"}, "Tags": [{"Key": "k", "Value": "v"}], "VpcConfig": {"Subnets": ["sn"], "SecurityGroupIds": ["sg"]}, ` +
		`"EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true, "EnableManagedSpotTraining": true, ` +
		`"CheckpointConfig": {"S3Uri": "s3://b/ck", "LocalPath": "/ck"}, "RetryStrategy": {"MaximumRetryAttempts": 2}}`
	if d := cmp.Diff(want, at(t, s, testEnv(), "Arguments")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A literal false UseSpotInstances is left out, as the SDK does.
	off := steps.Training("T", steps.Estimator{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1), UseSpotInstances: params.Lit(false)})
	if strings.Contains(encode(t, off, testEnv()), "EnableManagedSpotTraining") {
		t.Error("literal false UseSpotInstances rendered")
	}
}

func TestStepsDoNotAliasTheirConfig(t *testing.T) {
	env := testEnv()
	est := steps.Estimator{
		ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1),
		HyperParameters: []steps.Member{{Key: "a", Value: 1}},
		Framework:       steps.XGBoost("train.py", "s3://b/src.tar.gz"),
	}
	tuner := steps.Tuner{Estimator: est, ObjectiveMetric: params.Lit("m"),
		Ranges:    []steps.Range{steps.CategoricalRange{Name: "c", Values: []any{"x"}}},
		WarmStart: &steps.WarmStart{Type: "TransferLearning", Parents: []params.Input[string]{lit("p")}}}
	proc := steps.Processor{ImageURI: params.Lit("img"), Command: []string{"python3"}, InstanceType: lit("t"), InstanceCount: params.Lit(1),
		Network: &steps.NetworkConfig{Subnets: []params.Input[string]{params.Lit("sn")}}}
	job := steps.ProcessingJob{Outputs: []steps.ProcessingOutput{{Name: "o", Source: params.Lit("/o")}}, Code: "s3://b/c.py"}
	model := steps.Model{ImageURI: params.Lit("img"), Environment: []steps.Member{{Key: "K", Value: "v"}}}
	reg := steps.Registration{ModelPackageGroupName: lit("g"), ContentTypes: []params.Input[string]{params.Lit("text/csv")}}

	built := []steps.Step{
		steps.Training("T", est),
		steps.Tuning("U", tuner),
		steps.Processing("P", proc, job),
		steps.RegisterModel("R", model, reg).Steps()[0],
	}
	var before []string
	for _, s := range built {
		before = append(before, encode(t, s, env))
	}
	est.HyperParameters[0].Value = 2
	est.Framework.EntryPoint = params.Lit("other.py")
	tuner.Ranges[0].(steps.CategoricalRange).Values[0] = "y"
	tuner.WarmStart.Parents[0] = params.Lit("q")
	proc.Command[0] = "bash"
	proc.Network.Subnets[0] = params.Lit("other")
	job.Outputs[0].Name = "changed"
	model.Environment[0].Value = "w"
	reg.ContentTypes[0] = params.Lit("application/json")
	for i, s := range built {
		if got := encode(t, s, env); got != before[i] {
			t.Errorf("%s changed with its config:\n%s", s.Name(), cmp.Diff(before[i], got))
		}
	}
}
