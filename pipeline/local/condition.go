package local

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// evalConditions returns whether every condition of a resolved condition
// list holds (the list is a conjunction).
func evalConditions(conds any) (bool, error) {
	for i, c := range asList(conds) {
		ok, err := evalCondition(c)
		if err != nil {
			return false, fmt.Errorf("condition %d: %w", i+1, err)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// evalCondition evaluates one resolved condition in any of the ten shapes.
func evalCondition(v any) (bool, error) {
	o, ok := v.(*pyjson.Object)
	if !ok {
		return false, resolveErr("a condition is not an object")
	}
	typ, _ := get(o, "Type").(string)
	switch typ {
	case "Equals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo":
		l, r := get(o, "LeftValue"), get(o, "RightValue")
		if typ == "Equals" {
			return equal(l, r), nil
		}
		c, err := compare(l, r)
		if err != nil {
			return false, fmt.Errorf("%s: %w", typ, err)
		}
		switch typ {
		case "GreaterThan":
			return c > 0, nil
		case "GreaterThanOrEqualTo":
			return c >= 0, nil
		case "LessThan":
			return c < 0, nil
		}
		return c <= 0, nil
	case "In":
		q := get(o, "QueryValue")
		for _, x := range asList(get(o, "Values")) {
			if equal(q, x) {
				return true, nil
			}
		}
		return false, nil
	case "Not":
		inner, ok := o.Get("Condition")
		if !ok {
			inner = get(o, "Expression") // SDK 2.198.0 spelling
		}
		r, err := evalCondition(inner)
		return !r, err
	case "Or":
		for _, c := range asList(get(o, "Conditions")) {
			r, err := evalCondition(c)
			if err != nil {
				return false, err
			}
			if r {
				return true, nil
			}
		}
		return false, nil
	}
	return false, resolveErr("unknown condition type %q", typ)
}

// toFloat returns the numeric value of a JSON number, or of a string that
// holds one.
func toFloat(v any, strings bool) (float64, bool) {
	switch t := v.(type) {
	case int64, float64, *big.Int:
		return number(t)
	case string:
		if !strings {
			return 0, false
		}
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}

// equal compares two resolved values: numbers by value (1 equals 1.0),
// strings and booleans exactly; values of other kinds are unequal.
func equal(l, r any) bool {
	if lf, ok := toFloat(l, false); ok {
		rf, ok := toFloat(r, false)
		return ok && lf == rf
	}
	switch lt := l.(type) {
	case string:
		rt, ok := r.(string)
		return ok && lt == rt
	case bool:
		rt, ok := r.(bool)
		return ok && lt == rt
	case nil:
		return r == nil
	}
	return false
}

// compare orders two resolved values: numbers numerically, strings
// lexically (ISO dates compare as dates), a number and a numeric string
// numerically. Anything else cannot be ordered.
func compare(l, r any) (int, error) {
	ls, lok := l.(string)
	rs, rok := r.(string)
	if lok && rok {
		switch {
		case ls < rs:
			return -1, nil
		case ls > rs:
			return 1, nil
		}
		return 0, nil
	}
	lf, ok1 := toFloat(l, true)
	rf, ok2 := toFloat(r, true)
	if !ok1 || !ok2 {
		return 0, resolveErr("cannot order %s and %s", pyStr(l), pyStr(r))
	}
	switch {
	case lf < rf:
		return -1, nil
	case lf > rf:
		return 1, nil
	}
	return 0, nil
}
