package steps

import (
	"fmt"
	"math"
	"path"
	"reflect"
	"strconv"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
)

// Estimator describes a training job: the SDK's Estimator (generic image,
// hyperparameters rendered with Python's str()) or, with Framework set, a
// framework estimator in script mode such as XGBoost (hyperparameters
// JSON-encoded, plus the sagemaker_* ones).
type Estimator struct {
	// ImageURI is the training image. Default job names derive from its
	// repository name; for a variable image, from a String parameter's
	// default or else "training-job", as the SDK does.
	ImageURI params.Input[string]
	// ContainerEntrypoint replaces the training image's entrypoint and
	// ContainerArguments are passed to it (the SDK's container_entry_point
	// and container_arguments); a bring-your-own-container step sets the
	// entrypoint to run the program as "step <StepName>". A tuning job's
	// definition has no such fields.
	ContainerEntrypoint []params.Input[string]
	ContainerArguments  []params.Input[string]
	// Role is the execution role; empty means Env.Role.
	Role string
	// InstanceType and InstanceCount size the cluster.
	InstanceType  params.Input[string]
	InstanceCount params.Input[int]
	// VolumeSizeInGB defaults to 30.
	VolumeSizeInGB params.Input[int]
	// VolumeKMSKeyID encrypts the volume when set.
	VolumeKMSKeyID params.Input[string]
	// KeepAlivePeriodInSeconds keeps the instances warm for the next job
	// (warm pools) when set; a tuning job's definition has no such field.
	KeepAlivePeriodInSeconds params.Input[int]
	// EnableSageMakerMetrics renders EnableSageMakerMetricsTimeSeries of a
	// training job when set (true or false); a tuning job's definition has
	// no such field.
	EnableSageMakerMetrics params.Input[bool]
	// MaxRuntimeInSeconds defaults to 86400.
	MaxRuntimeInSeconds params.Input[int]
	// MaxWaitInSeconds (spot training) renders when set and not a literal
	// zero.
	MaxWaitInSeconds params.Input[int]
	// OutputPath is where the model artifacts go (and the debugger and
	// profiler outputs). Unset means s3://<bucket>/ (s3://<bucket>/<prefix>/
	// with Env.BucketPrefix). It may be a variable, such as a Join of a
	// parameter and params.PipelineExecutionID for one folder per
	// execution.
	OutputPath params.Input[string]
	// OutputKMSKeyID encrypts the model artifacts when set.
	OutputKMSKeyID params.Input[string]
	// InputMode defaults to "File".
	InputMode params.Input[string]
	// BaseJobName is the prefix of timestamped job names; empty means the
	// image's base name.
	BaseJobName string
	// HyperParameters in order; values are Go literals (string, int,
	// float64, bool, nil, slices) or params values.
	HyperParameters []Member
	// MetricDefinitions let the service scrape metrics from the logs.
	MetricDefinitions []MetricDefinition
	// UseSpotInstances renders EnableManagedSpotTraining unless it is a
	// literal false (or nil).
	UseSpotInstances params.Input[bool]
	// EnableNetworkIsolation and EncryptInterContainerTraffic render
	// unless unset or a literal false.
	EnableNetworkIsolation       params.Input[bool]
	EncryptInterContainerTraffic params.Input[bool]
	// Subnets and SecurityGroupIDs render a VpcConfig when both are set.
	Subnets          []params.Input[string]
	SecurityGroupIDs []params.Input[string]
	// CheckpointS3URI and CheckpointLocalPath render a CheckpointConfig.
	CheckpointS3URI     params.Input[string]
	CheckpointLocalPath params.Input[string]
	// MaxRetryAttempts renders a RetryStrategy when set and not a literal
	// zero.
	MaxRetryAttempts params.Input[int]
	// Environment variables of the container (nil: none).
	Environment []Member
	// Tags of the job.
	Tags []Tag
	// DisableProfiler drops the default ProfilerConfig of a training job;
	// DisableDebugHook drops the default DebugHookConfig.
	DisableProfiler  bool
	DisableDebugHook bool
	// Framework makes this a framework estimator in script mode.
	Framework *Framework
}

// MetricDefinition is a metric name and the regular expression that finds
// its values in the training log.
type MetricDefinition struct{ Name, Regex params.Input[string] }

// object renders {"Name", "Regex"}.
func (m MetricDefinition) object() *pyjson.Object {
	return pyjson.NewObject().Set("Name", exprOf(m.Name)).Set("Regex", exprOf(m.Regex))
}

