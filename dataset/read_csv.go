package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// DefaultInferRows is how many data rows of each CSV file the reader looks
// at to infer column types.
const DefaultInferRows = 10000

// CSVOptions configures a CSV read.
type CSVOptions struct {
	ReadOptions
	// Delimiter separates fields (',' if zero).
	Delimiter byte
	// NoHeader says the files have no header row; columns are then named
	// "column_1", "column_2", ….
	NoHeader bool
	// ColumnTypes fixes the type of the named columns instead of inferring
	// it. Naming a column the files do not have is a *MissingColumnError.
	ColumnTypes map[string]Type
	// NullValues are unquoted field texts read as null, in addition to the
	// empty unquoted field. A quoted field is never null: `""` is the empty
	// string.
	NullValues []string
	// InferRows is the number of rows per file sampled to infer types
	// (DefaultInferRows if 0). A later value that does not fit the inferred
	// type is a *ParseError naming file, line and column; set ColumnTypes
	// for such columns.
	InferRows int
}

// CSVDatasource is the Datasource of CSV files (RFC 4180: quoted fields may
// hold delimiters, quotes and newlines; CRLF and a UTF-8 byte order mark are
// accepted; blank lines are skipped; a carriage return outside quotes that
// does not end a line, as in files whose lines end in CR alone, is a
// *ParseError). It plans one ReadTask per file.
//
// Types are inferred per column from a sample of each file: Int64 when
// every non-null value is an integer, Float64 when every value is a number
// (NaN and Inf included), Bool when every value is true or false (any
// case), String otherwise; a column with only nulls in the sample is
// String. Across files an Int64 and a Float64 column widen to Float64; any
// other disagreement is a *TypeConflictError naming both files. A column is
// Nullable when a null was seen in a sample, or when a file has more rows
// than its sample (a later row may hold a null). An empty file (not even a
// header row) holds no rows and is left out when the files' columns are
// compared.
type CSVDatasource struct {
	paths []string
	opts  CSVOptions

	plan planOnce[*csvPlan]
}

type csvPlan struct {
	files  []inputFile
	heads  []csvHeader // per file
	file   Schema      // merged file columns (order of the first file)
	parts  []Field
	schema Schema // output after projection
	proj   []int  // output field -> index in file ++ parts
}

type csvHeader struct {
	names []string
	pos   map[string]int // column name -> field index in this file
}

// NewCSVDatasource returns a source reading the given files and directories
// (recursively, Hive partitions as columns). Nothing is read until Schema or
// ReadTasks is called.
func NewCSVDatasource(paths []string, opts CSVOptions) *CSVDatasource {
	if opts.Extensions == nil {
		opts.Extensions = []string{".csv"}
	}
	if opts.Delimiter == 0 {
		opts.Delimiter = ','
	}
	if opts.InferRows <= 0 {
		opts.InferRows = DefaultInferRows
	}
	return &CSVDatasource{paths: append([]string(nil), paths...), opts: opts}
}

// Schema returns the output schema: projected file columns and partition
// columns. The header and a sample of every file are read.
func (s *CSVDatasource) Schema(ctx context.Context) (Schema, error) {
	p, err := s.planned(ctx)
	if err != nil {
		return Schema{}, err
	}
	return p.schema.clone(), nil
}

func (s *CSVDatasource) planned(ctx context.Context) (*csvPlan, error) {
	return s.plan.get(ctx, s.makePlan)
}

// sniff is what the sample of one file says.
type sniff struct {
	head  csvHeader
	types []Type // Invalid: only nulls seen
	nulls []bool // a null was seen, or rows beyond the sample may hold one
}

