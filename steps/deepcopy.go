package steps

import (
	"reflect"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// cloneValue returns a copy of a user value (a Lambda input, a
// hyperparameter, a categorical range value) that shares no slice, map or
// ordered object with v, so that changing v after a step was built does not
// change the step. Params values and other immutable leaves are returned
// as they are; pointers are not followed.
func cloneValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int, int64, float64:
		return v
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case *pyjson.Object:
		if x == nil {
			return x
		}
		out := pyjson.NewObject()
		for k, e := range x.Members() {
			out.Set(k, cloneValue(e))
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		if rv.IsNil() {
			return v
		}
		out := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
		for i := range rv.Len() {
			out.Index(i).Set(cloneReflect(rv.Index(i)))
		}
		return out.Interface()
	case reflect.Map:
		if rv.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(rv.Type(), rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), cloneReflect(it.Value()))
		}
		return out.Interface()
	}
	return v
}

// cloneReflect is cloneValue for an element of a slice or map, kept
// assignable to the element type.
func cloneReflect(e reflect.Value) reflect.Value {
	if !e.CanInterface() {
		return e
	}
	c := cloneValue(e.Interface())
	if c == nil {
		return reflect.Zero(e.Type())
	}
	cv := reflect.ValueOf(c)
	if !cv.Type().AssignableTo(e.Type()) {
		return e
	}
	return cv
}

// cloneMembers copies ms and the values in it.
func cloneMembers(ms []Member) []Member {
	if ms == nil {
		return nil
	}
	out := make([]Member, len(ms))
	for i, m := range ms {
		out[i] = Member{Key: m.Key, Value: cloneValue(m.Value)}
	}
	return out
}

// cloneRetry copies retry policies with their exception types.
func cloneRetry(ps []RetryPolicy) []RetryPolicy {
	out := cloneSlice(ps)
	for i := range out {
		out[i].ExceptionTypes = cloneSlice(out[i].ExceptionTypes)
	}
	return out
}

// clone copies the metrics with their sources.
func (m ModelMetrics) clone() ModelMetrics {
	for _, p := range []**MetricsSource{&m.ModelStatistics, &m.ModelConstraints, &m.ModelDataStatistics,
		&m.ModelDataConstraints, &m.Bias, &m.BiasPreTraining, &m.BiasPostTraining, &m.Explainability} {
		*p = clonePtr(*p)
	}
	return m
}

// clone copies the baselines with their sources.
func (d DriftCheckBaselines) clone() DriftCheckBaselines {
	for _, p := range []**MetricsSource{&d.ModelStatistics, &d.ModelConstraints, &d.ModelDataStatistics,
		&d.ModelDataConstraints, &d.BiasPreTrainingConstraints, &d.BiasPostTrainingConstraints,
		&d.ExplainabilityConstraints} {
		*p = clonePtr(*p)
	}
	d.BiasConfigFile = clonePtr(d.BiasConfigFile)
	d.ExplainabilityConfigFile = clonePtr(d.ExplainabilityConfigFile)
	return d
}