// Framework holds the script-mode settings of a framework estimator.
type Framework struct {
	// EstimatorClass and EstimatorModule name the SDK class, recorded in
	// a tuning job's static hyperparameters ("XGBoost",
	// "sagemaker.xgboost.estimator").
	EstimatorClass  string
	EstimatorModule string
	// EntryPoint is the script run by the container; its base name is
	// sagemaker_program. It may be a pipeline variable only with an s3://
	// SourceDir (the SDK refuses one with local code); sagemaker_program
	// is then the variable.
	EntryPoint params.Input[string]
	// SourceDir is a local directory (or an s3:// sourcedir.tar.gz used as
	// is) holding the entry point and its helpers.
	SourceDir string
	// Dependencies are further local paths packed with the code.
	Dependencies []string
	// ContainerLogLevel (sagemaker_container_log_level) defaults to 20,
	// Python's logging.INFO.
	ContainerLogLevel params.Input[int]
}

// entry returns the entry point when it is a literal, "" otherwise.
func (f *Framework) entry() string { return literalString(f.EntryPoint) }

// XGBoost returns the Framework settings of the SDK's XGBoost estimator.
func XGBoost(entryPoint, sourceDir string) *Framework {
	return &Framework{
		EstimatorClass:  "XGBoost",
		EstimatorModule: "sagemaker.xgboost.estimator",
		EntryPoint:      params.Lit(entryPoint),
		SourceDir:       sourceDir,
	}
}

// TrainingInput is one input channel of a training job.
type TrainingInput struct {
	// Channel defaults to "training".
	Channel string
	// S3Data is the S3 URI (or prefix) to read.
	S3Data params.Input[string]
	// DataType defaults to "S3Prefix".
	DataType params.Input[string]
	// DistributionType defaults to "FullyReplicated".
	DistributionType params.Input[string]
	// CompressionType, ContentType, RecordWrapperType, InputMode,
	// TargetAttributeName render only when set (and not "").
	CompressionType     params.Input[string]
	ContentType         params.Input[string]
	RecordWrapperType   params.Input[string]
	InputMode           params.Input[string]
	TargetAttributeName params.Input[string]
	// ShuffleSeed renders a ShuffleConfig when non-nil.
	ShuffleSeed *int
}

func (t TrainingInput) render() *pyjson.Object {
	src := pyjson.NewObject().
		Set("S3DataType", orValue(t.DataType, "S3Prefix")).
		Set("S3Uri", exprOf(t.S3Data)).
		Set("S3DataDistributionType", orValue(t.DistributionType, "FullyReplicated"))
	o := pyjson.NewObject().Set("DataSource", pyjson.NewObject().Set("S3DataSource", src))
	setOpt(o, "CompressionType", t.CompressionType)
	setOpt(o, "ContentType", t.ContentType)
	setOpt(o, "RecordWrapperType", t.RecordWrapperType)
	setOpt(o, "InputMode", t.InputMode)
	setOpt(o, "TargetAttributeName", t.TargetAttributeName)
	if t.ShuffleSeed != nil {
		o.Set("ShuffleConfig", pyjson.NewObject().Set("Seed", *t.ShuffleSeed))
	}
	o.Set("ChannelName", orString(t.Channel, "training"))
	return o
}

func renderInputs(ins []TrainingInput) []any {
	out := make([]any, len(ins))
	for i, in := range ins {
		out[i] = in.render()
	}
	return out
}

func (e *Estimator) role(env *Env) string { return orString(e.Role, env.Role) }

func (e *Estimator) outputPath(env *Env) any {
	if e.OutputPath != nil {
		if x := e.OutputPath.Value().Expr(); x != nil {
			return x
		}
	}
	return env.s3("") // s3://<bucket>[/<prefix>]/
}

func (e *Estimator) baseJobName() string {
	return orString(e.BaseJobName, imageBase(e.ImageURI, "training-job"))
}

func (e *Estimator) outputDataConfig(env *Env) *pyjson.Object {
	o := pyjson.NewObject().Set("S3OutputPath", e.outputPath(env))
	setOpt(o, "KmsKeyId", e.OutputKMSKeyID)
	return o
}

func (e *Estimator) checkpointConfig() *pyjson.Object {
	uri, ok := optional(e.CheckpointS3URI)
	if !ok {
		return nil
	}
	cp := pyjson.NewObject().Set("S3Uri", uri)
	setOpt(cp, "LocalPath", e.CheckpointLocalPath)
	return cp
}

func (e *Estimator) stoppingCondition() *pyjson.Object {
	o := pyjson.NewObject().Set("MaxRuntimeInSeconds", orValue(e.MaxRuntimeInSeconds, 86400))
	setOpt(o, "MaxWaitTimeInSeconds", e.MaxWaitInSeconds)
	return o
}

