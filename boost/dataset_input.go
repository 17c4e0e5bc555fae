package boost

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/sagepipe/sagepipe/dataset"
)

// DatasetColumns names the columns of a dataset that make a DMatrix, as
// xgboost-ray's RayDMatrix(ds, label="PRICE") does.
type DatasetColumns struct {
	// Label is the label column; "" for data used only for prediction.
	Label string
	// Features are the feature columns, in the model's feature order; nil
	// means every column of the dataset other than Label and Weight, in
	// schema order.
	Features []string
	// Weight is an optional column of non-negative sample weights.
	Weight string
}

// ColumnTypeError reports a dataset column that cannot feed training or
// prediction because it is not numeric. It wraps ErrInput.
type ColumnTypeError struct {
	// Column is the column's name.
	Column string
	// Role is "label", "feature" or "weight".
	Role string
	// Type is the column's dataset type ("string", "vector").
	Type string
}

// Error implements error.
func (e *ColumnTypeError) Error() string {
	return fmt.Sprintf("boost: %s column %q is %s; it must be numeric (float64, int64 or bool)", e.Role, e.Column, e.Type)
}

// Unwrap returns ErrInput.
func (e *ColumnTypeError) Unwrap() error { return ErrInput }

// numericType reports whether a dataset column type converts to float32.
func numericType(t dataset.Type) bool {
	return t == dataset.Float64 || t == dataset.Int64 || t == dataset.Bool
}

// resolve checks the columns against the dataset's schema and returns the
// feature list (filled in when cols.Features is nil).
func (cols DatasetColumns) resolve(s dataset.Schema) ([]string, error) {
	names := s.Names()
	check := func(role, name string) error {
		f, err := s.Field(name)
		if err != nil {
			return fmt.Errorf("%w: %s column: %w", ErrInput, role, &dataset.MissingColumnError{Column: name, Available: names})
		}
		if !numericType(f.Type) {
			return &ColumnTypeError{Column: name, Role: role, Type: f.Type.String()}
		}
		return nil
	}
	if cols.Label != "" {
		if err := check("label", cols.Label); err != nil {
			return nil, err
		}
	}
	if cols.Weight != "" {
		if err := check("weight", cols.Weight); err != nil {
			return nil, err
		}
	}
	features := cols.Features
	if features == nil {
		for _, n := range names {
			if n != cols.Label && n != cols.Weight {
				features = append(features, n)
			}
		}
	}
	if len(features) == 0 {
		return nil, fmt.Errorf("%w: no feature columns (dataset columns %v)", ErrInput, names)
	}
	seen := make(map[string]bool, len(features))
	for _, n := range features {
		if seen[n] {
			return nil, fmt.Errorf("%w: feature column %q listed twice", ErrInput, n)
		}
		seen[n] = true
		if n == cols.Label || n == cols.Weight {
			return nil, fmt.Errorf("%w: column %q is both a feature and the label or weight", ErrInput, n)
		}
		if err := check("feature", n); err != nil {
			return nil, err
		}
	}
	return features, nil
}

// appendF32 appends column c of block b converted to float32 (nulls
// become NaN) to dst.
func appendF32(dst []float32, b *dataset.Block, name, role string) ([]float32, error) {
	c, err := b.ColumnByName(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s column: %w", ErrInput, role, err)
	}
	n := c.Len()
	dst = slices.Grow(dst, n)
	switch c.Type() {
	case dataset.Float64:
		for _, v := range c.Float64s()[:n] {
			dst = append(dst, float32(v))
		}
	case dataset.Int64:
		for _, v := range c.Int64s()[:n] {
			dst = append(dst, float32(v))
		}
	case dataset.Bool:
		for _, v := range c.Bools()[:n] {
			dst = append(dst, float32(boolInt(v)))
		}
	default:
		return nil, &ColumnTypeError{Column: name, Role: role, Type: c.Type().String()}
	}
	if c.HasNulls() {
		tail := dst[len(dst)-n:]
		for i := range tail {
			if c.IsNull(i) {
				tail[i] = float32(math.NaN())
			}
		}
	}
	return dst, nil
}

