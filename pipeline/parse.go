package pipeline

import (
	"bytes"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// Parse reads a pipeline definition. Parameters become typed parameters,
// steps become steps known only by their JSON, whose arguments hold params
// expressions wherever the JSON has a Get, Std:Join or Std:JsonGet, and condition
// branches are parsed recursively, so that the DAG, Validate and the
// engines work on a parsed pipeline as on a built one.
//
// Parse accepts only what it can write back: for every definition it
// accepts, Definition of the result (when Definition does not refuse it)
// is the input in Python's json.dumps form, byte for byte for the SDK's own
// output. Beyond what the SDK writes, it accepts what the definition
// schema allows in the header (a parameter Description, string Metadata
// members, a Float default written as an integer) and keeps it as written;
// a step's DependsOn and RetryPolicies count wherever they stand in the
// step object. A definition carries no pipeline name; set one with
// WithName.
func Parse(data []byte) (*Pipeline, error) {
	tree, err := pyjson.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	p, err := parseTree(tree)
	if err != nil {
		return nil, err
	}
	got, err := p.encode(p.compile())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	if bytes.Equal(got, data) {
		return p, nil // the input was in json.dumps form already
	}
	want, err := pyjson.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		return nil, fmt.Errorf("%w: the definition cannot be written back as read (first difference at byte %d of its canonical form)", ErrParse, i)
	}
	return p, nil
}

type parser struct {
	params map[string]params.Parameter
}

func parseErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrParse}, args...)...)
}

// keysAre checks that o has exactly the given keys in that order.
func keysAre(o *pyjson.Object, keys ...string) bool {
	if o.Len() != len(keys) {
		return false
	}
	i := 0
	for k := range o.Members() {
		if k != keys[i] {
			return false
		}
		i++
	}
	return true
}

func parseTree(tree any) (*Pipeline, error) {
	doc, ok := tree.(*pyjson.Object)
	if !ok || !keysAre(doc, "Version", "Metadata", "Parameters", "PipelineExperimentConfig", "Steps") {
		return nil, parseErr("the document must be an object with Version, Metadata, Parameters, PipelineExperimentConfig and Steps, in that order")
	}
	if v, _ := doc.Get("Version"); v != definitionVersion {
		return nil, parseErr("Version is %v, want %q", v, definitionVersion)
	}
	ps := &parser{params: map[string]params.Parameter{}}
	p := New("")
	m, _ := doc.Get("Metadata")
	meta, ok := m.(*pyjson.Object)
	if !ok {
		return nil, parseErr("Metadata must be an object of strings")
	}
	for k, v := range meta.Members() {
		if _, ok := v.(string); !ok {
			return nil, parseErr("Metadata must be an object of strings; %q is not a string", k)
		}
		p.metadata = append(p.metadata, stepdef.Member{Key: k, Value: v})
	}

	rawParams, _ := doc.Get("Parameters")
	list, ok := rawParams.([]any)
	if !ok {
		return nil, parseErr("Parameters must be a list")
	}
	prms := make([]params.Parameter, 0, len(list))
	for i, e := range list {
		prm, form, err := parseParameter(e)
		if err != nil {
			return nil, fmt.Errorf("parameter %d: %w", i, err)
		}
		if form.descAt >= 0 || form.intDefault != nil {
			if p.forms == nil {
				p.forms = map[params.Parameter]paramForm{}
			}
			p.forms[prm] = form
		}
		if _, dup := ps.params[prm.Name()]; !dup {
			ps.params[prm.Name()] = prm
		}
		prms = append(prms, prm)
	}
	p = p.Parameters(prms...)

	exp, _ := doc.Get("PipelineExperimentConfig")
	switch x := exp.(type) {
	case nil:
		p = p.NoExperimentConfig()
	case *pyjson.Object:
		if !keysAre(x, "ExperimentName", "TrialName") {
			return nil, parseErr("PipelineExperimentConfig must have ExperimentName and TrialName")
		}
		n, _ := x.Get("ExperimentName")
		t, _ := x.Get("TrialName")
		ne, ok1 := ps.expr(n)
		te, ok2 := ps.expr(t)
		if !ok1 || !ok2 {
			return nil, parseErr("PipelineExperimentConfig values must be strings or expressions")
		}
		p = p.ExperimentConfig(params.Unchecked[string](ne), params.Unchecked[string](te))
	default:
		return nil, parseErr("PipelineExperimentConfig must be an object or null")
	}

	rawSteps, _ := doc.Get("Steps")
	sl, ok := rawSteps.([]any)
	if !ok {
		return nil, parseErr("Steps must be a list")
	}
	es := make([]steps.Entity, 0, len(sl))
	for i, e := range sl {
		s, err := ps.step(e)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
		es = append(es, s)
	}
	return p.Steps(es...), nil
}

