package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
)

// ParquetOptions configures a parquet read.
type ParquetOptions struct {
	ReadOptions
}

// ParquetDatasource is the Datasource of parquet files: one ReadTask per row
// group of every file, decoding only the projected columns straight from
// the column pages into typed slices.
//
// Type mapping: BOOLEAN → Bool; INT32, INT64 → Int64 (timestamps keep
// their stored unit; unsigned integers keep their value, and a UINT_64
// value above math.MaxInt64 is an ErrMalformed naming the column rather
// than a negative number); INT96 (legacy Hive/Spark timestamps) → Int64
// nanoseconds since the Unix epoch; FLOAT, DOUBLE → Float64; DECIMAL (on
// INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY) → Float64, the nearest
// float64 to the decimal value (exact up to 15 significant digits); other
// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY → String. Optional columns
// are nullable. Nested and repeated columns are not supported: leave them
// out with ReadOptions.Columns.
type ParquetDatasource struct {
	paths []string
	opts  ParquetOptions

	plan planOnce[*parquetPlan]
}

type parquetPlan struct {
	files      []inputFile
	meta       []parquetFileMeta
	fileSchema Schema  // columns in the files
	parts      []Field // partition columns
	schema     Schema  // output schema after projection
	proj       []int   // output field -> index in fileSchema ++ parts
}

type parquetFileMeta struct {
	rowGroups []int64 // rows per row group
	rgBytes   []int64 // uncompressed bytes per row group
	leaf      map[string]int
}

// NewParquetDatasource returns a source reading the given files and
// directories (recursively, Hive partitions as columns). Nothing is read
// until Schema or ReadTasks is called.
func NewParquetDatasource(paths []string, opts ParquetOptions) *ParquetDatasource {
	if opts.Extensions == nil {
		opts.Extensions = []string{".parquet"}
	}
	return &ParquetDatasource{paths: append([]string(nil), paths...), opts: opts}
}

// Schema returns the output schema: projected file columns and partition
// columns. Every file's footer is read and checked against the first one.
func (s *ParquetDatasource) Schema(ctx context.Context) (Schema, error) {
	p, err := s.planned(ctx)
	if err != nil {
		return Schema{}, err
	}
	return p.schema.clone(), nil
}

func (s *ParquetDatasource) planned(ctx context.Context) (*parquetPlan, error) {
	return s.plan.get(ctx, s.makePlan)
}

func (s *ParquetDatasource) makePlan(ctx context.Context) (*parquetPlan, error) {
	files, err := listFiles(ctx, s.opts.FS, s.paths, s.opts.Extensions, !s.opts.NoPartitioning)
	if err != nil {
		return nil, err
	}
	parts, err := partitionSchema(files)
	if err != nil {
		return nil, err
	}
	p := &parquetPlan{files: files, parts: parts, meta: make([]parquetFileMeta, len(files))}
	schemas := make([]Schema, len(files))
	errs := make([]error, len(files))
	// Footers are small; read them a few at a time.
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
				schemas[i], p.meta[i], err = s.readFooter(ctx, files[i].path)
				return err
			})
		}()
	}
	wg.Wait()
	for i := range files {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if i == 0 {
			p.fileSchema = schemas[0]
			continue
		}
		if p.fileSchema, err = mergeFileSchema(p.fileSchema, files[0].path, schemas[i], files[i].path); err != nil {
			return nil, err
		}
	}
	full := p.fileSchema.clone()
	for _, f := range parts {
		if _, dup := full.Index(f.Name); dup {
			return nil, fmt.Errorf("%w: partition key %q is also a column in the files", ErrSchemaMismatch, f.Name)
		}
		full.Fields = append(full.Fields, f)
	}
	p.schema, p.proj, err = projection(full, s.opts.Columns, files[0].path)
	if err != nil {
		return nil, err
	}
	for _, i := range p.proj {
		if i < len(p.fileSchema.Fields) && p.fileSchema.Fields[i].Type == Invalid {
			return nil, fmt.Errorf("%w: column %q of %s is nested or of an unsupported type; leave it out with Columns",
				ErrSchemaMismatch, p.fileSchema.Fields[i].Name, files[0].path)
		}
	}
	return p, nil
}

func (s *ParquetDatasource) openParquet(ctx context.Context, path string) (*parquet.File, io.Closer, error) {
	fsys, fp, err := s.opts.FS.Resolve(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := fsys.Open(ctx, fp)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: open %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, f.Size(),
		parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(1<<20))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %s is not a readable parquet file: %w", ErrMalformed, path, err)
	}
	return pf, f, nil
}

