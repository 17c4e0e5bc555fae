package steps

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
)

// isNil reports whether e is nil or holds a nil pointer (a typed nil step
// such as (*ProcessingStep)(nil), whose methods would panic).
func isNil(e Entity) bool {
	if e == nil {
		return true
	}
	v := reflect.ValueOf(e)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func cloneSlice[S ~[]E, E any](s S) S { return slices.Clone(s) }

// exprOf returns the expression of a typed input for the argument tree, or
// nil (JSON null) when the input is unset.
func exprOf[T params.Primitive](in params.Input[T]) any {
	if in == nil {
		return nil
	}
	return in.Value().Expr()
}

// exprList renders a list of inputs; an unset entry is null.
func exprList[T params.Primitive](ins []params.Input[T]) []any {
	out := make([]any, len(ins))
	for i, in := range ins {
		out[i] = exprOf(in)
	}
	return out
}

// exprOfAny is exprOf for a value of any type: nil (JSON null) when
// unset.
func exprOfAny(x params.Exprer) any {
	if x == nil {
		return nil
	}
	return x.Expr()
}

// orValue returns the input's expression, or def when it is unset.
//
// def is an any, not a T, so that a constant default is boxed statically
// rather than allocated on every call; callers pass a value of type T.
func orValue[T params.Primitive](in params.Input[T], def any) any {
	if in != nil {
		if e := in.Value().Expr(); e != nil {
			return e
		}
	}
	return def
}

// optional returns the input's expression and true, unless the input is
// unset or a literal zero value ("", 0, false), which the SDK leaves out
// as it leaves out falsy settings.
func optional[T params.Primitive](in params.Input[T]) (any, bool) {
	if in == nil {
		return nil, false
	}
	e := in.Value().Expr()
	if e == nil {
		return nil, false
	}
	if l, ok := e.(params.Literal); ok {
		switch v := l.Value().(type) {
		case string:
			return v, v != ""
		case int64:
			return v, v != 0
		case float64:
			return v, v != 0
		case bool:
			return v, v
		}
	}
	return e, true
}

// setOpt sets key to the input's value when optional reports it.
func setOpt[T params.Primitive](o *pyjson.Object, key string, in params.Input[T]) {
	if v, ok := optional(in); ok {
		o.Set(key, v)
	}
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orEmpty(env *Env) *Env {
	if env == nil {
		return &Env{}
	}
	return env
}

// membersObject renders ordered members as an object; values may be Go
// literals or params values.
func membersObject(ms []Member) *pyjson.Object {
	o := pyjson.NewObject()
	for _, m := range ms {
		o.Set(m.Key, anyValue(m.Value))
	}
	return o
}

func tagList(ts []Tag) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t.object()
	}
	return out
}

// anyValue turns a user-supplied untyped value into a tree leaf: params
// values and expressions become their expression, anything else is kept.
func anyValue(v any) any {
	switch x := v.(type) {
	case interface{ Expr() params.Expr }:
		return x.Expr()
	}
	return v
}

var imageBaseRE = regexp.MustCompile(`^(.+/)?([^:/]+)(:[^:]+)?$`)

// BaseNameFromImage returns the algorithm name the SDK derives from an image
// URI for default job names: the repository name without registry and tag
// ("…/sagemaker-xgboost:1.7-1" → "sagemaker-xgboost").
func BaseNameFromImage(image string) string {
	if image == "" {
		return ""
	}
	if m := imageBaseRE.FindStringSubmatch(image); m != nil {
		return m[2]
	}
	return image
}

// Deep copies of the configuration structs, so that a step never shares
// mutable state with the values it was built from.

func (e Estimator) clone() Estimator {
	e.HyperParameters = cloneMembers(e.HyperParameters)
	e.MetricDefinitions = cloneSlice(e.MetricDefinitions)
	e.Subnets = cloneSlice(e.Subnets)
	e.SecurityGroupIDs = cloneSlice(e.SecurityGroupIDs)
	e.Environment = cloneMembers(e.Environment)
	e.Tags = cloneSlice(e.Tags)
	if e.Framework != nil {
		f := *e.Framework
		f.Dependencies = cloneSlice(f.Dependencies)
		e.Framework = &f
	}
	return e
}

func (p Processor) clone() Processor {
	p.Command = cloneSlice(p.Command)
	p.Entrypoint = cloneSlice(p.Entrypoint)
	p.Environment = cloneMembers(p.Environment)
	p.Tags = cloneSlice(p.Tags)
	if p.Network != nil {
		n := *p.Network
		n.SecurityGroupIDs = cloneSlice(n.SecurityGroupIDs)
		n.Subnets = cloneSlice(n.Subnets)
		p.Network = &n
	}
	return p
}