// parseParameter reads a parameter object. The SDK's members must come in
// the order the SDK writes them (Name, Type, DefaultValue, EnumValues), so
// that the definition is written back as read; a Description, which the
// schema allows and the SDK never writes, may stand anywhere. A Float
// default may be written as an integer.
func parseParameter(v any) (params.Parameter, paramForm, error) {
	form := paramForm{descAt: -1}
	o, ok := v.(*pyjson.Object)
	if !ok {
		return nil, form, parseErr("not an object")
	}
	nameV, _ := o.Get("Name")
	typV, _ := o.Get("Type")
	name, ok1 := nameV.(string)
	typ, ok2 := typV.(string)
	if !ok1 || !ok2 {
		return nil, form, parseErr("Name and Type must be strings")
	}
	var keys []string
	i := 0
	for k, val := range o.Members() {
		if k == "Description" && form.descAt < 0 {
			if _, ok := val.(string); !ok {
				return nil, form, parseErr("parameter %q: Description must be a string", name)
			}
			form.description, form.descAt = val, i
		} else {
			keys = append(keys, k)
		}
		i++
	}
	def, hasDef := o.Get("DefaultValue")
	enumV, hasEnum := o.Get("EnumValues")
	want := []string{"Name", "Type"}
	if hasDef {
		want = append(want, "DefaultValue")
	}
	if hasEnum {
		want = append(want, "EnumValues")
	}
	if !slices.Equal(keys, want) {
		return nil, form, parseErr("parameter %q: members are %q; they must be Name, Type, DefaultValue (optional), EnumValues (optional), in that order, since Parse writes the definition back as read (a Description may stand anywhere)", name, o.Keys())
	}
	if hasEnum && typ != string(params.TypeString) {
		return nil, form, parseErr("parameter %q: EnumValues on a %s parameter", name, typ)
	}
	bad := func() error { return parseErr("parameter %q: default %v does not fit type %s", name, def, typ) }
	switch params.Type(typ) {
	case params.TypeString:
		prm := params.String(name)
		if hasDef {
			s, ok := def.(string)
			if !ok {
				return nil, form, bad()
			}
			prm = prm.WithDefault(s)
		}
		if hasEnum {
			l, ok := enumV.([]any)
			if !ok || len(l) == 0 {
				return nil, form, parseErr("parameter %q: EnumValues must be a non-empty list of strings", name)
			}
			vals := make([]string, len(l))
			for i, e := range l {
				if vals[i], ok = e.(string); !ok {
					return nil, form, parseErr("parameter %q: EnumValues must be a non-empty list of strings", name)
				}
			}
			prm = prm.WithEnum(vals...)
		}
		return prm, form, nil
	case params.TypeInteger:
		prm := params.Integer(name)
		if hasDef {
			n, ok := def.(int64)
			if !ok || int64(int(n)) != n {
				return nil, form, bad()
			}
			prm = prm.WithDefault(int(n))
		}
		return prm, form, nil
	case params.TypeFloat:
		prm := params.Float(name)
		if hasDef {
			switch d := def.(type) {
			case float64:
				prm = prm.WithDefault(d)
			case int64:
				// The schema's "number": kept as written.
				if f := float64(d); f < -(1<<63) || f >= 1<<63 || int64(f) != d {
					return nil, form, bad()
				}
				prm = prm.WithDefault(float64(d))
				form.intDefault = d
			default:
				return nil, form, bad()
			}
		}
		return prm, form, nil
	case params.TypeBoolean:
		prm := params.Boolean(name)
		if hasDef {
			b, ok := def.(bool)
			if !ok {
				return nil, form, bad()
			}
			prm = prm.WithDefault(b)
		}
		return prm, form, nil
	}
	return nil, form, parseErr("parameter %q: unknown type %q", name, typ)
}

// envelopeKeys are the keys of a step envelope, in definition order.
var envelopeKeys = []string{"DependsOn", "DisplayName", "Description", "RetryPolicies"}