func (s *ParquetDatasource) readFooter(ctx context.Context, path string) (Schema, parquetFileMeta, error) {
	pf, c, err := s.openParquet(ctx, path)
	if err != nil {
		return Schema{}, parquetFileMeta{}, err
	}
	defer c.Close()
	var sc Schema
	meta := parquetFileMeta{leaf: map[string]int{}}
	for _, col := range pf.Root().Columns() {
		f := Field{Name: col.Name(), Nullable: col.Optional()}
		if col.Leaf() && !col.Repeated() {
			f.Type = parquetType(col.Type())
			meta.leaf[f.Name] = col.Index()
		}
		sc.Fields = append(sc.Fields, f)
	}
	for _, rg := range pf.Metadata().RowGroups {
		meta.rowGroups = append(meta.rowGroups, rg.NumRows)
		meta.rgBytes = append(meta.rgBytes, rg.TotalByteSize)
	}
	return sc, meta, nil
}

// ReadTasks returns one task per row group of every file, in path order.
func (s *ParquetDatasource) ReadTasks(ctx context.Context, parallelism int) ([]ReadTask, error) {
	p, err := s.planned(ctx)
	if err != nil {
		return nil, err
	}
	var tasks []ReadTask
	for fi, f := range p.files {
		m := p.meta[fi]
		for rg, n := range m.rowGroups {
			// decoded size of the projected columns, approximated by width
			est := n * int64(rowWidth(p.schema))
			tasks = append(tasks, ReadTask{
				Name:           fmt.Sprintf("%s#rg%d", f.path, rg),
				EstimatedRows:  n,
				EstimatedBytes: est,
				Read: func(ctx context.Context) iter.Seq2[*Block, error] {
					return s.readRowGroup(ctx, p, fi, rg)
				},
			})
		}
	}
	return tasks, nil
}

// rowWidth is a per-row size guess: 8 per number, 1 per bool, 24 per string.
func rowWidth(s Schema) int {
	w := 0
	for _, f := range s.Fields {
		switch f.Type {
		case Bool:
			w++
		case String:
			w += 24
		default:
			w += 8
		}
	}
	return w
}

func (s *ParquetDatasource) readRowGroup(ctx context.Context, p *parquetPlan, fi, rg int) iter.Seq2[*Block, error] {
	return func(yield func(*Block, error) bool) {
		file := p.files[fi]
		where := fmt.Sprintf("%s row group %d", file.path, rg)
		pf, closer, err := s.openParquet(ctx, file.path)
		if err != nil {
			yield(nil, err)
			return
		}
		defer closer.Close()
		groups := pf.RowGroups()
		if rg >= len(groups) {
			yield(nil, fmt.Errorf("%w: %s has %d row groups, wanted row group %d (numbered from 0): the file changed since it was planned",
				ErrMalformed, file.path, len(groups), rg))
			return
		}
		chunks := groups[rg].ColumnChunks()
		nFile := len(p.fileSchema.Fields)
		cursors := make([]*pageCursor, len(p.proj))
		for k, i := range p.proj {
			if i >= nFile {
				continue
			}
			f := p.fileSchema.Fields[i]
			leaf, ok := p.meta[fi].leaf[f.Name]
			if !ok {
				yield(nil, &MissingColumnError{Column: f.Name, Available: p.fileSchema.Names(), Source: file.path})
				return
			}
			cc := chunks[leaf]
			pl := parquetLeafOf(cc.Type())
			if pl.typ != f.Type {
				yield(nil, &TypeConflictError{Column: f.Name, First: p.files[0].path, FirstType: f.Type,
					Second: file.path, SecondType: pl.typ})
				return
			}
			cursors[k] = &pageCursor{pages: cc.Pages(), typ: pl.phys, leaf: pl, name: f.Name, where: where}
		}
		defer func() {
			for _, c := range cursors {
				if c != nil {
					c.close()
				}
			}
		}()
		remaining := groups[rg].NumRows()
		size := int64(s.opts.blockRows())
		for remaining > 0 {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			n := min(size, remaining)
			cols := make([]*Column, len(p.proj))
			fields := make([]Field, len(p.proj))
			for k, i := range p.proj {
				if i >= nFile {
					f := p.parts[i-nFile]
					fields[k] = f
					c, err := partitionColumn(f.Type, file.path, file.parts[i-nFile], int(n))
					if err != nil {
						yield(nil, err)
						return
					}
					cols[k] = c
					continue
				}
				c, err := cursors[k].read(int(n))
				if err == nil {
					c, err = cursors[k].leaf.convert(c, cursors[k].name, where)
				}
				if err != nil {
					yield(nil, err)
					return
				}
				cols[k] = c
				fields[k] = p.schema.Fields[k]
				fields[k].Nullable = p.schema.Fields[k].Nullable || c.HasNulls()
			}
			b, err := NewBlock(Schema{Fields: fields}, cols)
			if err != nil {
				yield(nil, fmt.Errorf("dataset: %s: %w", where, err))
				return
			}
			remaining -= n
			if !yield(b, nil) {
				return
			}
		}
	}
}

