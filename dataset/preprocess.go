package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
)

// BlockSource is the input a preprocessor is fitted on: anything that can
// stream its blocks, more than once if asked. A *Dataset is one; so is
// BlocksOf for blocks already in memory.
type BlockSource interface {
	Blocks(ctx context.Context) iter.Seq2[*Block, error]
}

// Preprocessor is a fittable, serialisable transformation of blocks, in the
// style of Ray Data's preprocessors.
//
// Fit computes the state from a source (a second Fit replaces the state:
// fitting A then B equals fitting B). TransformBatch applies the fitted
// state to one block; it is safe for concurrent use and returns
// ErrNotFitted before Fit. Stateless preprocessors (Concatenator) need no
// Fit. A preprocessor's fitted state is its exported fields: it encodes to
// JSON with encoding/json, and MarshalPreprocessor/UnmarshalPreprocessor add
// the type name so that a Chain or an unknown preprocessor round-trips.
type Preprocessor interface {
	Fit(ctx context.Context, src BlockSource) error
	TransformBatch(b *Block) (*Block, error)
	// Fitted reports whether TransformBatch can run.
	Fitted() bool
}

// ErrNotFitted is returned by TransformBatch (and Transform) of a
// preprocessor that needs fitting and was not fitted.
var ErrNotFitted = errors.New("dataset: preprocessor not fitted")

// ErrPreprocessor wraps invalid preprocessor settings and unknown
// serialised preprocessor types.
var ErrPreprocessor = errors.New("dataset: invalid preprocessor")

// blockSlice is the BlockSource of blocks in memory.
type blockSlice []*Block

func (s blockSlice) Blocks(ctx context.Context) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		for _, b := range s {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(b, nil) {
				return
			}
		}
	}
}

// BlocksOf returns a BlockSource of the given blocks, in order.
func BlocksOf(blocks ...*Block) BlockSource { return blockSlice(blocks) }

// transformed is src with p applied to every block, lazily.
type transformed struct {
	src BlockSource
	p   Preprocessor
}

func (t transformed) Blocks(ctx context.Context) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		for b, err := range t.src.Blocks(ctx) {
			if err == nil {
				b, err = t.p.TransformBatch(b)
			}
			if !yield(b, err) || err != nil {
				return
			}
		}
	}
}

// TransformSource returns src with p applied to every block, lazily: the
// blocks are transformed as they are read.
func TransformSource(p Preprocessor, src BlockSource) BlockSource {
	return transformed{src: src, p: p}
}

