package local

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// CallFunc is the Go implementation of a Lambda or Callback step: it gets
// the step's resolved inputs and returns its output parameters by name,
// each of the declared type (string, an integer type, float64 or bool).
type CallFunc func(ctx context.Context, call *Call) (map[string]any, error)

// Call is a Lambda function invocation or a Callback step's message.
type Call struct {
	Job
	// Target is the Lambda step's FunctionArn or the Callback step's
	// SqsQueueUrl.
	Target string
	// Inputs are the step's Arguments, resolved: strings, int64, float64,
	// bool, nil, []any and map[string]any.
	Inputs map[string]any
}

// Lambda binds fn to Lambda steps selected by key: a step name or a
// FunctionArn.
func (e *Engine) Lambda(key string, fn CallFunc) { e.bind("Lambda", key, fn) }

// Callback binds fn to Callback steps selected by key: a step name or an
// SqsQueueUrl. The function plays the part of whoever answers the
// callback: its output parameters are the ones sent back.
func (e *Engine) Callback(key string, fn CallFunc) { e.bind("Callback", key, fn) }

type callExecutor struct{ typ string }

func (callExecutor) cacheable() bool { return false }

func (callExecutor) keys(s *stepDef) []string { return []string{s.name, s.target} }

func (callExecutor) cacheKey(args *pyjson.Object) (any, []string) { return args, nil }

func (callExecutor) canned(c Canned) any {
	return CallFunc(func(ctx context.Context, call *Call) (map[string]any, error) {
		if err := c.apply(&call.Job); err != nil {
			return nil, err
		}
		return c.OutputParameters, nil
	})
}

func (x callExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	fn, ok := impl.(CallFunc)
	if !ok {
		return nil, fmt.Errorf("%w: the binding is a %T, not a CallFunc", ErrUnbound, impl)
	}
	in, _ := plain(a.args).(map[string]any)
	if in == nil {
		in = map[string]any{}
	}
	out, err := fn(ctx, &Call{Job: a.job(), Target: a.step.target, Inputs: in})
	if err != nil {
		return nil, err
	}
	ops := pyjson.NewObject()
	var errs []string
	declared := map[string]bool{}
	for _, o := range a.step.outputs {
		declared[o.name] = true
		v, ok := out[o.name]
		if !ok {
			errs = append(errs, fmt.Sprintf("%q is missing", o.name))
			continue
		}
		c, err := outputValue(o.typ, v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%q: %v", o.name, err))
			continue
		}
		ops.Set(o.name, c)
	}
	var extra []string
	for k := range out {
		if !declared[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		errs = append(errs, fmt.Sprintf("%q is not declared", k))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %v", ErrOutputParameters, errs)
	}
	props := pyjson.NewObject().Set("OutputParameters", ops)
	return &result{properties: props}, nil
}

// outputValue converts a returned output parameter to its declared type.
func outputValue(typ string, v any) (any, error) {
	switch typ {
	case "String":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "Integer", "Float":
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return nil, fmt.Errorf("%v has no JSON form", f)
		}
		if c, err := convertParam(typ, v); err == nil {
			return c, nil
		}
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	}
	return nil, fmt.Errorf("want %s, got %T", typ, v)
}

// plain turns a resolved tree into Go maps and slices.
func plain(v any) any {
	switch t := v.(type) {
	case *pyjson.Object:
		m := make(map[string]any, t.Len())
		for k, x := range t.Members() {
			m[k] = plain(x)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plain(x)
		}
		return out
	}
	return v
}
