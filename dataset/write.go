package dataset

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/parquet-go/parquet-go"
)

// WriteOptions configure the block writers.
type WriteOptions struct {
	// FS resolves the directory's scheme; nil means local files only.
	FS *FSRegistry
	// FilePrefix starts every file name ("part-" if empty); the block index
	// (five digits, zero-padded) and the extension follow.
	FilePrefix string
	// Delimiter separates CSV fields (',' if zero).
	Delimiter byte
	// NoHeader leaves out the CSV header row.
	NoHeader bool
	// RowGroupRows bounds the rows of each parquet row group (one row group
	// per file if zero). Smaller row groups let readers split a file into
	// more parallel read tasks.
	RowGroupRows int
}

func (o WriteOptions) fileName(index int, ext string) string {
	p := o.FilePrefix
	if p == "" {
		p = "part-"
	}
	return fmt.Sprintf("%s%05d%s", p, index, ext)
}

// fileWriter holds what the CSV and parquet writers share: the target
// directory and the list of committed files for Abort.
type fileWriter struct {
	dir  string
	opts WriteOptions
	ext  string
	body func(w *bufio.Writer, b *Block) error

	mu      sync.Mutex
	written []string
}

func (fw *fileWriter) WriteBlock(ctx context.Context, index int, b *Block) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	for _, f := range b.schema.Fields {
		if f.Type == Vector {
			return "", fmt.Errorf("%w: vector column %q cannot be written to %s files", ErrTypeConflict, f.Name, fw.ext)
		}
	}
	path := joinPath(fw.dir, fw.opts.fileName(index, fw.ext))
	fsys, fp, err := fw.opts.FS.Resolve(path)
	if err != nil {
		return "", err
	}
	out, err := fsys.Create(ctx, fp)
	if err != nil {
		return "", fmt.Errorf("dataset: create %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	err = fw.body(bw, b)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		err = fmt.Errorf("dataset: write %s: %w", path, err)
		if aerr := out.Abort(); aerr != nil {
			err = errors.Join(err, fmt.Errorf("dataset: discard %s: %w", path, aerr))
		}
		return "", err
	}
	if err := out.Commit(); err != nil {
		return "", err
	}
	fw.mu.Lock()
	fw.written = append(fw.written, path)
	fw.mu.Unlock()
	return path, nil
}

func (fw *fileWriter) Abort(ctx context.Context) error {
	fw.mu.Lock()
	paths := fw.written
	fw.written = nil
	fw.mu.Unlock()
	var first error
	for _, p := range paths {
		fsys, fp, err := fw.opts.FS.Resolve(p)
		if err == nil {
			err = fsys.Remove(ctx, fp)
		}
		if err != nil && first == nil {
			first = fmt.Errorf("dataset: remove %s: %w", p, err)
		}
	}
	return first
}

// CSVWriter writes each block as one CSV file with a header row. Floats
// are written in their shortest round-trip form, nulls as empty fields,
// empty strings as "" (so they read back as strings, not nulls), booleans
// as true/false.
type CSVWriter struct{ fileWriter }

// NewCSVWriter returns a writer of "<dir>/part-00000.csv"-style files.
func NewCSVWriter(dir string, opts WriteOptions) *CSVWriter {
	w := &CSVWriter{fileWriter{dir: dir, opts: opts, ext: ".csv"}}
	w.body = w.writeCSV
	return w
}

func (w *CSVWriter) writeCSV(out *bufio.Writer, b *Block) error {
	delim := w.opts.Delimiter
	if delim == 0 {
		delim = ','
	}
	if !w.opts.NoHeader {
		for i, f := range b.schema.Fields {
			if i > 0 {
				out.WriteByte(delim)
			}
			out.WriteString(csvQuote(f.Name, delim, false))
		}
		out.WriteByte('\n')
	}
	// Rows are formatted in chunks on several goroutines and written in
	// order: shortest float formatting is the cost of a CSV write.
	const chunkRows = 8192
	workers := runtime.GOMAXPROCS(0)
	if b.rows <= chunkRows || workers == 1 {
		_, err := out.Write(appendCSVRows(nil, b, 0, b.rows, delim))
		return err
	}
	type chunk struct {
		buf  []byte
		done chan struct{}
	}
	window := make(chan *chunk, 2*workers)
	stop := make(chan struct{})
	sem := make(chan struct{}, workers)
	go func() {
		defer close(window)
		for lo := 0; lo < b.rows; lo += chunkRows {
			c := &chunk{done: make(chan struct{})}
			select {
			case window <- c:
			case <-stop:
				return
			}
			sem <- struct{}{}
			go func(lo, hi int) {
				defer close(c.done)
				bp := csvBufs.Get().(*[]byte)
				c.buf = appendCSVRows((*bp)[:0], b, lo, hi, delim)
				<-sem
			}(lo, min(lo+chunkRows, b.rows))
		}
	}()
	var err error
	for c := range window {
		<-c.done
		if err == nil {
			_, err = out.Write(c.buf)
			if err != nil {
				close(stop)
			}
		}
		buf := c.buf
		csvBufs.Put(&buf)
	}
	return err
}

var csvBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1<<20); return &b }}

// appendCSVRows formats rows [lo, hi) of b.
func appendCSVRows(buf []byte, b *Block, lo, hi int, delim byte) []byte {
	for r := lo; r < hi; r++ {
		for i, c := range b.cols {
			if i > 0 {
				buf = append(buf, delim)
			}
			if c.IsNull(r) {
				continue
			}
			switch c.typ {
			case Float64:
				buf = appendFloat(buf, c.f64[r])
			case Int64:
				buf = strconv.AppendInt(buf, c.i64[r], 10)
			case Bool:
				buf = strconv.AppendBool(buf, c.b[r])
			case String:
				buf = appendCSVQuoted(buf, c.str[r], delim)
			}
		}
		buf = append(buf, '\n')
	}
	return buf
}

