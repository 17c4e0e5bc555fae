package dataset

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// Imputation strategies of SimpleImputer.
const (
	ImputeMean         = "mean"
	ImputeMostFrequent = "most_frequent"
	ImputeConstant     = "constant"
)

// SimpleImputer fills missing values (nulls, and NaN in Float64 columns)
// of the named columns with a per-column value: the mean of the fitted
// values (numeric columns; an Int64 column becomes Float64), the most
// frequent fitted value (ties go to the smallest value, so the result does
// not depend on block order), or FillValue for every column ("constant",
// which needs no Fit). A named column missing from a block is added, filled
// with its value, as Ray does.
type SimpleImputer struct {
	Columns   []string `json:"columns"`
	Strategy  string   `json:"strategy"`
	FillValue *Scalar  `json:"fill_value,omitempty"`
	Fill      []Scalar `json:"fill,omitempty"` // fitted, per column
}

// NewSimpleImputer returns an imputer of the named columns using strategy
// ImputeMean or ImputeMostFrequent.
func NewSimpleImputer(strategy string, columns ...string) *SimpleImputer {
	return &SimpleImputer{Columns: slices.Clone(columns), Strategy: strategy}
}

// NewConstantImputer returns an imputer filling the named columns with v.
func NewConstantImputer(v Scalar, columns ...string) *SimpleImputer {
	return &SimpleImputer{Columns: slices.Clone(columns), Strategy: ImputeConstant, FillValue: &v}
}

// Fit computes the fill values (nothing to do for "constant").
func (s *SimpleImputer) Fit(ctx context.Context, src BlockSource) error {
	if len(s.Columns) == 0 {
		return fmt.Errorf("SimpleImputer: %w: no columns", ErrPreprocessor)
	}
	switch s.Strategy {
	case ImputeConstant:
		if s.FillValue == nil {
			return fmt.Errorf("SimpleImputer: %w: strategy constant needs FillValue", ErrPreprocessor)
		}
		return nil
	case ImputeMean:
		sums := make([]float64, len(s.Columns))
		ns := make([]int64, len(s.Columns))
		err := forEachBlock(ctx, src, func(b *Block) error {
			for k, name := range s.Columns {
				v, valid, err := numericColumn(b, name, "SimpleImputer")
				if err != nil {
					return err
				}
				for i, x := range v {
					if (valid == nil || valid[i]) && !math.IsNaN(x) {
						sums[k] += x
						ns[k]++
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.Fill = make([]Scalar, len(s.Columns))
		for k := range s.Fill {
			s.Fill[k] = FloatScalar(math.NaN())
			if ns[k] > 0 {
				s.Fill[k] = FloatScalar(sums[k] / float64(ns[k]))
			}
		}
		return nil
	case ImputeMostFrequent:
		counts, err := countValues(ctx, src, s.Columns, "SimpleImputer")
		if err != nil {
			return err
		}
		s.Fill = make([]Scalar, len(s.Columns))
		for k, m := range counts {
			best, bestN := Scalar{}, int64(-1)
			for _, v := range sortedKeys(m) {
				if m[v] > bestN {
					best, bestN = v, m[v]
				}
			}
			if bestN < 0 {
				return fmt.Errorf("SimpleImputer: %w: column %q has no values to take the most frequent of", ErrPreprocessor, s.Columns[k])
			}
			s.Fill[k] = best
		}
		return nil
	}
	return fmt.Errorf("SimpleImputer: %w: unknown strategy %q (want mean, most_frequent or constant)", ErrPreprocessor, s.Strategy)
}

// Fitted reports whether TransformBatch can run.
func (s *SimpleImputer) Fitted() bool {
	if s.Strategy == ImputeConstant {
		return s.FillValue != nil && len(s.Columns) > 0
	}
	return len(s.Columns) > 0 && len(s.Fill) == len(s.Columns)
}

// TransformBatch fills the missing values of b.
func (s *SimpleImputer) TransformBatch(b *Block) (*Block, error) {
	if !s.Fitted() {
		return nil, fmt.Errorf("SimpleImputer: %w", ErrNotFitted)
	}
	out := b
	for k, name := range s.Columns {
		fill := s.FillValue
		if s.Strategy != ImputeConstant {
			fill = &s.Fill[k]
		}
		c, err := b.ColumnByName(name)
		if err != nil {
			c = NewNullColumn(fill.Type, b.NumRows())
		}
		filled, err := fillColumn(c, *fill)
		if err != nil {
			return nil, fmt.Errorf("SimpleImputer: column %q: %w", name, err)
		}
		if out, err = out.WithColumn(name, filled); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fillColumn returns c with missing values replaced by v. An Int64 column
// filled with a Float64 becomes Float64.
func fillColumn(c *Column, v Scalar) (*Column, error) {
	n := c.Len()
	missing := func(i int) bool {
		return c.IsNull(i) || (c.typ == Float64 && math.IsNaN(c.f64[i]))
	}
	switch {
	case c.typ == Float64 && (v.Type == Float64 || v.Type == Int64):
		fv := v.F
		if v.Type == Int64 {
			fv = float64(v.I)
		}
		out := slices.Clone(c.f64)
		for i := range out {
			if missing(i) {
				out[i] = fv
			}
		}
		return NewFloat64Column(out, nil), nil
	case c.typ == Int64 && v.Type == Float64:
		out, _ := c.AsFloat64()
		out = slices.Clone(out)
		for i := range out {
			if missing(i) {
				out[i] = v.F
			}
		}
		return NewFloat64Column(out, nil), nil
	case c.typ == Int64 && v.Type == Int64:
		out := slices.Clone(c.i64)
		for i := range out {
			if missing(i) {
				out[i] = v.I
			}
		}
		return NewInt64Column(out, nil), nil
	case c.typ == String && v.Type == String:
		out := slices.Clone(c.str)
		for i := range out {
			if missing(i) {
				out[i] = v.S
			}
		}
		return NewStringColumn(out, nil), nil
	case c.typ == Bool && v.Type == Bool:
		out := slices.Clone(c.b)
		for i := range out {
			if missing(i) {
				out[i] = v.B
			}
		}
		return NewBoolColumn(out, nil), nil
	}
	if n == 0 {
		return c, nil
	}
	return nil, fmt.Errorf("%w: cannot fill a %s column with %s %s", ErrTypeConflict, c.typ, v.Type, v)
}
