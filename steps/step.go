package steps

import (
	"errors"
	"slices"

	"github.com/sagepipe/sagepipe/internal/stepdef"
)

// Type is the "Type" field of a step in the definition JSON.
type Type string

// The step types this package builds.
const (
	TypeProcessing    Type = "Processing"
	TypeTraining      Type = "Training"
	TypeTuning        Type = "Tuning"
	TypeCondition     Type = "Condition"
	TypeFail          Type = "Fail"
	TypeModel         Type = "Model"
	TypeRegisterModel Type = "RegisterModel"
	TypeTransform     Type = "Transform"
	TypeLambda        Type = "Lambda"
	TypeCallback      Type = "Callback"
)

// Sentinel errors of the package. Problems recorded by builders wrap one of
// them, naming the step.
var (
	// ErrInvalid reports an argument that cannot be rendered as the SDK would.
	ErrInvalid = errors.New("steps: invalid argument")
	// ErrUnknownProperty reports a property path the step type does not have.
	ErrUnknownProperty = errors.New("steps: unknown property")
	// ErrPropertyFile reports a property file that does not match the step's outputs.
	ErrPropertyFile = errors.New("steps: property file")
	// ErrCode reports local code that cannot be read or hashed.
	ErrCode = errors.New("steps: code")
)

// Member is one key/value pair of an ordered JSON object (hyperparameters,
// Lambda and Callback inputs).
type Member struct {
	Key   string
	Value any
}

// Step is one step of a pipeline definition: the unit that appears as an
// object in the definition's "Steps" list (or inside a condition's
// branches). The steps of this package are the only implementations; the
// pipeline compiler and the engines read them through an internal
// rendering protocol.
type Step interface {
	Entity
	// Type is the step's "Type".
	Type() Type

	// The rendering protocol (see protocol.go).
	defEnvelope() envelope
	defArguments(env *Env) any
	defTrailer(env *Env) []stepdef.Member
	defProblems() []error
}

// Entity is what a pipeline lists: a single step (whose Steps returns the
// step itself) or a step collection such as a Model step, which expands to
// several steps in order. A collection's properties are those of its last
// step.
type Entity interface {
	// Name is the step's (or the collection's) name.
	Name() string
	// Steps returns the steps the entity expands to, in definition order.
	Steps() []Step
}

// envelope holds the optional fields every step type shares.
type envelope struct {
	// dependsOn lists the names of the explicit dependencies, in order,
	// without duplicates (collections expanded to all their steps).
	dependsOn []string
	// dependsOnSteps holds the step values behind dependsOn, where the
	// dependency was given as a value rather than as a name.
	dependsOnSteps []Step
	// displayName and description are omitted from the JSON when empty.
	displayName string
	description string
	// retryPolicies are rendered only for retry-capable step types.
	retryPolicies []RetryPolicy
	// rawRetryPolicies are retry policy objects as a parsed definition
	// holds them.
	rawRetryPolicies []any
	// trailing names the fields a parsed definition holds among its
	// trailer keys (written there, not in the envelope's place).
	trailing []string
}

// def returns the envelope in the protocol's form.
func (e envelope) def() stepdef.Envelope[Step] {
	d := stepdef.Envelope[Step]{
		DependsOn:      slices.Clone(e.dependsOn),
		DependsOnSteps: slices.Clone(e.dependsOnSteps),
		DisplayName:    e.displayName,
		Description:    e.description,
		RetryPolicies:  slices.Clone(e.rawRetryPolicies),
		Trailing:       slices.Clone(e.trailing),
	}
	for _, p := range e.retryPolicies {
		d.RetryPolicies = append(d.RetryPolicies, p.object())
	}
	return d
}
