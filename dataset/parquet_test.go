package dataset

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

func readAll(t *testing.T, src Datasource) *Block {
	t.Helper()
	b, err := readAllErr(src)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readAllErr(src Datasource) (*Block, error) {
	ctx := context.Background()
	tasks, err := src.ReadTasks(ctx, 2)
	if err != nil {
		return nil, err
	}
	var bs []*Block
	for _, task := range tasks {
		for b, err := range task.Read(ctx) {
			if err != nil {
				return nil, err
			}
			bs = append(bs, b)
		}
	}
	if len(bs) == 0 {
		s, err := src.Schema(ctx)
		if err != nil {
			return nil, err
		}
		return EmptyBlock(s), nil
	}
	// Blocks from different files may differ in nullability only.
	s, err := src.Schema(ctx)
	if err != nil {
		return nil, err
	}
	for i, b := range bs {
		if bs[i], err = NewBlock(s, b.cols); err != nil {
			return nil, err
		}
	}
	return Concat(bs...)
}

// nullBlock has a null in every column, and a NaN and an empty string that
// are values, not nulls.
func nullBlock(t *testing.T) *Block {
	t.Helper()
	b, err := NewBlockFromColumns(
		[]string{"f", "i", "s", "b"},
		[]*Column{
			NewFloat64Column([]float64{1.5, 0, math.NaN(), -4.25e-9, 1e300}, []bool{true, false, true, true, true}),
			NewInt64Column([]int64{10, 20, 0, math.MinInt64, math.MaxInt64}, []bool{true, true, false, true, true}),
			NewStringColumn([]string{"a", "", "c,\"q\"\n", "", "é"}, []bool{true, true, true, false, true}),
			NewBoolColumn([]bool{true, false, true, false, false}, []bool{true, true, true, true, false}),
		})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeParquetFile(t *testing.T, dir string, index int, b *Block, opts WriteOptions) string {
	t.Helper()
	p, err := NewParquetWriter(dir, opts).WriteBlock(context.Background(), index, b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParquetRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		block     func(*testing.T) *Block
		rowGroups int // WriteOptions.RowGroupRows
		blockRows int // ReadOptions.BlockRows
		wantTasks int
	}{
		{"plain", testBlock, 0, 0, 1},
		{"nulls of every type", nullBlock, 0, 0, 1},
		{"row groups become tasks", nullBlock, 2, 0, 3},
		{"blocks smaller than pages", nullBlock, 0, 2, 1},
		{"row groups and small blocks", nullBlock, 3, 2, 2},
		{"empty", func(t *testing.T) *Block { return nullBlock(t).Slice(0, 0) }, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.block(t)
			dir := t.TempDir()
			path := writeParquetFile(t, dir, 0, want, WriteOptions{RowGroupRows: tc.rowGroups})
			if filepath.Base(path) != "part-00000.parquet" {
				t.Errorf("file name %s", path)
			}
			src := NewParquetDatasource([]string{path}, ParquetOptions{ReadOptions{BlockRows: tc.blockRows}})
			tasks, err := src.ReadTasks(context.Background(), 4)
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) != tc.wantTasks {
				t.Errorf("%d read tasks, want %d", len(tasks), tc.wantTasks)
			}
			for _, task := range tasks {
				if task.EstimatedRows <= 0 || task.EstimatedBytes <= 0 || !strings.Contains(task.Name, "#rg") {
					t.Errorf("task %+v", task)
				}
				for b, err := range task.Read(context.Background()) {
					if err != nil {
						t.Fatal(err)
					}
					if tc.blockRows > 0 && b.NumRows() > tc.blockRows {
						t.Errorf("block of %d rows, bound %d", b.NumRows(), tc.blockRows)
					}
				}
			}
			got := readAll(t, src)
			if !got.Equal(want) {
				t.Fatalf("got %v\n%v\nwant %v", got, rows(got), rows(want))
			}
			if d := cmp.Diff(want.Schema().String(), got.Schema().String()); d != "" {
				t.Errorf("schema: %s", d)
			}
		})
	}
}

