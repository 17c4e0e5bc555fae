package dataset

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// nearZero is the divisor below which a scaler treats a column as
// constant (Ray's threshold since ray-project/ray#60488).
const nearZero = 1e-8

// Float is a float64 that survives JSON: NaN and the infinities encode as
// the strings "NaN", "Infinity" and "-Infinity" (encoding/json rejects them
// as numbers). A fitted statistic of a column with no values is NaN.
type Float float64

// MarshalJSON encodes f as a number, or a string for NaN and ±Inf.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON accepts what MarshalJSON writes, and null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`, "null":
		*f = Float(math.NaN())
		return nil
	case `"Infinity"`:
		*f = Float(math.Inf(1))
		return nil
	case `"-Infinity"`:
		*f = Float(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

func fittedLen(cols []string, stats ...[]Float) bool {
	for _, s := range stats {
		if s == nil || len(s) != len(cols) {
			return false
		}
	}
	return len(cols) > 0
}

// StandardScaler scales each column to (x − mean) / std, with the mean and
// the population standard deviation (ddof 0, as Ray computes it) of the
// fitted data. A column whose std is below 1e-8 is only centred (divisor
// 1), so a constant column becomes 0. A column with no values at fit time
// has NaN statistics and transforms to NaN. Nulls stay null; the output
// columns are Float64.
type StandardScaler struct {
	Columns []string `json:"columns"`
	Mean    []Float  `json:"mean,omitempty"`
	Std     []Float  `json:"std,omitempty"`
}

// NewStandardScaler returns an unfitted scaler of the named columns.
func NewStandardScaler(columns ...string) *StandardScaler {
	return &StandardScaler{Columns: slices.Clone(columns)}
}

// Fit computes each column's mean and population std in one pass.
func (s *StandardScaler) Fit(ctx context.Context, src BlockSource) error {
	ms, err := fitMoments(ctx, src, s.Columns, "StandardScaler")
	if err != nil {
		return err
	}
	s.Mean, s.Std = make([]Float, len(ms)), make([]Float, len(ms))
	for k, m := range ms {
		s.Mean[k], s.Std[k] = Float(math.NaN()), Float(math.NaN())
		if m.n > 0 {
			s.Mean[k], s.Std[k] = Float(m.mean), Float(m.std(0))
		}
	}
	return nil
}

// Fitted reports whether Fit has run.
func (s *StandardScaler) Fitted() bool { return fittedLen(s.Columns, s.Mean, s.Std) }

// TransformBatch scales the columns of b.
func (s *StandardScaler) TransformBatch(b *Block) (*Block, error) {
	if !s.Fitted() {
		return nil, fmt.Errorf("StandardScaler: %w", ErrNotFitted)
	}
	return mapFloatColumns(b, s.Columns, "StandardScaler", func(k int, x float64) float64 {
		d := float64(s.Std[k])
		if d < nearZero {
			d = 1
		}
		return (x - float64(s.Mean[k])) / d
	})
}

// MinMaxScaler scales each column to (x − min) / (max − min). A column
// whose range is below 1e-8 is only shifted (divisor 1), so a constant
// column becomes 0.
type MinMaxScaler struct {
	Columns []string `json:"columns"`
	Min     []Float  `json:"min,omitempty"`
	Max     []Float  `json:"max,omitempty"`
}

// NewMinMaxScaler returns an unfitted scaler of the named columns.
func NewMinMaxScaler(columns ...string) *MinMaxScaler {
	return &MinMaxScaler{Columns: slices.Clone(columns)}
}

// Fit computes each column's min and max.
func (s *MinMaxScaler) Fit(ctx context.Context, src BlockSource) error {
	ms, err := fitMoments(ctx, src, s.Columns, "MinMaxScaler")
	if err != nil {
		return err
	}
	s.Min, s.Max = make([]Float, len(ms)), make([]Float, len(ms))
	for k, m := range ms {
		s.Min[k], s.Max[k] = Float(math.NaN()), Float(math.NaN())
		if m.n > 0 {
			s.Min[k], s.Max[k] = Float(m.min), Float(m.max)
		}
	}
	return nil
}

// Fitted reports whether Fit has run.
func (s *MinMaxScaler) Fitted() bool { return fittedLen(s.Columns, s.Min, s.Max) }

// TransformBatch scales the columns of b.
func (s *MinMaxScaler) TransformBatch(b *Block) (*Block, error) {
	if !s.Fitted() {
		return nil, fmt.Errorf("MinMaxScaler: %w", ErrNotFitted)
	}
	return mapFloatColumns(b, s.Columns, "MinMaxScaler", func(k int, x float64) float64 {
		d := float64(s.Max[k] - s.Min[k])
		if d < nearZero {
			d = 1
		}
		return (x - float64(s.Min[k])) / d
	})
}

// MaxAbsScaler scales each column to x / max|x|. An all-zero column is
// left as is (divisor 1).
type MaxAbsScaler struct {
	Columns []string `json:"columns"`
	AbsMax  []Float  `json:"abs_max,omitempty"`
}

// NewMaxAbsScaler returns an unfitted scaler of the named columns.
func NewMaxAbsScaler(columns ...string) *MaxAbsScaler {
	return &MaxAbsScaler{Columns: slices.Clone(columns)}
}

// Fit computes each column's largest absolute value.
func (s *MaxAbsScaler) Fit(ctx context.Context, src BlockSource) error {
	ms, err := fitMoments(ctx, src, s.Columns, "MaxAbsScaler")
	if err != nil {
		return err
	}
	s.AbsMax = make([]Float, len(ms))
	for k, m := range ms {
		s.AbsMax[k] = Float(math.NaN())
		if m.n > 0 {
			s.AbsMax[k] = Float(m.absMax)
		}
	}
	return nil
}

// Fitted reports whether Fit has run.
func (s *MaxAbsScaler) Fitted() bool { return fittedLen(s.Columns, s.AbsMax) }

// TransformBatch scales the columns of b.
func (s *MaxAbsScaler) TransformBatch(b *Block) (*Block, error) {
	if !s.Fitted() {
		return nil, fmt.Errorf("MaxAbsScaler: %w", ErrNotFitted)
	}
	return mapFloatColumns(b, s.Columns, "MaxAbsScaler", func(k int, x float64) float64 {
		d := float64(s.AbsMax[k])
		if d == 0 {
			d = 1
		}
		return x / d
	})
}

// RobustScaler scales each column to (x − median) / (q_high − q_low) with
// quantiles of the fitted data (QuantileRange, by default 0.25 and 0.75).
// A quantile q is the value at index ⌊q·(n−1)⌋ of the sorted non-null
// values, as Ray's exact RobustScaler computes it (no interpolation). A
// column whose range is 0 transforms to 0 (Ray's rule; scikit-learn
// differs). Fit holds one column's values in memory at a time.
type RobustScaler struct {
	Columns       []string   `json:"columns"`
	QuantileRange [2]float64 `json:"quantile_range"`
	Low           []Float    `json:"low,omitempty"`
	Median        []Float    `json:"median,omitempty"`
	High          []Float    `json:"high,omitempty"`
}

// NewRobustScaler returns an unfitted scaler of the named columns with the
// quartiles as quantile range.
func NewRobustScaler(columns ...string) *RobustScaler {
	return &RobustScaler{Columns: slices.Clone(columns), QuantileRange: [2]float64{0.25, 0.75}}
}

// Fit computes each column's low quantile, median and high quantile.
func (s *RobustScaler) Fit(ctx context.Context, src BlockSource) error {
	lo, hi := s.QuantileRange[0], s.QuantileRange[1]
	if !(0 <= lo && lo <= 0.5 && 0.5 <= hi && hi <= 1) {
		return fmt.Errorf("RobustScaler: %w: quantile range %v must satisfy 0 ≤ low ≤ 0.5 ≤ high ≤ 1", ErrPreprocessor, s.QuantileRange)
	}
	if len(s.Columns) == 0 {
		return fmt.Errorf("RobustScaler: %w: no columns", ErrPreprocessor)
	}
	low, med, high := make([]Float, len(s.Columns)), make([]Float, len(s.Columns)), make([]Float, len(s.Columns))
	for k, name := range s.Columns {
		var vals []float64
		err := forEachBlock(ctx, src, func(b *Block) error {
			v, valid, err := numericColumn(b, name, "RobustScaler")
			if err != nil {
				return err
			}
			for i, x := range v {
				if valid == nil || valid[i] {
					vals = append(vals, x)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		slices.Sort(vals)
		at := func(q float64) Float {
			if len(vals) == 0 {
				return Float(math.NaN())
			}
			return Float(vals[int(q*float64(len(vals)-1))])
		}
		low[k], med[k], high[k] = at(lo), at(0.5), at(hi)
	}
	s.Low, s.Median, s.High = low, med, high
	return nil
}

// Fitted reports whether Fit has run.
func (s *RobustScaler) Fitted() bool { return fittedLen(s.Columns, s.Low, s.Median, s.High) }

// TransformBatch scales the columns of b.
func (s *RobustScaler) TransformBatch(b *Block) (*Block, error) {
	if !s.Fitted() {
		return nil, fmt.Errorf("RobustScaler: %w", ErrNotFitted)
	}
	return mapFloatColumns(b, s.Columns, "RobustScaler", func(k int, x float64) float64 {
		d := float64(s.High[k] - s.Low[k])
		if d == 0 {
			return 0
		}
		return (x - float64(s.Median[k])) / d
	})
}
