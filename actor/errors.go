package actor

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// Sentinel errors. Match them with errors.Is; they are always wrapped with
// the actor, task or option concerned.
var (
	// ErrActorDied reports that an actor is dead: it was killed, its system
	// shut down, or it crashed with no restarts left. A call that was running
	// when its actor crashed also fails with it when it has no retries left.
	ErrActorDied = errors.New("actor: actor died")
	// ErrShutdown reports that the System was shut down before the work ran.
	ErrShutdown = errors.New("actor: system shut down")
	// ErrInfeasible reports a demand the System can never satisfy: more of
	// a resource than it has in total (or than the placement-group bundle it
	// is scheduled into holds), a resource it does not have, or a placement
	// group whose bundles cannot be placed together. Such a demand fails at
	// once instead of waiting; the error names the demand and the capacity.
	ErrInfeasible = errors.New("actor: infeasible resource demand")
	// ErrUnschedulable is the former name of ErrInfeasible and the same
	// error value, so errors.Is matches either.
	//
	// Deprecated: use ErrInfeasible.
	ErrUnschedulable = ErrInfeasible
	// ErrPlacementGroupRemoved reports work that was scheduled into a
	// placement group that has been removed (or a wait for a group removed
	// before it was ready).
	ErrPlacementGroupRemoved = errors.New("actor: placement group removed")
	// ErrInvalidOptions reports a bad Config, Options or TaskOptions field.
	ErrInvalidOptions = errors.New("actor: invalid options")
	// ErrNameTaken reports a Spawn with the name of a live actor.
	ErrNameTaken = errors.New("actor: actor name taken")
	// ErrNotFound reports a Lookup of a name no live actor has, or of an
	// actor of another type.
	ErrNotFound = errors.New("actor: no such actor")
	// ErrPendingCallsLimit reports a Call on an actor whose mailbox holds
	// Options.MaxPendingCalls calls already.
	ErrPendingCallsLimit = errors.New("actor: too many pending calls")
	// ErrKilled is the cause recorded for an actor stopped by Handle.Kill.
	ErrKilled = errors.New("actor: killed")
)

// PanicError is a panic recovered from user code, with the stack of the
// goroutine that panicked. It is the one panic error of the module's
// runtime packages: actor returns it for a constructor, an actor call or a
// task, and dataset and boost return it for a panic in the user code they
// run (a Map function, a Datasource, an FS, a training callback).
type PanicError struct {
	// Op names the operation that panicked, e.g. "dataset: read task 3
	// (x.csv)" or "callback at round 2". It is empty when the error that
	// wraps the PanicError names the operation already (a *TaskError or an
	// *ActorError).
	Op    string
	Value any    // the value passed to panic
	Stack []byte // the stack at the point of the panic
}

func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Error returns the operation, when named, and the panic value as text:
// "<Op>: panic: <value>", or "panic: <value>".
func (e *PanicError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("panic: %v", e.Value)
	}
	return fmt.Sprintf("%s: panic: %v", e.Op, e.Value)
}

// Unwrap returns the panic value when it is an error (for example a runtime
// error), so errors.Is and errors.As reach it.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// ActorError is the error of an actor's constructor or of one of its calls.
// Err is the cause: the error the user code returned, a *PanicError, or
// ErrKilled / ErrShutdown. When Died is set the actor is dead (or was
// restarted under the call) and errors.Is(err, ErrActorDied) holds.
type ActorError struct {
	Actor string // the actor's name, or "actor-<id>" when it has none
	Op    string // "constructor" or "call"
	Died  bool   // the actor died under this call
	Err   error  // the cause
}

// Error describes the failure, naming the actor and the operation.
func (e *ActorError) Error() string {
	if e.Died {
		return fmt.Sprintf("actor: actor %q died (%s): %v", e.Actor, e.Op, e.Err)
	}
	return fmt.Sprintf("actor: actor %q %s: %v", e.Actor, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *ActorError) Unwrap() error { return e.Err }

// Is reports ErrActorDied for an error with Died set.
func (e *ActorError) Is(target error) bool { return target == ErrActorDied && e.Died }

// TaskError is the error of a task started with Go once its retries are
// spent. Err is the last attempt's cause: the error the function returned or
// a *PanicError.
type TaskError struct {
	Task     string // TaskOptions.Name, or "task" when unnamed
	Attempts int    // how many times the function ran
	Err      error  // the cause of the last attempt
}

// Error describes the failure, naming the task and its attempt count.
func (e *TaskError) Error() string {
	return fmt.Sprintf("actor: task %q failed after %d attempt(s): %v", e.Task, e.Attempts, e.Err)
}

// Unwrap returns the cause.
func (e *TaskError) Unwrap() error { return e.Err }
