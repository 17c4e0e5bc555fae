package sagemaker

import (
	"errors"
	"fmt"
)

// Sentinel errors. Failed calls come as *Error, whose cause is the SDK's
// error (errors.As with smithy.APIError gives the service's code and
// message).
var (
	// ErrParameter reports a start value that does not fit the pipeline's
	// parameter declarations; no call was made.
	ErrParameter = errors.New("sagemaker: invalid parameter value")
	// ErrLocalCode reports local code a step names that cannot be read or
	// packed; no call was made.
	ErrLocalCode = errors.New("sagemaker: local code")
	// ErrExecutionFailed reports an execution that ended Failed.
	ErrExecutionFailed = errors.New("sagemaker: execution failed")
	// ErrExecutionStopped reports an execution that ended Stopped.
	ErrExecutionStopped = errors.New("sagemaker: execution stopped")
	// ErrARN reports an execution ARN that cannot be read.
	ErrARN = errors.New("sagemaker: invalid execution ARN")
)

// Error is a failed call: the operation, the pipeline (or execution) it
// concerned, and the cause. The cause's message, a ValidationException's
// included, is kept whole.
type Error struct {
	// Op is the SageMaker or S3 operation ("CreatePipeline", "PutObject").
	Op string
	// Pipeline names the pipeline, or the execution's ARN.
	Pipeline string
	Err      error
}

// Error returns "sagemaker: <op> <pipeline>: <cause>".
func (e *Error) Error() string { return fmt.Sprintf("sagemaker: %s %s: %v", e.Op, e.Pipeline, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func opErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Pipeline: name, Err: err}
}

// ExecutionError reports an execution that ended Failed or Stopped, with
// the service's reason.
type ExecutionError struct {
	ARN    string
	Reason string
	Err    error // ErrExecutionFailed or ErrExecutionStopped
}

// Error returns the state and the reason.
func (e *ExecutionError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("%v: %s", e.Err, e.ARN)
	}
	return fmt.Sprintf("%v: %s: %s", e.Err, e.ARN, e.Reason)
}

// Unwrap returns ErrExecutionFailed or ErrExecutionStopped.
func (e *ExecutionError) Unwrap() error { return e.Err }