// forEachBlock runs fn on every block of src in order.
func forEachBlock(ctx context.Context, src BlockSource, fn func(*Block) error) error {
	if src == nil {
		return fmt.Errorf("%w: nil source", ErrPreprocessor)
	}
	for b, err := range src.Blocks(ctx) {
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// numericColumn returns the named column as float64s (shared for Float64,
// converted for Int64 and Bool) with its validity, or a typed error.
func numericColumn(b *Block, name, op string) ([]float64, []bool, error) {
	c, err := b.ColumnByName(name)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	if c.Type() != Float64 && c.Type() != Int64 && c.Type() != Bool {
		return nil, nil, fmt.Errorf("%s: %w: column %q is %s, not numeric", op, ErrTypeConflict, name, c.Type())
	}
	v, _ := c.AsFloat64()
	return v, c.Validity(), nil
}

// mapFloatColumns returns b with each named column replaced by the column
// f computes from it, keeping positions. The new columns are pooled
// (see newScratchF64).
func mapFloatColumns(b *Block, cols []string, op string, f func(k int, x float64) float64) (*Block, error) {
	out := b
	for k, name := range cols {
		v, valid, err := numericColumn(b, name, op)
		if err != nil {
			return nil, err
		}
		res := newScratchF64(len(v))
		for i, x := range v {
			if valid != nil && !valid[i] {
				res[i] = 0
				continue
			}
			res[i] = f(k, x)
		}
		var vcopy []bool
		if valid != nil {
			vcopy = slices.Clone(valid)
		}
		col := NewFloat64Column(res, vcopy)
		col.pooled = true
		if out, err = out.WithColumn(name, col); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// colMoments accumulates count, mean and the sum of squared deviations of
// one column (Chan et al.'s pairwise update, merged block by block in order
// so the result does not depend on timing), plus min, max and max |x|.
// Nulls and NaN are skipped, as the dataset-wide aggregates skip them.
type colMoments struct {
	n        int64
	mean, m2 float64
	min, max float64
	absMax   float64
}

func (m *colMoments) addBlock(v []float64, valid []bool) {
	var bn int64
	var sum float64
	bmin, bmax := math.Inf(1), math.Inf(-1)
	for i, x := range v {
		if (valid != nil && !valid[i]) || math.IsNaN(x) {
			continue
		}
		bn++
		sum += x
		bmin, bmax = min(bmin, x), max(bmax, x)
	}
	if bn == 0 {
		return
	}
	bmean := sum / float64(bn)
	var bm2 float64
	for i, x := range v {
		if (valid != nil && !valid[i]) || math.IsNaN(x) {
			continue
		}
		d := x - bmean
		bm2 += d * d
	}
	babs := max(math.Abs(bmin), math.Abs(bmax))
	if m.n == 0 {
		*m = colMoments{n: bn, mean: bmean, m2: bm2, min: bmin, max: bmax, absMax: babs}
		return
	}
	n := m.n + bn
	delta := bmean - m.mean
	m.mean += delta * float64(bn) / float64(n)
	m.m2 += bm2 + delta*delta*float64(m.n)*float64(bn)/float64(n)
	m.n = n
	m.min, m.max, m.absMax = min(m.min, bmin), max(m.max, bmax), max(m.absMax, babs)
}

// std returns the standard deviation with ddof delta degrees of freedom.
func (m *colMoments) std(ddof int) float64 {
	if m.n-int64(ddof) <= 0 {
		return math.NaN()
	}
	return math.Sqrt(m.m2 / float64(m.n-int64(ddof)))
}

// fitMoments makes one pass over src and returns the moments of each column.
func fitMoments(ctx context.Context, src BlockSource, cols []string, op string) ([]colMoments, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s: %w: no columns", op, ErrPreprocessor)
	}
	ms := make([]colMoments, len(cols))
	err := forEachBlock(ctx, src, func(b *Block) error {
		for k, name := range cols {
			v, valid, err := numericColumn(b, name, op)
			if err != nil {
				return err
			}
			ms[k].addBlock(v, valid)
		}
		return nil
	})
	return ms, err
}

// Registry of preprocessor types for (un)marshalling.
var preprocessorTypes = map[string]func() Preprocessor{
	"StandardScaler": func() Preprocessor { return new(StandardScaler) },
	"MinMaxScaler":   func() Preprocessor { return new(MinMaxScaler) },
	"MaxAbsScaler":   func() Preprocessor { return new(MaxAbsScaler) },
	"RobustScaler":   func() Preprocessor { return new(RobustScaler) },
	"SimpleImputer":  func() Preprocessor { return new(SimpleImputer) },
	"OneHotEncoder":  func() Preprocessor { return new(OneHotEncoder) },
	"OrdinalEncoder": func() Preprocessor { return new(OrdinalEncoder) },
	"LabelEncoder":   func() Preprocessor { return new(LabelEncoder) },
	"Concatenator":   func() Preprocessor { return new(Concatenator) },
	"Chain":          func() Preprocessor { return new(Chain) },
}

func preprocessorName(p Preprocessor) (string, error) {
	switch p.(type) {
	case *StandardScaler:
		return "StandardScaler", nil
	case *MinMaxScaler:
		return "MinMaxScaler", nil
	case *MaxAbsScaler:
		return "MaxAbsScaler", nil
	case *RobustScaler:
		return "RobustScaler", nil
	case *SimpleImputer:
		return "SimpleImputer", nil
	case *OneHotEncoder:
		return "OneHotEncoder", nil
	case *OrdinalEncoder:
		return "OrdinalEncoder", nil
	case *LabelEncoder:
		return "LabelEncoder", nil
	case *Concatenator:
		return "Concatenator", nil
	case *Chain:
		return "Chain", nil
	}
	return "", fmt.Errorf("%w: cannot serialise %T", ErrPreprocessor, p)
}

type taggedPreprocessor struct {
	Type  string          `json:"type"`
	State json.RawMessage `json:"state"`
}

// MarshalPreprocessor encodes p with its type name:
// {"type":"StandardScaler","state":{…}}.
func MarshalPreprocessor(p Preprocessor) ([]byte, error) {
	name, err := preprocessorName(p)
	if err != nil {
		return nil, err
	}
	state, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPreprocessor, name, err)
	}
	return json.Marshal(taggedPreprocessor{Type: name, State: state})
}

// UnmarshalPreprocessor decodes what MarshalPreprocessor wrote.
func UnmarshalPreprocessor(data []byte) (Preprocessor, error) {
	var t taggedPreprocessor
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPreprocessor, err)
	}
	mk, ok := preprocessorTypes[t.Type]
	if !ok {
		return nil, fmt.Errorf("%w: unknown type %q", ErrPreprocessor, t.Type)
	}
	p := mk()
	if err := json.Unmarshal(t.State, p); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPreprocessor, t.Type, err)
	}
	return p, nil
}
