package dataset

import (
	"fmt"
	"math"
)

// Column is an immutable, typed vector of values with optional nulls.
//
// Exactly one of the value slices is in use, chosen by the column's Type.
// Validity is a []bool parallel to the values where false means null; a nil
// validity means "no nulls", which is the common, fast case. The value slot
// of a null is the zero value (NaN for Float64 written by readers is a value,
// not a null).
//
// Columns are shared between blocks and goroutines without copying: Slice
// returns a view, and nothing may write to the slices returned by the
// accessors. Build a new column instead.
type Column struct {
	typ   Type
	n     int
	f64   []float64
	i64   []int64
	str   []string
	b     []bool
	dim   int    // Vector: values per row, stored row-major in f64
	valid []bool // nil = all valid
	// pooled marks an f64 slice taken from the scratch pool by a package
	// transform; it may go back to the pool once the block is written.
	pooled bool
}

// NewFloat64Column wraps vals (not copied). valid may be nil (no nulls) or
// must have len(vals) entries, false marking a null.
func NewFloat64Column(vals []float64, valid []bool) *Column {
	return &Column{typ: Float64, n: len(vals), f64: vals, valid: normValid(valid, len(vals))}
}

// NewInt64Column wraps vals (not copied); valid as for NewFloat64Column.
func NewInt64Column(vals []int64, valid []bool) *Column {
	return &Column{typ: Int64, n: len(vals), i64: vals, valid: normValid(valid, len(vals))}
}

// NewStringColumn wraps vals (not copied); valid as for NewFloat64Column.
func NewStringColumn(vals []string, valid []bool) *Column {
	return &Column{typ: String, n: len(vals), str: vals, valid: normValid(valid, len(vals))}
}

// NewBoolColumn wraps vals (not copied); valid as for NewFloat64Column.
func NewBoolColumn(vals []bool, valid []bool) *Column {
	return &Column{typ: Bool, n: len(vals), b: vals, valid: normValid(valid, len(vals))}
}

// NewVectorColumn wraps flat (not copied) as a Vector column of
// len(flat)/dim rows, row i being flat[i*dim:(i+1)*dim]; valid as for
// NewFloat64Column. dim must be positive and divide len(flat).
func NewVectorColumn(dim int, flat []float64, valid []bool) (*Column, error) {
	if dim <= 0 || len(flat)%dim != 0 {
		return nil, fmt.Errorf("%w: %d values do not make rows of %d", ErrSchemaMismatch, len(flat), dim)
	}
	n := len(flat) / dim
	return &Column{typ: Vector, n: n, f64: flat, dim: dim, valid: normValid(valid, n)}, nil
}

// NewNullColumn returns a column of n nulls of type t.
func NewNullColumn(t Type, n int) *Column {
	c := &Column{typ: t, n: n, valid: make([]bool, n)}
	switch t {
	case Float64:
		c.f64 = make([]float64, n)
	case Int64:
		c.i64 = make([]int64, n)
	case String:
		c.str = make([]string, n)
	case Bool:
		c.b = make([]bool, n)
	case Vector:
		c.dim = 1
		c.f64 = make([]float64, n)
	}
	return c
}

// normValid drops an all-true validity so that "no nulls" is always nil.
// A validity of the wrong length is kept and rejected by NewBlock.
func normValid(valid []bool, n int) []bool {
	if valid == nil || len(valid) != n {
		return valid
	}
	for _, v := range valid {
		if !v {
			return valid
		}
	}
	return nil
}

// NewColumnFromValues builds a column from Go values: float64/float32,
// int/int8…int64/uint8…uint32, string, bool, and nil for null. The type is
// inferred; a mix of integers and floats becomes Float64. A column of only
// nils becomes a nullable Float64. Any other mix is ErrTypeConflict.
func NewColumnFromValues(values []any) (*Column, error) {
	t := Invalid
	for i, v := range values {
		vt := valueType(v)
		switch {
		case vt == Invalid && v != nil:
			return nil, fmt.Errorf("%w: value %d has unsupported Go type %T", ErrTypeConflict, i, v)
		case vt == Invalid:
		case t == Invalid:
			t = vt
		case t == vt:
		case t.IsNumeric() && vt.IsNumeric():
			t = Float64
		default:
			return nil, fmt.Errorf("%w: value %d is %s but earlier values are %s", ErrTypeConflict, i, vt, t)
		}
	}
	if t == Invalid {
		t = Float64
	}
	n := len(values)
	var valid []bool
	for i, v := range values {
		if v == nil {
			if valid == nil {
				valid = make([]bool, n)
				for j := range valid {
					valid[j] = true
				}
			}
			valid[i] = false
		}
	}
	switch t {
	case Float64:
		out := make([]float64, n)
		for i, v := range values {
			out[i], _ = toFloat64(v)
		}
		return NewFloat64Column(out, valid), nil
	case Int64:
		out := make([]int64, n)
		for i, v := range values {
			out[i], _ = toInt64(v)
		}
		return NewInt64Column(out, valid), nil
	case String:
		out := make([]string, n)
		for i, v := range values {
			out[i], _ = v.(string)
		}
		return NewStringColumn(out, valid), nil
	default:
		out := make([]bool, n)
		for i, v := range values {
			out[i], _ = v.(bool)
		}
		return NewBoolColumn(out, valid), nil
	}
}

