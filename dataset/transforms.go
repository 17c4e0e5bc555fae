package dataset

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// BatchFunc transforms one batch of rows into another. It must not modify
// its input (blocks are shared); it returns a new block, which may have
// other columns and another number of rows.
type BatchFunc func(ctx context.Context, batch *Block) (*Block, error)

// BatchOptions configure MapBatches and MapBatchesWith.
type BatchOptions struct {
	// BatchSize is the rows per call; 0 passes whole blocks. A batch never
	// spans two blocks, so the last batch of each block may be smaller;
	// Repartition first for exact batch sizes.
	BatchSize int
	// Compute, when set, runs the function on a pool of actors instead of
	// as tasks fused into the read (Ray's ActorPoolStrategy). MapBatchesWith
	// always uses a pool.
	Compute *ActorPoolStrategy
	// Name labels the operator in Stats and errors ("MapBatches" if empty).
	Name string
}

// Map applies fn to every row. The output rows' keys become the columns:
// input columns keep their order, new keys follow sorted; value types are
// inferred per block as NewColumnFromValues does, so fn should return the
// same types for a key on every row. Map is slow next to MapBatches: it
// builds a map per row.
func (d *Dataset) Map(fn func(Row) (Row, error)) *Dataset {
	return d.with(&node{kind: kMap, name: "Map", in: []*node{d.plan}, rowPreserving: true,
		fn: func(ctx context.Context, b *Block) (*Block, error) {
			out := make([]Row, b.NumRows())
			for i := range out {
				r, err := fn(b.Row(i))
				if err != nil {
					return nil, fmt.Errorf("row %d: %w", i, err)
				}
				out[i] = r
			}
			return rowsToBlock(out, b.Schema())
		}})
}

// rowsToBlock builds a block from rows: columns of like the order of prev
// first, then new keys sorted.
func rowsToBlock(rows []Row, prev Schema) (*Block, error) {
	keys := map[string]bool{}
	for _, r := range rows {
		for k := range r {
			keys[k] = true
		}
	}
	var names []string
	for _, f := range prev.Fields {
		if keys[f.Name] {
			names = append(names, f.Name)
			delete(keys, f.Name)
		}
	}
	var extra []string
	for k := range keys {
		extra = append(extra, k)
	}
	sort.Strings(extra)
	names = append(names, extra...)
	cols := make([]*Column, len(names))
	vals := make([]any, len(rows))
	for i, n := range names {
		for r, row := range rows {
			vals[r] = row[n]
		}
		c, err := NewColumnFromValues(vals)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", n, err)
		}
		if f, err := prev.Field(n); err == nil && f.Type == Int64 && c.Type() == Float64 && c.NullCount() == c.Len() {
			c = NewNullColumn(Int64, c.Len())
		}
		cols[i] = c
	}
	return NewBlockFromColumns(names, cols)
}

// Filter keeps the rows for which fn returns true.
func (d *Dataset) Filter(fn func(Row) (bool, error)) *Dataset {
	return d.with(&node{kind: kMap, name: "Filter", in: []*node{d.plan},
		schemaFn: func(s Schema) (Schema, error) { return s, nil },
		fn: func(ctx context.Context, b *Block) (*Block, error) {
			var keep []int
			for i := 0; i < b.NumRows(); i++ {
				ok, err := fn(b.Row(i))
				if err != nil {
					return nil, fmt.Errorf("row %d: %w", i, err)
				}
				if ok {
					keep = append(keep, i)
				}
			}
			if len(keep) == b.NumRows() {
				return b, nil
			}
			return b.Take(keep), nil
		}})
}

// MapBatches applies fn to batches of rows. By default fn runs as tasks
// fused with the operators before it; with opts.Compute it runs on a pool
// of actors, each calling fn.
func (d *Dataset) MapBatches(fn BatchFunc, opts BatchOptions) *Dataset {
	name := opts.Name
	if name == "" {
		name = "MapBatches"
	}
	if opts.Compute != nil {
		return d.MapBatchesWith(func(context.Context) (BatchFunc, error) { return fn, nil }, opts)
	}
	return d.with(&node{kind: kMap, name: name, in: []*node{d.plan},
		fn: func(ctx context.Context, b *Block) (*Block, error) { return applyBatches(ctx, fn, b, opts.BatchSize) }})
}