func (s *CSVDatasource) makePlan(ctx context.Context) (*csvPlan, error) {
	files, err := listFiles(ctx, s.opts.FS, s.paths, s.opts.Extensions, !s.opts.NoPartitioning)
	if err != nil {
		return nil, err
	}
	parts, err := partitionSchema(files)
	if err != nil {
		return nil, err
	}
	sniffs := make([]sniff, len(files))
	errs := make([]error, len(files))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = runRecover(ctx, "planning the read of "+files[i].path, func(ctx context.Context) error {
				var err error
				sniffs[i], err = s.sniff(ctx, files[i].path)
				return err
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, e := range errs {
			if e != nil {
				return nil, e // the first file's error, in path order
			}
		}
	}
	p := &csvPlan{files: files, parts: parts, heads: make([]csvHeader, len(files))}
	// The columns come from the first file that has a header: an empty file
	// has none, and no rows either.
	base := 0
	for i, sn := range sniffs {
		if len(sn.head.names) > 0 {
			base = i
			break
		}
	}
	// Merge: names must agree; Int64+Float64 widen; unknown takes any type.
	typeFrom := make([]string, len(sniffs[base].head.names)) // file that decided each type
	for i, sn := range sniffs {
		p.heads[i] = sn.head
		if i == base {
			for k, n := range sn.head.names {
				p.file.Fields = append(p.file.Fields, Field{Name: n, Type: sn.types[k], Nullable: sn.nulls[k]})
				if sn.types[k] != Invalid {
					typeFrom[k] = files[base].path
				}
			}
			continue
		}
		if len(sn.head.names) == 0 {
			continue // an empty file
		}
		for _, n := range sn.head.names {
			if _, ok := p.file.Index(n); !ok {
				return nil, fmt.Errorf("%w: column %q is in %s but not in %s", ErrSchemaMismatch, n, files[i].path, files[base].path)
			}
		}
		for k := range p.file.Fields {
			f := &p.file.Fields[k]
			j, ok := sn.head.pos[f.Name]
			if !ok {
				return nil, fmt.Errorf("%w: column %q is in %s but not in %s", ErrSchemaMismatch, f.Name, files[base].path, files[i].path)
			}
			t := sn.types[j]
			f.Nullable = f.Nullable || sn.nulls[j]
			switch {
			case t == Invalid || t == f.Type:
			case f.Type == Invalid:
				f.Type, typeFrom[k] = t, files[i].path
			case f.Type.IsNumeric() && t.IsNumeric():
				f.Type = Float64
			default:
				return nil, &TypeConflictError{Column: f.Name, First: typeFrom[k], FirstType: f.Type, Second: files[i].path, SecondType: t}
			}
		}
	}
	for k := range p.file.Fields {
		if p.file.Fields[k].Type == Invalid {
			p.file.Fields[k].Type = String
		}
	}
	for name, t := range s.opts.ColumnTypes {
		k, ok := p.file.Index(name)
		if !ok {
			return nil, &MissingColumnError{Column: name, Available: p.file.Names(), Source: files[base].path}
		}
		if t < Float64 || t > Bool {
			return nil, fmt.Errorf("%w: ColumnTypes[%q] is %s", ErrSchemaMismatch, name, t)
		}
		p.file.Fields[k].Type = t
	}
	full := p.file.clone()
	for _, f := range parts {
		if _, dup := full.Index(f.Name); dup {
			return nil, fmt.Errorf("%w: partition key %q is also a column in the files", ErrSchemaMismatch, f.Name)
		}
		full.Fields = append(full.Fields, f)
	}
	if p.schema, p.proj, err = projection(full, s.opts.Columns, files[base].path); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *CSVDatasource) open(ctx context.Context, path string) (*csvScanner, io.Closer, error) {
	fsys, fp, err := s.opts.FS.Resolve(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := fsys.Open(ctx, fp)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: open %s: %w", path, err)
	}
	return newCSVScanner(f, path, s.opts.Delimiter), f, nil
}

// header reads the header row (or, with NoHeader, peeks at the first row to
// count its fields).
func (s *CSVDatasource) header(sc *csvScanner) (csvHeader, error) {
	h := csvHeader{pos: map[string]int{}}
	rec, err := sc.next()
	if err == io.EOF {
		return h, nil // an empty file: no columns
	}
	if err != nil {
		return h, err
	}
	if s.opts.NoHeader {
		sc.unread()
		for k := range rec.fields {
			h.names = append(h.names, "column_"+strconv.Itoa(k+1))
		}
	} else {
		for _, f := range rec.fields {
			h.names = append(h.names, string(f))
		}
		if len(h.names) > 0 {
			h.names[0] = strings.TrimPrefix(h.names[0], "\uFEFF")
		}
	}
	for k, n := range h.names {
		if n == "" {
			return h, &ParseError{File: sc.file, Line: rec.line, Field: k + 1, Err: errors.New("empty column name in header")}
		}
		if _, dup := h.pos[n]; dup {
			return h, &ParseError{File: sc.file, Line: rec.line, Field: k + 1, Column: n, Err: errors.New("duplicate column name in header")}
		}
		h.pos[n] = k
	}
	return h, nil
}

func (s *CSVDatasource) sniff(ctx context.Context, path string) (sniff, error) {
	sc, c, err := s.open(ctx, path)
	if err != nil {
		return sniff{}, err
	}
	defer c.Close()
	h, err := s.header(sc)
	if err != nil {
		return sniff{}, err
	}
	out := sniff{head: h, types: make([]Type, len(h.names)), nulls: make([]bool, len(h.names))}
	// Per column, the candidate types still possible.
	canInt := make([]bool, len(h.names))
	canFloat := make([]bool, len(h.names))
	canBool := make([]bool, len(h.names))
	seen := make([]bool, len(h.names))
	for k := range canInt {
		canInt[k], canFloat[k], canBool[k] = true, true, true
	}
	complete := false // the sample is the whole file
	for r := 0; r < s.opts.InferRows; r++ {
		if r%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return sniff{}, err
			}
		}
		rec, err := sc.next()
		if err == io.EOF {
			complete = true
			break
		}
		if err != nil {
			return sniff{}, err
		}
		if err := checkWidth(sc.file, rec, h); err != nil {
			return sniff{}, err
		}
		for k, f := range rec.fields {
			if s.isNull(f, rec.quoted[k]) {
				out.nulls[k] = true
				continue
			}
			seen[k] = true
			if canInt[k] && !isInt(f) {
				canInt[k] = false
			}
			if !canInt[k] && canFloat[k] && !isFloat(f) {
				canFloat[k] = false
			}
			if canBool[k] {
				if _, ok := parseBool(f); !ok {
					canBool[k] = false
				}
			}
		}
	}
	if !complete {
		if _, err := sc.next(); err != io.EOF {
			// Rows beyond the sample may hold nulls.
			for k := range out.nulls {
				out.nulls[k] = true
			}
		}
	}
	for k := range out.types {
		switch {
		case !seen[k]:
			out.types[k] = Invalid
		case canInt[k]:
			out.types[k] = Int64
		case canFloat[k]:
			out.types[k] = Float64
		case canBool[k]:
			out.types[k] = Bool
		default:
			out.types[k] = String
		}
	}
	return out, nil
}

