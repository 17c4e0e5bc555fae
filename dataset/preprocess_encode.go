package dataset

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Scalar is one typed value of fitted state: a category or a fill value.
// It encodes to JSON as {"type":"int64","value":3}, keeping the type that a
// bare JSON number would lose.
type Scalar struct {
	Type Type
	F    float64
	I    int64
	S    string
	B    bool
}

// FloatScalar returns a Float64 Scalar.
func FloatScalar(v float64) Scalar { return Scalar{Type: Float64, F: v} }

// IntScalar returns an Int64 Scalar.
func IntScalar(v int64) Scalar { return Scalar{Type: Int64, I: v} }

// StringScalar returns a String Scalar.
func StringScalar(v string) Scalar { return Scalar{Type: String, S: v} }

// BoolScalar returns a Bool Scalar.
func BoolScalar(v bool) Scalar { return Scalar{Type: Bool, B: v} }

// Value returns the scalar as float64, int64, string or bool.
func (s Scalar) Value() any {
	switch s.Type {
	case Float64:
		return s.F
	case Int64:
		return s.I
	case String:
		return s.S
	case Bool:
		return s.B
	}
	return nil
}

// String formats the value as in a one-hot column name: strings as they
// are, numbers in shortest form, booleans as true/false.
func (s Scalar) String() string {
	switch s.Type {
	case Float64:
		return strconv.FormatFloat(s.F, 'g', -1, 64)
	case Int64:
		return strconv.FormatInt(s.I, 10)
	case Bool:
		return strconv.FormatBool(s.B)
	}
	return s.S
}

type scalarJSON struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// MarshalJSON encodes the type and the value.
func (s Scalar) MarshalJSON() ([]byte, error) {
	var v any = s.Value()
	if s.Type == Float64 {
		v = Float(s.F)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(scalarJSON{Type: s.Type.String(), Value: raw})
}

// UnmarshalJSON decodes what MarshalJSON writes.
func (s *Scalar) UnmarshalJSON(b []byte) error {
	var j scalarJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var err error
	switch j.Type {
	case "float64":
		var f Float
		err = json.Unmarshal(j.Value, &f)
		*s = FloatScalar(float64(f))
	case "int64":
		var v int64
		err = json.Unmarshal(j.Value, &v)
		*s = IntScalar(v)
	case "string":
		var v string
		err = json.Unmarshal(j.Value, &v)
		*s = StringScalar(v)
	case "bool":
		var v bool
		err = json.Unmarshal(j.Value, &v)
		*s = BoolScalar(v)
	default:
		err = fmt.Errorf("%w: unknown scalar type %q", ErrPreprocessor, j.Type)
	}
	return err
}

func compareScalars(a, b Scalar) int {
	if a.Type != b.Type {
		return cmp.Compare(a.Type, b.Type)
	}
	switch a.Type {
	case Float64:
		return cmp.Compare(a.F, b.F)
	case Int64:
		return cmp.Compare(a.I, b.I)
	case String:
		return cmp.Compare(a.S, b.S)
	case Bool:
		switch {
		case a.B == b.B:
			return 0
		case b.B:
			return -1
		}
		return 1
	}
	return 0
}

// scalarAt returns row i of c as a Scalar; ok is false for nulls, NaN and
// vector columns (missing values, as pandas treats NaN).
func scalarAt(c *Column, i int) (Scalar, bool) {
	if c.IsNull(i) {
		return Scalar{}, false
	}
	switch c.Type() {
	case Float64:
		v := c.f64[i]
		return FloatScalar(v), !math.IsNaN(v)
	case Int64:
		return IntScalar(c.i64[i]), true
	case String:
		return StringScalar(c.str[i]), true
	case Bool:
		return BoolScalar(c.b[i]), true
	}
	return Scalar{}, false
}

// countValues counts the non-missing values of each named column over src.
func countValues(ctx context.Context, src BlockSource, cols []string, op string) ([]map[Scalar]int64, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s: %w: no columns", op, ErrPreprocessor)
	}
	counts := make([]map[Scalar]int64, len(cols))
	for k := range counts {
		counts[k] = map[Scalar]int64{}
	}
	err := forEachBlock(ctx, src, func(b *Block) error {
		for k, name := range cols {
			c, err := b.ColumnByName(name)
			if err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			if c.Type() == Vector {
				return fmt.Errorf("%s: %w: column %q is a vector", op, ErrTypeConflict, name)
			}
			for i := 0; i < c.Len(); i++ {
				if v, ok := scalarAt(c, i); ok {
					counts[k][v]++
				}
			}
		}
		return nil
	})
	return counts, err
}