// FromDataset builds a DMatrix from a dataset, streaming its blocks in
// order: the feature columns become float32 features (a null is a
// missing value), and the label and weight columns, when named, the
// labels and sample weights, which must not be null. Float64, Int64 and
// Bool columns are accepted. A column that is not in the dataset is an
// error wrapping ErrInput and a *dataset.MissingColumnError listing the
// available columns; a non-numeric one is a *ColumnTypeError. The
// feature names are kept and saved with a trained model.
func FromDataset(ctx context.Context, ds *dataset.Dataset, cols DatasetColumns) (*DMatrix, error) {
	if ds == nil {
		return nil, fmt.Errorf("%w: nil dataset", ErrInput)
	}
	s, err := ds.Schema(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: dataset schema: %w", ErrInput, err)
	}
	features, err := cols.resolve(s)
	if err != nil {
		return nil, err
	}
	fc := make([][]float32, len(features))
	var label, weight []float32
	rows := 0
	for b, err := range ds.Blocks(ctx) {
		if err != nil {
			return nil, fmt.Errorf("%w: reading dataset: %w", ErrInput, err)
		}
		for j, name := range features {
			if fc[j], err = appendF32(fc[j], b, name, "feature"); err != nil {
				return nil, err
			}
		}
		if cols.Label != "" {
			if label, err = appendF32(label, b, cols.Label, "label"); err != nil {
				return nil, err
			}
			if err := noNulls(label[rows:], cols.Label, "label", rows); err != nil {
				return nil, err
			}
		}
		if cols.Weight != "" {
			if weight, err = appendF32(weight, b, cols.Weight, "weight"); err != nil {
				return nil, err
			}
			if err := noNulls(weight[rows:], cols.Weight, "weight", rows); err != nil {
				return nil, err
			}
		}
		rows += b.NumRows()
	}
	for j := range fc {
		if fc[j] == nil {
			fc[j] = []float32{} // an empty dataset still has its columns
		}
	}
	if cols.Label != "" && label == nil {
		label = []float32{}
	}
	d, err := NewDMatrix32(fc, label)
	if err != nil {
		return nil, err
	}
	if weight != nil {
		for i, v := range weight {
			if !(v >= 0) || math.IsInf(float64(v), 1) {
				return nil, fmt.Errorf("%w: weight column %q: %v at row %d must be finite and >= 0", ErrInput, cols.Weight, v, i)
			}
		}
		d.weight = weight
	}
	d.names = slices.Clone(features)
	return d, nil
}

// noNulls rejects NaN (a null) in a label or weight column; first is the
// dataset row of v[0].
func noNulls(v []float32, name, role string, first int) error {
	for i, x := range v {
		if x != x {
			return fmt.Errorf("%w: %s column %q is null or NaN at row %d", ErrInput, role, name, first+i)
		}
	}
	return nil
}