func valueType(v any) Type {
	switch v.(type) {
	case float64, float32:
		return Float64
	case int, int8, int16, int32, int64, uint8, uint16, uint32:
		return Int64
	case string:
		return String
	case bool:
		return Bool
	}
	return Invalid
}

func toFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	if i, ok := toInt64(v); ok {
		return float64(i), true
	}
	return 0, false
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	}
	return 0, false
}

// Type returns the column's type.
func (c *Column) Type() Type { return c.typ }

// Len returns the number of values, nulls included.
func (c *Column) Len() int { return c.n }

// Float64s returns the values of a Float64 column (nil for other types
// except Vector, whose rows it returns flattened, Dim values per row).
// The slice is shared: do not modify it.
func (c *Column) Float64s() []float64 { return c.f64 }

// Dim returns the values per row of a Vector column (0 for other types).
func (c *Column) Dim() int { return c.dim }

// Int64s returns the values of an Int64 column (nil for other types).
func (c *Column) Int64s() []int64 { return c.i64 }

// Strings returns the values of a String column (nil for other types).
func (c *Column) Strings() []string { return c.str }

// Bools returns the values of a Bool column (nil for other types).
func (c *Column) Bools() []bool { return c.b }

// Validity returns the validity vector (false = null), or nil when the
// column has no nulls.
func (c *Column) Validity() []bool { return c.valid }

// HasNulls reports whether any value is null.
func (c *Column) HasNulls() bool { return c.valid != nil }

// IsNull reports whether value i is null.
func (c *Column) IsNull(i int) bool { return c.valid != nil && !c.valid[i] }

// NullCount returns the number of nulls.
func (c *Column) NullCount() int {
	k := 0
	for _, v := range c.valid {
		if !v {
			k++
		}
	}
	return k
}

// Value returns value i as float64, int64, string, bool or (a copy of a
// Vector row) []float64, or nil if null.
func (c *Column) Value(i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.typ {
	case Float64:
		return c.f64[i]
	case Int64:
		return c.i64[i]
	case String:
		return c.str[i]
	case Bool:
		return c.b[i]
	case Vector:
		return append([]float64(nil), c.f64[i*c.dim:(i+1)*c.dim]...)
	}
	return nil
}

// Float64At returns value i converted to float64 (Int64 and Bool convert;
// String and null give NaN, ok=false).
func (c *Column) Float64At(i int) (v float64, ok bool) {
	if c.IsNull(i) {
		return math.NaN(), false
	}
	switch c.typ {
	case Float64:
		return c.f64[i], true
	case Int64:
		return float64(c.i64[i]), true
	case Bool:
		if c.b[i] {
			return 1, true
		}
		return 0, true
	}
	return math.NaN(), false
}

