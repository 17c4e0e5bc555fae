package dataset

// The data layer: blocks, columns, schemas, file systems, read tasks and
// block writers. The execution layer (Dataset, the streaming executor,
// transforms, splits, aggregations) is built on this contract:
//
//   - A *Block is immutable once built. It may be shared by several
//     goroutines and datasets; every operation returns a new Block, and
//     Slice/Select/Drop/Rename share column storage (zero-copy). Take and
//     Concat copy.
//   - Block.SizeBytes is the figure the executor charges against its memory
//     budget.
//   - A Datasource (CSVDatasource, ParquetDatasource) plans ReadTasks without
//     reading data: Schema may read file footers or a CSV header, ReadTasks
//     lists files and row groups. Each ReadTask is independent and may run on
//     any goroutine; its Read yields blocks of at most the source's block
//     size in rows, then stops. A ReadTask's blocks come out in file order,
//     and ReadTasks are returned in a deterministic order (sorted paths, row
//     groups in file order), so the same files give the same block sequence.
//   - A BlockWriter (NewCSVWriter, NewParquetWriter) writes one file per block
//     index, atomically. Abort removes every file the writer committed.
//   - Paths are strings, optionally with a scheme ("s3://bucket/key"); an
//     *FSRegistry in the options resolves schemes to an FS. Local paths and
//     "file://" use LocalFS.
//
// The error values of this layer are declared in schema.go.

import "fmt"

// Block is a horizontal slice of a dataset: a schema and one column per
// field, all of the same length.
type Block struct {
	schema Schema
	cols   []*Column
	rows   int
	// owned lists the pooled columns that no other block or caller holds:
	// set only by a package transform on the block it has just built, so a
	// package writer may recycle them once the block is written.
	owned []*Column
}

// NewBlock checks that cols match schema (count, types, lengths, unique
// names, no nulls in a non-nullable field) and returns the block. The schema
// and the column slice are copied; the column data is not.
func NewBlock(schema Schema, cols []*Column) (*Block, error) {
	if len(cols) != len(schema.Fields) {
		return nil, fmt.Errorf("%w: %d fields but %d columns", ErrSchemaMismatch, len(schema.Fields), len(cols))
	}
	rows := 0
	seen := make(map[string]struct{}, len(cols))
	for i, c := range cols {
		f := schema.Fields[i]
		if _, dup := seen[f.Name]; dup {
			return nil, fmt.Errorf("%w: duplicate column %q", ErrSchemaMismatch, f.Name)
		}
		seen[f.Name] = struct{}{}
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("column %q: %w", f.Name, err)
		}
		if c.typ != f.Type {
			return nil, fmt.Errorf("%w: column %q is %s but the schema says %s", ErrSchemaMismatch, f.Name, c.typ, f.Type)
		}
		if c.valid != nil && !f.Nullable {
			return nil, fmt.Errorf("%w: column %q has nulls but is not nullable", ErrSchemaMismatch, f.Name)
		}
		if i == 0 {
			rows = c.n
		} else if c.n != rows {
			return nil, fmt.Errorf("%w: column %q has %d rows, column %q has %d", ErrSchemaMismatch, f.Name, c.n, schema.Fields[0].Name, rows)
		}
	}
	return &Block{schema: schema.clone(), cols: append([]*Column(nil), cols...), rows: rows}, nil
}

// NewBlockFromColumns builds a block from names and columns, inferring the
// schema (a field is nullable when its column has nulls).
func NewBlockFromColumns(names []string, cols []*Column) (*Block, error) {
	if len(names) != len(cols) {
		return nil, fmt.Errorf("%w: %d names but %d columns", ErrSchemaMismatch, len(names), len(cols))
	}
	fields := make([]Field, len(cols))
	for i, c := range cols {
		if c == nil {
			return nil, fmt.Errorf("%w: column %q is nil", ErrSchemaMismatch, names[i])
		}
		fields[i] = Field{Name: names[i], Type: c.typ, Nullable: c.valid != nil}
	}
	return NewBlock(Schema{Fields: fields}, cols)
}

// EmptyBlock returns a block of zero rows with the given schema.
func EmptyBlock(schema Schema) *Block {
	cols := make([]*Column, len(schema.Fields))
	for i, f := range schema.Fields {
		cols[i] = &Column{typ: f.Type}
	}
	return &Block{schema: schema.clone(), cols: cols}
}

// Schema returns the block's schema (a shared value: do not modify Fields).
func (b *Block) Schema() Schema { return b.schema }

// NumRows returns the number of rows.
func (b *Block) NumRows() int { return b.rows }

// NumColumns returns the number of columns.
func (b *Block) NumColumns() int { return len(b.cols) }

// Column returns column i.
func (b *Block) Column(i int) *Column { return b.cols[i] }

// Columns returns the columns in schema order (a copy of the slice).
func (b *Block) Columns() []*Column { return append([]*Column(nil), b.cols...) }

// ColumnByName returns the named column or a *MissingColumnError.
func (b *Block) ColumnByName(name string) (*Column, error) {
	i, ok := b.schema.Index(name)
	if !ok {
		return nil, &MissingColumnError{Column: name, Available: b.schema.Names()}
	}
	return b.cols[i], nil
}

// Slice returns rows [i, j) as a view sharing storage.
func (b *Block) Slice(i, j int) *Block {
	cols := make([]*Column, len(b.cols))
	for k, c := range b.cols {
		cols[k] = c.Slice(i, j)
	}
	return &Block{schema: b.schema, cols: cols, rows: j - i}
}

