package steps

import "github.com/sagepipe/sagepipe/params"

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
