package boost

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Generic document values, shared by the JSON and UBJSON readers. The
// accessors below convert them to the types a model needs and name the
// offending field in every error.

func docErr(path string, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrModelFormat, path, fmt.Sprintf(format, args...))
}

func docObject(v any, path string) (map[string]any, error) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, docErr(path, "want an object, have %s", docKind(v))
	}
	return o, nil
}

func docField(o map[string]any, key, path string) (any, error) {
	v, ok := o[key]
	if !ok {
		return nil, docErr(path, "missing %q", key)
	}
	return v, nil
}

func docObjectField(o map[string]any, key, path string) (map[string]any, error) {
	v, err := docField(o, key, path)
	if err != nil {
		return nil, err
	}
	return docObject(v, path+"."+key)
}

func docString(v any, path string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", docErr(path, "want a string, have %s", docKind(v))
	}
	return s, nil
}

func docStringField(o map[string]any, key, path string) (string, error) {
	v, err := docField(o, key, path)
	if err != nil {
		return "", err
	}
	return docString(v, path+"."+key)
}

// intString parses a parameter written as a decimal string (XGBoost writes
// every model parameter as a string), accepting a number too.
func docIntParam(o map[string]any, key, path string, lo, hi int64) (int64, error) {
	v, err := docField(o, key, path)
	if err != nil {
		return 0, err
	}
	var n int64
	if s, ok := v.(string); ok {
		n, err = strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, docErr(path+"."+key, "not an integer: %q", s)
		}
	} else if n, err = docInt(v, path+"."+key); err != nil {
		return 0, err
	}
	if n < lo || n > hi {
		return 0, docErr(path+"."+key, "%d out of range [%d, %d]", n, lo, hi)
	}
	return n, nil
}

// docInt converts a scalar number with an integral value.
func docInt(v any, path string) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, docErr(path, "not an integer: %s", x)
		}
		return int64(f), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, docErr(path, "not an integer: %v", x)
		}
		return int64(x), nil
	case float32:
		if x != float32(math.Trunc(float64(x))) || math.Abs(float64(x)) > 1<<24 {
			return 0, docErr(path, "not an integer: %v", x)
		}
		return int64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	}
	return 0, docErr(path, "want an integer, have %s", docKind(v))
}

func docFloat32(v any, path string) (float32, error) {
	switch x := v.(type) {
	case float32:
		return x, nil
	case float64:
		return float32(x), nil
	case int64:
		return float32(x), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 32)
		if err != nil && !docRangeErr(err) {
			return 0, docErr(path, "not a number: %s", x)
		}
		return float32(f), nil
	case string: // NaN and infinities, which JSON cannot spell as numbers
		f, err := strconv.ParseFloat(x, 32)
		if err != nil && !docRangeErr(err) {
			return 0, docErr(path, "not a number: %q", x)
		}
		return float32(f), nil
	}
	return 0, docErr(path, "want a number, have %s", docKind(v))
}

func docRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func docInt32s(v any, path string) ([]int32, error) {
	switch x := v.(type) {
	case []int32:
		return x, nil
	case []uint8:
		out := make([]int32, len(x))
		for i, e := range x {
			out[i] = int32(e)
		}
		return out, nil
	case []int8:
		out := make([]int32, len(x))
		for i, e := range x {
			out[i] = int32(e)
		}
		return out, nil
	case []int64:
		out := make([]int32, len(x))
		for i, e := range x {
			if e < math.MinInt32 || e > math.MaxInt32 {
				return nil, docErr(fmt.Sprintf("%s[%d]", path, i), "%d overflows int32", e)
			}
			out[i] = int32(e)
		}
		return out, nil
	case []any:
		out := make([]int32, len(x))
		for i, e := range x {
			n, err := docInt(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, docErr(fmt.Sprintf("%s[%d]", path, i), "%d overflows int32", n)
			}
			out[i] = int32(n)
		}
		return out, nil
	}
	return nil, docErr(path, "want an integer array, have %s", docKind(v))
}

func docFloat32s(v any, path string) ([]float32, error) {
	switch x := v.(type) {
	case []float32:
		return x, nil
	case []float64:
		out := make([]float32, len(x))
		for i, e := range x {
			out[i] = float32(e)
		}
		return out, nil
	case []any:
		out := make([]float32, len(x))
		for i, e := range x {
			f, err := docFloat32(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	case []int32, []int64, []uint8, []int8:
		ints, err := docInt32s(v, path)
		if err != nil {
			return nil, err
		}
		out := make([]float32, len(ints))
		for i, e := range ints {
			out[i] = float32(e)
		}
		return out, nil
	}
	return nil, docErr(path, "want a number array, have %s", docKind(v))
}

func docBools(v any, path string) ([]bool, error) {
	if x, ok := v.([]any); ok {
		out := make([]bool, len(x))
		for i, e := range x {
			n, err := docInt(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = n != 0
		}
		return out, nil
	}
	ints, err := docInt32s(v, path)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(ints))
	for i, e := range ints {
		out[i] = e != 0
	}
	return out, nil
}

func docStrings(v any, path string) ([]string, error) {
	x, ok := v.([]any)
	if !ok {
		return nil, docErr(path, "want an array of strings, have %s", docKind(v))
	}
	out := make([]string, len(x))
	for i, e := range x {
		s, err := docString(e, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// docArrayLen is the length of any array value, or -1.
func docArrayLen(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case []float32:
		return len(x)
	case []float64:
		return len(x)
	case []int32:
		return len(x)
	case []int64:
		return len(x)
	case []uint8:
		return len(x)
	case []int8:
		return len(x)
	}
	return -1
}

func docKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, int64, float64, float32:
		return "a number"
	}
	if docArrayLen(v) >= 0 {
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
