package dataset

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure how a dataset executes. The zero value is usable.
type Options struct {
	// Parallelism is how many tasks run at once; 0 means the system's CPUs.
	Parallelism int
	// MemoryBudget bounds the bytes of blocks in flight in the streaming
	// executor (produced and not yet consumed); 0 means
	// DefaultMemoryBudget. Barriers (shuffle, sort, repartition, splits,
	// Materialize) hold their data outside this budget.
	MemoryBudget int64
	// BlockRows is the rows per block of datasets built in memory (Range,
	// FromItems, FromColumns) and of the outputs of shuffles, sorts and
	// repartitions; 0 means DefaultBlockRows.
	BlockRows int
	// Logger receives one debug line per execution; nil discards.
	Logger *slog.Logger
}

func (o Options) blockRows() int {
	if o.BlockRows > 0 {
		return o.BlockRows
	}
	return DefaultBlockRows
}

// Row is one row: column name to value (float64, int64, string, bool, or
// nil for null).
type Row = map[string]any

// Dataset is a lazy, immutable plan over columnar blocks. Transforms return
// a new Dataset and run nothing; consuming methods (Count, Take, Rows,
// Batches, Write, Materialize, aggregations, splits) execute the plan on
// the streaming executor. A Dataset is safe for concurrent use.
type Dataset struct {
	sys  *System
	opts Options
	plan *node

	mu   sync.Mutex
	last *Stats
}

func newDataset(sys *System, opts Options, n *node) *Dataset {
	return &Dataset{sys: sys, opts: opts, plan: n}
}

// with returns a dataset sharing d's system and options over plan n.
func (d *Dataset) with(n *node) *Dataset { return newDataset(d.sys, d.opts, n) }

// WithOptions returns the dataset with other execution options.
func (d *Dataset) WithOptions(o Options) *Dataset { return newDataset(d.sys, o, d.plan) }

// Options returns the dataset's execution options.
func (d *Dataset) Options() Options { return d.opts }

// Read returns a dataset reading src (a *ParquetDatasource, a
// *CSVDatasource or any Datasource). The source's schema is read now, so a
// missing path or a bad footer is reported here; the data is read when
// the dataset is consumed. SelectColumns and DropColumns right after a
// parquet or CSV read are pushed into the reader.
func Read(ctx context.Context, sys *System, src Datasource, opts Options) (*Dataset, error) {
	s, err := sourceSchema(ctx, src)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("Read(%T)", src)
	name = strings.Replace(name, "*dataset.", "", 1)
	return newDataset(sys, opts, &node{kind: kSource, name: name, src: &source{ds: src, rows: -1, schema: &s}}), nil
}

// FromBlocks returns a dataset over blocks already in memory. Every block
// must have the same schema.
func FromBlocks(sys *System, blocks []*Block, opts Options) (*Dataset, error) {
	for i, b := range blocks[min(1, len(blocks)):] {
		if !b.Schema().Equal(blocks[0].Schema()) {
			return nil, fmt.Errorf("%w: block %d has schema %s, block 0 has %s", ErrSchemaMismatch, i+1, b.Schema(), blocks[0].Schema())
		}
	}
	return fromBlocks(sys, opts, "FromBlocks", blocks), nil
}

func fromBlocks(sys *System, opts Options, name string, blocks []*Block) *Dataset {
	if blocks == nil {
		blocks = []*Block{}
	}
	return newDataset(sys, opts, &node{kind: kSource, name: name, src: &source{blocks: blocks, rows: -1}})
}

// FromColumns returns a one-table dataset of the named columns, cut into
// blocks of Options.BlockRows rows (the columns are shared, not copied).
func FromColumns(sys *System, names []string, cols []*Column, opts Options) (*Dataset, error) {
	b, err := NewBlockFromColumns(names, cols)
	if err != nil {
		return nil, err
	}
	return fromBlocks(sys, opts, "FromColumns", cutBlock(b, opts.blockRows())), nil
}

