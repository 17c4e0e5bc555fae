package boost

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/sagepipe/sagepipe/actor"
)

// ErrPredict reports a prediction that failed for a reason other than its
// input: today only a panic in a prediction worker, as an
// *actor.PanicError.
var ErrPredict = errors.New("boost: prediction failed")

// newPanicError records a value r recovered at the package boundary (in a
// user callback during training, in a prediction worker or in a model
// decoder) as an *actor.PanicError naming op, wrapped in the operation's
// sentinel (ErrTrain, ErrPredict or ErrModelFormat): errors.Is reaches the
// sentinel and, when r is an error, r itself; errors.As reaches the
// *actor.PanicError with its stack. Call it from the deferred function that
// recovered, so that the stack still shows the panic site.
func newPanicError(kind error, op string, r any) error {
	return fmt.Errorf("%w: %w", kind, &actor.PanicError{Op: op, Value: r, Stack: debug.Stack()})
}

// isPanic reports whether err carries a recovered panic.
func isPanic(err error) bool {
	var pe *actor.PanicError
	return errors.As(err, &pe)
}