func (e *Estimator) metricDefinitions() []any {
	out := make([]any, len(e.MetricDefinitions))
	for i, m := range e.MetricDefinitions {
		out[i] = m.object()
	}
	return out
}

func (e *Estimator) vpcConfig() *pyjson.Object {
	if len(e.Subnets) == 0 || len(e.SecurityGroupIDs) == 0 {
		return nil
	}
	return pyjson.NewObject().Set("Subnets", exprList(e.Subnets)).Set("SecurityGroupIds", exprList(e.SecurityGroupIDs))
}

// spot reports whether EnableManagedSpotTraining is rendered and its value.
func (e *Estimator) spot() (any, bool) {
	if e.UseSpotInstances == nil {
		return nil, false
	}
	x := e.UseSpotInstances.Value().Expr()
	if l, ok := x.(params.Literal); ok {
		if b, ok := l.Value().(bool); ok {
			return b, b
		}
	}
	return x, true
}

// hyperParameters renders the hyperparameters as the SDK does: str() for a
// generic estimator, json.dumps for a framework one, to_string for params
// values; then, for a framework estimator, the sagemaker_* entries.
// codeURI is sagemaker_submit_directory, jobName sagemaker_job_name ("" to
// leave it out).
func (e *Estimator) hyperParameters(env *Env, skip map[string]bool, codeURI, jobName string) *pyjson.Object {
	o := pyjson.NewObject()
	for _, m := range e.HyperParameters {
		if skip[m.Key] {
			continue
		}
		if e.Framework != nil {
			o.Set(m.Key, jsonString(m.Value))
		} else {
			o.Set(m.Key, pyString(m.Value))
		}
	}
	if f := e.Framework; f != nil {
		o.Set("sagemaker_submit_directory", jsonString(codeURI))
		if isVariable(f.EntryPoint) {
			o.Set("sagemaker_program", jsonString(f.EntryPoint.Value()))
		} else {
			o.Set("sagemaker_program", jsonString(path.Base(f.entry())))
		}
		o.Set("sagemaker_container_log_level", logLevel(f.ContainerLogLevel))
		if jobName != "" {
			o.Set("sagemaker_job_name", jsonString(jobName))
		}
		o.Set("sagemaker_region", jsonString(env.Region))
	}
	return o
}

// codePaths returns the local paths hashed for a training step's code.
func (f *Framework) codePaths() []string {
	if f.SourceDir != "" {
		if isLocal(f.SourceDir) {
			return append([]string{f.SourceDir}, f.Dependencies...)
		}
		return nil
	}
	if e := f.entry(); e != "" && isLocal(e) {
		return append([]string{e}, f.Dependencies...)
	}
	return nil
}

// stringValue renders a value for a string-only slot: params values become
// their to_string() expression, literals go through format.
func stringValue(v any, format func(any) (string, error)) any {
	var e params.Expr
	switch x := v.(type) {
	case params.Expr:
		e = x
	case params.Exprer:
		e = x.Expr()
	default:
		s, err := format(v)
		if err != nil {
			return err
		}
		return s
	}
	return params.Unchecked[string](e).ToString().Expr()
}

// pyString renders v as Python's str() would (to_string for params values).
func pyString(v any) any { return stringValue(v, pyStr) }

// jsonString renders v as json.dumps would (to_string for params values).
func jsonString(v any) any {
	return stringValue(v, func(v any) (string, error) {
		b, err := pyjson.Marshal(v)
		return string(b), err
	})
}

// pyStr is Python's str() of a Go literal.
func pyStr(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	}
	return pyRepr(v)
}

// pyRepr is Python's repr() of a Go literal (strings in single quotes).
func pyRepr(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "None", nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case string:
		q := "'"
		if strings.Contains(x, "'") && !strings.Contains(x, `"`) {
			q = `"`
		}
		r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
		s := r.Replace(x)
		if q == "'" {
			s = strings.ReplaceAll(s, "'", `\'`)
		}
		return q + s + q, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%w: %v has no JSON form", ErrInvalid, x)
		}
		b, err := pyjson.Marshal(x)
		return string(b), err
	case float32:
		return pyRepr(float64(x))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.String:
		return pyRepr(rv.String())
	case reflect.Slice, reflect.Array:
		parts := make([]string, rv.Len())
		for i := range parts {
			p, err := pyRepr(rv.Index(i).Interface())
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("%w: unsupported value of type %T", ErrInvalid, v)
}