// Take returns a new block of the rows at idx, in that order.
// Indices must be in [0, NumRows()): like a slice index, one out of range
// panics.
func (b *Block) Take(idx []int) *Block {
	cols := make([]*Column, len(b.cols))
	for k, c := range b.cols {
		cols[k] = c.Take(idx)
	}
	return &Block{schema: b.schema, cols: cols, rows: len(idx)}
}

// Select returns the named columns, in the order given.
func (b *Block) Select(names ...string) (*Block, error) {
	s := Schema{Fields: make([]Field, len(names))}
	cols := make([]*Column, len(names))
	for k, n := range names {
		i, ok := b.schema.Index(n)
		if !ok {
			return nil, &MissingColumnError{Column: n, Available: b.schema.Names()}
		}
		s.Fields[k], cols[k] = b.schema.Fields[i], b.cols[i]
	}
	return &Block{schema: s, cols: cols, rows: b.rows}, nil
}

// Drop returns the block without the named columns. Naming a column that
// does not exist is a *MissingColumnError, as in Ray's drop_columns.
func (b *Block) Drop(names ...string) (*Block, error) {
	drop := make(map[string]bool, len(names))
	for _, n := range names {
		if _, ok := b.schema.Index(n); !ok {
			return nil, &MissingColumnError{Column: n, Available: b.schema.Names()}
		}
		drop[n] = true
	}
	out := &Block{rows: b.rows}
	for i, f := range b.schema.Fields {
		if !drop[f.Name] {
			out.schema.Fields = append(out.schema.Fields, f)
			out.cols = append(out.cols, b.cols[i])
		}
	}
	return out, nil
}

// Rename returns the block with columns renamed by old→new. Renaming a
// missing column, or producing a duplicate name, is an error.
func (b *Block) Rename(names map[string]string) (*Block, error) {
	for old := range names {
		if _, ok := b.schema.Index(old); !ok {
			return nil, &MissingColumnError{Column: old, Available: b.schema.Names()}
		}
	}
	s := b.schema.clone()
	seen := make(map[string]bool, len(s.Fields))
	for i := range s.Fields {
		if nn, ok := names[s.Fields[i].Name]; ok {
			s.Fields[i].Name = nn
		}
		if seen[s.Fields[i].Name] {
			return nil, fmt.Errorf("%w: rename gives duplicate column %q", ErrSchemaMismatch, s.Fields[i].Name)
		}
		seen[s.Fields[i].Name] = true
	}
	return &Block{schema: s, cols: b.cols, rows: b.rows}, nil
}

// WithColumn returns the block with column name set to c: replaced in place
// if it exists, appended otherwise. c must have NumRows values.
func (b *Block) WithColumn(name string, c *Column) (*Block, error) {
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("column %q: %w", name, err)
	}
	if c.n != b.rows && len(b.cols) > 0 {
		return nil, fmt.Errorf("%w: column %q has %d rows, block has %d", ErrSchemaMismatch, name, c.n, b.rows)
	}
	f := Field{Name: name, Type: c.typ, Nullable: c.valid != nil}
	out := &Block{schema: b.schema.clone(), cols: append([]*Column(nil), b.cols...), rows: c.n}
	if i, ok := b.schema.Index(name); ok {
		out.schema.Fields[i], out.cols[i] = f, c
	} else {
		out.schema.Fields = append(out.schema.Fields, f)
		out.cols = append(out.cols, c)
	}
	return out, nil
}

// SizeBytes estimates the memory held by the block (sum of its columns).
func (b *Block) SizeBytes() int64 {
	var s int64
	for _, c := range b.cols {
		s += c.SizeBytes()
	}
	return s
}

// Row returns row i as a map from column name to value (nil for null).
func (b *Block) Row(i int) map[string]any {
	m := make(map[string]any, len(b.cols))
	for k, c := range b.cols {
		m[b.schema.Fields[k].Name] = c.Value(i)
	}
	return m
}

// Equal reports whether a and b have equal schemas (names and types) and
// equal columns.
func (b *Block) Equal(o *Block) bool {
	if b.rows != o.rows || !b.schema.Equal(o.schema) {
		return false
	}
	for i := range b.cols {
		if !b.cols[i].Equal(o.cols[i]) {
			return false
		}
	}
	return true
}

// String renders the block's shape, for debugging.
func (b *Block) String() string {
	return fmt.Sprintf("Block(%d rows, %s)", b.rows, b.schema)
}

// Concat appends blocks with the same column names and types (in the same
// order) into one new block. A field is nullable in the result when it is in
// any input. Zero blocks give an error; one block is returned as is.
func Concat(blocks ...*Block) (*Block, error) {
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w: no blocks to concatenate", ErrSchemaMismatch)
	}
	if len(blocks) == 1 {
		return blocks[0], nil
	}
	s := blocks[0].schema.clone()
	for k, bl := range blocks[1:] {
		if !bl.schema.Equal(s) {
			return nil, fmt.Errorf("%w: block %d has schema %s, block 0 has %s", ErrSchemaMismatch, k+1, bl.schema, s)
		}
		for i, f := range bl.schema.Fields {
			s.Fields[i].Nullable = s.Fields[i].Nullable || f.Nullable
		}
	}
	cols := make([]*Column, len(s.Fields))
	parts := make([]*Column, len(blocks))
	rows := 0
	for _, bl := range blocks {
		rows += bl.rows
	}
	for i := range s.Fields {
		for k, bl := range blocks {
			parts[k] = bl.cols[i]
		}
		c, err := ConcatColumns(parts...)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", s.Fields[i].Name, err)
		}
		cols[i] = c
	}
	return &Block{schema: s, cols: cols, rows: rows}, nil
}
