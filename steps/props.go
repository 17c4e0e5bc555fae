package steps

import (
	"strconv"

	"github.com/sagepipe/sagepipe/params"
)

// last returns the step whose properties an entity exposes: the entity
// itself, or a collection's last step.
func last(e Entity) params.Source {
	if isNil(e) {
		return nil
	}
	ss := e.Steps()
	if len(ss) == 0 {
		return params.StepName(e.Name())
	}
	return ss[len(ss)-1]
}

// Property refers to any property of a step by its path after the step name
// ("ModelArtifacts.S3ModelArtifacts", "ProcessingOutputConfig.Outputs[0].S3Output.S3Uri").
// The typed property models below cover the common paths; Property is the
// escape hatch for the rest of the botocore Describe* shapes. On a step
// collection it refers to the collection's last step. Pipeline validation
// checks the path against the step type's property model (ErrUnknownProperty):
// its first member, the processing outputs and Lambda or Callback outputs
// the step declares, Outcome of a condition.
func Property[T params.Primitive](e Entity, path string) params.Value[T] {
	return params.StepProperty[T](last(e), path)
}

// JsonGet reads path from property file pf of step e (Std:JsonGet). The
// step should declare pf (pipeline validation checks it).
func JsonGet[T params.Primitive](e Entity, pf PropertyFile, path string) params.Value[T] {
	return params.JsonGet[T](last(e), pf.Name, path)
}

// JsonGetS3 reads path from the JSON file at s3uri (Std:JsonGet in its
// S3Uri form).
func JsonGetS3[T params.Primitive](s3uri params.Input[string], path string) params.Value[T] {
	return params.JsonGetS3[T](s3uri, path)
}

// quoted renders a string index: Name['key'] (no escaping, as the SDK).
func quoted(key string) string { return "['" + key + "']" }

func indexed(i int) string { return "[" + strconv.Itoa(i) + "]" }

// ProcessingProperties is the property model of a processing step
// (DescribeProcessingJobResponse).
type ProcessingProperties struct {
	e Entity
}

// Properties returns the step's property model.
func (s *ProcessingStep) Properties() ProcessingProperties { return ProcessingProperties{s} }

// ProcessingJobName is the job's name.
func (p ProcessingProperties) ProcessingJobName() params.Value[string] {
	return Property[string](p.e, "ProcessingJobName")
}

// ProcessingJobArn is the job's ARN.
func (p ProcessingProperties) ProcessingJobArn() params.Value[string] {
	return Property[string](p.e, "ProcessingJobArn")
}

// Output is the output with the given name.
func (p ProcessingProperties) Output(name string) ProcessingOutputProperties {
	return ProcessingOutputProperties{p.e, "ProcessingOutputConfig.Outputs" + quoted(name)}
}

// OutputAt is the i-th output (0-based).
func (p ProcessingProperties) OutputAt(i int) ProcessingOutputProperties {
	return ProcessingOutputProperties{p.e, "ProcessingOutputConfig.Outputs" + indexed(i)}
}

// ProcessingOutputProperties is one output of a processing job.
type ProcessingOutputProperties struct {
	e    Entity
	path string
}

// S3URI is where the output was uploaded.
func (o ProcessingOutputProperties) S3URI() params.Value[string] {
	return Property[string](o.e, o.path+".S3Output.S3Uri")
}

// LocalPath is the container path the output was read from.
func (o ProcessingOutputProperties) LocalPath() params.Value[string] {
	return Property[string](o.e, o.path+".S3Output.LocalPath")
}

// OutputName is the output's name.
func (o ProcessingOutputProperties) OutputName() params.Value[string] {
	return Property[string](o.e, o.path+".OutputName")
}

// TrainingProperties is the property model of a training step
// (DescribeTrainingJobResponse).
type TrainingProperties struct{ e Entity }

// Properties returns the step's property model.
func (s *TrainingStep) Properties() TrainingProperties { return TrainingProperties{s} }

