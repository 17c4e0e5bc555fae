package dataset

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// opKind is the kind of a logical plan node.
type opKind int

const (
	kSource   opKind = iota // read tasks or in-memory blocks
	kMap                    // a one-block-in, one-block-out function, fused into the tasks before it
	kLimit                  // the first n rows, streaming
	kUnion                  // the inputs one after the other
	kPool                   // a function run on an actor pool, streaming
	kAllToAll               // a barrier: needs all input blocks (shuffle, sort, repartition)
)

// node is one operator of a logical plan. Nodes are immutable once built,
// so datasets can share plan prefixes.
type node struct {
	kind opKind
	name string
	in   []*node

	src *source // kSource

	// kMap: fn returns the new block (nil drops it). schemaFn derives the
	// output schema without running when it can. rowPreserving says the
	// row count is unchanged. project says the op only removes or reorders
	// columns, so it can be pushed into a reader.
	fn            func(ctx context.Context, b *Block) (*Block, error)
	schemaFn      func(Schema) (Schema, error)
	rowPreserving bool
	project       bool
	// recycle says fn is package code whose output blocks reach only the
	// consumer: a package writer may recycle their owned columns.
	recycle bool

	limit int64     // kLimit
	pool  *poolSpec // kPool

	// kAllToAll: all maps every input block to the output blocks.
	all func(ctx context.Context, e *env, blocks []*Block) ([]*Block, error)
}

// source is where a plan starts.
type source struct {
	ds     Datasource // a reader, or
	blocks []*Block   // materialized blocks, or
	gen    func(par int) []task
	rows   int64 // exact rows of gen, -1 if unknown
	schema *Schema
}

func (n *node) explain(b *strings.Builder, depth int) {
	for _, in := range n.in {
		in.explain(b, depth+1)
	}
	fmt.Fprintf(b, "%s%s\n", strings.Repeat("  ", depth), n.name)
}

// pushdown rewrites the plan: column projections (SelectColumns,
// DropColumns) directly after a parquet or CSV read become the reader's
// column list, so unread columns are never decoded.
func pushdown(ctx context.Context, n *node) (*node, error) {
	if len(n.in) == 0 {
		return n, nil
	}
	ins := make([]*node, len(n.in))
	changed := false
	for i, in := range n.in {
		p, err := pushdown(ctx, in)
		if err != nil {
			return nil, err
		}
		ins[i] = p
		changed = changed || p != in
	}
	if changed {
		c := *n
		c.in = ins
		n = &c
	}
	if n.kind == kUnion {
		if _, _, err := unionSchema(ctx, n); err != nil {
			return nil, err
		}
	}
	if n.kind != kMap || !n.project || n.in[0].kind != kSource || n.in[0].src.ds == nil {
		return n, nil
	}
	src := n.in[0].src
	s, err := sourceSchema(ctx, src.ds)
	if err != nil {
		return nil, err
	}
	out, err := n.schemaFn(s)
	if err != nil {
		return nil, opErr(n.name, err)
	}
	var ds Datasource
	switch d := src.ds.(type) {
	case *ParquetDatasource:
		if d.opts.Columns == nil {
			o := d.opts
			o.Columns = out.Names()
			ds = NewParquetDatasource(d.paths, o)
		}
	case *CSVDatasource:
		if d.opts.Columns == nil {
			o := d.opts
			o.Columns = out.Names()
			ds = NewCSVDatasource(d.paths, o)
		}
	}
	if ds == nil {
		return n, nil
	}
	return &node{kind: kSource, name: n.in[0].name + "+" + n.name, src: &source{ds: ds, rows: -1, schema: &out}}, nil
}