// AsFloat64 returns the values as float64: the shared slice for a Float64
// column, a converted copy for Int64 and Bool. Nulls keep their zero slot;
// check Validity. String columns give ErrTypeConflict.
func (c *Column) AsFloat64() ([]float64, error) {
	switch c.typ {
	case Float64:
		return c.f64, nil
	case Int64:
		out := make([]float64, c.n)
		for i, v := range c.i64 {
			out[i] = float64(v)
		}
		return out, nil
	case Bool:
		out := make([]float64, c.n)
		for i, v := range c.b {
			if v {
				out[i] = 1
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s column is not numeric", ErrTypeConflict, c.typ)
}

// Slice returns a view of values [i, j) sharing storage with c.
func (c *Column) Slice(i, j int) *Column {
	out := &Column{typ: c.typ, n: j - i}
	switch c.typ {
	case Float64:
		out.f64 = c.f64[i:j:j]
	case Int64:
		out.i64 = c.i64[i:j:j]
	case String:
		out.str = c.str[i:j:j]
	case Bool:
		out.b = c.b[i:j:j]
	case Vector:
		out.dim = c.dim
		out.f64 = c.f64[i*c.dim : j*c.dim : j*c.dim]
	}
	if c.valid != nil {
		out.valid = normValid(c.valid[i:j:j], j-i)
	}
	return out
}

// Take returns a new column holding the values at idx, in that order.
// Indices must be in [0, Len()).
func (c *Column) Take(idx []int) *Column {
	out := &Column{typ: c.typ, n: len(idx)}
	switch c.typ {
	case Float64:
		out.f64 = gather(c.f64, idx)
	case Int64:
		out.i64 = gather(c.i64, idx)
	case String:
		out.str = gather(c.str, idx)
	case Bool:
		out.b = gather(c.b, idx)
	case Vector:
		out.dim = c.dim
		out.f64 = make([]float64, 0, len(idx)*c.dim)
		for _, i := range idx {
			out.f64 = append(out.f64, c.f64[i*c.dim:(i+1)*c.dim]...)
		}
	}
	if c.valid != nil {
		out.valid = normValid(gather(c.valid, idx), len(idx))
	}
	return out
}

func gather[T any](src []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = src[i]
	}
	return out
}

// ConcatColumns appends columns of one type into a new column.
func ConcatColumns(cols ...*Column) (*Column, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("%w: no columns to concatenate", ErrSchemaMismatch)
	}
	t := cols[0].typ
	n, nulls, dim := 0, false, 0
	for _, c := range cols {
		if c.typ != t {
			return nil, fmt.Errorf("%w: cannot concatenate %s and %s columns", ErrTypeConflict, t, c.typ)
		}
		if t == Vector && c.n > 0 {
			if dim == 0 {
				dim = c.dim
			} else if c.dim != dim {
				return nil, fmt.Errorf("%w: cannot concatenate vectors of %d and %d values", ErrSchemaMismatch, dim, c.dim)
			}
		}
		n += c.n
		nulls = nulls || c.valid != nil
	}
	out := &Column{typ: t, n: n}
	switch t {
	case Vector:
		out.dim = dim
		out.f64 = make([]float64, 0, n*dim)
	case Float64:
		out.f64 = make([]float64, 0, n)
	case Int64:
		out.i64 = make([]int64, 0, n)
	case String:
		out.str = make([]string, 0, n)
	case Bool:
		out.b = make([]bool, 0, n)
	}
	if nulls {
		out.valid = make([]bool, 0, n)
	}
	for _, c := range cols {
		out.f64 = append(out.f64, c.f64...)
		out.i64 = append(out.i64, c.i64...)
		out.str = append(out.str, c.str...)
		out.b = append(out.b, c.b...)
		if nulls {
			if c.valid != nil {
				out.valid = append(out.valid, c.valid...)
			} else {
				for range c.n {
					out.valid = append(out.valid, true)
				}
			}
		}
	}
	return out, nil
}

// SizeBytes estimates the memory held by the column's values: 8 bytes per
// number, 1 per bool, 16 plus the length per string, 1 per validity entry.
// A slice view reports its own share, not its backing array.
func (c *Column) SizeBytes() int64 {
	var s int64
	switch c.typ {
	case Float64, Int64:
		s = 8 * int64(c.n)
	case Vector:
		s = 8 * int64(len(c.f64))
	case Bool:
		s = int64(c.n)
	case String:
		s = 16 * int64(c.n)
		for _, v := range c.str {
			s += int64(len(v))
		}
	}
	if c.valid != nil {
		s += int64(c.n)
	}
	return s
}

// Equal reports whether c and o have the same type, length, nulls and
// values (NaN equals NaN; the slot of a null is ignored).
func (c *Column) Equal(o *Column) bool {
	if c.typ != o.typ || c.n != o.n {
		return false
	}
	for i := 0; i < c.n; i++ {
		cn, on := c.IsNull(i), o.IsNull(i)
		if cn != on {
			return false
		}
		if cn {
			continue
		}
		switch c.typ {
		case Float64:
			a, b := c.f64[i], o.f64[i]
			if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
				return false
			}
		case Int64:
			if c.i64[i] != o.i64[i] {
				return false
			}
		case String:
			if c.str[i] != o.str[i] {
				return false
			}
		case Bool:
			if c.b[i] != o.b[i] {
				return false
			}
		case Vector:
			if c.dim != o.dim {
				return false
			}
			for k := i * c.dim; k < (i+1)*c.dim; k++ {
				a, b := c.f64[k], o.f64[k]
				if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
					return false
				}
			}
		}
	}
	return true
}

// check verifies internal consistency; NewBlock calls it.
func (c *Column) check() error {
	if c == nil {
		return fmt.Errorf("%w: nil column", ErrSchemaMismatch)
	}
	var n int
	switch c.typ {
	case Float64:
		n = len(c.f64)
	case Int64:
		n = len(c.i64)
	case String:
		n = len(c.str)
	case Bool:
		n = len(c.b)
	case Vector:
		if len(c.f64) != c.n*c.dim || (c.dim <= 0 && c.n > 0) {
			return fmt.Errorf("%w: vector column of %d rows, dim %d has %d values", ErrSchemaMismatch, c.n, c.dim, len(c.f64))
		}
		n = c.n
	default:
		return fmt.Errorf("%w: column of invalid type", ErrSchemaMismatch)
	}
	if n != c.n {
		return fmt.Errorf("%w: column length %d, values %d", ErrSchemaMismatch, c.n, n)
	}
	if c.valid != nil && len(c.valid) != c.n {
		return fmt.Errorf("%w: validity length %d, values %d", ErrSchemaMismatch, len(c.valid), c.n)
	}
	return nil
}
