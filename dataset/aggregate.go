package dataset

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// aggKind is what an AggFunc computes.
type aggKind int

const (
	aggCount aggKind = iota
	aggSum
	aggMean
	aggStd
	aggMin
	aggMax
)

// AggFunc is one aggregation for Aggregate and GroupBy(...).Aggregate:
// Count(), Sum(col), Mean(col), Std(col, ddof), Min(col), Max(col). Nulls
// and NaNs are skipped by every aggregation but Count (which counts rows).
// Partial results are computed per block in parallel and combined in block
// order, so the result does not depend on parallelism.
type AggFunc struct {
	kind aggKind
	col  string
	ddof int
	name string
}

// Name returns the output column name, as Ray names it: "count()",
// "sum(x)", "mean(x)", "std(x)", "min(x)", "max(x)".
func (a AggFunc) Name() string { return a.name }

// Count counts rows.
func Count() AggFunc { return AggFunc{kind: aggCount, name: "count()"} }

// Sum sums a numeric column.
func Sum(col string) AggFunc { return AggFunc{kind: aggSum, col: col, name: "sum(" + col + ")"} }

// Mean averages a numeric column.
func Mean(col string) AggFunc { return AggFunc{kind: aggMean, col: col, name: "mean(" + col + ")"} }

// Std is the standard deviation of a numeric column with ddof delta
// degrees of freedom (1: sample, Ray's default; 0: population, as
// StandardScaler uses). Computed with a stable parallel (Chan) merge.
func Std(col string, ddof int) AggFunc {
	return AggFunc{kind: aggStd, col: col, ddof: ddof, name: "std(" + col + ")"}
}

// Min is the smallest value of a numeric column.
func Min(col string) AggFunc { return AggFunc{kind: aggMin, col: col, name: "min(" + col + ")"} }

// Max is the largest value of a numeric column.
func Max(col string) AggFunc { return AggFunc{kind: aggMax, col: col, name: "max(" + col + ")"} }

// moments is a partial aggregate of one column.
type moments struct {
	rows     int64 // rows seen, nulls included (for Count)
	n        int64 // non-null, non-NaN values
	sum      float64
	mean, m2 float64
	min, max float64
}

func newMoments() moments { return moments{min: math.Inf(1), max: math.Inf(-1)} }

