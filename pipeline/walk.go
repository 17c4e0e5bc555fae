package pipeline

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"reflect"
	"unicode/utf8"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// scan walks a definition tree exactly as the encoder will write it and
// collects the references of the params expressions in it and the values
// that cannot be written. Branch steps of a condition (recognised by the
// protocol's Branch) are
// not entered: their references belong to them.
type scan struct {
	branch   func(any) (steps.Step, bool) // nil: no branch entries
	refs     []params.Ref
	problems []error
}

const maxScanDepth = pyjson.MaxDepth

func (s *scan) value(v any, depth int) {
	if depth > maxScanDepth {
		s.problems = append(s.problems, fmt.Errorf("%w: nesting deeper than %d", ErrInvalidValue, maxScanDepth))
		return
	}
	switch x := v.(type) {
	case nil, bool, int, int64:
		return
	case string:
		s.text(x)
		return
	case []string:
		for _, e := range x {
			s.text(e)
		}
		return
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			s.problems = append(s.problems, fmt.Errorf("%w: %v", ErrNaN, x))
		}
		return
	case *big.Int:
		return
	case *pyjson.Object:
		s.members(x.Members(), depth)
		return
	case []any:
		for _, e := range x {
			s.value(e, depth+1)
		}
		return
	case params.Expr:
		s.expr(x)
		return
	}
	if s.branch != nil {
		if _, ok := s.branch(v); ok {
			return
		}
	}
	switch x := v.(type) {
	case params.Exprer:
		if e := x.Expr(); e != nil {
			s.expr(e)
		}
		return
	case pyjson.PyJSONer:
		s.value(x.PyJSON(), depth+1)
		return
	case pyjson.Membered:
		s.members(x.Members(), depth)
		return
	case error:
		s.problems = append(s.problems, fmt.Errorf("%w: %w", ErrInvalidValue, x))
		return
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		s.text(rv.String())
		return
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return
	case reflect.Float64:
		s.value(rv.Float(), depth)
		return
	case reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			s.value(rv.Index(i).Interface(), depth+1)
		}
		return
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return
		}
	}
	s.problems = append(s.problems, fmt.Errorf("%w: Go type %T cannot be written", ErrInvalidValue, v))
}

func (s *scan) members(m iter.Seq2[string, any], depth int) {
	for k, e := range m {
		s.text(k)
		s.value(e, depth+1)
	}
}

// envelope checks what the envelope writes besides the arguments.
func (s *scan) envelope(env stepdef.Envelope[steps.Step]) {
	s.text(env.DisplayName)
	s.text(env.Description)
	for _, d := range env.DependsOn {
		s.text(d)
	}
	for _, rp := range env.RetryPolicies {
		s.value(rp, 2) // step object > RetryPolicies > policy
	}
}

// text records a string the encoder cannot write: text that is not UTF-8
// (the encoder writes back the lone surrogates Parse reads, nothing else).
func (s *scan) text(x string) {
	if utf8.ValidString(x) {
		return
	}
	if _, err := pyjson.AppendString(nil, x); err != nil {
		s.problems = append(s.problems, fmt.Errorf("%w: %w", ErrInvalidValue, err))
	}
}

func (s *scan) expr(e params.Expr) {
	for n := range params.Walk(e) {
		switch x := n.(type) {
		case params.Get:
			// The names of steps and parameters are checked where the
			// pipeline lists them; a reference to one it does not list is
			// a problem of its own.
			r := x.Ref()
			s.refs = append(s.refs, r)
			s.text(r.Path)
			s.text(r.PropertyFile)
		case params.JoinExpr:
			s.text(x.On())
		case params.JsonGetExpr:
			s.text(x.Path())
		case params.InvalidExpr:
			err := x.Err()
			switch {
			case errors.Is(err, params.ErrNaN):
				err = fmt.Errorf("%w: %w", ErrNaN, err)
			default:
				err = fmt.Errorf("%w: %w", ErrInvalidValue, err)
			}
			s.problems = append(s.problems, err)
		case params.Literal:
			switch v := x.Value().(type) {
			case float64:
				if math.IsNaN(v) || math.IsInf(v, 0) {
					s.problems = append(s.problems, fmt.Errorf("%w: %v", ErrNaN, v))
				}
			case string:
				s.text(v)
			}
		}
	}
}
