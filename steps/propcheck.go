package steps

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// Top-level members of the botocore shapes behind each step type's
// properties (the SDK's Properties objects mirror them). A property path
// must start with one of them; deeper members are not checked.
var (
	processingMembers = []string{
		"ProcessingInputs", "ProcessingOutputConfig", "ProcessingJobName", "ProcessingResources",
		"StoppingCondition", "AppSpecification", "Environment", "NetworkConfig", "RoleArn",
		"ExperimentConfig", "ProcessingJobArn", "ProcessingJobStatus", "ExitMessage", "FailureReason",
		"ProcessingEndTime", "ProcessingStartTime", "LastModifiedTime", "CreationTime",
		"MonitoringScheduleArn", "AutoMLJobArn", "TrainingJobArn",
	}
	trainingMembers = []string{
		"TrainingJobName", "TrainingJobArn", "TuningJobArn", "LabelingJobArn", "AutoMLJobArn",
		"ModelArtifacts", "TrainingJobStatus", "SecondaryStatus", "FailureReason", "HyperParameters",
		"AlgorithmSpecification", "RoleArn", "InputDataConfig", "OutputDataConfig", "ResourceConfig",
		"WarmPoolStatus", "VpcConfig", "StoppingCondition", "CreationTime", "TrainingStartTime",
		"TrainingEndTime", "LastModifiedTime", "SecondaryStatusTransitions", "FinalMetricDataList",
		"EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "EnableManagedSpotTraining",
		"CheckpointConfig", "TrainingTimeInSeconds", "BillableTimeInSeconds", "DebugHookConfig",
		"ExperimentConfig", "DebugRuleConfigurations", "TensorBoardOutputConfig",
		"DebugRuleEvaluationStatuses", "ProfilerConfig", "ProfilerRuleConfigurations",
		"ProfilerRuleEvaluationStatuses", "ProfilingStatus", "Environment", "RetryStrategy",
		"RemoteDebugConfig", "InfraCheckConfig", "OutputModelPackageArn", "ModelPackageConfig",
	}
	tuningMembers = []string{
		"HyperParameterTuningJobName", "HyperParameterTuningJobArn", "HyperParameterTuningJobConfig",
		"TrainingJobDefinition", "TrainingJobDefinitions", "HyperParameterTuningJobStatus",
		"CreationTime", "HyperParameterTuningEndTime", "LastModifiedTime", "TrainingJobStatusCounters",
		"ObjectiveStatusCounters", "BestTrainingJob", "OverallBestTrainingJob", "WarmStartConfig",
		"Autotune", "FailureReason", "TuningJobCompletionDetails", "ConsumedResources",
		// ListTrainingJobsForHyperParameterTuningJobResponse
		"TrainingJobSummaries", "NextToken",
	}
	modelMembers = []string{
		"ModelName", "PrimaryContainer", "Containers", "InferenceExecutionConfig", "ExecutionRoleArn",
		"VpcConfig", "CreationTime", "ModelArn", "EnableNetworkIsolation", "DeploymentRecommendation",
	}
	modelPackageMembers = []string{
		"ModelPackageName", "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn",
		"ModelPackageDescription", "CreationTime", "InferenceSpecification",
		"SourceAlgorithmSpecification", "ValidationSpecification", "ModelPackageStatus",
		"ModelPackageStatusDetails", "CertifyForMarketplace", "ModelApprovalStatus", "CreatedBy",
		"MetadataProperties", "ModelMetrics", "LastModifiedTime", "LastModifiedBy",
		"ApprovalDescription", "Domain", "Task", "SamplePayloadUrl", "CustomerMetadataProperties",
		"DriftCheckBaselines", "AdditionalInferenceSpecifications", "SkipModelValidation",
		"SourceUri", "SecurityConfig", "ModelCard", "ModelLifeCycle",
	}
	transformMembers = []string{
		"TransformJobName", "TransformJobArn", "TransformJobStatus", "FailureReason", "ModelName",
		"MaxConcurrentTransforms", "ModelClientConfig", "MaxPayloadInMB", "BatchStrategy",
		"Environment", "TransformInput", "TransformOutput", "DataCaptureConfig", "TransformResources",
		"CreationTime", "TransformStartTime", "TransformEndTime", "LabelingJobArn", "AutoMLJobArn",
		"DataProcessing", "ExperimentConfig",
	}
)

// maxTrainingJobSummaries is how many training jobs a tuning step's
// TrainingJobSummaries lists at most.
const maxTrainingJobSummaries = 50