func (ps *parser) step(v any) (steps.Step, error) {
	o, ok := v.(*pyjson.Object)
	if !ok {
		return nil, parseErr("a step must be an object")
	}
	var spec stepdef.RawSpec[steps.Step]
	i := 0
	stage := 0 // next envelope key index that may follow
	inTrailer := false
	for k, val := range o.Members() {
		switch i {
		case 0, 1:
			want := [...]string{"Name", "Type"}[i]
			s, ok := val.(string)
			if k != want || !ok {
				return nil, parseErr("a step must start with string members Name and Type")
			}
			if i == 0 {
				spec.Name = s
			} else {
				spec.Type = s
			}
		case 2:
			if k != "Arguments" {
				return nil, parseErr("step %q: Arguments must follow Type", spec.Name)
			}
			args, err := ps.arguments(spec.Name, steps.Type(spec.Type), val, &spec)
			if err != nil {
				return nil, err
			}
			spec.Arguments = args
		default:
			if !inTrailer {
				if j := indexOf(envelopeKeys, k); j >= stage && ps.envelope(&spec.Envelope, k, val) {
					stage = j + 1
					break
				}
				inTrailer = true
			}
			// The service ignores key order: a dependency or retry
			// policy elsewhere still counts, and is written back in its
			// place by the trailer.
			if (k == "DependsOn" || k == "RetryPolicies") && !slices.Contains(spec.Envelope.Trailing, k) &&
				!hasEnvelopeMember(spec.Envelope, k) && ps.envelope(&spec.Envelope, k, val) {
				spec.Envelope.Trailing = append(spec.Envelope.Trailing, k)
			}
			spec.Trailer = append(spec.Trailer, stepdef.Member{Key: k, Value: ps.convert(val)})
		}
		i++
	}
	if i < 3 {
		return nil, parseErr("a step must have Name, Type and Arguments")
	}
	return stepProtocol().NewRaw(spec), nil
}

// hasEnvelopeMember reports whether env holds k already (a definition
// with the key twice keeps the first as the envelope's).
func hasEnvelopeMember(env stepdef.Envelope[steps.Step], k string) bool {
	if k == "DependsOn" {
		return len(env.DependsOn) > 0
	}
	return len(env.RetryPolicies) > 0
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}

// envelope stores an envelope member if it has the form a step envelope
// writes, and reports whether it did.
func (ps *parser) envelope(env *stepdef.Envelope[steps.Step], k string, v any) bool {
	switch k {
	case "DependsOn":
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return false
		}
		names := make([]string, len(l))
		for i, e := range l {
			if names[i], ok = e.(string); !ok {
				return false
			}
		}
		env.DependsOn = names
	case "RetryPolicies":
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return false
		}
		for _, e := range l {
			if _, ok := retryPolicy(e); !ok {
				return false
			}
		}
		env.RetryPolicies = l
	case "DisplayName", "Description":
		s, ok := v.(string)
		if !ok || s == "" {
			return false
		}
		if k == "DisplayName" {
			env.DisplayName = s
		} else {
			env.Description = s
		}
	default:
		return false
	}
	return true
}

// retryPolicy reads a retry policy that steps.RetryPolicy writes back
// exactly: a float BackoffRate and an integer IntervalSeconds (neither
// zero), exactly one of MaxAttempts and ExpireAfterMin, and ExceptionType.
func retryPolicy(v any) (steps.RetryPolicy, bool) {
	o, ok := v.(*pyjson.Object)
	if !ok {
		return steps.RetryPolicy{}, false
	}
	limit := "MaxAttempts"
	if _, ok := o.Get("ExpireAfterMin"); ok {
		limit = "ExpireAfterMin"
	}
	if !keysAre(o, "BackoffRate", "IntervalSeconds", limit, "ExceptionType") {
		return steps.RetryPolicy{}, false
	}
	rateV, _ := o.Get("BackoffRate")
	intervalV, _ := o.Get("IntervalSeconds")
	limitV, _ := o.Get(limit)
	typesV, _ := o.Get("ExceptionType")
	rate, ok1 := rateV.(float64)
	interval, ok2 := smallInt(intervalV)
	n, ok3 := smallInt(limitV)
	list, ok4 := typesV.([]any)
	if !ok1 || !ok2 || !ok3 || !ok4 || rate == 0 || interval == 0 || n == 0 {
		return steps.RetryPolicy{}, false
	}
	p := steps.RetryPolicy{BackoffRate: rate, IntervalSeconds: interval, ExceptionTypes: make([]string, len(list))}
	for i, e := range list {
		if p.ExceptionTypes[i], ok = e.(string); !ok {
			return steps.RetryPolicy{}, false
		}
	}
	if limit == "MaxAttempts" {
		p.MaxAttempts = n
	} else {
		p.ExpireAfterMin = n
	}
	return p, true
}

func smallInt(v any) (int, bool) {
	n, ok := v.(int64)
	if !ok || int64(int(n)) != n {
		return 0, false
	}
	return int(n), true
}

