package steps

import (
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
)

// raw is a step known only by its definition JSON, as a parsed definition
// holds it. Its arguments are kept as a tree in which every Get, Std:Join
// and Std:JsonGet has been turned back into a params expression, so the
// references, the DAG and validation work as for steps built with the
// builders; everything else is written back exactly as read.
type raw struct {
	name    string
	typ     Type
	args    any
	env     envelope
	trailer []stepdef.Member
	ifs     []Step
	elses   []Step
	pfs     []PropertyFile
	outputs []string
}

// newRaw returns the step described by spec. Property files are read from
// a "PropertyFiles" trailer member and output names from
// Arguments.ProcessingOutputConfig.Outputs, for validation.
func newRaw(spec stepdef.RawSpec[Step]) Step {
	r := &raw{
		name:    spec.Name,
		typ:     Type(spec.Type),
		args:    spec.Arguments,
		trailer: slices.Clone(spec.Trailer),
		ifs:     slices.Clone(spec.IfSteps),
		elses:   slices.Clone(spec.ElseSteps),
		env: envelope{
			dependsOn:        slices.Clone(spec.Envelope.DependsOn),
			dependsOnSteps:   slices.Clone(spec.Envelope.DependsOnSteps),
			displayName:      spec.Envelope.DisplayName,
			description:      spec.Envelope.Description,
			rawRetryPolicies: slices.Clone(spec.Envelope.RetryPolicies),
			trailing:         slices.Clone(spec.Envelope.Trailing),
		},
	}
	if obj, ok := spec.Arguments.(*pyjson.Object); ok {
		if spec.IfSteps != nil || spec.ElseSteps != nil {
			cp := pyjson.NewObject()
			for k, v := range obj.Members() {
				switch {
				case k == "IfSteps" && spec.IfSteps != nil:
					v = renderAll(r.ifs, nil)
				case k == "ElseSteps" && spec.ElseSteps != nil:
					v = renderAll(r.elses, nil)
				}
				cp.Set(k, v)
			}
			r.args = cp
		}
		r.outputs = rawOutputNames(obj)
	}
	for _, m := range r.trailer {
		if m.Key == "PropertyFiles" {
			r.pfs = rawPropertyFiles(m.Value)
		}
	}
	return r
}

func rawOutputNames(args *pyjson.Object) []string {
	cfg, _ := args.Get("ProcessingOutputConfig")
	cfgObj, _ := cfg.(*pyjson.Object)
	outs, _ := cfgObj.Get("Outputs")
	list, _ := outs.([]any)
	var names []string
	for _, o := range list {
		if obj, ok := o.(*pyjson.Object); ok {
			if n, ok := obj.Get("OutputName"); ok {
				if s, ok := n.(string); ok {
					names = append(names, s)
				}
			}
		}
	}
	return names
}

func rawPropertyFiles(v any) []PropertyFile {
	list, _ := v.([]any)
	var pfs []PropertyFile
	for _, e := range list {
		obj, ok := e.(*pyjson.Object)
		if !ok {
			continue
		}
		str := func(k string) string {
			v, _ := obj.Get(k)
			s, _ := v.(string)
			return s
		}
		pfs = append(pfs, PropertyFile{Name: str("PropertyFileName"), OutputName: str("OutputName"), Path: str("FilePath")})
	}
	return pfs
}

// Name returns the step name.
func (r *raw) Name() string { return r.name }

// Type returns the step type as read.
func (r *raw) Type() Type { return r.typ }

// Steps returns the step itself.
func (r *raw) Steps() []Step { return []Step{r} }

func (r *raw) defEnvelope() envelope { return r.env }

// defArguments returns the argument tree as read (the environment is not
// used: a parsed definition has its values already).
func (r *raw) defArguments(*Env) any { return r.args }

func (r *raw) defTrailer(*Env) []stepdef.Member { return slices.Clone(r.trailer) }

// defProblems returns nothing: a raw step holds what it read.
func (r *raw) defProblems() []error { return nil }

func (r *raw) branches() (ifs, elses []Step, ok bool) {
	return slices.Clone(r.ifs), slices.Clone(r.elses), r.typ == TypeCondition
}

func (r *raw) propertyFiles() ([]PropertyFile, []string) {
	return slices.Clone(r.pfs), slices.Clone(r.outputs)
}
