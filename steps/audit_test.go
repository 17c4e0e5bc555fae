package steps_test

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/steps"
)

// sdkGroups maps the SDK classes of testdata/sdk/gen/AUDIT.md to the audit
// rows below: classes that share their arguments (an estimator and its
// framework subclasses, the processors, the models, the two register
// methods, the tuning ranges) share rows.
var sdkGroups = map[string]string{
	"EstimatorBase": "Estimator", "Estimator": "Estimator", "Framework": "Estimator", "XGBoost": "Estimator", "SKLearn": "Estimator",
	"Processor": "Processor", "ScriptProcessor": "Processor", "SKLearnProcessor": "Processor", "FrameworkProcessor": "Processor",
	"Processor.run": "Processor.run", "ScriptProcessor.run": "Processor.run", "FrameworkProcessor.run": "Processor.run",
	"Model": "Model", "FrameworkModel": "Model", "SKLearnModel": "Model", "XGBoostModel": "Model", "PipelineModel": "Model",
	"Model.register": "register", "PipelineModel.register": "register",
	"ParameterRange": "Range", "ContinuousParameter": "Range", "IntegerParameter": "Range",
	"ConditionComparison": "Condition", "ConditionEquals": "Condition",
}

// auditRow is one SDK argument that admits a pipeline variable: the Go
// field (Type.Field, or a function's parameter) that takes it, whether that
// field takes a variable here, and why not where it does not.
type auditRow struct {
	group, arg string
	field      string
	variable   bool
	why        string
}

// Reasons shared by several rows.
const (
	notBuilt = "the builders do not offer this setting"
)