func (ps *parser) arguments(name string, typ steps.Type, v any, spec *stepdef.RawSpec[steps.Step]) (any, error) {
	o, ok := v.(*pyjson.Object)
	if typ != steps.TypeCondition || !ok {
		return ps.convert(v), nil
	}
	out := pyjson.NewObject()
	for k, e := range o.Members() {
		if k != "IfSteps" && k != "ElseSteps" {
			out.Set(k, ps.convert(e))
			continue
		}
		l, ok := e.([]any)
		if !ok {
			return nil, parseErr("condition %q: %s must be a list of steps", name, k)
		}
		branch := make([]steps.Step, 0, len(l))
		for i, be := range l {
			s, err := ps.step(be)
			if err != nil {
				return nil, fmt.Errorf("condition %q: %s[%d]: %w", name, k, i, err)
			}
			branch = append(branch, s)
		}
		if k == "IfSteps" {
			spec.IfSteps = branch
		} else {
			spec.ElseSteps = branch
		}
		out.Set(k, nil) // placeholder; the protocol's NewRaw writes the branch steps here
	}
	return out, nil
}

// convert turns expression objects into params expressions, recursively.
func (ps *parser) convert(v any) any {
	switch x := v.(type) {
	case *pyjson.Object:
		if e, ok := ps.exprObject(x); ok {
			return e
		}
		out := pyjson.NewObject()
		for k, e := range x.Members() {
			out.Set(k, ps.convert(e))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ps.convert(e)
		}
		return out
	}
	return v
}

// expr converts a value that may appear inside an expression: a scalar or
// an expression object.
func (ps *parser) expr(v any) (params.Expr, bool) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64, *big.Int:
		return params.From(x), true
	case *pyjson.Object:
		return ps.exprObject(x)
	}
	return nil, false
}

func (ps *parser) exprObject(o *pyjson.Object) (params.Expr, bool) {
	if o.Len() != 1 {
		return nil, false
	}
	for k, v := range o.Members() {
		switch k {
		case "Get":
			s, ok := v.(string)
			if !ok {
				return nil, false
			}
			return ps.get(s)
		case "Std:Join":
			j, ok := v.(*pyjson.Object)
			if !ok || !keysAre(j, "On", "Values") {
				return nil, false
			}
			onV, _ := j.Get("On")
			valsV, _ := j.Get("Values")
			on, ok1 := onV.(string)
			vals, ok2 := valsV.([]any)
			if !ok1 || !ok2 {
				return nil, false
			}
			es := make([]any, len(vals))
			for i, e := range vals {
				ex, ok := ps.expr(e)
				if !ok {
					return nil, false
				}
				es[i] = ex
			}
			return params.Join(on, es...).Expr(), true
		case "Std:JsonGet":
			return ps.jsonGet(v)
		}
	}
	return nil, false
}

func (ps *parser) jsonGet(v any) (params.Expr, bool) {
	j, ok := v.(*pyjson.Object)
	if !ok || j.Len() != 2 {
		return nil, false
	}
	pathV, _ := j.Get("Path")
	path, ok := pathV.(string)
	if !ok {
		return nil, false
	}
	switch {
	case keysAre(j, "PropertyFile", "Path"):
		pf, _ := j.Get("PropertyFile")
		pfo, ok := pf.(*pyjson.Object)
		if !ok || !keysAre(pfo, "Get") {
			return nil, false
		}
		g, _ := pfo.Get("Get")
		gs, ok := g.(string)
		if !ok {
			return nil, false
		}
		rest, ok := strings.CutPrefix(gs, "Steps.")
		if !ok {
			return nil, false
		}
		step, file, ok := strings.Cut(rest, ".PropertyFiles.")
		if !ok || strings.Contains(step, ".") {
			return nil, false
		}
		return params.JsonGet[string](params.StepName(step), file, path).Expr(), true
	case keysAre(j, "S3Uri", "Path"):
		s3, _ := j.Get("S3Uri")
		e, ok := ps.expr(s3)
		if !ok {
			return nil, false
		}
		return params.JsonGetS3[string](params.Unchecked[string](e), path).Expr(), true
	}
	return nil, false
}

// get parses a Get path. Paths of unknown shape stay plain objects.
func (ps *parser) get(path string) (params.Expr, bool) {
	root, rest, ok := strings.Cut(path, ".")
	if !ok {
		return nil, false
	}
	switch root {
	case "Parameters":
		if prm, ok := ps.params[rest]; ok {
			return prm.Expr(), true
		}
		// Undeclared: keep the reference so Validate can report it.
		return params.String(rest).Expr(), true
	case "Execution":
		return params.ExecutionVariable(rest).Expr(), true
	case "PipelineExperimentConfig":
		return params.ExperimentField(rest).Expr(), true
	case "Steps":
		step, prop, hasProp := strings.Cut(rest, ".")
		if hasProp && prop == "" {
			return nil, false
		}
		return params.StepProperty[string](params.StepName(step), prop).Expr(), true
	}
	return nil, false
}
