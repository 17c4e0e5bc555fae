package steps

import "github.com/sagepipe/sagepipe/internal/stepdef"

func init() {
	stepdef.Register(&stepdef.Protocol[Step, Env]{
		Envelope:  func(s Step) stepdef.Envelope[Step] { return s.defEnvelope().def() },
		Arguments: func(s Step, env *Env) any { return s.defArguments(env) },
		Trailer:   func(s Step, env *Env) []stepdef.Member { return s.defTrailer(env) },
		Problems:  func(s Step) []error { return s.defProblems() },
		Warnings: func(s Step) []error {
			if w, ok := s.(warner); ok {
				return w.defWarnings()
			}
			return nil
		},
		Branches: func(s Step) ([]Step, []Step, bool) {
			if b, ok := s.(brancher); ok {
				return b.branches()
			}
			return nil, nil, false
		},
		PropertyFiles: func(s Step) ([]stepdef.PropertyFile, []string, bool) {
			p, ok := s.(propertyFiler)
			if !ok {
				return nil, nil, false
			}
			pfs, outs := p.propertyFiles()
			files := make([]stepdef.PropertyFile, len(pfs))
			for i, f := range pfs {
				files[i] = stepdef.PropertyFile{Name: f.Name, OutputName: f.OutputName, Path: f.Path}
			}
			return files, outs, true
		},
		Branch: func(v any) (Step, bool) {
			r, ok := v.(rendered)
			return r.step, ok
		},
		Render:   func(s Step, env *Env) any { return render(s, env) },
		Uploads:  uploads,
		NewRaw:   newRaw,
		Property: checkProperty,
	})
}

// warner is implemented by steps with problems only Validate reports.
type warner interface {
	defWarnings() []error
}

// brancher is implemented by condition steps.
type brancher interface {
	branches() (ifs, elses []Step, ok bool)
}

// propertyFiler is implemented by steps that may declare property files:
// it returns them and the step's processing output names.
type propertyFiler interface {
	propertyFiles() ([]PropertyFile, []string)
}

// render returns the complete definition object of s in env: Name, Type,
// Arguments, the envelope fields and the type-specific trailer, in the
// SDK's order.
func render(s Step, env *Env) any {
	return stepdef.StepObject(s.Name(), string(s.Type()), s.defArguments(env), s.defEnvelope().def(), s.defTrailer(env))
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
func (r rendered) PyJSON() any { return render(r.step, r.env) }

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
