package steps

import (
	"fmt"

	"github.com/sagepipe/sagepipe/params"
)

// EntrypointCommand is the argument that tells a Go program started as a
// job's container entrypoint to run one bound step: the container runs
// "<program> step <StepName> [container arguments...]". It is the value
// pipeline/local's Main looks for (local.EntrypointCommand).
const EntrypointCommand = "step"

// StepEntrypoint returns the container entrypoint that runs step stepName
// of the Go program at path program inside the user's own image: set it as
// Processor.Entrypoint of a processing step or Estimator.ContainerEntrypoint
// of a training step, with ImageURI the image, and the job runs the same
// bound function that the local engine runs, through pipeline/local's Main.
// Such a step uploads no code. stepName must be the name the step is given
// in the pipeline and in the bindings.
func StepEntrypoint(program, stepName string) []params.Input[string] {
	return []params.Input[string]{params.Lit(program), params.Lit(EntrypointCommand), params.Lit(stepName)}
}

// StepEnv names the environment variable that tells a Go program started
// as "<program> train" which step to run. SageMaker starts a training
// image that way when the job names no container entrypoint, as a tuning
// job's training jobs do (their definition has no ContainerEntrypoint).
// It is pipeline/local's StepEnv.
const StepEnv = "SAGEPIPE_STEP"

// StepEnvironment returns the environment member that makes the training
// jobs of tuning step stepName run that step of the Go program which is
// the user's image's ENTRYPOINT: add it to the tuner's
// Estimator.Environment, with ImageURI the image and no Framework, and
// each training job runs the same bound function the local engine runs.
func StepEnvironment(stepName string) Member { return Member{Key: StepEnv, Value: stepName} }

// EntrypointStepError reports a step whose container entrypoint
// ("<program> step <Named>", as StepEntrypoint builds it) or StepEnv
// environment variable names a step other than itself, an existing one or
// not: in the container the program would run Named's function for Step's
// job. It matches ErrInvalid with errors.Is.
type EntrypointStepError struct {
	// Step is the step whose job the container runs.
	Step string
	// Named is the step the entrypoint or the environment names.
	Named string
	// Field is where Named is given: "ContainerEntrypoint" or
	// "Environment".
	Field string
}

func (e *EntrypointStepError) Error() string {
	return fmt.Sprintf("steps: step %q: its %s runs step %q, not its own (the container would run %q's function)",
		e.Step, e.Field, e.Named, e.Named)
}

// Is reports whether target is ErrInvalid.
func (e *EntrypointStepError) Is(target error) bool { return target == ErrInvalid }

// entrypointProblems checks that the container entrypoint ep and the
// environment env of step name, when they name the Go step to run, name
// name itself. Only literal names are checked: a pipeline variable is
// known when the job starts.
func entrypointProblems(name string, ep []params.Input[string], env []Member) []error {
	var out []error
	if len(ep) >= 3 && literalString(ep[1]) == EntrypointCommand {
		if named := literalString(ep[2]); named != "" && named != name {
			out = append(out, &EntrypointStepError{Step: name, Named: named, Field: "ContainerEntrypoint"})
		}
	}
	for _, m := range env {
		if named, ok := m.Value.(string); ok && m.Key == StepEnv && named != name {
			out = append(out, &EntrypointStepError{Step: name, Named: named, Field: "Environment"})
		}
	}
	return out
}