func sortedKeys(m map[Scalar]int64) []Scalar {
	out := make([]Scalar, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, compareScalars)
	return out
}

// encodeColumn maps each value of c to its index in cats (null when absent).
func encodeColumn(c *Column, cats []Scalar) *Column {
	index := make(map[Scalar]int64, len(cats))
	for i, v := range cats {
		index[v] = int64(i)
	}
	out := make([]int64, c.Len())
	var valid []bool
	for i := range out {
		v, ok := scalarAt(c, i)
		var code int64
		if ok {
			code, ok = index[v]
		}
		if !ok {
			valid = markNull(valid, len(out), i)
			continue
		}
		out[i] = code
	}
	return NewInt64Column(out, valid)
}

// OrdinalEncoder replaces each value of the named columns by its index in
// the column's sorted distinct fitted values (numbers ascending, strings
// by bytes, false before true). A value not seen at fit time, a null or a
// NaN becomes null; the output columns are Int64. Values compare by type
// and value: fit and transform the same column types.
type OrdinalEncoder struct {
	Columns    []string   `json:"columns"`
	Categories [][]Scalar `json:"categories,omitempty"`
}

// NewOrdinalEncoder returns an unfitted encoder of the named columns.
func NewOrdinalEncoder(columns ...string) *OrdinalEncoder {
	return &OrdinalEncoder{Columns: slices.Clone(columns)}
}

// Fit collects each column's distinct values.
func (e *OrdinalEncoder) Fit(ctx context.Context, src BlockSource) error {
	counts, err := countValues(ctx, src, e.Columns, "OrdinalEncoder")
	if err != nil {
		return err
	}
	e.Categories = make([][]Scalar, len(counts))
	for k, m := range counts {
		e.Categories[k] = sortedKeys(m)
	}
	return nil
}

// Fitted reports whether Fit has run.
func (e *OrdinalEncoder) Fitted() bool {
	return len(e.Columns) > 0 && len(e.Categories) == len(e.Columns)
}