// pageCursor reads the values of one column chunk page by page into
// column slices, with no per-value boxing on the common paths.
type pageCursor struct {
	pages parquet.Pages
	typ   Type        // what the pages decode to
	leaf  parquetLeaf // how that becomes the column's values
	name  string
	where string

	page   parquet.Page
	levels []byte // definition levels, nil for required columns
	maxDef byte
	data   encoding.Values
	kind   encoding.Kind
	idx    []int32 // dictionary indexes, nil when not dictionary-encoded
	dict   parquet.Dictionary

	dictStrings []string // decoded string dictionary, cached per dictionary
	dictOf      parquet.Dictionary
	pageStr     string // one string holding a plain byte-array page's bytes

	generic []parquet.Value // fallback: boxed values (booleans, odd kinds)
	rows    int             // rows in the current page
	rowOff  int             // rows consumed in the current page
	valOff  int             // non-null values consumed in the current page
}

func (c *pageCursor) close() {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	c.pages.Close()
}

func (c *pageCursor) next() error {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	pg, err := c.pages.ReadPage()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %s: column %q ended early", ErrMalformed, c.where, c.name)
		}
		return fmt.Errorf("%w: %s: column %q: %w", ErrMalformed, c.where, c.name, err)
	}
	c.page = pg
	c.rows = int(pg.NumValues())
	c.rowOff, c.valOff = 0, 0
	c.levels = pg.DefinitionLevels()
	c.maxDef = 0
	for _, l := range c.levels {
		c.maxDef = max(c.maxDef, l)
	}
	if pg.NumNulls() == 0 {
		c.levels = nil
	} else if c.maxDef == 0 {
		c.maxDef = 1 // every value of this page is null
	}
	c.generic, c.idx, c.dict, c.pageStr = nil, nil, nil, ""
	if c.typ == Bool {
		return c.loadGeneric()
	}
	c.data = pg.Data()
	c.kind = c.data.Kind()
	if d := pg.Dictionary(); d != nil {
		c.dict = d
		c.idx = c.data.Int32()
		dv := d.Page().Data()
		if k := dv.Kind(); k == encoding.Int96 || k == encoding.FixedLenByteArray {
			c.dict, c.idx = nil, nil
			return c.loadGeneric()
		}
		c.kind = dv.Kind()
		c.data = dv
		if c.typ == String && c.dictOf != d {
			data, offs := dv.ByteArray()
			all := string(data)
			c.dictStrings = make([]string, max(len(offs)-1, 0))
			for i := range c.dictStrings {
				c.dictStrings[i] = all[offs[i]:offs[i+1]]
			}
			c.dictOf = d
		}
		return nil
	}
	switch c.kind {
	case encoding.ByteArray:
		data, _ := c.data.ByteArray()
		c.pageStr = string(data)
	case encoding.FixedLenByteArray:
		data, _ := c.data.FixedLenByteArray()
		c.pageStr = string(data)
	case encoding.Int32, encoding.Int64, encoding.Float, encoding.Double:
	default:
		return c.loadGeneric()
	}
	return nil
}

// int96Nanos converts a legacy INT96 timestamp (nanoseconds of the day,
// then the Julian day) to nanoseconds since the Unix epoch.
func int96Nanos(v deprecated.Int96) int64 {
	const unixJulianDay = 2440588
	nanos := int64(uint64(v[1])<<32 | uint64(v[0]))
	return (int64(v[2])-unixJulianDay)*86400e9 + nanos
}

func (c *pageCursor) loadGeneric() error {
	c.generic = make([]parquet.Value, c.rows)
	n, err := c.page.Values().ReadValues(c.generic)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s: column %q: %w", ErrMalformed, c.where, c.name, err)
	}
	c.generic = c.generic[:n]
	if n != c.rows {
		return fmt.Errorf("%w: %s: column %q: page has %d values, read %d", ErrMalformed, c.where, c.name, c.rows, n)
	}
	return nil
}