// checkProperty reports whether path (after the step name) is a property
// of s: a member of the shape behind the step type, an output a Lambda or
// Callback step declares, a processing output the step has (by name or
// index), Outcome of a condition. The whole step (empty path) and steps of
// types this package does not build pass. The error wraps
// ErrUnknownProperty.
func checkProperty(s Step, path string) error {
	if path == "" {
		return nil
	}
	root := path
	if i := strings.IndexAny(path, ".["); i >= 0 {
		root = path[:i]
	}
	unknown := func(why string) error {
		return fmt.Errorf("%w: %s step %q has no property %q (%s)", ErrUnknownProperty, s.Type(), s.Name(), path, why)
	}
	member := func(list []string, shape string) error {
		if !slices.Contains(list, root) {
			return unknown("not a member of " + shape)
		}
		return nil
	}
	switch s.Type() {
	case TypeCondition:
		if path != "Outcome" {
			return unknown("a condition step has only Outcome")
		}
	case TypeFail:
		return unknown("a fail step has no properties")
	case TypeLambda, TypeCallback:
		name, ok := quotedIndex(path, "OutputParameters")
		if !ok {
			return unknown("a " + string(s.Type()) + " step has only OutputParameters['<name>']")
		}
		if outs, known := callOutputs(s); known && !slices.Contains(outs, name) {
			return unknown("the step declares no output " + strconv.Quote(name))
		}
	case TypeProcessing:
		if err := member(processingMembers, "DescribeProcessingJobResponse"); err != nil {
			return err
		}
		return checkProcessingOutput(s, path, unknown)
	case TypeTraining:
		return member(trainingMembers, "DescribeTrainingJobResponse")
	case TypeTuning:
		if err := member(tuningMembers, "DescribeHyperParameterTuningJobResponse"); err != nil {
			return err
		}
		if rest, ok := strings.CutPrefix(path, "TrainingJobSummaries["); ok {
			end := strings.IndexByte(rest, ']')
			if k, err := strconv.Atoi(rest[:max(end, 0)]); end < 0 || err != nil || k < 0 || k >= maxTrainingJobSummaries {
				return unknown("TrainingJobSummaries takes an index from 0 to 49")
			}
		}
	case TypeModel:
		return member(modelMembers, "DescribeModelOutput")
	case TypeRegisterModel:
		return member(modelPackageMembers, "DescribeModelPackageOutput")
	case TypeTransform:
		return member(transformMembers, "DescribeTransformJobResponse")
	}
	return nil
}

// quotedIndex returns key when path is exactly root['key'].
func quotedIndex(path, root string) (string, bool) {
	rest, ok := strings.CutPrefix(path, root+"['")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, "']")
}

// callOutputs returns the outputs a Lambda or Callback step declares;
// known is false when they cannot be told (a parsed step whose
// OutputParameters are not in the form the builders write).
func callOutputs(s Step) (names []string, known bool) {
	switch x := s.(type) {
	case *LambdaStep:
		return x.outputNames(), true
	case *CallbackStep:
		return x.outputNames(), true
	case *raw:
		for _, m := range x.trailer {
			if m.Key != "OutputParameters" {
				continue
			}
			list, ok := m.Value.([]any)
			if !ok {
				return nil, false
			}
			for _, e := range list {
				o, ok := e.(*pyjson.Object)
				if !ok {
					return nil, false
				}
				v, _ := o.Get("OutputName")
				n, ok := v.(string)
				if !ok {
					return nil, false
				}
				names = append(names, n)
			}
			return names, true
		}
		return nil, true
	}
	return nil, false
}

func (c *callStep) outputNames() []string {
	out := make([]string, len(c.outputs))
	for i, o := range c.outputs {
		out[i] = o.Name
	}
	return out
}

// checkProcessingOutput checks ProcessingOutputConfig.Outputs['name'] and
// ProcessingOutputConfig.Outputs[i] against the step's outputs.
func checkProcessingOutput(s Step, path string, unknown func(string) error) error {
	rest, ok := strings.CutPrefix(path, "ProcessingOutputConfig.Outputs[")
	if !ok {
		return nil
	}
	var outs []string
	switch x := s.(type) {
	case *ProcessingStep:
		outs = x.outputNames()
	case *raw:
		outs = x.outputs
	default:
		return nil
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return unknown("malformed output index")
	}
	idx := rest[:end]
	if name, ok := strings.CutPrefix(idx, "'"); ok {
		name, ok = strings.CutSuffix(name, "'")
		if !ok || !slices.Contains(outs, name) {
			return unknown(fmt.Sprintf("the step has no output %q; its outputs are %q", name, outs))
		}
		return nil
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= len(outs) {
		return unknown(fmt.Sprintf("output index %s is out of range: the step has %d outputs", idx, len(outs)))
	}
	return nil
}