// TestParquetEncodings reads files written by parquet-go with encodings our
// writer does not produce: dictionaries, 32-bit numbers, optional values.
func TestParquetEncodings(t *testing.T) {
	type row struct {
		Name  string   `parquet:"name,dict"`
		City  *string  `parquet:"city,dict,optional"`
		N32   int32    `parquet:"n32"`
		F32   float32  `parquet:"f32"`
		OptF  *float64 `parquet:"optf,optional"`
		OptI  *int64   `parquet:"opti,optional,dict"`
		Fixed [3]byte  `parquet:"fixed"`
		Flag  bool     `parquet:"flag"`
	}
	str := func(s string) *string { return &s }
	fl := func(f float64) *float64 { return &f }
	in := func(i int64) *int64 { return &i }
	data := []row{
		{"x", str("paris"), 1, 0.5, fl(1), in(7), [3]byte{'a', 'b', 'c'}, true},
		{"y", nil, -2, 1.5, nil, nil, [3]byte{'d', 'e', 'f'}, false},
		{"x", str("rome"), 3, -2.25, fl(3), in(7), [3]byte{'g', 'h', 'i'}, true},
		{"z", str("paris"), 4, 8, nil, in(9), [3]byte{'j', 'k', 'l'}, false},
	}
	path := filepath.Join(t.TempDir(), "enc.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[row](f, parquet.PageBufferSize(64))
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	got := readAll(t, NewParquetDatasource([]string{path}, ParquetOptions{ReadOptions{BlockRows: 3}}))
	wantSchema := "{name: string, city: string?, n32: int64, f32: float64, optf: float64?, opti: int64?, fixed: string, flag: bool}"
	if s := got.Schema().String(); s != wantSchema {
		t.Errorf("schema %s, want %s", s, wantSchema)
	}
	want := []map[string]any{
		{"name": "x", "city": "paris", "n32": int64(1), "f32": 0.5, "optf": 1.0, "opti": int64(7), "fixed": "abc", "flag": true},
		{"name": "y", "city": nil, "n32": int64(-2), "f32": 1.5, "optf": nil, "opti": nil, "fixed": "def", "flag": false},
		{"name": "x", "city": "rome", "n32": int64(3), "f32": -2.25, "optf": 3.0, "opti": int64(7), "fixed": "ghi", "flag": true},
		{"name": "z", "city": "paris", "n32": int64(4), "f32": 8.0, "optf": nil, "opti": int64(9), "fixed": "jkl", "flag": false},
	}
	if d := cmp.Diff(want, rows(got)); d != "" {
		t.Error(d)
	}
}

// hiveTree writes year=Y/month=M/part-0000K.parquet files and returns the
// root.
func hiveTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for k, ym := range [][2]string{{"2023", "12"}, {"2024", "1"}, {"2024", "2"}} {
		b, err := NewBlockFromColumns([]string{"x", "tag"}, []*Column{
			NewFloat64Column([]float64{float64(k), float64(k) + 0.5}, nil),
			NewStringColumn([]string{"t" + ym[0], "u" + ym[1]}, nil),
		})
		if err != nil {
			t.Fatal(err)
		}
		writeParquetFile(t, filepath.Join(root, "year="+ym[0], "month="+ym[1]), k, b, WriteOptions{})
	}
	// Files a reader must skip.
	os.WriteFile(filepath.Join(root, "_SUCCESS"), nil, 0o644)
	os.WriteFile(filepath.Join(root, ".hidden.parquet"), []byte("junk"), 0o644)
	os.WriteFile(filepath.Join(root, "year=2024", "notes.txt"), []byte("junk"), 0o644)
	return root
}