// applyBatches calls fn on batches of b and concatenates the outputs.
func applyBatches(ctx context.Context, fn BatchFunc, b *Block, size int) (*Block, error) {
	if size <= 0 || b.NumRows() <= size {
		return fn(ctx, b)
	}
	var outs []*Block
	for lo := 0; lo < b.NumRows(); lo += size {
		o, err := fn(ctx, b.Slice(lo, min(lo+size, b.NumRows())))
		if err != nil {
			return nil, err
		}
		if o != nil {
			outs = append(outs, o)
		}
	}
	if len(outs) == 0 {
		return nil, nil
	}
	return Concat(outs...)
}

// AddColumn appends (or replaces) column name computed by fn from each
// block.
func (d *Dataset) AddColumn(name string, fn func(ctx context.Context, b *Block) (*Column, error)) *Dataset {
	return d.with(&node{kind: kMap, name: "AddColumn(" + name + ")", in: []*node{d.plan}, rowPreserving: true,
		fn: func(ctx context.Context, b *Block) (*Block, error) {
			c, err := fn(ctx, b)
			if err != nil {
				return nil, err
			}
			return b.WithColumn(name, c)
		}})
}

// DropColumns removes the named columns; naming a missing column is a
// *MissingColumnError listing the available ones.
func (d *Dataset) DropColumns(cols ...string) *Dataset {
	cols = append([]string(nil), cols...)
	return d.with(&node{kind: kMap, name: "DropColumns(" + strings.Join(cols, ",") + ")", in: []*node{d.plan},
		rowPreserving: true, project: true,
		schemaFn: func(s Schema) (Schema, error) {
			b, err := EmptyBlock(s).Drop(cols...)
			if err != nil {
				return Schema{}, err
			}
			return b.Schema(), nil
		},
		fn: func(ctx context.Context, b *Block) (*Block, error) { return b.Drop(cols...) }})
}

// SelectColumns keeps the named columns, in the order given.
func (d *Dataset) SelectColumns(cols ...string) *Dataset {
	cols = append([]string(nil), cols...)
	return d.with(&node{kind: kMap, name: "SelectColumns(" + strings.Join(cols, ",") + ")", in: []*node{d.plan},
		rowPreserving: true, project: true,
		schemaFn: func(s Schema) (Schema, error) { return s.Select(cols...) },
		fn:       func(ctx context.Context, b *Block) (*Block, error) { return b.Select(cols...) }})
}

// RenameColumns renames columns old → new.
func (d *Dataset) RenameColumns(names map[string]string) *Dataset {
	m := make(map[string]string, len(names))
	for k, v := range names {
		m[k] = v
	}
	return d.with(&node{kind: kMap, name: "RenameColumns", in: []*node{d.plan}, rowPreserving: true,
		schemaFn: func(s Schema) (Schema, error) {
			b, err := EmptyBlock(s).Rename(m)
			if err != nil {
				return Schema{}, err
			}
			return b.Schema(), nil
		},
		fn: func(ctx context.Context, b *Block) (*Block, error) { return b.Rename(m) }})
}

// Limit keeps the first n rows; the input stops being read once they are
// produced.
func (d *Dataset) Limit(n int) *Dataset {
	return d.with(&node{kind: kLimit, name: fmt.Sprintf("Limit(%d)", n), in: []*node{d.plan}, limit: int64(n)})
}

// Union returns d's rows followed by each other dataset's rows, in order.
// The schemas must match in column names and types: inputs whose schemas
// are known from the plan are checked before anything runs, the others
// where their blocks are combined.
func (d *Dataset) Union(others ...*Dataset) *Dataset {
	ins := []*node{d.plan}
	for _, o := range others {
		ins = append(ins, o.plan)
	}
	return d.with(&node{kind: kUnion, name: "Union", in: ins})
}
