package local

import (
	"errors"
	"fmt"
)

// Errors a run reports before anything starts. Each problem comes as a
// *pipeline.StepError (or *pipeline.ParameterError) naming the step or
// parameter and wrapping one of these, all problems joined.
var (
	// ErrUnbound reports a step with no Go implementation: no function is
	// bound to it by step name or by the code it runs, or its step type
	// has no local implementation yet.
	ErrUnbound = errors.New("local: step has no local implementation")
	// ErrParameter reports a parameter override that is unknown, of the
	// wrong type, outside the enum values, or a parameter with neither a
	// default nor an override.
	ErrParameter = errors.New("local: bad parameter value")
	// ErrDefinition reports a definition the engine cannot run (a bad
	// CacheConfig.ExpireAfter, a malformed step).
	ErrDefinition = errors.New("local: cannot run definition")
)

// Errors of a finished run. Run and Retry return the execution record
// together with an error wrapping ErrFailed or ErrStopped when the
// execution did not succeed.
var (
	// ErrFailed reports an execution that ended Failed: a step failed or
	// a Fail step ran.
	ErrFailed = errors.New("local: execution failed")
	// ErrStopped reports an execution stopped by its context.
	ErrStopped = errors.New("local: execution stopped")
	// ErrNotRetryable reports a Retry of an execution that cannot be
	// retried: it is still executing, it succeeded, or it ended in a Fail
	// step (as on SageMaker).
	ErrNotRetryable = errors.New("local: execution cannot be retried")
	// ErrNotFound reports an execution that is not under the root.
	ErrNotFound = errors.New("local: execution not found")
)

// Errors a step fails with.
var (
	// ErrResolve reports an expression that cannot be resolved when its
	// step starts: a property the referenced step does not have, a
	// JsonGet path missing from its file, a value of the wrong kind.
	ErrResolve = errors.New("local: cannot resolve expression")
	// ErrInput reports a job input whose S3 URI holds nothing in the
	// artifact store.
	ErrInput = errors.New("local: missing input")
	// ErrOutputParameters reports a Lambda or Callback function whose
	// output parameters do not match the declared ones.
	ErrOutputParameters = errors.New("local: bad output parameters")
	// ErrPanic reports a step function that panicked; the failure reason
	// holds the panic value and the stack.
	ErrPanic = errors.New("local: step function panicked")
)

// Error classes a step function returns (wrapped, errors.Is-testable) to
// ask for a retry under the step's retry policies, with the names of the
// exception types SageMaker's retry policies match. Any other error fails
// the step at once.
var (
	// ErrServiceFault is Step.SERVICE_FAULT.
	ErrServiceFault = &ExceptionType{"Step.SERVICE_FAULT"}
	// ErrThrottling is Step.THROTTLING.
	ErrThrottling = &ExceptionType{"Step.THROTTLING"}
	// ErrJobInternal is SageMaker.JOB_INTERNAL_ERROR.
	ErrJobInternal = &ExceptionType{"SageMaker.JOB_INTERNAL_ERROR"}
	// ErrCapacity is SageMaker.CAPACITY_ERROR.
	ErrCapacity = &ExceptionType{"SageMaker.CAPACITY_ERROR"}
	// ErrResourceLimit is SageMaker.RESOURCE_LIMIT.
	ErrResourceLimit = &ExceptionType{"SageMaker.RESOURCE_LIMIT"}
)

var exceptionTypes = []*ExceptionType{ErrServiceFault, ErrThrottling, ErrJobInternal, ErrCapacity, ErrResourceLimit}

// ExceptionType is a class of failure that a retry policy can match; the
// package's values (ErrCapacity, ...) are used as sentinels.
type ExceptionType struct{ name string }

// Error returns the exception type's name, e.g. "SageMaker.CAPACITY_ERROR".
func (e *ExceptionType) Error() string { return e.name }

// Name returns the name retry policies use in ExceptionType.
func (e *ExceptionType) Name() string { return e.name }

// exceptionOf returns the exception type err wraps, or nil.
func exceptionOf(err error) *ExceptionType {
	for _, t := range exceptionTypes {
		if errors.Is(err, t) {
			return t
		}
	}
	return nil
}

// ExecutionError is the error of an execution that did not succeed.
type ExecutionError struct {
	// ID is the execution's id.
	ID string
	// Reason is the execution's failure reason.
	Reason string
	// Err is ErrFailed or ErrStopped (with the context's error).
	Err error
}

// Error returns `execution "<id>": <kind>: <reason>`.
func (e *ExecutionError) Error() string {
	return fmt.Sprintf("execution %q: %v: %s", e.ID, e.Err, e.Reason)
}

// Unwrap returns the kind of failure.
func (e *ExecutionError) Unwrap() error { return e.Err }
