package hpo

import (
	"fmt"
	"iter"
	"maps"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// Params is one trial's hyperparameters: every tuned parameter of the
// Space with its value. Values are handed out as SageMaker passes them to
// a training job, strings, and through typed accessors. A Params is
// immutable; the zero Params has no parameters.
type Params struct {
	space *Space
	x     point
}

// Strings returns the hyperparameters as SageMaker passes them: the
// parameter name to its value string. Continuous values are written as
// Python's repr writes a float ("0.25", "1e-05"), integers in decimal,
// categorical values as listed in their range.
func (p Params) Strings() map[string]string {
	return maps.Collect(p.All())
}

// All yields the parameters and their value strings in the Space's order.
func (p Params) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if p.space == nil {
			return
		}
		for i := range p.space.params {
			if !yield(p.space.params[i].Name, p.format(i)) {
				return
			}
		}
	}
}

func (p Params) format(i int) string {
	q := &p.space.params[i]
	v := p.x[i]
	switch q.Kind {
	case Categorical:
		return q.Values[int(v)]
	case Integer:
		return strconv.FormatInt(int64(v), 10)
	}
	b, err := pyjson.AppendFloat(nil, v)
	if err != nil { // unreachable: values are finite
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return string(b)
}

// Len returns the number of parameters.
func (p Params) Len() int { return len(p.x) }

// String returns name's value string; ok is false when name is not tuned.
func (p Params) String(name string) (v string, ok bool) {
	i, ok := p.lookup(name)
	if !ok {
		return "", false
	}
	return p.format(i), true
}

// Float returns the value of a Continuous or Integer parameter.
func (p Params) Float(name string) (float64, error) {
	i, ok := p.lookup(name)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrNoParam, name)
	}
	if k := p.space.params[i].Kind; k == Categorical {
		return 0, fmt.Errorf("hpo: hyperparameter %q is %s, not numeric", name, k)
	}
	return p.x[i], nil
}

// Int returns the value of an Integer parameter.
func (p Params) Int(name string) (int, error) {
	i, ok := p.lookup(name)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrNoParam, name)
	}
	if k := p.space.params[i].Kind; k != Integer {
		return 0, fmt.Errorf("hpo: hyperparameter %q is %s, not Integer", name, k)
	}
	return int(p.x[i]), nil
}

// Category returns a Categorical parameter's value and its index in the
// range's Values.
func (p Params) Category(name string) (string, int, error) {
	i, ok := p.lookup(name)
	if !ok {
		return "", 0, fmt.Errorf("%w: %q", ErrNoParam, name)
	}
	q := &p.space.params[i]
	if q.Kind != Categorical {
		return "", 0, fmt.Errorf("hpo: hyperparameter %q is %s, not Categorical", name, q.Kind)
	}
	k := int(p.x[i])
	return q.Values[k], k, nil
}

func (p Params) lookup(name string) (int, bool) {
	if p.space == nil {
		return 0, false
	}
	i, ok := p.space.index[name]
	return i, ok
}

// Parse reads hyperparameter strings into Params of s, as a warm start's
// earlier trials are given. Every tuned parameter must be present and
// within its range; other names are ignored (static hyperparameters).
func (s *Space) Parse(hp map[string]string) (Params, error) {
	x, err := s.parse(hp)
	if err != nil {
		return Params{}, err
	}
	return Params{space: s, x: x}, nil
}