// addValues folds the values of c at rows idx (all rows if idx is nil).
func (m *moments) addValues(c *Column, idx []int) error {
	if c == nil {
		if idx == nil {
			return nil
		}
		m.rows += int64(len(idx))
		return nil
	}
	if !c.Type().IsNumeric() && c.Type() != Bool {
		return fmt.Errorf("%w: cannot aggregate a %s column", ErrTypeConflict, c.Type())
	}
	var vals []float64
	f := c.Float64s()
	get := func(i int) (float64, bool) {
		if f != nil && !c.HasNulls() {
			return f[i], true
		}
		return c.Float64At(i)
	}
	n := c.Len()
	if idx != nil {
		n = len(idx)
	}
	m.rows += int64(n)
	vals = make([]float64, 0, n)
	for k := 0; k < n; k++ {
		i := k
		if idx != nil {
			i = idx[k]
		}
		v, ok := get(i)
		if !ok || math.IsNaN(v) {
			continue
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil
	}
	var s float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		s += v
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	mean := s / float64(len(vals))
	var m2 float64
	for _, v := range vals {
		d := v - mean
		m2 += d * d
	}
	m.merge(moments{n: int64(len(vals)), sum: s, mean: mean, m2: m2, min: lo, max: hi})
	return nil
}

// merge combines o into m (Chan et al.'s parallel variance update).
func (m *moments) merge(o moments) {
	m.rows += o.rows
	if o.n == 0 {
		return
	}
	if m.n == 0 {
		rows := m.rows
		*m = o
		m.rows = rows
		return
	}
	n := m.n + o.n
	d := o.mean - m.mean
	m.mean += d * float64(o.n) / float64(n)
	m.m2 += o.m2 + d*d*float64(m.n)*float64(o.n)/float64(n)
	m.sum += o.sum
	m.n = n
	m.min = math.Min(m.min, o.min)
	m.max = math.Max(m.max, o.max)
}

// result is aggregation a's value from m; t is the aggregated column's
// type (Int64 sums, mins and maxes stay integers). Empty input gives nil
// (null), as Ray gives None.
func (m *moments) result(a AggFunc, t Type) any {
	if a.kind == aggCount {
		return m.rows
	}
	if m.n == 0 {
		if a.kind == aggSum {
			if t == Int64 {
				return int64(0)
			}
			return 0.0
		}
		return nil
	}
	switch a.kind {
	case aggSum:
		if t == Int64 {
			return int64(m.sum)
		}
		return m.sum
	case aggMean:
		return m.mean
	case aggStd:
		if m.n-int64(a.ddof) <= 0 {
			return nil
		}
		return math.Sqrt(m.m2 / float64(m.n-int64(a.ddof)))
	case aggMin:
		if t == Int64 {
			return int64(m.min)
		}
		return m.min
	case aggMax:
		if t == Int64 {
			return int64(m.max)
		}
		return m.max
	}
	return nil
}

// groupState is the partial aggregate of one group.
type groupState struct {
	key []any
	agg []moments
}

// partials maps a group key (rendered) to its state, remembering first-seen
// order.
type partials struct {
	keys   []string
	groups map[string]*groupState
	types  []Type // aggregated column types, per AggFunc
}

// aggregate runs the plan and folds every block into per-group moments.
// Blocks are folded inside the executor's tasks; the per-task partials are
// merged in block order.
func (d *Dataset) aggregate(ctx context.Context, keys []string, aggs []AggFunc) (*partials, error) {
	var results []*partials
	// Each block becomes a one-row marker block carrying the index of its
	// partial, computed inside the fused tasks.
	var mu sync.Mutex
	parts := map[int]*partials{}
	next := 0
	fold := d.with(&node{kind: kMap, name: "Aggregate", in: []*node{d.plan}, fn: func(ctx context.Context, b *Block) (*Block, error) {
		p, err := foldBlock(b, keys, aggs)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		id := next
		next++
		parts[id] = p
		mu.Unlock()
		return NewBlockFromColumns([]string{"partial"}, []*Column{NewInt64Column([]int64{int64(id)}, nil)})
	}})
	for b, err := range fold.stream(ctx) {
		if err != nil {
			return nil, err
		}
		mu.Lock()
		p := parts[int(b.Column(0).Int64s()[0])]
		delete(parts, int(b.Column(0).Int64s()[0]))
		mu.Unlock()
		results = append(results, p)
	}
	d.mu.Lock()
	d.last = fold.Stats()
	d.mu.Unlock()
	return mergePartials(results, keys, aggs), nil
}

// mergePartials combines per-block partials in block order.
func mergePartials(results []*partials, keys []string, aggs []AggFunc) *partials {
	out := &partials{groups: map[string]*groupState{}}
	for _, p := range results {
		if out.types == nil {
			out.types = p.types
		}
		for _, k := range p.keys {
			g := p.groups[k]
			og, ok := out.groups[k]
			if !ok {
				out.keys = append(out.keys, k)
				out.groups[k] = g
				continue
			}
			for i := range og.agg {
				og.agg[i].merge(g.agg[i])
			}
		}
	}
	if len(keys) == 0 && len(out.keys) == 0 {
		g := &groupState{agg: make([]moments, len(aggs))}
		for i := range g.agg {
			g.agg[i] = newMoments()
		}
		out.keys = []string{""}
		out.groups[""] = g
	}
	return out
}

// foldBlock computes the partial aggregates of one block.
func foldBlock(b *Block, keys []string, aggs []AggFunc) (*partials, error) {
	p := &partials{groups: map[string]*groupState{}, types: make([]Type, len(aggs))}
	cols := make([]*Column, len(aggs))
	for i, a := range aggs {
		if a.kind == aggCount {
			continue
		}
		c, err := b.ColumnByName(a.col)
		if err != nil {
			return nil, err
		}
		cols[i], p.types[i] = c, c.Type()
	}
	if len(keys) == 0 {
		g := &groupState{agg: make([]moments, len(aggs))}
		for i := range aggs {
			g.agg[i] = newMoments()
			if cols[i] == nil {
				g.agg[i].rows = int64(b.NumRows())
				continue
			}
			if err := g.agg[i].addValues(cols[i], nil); err != nil {
				return nil, fmt.Errorf("%s: %w", aggs[i].name, err)
			}
		}
		p.keys = []string{""}
		p.groups[""] = g
		return p, nil
	}
	kcols := make([]*Column, len(keys))
	for i, k := range keys {
		c, err := b.ColumnByName(k)
		if err != nil {
			return nil, err
		}
		kcols[i] = c
	}
	rowsOf := map[string][]int{}
	keyOf := map[string][]any{}
	var sb strings.Builder
	for r := 0; r < b.NumRows(); r++ {
		sb.Reset()
		for _, c := range kcols {
			fmt.Fprintf(&sb, "%T:%v\x00", c.Value(r), c.Value(r))
		}
		k := sb.String()
		if _, ok := rowsOf[k]; !ok {
			p.keys = append(p.keys, k)
			kv := make([]any, len(kcols))
			for i, c := range kcols {
				kv[i] = c.Value(r)
			}
			keyOf[k] = kv
		}
		rowsOf[k] = append(rowsOf[k], r)
	}
	for _, k := range p.keys {
		g := &groupState{key: keyOf[k], agg: make([]moments, len(aggs))}
		idx := rowsOf[k]
		for i := range aggs {
			g.agg[i] = newMoments()
			if cols[i] == nil {
				g.agg[i].rows = int64(len(idx))
				continue
			}
			if err := g.agg[i].addValues(cols[i], idx); err != nil {
				return nil, fmt.Errorf("%s: %w", aggs[i].name, err)
			}
		}
		p.groups[k] = g
	}
	return p, nil
}

// Aggregate computes aggregations over the whole dataset in one pass and
// returns them as a row keyed by each AggFunc's Name.
func (d *Dataset) Aggregate(ctx context.Context, aggs ...AggFunc) (Row, error) {
	p, err := d.aggregate(ctx, nil, aggs)
	if err != nil {
		return nil, err
	}
	g := p.groups[""]
	out := Row{}
	for i, a := range aggs {
		t := Float64
		if p.types != nil {
			t = p.types[i]
		}
		out[a.name] = g.agg[i].result(a, t)
	}
	return out, nil
}

// Count returns the number of rows. When the plan is a parquet read (or
// in-memory data) followed only by row-preserving operators, the count
// comes from the file footers without reading data.
func (d *Dataset) Count(ctx context.Context) (int64, error) {
	plan, err := pushdown(ctx, d.plan)
	if err != nil {
		return 0, err
	}
	if n, ok, err := exactRows(ctx, plan, max(d.opts.Parallelism, 1)); err != nil || ok {
		return n, err
	}
	var n int64
	for b, err := range d.stream(ctx) {
		if err != nil {
			return 0, err
		}
		n += int64(b.NumRows())
	}
	return n, nil
}

func (d *Dataset) one(ctx context.Context, a AggFunc) (float64, error) {
	r, err := d.Aggregate(ctx, a)
	if err != nil {
		return 0, err
	}
	switch v := r[a.name].(type) {
	case float64:
		return v, nil
	case int64:
		return float64(v), nil
	}
	return math.NaN(), nil
}

// Sum returns the sum of a numeric column (nulls skipped).
func (d *Dataset) Sum(ctx context.Context, col string) (float64, error) { return d.one(ctx, Sum(col)) }

// Mean returns the mean of a numeric column (NaN if it has no values).
func (d *Dataset) Mean(ctx context.Context, col string) (float64, error) {
	return d.one(ctx, Mean(col))
}

// Std returns the standard deviation of a numeric column with ddof delta
// degrees of freedom (Ray's default is 1).
func (d *Dataset) Std(ctx context.Context, col string, ddof int) (float64, error) {
	return d.one(ctx, Std(col, ddof))
}

// Min returns the smallest value of a numeric column.
func (d *Dataset) Min(ctx context.Context, col string) (float64, error) { return d.one(ctx, Min(col)) }

// Max returns the largest value of a numeric column.
func (d *Dataset) Max(ctx context.Context, col string) (float64, error) { return d.one(ctx, Max(col)) }

// Unique returns the distinct non-null values of a column, sorted.
func (d *Dataset) Unique(ctx context.Context, col string) ([]any, error) {
	p, err := d.aggregate(ctx, []string{col}, nil)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, k := range p.keys {
		if v := p.groups[k].key; len(v) == 1 && v[0] != nil {
			out = append(out, v[0])
		}
	}
	slices.SortFunc(out, compareValues)
	return out, nil
}

// compareValues orders values of one column type; nil sorts last.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch x := a.(type) {
	case float64:
		return cmp.Compare(x, b.(float64))
	case int64:
		return cmp.Compare(x, b.(int64))
	case string:
		return cmp.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	return 0
}

