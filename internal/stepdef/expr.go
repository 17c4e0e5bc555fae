package stepdef

import (
	"fmt"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
)

// Extension writes params expressions (params.Expr, and anything with an
// Expr() params.Expr method such as params.Value, parameters and execution
// variables) for pyjson.AppendExt. An unset value is written as null; an
// Invalid expression fails with its recorded problem.
func Extension(dst []byte, v any) ([]byte, bool, error) {
	e, ok := ExprOf(v)
	if !ok {
		return dst, false, nil
	}
	out, err := AppendExpr(dst, e)
	return out, true, err
}

// ExprOf returns the expression v stands for and true when v is one
// (params.Expr) or has one (params.Exprer; nil when unset), as Extension
// writes it.
func ExprOf(v any) (params.Expr, bool) {
	switch x := v.(type) {
	case params.Expr:
		return x, true
	case params.Exprer:
		return x.Expr(), true
	}
	return nil, false
}

// Marshal encodes a definition tree whose leaves may be expressions.
func Marshal(v any) ([]byte, error) { return pyjson.MarshalExt(v, Extension) }

// Append appends the encoding of a definition tree whose leaves may be
// expressions.
func Append(dst []byte, v any) ([]byte, error) { return pyjson.AppendExt(dst, v, Extension) }

// AppendExpr appends the definition JSON of e: the literal, {"Get": path},
// {"Std:Join": …} or {"Std:JsonGet": …}.
func AppendExpr(dst []byte, e params.Expr) ([]byte, error) {
	var err error
	switch x := e.(type) {
	case nil:
		return append(dst, "null"...), nil
	case params.Literal:
		switch v := x.Value().(type) {
		case nil:
			return append(dst, "null"...), nil
		case string:
			return pyjson.AppendString(dst, v)
		case int64:
			return strconv.AppendInt(dst, v, 10), nil
		case float64:
			return pyjson.AppendFloat(dst, v)
		case bool:
			return strconv.AppendBool(dst, v), nil
		}
		return pyjson.Append(dst, x.Value())
	case params.Get:
		dst = append(dst, `{"Get": `...)
		if dst, err = appendRef(dst, x.Ref()); err != nil {
			return dst, err
		}
		return append(dst, '}'), nil
	case params.JoinExpr:
		dst = append(dst, `{"Std:Join": {"On": `...)
		if dst, err = pyjson.AppendString(dst, x.On()); err != nil {
			return dst, err
		}
		dst = append(dst, `, "Values": [`...)
		for i, v := range x.Values() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			if dst, err = AppendExpr(dst, v); err != nil {
				return dst, fmt.Errorf("Std:Join value %d: %w", i, err)
			}
		}
		return append(dst, "]}}"...), nil
	case params.JsonGetExpr:
		dst = append(dst, `{"Std:JsonGet": {`...)
		if s3, ok := x.S3URI(); ok {
			dst = append(dst, `"S3Uri": `...)
			dst, err = AppendExpr(dst, s3)
		} else {
			ref, _ := x.PropertyFile()
			dst = append(dst, `"PropertyFile": {"Get": `...)
			if dst, err = appendRef(dst, ref); err == nil {
				dst = append(dst, '}')
			}
		}
		if err != nil {
			return dst, err
		}
		dst = append(dst, `, "Path": `...)
		if dst, err = pyjson.AppendString(dst, x.Path()); err != nil {
			return dst, err
		}
		return append(dst, "}}"...), nil
	case params.InvalidExpr:
		return dst, x.Err()
	}
	return dst, fmt.Errorf("%w: expression %T", pyjson.ErrUnsupported, e)
}

// appendRef appends the Get path of r as a JSON string: r.String() without
// building it.
func appendRef(dst []byte, r params.Ref) ([]byte, error) {
	switch r.Kind {
	case params.RefParameter:
		if r.Param != nil {
			return pyjson.AppendStrings(dst, "Parameters.", r.Param.Name())
		}
	case params.RefExecution:
		return pyjson.AppendStrings(dst, "Execution.", r.Path)
	case params.RefProperty:
		if r.Path != "" && r.Source != nil {
			return pyjson.AppendStrings(dst, "Steps.", r.Source.Name(), ".", r.Path)
		}
	case params.RefPropertyFile:
		if r.Source != nil {
			return pyjson.AppendStrings(dst, "Steps.", r.Source.Name(), ".PropertyFiles.", r.PropertyFile)
		}
	case params.RefExperiment:
		return pyjson.AppendStrings(dst, "PipelineExperimentConfig.", r.Path)
	}
	return pyjson.AppendString(dst, r.String())
}