func (j ProcessingJob) clone() ProcessingJob {
	j.Inputs = cloneSlice(j.Inputs)
	j.Outputs = cloneSlice(j.Outputs)
	j.Arguments = cloneSlice(j.Arguments)
	return j
}

func (t Tuner) clone() Tuner {
	t.Estimator = t.Estimator.clone()
	t.Ranges = cloneSlice(t.Ranges)
	for i, r := range t.Ranges {
		if c, ok := r.(CategoricalRange); ok {
			c.Values = cloneValue(c.Values).([]any)
			t.Ranges[i] = c
		}
	}
	t.MetricDefinitions = cloneSlice(t.MetricDefinitions)
	t.Tags = cloneSlice(t.Tags)
	t.RandomSeed = clonePtr(t.RandomSeed)
	t.Hyperband = clonePtr(t.Hyperband)
	if t.CompletionCriteria != nil {
		c := *t.CompletionCriteria
		c.TargetObjectiveValue = clonePtr(c.TargetObjectiveValue)
		t.CompletionCriteria = &c
	}
	if t.WarmStart != nil {
		w := *t.WarmStart
		w.Parents = cloneSlice(w.Parents)
		t.WarmStart = &w
	}
	return t
}

func (m Model) clone() Model {
	m.Environment = cloneMembers(m.Environment)
	m.Subnets = cloneSlice(m.Subnets)
	m.SecurityGroupIDs = cloneSlice(m.SecurityGroupIDs)
	m.Tags = cloneSlice(m.Tags)
	return m
}

func (r Registration) clone() Registration {
	r.Tags = cloneSlice(r.Tags)
	r.CustomerMetadata = cloneMembers(r.CustomerMetadata)
	r.ContentTypes = cloneSlice(r.ContentTypes)
	r.ResponseTypes = cloneSlice(r.ResponseTypes)
	r.InferenceInstances = cloneSlice(r.InferenceInstances)
	r.TransformInstances = cloneSlice(r.TransformInstances)
	if r.Metrics != nil {
		m := r.Metrics.clone()
		r.Metrics = &m
	}
	if r.DriftCheck != nil {
		d := r.DriftCheck.clone()
		r.DriftCheck = &d
	}
	return r
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

func cloneInputs(ins []TrainingInput) []TrainingInput {
	out := cloneSlice(ins)
	for i := range out {
		out[i].ShuffleSeed = clonePtr(out[i].ShuffleSeed)
	}
	return out
}

// imageBase is the SDK's base_name_from_image for an image that may be a
// pipeline variable: a literal's base name; for a String parameter with a
// default, its default's; else def (the job class's default name).
func imageBase(image params.Input[string], def string) string {
	if image == nil {
		return def
	}
	switch x := image.Value().Expr().(type) {
	case params.Literal:
		if s, ok := x.Value().(string); ok {
			return BaseNameFromImage(s)
		}
	case params.Get:
		if r := x.Ref(); r.Kind == params.RefParameter && r.Param != nil && r.Param.Type() == params.TypeString {
			if d, ok := r.Param.Default(); ok {
				if s, ok := d.(string); ok && s != "" {
					return BaseNameFromImage(s)
				}
			}
		}
	}
	return def
}

// modelCodePrefix is the SDK's model_code_key_prefix for a model without
// a name: the image's timestamped job name, or model_code/<epoch
// seconds> for an image given as a pipeline variable.
func modelCodePrefix(env *Env, image params.Input[string]) string {
	if isVariable(image) {
		return "model_code/" + strconv.FormatInt(env.now().Unix(), 10)
	}
	return env.JobName(imageBase(image, ""))
}

// literalString returns in's value when it is a string literal, "" when it
// is unset or a variable.
func literalString(in params.Input[string]) string {
	if in == nil {
		return ""
	}
	if l, ok := in.Value().Expr().(params.Literal); ok {
		if s, ok := l.Value().(string); ok {
			return s
		}
	}
	return ""
}

// logLevel renders a container log level as the SDK does: "20" when unset,
// str() of a literal, to_string() of a variable.
func logLevel(in params.Input[int]) any {
	if in == nil {
		return "20"
	}
	if l, ok := in.Value().Expr().(params.Literal); ok {
		if n, ok := l.Value().(int64); ok {
			return strconv.FormatInt(n, 10)
		}
	}
	return pyString(in.Value())
}
