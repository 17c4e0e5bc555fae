// This file is maintained together with package pipeline (its definition
// parser builds Raw steps); please leave changes to it to that side.

package steps

import (
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// Raw is a step known only by its definition JSON, as a parsed definition
// holds it. Its arguments are kept as a tree in which every Get, Std:Join
// and Std:JsonGet has been turned back into a params expression, so the
// references, the DAG and validation work as for steps built with the
// builders; everything else is written back exactly as read.
type Raw struct {
	name    string
	typ     Type
	args    any
	env     Envelope
	trailer []Member
	ifs     []Step
	elses   []Step
	pfs     []PropertyFile
	outputs []string
}

// RawSpec describes a Raw step.
type RawSpec struct {
	// Name and Type are the step's "Name" and "Type".
	Name string
	Type Type
	// Arguments is the "Arguments" tree (pyjson tree model, params
	// expressions as leaves).
	Arguments any
	// Envelope holds DependsOn, DisplayName and Description; the other
	// keys after "Arguments" go to Trailer.
	Envelope Envelope
	// Trailer holds the remaining keys after the envelope, in order.
	Trailer []Member
	// IfSteps and ElseSteps are a condition step's branches. When set, and
	// Arguments is an object with those keys, the branch steps are written
	// there.
	IfSteps, ElseSteps []Step
}

// NewRaw returns the step described by spec. Property files are read from a
// "PropertyFiles" trailer member and output names from
// Arguments.ProcessingOutputConfig.Outputs, for validation.
func NewRaw(spec RawSpec) *Raw {
	r := &Raw{
		name:    spec.Name,
		typ:     spec.Type,
		args:    spec.Arguments,
		env:     spec.Envelope,
		trailer: slices.Clone(spec.Trailer),
		ifs:     slices.Clone(spec.IfSteps),
		elses:   slices.Clone(spec.ElseSteps),
	}
	r.env.DependsOn = slices.Clone(r.env.DependsOn)
	r.env.DependsOnSteps = slices.Clone(r.env.DependsOnSteps)
	r.env.RetryPolicies = slices.Clone(r.env.RetryPolicies)
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
func (r *Raw) Name() string { return r.name }

// Type returns the step type as read.
func (r *Raw) Type() Type { return r.typ }

// Steps returns the step itself.
func (r *Raw) Steps() []Step { return []Step{r} }

// Envelope returns a copy of the envelope.
func (r *Raw) Envelope() Envelope {
	e := r.env
	e.DependsOn = slices.Clone(e.DependsOn)
	e.DependsOnSteps = slices.Clone(e.DependsOnSteps)
	e.RetryPolicies = slices.Clone(e.RetryPolicies)
	return e
}

// Arguments returns the argument tree as read (the environment is not
// used: a parsed definition has its values already).
func (r *Raw) Arguments(*Env) any { return r.args }

// Trailer returns the keys after the envelope, as read.
func (r *Raw) Trailer(*Env) []Member { return slices.Clone(r.trailer) }

// Problems returns nothing: a Raw step holds what it read.
func (r *Raw) Problems() []error { return nil }

// Branches returns a condition step's branch steps (nil otherwise).
func (r *Raw) Branches() (ifs, elses []Step) { return slices.Clone(r.ifs), slices.Clone(r.elses) }

// DeclaredPropertyFiles returns the property files listed in the step's
// "PropertyFiles" member.
func (r *Raw) DeclaredPropertyFiles() []PropertyFile { return slices.Clone(r.pfs) }

// OutputNames returns the processing output names found in the arguments.
func (r *Raw) OutputNames() []string { return slices.Clone(r.outputs) }
