package stepdef

import (
	"iter"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// Member is one key/value pair of an ordered JSON object.
type Member struct {
	Key   string
	Value any
}

// Envelope holds the optional fields every step type shares, S being the
// step type.
type Envelope[S any] struct {
	// DependsOn lists the names of the explicit dependencies, in order,
	// without duplicates (collections expanded to all their steps).
	DependsOn []string
	// DependsOnSteps holds the step values behind DependsOn, where the
	// dependency was given as a value rather than as a name.
	DependsOnSteps []S
	// DisplayName and Description are omitted from the JSON when empty.
	DisplayName string
	Description string
	// RetryPolicies are the rendered retry policy objects.
	RetryPolicies []any
	// Trailing names the fields above that a parsed definition holds
	// after other keys: the step's trailer writes them in their place, so
	// Members skips them while DependsOn and RetryPolicies still count.
	Trailing []string
}

// Members yields the envelope fields that follow "Arguments" in definition
// order: DependsOn, DisplayName, Description, RetryPolicies, less those
// named in Trailing. The slices it yields are e's own, for the encoder to
// read.
func (e Envelope[S]) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		here := func(k string) bool { return !slices.Contains(e.Trailing, k) }
		if len(e.DependsOn) > 0 && here("DependsOn") && !yield("DependsOn", e.DependsOn) {
			return
		}
		if e.DisplayName != "" && here("DisplayName") && !yield("DisplayName", e.DisplayName) {
			return
		}
		if e.Description != "" && here("Description") && !yield("Description", e.Description) {
			return
		}
		if len(e.RetryPolicies) > 0 && here("RetryPolicies") {
			yield("RetryPolicies", e.RetryPolicies)
		}
	}
}

// StepObject returns a step's definition object: Name, Type, Arguments,
// the envelope's members, then the trailer, in the SDK's order.
func StepObject[S any](name, typ string, args any, env Envelope[S], trailer []Member) *pyjson.Object {
	o := pyjson.NewObject()
	o.Set("Name", name)
	o.Set("Type", typ)
	o.Set("Arguments", args)
	for k, v := range env.Members() {
		o.Set(k, v)
	}
	for _, m := range trailer {
		o.Set(m.Key, m.Value)
	}
	return o
}

// PropertyFile is a property file a step declares.
type PropertyFile struct {
	Name, OutputName, Path string
}

// RawSpec describes a step known only by its definition JSON, as a parsed
// definition holds it.
type RawSpec[S any] struct {
	// Name and Type are the step's "Name" and "Type".
	Name, Type string
	// Arguments is the "Arguments" tree (pyjson tree model, params
	// expressions as leaves).
	Arguments any
	// Envelope holds DependsOn, DisplayName, Description and
	// RetryPolicies. Keys after "Arguments" that are not in the envelope's
	// place go to Trailer; a DependsOn or RetryPolicies among them is also
	// set here and named in Envelope.Trailing.
	Envelope Envelope[S]
	// Trailer holds the remaining keys after the envelope, in order.
	Trailer []Member
	// IfSteps and ElseSteps are a condition step's branches. When set, and
	// Arguments is an object with those keys, the branch steps are written
	// there.
	IfSteps, ElseSteps []S
}

// Protocol is what package steps gives the engines for its step type S and
// compile environment E (steps.Step and steps.Env).
type Protocol[S, E any] struct {
	// Envelope returns a copy of the step's envelope.
	Envelope func(S) Envelope[S]
	// Arguments renders the step's "Arguments" in env: a JSON tree
	// (strings, numbers, bools, nil, slices, *pyjson.Object) whose leaves
	// may be params expressions, and whose condition branch entries are
	// values Branch recognises.
	Arguments func(s S, env *E) any
	// Trailer returns the type-specific keys after the envelope
	// (CacheConfig, PropertyFiles, FunctionArn, ...), in definition order.
	Trailer func(s S, env *E) []Member
	// Problems returns what the builders recorded as wrong with the step.
	Problems func(S) []error
	// Warnings returns what is wrong with the step although the definition
	// can be written (local code that does not exist where the definition
	// does not need its contents): Validate reports it, Definition does
	// not.
	Warnings func(S) []error
	// Branches returns a condition step's branch steps; ok is false for
	// other steps.
	Branches func(S) (ifs, elses []S, ok bool)
	// PropertyFiles returns the property files the step declares and the
	// names of its processing outputs; ok is false for steps that cannot
	// declare property files.
	PropertyFiles func(S) (files []PropertyFile, outputs []string, ok bool)
	// Branch reports the step a branch entry of a condition's arguments
	// stands for.
	Branch func(v any) (S, bool)
	// Render returns the complete step object in env (Name, Type,
	// Arguments, envelope, trailer).
	Render func(s S, env *E) any
	// Uploads returns the local code the step stages in env, in the order
	// the SDK uploads it; nil for a step without local code. Timestamped
	// locations are read from env's clock, so an engine freezes the clock
	// to get the locations of one compiled definition.
	Uploads func(s S, env *E) []Upload
	// NewRaw returns the step a parsed definition describes.
	NewRaw func(RawSpec[S]) S
	// Property reports whether path (after the step name, as in
	// "Steps.<name>.<path>") is a property of the step's type; the error
	// wraps the steps package's ErrUnknownProperty.
	Property func(s S, path string) error
}

// registered is the protocol package steps registered. It is written once,
// by steps' initialisation, before any package importing steps runs.
var registered any

// Register records p. Package steps calls it once when it is initialised.
func Register[S, E any](p *Protocol[S, E]) { registered = p }

// Get returns the registered protocol for step type S and environment E.
// It panics if package steps has not registered one for those types, a
// programming error that every test of an importer would find.
func Get[S, E any]() *Protocol[S, E] {
	p, ok := registered.(*Protocol[S, E])
	if !ok {
		panic("stepdef: no protocol registered for these types")
	}
	return p
}