func TestParquetHivePartitions(t *testing.T) {
	root := hiveTree(t)
	tests := []struct {
		name       string
		opts       ReadOptions
		wantSchema string
		wantRows   []map[string]any
	}{
		{
			name:       "all columns",
			wantSchema: "{x: float64, tag: string, year: int64, month: int64}",
			wantRows: []map[string]any{
				{"x": 0.0, "tag": "t2023", "year": int64(2023), "month": int64(12)},
				{"x": 0.5, "tag": "u12", "year": int64(2023), "month": int64(12)},
				{"x": 1.0, "tag": "t2024", "year": int64(2024), "month": int64(1)},
				{"x": 1.5, "tag": "u1", "year": int64(2024), "month": int64(1)},
				{"x": 2.0, "tag": "t2024", "year": int64(2024), "month": int64(2)},
				{"x": 2.5, "tag": "u2", "year": int64(2024), "month": int64(2)},
			},
		},
		{
			name:       "projection mixes partition and file columns",
			opts:       ReadOptions{Columns: []string{"month", "x"}},
			wantSchema: "{month: int64, x: float64}",
			wantRows: []map[string]any{
				{"month": int64(12), "x": 0.0}, {"month": int64(12), "x": 0.5},
				{"month": int64(1), "x": 1.0}, {"month": int64(1), "x": 1.5},
				{"month": int64(2), "x": 2.0}, {"month": int64(2), "x": 2.5},
			},
		},
		{
			name:       "partitioning off",
			opts:       ReadOptions{NoPartitioning: true, Columns: []string{"tag"}},
			wantSchema: "{tag: string}",
			wantRows: []map[string]any{
				{"tag": "t2023"}, {"tag": "u12"}, {"tag": "t2024"}, {"tag": "u1"}, {"tag": "t2024"}, {"tag": "u2"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := NewParquetDatasource([]string{root}, ParquetOptions{tc.opts})
			s, err := src.Schema(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != tc.wantSchema {
				t.Errorf("schema %s, want %s", s, tc.wantSchema)
			}
			if d := cmp.Diff(tc.wantRows, rows(readAll(t, src))); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestParquetPartitionTypes(t *testing.T) {
	root := t.TempDir()
	b, _ := NewBlockFromColumns([]string{"x"}, []*Column{NewInt64Column([]int64{1}, nil)})
	for k, dir := range []string{"p=1/q=a", "p=1.5/q=2"} {
		writeParquetFile(t, filepath.Join(root, filepath.FromSlash(dir)), k, b, WriteOptions{})
	}
	got := readAll(t, NewParquetDatasource([]string{root}, ParquetOptions{}))
	want := []map[string]any{
		{"x": int64(1), "p": 1.0, "q": "a"},
		{"x": int64(1), "p": 1.5, "q": "2"},
	}
	if d := cmp.Diff(want, rows(got)); d != "" {
		t.Error(d)
	}
}

func TestParquetManyFilesAndPaths(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for k := range 5 {
		b, _ := NewBlockFromColumns([]string{"id"}, []*Column{NewInt64Column([]int64{int64(2 * k), int64(2*k + 1)}, nil)})
		paths = append(paths, writeParquetFile(t, dir, k, b, WriteOptions{}))
	}
	// Explicit files in the order given, then a directory (sorted).
	src := NewParquetDatasource([]string{paths[4], paths[0], dir}, ParquetOptions{})
	got := readAll(t, src)
	var ids []int64
	ids = append(ids, got.Column(0).Int64s()...)
	want := []int64{8, 9, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if d := cmp.Diff(want, ids); d != "" {
		t.Error(d)
	}
}

func TestParquetErrors(t *testing.T) {
	ctx := context.Background()
	mk := func(t *testing.T, dir string, name string, col *Column) string {
		b, err := NewBlockFromColumns([]string{"a", "v"}, []*Column{NewInt64Column([]int64{1}, nil), col})
		if err != nil {
			t.Fatal(err)
		}
		return writeParquetFile(t, dir, 0, b, WriteOptions{FilePrefix: name})
	}
	t.Run("type conflict names both files", func(t *testing.T) {
		dir := t.TempDir()
		f1 := mk(t, dir, "one", NewFloat64Column([]float64{1}, nil))
		f2 := mk(t, dir, "two", NewStringColumn([]string{"x"}, nil))
		_, err := NewParquetDatasource([]string{dir}, ParquetOptions{}).Schema(ctx)
		var tc *TypeConflictError
		if !errors.As(err, &tc) || !errors.Is(err, ErrTypeConflict) {
			t.Fatalf("err = %v", err)
		}
		if tc.Column != "v" || tc.First != f1 || tc.Second != f2 || tc.FirstType != Float64 || tc.SecondType != String {
			t.Errorf("%+v", tc)
		}
		if !strings.Contains(err.Error(), f1) || !strings.Contains(err.Error(), f2) {
			t.Errorf("message %q does not name both files", err)
		}
	})
	t.Run("missing projected column lists available ones", func(t *testing.T) {
		dir := t.TempDir()
		mk(t, dir, "one", NewFloat64Column([]float64{1}, nil))
		_, err := NewParquetDatasource([]string{dir}, ParquetOptions{ReadOptions{Columns: []string{"a", "nope"}}}).ReadTasks(ctx, 1)
		var mc *MissingColumnError
		if !errors.As(err, &mc) || !errors.Is(err, ErrColumnNotFound) {
			t.Fatalf("err = %v", err)
		}
		if mc.Column != "nope" || !cmp.Equal(mc.Available, []string{"a", "v"}) {
			t.Errorf("%+v", mc)
		}
		if !strings.Contains(err.Error(), "[a, v]") {
			t.Errorf("message %q", err)
		}
	})
	t.Run("different columns", func(t *testing.T) {
		dir := t.TempDir()
		mk(t, dir, "one", NewFloat64Column([]float64{1}, nil))
		b, _ := NewBlockFromColumns([]string{"a"}, []*Column{NewInt64Column([]int64{1}, nil)})
		writeParquetFile(t, dir, 0, b, WriteOptions{FilePrefix: "two"})
		_, err := NewParquetDatasource([]string{dir}, ParquetOptions{}).Schema(ctx)
		if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), `"v"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no files", func(t *testing.T) {
		for _, paths := range [][]string{nil, {filepath.Join(t.TempDir(), "absent")}, {t.TempDir()}} {
			_, err := NewParquetDatasource(paths, ParquetOptions{}).Schema(ctx)
			if !errors.Is(err, ErrNoFiles) {
				t.Errorf("%v: err = %v", paths, err)
			}
		}
	})
	t.Run("not parquet", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bad.parquet")
		os.WriteFile(p, []byte("this is not parquet at all"), 0o644)
		_, err := NewParquetDatasource([]string{p}, ParquetOptions{}).Schema(ctx)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), p) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown scheme", func(t *testing.T) {
		_, err := NewParquetDatasource([]string{"s3://bucket/x"}, ParquetOptions{}).Schema(ctx)
		if err == nil || !strings.Contains(err.Error(), `"s3"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		dir := t.TempDir()
		mk(t, dir, "one", NewFloat64Column([]float64{1}, nil))
		src := NewParquetDatasource([]string{dir}, ParquetOptions{})
		tasks, err := src.ReadTasks(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		for _, err := range tasks[0].Read(cctx) {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
		}
	})
}

// memFS is an FS held in memory, standing in for an object store.
type memFS struct {
	files map[string][]byte
}

type memFile struct {
	*strings.Reader
}

func (memFile) Close() error { return nil }

type memWriter struct {
	fs   *memFS
	path string
	buf  []byte
}

func (w *memWriter) Write(p []byte) (int, error) { w.buf = append(w.buf, p...); return len(p), nil }
func (w *memWriter) Commit() error               { w.fs.files[w.path] = w.buf; return nil }
func (w *memWriter) Abort() error                { return nil }

func (m *memFS) Open(ctx context.Context, p string) (File, error) {
	b, ok := m.files[p]
	if !ok {
		return nil, os.ErrNotExist
	}
	return memFile{strings.NewReader(string(b))}, nil
}
func (m *memFS) Create(ctx context.Context, p string) (FileWriter, error) {
	return &memWriter{fs: m, path: p}, nil
}
func (m *memFS) Stat(ctx context.Context, p string) (FileInfo, error) {
	if b, ok := m.files[p]; ok {
		return FileInfo{Path: p, Size: int64(len(b))}, nil
	}
	for k := range m.files {
		if strings.HasPrefix(k, strings.TrimSuffix(p, "/")+"/") {
			return FileInfo{Path: p, IsDir: true}, nil
		}
	}
	return FileInfo{}, os.ErrNotExist
}
func (m *memFS) List(ctx context.Context, dir string) ([]FileInfo, error) {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	seen := map[string]bool{}
	var out []FileInfo
	for k, b := range m.files {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		name, _, isDir := strings.Cut(rest, "/")
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, FileInfo{Path: prefix + name, Size: int64(len(b)), IsDir: isDir})
	}
	return out, nil
}
func (m *memFS) Remove(ctx context.Context, p string) error { delete(m.files, p); return nil }

func TestParquetThroughSchemeFS(t *testing.T) {
	reg := NewFSRegistry()
	mem := &memFS{files: map[string][]byte{}}
	reg.Register("mem", mem)
	b := nullBlock(t)
	w := NewParquetWriter("mem://bucket/out/day=3", WriteOptions{FS: reg})
	p, err := w.WriteBlock(context.Background(), 7, b)
	if err != nil {
		t.Fatal(err)
	}
	if p != "mem://bucket/out/day=3/part-00007.parquet" {
		t.Errorf("path %s", p)
	}
	got := readAll(t, NewParquetDatasource([]string{"mem://bucket/out"}, ParquetOptions{ReadOptions{FS: reg, Columns: []string{"day", "s"}}}))
	want := []map[string]any{
		{"day": int64(3), "s": "a"}, {"day": int64(3), "s": ""}, {"day": int64(3), "s": "c,\"q\"\n"},
		{"day": int64(3), "s": nil}, {"day": int64(3), "s": "é"},
	}
	if d := cmp.Diff(want, rows(got)); d != "" {
		t.Error(d)
	}
}

// TestParquetLegacyTypes reads INT96 timestamps (as Hive and Spark write
// them) and dictionary-encoded fixed-length strings.
func TestParquetLegacyTypes(t *testing.T) {
	type row struct {
		TS   deprecated.Int96 `parquet:"ts"`
		Code [2]byte          `parquet:"code,dict"`
	}
	// 2023-11-28 05:00:01.5 UTC: Julian day 2460277, 5 h + 1.5 s into it.
	nanos := uint64(5*3600e9 + 1.5e9)
	ts := deprecated.Int96{uint32(nanos), uint32(nanos >> 32), 2460277}
	path := filepath.Join(t.TempDir(), "legacy.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[row](f)
	if _, err := w.Write([]row{{ts, [2]byte{'a', 'b'}}, {ts, [2]byte{'a', 'b'}}, {ts, [2]byte{'c', 'd'}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got := readAll(t, NewParquetDatasource([]string{path}, ParquetOptions{}))
	want := time.Date(2023, 11, 28, 5, 0, 1, 5e8, time.UTC).UnixNano()
	if d := cmp.Diff([]map[string]any{
		{"ts": want, "code": "ab"}, {"ts": want, "code": "ab"}, {"ts": want, "code": "cd"},
	}, rows(got)); d != "" {
		t.Error(d)
	}
}

// TestParquetLargeBlock writes and reads a block big enough for many pages
// per column chunk and several row groups.
func TestParquetLargeBlock(t *testing.T) {
	const n = 300_000
	f := make([]float64, n)
	i := make([]int64, n)
	s := make([]string, n)
	for k := range f {
		f[k] = float64(k) / 7
		i[k] = int64(k * k)
		s[k] = string(rune('a' + k%26))
	}
	b, err := NewBlockFromColumns([]string{"f", "i", "s", "g"}, []*Column{
		NewFloat64Column(f, nil), NewInt64Column(i, nil), NewStringColumn(s, nil), NewFloat64Column(f, nil)})
	if err != nil {
		t.Fatal(err)
	}
	p := writeParquetFile(t, t.TempDir(), 0, b, WriteOptions{RowGroupRows: 120_000})
	got := readAll(t, NewParquetDatasource([]string{p}, ParquetOptions{}))
	if !got.Equal(b) {
		t.Fatal("large block changed in a parquet round trip")
	}
}

// TestHiveEscapesAndNulls: partition values are URL-unescaped, and Hive's
// default partition is a null.
func TestHiveEscapesAndNulls(t *testing.T) {
	root := t.TempDir()
	b, _ := NewBlockFromColumns([]string{"x"}, []*Column{NewInt64Column([]int64{1}, nil)})
	for k, dir := range []string{"city=New%20York/n=3", "city=__HIVE_DEFAULT_PARTITION__/n=__HIVE_DEFAULT_PARTITION__"} {
		writeParquetFile(t, filepath.Join(root, filepath.FromSlash(dir)), k, b, WriteOptions{})
	}
	got := readAll(t, NewParquetDatasource([]string{root}, ParquetOptions{}))
	if s := got.Schema().String(); s != "{x: int64, city: string?, n: int64?}" {
		t.Errorf("schema %s", s)
	}
	want := []map[string]any{
		{"x": int64(1), "city": "New York", "n": int64(3)},
		{"x": int64(1), "city": nil, "n": nil},
	}
	if d := cmp.Diff(want, rows(got)); d != "" {
		t.Error(d)
	}
}