func checkWidth(file string, rec csvRecord, h csvHeader) error {
	if len(rec.fields) == len(h.names) {
		return nil
	}
	return &ParseError{File: file, Line: rec.line, Field: len(rec.fields),
		Err: fmt.Errorf("row has %d fields, header has %d", len(rec.fields), len(h.names))}
}

func (s *CSVDatasource) isNull(f []byte, quoted bool) bool {
	if quoted {
		return false
	}
	if len(f) == 0 {
		return true
	}
	for _, n := range s.opts.NullValues {
		if string(f) == n {
			return true
		}
	}
	return false
}

func isInt(b []byte) bool {
	if len(b) == 0 || len(b) > 20 {
		return false
	}
	i := 0
	if b[0] == '-' || b[0] == '+' {
		i = 1
	}
	if i == len(b) {
		return false
	}
	for ; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(string(b), 10, 64)
	return err == nil
}

func isFloat(b []byte) bool {
	_, err := strconv.ParseFloat(string(b), 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

func parseBool(b []byte) (bool, bool) {
	switch {
	case bytes.EqualFold(b, []byte("true")):
		return true, true
	case bytes.EqualFold(b, []byte("false")):
		return false, true
	}
	return false, false
}

// bytesView returns b as a string without copying, for parsing only: the
// strconv parsers do not retain their argument (their errors copy it).
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// ReadTasks returns one task per file, in path order.
func (s *CSVDatasource) ReadTasks(ctx context.Context, parallelism int) ([]ReadTask, error) {
	p, err := s.planned(ctx)
	if err != nil {
		return nil, err
	}
	tasks := make([]ReadTask, len(p.files))
	for fi, f := range p.files {
		tasks[fi] = ReadTask{
			Name:           f.path,
			EstimatedRows:  -1,
			EstimatedBytes: f.size * 3 / 2,
			Read: func(ctx context.Context) iter.Seq2[*Block, error] {
				return s.readFile(ctx, p, fi)
			},
		}
	}
	return tasks, nil
}

// csvBuilder accumulates one output column.
type csvBuilder struct {
	field Field
	pos   int       // field index in the file's rows; -1 for a partition column
	part  partValue // the partition value, for a partition column
	f64   []float64
	i64   []int64
	str   []string
	b     []bool
	valid []bool
	nulls bool
}

func (c *csvBuilder) reset(n int) {
	c.f64, c.i64, c.str, c.b, c.valid, c.nulls = nil, nil, nil, nil, make([]bool, 0, n), false
	switch c.field.Type {
	case Float64:
		c.f64 = make([]float64, 0, n)
	case Int64:
		c.i64 = make([]int64, 0, n)
	case String:
		c.str = make([]string, 0, n)
	case Bool:
		c.b = make([]bool, 0, n)
	}
}

func (c *csvBuilder) appendNull() {
	c.nulls = true
	c.valid = append(c.valid, false)
	switch c.field.Type {
	case Float64:
		c.f64 = append(c.f64, 0)
	case Int64:
		c.i64 = append(c.i64, 0)
	case String:
		c.str = append(c.str, "")
	case Bool:
		c.b = append(c.b, false)
	}
}

// appendValue parses f; ok=false means it does not fit the column's type.
func (c *csvBuilder) appendValue(f []byte) (err error) {
	switch c.field.Type {
	case Float64:
		v, e := strconv.ParseFloat(bytesView(f), 64)
		if e != nil && !errors.Is(e, strconv.ErrRange) {
			return fmt.Errorf("%q is not a float64", f)
		}
		c.f64 = append(c.f64, v)
	case Int64:
		v, e := strconv.ParseInt(bytesView(f), 10, 64)
		if e != nil {
			return fmt.Errorf("%q is not an int64", f)
		}
		c.i64 = append(c.i64, v)
	case String:
		c.str = append(c.str, string(f))
	case Bool:
		v, ok := parseBool(f)
		if !ok {
			return fmt.Errorf("%q is not a bool", f)
		}
		c.b = append(c.b, v)
	}
	c.valid = append(c.valid, true)
	return nil
}

func (c *csvBuilder) column(rows int, file inputFile) (*Column, error) {
	if c.pos < 0 {
		return partitionColumn(c.field.Type, file.path, c.part, rows)
	}
	var valid []bool
	if c.nulls {
		valid = c.valid
	}
	switch c.field.Type {
	case Float64:
		return NewFloat64Column(c.f64, valid), nil
	case Int64:
		return NewInt64Column(c.i64, valid), nil
	case String:
		return NewStringColumn(c.str, valid), nil
	default:
		return NewBoolColumn(c.b, valid), nil
	}
}

func (s *CSVDatasource) readFile(ctx context.Context, p *csvPlan, fi int) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		file := p.files[fi]
		sc, closer, err := s.open(ctx, file.path)
		if err != nil {
			yield(nil, err)
			return
		}
		defer closer.Close()
		h, err := s.header(sc)
		if err != nil {
			yield(nil, err)
			return
		}
		if len(h.names) != len(p.heads[fi].names) {
			yield(nil, fmt.Errorf("%w: %s changed since its header was read", ErrSchemaMismatch, file.path))
			return
		}
		nFile := len(p.file.Fields)
		bs := make([]*csvBuilder, len(p.proj))
		for k, i := range p.proj {
			bs[k] = &csvBuilder{field: p.schema.Fields[k]}
			if i >= nFile {
				bs[k].pos = -1
				bs[k].part = file.parts[i-nFile]
			} else {
				bs[k].pos = h.pos[p.file.Fields[i].Name]
			}
		}
		size := s.opts.blockRows()
		rows := 0
		for _, b := range bs {
			b.reset(min(size, 4096))
		}
		flush := func() bool {
			cols := make([]*Column, len(bs))
			fields := make([]Field, len(bs))
			for k, b := range bs {
				c, err := b.column(rows, file)
				if err != nil {
					yield(nil, err)
					return false
				}
				cols[k] = c
				fields[k] = b.field
				fields[k].Nullable = fields[k].Nullable || cols[k].HasNulls()
				b.reset(min(size, 4096))
			}
			blk, err := NewBlock(Schema{Fields: fields}, cols)
			rows = 0
			if err != nil {
				return yield(nil, fmt.Errorf("dataset: %s: %w", file.path, err))
			}
			return yield(blk, nil)
		}
		for {
			if rows%1024 == 0 {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
			}
			rec, err := sc.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if err := checkWidth(file.path, rec, h); err != nil {
				yield(nil, err)
				return
			}
			for _, b := range bs {
				if b.pos < 0 {
					continue
				}
				f := rec.fields[b.pos]
				if s.isNull(f, rec.quoted[b.pos]) {
					b.appendNull()
					continue
				}
				if err := b.appendValue(f); err != nil {
					yield(nil, &ParseError{File: file.path, Line: rec.line, Field: b.pos + 1, Column: b.field.Name, Err: err})
					return
				}
			}
			rows++
			if rows == size {
				if !flush() {
					return
				}
			}
		}
		if rows > 0 {
			flush()
		}
	}
}