// read returns the next n rows of the column.
func (c *pageCursor) read(n int) (*Column, error) {
	var (
		f64   []float64
		i64   []int64
		str   []string
		bl    []bool
		valid []bool
	)
	switch c.typ {
	case Float64:
		f64 = make([]float64, n)
	case Int64:
		i64 = make([]int64, n)
	case String:
		str = make([]string, n)
	case Bool:
		bl = make([]bool, n)
	}
	for k := 0; k < n; {
		if c.page == nil || c.rowOff == c.rows {
			if err := c.next(); err != nil {
				return nil, err
			}
			continue
		}
		m := min(n-k, c.rows-c.rowOff)
		if c.generic != nil {
			for r := 0; r < m; r++ {
				v := c.generic[c.rowOff+r]
				if v.IsNull() {
					valid = markNull(valid, n, k+r)
					continue
				}
				switch c.typ {
				case Bool:
					bl[k+r] = v.Boolean()
				case Int64:
					if v.Kind() == parquet.Int96 {
						i64[k+r] = int96Nanos(v.Int96())
					} else {
						i64[k+r] = v.Int64()
					}
				case Float64:
					f64[k+r] = v.Double()
				case String:
					str[k+r] = string(v.ByteArray())
				}
			}
		} else if c.levels == nil {
			c.copyValues(f64, i64, str, k, c.valOff, m)
			c.valOff += m
		} else {
			// expand non-null values by definition level, run by run
			lv := c.levels[c.rowOff : c.rowOff+m]
			for r := 0; r < m; {
				if lv[r] != c.maxDef {
					valid = markNull(valid, n, k+r)
					r++
					continue
				}
				e := r + 1
				for e < m && lv[e] == c.maxDef {
					e++
				}
				c.copyValues(f64, i64, str, k+r, c.valOff, e-r)
				c.valOff += e - r
				r = e
			}
		}
		c.rowOff += m
		k += m
	}
	switch c.typ {
	case Float64:
		return NewFloat64Column(f64, valid), nil
	case Int64:
		return NewInt64Column(i64, valid), nil
	case String:
		return NewStringColumn(str, valid), nil
	default:
		return NewBoolColumn(bl, valid), nil
	}
}

func markNull(valid []bool, n, i int) []bool {
	if valid == nil {
		valid = make([]bool, n)
		for j := range valid {
			valid[j] = true
		}
	}
	valid[i] = false
	return valid
}

// copyValues copies m non-null values starting at value src of the current
// page into the output at row dst.
func (c *pageCursor) copyValues(f64 []float64, i64 []int64, str []string, dst, src, m int) {
	if c.idx != nil {
		idx := c.idx[src : src+m]
		switch c.typ {
		case String:
			out := str[dst : dst+m]
			for j, x := range idx {
				out[j] = c.dictStrings[x]
			}
		case Float64:
			out := f64[dst : dst+m]
			if c.kind == encoding.Double {
				d := c.data.Double()
				for j, x := range idx {
					out[j] = d[x]
				}
			} else {
				d := c.data.Float()
				for j, x := range idx {
					out[j] = float64(d[x])
				}
			}
		case Int64:
			out := i64[dst : dst+m]
			if c.kind == encoding.Int64 {
				d := c.data.Int64()
				for j, x := range idx {
					out[j] = d[x]
				}
			} else {
				d := c.data.Int32()
				for j, x := range idx {
					out[j] = int64(d[x])
				}
			}
		}
		return
	}
	switch c.typ {
	case Float64:
		if c.kind == encoding.Double {
			copy(f64[dst:dst+m], c.data.Double()[src:src+m])
		} else {
			d := c.data.Float()[src : src+m]
			out := f64[dst : dst+m]
			for j, v := range d {
				out[j] = float64(v)
			}
		}
	case Int64:
		if c.kind == encoding.Int64 {
			copy(i64[dst:dst+m], c.data.Int64()[src:src+m])
		} else {
			d := c.data.Int32()[src : src+m]
			out := i64[dst : dst+m]
			for j, v := range d {
				out[j] = int64(v)
			}
		}
	case String:
		out := str[dst : dst+m]
		if c.kind == encoding.FixedLenByteArray {
			_, size := c.data.FixedLenByteArray()
			for j := range out {
				o := (src + j) * size
				out[j] = c.pageStr[o : o+size]
			}
			return
		}
		_, offs := c.data.ByteArray()
		for j := range out {
			out[j] = c.pageStr[offs[src+j]:offs[src+j+1]]
		}
	}
}