// FromItems returns a dataset of rows given as maps. Columns are the union
// of the keys in sorted order; a key missing from a row is null there.
// Value types are inferred per column as NewColumnFromValues does.
func FromItems(sys *System, items []Row, opts Options) (*Dataset, error) {
	keys := map[string]bool{}
	for _, it := range items {
		for k := range it {
			keys[k] = true
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	cols := make([]*Column, len(names))
	vals := make([]any, len(items))
	for i, name := range names {
		for r, it := range items {
			vals[r] = it[name]
		}
		c, err := NewColumnFromValues(vals)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", name, err)
		}
		cols[i] = c
	}
	if len(names) == 0 {
		return fromBlocks(sys, opts, "FromItems", nil), nil
	}
	b, err := NewBlockFromColumns(names, cols)
	if err != nil {
		return nil, err
	}
	return fromBlocks(sys, opts, "FromItems", cutBlock(b, opts.blockRows())), nil
}

// Range returns a dataset of one Int64 column "id" holding 0 … n-1, built
// lazily in blocks of Options.BlockRows rows.
func Range(sys *System, n int, opts Options) *Dataset {
	if n < 0 {
		n = 0
	}
	br := opts.blockRows()
	s := NewSchema(Field{Name: "id", Type: Int64})
	gen := func(int) []task {
		var ts []task
		for lo := 0; lo < n; lo += br {
			hi := min(lo+br, n)
			ts = append(ts, task{name: fmt.Sprintf("Range[%d:%d]", lo, hi), run: func(ctx context.Context, emit func(*Block) error) error {
				v := make([]int64, hi-lo)
				for i := range v {
					v[i] = int64(lo + i)
				}
				b, err := NewBlock(s, []*Column{NewInt64Column(v, nil)})
				if err != nil {
					return err
				}
				return emit(b)
			}})
		}
		return ts
	}
	return newDataset(sys, opts, &node{kind: kSource, name: "Range", src: &source{gen: gen, rows: int64(n), schema: &s}})
}

// cutBlock cuts b into views of at most rows rows.
func cutBlock(b *Block, rows int) []*Block {
	if b.NumRows() <= rows {
		return []*Block{b}
	}
	var out []*Block
	for lo := 0; lo < b.NumRows(); lo += rows {
		out = append(out, b.Slice(lo, min(lo+rows, b.NumRows())))
	}
	return out
}

// stream executes the plan and yields its blocks in order. The stats of
// the run are recorded when the stream ends.
func (d *Dataset) stream(ctx context.Context) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		e := newEnv(d.opts, d.sys)
		start := time.Now()
		defer d.record(e, start)
		plan, err := pushdown(ctx, d.plan)
		if err != nil {
			yield(nil, err)
			return
		}
		e.stats.register(plan)
		for b, err := range e.runTasks(ctx, e.compile(ctx, plan), true) {
			if !yield(b, err) || err != nil {
				return
			}
		}
	}
}

func (d *Dataset) record(e *env, start time.Time) {
	st := &Stats{Ops: e.stats.snapshot(), Wall: time.Since(start), PeakBytes: e.budget.Peak(), MemoryBudget: e.budget.limit}
	d.mu.Lock()
	d.last = st
	d.mu.Unlock()
	if d.opts.Logger != nil {
		d.opts.Logger.Debug("dataset executed", "ops", len(st.Ops), "wall", st.Wall, "peak_bytes", st.PeakBytes)
	}
}

// Stats returns the figures of the dataset's last execution (per operator
// time, blocks, rows and bytes; wall time; peak bytes in flight), or nil if
// it has not run.
func (d *Dataset) Stats() *Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// Explain returns the logical plan, one operator per line, source first.
func (d *Dataset) Explain() string {
	var b strings.Builder
	d.plan.explain(&b, 0)
	return b.String()
}

// Schema returns the dataset's schema. It is derived from the plan when
// every operator knows its output (reads, column selections, renames);
// otherwise the plan runs until its first block, as Ray's schema() does. An
// empty dataset of unknown schema gives an empty Schema.
func (d *Dataset) Schema(ctx context.Context) (Schema, error) {
	if s, ok, err := staticSchema(ctx, d.plan); ok || err != nil {
		return s, err
	}
	for b, err := range d.stream(ctx) {
		if err != nil {
			return Schema{}, err
		}
		return b.Schema(), nil
	}
	return Schema{}, nil
}

// Columns returns the column names in schema order.
func (d *Dataset) Columns(ctx context.Context) ([]string, error) {
	s, err := d.Schema(ctx)
	if err != nil {
		return nil, err
	}
	return s.Names(), nil
}
