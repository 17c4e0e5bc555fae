package pipeline

import (
	"reflect"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
)

// paramForm is how a parsed definition wrote a parameter where the
// parameter value alone does not say: members the SDK does not write and
// number forms it would write otherwise. Definition writes the parameter
// back in this form, so that Parse keeps the bytes.
type paramForm struct {
	// description is the Description member, written at index descAt of
	// the parameter's members (descAt < 0: none).
	description any
	descAt      int
	// intDefault is a Float default written as an integer ("1").
	intDefault any
}

// parameterObject returns the parameter's definition object: Name, Type,
// DefaultValue when set and EnumValues when non-empty, as the SDK writes
// it, or in the form a parsed definition had.
func (p *Pipeline) parameterObject(prm params.Parameter) *pyjson.Object {
	type member struct {
		k string
		v any
	}
	ms := make([]member, 0, 5)
	ms = append(ms, member{"Name", prm.Name()}, member{"Type", string(prm.Type())})
	form, hasForm := p.form(prm)
	if d, ok := prm.Default(); ok {
		if hasForm && form.intDefault != nil {
			d = form.intDefault
		}
		ms = append(ms, member{"DefaultValue", d})
	}
	if prm.Type() == params.TypeString {
		if ev := prm.EnumValues(); len(ev) > 0 {
			ms = append(ms, member{"EnumValues", ev})
		}
	}
	if hasForm && form.descAt >= 0 {
		at := min(form.descAt, len(ms))
		ms = slices.Insert(ms, at, member{"Description", form.description})
	}
	o := pyjson.NewObject()
	for _, m := range ms {
		o.Set(m.k, m.v)
	}
	return o
}

// form returns the parsed form of prm, if it has one.
func (p *Pipeline) form(prm params.Parameter) (paramForm, bool) {
	if p.forms == nil || !reflect.TypeOf(prm).Comparable() {
		return paramForm{}, false
	}
	f, ok := p.forms[prm]
	return f, ok
}
