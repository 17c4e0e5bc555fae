package local

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"

	"github.com/sagepipe/sagepipe/pipeline"
)

// paramValues returns every parameter's value for a run: the override
// when one is given, the default otherwise. Overrides are checked against
// the declarations: a name the pipeline does not declare, a value of the
// wrong Go type (a string for an Integer parameter), a value outside a
// String parameter's enum values, or a parameter with neither default nor
// override is an error naming the parameter. All problems are returned
// at once.
func paramValues(d *definition, overrides map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(d.params))
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, &pipeline.ParameterError{Parameter: name,
			Err: fmt.Errorf("%w: "+format, append([]any{ErrParameter}, args...)...)})
	}
	declared := map[string]bool{}
	for _, p := range d.params {
		declared[p.name] = true
		v, ok := overrides[p.name]
		if !ok {
			if !p.hasDef {
				bad(p.name, "no value given and no default")
				continue
			}
			v = p.def
		}
		c, err := convertParam(p.typ, v)
		if err != nil {
			bad(p.name, "%s parameter: %v", p.typ, err)
			continue
		}
		if s, ok := c.(string); ok && len(p.enum) > 0 && !slices.Contains(p.enum, s) {
			bad(p.name, "%q is not one of the enum values %q", s, p.enum)
			continue
		}
		out[p.name] = c
	}
	var unknown []string
	for name := range overrides {
		if !declared[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		bad(name, "the pipeline declares no such parameter")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// convertParam returns v in the canonical Go type of a parameter type:
// string, int64, float64 or bool.
func convertParam(typ string, v any) (any, error) {
	switch typ {
	case "String":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "Integer":
		switch n := v.(type) {
		case int:
			return int64(n), nil
		case int8:
			return int64(n), nil
		case int16:
			return int64(n), nil
		case int32:
			return int64(n), nil
		case int64:
			return n, nil
		case uint8:
			return int64(n), nil
		case uint16:
			return int64(n), nil
		case uint32:
			return int64(n), nil
		case *big.Int:
			if n.IsInt64() {
				return n.Int64(), nil
			}
			return nil, fmt.Errorf("%v does not fit in 64 bits", n)
		}
	case "Float":
		switch n := v.(type) {
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, fmt.Errorf("%v has no JSON form", n)
			}
			return n, nil
		case float32:
			return float64(n), nil
		case int:
			return float64(n), nil
		case int64:
			return float64(n), nil
		case int32:
			return float64(n), nil
		}
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	default:
		return nil, fmt.Errorf("unknown parameter type %q", typ)
	}
	return nil, fmt.Errorf("got %T %v", v, v)
}