// FromDatasetShards builds one DMatrix from several datasets (the parts
// of a dataset's Split or SplitAt, say) placed one after the other, and
// returns the row count of each part. Pass the counts as
// DistOptions.ShardRows, with NumActors = len(shards), and each training
// actor holds exactly one part, as xgboost-ray gives each actor one shard
// of a Ray dataset. The model does not depend on the sharding.
func FromDatasetShards(ctx context.Context, shards []*dataset.Dataset, cols DatasetColumns) (*DMatrix, []int, error) {
	if len(shards) == 0 {
		return nil, nil, fmt.Errorf("%w: no dataset shards", ErrInput)
	}
	parts := make([]*DMatrix, len(shards))
	counts := make([]int, len(shards))
	for i, ds := range shards {
		d, err := FromDataset(ctx, ds, cols)
		if err != nil {
			return nil, nil, fmt.Errorf("boost: dataset shard %d: %w", i, err)
		}
		if i > 0 && !slices.Equal(d.names, parts[0].names) {
			return nil, nil, fmt.Errorf("%w: shard %d has features %v, shard 0 %v", ErrInput, i, d.names, parts[0].names)
		}
		parts[i], counts[i] = d, d.rows
	}
	d := &DMatrix{cols: make([][]float32, len(parts[0].cols)), names: parts[0].names}
	for j := range d.cols {
		for _, p := range parts {
			d.cols[j] = append(d.cols[j], p.cols[j]...)
		}
	}
	for _, p := range parts {
		d.rows += p.rows
		if cols.Label != "" {
			d.label = append(d.label, p.label...)
		}
		if cols.Weight != "" {
			d.weight = append(d.weight, p.weight...)
		}
	}
	return d, counts, nil
}

// shardBounds returns the first row of every shard and, last, the row
// count: NumActors near-equal contiguous shards, or the ShardRows given.
func shardBounds(rows int, dopt DistOptions) ([]int, error) {
	bounds := make([]int, dopt.NumActors+1)
	if dopt.ShardRows == nil {
		for i := range bounds {
			bounds[i] = i * rows / dopt.NumActors
		}
		return bounds, nil
	}
	if len(dopt.ShardRows) != dopt.NumActors {
		return nil, &ParamError{Name: "ShardRows", Value: dopt.ShardRows, Allowed: fmt.Sprintf("one row count per actor (%d)", dopt.NumActors)}
	}
	for i, n := range dopt.ShardRows {
		if n < 1 {
			return nil, &ParamError{Name: "ShardRows", Value: dopt.ShardRows, Allowed: "counts >= 1"}
		}
		bounds[i+1] = bounds[i] + n
	}
	if bounds[len(bounds)-1] != rows {
		return nil, &ParamError{Name: "ShardRows", Value: dopt.ShardRows, Allowed: fmt.Sprintf("counts summing to the %d rows", rows)}
	}
	return bounds, nil
}

// PredictDataset predicts every row of a dataset, streaming its blocks in
// order, and returns what Predict returns for them (NumGroups values per
// row for multi:softprob, one otherwise). features names the columns in
// the model's feature order; nil means the model's feature names. Nulls
// are missing values.
func (p *Predictor) PredictDataset(ctx context.Context, ds *dataset.Dataset, features []string) ([]float32, error) {
	if ds == nil {
		return nil, fmt.Errorf("%w: nil dataset", ErrInput)
	}
	if features == nil {
		features = p.model.FeatureNames
		if len(features) == 0 {
			return nil, fmt.Errorf("%w: the model has no feature names; name the feature columns", ErrInput)
		}
	}
	if len(features) != p.numFeat {
		return nil, fmt.Errorf("%w: %d feature columns for a model of %d features", ErrInput, len(features), p.numFeat)
	}
	s, err := ds.Schema(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: dataset schema: %w", ErrInput, err)
	}
	if _, err := (DatasetColumns{Features: features}).resolve(s); err != nil {
		return nil, err
	}
	var out []float32
	var col []float32
	var x []float32
	nf := len(features)
	for b, err := range ds.Blocks(ctx) {
		if err != nil {
			return nil, fmt.Errorf("%w: reading dataset: %w", ErrInput, err)
		}
		n := b.NumRows()
		if n == 0 {
			continue
		}
		x = slices.Grow(x[:0], n*nf)[:n*nf]
		for j, name := range features {
			if col, err = appendF32(col[:0], b, name, "feature"); err != nil {
				return nil, err
			}
			for i, v := range col {
				x[i*nf+j] = v
			}
		}
		pred, err := p.Predict(ctx, x)
		if err != nil {
			return nil, err
		}
		out = append(out, pred...)
	}
	return out, nil
}