// GroupedData is a dataset grouped by key columns, waiting for an
// aggregation.
type GroupedData struct {
	d    *Dataset
	keys []string
}

// GroupBy groups rows by the values of the key columns.
func (d *Dataset) GroupBy(keys ...string) *GroupedData {
	return &GroupedData{d: d, keys: append([]string(nil), keys...)}
}

// Aggregate returns a dataset with one row per group: the key columns,
// then one column per aggregation (named by AggFunc.Name), sorted by key
// as Ray sorts groups. It runs when the result is consumed.
func (g *GroupedData) Aggregate(aggs ...AggFunc) *Dataset {
	d, keys := g.d, g.keys
	aggs = append([]AggFunc(nil), aggs...)
	name := "GroupBy(" + strings.Join(keys, ",") + ").Aggregate"
	return d.with(&node{kind: kAllToAll, name: name, in: []*node{d.plan},
		schemaFn: func(s Schema) (Schema, error) { return groupSchema(s, keys, aggs) },
		all: func(ctx context.Context, e *env, blocks []*Block) ([]*Block, error) {
			if len(blocks) == 0 {
				return nil, nil
			}
			s := blocks[0].Schema()
			parts := make([]*partials, len(blocks))
			errs := make([]error, len(blocks))
			err := e.parallelRange(ctx, len(blocks), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					parts[i], errs[i] = foldBlock(blocks[i], keys, aggs)
				}
			})
			if err != nil {
				return nil, err
			}
			for _, err := range errs {
				if err != nil {
					return nil, err
				}
			}
			b, err := groupBlock(s, mergePartials(parts, keys, aggs), keys, aggs)
			if err != nil {
				return nil, err
			}
			return []*Block{b}, nil
		}})
}