// TransformBatch encodes the columns of b.
func (e *OrdinalEncoder) TransformBatch(b *Block) (*Block, error) {
	if !e.Fitted() {
		return nil, fmt.Errorf("OrdinalEncoder: %w", ErrNotFitted)
	}
	out := b
	for k, name := range e.Columns {
		c, err := b.ColumnByName(name)
		if err != nil {
			return nil, fmt.Errorf("OrdinalEncoder: %w", err)
		}
		if out, err = out.WithColumn(name, encodeColumn(c, e.Categories[k])); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LabelEncoder is an OrdinalEncoder of one column, the label: each label
// becomes its index among the sorted distinct fitted labels; an unseen
// label becomes null. InverseTransformBatch maps the codes back.
type LabelEncoder struct {
	LabelColumn string   `json:"label_column"`
	Classes     []Scalar `json:"classes,omitempty"`
}

// NewLabelEncoder returns an unfitted encoder of the label column.
func NewLabelEncoder(labelColumn string) *LabelEncoder {
	return &LabelEncoder{LabelColumn: labelColumn}
}

// Fit collects the distinct labels.
func (e *LabelEncoder) Fit(ctx context.Context, src BlockSource) error {
	counts, err := countValues(ctx, src, []string{e.LabelColumn}, "LabelEncoder")
	if err != nil {
		return err
	}
	e.Classes = sortedKeys(counts[0])
	return nil
}

// Fitted reports whether Fit has run.
func (e *LabelEncoder) Fitted() bool { return e.Classes != nil }

// TransformBatch encodes the label column of b.
func (e *LabelEncoder) TransformBatch(b *Block) (*Block, error) {
	if !e.Fitted() {
		return nil, fmt.Errorf("LabelEncoder: %w", ErrNotFitted)
	}
	c, err := b.ColumnByName(e.LabelColumn)
	if err != nil {
		return nil, fmt.Errorf("LabelEncoder: %w", err)
	}
	return b.WithColumn(e.LabelColumn, encodeColumn(c, e.Classes))
}

// InverseTransformBatch maps the Int64 codes of the label column back to
// the labels; a null or out-of-range code becomes null.
func (e *LabelEncoder) InverseTransformBatch(b *Block) (*Block, error) {
	if !e.Fitted() {
		return nil, fmt.Errorf("LabelEncoder: %w", ErrNotFitted)
	}
	c, err := b.ColumnByName(e.LabelColumn)
	if err != nil {
		return nil, fmt.Errorf("LabelEncoder: %w", err)
	}
	if c.Type() != Int64 {
		return nil, fmt.Errorf("LabelEncoder: %w: column %q is %s, codes are int64", ErrTypeConflict, e.LabelColumn, c.Type())
	}
	t := String
	if len(e.Classes) > 0 {
		t = e.Classes[0].Type
	}
	vals := make([]any, c.Len())
	for i := range vals {
		if c.IsNull(i) || c.i64[i] < 0 || c.i64[i] >= int64(len(e.Classes)) {
			continue
		}
		vals[i] = e.Classes[c.i64[i]].Value()
	}
	out, err := NewColumnFromValues(vals)
	if err != nil {
		return nil, err
	}
	if out.Type() != t { // all null
		out = NewNullColumn(t, c.Len())
	}
	return b.WithColumn(e.LabelColumn, out)
}

// OneHotEncoder replaces each named column by one Int64 0/1 column per
// fitted category, named "<column>_<value>", at the column's position.
// Categories are the sorted distinct values, or, when MaxCategories limits
// a column, its most frequent values in order of frequency (ties by value).
// A value not among the categories, a null or a NaN gives all zeros.
//
// Ray's current OneHotEncoder packs the indicators into one list column;
// this one keeps the older one-column-per-category layout, which the
// columnar writers and the boosting code read directly.
type OneHotEncoder struct {
	Columns       []string       `json:"columns"`
	MaxCategories map[string]int `json:"max_categories,omitempty"`
	Categories    [][]Scalar     `json:"categories,omitempty"`
}

// NewOneHotEncoder returns an unfitted encoder of the named columns.
func NewOneHotEncoder(columns ...string) *OneHotEncoder {
	return &OneHotEncoder{Columns: slices.Clone(columns)}
}

// Fit collects each column's categories.
func (e *OneHotEncoder) Fit(ctx context.Context, src BlockSource) error {
	counts, err := countValues(ctx, src, e.Columns, "OneHotEncoder")
	if err != nil {
		return err
	}
	e.Categories = make([][]Scalar, len(counts))
	for k, m := range counts {
		cats := sortedKeys(m)
		if limit, ok := e.MaxCategories[e.Columns[k]]; ok && limit >= 0 && limit < len(cats) {
			slices.SortStableFunc(cats, func(a, b Scalar) int { return cmp.Compare(m[b], m[a]) })
			cats = cats[:limit]
		}
		e.Categories[k] = cats
	}
	return nil
}

// Fitted reports whether Fit has run.
func (e *OneHotEncoder) Fitted() bool {
	return len(e.Columns) > 0 && len(e.Categories) == len(e.Columns)
}

// TransformBatch expands the columns of b.
func (e *OneHotEncoder) TransformBatch(b *Block) (*Block, error) {
	if !e.Fitted() {
		return nil, fmt.Errorf("OneHotEncoder: %w", ErrNotFitted)
	}
	enc := make(map[string]int, len(e.Columns))
	for k, name := range e.Columns {
		if _, err := b.ColumnByName(name); err != nil {
			return nil, fmt.Errorf("OneHotEncoder: %w", err)
		}
		enc[name] = k
	}
	var fields []Field
	var cols []*Column
	for i, f := range b.schema.Fields {
		k, ok := enc[f.Name]
		if !ok {
			fields, cols = append(fields, f), append(cols, b.cols[i])
			continue
		}
		codes := encodeColumn(b.cols[i], e.Categories[k])
		for j, cat := range e.Categories[k] {
			ind := make([]int64, b.rows)
			for r, code := range codes.i64 {
				if !codes.IsNull(r) && code == int64(j) {
					ind[r] = 1
				}
			}
			fields = append(fields, Field{Name: f.Name + "_" + cat.String(), Type: Int64})
			cols = append(cols, NewInt64Column(ind, nil))
		}
	}
	out, err := NewBlock(Schema{Fields: fields}, cols)
	if err != nil {
		return nil, fmt.Errorf("OneHotEncoder: %w", err)
	}
	return out, nil
}
