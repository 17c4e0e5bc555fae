package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// DefaultBlockRows is the default upper bound on the rows of a block that a
// reader yields (about 8 MiB for 8 float64 columns).
const DefaultBlockRows = 1 << 17

// ReadTask is one independent unit of reading: a file, or one row group of a
// parquet file. Read may be called from any goroutine, more than once (each
// call reads again). It yields blocks of at most the source's block size,
// in file order, and stops at the first error.
type ReadTask struct {
	// Name identifies the unit in errors and stats ("a.parquet#rg2").
	Name string
	// EstimatedRows is the row count if known (parquet), else -1.
	EstimatedRows int64
	// EstimatedBytes estimates the decoded in-memory size of the rows.
	EstimatedBytes int64
	// Read streams the unit's blocks.
	Read func(ctx context.Context) iter.Seq2[*Block, error]
}

// Datasource plans a read. Both methods are cheap relative to reading: they
// look at file listings, footers and headers only.
type Datasource interface {
	// Schema returns the schema of the blocks the read tasks yield
	// (projection and partition columns applied).
	Schema(ctx context.Context) (Schema, error)
	// ReadTasks returns the units of work in a deterministic order.
	// parallelism is a hint (the number of workers); sources split at file
	// and row-group boundaries and never coarser than one task per file.
	ReadTasks(ctx context.Context, parallelism int) ([]ReadTask, error)
}

// BlockWriter writes blocks as files into one directory, one file per call,
// each file written atomically through FS.Create/Commit.
type BlockWriter interface {
	// WriteBlock writes b as the file for the given block index and returns
	// its path. Indexes give deterministic, ordered file names. Safe for
	// concurrent use with distinct indexes.
	WriteBlock(ctx context.Context, index int, b *Block) (string, error)
	// Abort removes every file this writer has committed, so that a failed
	// write leaves nothing behind.
	Abort(ctx context.Context) error
}

// ReadOptions are the options common to every file reader.
type ReadOptions struct {
	// FS resolves path schemes; nil means local files only.
	FS *FSRegistry
	// Columns projects the read to these columns, in this order (file and
	// partition columns alike). Nil reads every column.
	Columns []string
	// BlockRows bounds the rows of each yielded block (DefaultBlockRows if 0).
	BlockRows int
	// NoPartitioning turns off Hive-style key=value directory columns.
	NoPartitioning bool
	// Extensions selects files when a directory is read (".parquet" or
	// ".csv" by default; case-insensitive). Files named explicitly are
	// always read. Names starting with "." or "_" are always skipped in
	// directories.
	Extensions []string
}

func (o ReadOptions) blockRows() int {
	if o.BlockRows > 0 {
		return o.BlockRows
	}
	return DefaultBlockRows
}

// inputFile is one data file and the Hive partition values on its path.
type inputFile struct {
	path  string
	size  int64
	parts []partValue // in path order
}

type partValue struct{ key, val string }

// listFiles expands paths (files and directories, recursively) into data
// files in sorted order, with the partition values found below each root.
func listFiles(ctx context.Context, reg *FSRegistry, paths []string, exts []string, hive bool) ([]inputFile, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: no paths given", ErrNoFiles)
	}
	var out []inputFile
	for _, p := range paths {
		fsys, fp, err := reg.Resolve(p)
		if err != nil {
			return nil, err
		}
		st, err := fsys.Stat(ctx, fp)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%w: %s does not exist", ErrNoFiles, p)
			}
			return nil, fmt.Errorf("dataset: stat %s: %w", p, err)
		}
		if !st.IsDir {
			out = append(out, inputFile{path: p, size: st.Size})
			continue
		}
		before := len(out)
		if err := walk(ctx, fsys, fp, p, nil, exts, hive, &out); err != nil {
			return nil, err
		}
		if len(out) == before {
			return nil, fmt.Errorf("%w: directory %s holds no files ending in %s", ErrNoFiles, p, strings.Join(exts, ", "))
		}
	}
	return out, nil
}

