package hpo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Scaling is a range's ScalingType as SageMaker spells it.
type Scaling string

// The scaling types of SageMaker's ranges. The empty string means Auto.
const (
	ScalingAuto               Scaling = "Auto"
	ScalingLinear             Scaling = "Linear"
	ScalingLogarithmic        Scaling = "Logarithmic"
	ScalingReverseLogarithmic Scaling = "ReverseLogarithmic"
)

// autoLogRatio is the MaxValue/MinValue ratio from which Auto scaling
// searches a positive range on a logarithmic scale. SageMaker documents
// only that Auto "chooses the best scale"; this package's rule is: a range
// of positive values spanning at least two decades is searched
// logarithmically, any other range linearly. ReverseLogarithmic is never
// chosen by Auto.
const autoLogRatio = 100

// ContinuousRange is one entry of ContinuousParameterRanges in the
// definition JSON: a real hyperparameter between MinValue and MaxValue
// (decimal strings, inclusive).
type ContinuousRange struct {
	Name        string  `json:"Name"`
	MinValue    string  `json:"MinValue"`
	MaxValue    string  `json:"MaxValue"`
	ScalingType Scaling `json:"ScalingType,omitempty"`
}

// IntegerRange is one entry of IntegerParameterRanges: an integer
// hyperparameter between MinValue and MaxValue (inclusive).
type IntegerRange struct {
	Name        string  `json:"Name"`
	MinValue    string  `json:"MinValue"`
	MaxValue    string  `json:"MaxValue"`
	ScalingType Scaling `json:"ScalingType,omitempty"`
}

// CategoricalRange is one entry of CategoricalParameterRanges: a
// hyperparameter taking one of Values.
type CategoricalRange struct {
	Name   string   `json:"Name"`
	Values []string `json:"Values"`
}

// Ranges is the ParameterRanges object of a tuning job's
// HyperParameterTuningJobConfig; it unmarshals from the definition JSON
// with encoding/json once parameter expressions in it are resolved.
type Ranges struct {
	Continuous  []ContinuousRange  `json:"ContinuousParameterRanges,omitempty"`
	Categorical []CategoricalRange `json:"CategoricalParameterRanges,omitempty"`
	Integer     []IntegerRange     `json:"IntegerParameterRanges,omitempty"`
}

// Kind is the type of a tuned hyperparameter.
type Kind int

// The kinds of hyperparameters.
const (
	Continuous Kind = iota
	Integer
	Categorical
)

