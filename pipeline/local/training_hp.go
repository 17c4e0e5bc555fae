package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ErrHyperParameter reports a hyperparameter whose value is not of the
// type asked for.
var ErrHyperParameter = errors.New("local: bad hyperparameter")

// HyperParameters are a training job's hyperparameters as SageMaker passes
// them to the container: names to strings. A framework estimator's values
// are JSON-encoded ("\"reg:squarederror\"", "0.3"), a generic one's are
// plain; the typed accessors read both, decoding JSON where the value is
// JSON as SageMaker's training toolkit does.
type HyperParameters map[string]string

// Value returns name's value as SageMaker's training toolkit gives it to
// a script: the JSON value it encodes (string, float64, bool, nil,
// []any, map[string]any), or the string itself when it is not JSON.
func (h HyperParameters) Value(name string) (any, bool) {
	s, ok := h[name]
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s, true
	}
	return v, true
}

// String returns name's value as a string (a JSON-encoded string
// decoded), or def when it is not set.
func (h HyperParameters) String(name, def string) string {
	v, ok := h.Value(name)
	if !ok {
		return def
	}
	if s, ok := v.(string); ok {
		return s
	}
	return h[name]
}

// Float returns name's value as a number, or def when it is not set.
func (h HyperParameters) Float(name string, def float64) (float64, error) {
	v, ok := h.Value(name)
	if !ok {
		return def, nil
	}
	switch t := v.(type) {
	case float64:
		return t, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%w: %q = %s is not a number", ErrHyperParameter, name, h[name])
}

// Int returns name's value as an integer ("3", "3.0" and "\"3\"" all
// give 3), or def when it is not set.
func (h HyperParameters) Int(name string, def int) (int, error) {
	if _, ok := h[name]; !ok {
		return def, nil
	}
	f, err := h.Float(name, 0)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("%w: %q = %s is not an integer", ErrHyperParameter, name, h[name])
	}
	return int(f), nil
}

// Bool returns name's value as a boolean (true, "true", "True", "1" and
// their opposites), or def when it is not set.
func (h HyperParameters) Bool(name string, def bool) (bool, error) {
	v, ok := h.Value(name)
	if !ok {
		return def, nil
	}
	switch t := v.(type) {
	case bool:
		return t, nil
	case float64:
		if t == 0 || t == 1 {
			return t == 1, nil
		}
	case string:
		if b, err := strconv.ParseBool(t); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("%w: %q = %s is not a boolean", ErrHyperParameter, name, h[name])
}

// User returns the hyperparameters without SageMaker's own (sagemaker_*
// and _tuning_objective_metric), as the training toolkit's SM_HPS holds
// them, decoded as Value decodes them.
func (h HyperParameters) User() map[string]any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if strings.HasPrefix(k, "sagemaker_") || k == "_tuning_objective_metric" {
			continue
		}
		out[k], _ = h.Value(k)
	}
	return out
}
