package params

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"reflect"
)

// Errors recorded in expressions and parameters.
var (
	// ErrType reports a Go value that has no place in a definition.
	ErrType = errors.New("params: unsupported value type")
	// ErrNaN reports a NaN or infinite number, which has no JSON form.
	ErrNaN = errors.New("params: NaN or infinite number")
	// ErrEnum reports enum values given to a parameter that is not a String.
	ErrEnum = errors.New("params: enum values on a non-String parameter")
	// ErrMarshal is returned by MarshalJSON: only the pipeline compiler
	// serialises expressions.
	ErrMarshal = errors.New("params: expressions are serialised by the pipeline compiler, not encoding/json")
)

// Primitive is the set of Go types a pipeline value can have: String,
// Integer, Float and Boolean in SageMaker terms.
type Primitive interface {
	~string | ~int | ~float64 | ~bool
}

// Input is anything that yields a typed value: a Value, a parameter, an
// execution variable, a typed step property. A slot that takes an
// Input[string] refuses a Value[float64] at compile time.
type Input[T Primitive] interface {
	Value() Value[T]
}

// Value is an immutable typed expression: a literal, a reference or a
// function of them, whose run-time value has type T. The zero Value is
// "unset": its Expr is nil.
type Value[T Primitive] struct{ e Expr }

// Lit lifts a constant. The JSON kind follows the Go type: Lit(1) is written
// 1 and Lit(15000.0) is written 15000.0. Negative zero is written -0.0, as
// the SDK writes it; note that the Go constant -0.0 is plain zero (constants
// are exact), so negative zero is math.Copysign(0, -1). A NaN or infinity is
// recorded as a problem (ErrNaN): the SDK would write the tokens NaN and
// Infinity, which are not JSON and which SageMaker cannot read.
func Lit[T Primitive](v T) Value[T] { return Value[T]{e: literal(v)} }

// Unchecked gives e the static type T without any check. It exists for code
// that rebuilds expressions it did not type, such as a definition parser.
func Unchecked[T Primitive](e Expr) Value[T] { return Value[T]{e: e} }

// Value returns v, so a Value is an Input.
func (v Value[T]) Value() Value[T] { return v }

// Expr returns the expression, or nil for the zero Value.
func (v Value[T]) Expr() Expr { return v.e }

// IsZero reports whether v is the zero (unset) Value.
func (v Value[T]) IsZero() bool { return v.e == nil }

// Refs yields what the value refers to.
func (v Value[T]) Refs() iter.Seq[Ref] {
	if v.e == nil {
		return func(func(Ref) bool) {}
	}
	return v.e.Refs()
}

// String returns a short human-readable form for debugging.
func (v Value[T]) String() string {
	if v.e == nil {
		return "<unset>"
	}
	return v.e.String()
}

// MarshalJSON always fails with ErrMarshal: a definition is written by the
// pipeline compiler, which knows Python's JSON rules.
func (v Value[T]) MarshalJSON() ([]byte, error) { return nil, ErrMarshal }

// ToString converts v to a string value the way the SageMaker SDK's
// to_string does: string literals, String parameters, execution variables
// and joins are strings already and stay as they are; anything else is
// wrapped in a one-element Join with an empty separator.
func (v Value[T]) ToString() Value[string] { return Value[string]{e: toString(v.e)} }

func toString(e Expr) Expr {
	switch x := e.(type) {
	case nil, JoinExpr:
		return e
	case Literal:
		if _, ok := x.v.(string); ok {
			return e
		}
	case Get:
		switch x.ref.Kind {
		case RefExecution:
			return e
		case RefParameter:
			if x.ref.Param != nil && x.ref.Param.Type() == TypeString {
				return e
			}
		}
	}
	return JoinExpr{values: []Expr{e}}
}

// Join concatenates values with on between them (Std:Join). Values may be Go
// constants (string, integers, float64, bool, nil), anything with an
// Expr() Expr method (Value, parameters, execution variables) or an Expr.
// Each keeps its JSON kind; nothing is stringified. An unsupported value is
// recorded as a problem.
func Join(on string, values ...any) Value[string] {
	vs := make([]Expr, len(values))
	for i, v := range values {
		vs[i] = From(v)
	}
	return Value[string]{e: JoinExpr{on: on, values: vs}}
}

// StepProperty refers to a property of a step: {"Get": "Steps.<name>.<path>"}.
// Step packages wrap it in typed property models; the path is not checked.
func StepProperty[T Primitive](src Source, path string) Value[T] {
	return Value[T]{e: Get{ref: Ref{Kind: RefProperty, Source: src, Path: path}}}
}

// JsonGet reads path from the property file propertyFile declared by step
// src (Std:JsonGet in its PropertyFile form).
func JsonGet[T Primitive](src Source, propertyFile, path string) Value[T] {
	file := Get{ref: Ref{Kind: RefPropertyFile, Source: src, PropertyFile: propertyFile}}
	return Value[T]{e: JsonGetExpr{file: file, path: path}}
}

// JsonGetS3 reads path from the JSON file at s3uri (Std:JsonGet in its
// S3Uri form).
func JsonGetS3[T Primitive](s3uri Input[string], path string) Value[T] {
	var e Expr
	if s3uri != nil {
		e = s3uri.Value().Expr()
	}
	if e == nil {
		e = Invalid(fmt.Errorf("%w: JsonGetS3 of path %q needs an S3 URI", ErrType, path))
	}
	return Value[T]{e: JsonGetExpr{s3: e, path: path}}
}

// Exprer is implemented by everything that stands for an expression.
type Exprer interface{ Expr() Expr }

// From turns an untyped value into an expression: an Expr or Exprer is used
// as is, a Go constant becomes a Literal, and anything else (or a NaN)
// becomes an Invalid node naming the problem.
func From(v any) Expr {
	switch x := v.(type) {
	case Expr:
		return x
	case Exprer:
		if e := x.Expr(); e != nil {
			return e
		}
		return Invalid(fmt.Errorf("%w: unset %T", ErrType, v))
	}
	c, err := canonical(v)
	if err != nil {
		return Invalid(err)
	}
	return Literal{v: c}
}

func literal(v any) Expr {
	c, err := canonical(v)
	if err != nil {
		return Invalid(err)
	}
	return Literal{v: c}
}

// canonical returns v as nil, string, bool, int64, *big.Int or float64.
func canonical(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64:
		return x, nil
	case int:
		return int64(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: %v", ErrNaN, x)
		}
		return x, nil
	case *big.Int:
		if x == nil {
			return nil, nil
		}
		if x.IsInt64() {
			return x.Int64(), nil
		}
		return new(big.Int).Set(x), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u <= math.MaxInt64 {
			return int64(u), nil
		}
		return new(big.Int).SetUint64(u), nil
	case reflect.Float64:
		return canonical(rv.Float())
	}
	return nil, fmt.Errorf("%w: Go type %T (use string, an integer, float64, bool, nil or an expression)", ErrType, v)
}