// TrainingJobName is the job's name.
func (p TrainingProperties) TrainingJobName() params.Value[string] {
	return Property[string](p.e, "TrainingJobName")
}

// TrainingJobArn is the job's ARN.
func (p TrainingProperties) TrainingJobArn() params.Value[string] {
	return Property[string](p.e, "TrainingJobArn")
}

// ModelArtifacts holds the trained model's location.
func (p TrainingProperties) ModelArtifacts() ModelArtifactsProperties {
	return ModelArtifactsProperties{p.e, "ModelArtifacts"}
}

// HyperParameter is the value of hyperparameter k (always a string).
func (p TrainingProperties) HyperParameter(k string) params.Value[string] {
	return Property[string](p.e, "HyperParameters"+quoted(k))
}

// FinalMetric is the last value of a metric.
func (p TrainingProperties) FinalMetric(name string) params.Value[float64] {
	return Property[float64](p.e, "FinalMetricDataList"+quoted(name)+".Value")
}

// OutputPath is the job's S3OutputPath.
func (p TrainingProperties) OutputPath() params.Value[string] {
	return Property[string](p.e, "OutputDataConfig.S3OutputPath")
}

// ModelArtifactsProperties is a ModelArtifacts shape.
type ModelArtifactsProperties struct {
	e    Entity
	path string
}

// S3ModelArtifacts is the S3 URI of model.tar.gz.
func (m ModelArtifactsProperties) S3ModelArtifacts() params.Value[string] {
	return Property[string](m.e, m.path+".S3ModelArtifacts")
}

// TuningProperties is the property model of a tuning step
// (DescribeHyperParameterTuningJobResponse merged with
// ListTrainingJobsForHyperParameterTuningJobResponse).
type TuningProperties struct{ e Entity }

// Properties returns the step's property model.
func (s *TuningStep) Properties() TuningProperties { return TuningProperties{s} }

// HyperParameterTuningJobName is the tuning job's name.
func (p TuningProperties) HyperParameterTuningJobName() params.Value[string] {
	return Property[string](p.e, "HyperParameterTuningJobName")
}

// HyperParameterTuningJobArn is the tuning job's ARN.
func (p TuningProperties) HyperParameterTuningJobArn() params.Value[string] {
	return Property[string](p.e, "HyperParameterTuningJobArn")
}

// BestTrainingJob is the best training job of the tuning job.
func (p TuningProperties) BestTrainingJob() TrainingJobSummaryProperties {
	return TrainingJobSummaryProperties{p.e, "BestTrainingJob"}
}

// TrainingJobSummaries is the k-th training job, best first (0..49).
func (p TuningProperties) TrainingJobSummaries(k int) TrainingJobSummaryProperties {
	return TrainingJobSummaryProperties{p.e, "TrainingJobSummaries" + indexed(k)}
}

// TrainingJobSummaryProperties is a HyperParameterTrainingJobSummary shape.
type TrainingJobSummaryProperties struct {
	e    Entity
	path string
}

// TrainingJobName is the training job's name.
func (t TrainingJobSummaryProperties) TrainingJobName() params.Value[string] {
	return Property[string](t.e, t.path+".TrainingJobName")
}

// TrainingJobArn is the training job's ARN.
func (t TrainingJobSummaryProperties) TrainingJobArn() params.Value[string] {
	return Property[string](t.e, t.path+".TrainingJobArn")
}

// TunedHyperParameter is the value chosen for hyperparameter k.
func (t TrainingJobSummaryProperties) TunedHyperParameter(k string) params.Value[string] {
	return Property[string](t.e, t.path+".TunedHyperParameters"+quoted(k))
}

// ObjectiveValue is the final value of the objective metric.
func (t TrainingJobSummaryProperties) ObjectiveValue() params.Value[float64] {
	return Property[float64](t.e, t.path+".FinalHyperParameterTuningJobObjectiveMetric.Value")
}
