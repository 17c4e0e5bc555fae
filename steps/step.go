package steps

import (
	"errors"
	"iter"
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

// Member is one key/value pair of an ordered JSON object.
type Member struct {
	Key   string
	Value any
}

// Step is one step of a pipeline definition: the unit that appears as an
// object in the definition's "Steps" list (or inside a condition's
// branches).
//
// Arguments returns a JSON tree (see internal/pyjson: strings, numbers,
// bools, nil, slices, ordered objects) whose leaves may be params
// expressions; the pipeline compiler finds a step's data references by
// walking the same tree it encodes. Trailer returns the type-specific keys
// that follow the envelope (CacheConfig, PropertyFiles, FunctionArn, ...),
// in definition order.
type Step interface {
	Entity
	// Type is the step's "Type".
	Type() Type
	// Envelope returns the common optional fields of the step.
	Envelope() Envelope
	// Arguments renders the step's "Arguments" in the given environment.
	Arguments(env *Env) any
	// Trailer returns the type-specific keys after the envelope.
	Trailer(env *Env) []Member
	// Problems returns what the builders recorded as wrong with the step.
	Problems() []error
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

// Envelope holds the optional fields every step type shares.
type Envelope struct {
	// DependsOn lists the names of the explicit dependencies, in order,
	// without duplicates (collections expanded to all their steps).
	DependsOn []string
	// DependsOnSteps holds the step values behind DependsOn, where the
	// dependency was given as a value rather than as a name.
	DependsOnSteps []Step
	// DisplayName and Description are omitted from the JSON when empty.
	DisplayName string
	Description string
	// RetryPolicies are rendered only for retry-capable step types.
	RetryPolicies []RetryPolicy
}

// Members writes the envelope fields that follow "Arguments" in definition
// order: DependsOn, DisplayName, Description, RetryPolicies.
func (e Envelope) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if len(e.DependsOn) > 0 {
			if !yield("DependsOn", append([]string(nil), e.DependsOn...)) {
				return
			}
		}
		if e.DisplayName != "" {
			if !yield("DisplayName", e.DisplayName) {
				return
			}
		}
		if e.Description != "" {
			if !yield("Description", e.Description) {
				return
			}
		}
		if len(e.RetryPolicies) > 0 {
			ps := make([]any, len(e.RetryPolicies))
			for i, p := range e.RetryPolicies {
				ps[i] = p
			}
			yield("RetryPolicies", ps)
		}
	}
}
