package pipeline

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every problem Validate, Definition or Parse reports wraps
// one of them; problems that belong to a step come as a *StepError, those
// of a parameter as a *ParameterError.
var (
	// ErrDuplicateName reports two steps (branches included) or two
	// parameters with the same name.
	ErrDuplicateName = errors.New("pipeline: duplicate name")
	// ErrEmptyName reports a step or parameter without a name.
	ErrEmptyName = errors.New("pipeline: empty name")
	// ErrInvalidName reports a step name SageMaker does not accept: names
	// must match ^[A-Za-z0-9\-_]{1,64}$ (the SDK does not check this;
	// Validate does).
	ErrInvalidName = errors.New("pipeline: invalid name")
	// ErrCycle reports steps that depend on each other in a circle.
	ErrCycle = errors.New("pipeline: dependency cycle")
	// ErrUnknownStep reports a DependsOn entry or a reference naming a step
	// the pipeline does not contain.
	ErrUnknownStep = errors.New("pipeline: unknown step")
	// ErrUndeclaredParameter reports a parameter that is used but not
	// declared in the pipeline's parameter list.
	ErrUndeclaredParameter = errors.New("pipeline: undeclared parameter")
	// ErrParameterType reports a parameter used with another type than the
	// one it is declared with.
	ErrParameterType = errors.New("pipeline: parameter type mismatch")
	// ErrPropertyFile reports a JsonGet on a property file the step does
	// not declare, or a property file on an output the step lacks.
	ErrPropertyFile = errors.New("pipeline: property file")
	// ErrNoRole reports a step whose execution role is empty (no role of
	// its own and no Env.Role): the definition is written with an empty
	// RoleArn, which the service refuses. Validate reports it; an engine
	// that needs no role may ignore it.
	ErrNoRole = errors.New("pipeline: empty execution role")
	// ErrNaN reports a NaN or infinite number, which has no JSON form.
	ErrNaN = errors.New("pipeline: NaN or infinite number")
	// ErrInvalidValue reports a value that cannot be written (an
	// unsupported Go type, an unset input, a builder misuse).
	ErrInvalidValue = errors.New("pipeline: invalid value")
	// ErrPanic reports a panic raised by a step's methods while the
	// pipeline was compiled; the error is a *PanicError.
	ErrPanic = errors.New("pipeline: panic in a step")
	// ErrParse reports a definition Parse cannot read or cannot reproduce.
	ErrParse = errors.New("pipeline: cannot parse definition")
)

// StepError is a problem of one step.
type StepError struct {
	// Step is the step's name.
	Step string
	// Err is the problem; it wraps one of the package's sentinels.
	Err error
}

// Error returns `step "<name>": <problem>`.
func (e *StepError) Error() string { return fmt.Sprintf("step %q: %v", e.Step, e.Err) }

// Unwrap returns the problem.
func (e *StepError) Unwrap() error { return e.Err }

// ParameterError is a problem of one parameter.
type ParameterError struct {
	// Parameter is the parameter's name.
	Parameter string
	// Err is the problem; it wraps one of the package's sentinels.
	Err error
}

// Error returns `parameter "<name>": <problem>`.
func (e *ParameterError) Error() string { return fmt.Sprintf("parameter %q: %v", e.Parameter, e.Err) }

// Unwrap returns the problem.
func (e *ParameterError) Unwrap() error { return e.Err }

// PanicError carries a panic recovered while a step was compiled. It has
// the fields of actor.PanicError, the runtime packages' panic error, which
// this package does not import.
type PanicError struct {
	// Op names the operation that panicked ("compile"); the StepError
	// holding the PanicError names the step.
	Op string
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error returns the operation and the panic value.
func (e *PanicError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("%v: %v", ErrPanic, e.Value)
	}
	return fmt.Sprintf("%v: %s: %v", ErrPanic, e.Op, e.Value)
}

// Unwrap returns ErrPanic and, when the panic value is an error, that error.
func (e *PanicError) Unwrap() []error {
	if err, ok := e.Value.(error); ok {
		return []error{ErrPanic, err}
	}
	return []error{ErrPanic}
}

// problem is one finding of the compiler. Refused problems stop Definition
// as they stop the SageMaker SDK (or cannot be encoded); the others are
// reported by Validate only.
type problem struct {
	err     error
	refused bool
}
