package main

import (
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// The -image pipeline runs every step's Go function in the user's image,
// built from this program with examples/container/Dockerfile
// (PKG=./examples/housing): the image's ENTRYPOINT is the program, which
// local.Main turns into the step's job.
const (
	// program is where the image holds the binary.
	program = "/container"
)

// rmseRegex finds validation:rmse in the training log, as SageMaker's
// XGBoost image defines it: boost writes XGBoost's eval lines
// ("[3]\tvalidation-mae:...\tvalidation-rmse:..."), whose TAB the log
// stream holds as #011. A custom image has no predefined metrics, so the
// tuner defines the one it optimises.
const rmseRegex = `.*\[[0-9]+\].*#011validation-rmse:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*`

// goProcessing makes p and j run step name's Go function in image: the
// container runs "/container step <name>" and the job's arguments, with
// no code to upload.
func goProcessing(image, name string, p steps.Processor, j steps.ProcessingJob) (steps.Processor, steps.ProcessingJob) {
	p.ImageURI = params.Lit(image)
	p.Command = nil
	p.Entrypoint = steps.StepEntrypoint(program, name)
	j.Code = ""
	return p, j
}

// goTuner makes t's training jobs run tuning step name's Go function in
// image. A tuning job's training definition names no entrypoint, so
// SageMaker starts the image's ENTRYPOINT with "train"; the environment
// names the step (steps.StepEnvironment) and the tuner defines the
// objective's metric.
func goTuner(image, name string, t steps.Tuner) steps.Tuner {
	t.Estimator.ImageURI = params.Lit(image)
	t.Estimator.Framework = nil
	t.Estimator.Environment = append(t.Estimator.Environment, steps.StepEnvironment(name))
	t.MetricDefinitions = []steps.MetricDefinition{{Name: params.Lit("validation:rmse"), Regex: params.Lit(rmseRegex)}}
	return t
}