// walk lists dir (an FS path) whose user-facing name is shown; it keeps the
// user's scheme on the returned paths.
func walk(ctx context.Context, fsys FS, dir, shown string, parts []partValue, exts []string, hive bool, out *[]inputFile) error {
	ents, err := fsys.List(ctx, dir)
	if err != nil {
		return fmt.Errorf("dataset: list %s: %w", shown, err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Path < ents[j].Path })
	for _, e := range ents {
		name := baseName(e.Path)
		if name == "" || name[0] == '.' || name[0] == '_' {
			continue
		}
		userPath := joinPath(shown, name)
		if e.IsDir {
			sub := parts
			if hive {
				if k, v, ok := strings.Cut(name, "="); ok && k != "" {
					if u, err := url.PathUnescape(v); err == nil {
						v = u // Hive escapes special characters as %XX
					}
					sub = append(append([]partValue(nil), parts...), partValue{k, v})
				}
			}
			if err := walk(ctx, fsys, e.Path, userPath, sub, exts, hive, out); err != nil {
				return err
			}
			continue
		}
		if !hasExt(name, exts) {
			continue
		}
		*out = append(*out, inputFile{path: userPath, size: e.Size, parts: parts})
	}
	return nil
}

func hasExt(name string, exts []string) bool {
	lower := strings.ToLower(name)
	for _, e := range exts {
		if strings.HasSuffix(lower, strings.ToLower(e)) {
			return true
		}
	}
	return false
}

// partitionSchema infers the types of the partition keys over all files:
// Int64 when every value parses as an integer, Float64 when every value
// parses as a number, String otherwise. Hive's __HIVE_DEFAULT_PARTITION__
// is a null and makes the field nullable. Every file must carry the same keys
// in the same order.
func partitionSchema(files []inputFile) ([]Field, error) {
	if len(files) == 0 || len(files[0].parts) == 0 {
		for _, f := range files {
			if len(f.parts) != 0 {
				return nil, fmt.Errorf("%w: %s has partition directories but %s has none", ErrSchemaMismatch, f.path, files[0].path)
			}
		}
		return nil, nil
	}
	first := files[0]
	fields := make([]Field, len(first.parts))
	for i, p := range first.parts {
		fields[i] = Field{Name: p.key, Type: Int64}
	}
	for _, f := range files {
		if len(f.parts) != len(first.parts) {
			return nil, fmt.Errorf("%w: partition keys differ: %s vs %s", ErrSchemaMismatch, f.path, first.path)
		}
		for i, p := range f.parts {
			if p.val == hiveNull {
				fields[i].Nullable = true
			}
			if p.key != fields[i].Name {
				return nil, fmt.Errorf("%w: partition keys differ: %s has %q where %s has %q", ErrSchemaMismatch, f.path, p.key, first.path, fields[i].Name)
			}
			switch {
			case p.val == hiveNull:
			case fields[i].Type == Int64:
				if _, err := strconv.ParseInt(p.val, 10, 64); err == nil {
					break
				}
				fields[i].Type = Float64
				if _, err := strconv.ParseFloat(p.val, 64); err != nil {
					fields[i].Type = String
				}
			case fields[i].Type == Float64:
				if _, err := strconv.ParseFloat(p.val, 64); err != nil {
					fields[i].Type = String
				}
			}
		}
	}
	return fields, nil
}

// hiveNull is the directory value Hive writes for a null partition key.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

// partitionColumn makes a constant column of n rows for the partition value
// p of the file at path. A value that does not parse as t is an error naming
// the path and the key.
func partitionColumn(t Type, path string, p partValue, n int) (*Column, error) {
	val := p.val
	if val == hiveNull {
		return NewNullColumn(t, n), nil
	}
	switch t {
	case Int64:
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: partition key %q: %w", ErrMalformed, path, p.key, err)
		}
		out := make([]int64, n)
		for i := range out {
			out[i] = v
		}
		return NewInt64Column(out, nil), nil
	case Float64:
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: partition key %q: %w", ErrMalformed, path, p.key, err)
		}
		out := make([]float64, n)
		for i := range out {
			out[i] = v
		}
		return NewFloat64Column(out, nil), nil
	default:
		out := make([]string, n)
		for i := range out {
			out[i] = val
		}
		return NewStringColumn(out, nil), nil
	}
}

