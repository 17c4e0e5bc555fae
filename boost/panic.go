package boost

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrPredict reports a prediction that failed for a reason other than its
// input: today only a panic in a prediction worker, as a *PanicError.
var ErrPredict = errors.New("boost: prediction failed")

// PanicError is a panic recovered at the package boundary: in a user
// callback during training, in a prediction worker, or in a model decoder.
// It carries the value passed to panic and the stack of the goroutine that
// panicked, and unwraps to the sentinel of the operation (ErrTrain,
// ErrPredict or ErrModelFormat) and, when the panic value is an error, to
// that error as well, so errors.Is and errors.As reach both.
type PanicError struct {
	// Op names where the panic happened, e.g. "callback at round 3",
	// "predict worker" or "ubjson decoder".
	Op string
	// Value is the value passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine (runtime/debug.Stack).
	Stack []byte

	kind error // ErrTrain, ErrPredict or ErrModelFormat
}

// newPanicError records a recovered value r; call it from the deferred
// function that recovered, so that Stack still shows the panic site.
func newPanicError(kind error, op string, r any) *PanicError {
	return &PanicError{Op: op, Value: r, Stack: debug.Stack(), kind: kind}
}

// Error returns the operation's sentinel text, where and the panic value,
// e.g. "boost: training failed: callback at round 3 panicked: boom".
func (e *PanicError) Error() string {
	if e.kind == nil {
		return fmt.Sprintf("boost: %s panicked: %v", e.Op, e.Value)
	}
	return fmt.Sprintf("%v: %s panicked: %v", e.kind, e.Op, e.Value)
}

// Unwrap returns the operation's sentinel and, when Value is an error,
// Value itself.
func (e *PanicError) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if err, ok := e.Value.(error); ok {
		errs = append(errs, err)
	}
	return errs
}