var audit = []auditRow{
	// Estimators (EstimatorBase, Estimator, Framework, XGBoost, SKLearn).
	{"Estimator", "image_uri", "Estimator.ImageURI", true, ""},
	{"Estimator", "instance_count", "Estimator.InstanceCount", true, ""},
	{"Estimator", "instance_type", "Estimator.InstanceType", true, ""},
	{"Estimator", "keep_alive_period_in_seconds", "Estimator.KeepAlivePeriodInSeconds", true, ""},
	{"Estimator", "volume_size", "Estimator.VolumeSizeInGB", true, ""},
	{"Estimator", "volume_kms_key", "Estimator.VolumeKMSKeyID", true, ""},
	{"Estimator", "max_run", "Estimator.MaxRuntimeInSeconds", true, ""},
	{"Estimator", "input_mode", "Estimator.InputMode", true, ""},
	{"Estimator", "output_path", "Estimator.OutputPath", true, ""},
	{"Estimator", "output_kms_key", "Estimator.OutputKMSKeyID", true, ""},
	{"Estimator", "subnets", "Estimator.Subnets", true, ""},
	{"Estimator", "security_group_ids", "Estimator.SecurityGroupIDs", true, ""},
	{"Estimator", "model_channel_name", "", false, notBuilt + " (model_uri, the channel's only use)"},
	{"Estimator", "metric_definitions", "MetricDefinition.Regex", true, ""},
	{"Estimator", "encrypt_inter_container_traffic", "Estimator.EncryptInterContainerTraffic", true, ""},
	{"Estimator", "use_spot_instances", "Estimator.UseSpotInstances", true, ""},
	{"Estimator", "max_wait", "Estimator.MaxWaitInSeconds", true, ""},
	{"Estimator", "checkpoint_s3_uri", "Estimator.CheckpointS3URI", true, ""},
	{"Estimator", "checkpoint_local_path", "Estimator.CheckpointLocalPath", true, ""},
	{"Estimator", "enable_sagemaker_metrics", "Estimator.EnableSageMakerMetrics", true, ""},
	{"Estimator", "enable_network_isolation", "Estimator.EnableNetworkIsolation", true, ""},
	{"Estimator", "environment", "Estimator.Environment", true, ""},
	{"Estimator", "max_retry_attempts", "Estimator.MaxRetryAttempts", true, ""},
	{"Estimator", "source_dir", "Framework.SourceDir", false, "the SDK fails on a variable source dir when it derives the job name (AttributeError: 'ParameterString' object has no attribute 'decode'), and a local one is read when the definition is written"},
	{"Estimator", "hyperparameters", "Estimator.HyperParameters", true, ""},
	{"Estimator", "container_log_level", "Framework.ContainerLogLevel", true, ""},
	{"Estimator", "entry_point", "Framework.EntryPoint", true, ""},
	{"Estimator", "training_repository_access_mode", "", false, notBuilt},
	{"Estimator", "training_repository_credentials_provider_arn", "", false, notBuilt},
	{"Estimator", "enable_infra_check", "", false, notBuilt},
	{"Estimator", "enable_remote_debug", "", false, notBuilt},
	{"Estimator", "enable_session_tag_chaining", "", false, notBuilt},
	{"Estimator", "training_plan", "", false, notBuilt},

	// TrainingInput.
	{"TrainingInput", "s3_data", "TrainingInput.S3Data", true, ""},
	{"TrainingInput", "distribution", "TrainingInput.DistributionType", true, ""},
	{"TrainingInput", "compression", "TrainingInput.CompressionType", true, ""},
	{"TrainingInput", "content_type", "TrainingInput.ContentType", true, ""},
	{"TrainingInput", "record_wrapping", "TrainingInput.RecordWrapperType", true, ""},
	{"TrainingInput", "s3_data_type", "TrainingInput.DataType", true, ""},
	{"TrainingInput", "instance_groups", "", false, notBuilt},
	{"TrainingInput", "input_mode", "TrainingInput.InputMode", true, ""},
	{"TrainingInput", "attribute_names", "", false, notBuilt},
	{"TrainingInput", "target_attribute_name", "TrainingInput.TargetAttributeName", true, ""},

	// Processors and their run.
	{"Processor", "role", "Processor.Role", true, ""},
	{"Processor", "image_uri", "Processor.ImageURI", true, ""},
	{"Processor", "instance_count", "Processor.InstanceCount", true, ""},
	{"Processor", "instance_type", "Processor.InstanceType", true, ""},
	{"Processor", "entrypoint", "Processor.Entrypoint", true, ""},
	{"Processor", "volume_size_in_gb", "Processor.VolumeSizeInGB", true, ""},
	{"Processor", "volume_kms_key", "Processor.VolumeKMSKeyID", true, ""},
	{"Processor", "output_kms_key", "Processor.OutputKMSKeyID", true, ""},
	{"Processor", "max_runtime_in_seconds", "Processor.MaxRuntimeInSeconds", true, ""},
	{"Processor", "env", "Processor.Environment", true, ""},
	{"Processor.run", "arguments", "ProcessingJob.Arguments", true, ""},
	{"NetworkConfig", "enable_network_isolation", "NetworkConfig.EnableNetworkIsolation", true, ""},
	{"NetworkConfig", "security_group_ids", "NetworkConfig.SecurityGroupIDs", true, ""},
	{"NetworkConfig", "subnets", "NetworkConfig.Subnets", true, ""},
	{"NetworkConfig", "encrypt_inter_container_traffic", "NetworkConfig.EnableInterContainerTrafficEncryption", true, ""},
	{"ProcessingInput", "source", "ProcessingInput.Source", true, ""},
	{"ProcessingInput", "destination", "ProcessingInput.Destination", true, ""},
	{"ProcessingInput", "input_name", "ProcessingInput.Name", true, ""},
	{"ProcessingInput", "s3_data_type", "ProcessingInput.DataType", true, ""},
	{"ProcessingInput", "s3_input_mode", "ProcessingInput.InputMode", true, ""},
	{"ProcessingInput", "s3_data_distribution_type", "ProcessingInput.DistributionType", true, ""},
	{"ProcessingInput", "s3_compression_type", "ProcessingInput.CompressionType", true, ""},
	{"ProcessingInput", "app_managed", "ProcessingInput.AppManaged", true, ""},
	{"ProcessingOutput", "source", "ProcessingOutput.Source", true, ""},
	{"ProcessingOutput", "destination", "ProcessingOutput.Destination", true, ""},
	{"ProcessingOutput", "output_name", "ProcessingOutput.Name", false, "the output name is the key of the step's property paths (Properties().Output(name)) and of property files, so it is known when the pipeline is built"},
	{"ProcessingOutput", "s3_upload_mode", "ProcessingOutput.UploadMode", true, ""},
	{"ProcessingOutput", "app_managed", "ProcessingOutput.AppManaged", true, ""},

	// Tuning.
	{"HyperparameterTuner", "objective_metric_name", "Tuner.ObjectiveMetric", true, ""},
	{"HyperparameterTuner", "metric_definitions", "MetricDefinition.Name", true, ""},
	{"HyperparameterTuner", "strategy", "Tuner.Strategy", true, ""},
	{"HyperparameterTuner", "objective_type", "Tuner.ObjectiveType", true, ""},
	{"HyperparameterTuner", "max_jobs", "Tuner.MaxJobs", true, ""},
	{"HyperparameterTuner", "max_parallel_jobs", "Tuner.MaxParallelJobs", true, ""},
	{"HyperparameterTuner", "max_runtime_in_seconds", "Tuner.MaxRuntimeInSeconds", true, ""},
	{"HyperparameterTuner", "early_stopping_type", "Tuner.EarlyStoppingType", true, ""},
	{"Range", "min_value", "ContinuousRange.Min", true, ""},
	{"Range", "max_value", "ContinuousRange.Max", true, ""},
	{"Range", "scaling_type", "ContinuousRange.Scaling", true, ""},
	{"WarmStartConfig", "parents", "WarmStart.Parents", true, ""},

	// Models and registration.
	{"Model", "image_uri", "Model.ImageURI", true, ""},
	{"Model", "model_data", "Model.ModelData", true, ""},
	{"Model", "env", "Model.Environment", true, ""},
	{"Model", "vpc_config", "Model.Subnets", true, ""},
	{"Model", "enable_network_isolation", "Model.EnableNetworkIsolation", true, ""},
	{"Model", "image_config", "", false, notBuilt},
	{"Model", "container_log_level", "Model.ContainerLogLevel", true, ""},
	{"Model", "model_server_workers", "", false, notBuilt},
	{"register", "content_types", "Registration.ContentTypes", true, ""},
	{"register", "response_types", "Registration.ResponseTypes", true, ""},
	{"register", "inference_instances", "Registration.InferenceInstances", true, ""},
	{"register", "transform_instances", "Registration.TransformInstances", true, ""},
	{"register", "model_package_name", "", false, notBuilt + " (registering into a group is)"},
	{"register", "model_package_group_name", "Registration.ModelPackageGroupName", true, ""},
	{"register", "image_uri", "Model.ImageURI", true, ""},
	{"register", "approval_status", "Registration.ApprovalStatus", true, ""},
	{"register", "customer_metadata_properties", "Registration.CustomerMetadata", true, ""},
	{"register", "validation_specification", "", false, notBuilt},
	{"register", "domain", "Registration.Domain", true, ""},
	{"register", "task", "Registration.Task", true, ""},
	{"register", "sample_payload_url", "Registration.SamplePayloadURL", true, ""},
	{"register", "framework", "Model.Framework", true, ""},
	{"register", "framework_version", "Model.FrameworkVersion", true, ""},
	{"register", "nearest_model_name", "Model.NearestModelName", true, ""},
	{"register", "data_input_configuration", "", false, notBuilt},
	{"register", "skip_model_validation", "Registration.SkipModelValidation", true, ""},
	{"register", "source_uri", "Registration.SourceURI", true, ""},
	{"register", "model_package_registration_type", "", false, notBuilt},
	{"MetricsSource", "content_type", "MetricsSource.ContentType", true, ""},
	{"MetricsSource", "s3_uri", "MetricsSource.S3URI", true, ""},
	{"MetricsSource", "content_digest", "MetricsSource.ContentDigest", true, ""},
	{"FileSource", "s3_uri", "FileSource.S3URI", true, ""},
	{"FileSource", "content_digest", "FileSource.ContentDigest", true, ""},
	{"FileSource", "content_type", "FileSource.ContentType", true, ""},

	// Batch transform.
	{"Transformer", "model_name", "Transformer.ModelName", true, ""},
	{"Transformer", "instance_count", "Transformer.InstanceCount", true, ""},
	{"Transformer", "instance_type", "Transformer.InstanceType", true, ""},
	{"Transformer", "strategy", "Transformer.Strategy", true, ""},
	{"Transformer", "assemble_with", "Transformer.AssembleWith", true, ""},
	{"Transformer", "output_path", "Transformer.OutputPath", true, ""},
	{"Transformer", "output_kms_key", "Transformer.KMSKeyID", true, ""},
	{"Transformer", "accept", "Transformer.Accept", true, ""},
	{"Transformer", "max_concurrent_transforms", "Transformer.MaxConcurrentTransforms", true, ""},
	{"Transformer", "max_payload", "Transformer.MaxPayloadInMB", true, ""},
	{"Transformer", "env", "Transformer.Environment", true, ""},
	{"Transformer", "volume_kms_key", "Transformer.VolumeKMSKeyID", true, ""},
	{"Transformer.transform", "data", "Transformer.Data", true, ""},
	{"Transformer.transform", "data_type", "Transformer.DataType", true, ""},
	{"Transformer.transform", "content_type", "Transformer.ContentType", true, ""},
	{"Transformer.transform", "compression_type", "Transformer.CompressionType", true, ""},
	{"Transformer.transform", "split_type", "Transformer.SplitType", true, ""},
	{"Transformer.transform", "input_filter", "Transformer.InputFilter", true, ""},
	{"Transformer.transform", "output_filter", "Transformer.OutputFilter", true, ""},
	{"Transformer.transform", "join_source", "Transformer.JoinSource", true, ""},
	{"Transformer.transform", "model_client_config", "", false, notBuilt},

	// Conditions, Fail, JsonGet: function arguments.
	{"Condition", "left", "func Equals.0", true, ""},
	{"Condition", "right", "func Equals.1", true, ""},
	{"ConditionIn", "value", "func InAny.0", true, ""},
	{"ConditionIn", "in_values", "func InAny.1", true, ""},
	{"FailStep", "error_message", "func Fail.1", true, ""},
	{"JsonGet", "s3_uri", "func JsonGetS3.0", true, ""},
}