// String returns the range type's name as in the definition JSON.
func (k Kind) String() string {
	switch k {
	case Continuous:
		return "Continuous"
	case Integer:
		return "Integer"
	case Categorical:
		return "Categorical"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Param describes one tuned hyperparameter of a Space.
type Param struct {
	Name string
	Kind Kind
	// Min and Max bound Continuous and Integer parameters.
	Min, Max float64
	// Scaling is the scale searched: Linear, Logarithmic or
	// ReverseLogarithmic, with Auto already resolved.
	Scaling Scaling
	// Values are a Categorical parameter's values.
	Values []string

	offset int // first feature column in the encoded vector
}

// Space is the search space of a tuning job: its parameters in the order
// of the definition JSON (continuous, then categorical, then integer
// ranges, each group in its own order). A Space is immutable and safe for
// concurrent use.
type Space struct {
	params []Param
	index  map[string]int
	width  int // encoded feature columns
}

// NewSpace validates r and returns its search space. Problems are reported
// all at once, each a *RangeError naming its parameter.
func NewSpace(r Ranges) (*Space, error) {
	s := &Space{index: map[string]int{}}
	var errs []error
	add := func(p Param) {
		if p.Name == "" {
			errs = append(errs, &RangeError{Param: p.Name, Reason: "has no name"})
			return
		}
		if _, dup := s.index[p.Name]; dup {
			errs = append(errs, &RangeError{Param: p.Name, Reason: "is tuned by more than one range"})
			return
		}
		p.offset = s.width
		if p.Kind == Categorical {
			s.width += len(p.Values)
		} else {
			s.width++
		}
		s.index[p.Name] = len(s.params)
		s.params = append(s.params, p)
	}
	for _, c := range r.Continuous {
		p, err := numericParam(c.Name, Continuous, c.MinValue, c.MaxValue, c.ScalingType)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		add(p)
	}
	for _, c := range r.Categorical {
		if len(c.Values) == 0 {
			errs = append(errs, &RangeError{Param: c.Name, Reason: "categorical range has no values"})
			continue
		}
		seen := map[string]bool{}
		dup := ""
		for _, v := range c.Values {
			if seen[v] {
				dup = v
			}
			seen[v] = true
		}
		if dup != "" {
			errs = append(errs, &RangeError{Param: c.Name, Reason: fmt.Sprintf("categorical value %q is listed twice", dup)})
			continue
		}
		add(Param{Name: c.Name, Kind: Categorical, Values: append([]string(nil), c.Values...)})
	}
	for _, c := range r.Integer {
		p, err := numericParam(c.Name, Integer, c.MinValue, c.MaxValue, c.ScalingType)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		add(p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(s.params) == 0 {
		return nil, fmt.Errorf("%w: no hyperparameter ranges", ErrInvalidConfig)
	}
	return s, nil
}

func numericParam(name string, kind Kind, lo, hi string, sc Scaling) (Param, error) {
	p := Param{Name: name, Kind: kind}
	parse := func(what, s string) (float64, error) {
		s = strings.TrimSpace(s)
		if kind == Integer {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				// SageMaker accepts "3.0"-style integers written by Python's str().
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
					return 0, &RangeError{Param: name, Reason: fmt.Sprintf("%s %q is not an integer", what, s)}
				}
				return f, nil
			}
			return float64(v), nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, &RangeError{Param: name, Reason: fmt.Sprintf("%s %q is not a finite number", what, s)}
		}
		return v, nil
	}
	var err error
	if p.Min, err = parse("MinValue", lo); err != nil {
		return p, err
	}
	if p.Max, err = parse("MaxValue", hi); err != nil {
		return p, err
	}
	if p.Min > p.Max {
		return p, &RangeError{Param: name, Reason: fmt.Sprintf("MinValue %s is greater than MaxValue %s", lo, hi)}
	}
	switch sc {
	case "", ScalingAuto:
		p.Scaling = ScalingLinear
		if p.Min > 0 && p.Max/p.Min >= autoLogRatio {
			p.Scaling = ScalingLogarithmic
		}
	case ScalingLinear:
		p.Scaling = sc
	case ScalingLogarithmic:
		if p.Min <= 0 {
			return p, &RangeError{Param: name, Reason: fmt.Sprintf("Logarithmic scaling needs MinValue > 0, got %s", lo)}
		}
		p.Scaling = sc
	case ScalingReverseLogarithmic:
		if kind == Integer {
			return p, &RangeError{Param: name, Reason: "ReverseLogarithmic scaling applies to continuous ranges only"}
		}
		if p.Min < 0 || p.Max >= 1 {
			return p, &RangeError{Param: name, Reason: fmt.Sprintf("ReverseLogarithmic scaling needs 0 <= MinValue and MaxValue < 1, got [%s, %s]", lo, hi)}
		}
		p.Scaling = sc
	default:
		return p, &RangeError{Param: name, Reason: fmt.Sprintf("unknown ScalingType %q", sc)}
	}
	return p, nil
}

// Params returns the space's parameters in order.
func (s *Space) Params() []Param {
	out := make([]Param, len(s.params))
	copy(out, s.params)
	for i := range out {
		out[i].Values = append([]string(nil), out[i].Values...)
	}
	return out
}

// Len returns the number of tuned hyperparameters.
func (s *Space) Len() int { return len(s.params) }

// point is one assignment of a Space in raw form, parameter by parameter:
// the value of a Continuous parameter, the integer of an Integer one, the
// value index of a Categorical one.
type point []float64

// fromUnit maps u in [0,1] to parameter p's raw value on p's scale.
func (p *Param) fromUnit(u float64) float64 {
	u = clamp01(u)
	switch p.Kind {
	case Categorical:
		k := int(u * float64(len(p.Values)))
		return float64(min(k, len(p.Values)-1))
	case Integer:
		if p.Min == p.Max {
			return p.Min
		}
		lo, hi := p.Min-0.5, p.Max+0.5
		var x float64
		if p.Scaling == ScalingLogarithmic {
			x = math.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo)))
		} else {
			x = lo + u*(hi-lo)
		}
		return math.Max(p.Min, math.Min(p.Max, math.Floor(x+0.5)))
	}
	if p.Min == p.Max {
		return p.Min
	}
	var x float64
	switch p.Scaling {
	case ScalingLogarithmic:
		x = math.Exp(math.Log(p.Min) + u*(math.Log(p.Max)-math.Log(p.Min)))
	case ScalingReverseLogarithmic:
		a, b := math.Log1p(-p.Min), math.Log1p(-p.Max)
		x = -math.Expm1(a + u*(b-a))
	default:
		x = p.Min + u*(p.Max-p.Min)
	}
	return math.Max(p.Min, math.Min(p.Max, x))
}

