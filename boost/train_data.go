package boost

import (
	"fmt"
	"math"
)

// DMatrix is a training or evaluation data set held column by column:
// float32 feature columns (NaN = missing, as XGBoost casts its input to
// float32), a label per row and optional sample weights. Build one from
// plain column slices with NewDMatrix or NewDMatrix32, or from any table
// that satisfies Table with FromTable. A DMatrix is read-only once built
// and may be shared by concurrent trainings.
type DMatrix struct {
	cols   [][]float32
	label  []float32
	weight []float32
	names  []string
	rows   int
}

// Table is the small interface a columnar table satisfies to feed
// training: its row count and any column as float64 values (NaN for
// missing). The dataset package's tables can satisfy it without boost
// importing them.
type Table interface {
	NumRows() int
	Float64s(column string) ([]float64, error)
}

// NewDMatrix builds a DMatrix from feature columns (one slice per feature,
// all of the same length) and labels (one per row, or nil for data used
// only for prediction), converting each value to float32.
func NewDMatrix(cols [][]float64, label []float64) (*DMatrix, error) {
	c32 := make([][]float32, len(cols))
	for j, c := range cols {
		c32[j] = toF32(c)
	}
	var l32 []float32
	if label != nil {
		l32 = toF32(label)
	}
	return NewDMatrix32(c32, l32)
}

// NewDMatrix32 builds a DMatrix from float32 feature columns and labels
// without copying them; the caller must not change them afterwards.
func NewDMatrix32(cols [][]float32, label []float32) (*DMatrix, error) {
	rows := len(label)
	if len(cols) > 0 {
		rows = len(cols[0])
	}
	for j, c := range cols {
		if len(c) != rows {
			return nil, fmt.Errorf("%w: feature column %d has %d rows, column 0 has %d", ErrInput, j, len(c), rows)
		}
	}
	if label != nil && len(label) != rows {
		return nil, fmt.Errorf("%w: %d labels for %d rows", ErrInput, len(label), rows)
	}
	return &DMatrix{cols: cols, label: label, rows: rows}, nil
}

// FromTable builds a DMatrix from the named label column (or "" for none)
// and feature columns of t; the feature names are kept.
func FromTable(t Table, label string, features ...string) (*DMatrix, error) {
	if err := uniqueNames(features); err != nil {
		return nil, err
	}
	cols := make([][]float64, len(features))
	for j, name := range features {
		c, err := t.Float64s(name)
		if err != nil {
			return nil, fmt.Errorf("%w: feature column %q: %w", ErrInput, name, err)
		}
		cols[j] = c
	}
	var lab []float64
	if label != "" {
		var err error
		if lab, err = t.Float64s(label); err != nil {
			return nil, fmt.Errorf("%w: label column %q: %w", ErrInput, label, err)
		}
	}
	d, err := NewDMatrix(cols, lab)
	if err != nil {
		return nil, err
	}
	if d.rows != t.NumRows() {
		return nil, fmt.Errorf("%w: table has %d rows, its columns %d", ErrInput, t.NumRows(), d.rows)
	}
	d.names = append([]string(nil), features...)
	return d, nil
}

func toF32(c []float64) []float32 {
	out := make([]float32, len(c))
	for i, v := range c {
		out[i] = float32(v)
	}
	return out
}

// SetWeight sets one non-negative sample weight per row (nil removes them).
func (d *DMatrix) SetWeight(w []float64) error {
	if w == nil {
		d.weight = nil
		return nil
	}
	if len(w) != d.rows {
		return fmt.Errorf("%w: %d weights for %d rows", ErrInput, len(w), d.rows)
	}
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return fmt.Errorf("%w: weight %v at row %d must be finite and >= 0", ErrInput, v, i)
		}
	}
	d.weight = toF32(w)
	return nil
}

// SetFeatureNames names the feature columns (saved in the model).
func (d *DMatrix) SetFeatureNames(names []string) error {
	if names != nil && len(names) != len(d.cols) {
		return fmt.Errorf("%w: %d feature names for %d columns", ErrInput, len(names), len(d.cols))
	}
	if err := uniqueNames(names); err != nil {
		return err
	}
	d.names = append([]string(nil), names...)
	return nil
}

// NumRows is the number of rows.
func (d *DMatrix) NumRows() int { return d.rows }

// NumCols is the number of feature columns.
func (d *DMatrix) NumCols() int { return len(d.cols) }

// Label returns the labels (nil when there are none); do not modify them.
func (d *DMatrix) Label() []float32 { return d.label }

// Slice returns rows [lo, hi) as a DMatrix sharing d's memory.
func (d *DMatrix) Slice(lo, hi int) (*DMatrix, error) {
	if lo < 0 || hi > d.rows || lo > hi {
		return nil, fmt.Errorf("%w: rows [%d, %d) of %d", ErrInput, lo, hi, d.rows)
	}
	s := &DMatrix{cols: make([][]float32, len(d.cols)), names: d.names, rows: hi - lo}
	for j, c := range d.cols {
		s.cols[j] = c[lo:hi]
	}
	if d.label != nil {
		s.label = d.label[lo:hi]
	}
	if d.weight != nil {
		s.weight = d.weight[lo:hi]
	}
	return s, nil
}

// RowMajor returns the features as the row-major float32 matrix that
// Model.Predict takes.
func (d *DMatrix) RowMajor() []float32 {
	nf := len(d.cols)
	out := make([]float32, d.rows*nf)
	for j, c := range d.cols {
		for i, v := range c {
			out[i*nf+j] = v
		}
	}
	return out
}

// uniqueNames refuses a repeated feature name: XGBoost refuses it too
// ("feature_names must be unique") and cannot predict with a model that
// has one.
func uniqueNames(names []string) error {
	seen := make(map[string]int, len(names))
	for j, n := range names {
		if k, ok := seen[n]; ok {
			return fmt.Errorf("%w: feature name %q is used by columns %d and %d; names must be unique", ErrInput, n, k, j)
		}
		seen[n] = j
	}
	return nil
}

// checkFinite reports the first infinite feature value, naming its row and
// column. NaN is a missing value; an infinity is refused, as XGBoost's
// DMatrix refuses it ("Input data contains inf or a value too large").
func (d *DMatrix) checkFinite() error {
	const inf = 0x7f800000
	for j, c := range d.cols {
		for i, v := range c {
			if math.Float32bits(v)&(1<<31-1) == inf {
				col := fmt.Sprintf("feature column %d", j)
				if j < len(d.names) && d.names[j] != "" {
					col = fmt.Sprintf("feature column %d (%q)", j, d.names[j])
				}
				return fmt.Errorf("%w: %s holds %v at row %d: features must be finite (NaN marks a missing value)", ErrInput, col, v, i)
			}
		}
	}
	return nil
}

// leafOf walks tree t for row i of column-major data, as the predictor
// does (float32 comparisons, strict <, NaN follows DefaultLeft).
func leafOf(t *Tree, cols [][]float32, i int) int32 {
	n := int32(0)
	for t.Left[n] != -1 {
		x := cols[t.SplitIndex[n]][i]
		switch {
		case x != x:
			if t.DefaultLeft[n] {
				n = t.Left[n]
			} else {
				n = t.Right[n]
			}
		case x < t.SplitCond[n]:
			n = t.Left[n]
		default:
			n = t.Right[n]
		}
	}
	return n
}