// auditTypes are the configuration structs the rows name.
var auditTypes = map[string]reflect.Type{
	"Estimator": reflect.TypeFor[steps.Estimator](), "Framework": reflect.TypeFor[steps.Framework](),
	"TrainingInput": reflect.TypeFor[steps.TrainingInput](), "Processor": reflect.TypeFor[steps.Processor](),
	"ProcessingJob": reflect.TypeFor[steps.ProcessingJob](), "NetworkConfig": reflect.TypeFor[steps.NetworkConfig](),
	"ProcessingInput": reflect.TypeFor[steps.ProcessingInput](), "ProcessingOutput": reflect.TypeFor[steps.ProcessingOutput](),
	"Tuner": reflect.TypeFor[steps.Tuner](), "ContinuousRange": reflect.TypeFor[steps.ContinuousRange](),
	"WarmStart": reflect.TypeFor[steps.WarmStart](), "Model": reflect.TypeFor[steps.Model](),
	"Registration": reflect.TypeFor[steps.Registration](), "MetricsSource": reflect.TypeFor[steps.MetricsSource](),
	"FileSource": reflect.TypeFor[steps.FileSource](), "Transformer": reflect.TypeFor[steps.Transformer](),
	"MetricDefinition": reflect.TypeFor[steps.MetricDefinition](),
}