// toUnit is the inverse of fromUnit for a numeric parameter: the position
// of raw value v on p's scale, in [0,1].
func (p *Param) toUnit(v float64) float64 {
	if p.Min == p.Max {
		return 0.5
	}
	switch {
	case p.Kind == Integer:
		lo, hi := p.Min-0.5, p.Max+0.5
		if p.Scaling == ScalingLogarithmic {
			return clamp01((math.Log(v) - math.Log(lo)) / (math.Log(hi) - math.Log(lo)))
		}
		return clamp01((v - lo) / (hi - lo))
	case p.Scaling == ScalingLogarithmic:
		return clamp01((math.Log(v) - math.Log(p.Min)) / (math.Log(p.Max) - math.Log(p.Min)))
	case p.Scaling == ScalingReverseLogarithmic:
		a, b := math.Log1p(-p.Min), math.Log1p(-p.Max)
		return clamp01((math.Log1p(-v) - a) / (b - a))
	}
	return clamp01((v - p.Min) / (p.Max - p.Min))
}

func clamp01(u float64) float64 {
	if !(u > 0) { // also NaN
		return 0
	}
	if u > 1 {
		return 1
	}
	return u
}

// sample draws a point uniformly on each parameter's scale.
func (s *Space) sample(r *rand.Rand) point {
	x := make(point, len(s.params))
	for i := range s.params {
		x[i] = s.params[i].fromUnit(r.Float64())
	}
	return x
}

// encode maps a point to the surrogate model's feature vector in the unit
// cube: one column per numeric parameter (its position on its scale) and a
// one-hot block per categorical parameter.
func (s *Space) encode(x point) []float64 {
	f := make([]float64, s.width)
	for i := range s.params {
		p := &s.params[i]
		if p.Kind == Categorical {
			f[p.offset+int(x[i])] = 1
		} else {
			f[p.offset] = p.toUnit(x[i])
		}
	}
	return f
}

// decode maps a feature vector back to the nearest point: numeric columns
// through the parameter's scale (integers rounded), categorical blocks by
// their largest column (the first on ties).
func (s *Space) decode(f []float64) point {
	x := make(point, len(s.params))
	for i := range s.params {
		p := &s.params[i]
		if p.Kind != Categorical {
			x[i] = p.fromUnit(f[p.offset])
			continue
		}
		best := 0
		for k := 1; k < len(p.Values); k++ {
			if f[p.offset+k] > f[p.offset+best] {
				best = k
			}
		}
		x[i] = float64(best)
	}
	return x
}

// parse reads hyperparameter strings (as SageMaker passes them) into a
// point. A missing name, a value that does not parse, lies outside its
// range or is not among a categorical range's values is an error naming
// the parameter.
func (s *Space) parse(hp map[string]string) (point, error) {
	x := make(point, len(s.params))
	for i := range s.params {
		p := &s.params[i]
		v, ok := hp[p.Name]
		if !ok {
			return nil, &RangeError{Param: p.Name, Reason: "has no value"}
		}
		switch p.Kind {
		case Categorical:
			k := -1
			for j, c := range p.Values {
				if c == v {
					k = j
					break
				}
			}
			if k < 0 {
				return nil, &RangeError{Param: p.Name, Reason: fmt.Sprintf("value %q is not one of the categorical values", v)}
			}
			x[i] = float64(k)
		default:
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(f) {
				return nil, &RangeError{Param: p.Name, Reason: fmt.Sprintf("value %q is not a number", v)}
			}
			if p.Kind == Integer && f != math.Trunc(f) {
				return nil, &RangeError{Param: p.Name, Reason: fmt.Sprintf("value %q is not an integer", v)}
			}
			if f < p.Min || f > p.Max {
				return nil, &RangeError{Param: p.Name, Reason: fmt.Sprintf("value %q is outside [%v, %v]", v, p.Min, p.Max)}
			}
			x[i] = f
		}
	}
	return x, nil
}