// groupSchema is the schema of GroupBy(keys).Aggregate(aggs) over s.
func groupSchema(s Schema, keys []string, aggs []AggFunc) (Schema, error) {
	out, err := s.Select(keys...)
	if err != nil {
		return Schema{}, err
	}
	for _, a := range aggs {
		f := Field{Name: a.name, Type: Float64, Nullable: true}
		if a.kind == aggCount {
			f = Field{Name: a.name, Type: Int64}
		} else {
			in, err := s.Field(a.col)
			if err != nil {
				return Schema{}, err
			}
			if in.Type == Int64 && a.kind != aggMean && a.kind != aggStd {
				f.Type = Int64
			}
		}
		out.Fields = append(out.Fields, f)
	}
	return out, nil
}

// Count is Aggregate(Count()).
func (g *GroupedData) Count() *Dataset { return g.Aggregate(Count()) }

// groupBlock renders merged partials as one block sorted by key; s is the
// input schema.
func groupBlock(s Schema, p *partials, keys []string, aggs []AggFunc) (*Block, error) {
	groups := make([]*groupState, 0, len(p.keys))
	for _, k := range p.keys {
		groups = append(groups, p.groups[k])
	}
	slices.SortStableFunc(groups, func(a, b *groupState) int {
		for i := range a.key {
			if c := compareValues(a.key[i], b.key[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	names := append([]string(nil), keys...)
	var cols []*Column
	vals := make([]any, len(groups))
	for i, k := range keys {
		for r, g := range groups {
			vals[r] = g.key[i]
		}
		c, err := NewColumnFromValues(vals)
		if err != nil {
			return nil, err
		}
		if f, err := s.Field(k); err == nil && c.Type() != f.Type && c.NullCount() == c.Len() {
			c = NewNullColumn(f.Type, c.Len())
		}
		cols = append(cols, c)
	}
	for i, a := range aggs {
		t := Float64
		if f, err := s.Field(a.col); err == nil {
			t = f.Type
		}
		for r, g := range groups {
			vals[r] = g.agg[i].result(a, t)
		}
		c, err := NewColumnFromValues(vals)
		if err != nil {
			return nil, err
		}
		names = append(names, a.name)
		cols = append(cols, c)
	}
	return NewBlockFromColumns(names, cols)
}