// compile turns the plan ending at n into a lazy sequence of tasks. Maps
// are fused into the tasks of their input; a limit, an actor pool or a
// barrier runs its input to a stream (or to completion) and starts new
// tasks from there.
func (e *env) compile(ctx context.Context, n *node) iter.Seq2[task, error] {
	op := e.stats.op(n)
	switch n.kind {
	case kSource:
		return e.sourceTasks(ctx, n, op)
	case kMap:
		inner := e.compile(ctx, n.in[0])
		return func(yield func(task, error) bool) {
			for t, err := range inner {
				if err != nil {
					yield(task{}, err)
					return
				}
				run := t.run
				t.light = false // the map computes
				t.run = func(ctx context.Context, emit func(*Block) error) error {
					return run(ctx, func(b *Block) error {
						var out *Block
						err := e.timed(op, func() error {
							return runRecover(ctx, n.name, func(ctx context.Context) error {
								var err error
								out, err = n.fn(ctx, b)
								return err
							})
						})
						if err != nil {
							return opErr(n.name, err)
						}
						if out == nil {
							return nil
						}
						e.stats.addOut(op, out)
						return emit(out)
					})
				}
				if !yield(t, nil) {
					return
				}
			}
		}
	case kUnion:
		return func(yield func(task, error) bool) {
			for _, in := range n.in {
				for t, err := range e.compile(ctx, in) {
					if !yield(t, err) || err != nil {
						return
					}
				}
			}
		}
	case kLimit:
		return streamTasks(n.name, e.limitStream(ctx, n, op))
	case kPool:
		return streamTasks(n.name, e.poolStream(ctx, n, op))
	case kAllToAll:
		return func(yield func(task, error) bool) {
			blocks, err := e.collect(ctx, e.compile(ctx, n.in[0]))
			if err != nil {
				yield(task{}, err)
				return
			}
			var out []*Block
			err = e.timed(op, func() error {
				var err error
				out, err = n.all(ctx, e, blocks)
				return err
			})
			blocks = nil
			if err != nil {
				yield(task{}, opErr(n.name, err))
				return
			}
			for _, b := range out {
				e.stats.addOut(op, b)
			}
			for t, err := range blockTasks(n.name, out) {
				if !yield(t, err) {
					return
				}
			}
		}
	}
	return func(yield func(task, error) bool) {
		yield(task{}, fmt.Errorf("%w: unknown node %q", ErrInvalidPlan, n.name))
	}
}

func (e *env) sourceTasks(ctx context.Context, n *node, op int) iter.Seq2[task, error] {
	src := n.src
	return func(yield func(task, error) bool) {
		switch {
		case src.blocks != nil:
			for _, b := range src.blocks {
				e.stats.addOut(op, b)
			}
			for t, err := range blockTasks(n.name, src.blocks) {
				if !yield(t, err) {
					return
				}
			}
		case src.gen != nil:
			for _, t := range src.gen(e.par) {
				run := t.run
				t.run = func(ctx context.Context, emit func(*Block) error) error {
					return run(ctx, func(b *Block) error {
						e.stats.addOut(op, b)
						return emit(b)
					})
				}
				if !yield(t, nil) {
					return
				}
			}
		default:
			rts, err := readTasks(ctx, src.ds, e.par)
			if err != nil {
				yield(task{}, opErr(n.name, err))
				return
			}
			for i, rt := range rts {
				t := task{name: rt.Name, run: func(ctx context.Context, emit func(*Block) error) error {
					// A panic in the source's reading (its code, its FS, a
					// file changed since planning) is this task's error.
					return runRecover(ctx, fmt.Sprintf("read task %d (%s)", i, rt.Name), func(ctx context.Context) error {
						for b, err := range rt.Read(ctx) {
							if err != nil {
								return opErr(n.name, err)
							}
							e.stats.addOut(op, b)
							if err := emit(b); err != nil {
								return err
							}
						}
						return nil
					})
				}}
				if !yield(t, nil) {
					return
				}
			}
		}
	}
}

// limitStream yields the first n.limit rows of its input, then stops the
// input.
func (e *env) limitStream(ctx context.Context, n *node, op int) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		left := n.limit
		if left <= 0 {
			return
		}
		for b, err := range e.runTasks(ctx, e.compile(ctx, n.in[0]), false) {
			if err != nil {
				yield(nil, err)
				return
			}
			if int64(b.NumRows()) > left {
				b = b.Slice(0, int(left))
			}
			left -= int64(b.NumRows())
			e.stats.addOut(op, b)
			if !yield(b, nil) || left == 0 {
				return
			}
		}
	}
}

