package steps

import (
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// Render returns the complete definition object of s in env: Name, Type,
// Arguments, the envelope fields and the type-specific trailer, in the
// SDK's order. The result is an ordered JSON tree for the pipeline
// compiler's encoder.
func Render(s Step, env *Env) any {
	o := pyjson.NewObject()
	o.Set("Name", s.Name())
	o.Set("Type", string(s.Type()))
	o.Set("Arguments", s.Arguments(env))
	for k, v := range s.Envelope().Members() {
		o.Set(k, v)
	}
	for _, m := range s.Trailer(env) {
		o.Set(m.Key, m.Value)
	}
	return o
}

// rendered is a step placed inside another step's arguments (a condition's
// branches). It renders lazily and is deliberately not a params expression,
// so that walking a condition's arguments for references does not descend
// into its branch steps: their references belong to them.
type rendered struct {
	step Step
	env  *Env
}

// PyJSON renders the step object.
func (r rendered) PyJSON() any { return Render(r.step, r.env) }

// Rendered reports the step a branch entry of a condition's arguments stands
// for. It returns false for any other value.
func Rendered(v any) (Step, bool) {
	r, ok := v.(rendered)
	return r.step, ok
}

// expand returns the steps of entities in order.
func expand(es []Entity) []Step {
	var out []Step
	for _, e := range es {
		if isNil(e) {
			continue
		}
		out = append(out, e.Steps()...)
	}
	return out
}

func renderAll(ss []Step, env *Env) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = rendered{s, env}
	}
	return out
}