// appendCSVQuoted appends a string field, quoting it when it holds the
// delimiter, a quote or a line break, or is empty (so it reads back as an
// empty string, not a null).
func appendCSVQuoted(buf []byte, s string, delim byte) []byte {
	if s != "" && !strings.ContainsAny(s, "\"\r\n") && strings.IndexByte(s, delim) < 0 {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, s[i])
	}
	return append(buf, '"')
}

// appendFloat writes the shortest representation that parses back to v:
// plain decimals for ordinary magnitudes, exponent form for tiny or huge.
// A whole number keeps a ".0" (as pandas and Polars write it), so that a
// float column reads back as float64, not int64.
func appendFloat(buf []byte, v float64) []byte {
	a := math.Abs(v)
	if a == 0 || (a >= 1e-5 && a < 1e16) {
		start := len(buf)
		buf = strconv.AppendFloat(buf, v, 'f', -1, 64)
		if bytes.IndexByte(buf[start:], '.') < 0 {
			buf = append(buf, '.', '0')
		}
		return buf
	}
	return strconv.AppendFloat(buf, v, 'g', -1, 64)
}

func csvQuote(s string, delim byte, quoteEmpty bool) string {
	if s == "" {
		if quoteEmpty {
			return `""`
		}
		return s
	}
	if !strings.ContainsAny(s, "\"\r\n") && strings.IndexByte(s, delim) < 0 {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// ParquetWriter writes each block as one snappy-compressed parquet file
// with one row group, keeping the block's column order. Nullable fields
// become optional columns.
type ParquetWriter struct{ fileWriter }

// NewParquetWriter returns a writer of "<dir>/part-00000.parquet"-style files.
func NewParquetWriter(dir string, opts WriteOptions) *ParquetWriter {
	w := &ParquetWriter{fileWriter{dir: dir, opts: opts, ext: ".parquet"}}
	w.body = w.writeParquet
	return w
}

// orderedGroup is a parquet group node whose fields keep the block's
// column order (parquet.Group sorts them by name).
type orderedGroup struct {
	parquet.Group
	order []string
}

func (g orderedGroup) Fields() []parquet.Field {
	fs := g.Group.Fields()
	out := make([]parquet.Field, 0, len(fs))
	for _, n := range g.order {
		for _, f := range fs {
			if f.Name() == n {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

func parquetSchema(s Schema) *parquet.Schema {
	g := orderedGroup{Group: parquet.Group{}, order: s.Names()}
	for _, f := range s.Fields {
		var n parquet.Node
		switch f.Type {
		case Float64:
			n = parquet.Leaf(parquet.DoubleType)
		case Int64:
			n = parquet.Int(64)
		case Bool:
			n = parquet.Leaf(parquet.BooleanType)
		default:
			n = parquet.String()
		}
		if f.Nullable {
			n = parquet.Optional(n)
		}
		g.Group[f.Name] = n
	}
	return parquet.NewSchema("schema", g)
}

func (w *ParquetWriter) writeParquet(out *bufio.Writer, b *Block) error {
	rg := w.opts.RowGroupRows
	if rg <= 0 || rg > b.rows {
		rg = max(b.rows, 1)
	}
	pw := parquet.NewGenericWriter[any](out, parquetSchema(b.schema),
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(int64(rg)),
		parquet.CreatedBy("sagepipe", "", ""))
	for lo := 0; lo < b.rows; lo += rg {
		if err := writeRowGroup(pw, b.Slice(lo, min(lo+rg, b.rows))); err != nil {
			return err
		}
		if err := pw.Flush(); err != nil {
			return err
		}
	}
	return pw.Close()
}

// writeRowGroup writes every column of b into the writer's current row group.
func writeRowGroup(pw *parquet.GenericWriter[any], b *Block) error {
	// The column writers of one parquet.Writer share its page output, so
	// they are fed one after the other, never concurrently.
	cws := pw.ColumnWriters()
	for ci := range b.cols {
		if err := writeColumnChunk(cws[ci], b.cols[ci], ci, b.schema.Fields[ci].Nullable); err != nil {
			return fmt.Errorf("column %q: %w", b.schema.Fields[ci].Name, err)
		}
	}
	return nil
}

func writeColumnChunk(cw *parquet.ColumnWriter, c *Column, ci int, nullable bool) error {
	const chunk = 1 << 14
	vals := make([]parquet.Value, min(chunk, max(c.n, 1)))
	def := 0
	if nullable {
		def = 1
	}
	for lo := 0; lo < c.n; lo += chunk {
		hi := min(lo+chunk, c.n)
		v := vals[:hi-lo]
		for r := lo; r < hi; r++ {
			if c.IsNull(r) {
				v[r-lo] = parquet.NullValue().Level(0, 0, ci)
				continue
			}
			var x parquet.Value
			switch c.typ {
			case Float64:
				x = parquet.DoubleValue(c.f64[r])
			case Int64:
				x = parquet.Int64Value(c.i64[r])
			case Bool:
				x = parquet.BooleanValue(c.b[r])
			default:
				// parquet-go copies the bytes into its page buffer and
				// never writes to them: no need for a copy here.
				x = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(c.str[r]), len(c.str[r])))
			}
			v[r-lo] = x.Level(0, def, ci)
		}
		if _, err := cw.WriteRowValues(v); err != nil {
			return err
		}
	}
	return nil
}