// exactRows returns the row count of the plan without running it when the
// plan is a source with known row counts followed only by row-preserving
// maps; ok is false otherwise.
func exactRows(ctx context.Context, n *node, par int) (rows int64, ok bool, err error) {
	for n.kind == kMap && n.rowPreserving {
		n = n.in[0]
	}
	if n.kind != kSource {
		return 0, false, nil
	}
	src := n.src
	switch {
	case src.blocks != nil:
		for _, b := range src.blocks {
			rows += int64(b.NumRows())
		}
		return rows, true, nil
	case src.gen != nil:
		return src.rows, src.rows >= 0, nil
	}
	if _, isParquet := src.ds.(*ParquetDatasource); !isParquet {
		return 0, false, nil
	}
	rts, err := readTasks(ctx, src.ds, par)
	if err != nil {
		return 0, false, err
	}
	for _, rt := range rts {
		if rt.EstimatedRows < 0 {
			return 0, false, nil
		}
		rows += rt.EstimatedRows
	}
	return rows, true, nil
}

// staticSchema derives the plan's schema without running it, when every
// operator knows its output schema.
func staticSchema(ctx context.Context, n *node) (Schema, bool, error) {
	switch n.kind {
	case kSource:
		switch {
		case n.src.schema != nil:
			return *n.src.schema, true, nil
		case n.src.ds != nil:
			s, err := sourceSchema(ctx, n.src.ds)
			return s, err == nil, err
		case len(n.src.blocks) > 0:
			return n.src.blocks[0].Schema(), true, nil
		}
		return Schema{}, false, nil
	case kMap:
		if n.schemaFn == nil {
			return Schema{}, false, nil
		}
		s, ok, err := staticSchema(ctx, n.in[0])
		if !ok || err != nil {
			return Schema{}, ok, err
		}
		out, err := n.schemaFn(s)
		if err != nil {
			return Schema{}, false, opErr(n.name, err)
		}
		return out, true, nil
	case kUnion:
		return unionSchema(ctx, n)
	case kLimit, kAllToAll:
		if n.kind == kAllToAll && n.schemaFn != nil {
			s, ok, err := staticSchema(ctx, n.in[0])
			if !ok || err != nil {
				return Schema{}, ok, err
			}
			out, err := n.schemaFn(s)
			return out, err == nil, err
		}
		return staticSchema(ctx, n.in[0])
	}
	return Schema{}, false, nil
}

// unionSchema derives a union's schema from its inputs' and checks them
// against each other: two inputs whose schemas are known and differ in a
// column's name or type are an ErrSchemaMismatch naming both inputs and the
// column. Where an input's schema is known only by running it, ok is false
// and the check is left to the point where blocks are combined.
func unionSchema(ctx context.Context, n *node) (s Schema, ok bool, err error) {
	first, known := -1, true
	for i, in := range n.in {
		si, oki, err := staticSchema(ctx, in)
		if err != nil {
			return Schema{}, false, err
		}
		if !oki {
			known = false
			continue
		}
		if first < 0 {
			first, s = i, si.clone()
			continue
		}
		if !si.Equal(s) {
			return Schema{}, false, opErr(n.name, fmt.Errorf("%w: input %d (%s) %s, input %d (%s) %s",
				ErrSchemaMismatch, first, n.in[first].name, schemaDiff(s, si), i, in.name, schemaDiff(si, s)))
		}
		for j, f := range si.Fields {
			s.Fields[j].Nullable = s.Fields[j].Nullable || f.Nullable
		}
	}
	return s, known && first == 0, nil
}

// schemaDiff describes a's side of the first column where a and b differ
// in name or type.
func schemaDiff(a, b Schema) string {
	for i := range max(len(a.Fields), len(b.Fields)) {
		switch {
		case i >= len(a.Fields):
			return fmt.Sprintf("has no column %d", i)
		case i >= len(b.Fields), a.Fields[i].Name != b.Fields[i].Name, a.Fields[i].Type != b.Fields[i].Type:
			return fmt.Sprintf("has column %d %q of type %s", i, a.Fields[i].Name, a.Fields[i].Type)
		}
	}
	return "has the same columns"
}
