package dataset

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// Concatenator packs numeric columns into one Vector column (a feature
// vector per row), appended as the last column; the packed columns are
// dropped. Nulls become NaN. With no Columns it packs every numeric column
// except Exclude. It needs no Fit.
type Concatenator struct {
	Columns      []string `json:"columns,omitempty"`
	Exclude      []string `json:"exclude,omitempty"`
	OutputColumn string   `json:"output_column"`
	// RaiseIfMissing makes a named column missing from a block an error;
	// otherwise it is skipped (Ray's default).
	RaiseIfMissing bool `json:"raise_if_missing,omitempty"`
}

// NewConcatenator packs the named columns into output ("concat_out" if
// empty).
func NewConcatenator(output string, columns ...string) *Concatenator {
	if output == "" {
		output = "concat_out"
	}
	return &Concatenator{Columns: slices.Clone(columns), OutputColumn: output}
}

// Fit does nothing: a Concatenator has no state.
func (c *Concatenator) Fit(ctx context.Context, src BlockSource) error { return nil }

// Fitted is always true.
func (c *Concatenator) Fitted() bool { return true }

// TransformBatch packs the columns of b.
func (c *Concatenator) TransformBatch(b *Block) (*Block, error) {
	names := c.Columns
	if len(names) == 0 {
		for _, f := range b.schema.Fields {
			if (f.Type.IsNumeric() || f.Type == Bool) && !slices.Contains(c.Exclude, f.Name) {
				names = append(names, f.Name)
			}
		}
	}
	var present []string
	for _, n := range names {
		if _, ok := b.schema.Index(n); ok {
			present = append(present, n)
		} else if c.RaiseIfMissing {
			return nil, fmt.Errorf("Concatenator: %w", &MissingColumnError{Column: n, Available: b.schema.Names()})
		}
	}
	if len(present) == 0 {
		return nil, fmt.Errorf("Concatenator: %w: no columns to concatenate", ErrPreprocessor)
	}
	d := len(present)
	flat := make([]float64, b.rows*d)
	for k, n := range present {
		v, valid, err := numericColumn(b, n, "Concatenator")
		if err != nil {
			return nil, err
		}
		for i, x := range v {
			if valid != nil && !valid[i] {
				x = math.NaN()
			}
			flat[i*d+k] = x
		}
	}
	vec, err := NewVectorColumn(d, flat, nil)
	if err != nil {
		return nil, err
	}
	out, err := b.Drop(present...)
	if err != nil {
		return nil, err
	}
	if _, dup := out.schema.Index(c.output()); dup {
		return nil, fmt.Errorf("Concatenator: %w: output column %q already exists", ErrSchemaMismatch, c.output())
	}
	out.rows = b.rows
	return out.WithColumn(c.output(), vec)
}

func (c *Concatenator) output() string {
	if c.OutputColumn == "" {
		return "concat_out"
	}
	return c.OutputColumn
}

// Chain applies preprocessors in order. Fit fits each stage on the output
// of the stages before it (reading the source once per stage that needs
// fitting); TransformBatch runs every stage.
type Chain struct {
	Stages []Preprocessor
}

// NewChain returns a chain of the given stages.
func NewChain(stages ...Preprocessor) *Chain {
	return &Chain{Stages: slices.Clone(stages)}
}

// Fit fits the stages one after the other.
func (c *Chain) Fit(ctx context.Context, src BlockSource) error {
	if len(c.Stages) == 0 {
		return fmt.Errorf("Chain: %w: no stages", ErrPreprocessor)
	}
	cur := src
	for i, p := range c.Stages {
		if err := p.Fit(ctx, cur); err != nil {
			return fmt.Errorf("Chain stage %d: %w", i, err)
		}
		if d, ok := cur.(*Dataset); ok {
			cur = TransformDataset(p, d) // keeps the executor's parallelism
		} else {
			cur = TransformSource(p, cur)
		}
	}
	return nil
}

// Fitted reports whether every stage is fitted.
func (c *Chain) Fitted() bool {
	for _, p := range c.Stages {
		if !p.Fitted() {
			return false
		}
	}
	return len(c.Stages) > 0
}

// TransformBatch runs the stages on b in order.
func (c *Chain) TransformBatch(b *Block) (*Block, error) {
	var err error
	for i, p := range c.Stages {
		if b, err = p.TransformBatch(b); err != nil {
			return nil, fmt.Errorf("Chain stage %d: %w", i, err)
		}
	}
	return b, nil
}

// MarshalJSON encodes the stages, each with its type name.
func (c *Chain) MarshalJSON() ([]byte, error) {
	stages := make([]json.RawMessage, len(c.Stages))
	for i, p := range c.Stages {
		raw, err := MarshalPreprocessor(p)
		if err != nil {
			return nil, err
		}
		stages[i] = raw
	}
	return json.Marshal(struct {
		Stages []json.RawMessage `json:"stages"`
	}{stages})
}

// UnmarshalJSON decodes what MarshalJSON writes.
func (c *Chain) UnmarshalJSON(b []byte) error {
	var raw struct {
		Stages []json.RawMessage `json:"stages"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	c.Stages = make([]Preprocessor, len(raw.Stages))
	for i, r := range raw.Stages {
		p, err := UnmarshalPreprocessor(r)
		if err != nil {
			return fmt.Errorf("stage %d: %w", i, err)
		}
		c.Stages[i] = p
	}
	return nil
}