// projection resolves ReadOptions.Columns against the full schema (file
// fields then partition fields). It returns the output schema and, for each
// output field, its index in the full schema.
func projection(full Schema, cols []string, source string) (Schema, []int, error) {
	if cols == nil {
		idx := make([]int, len(full.Fields))
		for i := range idx {
			idx[i] = i
		}
		return full, idx, nil
	}
	out := Schema{Fields: make([]Field, len(cols))}
	idx := make([]int, len(cols))
	seen := map[string]bool{}
	for k, c := range cols {
		i, ok := full.Index(c)
		if !ok {
			return Schema{}, nil, &MissingColumnError{Column: c, Available: full.Names(), Source: source}
		}
		if seen[c] {
			return Schema{}, nil, fmt.Errorf("%w: column %q selected twice", ErrSchemaMismatch, c)
		}
		seen[c] = true
		out.Fields[k], idx[k] = full.Fields[i], i
	}
	return out, idx, nil
}

// mergeFileSchema checks that a file's schema agrees with the schema seen
// so far (same names; a type conflict names both files). Missing or extra
// columns are a schema mismatch naming both files.
func mergeFileSchema(acc Schema, accFile string, s Schema, file string) (Schema, error) {
	if len(acc.Fields) == 0 && accFile == "" {
		return s.clone(), nil
	}
	for _, f := range s.Fields {
		i, ok := acc.Index(f.Name)
		if !ok {
			return Schema{}, fmt.Errorf("%w: column %q is in %s but not in %s", ErrSchemaMismatch, f.Name, file, accFile)
		}
		if acc.Fields[i].Type != f.Type {
			return Schema{}, &TypeConflictError{Column: f.Name, First: accFile, FirstType: acc.Fields[i].Type, Second: file, SecondType: f.Type}
		}
		acc.Fields[i].Nullable = acc.Fields[i].Nullable || f.Nullable
	}
	for _, f := range acc.Fields {
		if _, ok := s.Index(f.Name); !ok {
			return Schema{}, fmt.Errorf("%w: column %q is in %s but not in %s", ErrSchemaMismatch, f.Name, accFile, file)
		}
	}
	return acc, nil
}

// planOnce holds a datasource's plan, made on first use and kept, error
// included, for every later caller. A making cut short by its caller's
// context is not kept: the next caller tries again.
type planOnce[P any] struct {
	mu   sync.Mutex
	done bool
	plan P
	err  error
}

func (o *planOnce[P]) get(ctx context.Context, make func(context.Context) (P, error)) (P, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return o.plan, o.err
	}
	var p P
	err := runRecover(ctx, "planning the read", func(ctx context.Context) error {
		var err error
		p, err = make(ctx)
		return err
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return p, err
	}
	o.plan, o.err, o.done = p, err, true
	return p, err
}

// sourceSchema calls ds.Schema, returning a panic in it as an error.
func sourceSchema(ctx context.Context, ds Datasource) (s Schema, err error) {
	err = runRecover(ctx, fmt.Sprintf("%T.Schema", ds), func(ctx context.Context) error {
		var err error
		s, err = ds.Schema(ctx)
		return err
	})
	return s, err
}

// readTasks calls ds.ReadTasks, returning a panic in it as an error.
func readTasks(ctx context.Context, ds Datasource, par int) (ts []ReadTask, err error) {
	err = runRecover(ctx, fmt.Sprintf("%T.ReadTasks", ds), func(ctx context.Context) error {
		var err error
		ts, err = ds.ReadTasks(ctx, par)
		return err
	})
	return ts, err
}