// auditFuncs are the functions the rows name.
var auditFuncs = map[string]reflect.Type{
	"Equals": reflect.TypeOf(steps.Equals[string]), "InAny": reflect.TypeOf(steps.InAny),
	"Fail": reflect.TypeOf(steps.Fail), "JsonGetS3": reflect.TypeOf(steps.JsonGetS3[string]),
}

// takesVariable reports whether a field or parameter of type t takes a
// pipeline variable: a params.Input, an Exprer, a list of them, an untyped
// value (params.From), or ordered members whose values are untyped.
func takesVariable(t reflect.Type) bool {
	switch {
	case t.PkgPath() == "github.com/sagepipe/sagepipe/params" && (strings.HasPrefix(t.Name(), "Input[") || t.Name() == "Exprer"):
		return true
	case t == reflect.TypeFor[any](), t == reflect.TypeFor[[]steps.Member]():
		return true
	case t.Kind() == reflect.Slice:
		return takesVariable(t.Elem())
	}
	return false
}

type sdkArg struct{ class, arg string }

// readAudit returns the variable-capable arguments of AUDIT.md.
func readAudit(t *testing.T) []sdkArg {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sdk", "gen", "AUDIT.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sdkArg
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 6 || strings.TrimSpace(cells[4]) != "yes" {
			continue
		}
		out = append(out, sdkArg{strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSDKArgumentAudit checks every SDK 2.257.6 argument that admits a
// pipeline variable (testdata/sdk/gen/AUDIT.md) against the field that
// takes it here: the field takes a variable, or the row says why not.
func TestSDKArgumentAudit(t *testing.T) {
	rows := map[sdkArg]auditRow{}
	for _, r := range audit {
		k := sdkArg{r.group, r.arg}
		if _, dup := rows[k]; dup {
			t.Errorf("audit row %s.%s is listed twice", r.group, r.arg)
		}
		rows[k] = r
	}
	used := map[sdkArg]bool{}
	var variable, why, open int
	for _, a := range readAudit(t) {
		group := a.class
		if g, ok := sdkGroups[a.class]; ok {
			group = g
		}
		k := sdkArg{group, a.arg}
		r, ok := rows[k]
		if !ok {
			t.Errorf("%s(%s) admits a pipeline variable in the SDK and has no audit row", a.class, a.arg)
			continue
		}
		used[k] = true
		if r.variable {
			variable++
		} else if strings.HasPrefix(r.why, "pending") {
			open++
		} else {
			why++
		}
	}
	for _, r := range audit {
		if !used[sdkArg{r.group, r.arg}] {
			t.Errorf("audit row %s.%s matches no variable-capable SDK argument", r.group, r.arg)
		}
		if !r.variable && r.why == "" {
			t.Errorf("%s.%s: not a variable here, and no reason given", r.group, r.arg)
		}
		if r.variable && r.why != "" {
			t.Errorf("%s.%s: a variable here, with a reason against", r.group, r.arg)
		}
		if r.field == "" {
			continue
		}
		typ, ok := fieldType(r.field)
		if !ok {
			t.Errorf("%s.%s: no field %s", r.group, r.arg, r.field)
			continue
		}
		if got := takesVariable(typ); got != r.variable {
			t.Errorf("%s.%s: %s (%s) takes a variable: %v, the row says %v", r.group, r.arg, r.field, typ, got, r.variable)
		}
	}
	t.Logf("SDK arguments admitting a pipeline variable: %d variable here, %d with a reason, %d still literals (pending)", variable, why, open)
}

// fieldType resolves "Type.Field" or "func Name.i" (the i-th parameter; a
// variadic parameter is its element type).
func fieldType(path string) (reflect.Type, bool) {
	if fn, ok := strings.CutPrefix(path, "func "); ok {
		name, idx, _ := strings.Cut(fn, ".")
		ft, ok := auditFuncs[name]
		if !ok {
			return nil, false
		}
		i := int(idx[0] - '0')
		if i >= ft.NumIn() {
			return nil, false
		}
		return ft.In(i), true
	}
	typ, field, _ := strings.Cut(path, ".")
	st, ok := auditTypes[typ]
	if !ok {
		return nil, false
	}
	f, ok := st.FieldByName(field)
	if !ok {
		return nil, false
	}
	return f.Type, true
}
