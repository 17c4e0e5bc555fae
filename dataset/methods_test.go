package dataset

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// takeAll returns every row of d.
func takeAll(t *testing.T, d *Dataset) []Row {
	t.Helper()
	var out []Row
	for r, err := range d.Rows(context.Background(), IterOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func blockSizes(t *testing.T, d *Dataset) []int {
	t.Helper()
	var out []int
	for _, b := range blocksOf(t, d) {
		out = append(out, b.NumRows())
	}
	return out
}

func TestCreation(t *testing.T) {
	s := sys(t)
	b1, _ := NewBlockFromColumns([]string{"a"}, []*Column{NewInt64Column([]int64{1, 2}, nil)})
	b2, _ := NewBlockFromColumns([]string{"a"}, []*Column{NewInt64Column([]int64{3}, nil)})
	bf, _ := NewBlockFromColumns([]string{"a"}, []*Column{NewFloat64Column([]float64{3}, nil)})
	tests := []struct {
		name   string
		make   func() (*Dataset, error)
		rows   []Row
		blocks []int
		err    error
	}{
		{
			name: "FromItems unions the keys, sorted; a missing key is null",
			make: func() (*Dataset, error) {
				return FromItems(s, []Row{{"b": "x", "a": 1}, {"a": 2.5}, {"c": true, "b": "y"}}, Options{BlockRows: 2})
			},
			rows: []Row{
				{"a": 1.0, "b": "x", "c": nil},
				{"a": 2.5, "b": nil, "c": nil},
				{"a": nil, "b": "y", "c": true},
			},
			blocks: []int{2, 1},
		},
		{
			name: "FromItems of nothing",
			make: func() (*Dataset, error) { return FromItems(s, nil, Options{}) },
		},
		{
			name: "FromItems with a type mix",
			make: func() (*Dataset, error) { return FromItems(s, []Row{{"a": 1}, {"a": "one"}}, Options{}) },
			err:  ErrTypeConflict,
		},
		{
			name: "FromColumns cuts into blocks",
			make: func() (*Dataset, error) {
				return FromColumns(s, []string{"i", "f"}, []*Column{
					NewInt64Column([]int64{1, 2, 3}, nil), NewFloat64Column([]float64{0.5, 0, 2}, []bool{true, false, true}),
				}, Options{BlockRows: 2})
			},
			rows:   []Row{{"i": int64(1), "f": 0.5}, {"i": int64(2), "f": nil}, {"i": int64(3), "f": 2.0}},
			blocks: []int{2, 1},
		},
		{
			name: "FromColumns with unequal lengths",
			make: func() (*Dataset, error) {
				return FromColumns(s, []string{"i", "f"}, []*Column{
					NewInt64Column([]int64{1, 2, 3}, nil), NewFloat64Column([]float64{0.5}, nil),
				}, Options{})
			},
			err: ErrSchemaMismatch,
		},
		{
			name:   "FromBlocks keeps the blocks",
			make:   func() (*Dataset, error) { return FromBlocks(s, []*Block{b1, b2}, Options{}) },
			rows:   []Row{{"a": int64(1)}, {"a": int64(2)}, {"a": int64(3)}},
			blocks: []int{2, 1},
		},
		{
			name: "FromBlocks with another schema",
			make: func() (*Dataset, error) { return FromBlocks(s, []*Block{b1, bf}, Options{}) },
			err:  ErrSchemaMismatch,
		},
		{
			name:   "Range",
			make:   func() (*Dataset, error) { return Range(s, 5, Options{BlockRows: 2}), nil },
			rows:   []Row{{"id": int64(0)}, {"id": int64(1)}, {"id": int64(2)}, {"id": int64(3)}, {"id": int64(4)}},
			blocks: []int{2, 2, 1},
		},
		{
			name: "Range of a negative count is empty",
			make: func() (*Dataset, error) { return Range(s, -3, Options{}), nil },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.make()
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.rows, takeAll(t, d)); diff != "" {
				t.Error(diff)
			}
			if diff := cmp.Diff(tc.blocks, blockSizes(t, d)); diff != "" {
				t.Error("block sizes:", diff)
			}
			if n, err := d.Count(context.Background()); err != nil || n != int64(len(tc.rows)) {
				t.Errorf("Count = %d, %v", n, err)
			}
		})
	}
}

// TestMissingColumnsListAvailable: every way of naming a column that is
// not there reports a *MissingColumnError listing the columns that are.
func TestMissingColumnsListAvailable(t *testing.T) {
	ctx := context.Background()
	d, err := FromItems(sys(t), []Row{{"id": 1, "s": "a"}, {"id": 2, "s": "b"}}, Options{BlockRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	run := func(d *Dataset) error {
		_, err := d.Materialize(ctx)
		return err
	}
	tests := []struct {
		name string
		do   func() error
	}{
		{"SelectColumns", func() error { return run(d.SelectColumns("id", "nope")) }},
		{"DropColumns", func() error { return run(d.DropColumns("nope")) }},
		{"RenameColumns", func() error { return run(d.RenameColumns(map[string]string{"nope": "x"})) }},
		{"Sort", func() error { return run(d.Sort("nope", false)) }},
		{"GroupBy", func() error { return run(d.GroupBy("nope").Count()) }},
		{"GroupBy aggregate", func() error { return run(d.GroupBy("s").Aggregate(Sum("nope"))) }},
		{"Aggregate", func() error { _, err := d.Aggregate(ctx, Max("nope")); return err }},
		{"Mean", func() error { _, err := d.Mean(ctx, "nope"); return err }},
		{"Unique", func() error { _, err := d.Unique(ctx, "nope"); return err }},
		{"StandardScaler", func() error { _, err := NewStandardScaler("nope").FitTransform(ctx, d); return err }},
		{"OneHotEncoder", func() error { _, err := NewOneHotEncoder("nope").FitTransform(ctx, d); return err }},
		{"Columns after a bad projection", func() error { _, err := d.SelectColumns("nope").Columns(ctx); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			var me *MissingColumnError
			if !errors.As(err, &me) || !errors.Is(err, ErrColumnNotFound) {
				t.Fatalf("err = %v", err)
			}
			if me.Column != "nope" || !cmp.Equal(me.Available, []string{"id", "s"}) {
				t.Errorf("%+v", me)
			}
			if !strings.Contains(err.Error(), "[id, s]") {
				t.Errorf("message %q does not list the columns", err)
			}
		})
	}
}

// TestUserFunctionErrorsNameTheOperator: an error returned by a user
// function comes back wrapped in an *OpError naming the operator, and
// still matches the user's error.
func TestUserFunctionErrorsNameTheOperator(t *testing.T) {
	bad := errors.New("bad row")
	base := Range(sys(t), 20, Options{BlockRows: 4})
	tests := []struct {
		op string
		d  *Dataset
	}{
		{"Map", base.Map(func(r Row) (Row, error) { return nil, bad })},
		{"Filter", base.Filter(func(r Row) (bool, error) { return false, bad })},
		{"AddColumn(x)", base.AddColumn("x", func(context.Context, *Block) (*Column, error) { return nil, bad })},
		{"scale", base.MapBatches(func(context.Context, *Block) (*Block, error) { return nil, bad }, BatchOptions{Name: "scale", BatchSize: 3})},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			_, err := tc.d.Take(context.Background(), 5)
			var oe *OpError
			if !errors.Is(err, bad) || !errors.As(err, &oe) || oe.Op != tc.op {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestTransformsTable(t *testing.T) {
	ctx := context.Background()
	base, err := FromItems(sys(t), []Row{
		{"k": "b", "v": 2.0}, {"k": "a", "v": 1.0}, {"k": "c", "v": nil}, {"k": "a", "v": 4.0},
	}, Options{BlockRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		d    *Dataset
		want []Row
	}{
		{"Map adds a key", base.Map(func(r Row) (Row, error) {
			r["up"] = strings.ToUpper(r["k"].(string))
			return r, nil
		}), []Row{
			{"k": "b", "v": 2.0, "up": "B"}, {"k": "a", "v": 1.0, "up": "A"}, {"k": "c", "v": nil, "up": "C"}, {"k": "a", "v": 4.0, "up": "A"},
		}},
		{"Filter", base.Filter(func(r Row) (bool, error) { return r["k"] == "a", nil }), []Row{
			{"k": "a", "v": 1.0}, {"k": "a", "v": 4.0},
		}},
		{"AddColumn replaces a column", base.AddColumn("v", func(ctx context.Context, b *Block) (*Column, error) {
			return NewInt64Column(make([]int64, b.NumRows()), nil), nil
		}), []Row{{"k": "b", "v": int64(0)}, {"k": "a", "v": int64(0)}, {"k": "c", "v": int64(0)}, {"k": "a", "v": int64(0)}}},
		{"SelectColumns", base.SelectColumns("v"), []Row{{"v": 2.0}, {"v": 1.0}, {"v": nil}, {"v": 4.0}}},
		{"DropColumns", base.DropColumns("v"), []Row{{"k": "b"}, {"k": "a"}, {"k": "c"}, {"k": "a"}}},
		{"RenameColumns", base.RenameColumns(map[string]string{"v": "value"}).Limit(1), []Row{{"k": "b", "value": 2.0}}},
		{"Limit past the end", base.Limit(10).DropColumns("v"), []Row{{"k": "b"}, {"k": "a"}, {"k": "c"}, {"k": "a"}}},
		{"Union keeps the order", base.Limit(1).Union(base.Filter(func(r Row) (bool, error) { return r["k"] == "c", nil }), base.Limit(1)), []Row{
			{"k": "b", "v": 2.0}, {"k": "c", "v": nil}, {"k": "b", "v": 2.0},
		}},
		{"Sort strings descending", base.Sort("k", true).DropColumns("v"), []Row{{"k": "c"}, {"k": "b"}, {"k": "a"}, {"k": "a"}}},
		{"Repartition keeps the rows", base.Repartition(3).SelectColumns("k"), []Row{{"k": "b"}, {"k": "a"}, {"k": "c"}, {"k": "a"}}},
		{"GroupBy", base.GroupBy("k").Aggregate(Count(), Max("v")), []Row{
			{"k": "a", "count()": int64(2), "max(v)": 4.0}, {"k": "b", "count()": int64(1), "max(v)": 2.0}, {"k": "c", "count()": int64(1), "max(v)": nil},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, takeAll(t, tc.d)); diff != "" {
				t.Error(diff)
			}
		})
	}
	t.Run("Repartition block sizes", func(t *testing.T) {
		if diff := cmp.Diff([]int{2, 1, 1}, blockSizes(t, base.Repartition(3))); diff != "" {
			t.Error(diff)
		}
		if _, err := base.Repartition(0).Materialize(ctx); err == nil {
			t.Error("Repartition(0) succeeded")
		}
	})
	t.Run("Union of other schemas fails", func(t *testing.T) {
		u := base.Union(Range(sys(t), 3, Options{}))
		if _, err := u.TakeBatch(ctx, 10); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("TakeBatch: %v", err)
		}
		if _, err := u.RandomShuffle(1).Materialize(ctx); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("RandomShuffle: %v", err)
		}
	})
}

// TestStatsPerOperator: Stats reports every operator of the last run in
// plan order with its output rows, blocks and bytes and the time spent in
// it, plus the wall time and the peak bytes in flight.
func TestStatsPerOperator(t *testing.T) {
	ctx := context.Background()
	d := Range(sys(t), 3000, Options{BlockRows: 500, MemoryBudget: 64 << 20}).
		Map(func(r Row) (Row, error) { r["half"] = float64(r["id"].(int64)) / 2; return r, nil }).
		Filter(func(r Row) (bool, error) { return r["id"].(int64)%3 == 0, nil }).
		MapBatches(func(ctx context.Context, b *Block) (*Block, error) { return b.Drop("half") }, BatchOptions{Name: "drop"})
	if d.Stats() != nil {
		t.Fatal("stats before any run")
	}
	if n := len(ids(t, d)); n != 1000 {
		t.Fatalf("%d rows", n)
	}
	st := d.Stats()
	type op struct {
		Name   string
		Blocks int
		Rows   int64
		Bytes  int64
	}
	var got []op
	for _, o := range st.Ops {
		got = append(got, op{o.Name, o.Blocks, o.Rows, o.Bytes})
		if o.Name != "Range" && o.Time <= 0 {
			t.Errorf("%s: no time recorded", o.Name)
		}
	}
	want := []op{
		{"Range", 6, 3000, 3000 * 8},
		{"Map", 6, 3000, 3000 * 16},
		{"Filter", 6, 1000, 1000 * 16},
		{"drop", 6, 1000, 1000 * 8},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s\n%v", diff, st)
	}
	if st.Wall <= 0 || st.PeakBytes <= 0 || st.PeakBytes > st.MemoryBudget || st.MemoryBudget != 64<<20 {
		t.Errorf("wall %v peak %d budget %d", st.Wall, st.PeakBytes, st.MemoryBudget)
	}
	// Another run with other options records its own figures.
	d2 := d.WithOptions(Options{Parallelism: 1, MemoryBudget: 1 << 20})
	if d2.Options().MemoryBudget != 1<<20 || d.Options().MemoryBudget != 64<<20 {
		t.Fatal("WithOptions changed the original")
	}
	if _, err := d2.Count(ctx); err != nil {
		t.Fatal(err)
	}
	if d2.Stats().MemoryBudget != 1<<20 || d.Stats() != st {
		t.Errorf("stats of the second run: %v", d2.Stats())
	}
}

// TestSchemaWithoutRunning: Schema and Columns of a read followed by
// column operations come from the plan without reading any data.
func TestSchemaWithoutRunning(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "k=1")
	src, _ := FromItems(sys(t), []Row{{"a": 1, "b": "x", "c": true}}, Options{})
	if _, err := src.WriteParquet(ctx, dir, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := ReadParquet(ctx, sys(t), []string{filepath.Dir(dir)}, ParquetOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d = d.DropColumns("b").RenameColumns(map[string]string{"c": "flag"}).SelectColumns("k", "flag", "a")
	s, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "{k: int64, flag: bool, a: int64}" {
		t.Errorf("schema %s", s)
	}
	cols, err := d.Columns(ctx)
	if err != nil || !slices.Equal(cols, []string{"k", "flag", "a"}) {
		t.Errorf("columns %v %v", cols, err)
	}
	if d.Stats() != nil {
		t.Error("the plan ran to find its schema")
	}
}

// TestMalformedCSVThroughDataset: a bad value past the rows sampled for
// type inference is found while the dataset runs, and the error that
// reaches the caller still names the file, line and column.
func TestMalformedCSVThroughDataset(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeText(t, dir, "a.csv", "x,y\n1,2\n3,4\n")
	writeText(t, dir, "b.csv", "x,y\n5,6\n7,8\n9,nine\n")
	writeText(t, dir, "c.csv", "x,y\n1,2\n3\n")
	for _, tc := range []struct {
		paths []string
		file  string
		line  int
		col   string
	}{
		{[]string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")}, "b.csv", 4, "y"},
		{[]string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "c.csv")}, "c.csv", 3, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d, err := ReadCSV(ctx, sys(t), tc.paths, CSVOptions{InferRows: 1}, Options{Parallelism: 2})
			if err == nil {
				_, err = d.Materialize(ctx)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v", err)
			}
			if pe.File != filepath.Join(dir, tc.file) || pe.Line != tc.line || pe.Column != tc.col {
				t.Errorf("%+v", pe)
			}
			if !strings.Contains(err.Error(), tc.file) {
				t.Errorf("message %q", err)
			}
		})
	}
}

// TestWriteParquetFailureLeavesNothing: a plan failing half way through
// WriteParquet leaves no part file behind, and files that were in the
// directory before are kept.
func TestWriteParquetFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := writeText(t, dir, "README", "kept")
	boom := errors.New("boom")
	for _, par := range []int{1, 4} {
		d := Range(sysN(t, par), 1000, Options{BlockRows: 50, Parallelism: par}).
			MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
				if b.Column(0).Int64s()[0] == 700 {
					return nil, boom
				}
				return b, nil
			}, BatchOptions{})
		paths, err := d.WriteParquet(ctx, dir, WriteOptions{})
		if !errors.Is(err, boom) || paths != nil {
			t.Fatalf("parallelism %d: %v %v", par, paths, err)
		}
		if got := listDir(t, dir); !slices.Equal(got, []string{filepath.Base(keep)}) {
			t.Errorf("parallelism %d left %v", par, got)
		}
	}
}

// TestPreprocessorHelpers: the generic helpers equal the methods.
func TestPreprocessorHelpers(t *testing.T) {
	ctx := context.Background()
	d := Range(sys(t), 10, Options{BlockRows: 3})
	p := NewMinMaxScaler("id")
	viaFn, err := FitTransformDataset(ctx, p, d)
	if err != nil {
		t.Fatal(err)
	}
	q := NewMinMaxScaler("id")
	viaMethod, err := q.FitTransform(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	want := rows(collect(t, viaMethod))
	if diff := cmp.Diff(want, rows(collect(t, viaFn))); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(want, rows(collect(t, TransformDataset(q, d)))); diff != "" {
		t.Error(diff)
	}
	var fromSource []*Block
	for b, err := range TransformSource(q, d).Blocks(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		fromSource = append(fromSource, b)
	}
	all, err := Concat(fromSource...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rows(all)); diff != "" {
		t.Error(diff)
	}
	if want[9]["id"] != 1.0 || want[0]["id"] != 0.0 {
		t.Errorf("scaled %v", want)
	}
}

// TestCSVThroughSchemeFS writes and reads a dataset as CSV through an FS
// registered for a scheme, as an object store would be plugged in.
func TestCSVThroughSchemeFS(t *testing.T) {
	ctx := context.Background()
	reg := NewFSRegistry()
	reg.Register("mem", &lockedFS{fs: &memFS{files: map[string][]byte{}}})
	d := Range(sys(t), 25, Options{BlockRows: 10}).Map(func(r Row) (Row, error) {
		r["s"] = strings.Repeat("x", int(r["id"].(int64)%3))
		return r, nil
	})
	paths, err := d.WriteCSV(ctx, "mem://bucket/out/part=7", WriteOptions{FS: reg})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mem://bucket/out/part=7/part-00000.csv", "mem://bucket/out/part=7/part-00001.csv", "mem://bucket/out/part=7/part-00002.csv"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Fatal(diff)
	}
	back, err := ReadCSV(ctx, sys(t), []string{"mem://bucket/out"}, CSVOptions{ReadOptions: ReadOptions{FS: reg}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := takeAll(t, back)
	if len(got) != 25 {
		t.Fatalf("%d rows", len(got))
	}
	for i, r := range got {
		if r["id"] != int64(i) || r["part"] != int64(7) || r["s"] != strings.Repeat("x", i%3) {
			t.Fatalf("row %d: %v", i, r)
		}
	}
}

// lockedFS makes memFS safe for concurrent use, as FS requires (writes
// run in parallel), and lists in sorted order.
type lockedFS struct {
	mu sync.Mutex
	fs *memFS
}

type lockedWriter struct {
	FileWriter
	mu *sync.Mutex
}

func (w lockedWriter) Commit() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.FileWriter.Commit()
}

func (l *lockedFS) Open(ctx context.Context, p string) (File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fs.Open(ctx, p)
}

func (l *lockedFS) Create(ctx context.Context, p string) (FileWriter, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, err := l.fs.Create(ctx, p)
	if err != nil {
		return nil, err
	}
	return lockedWriter{FileWriter: w, mu: &l.mu}, nil
}

func (l *lockedFS) Stat(ctx context.Context, p string) (FileInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fs.Stat(ctx, p)
}

func (l *lockedFS) List(ctx context.Context, dir string) ([]FileInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out, err := l.fs.List(ctx, dir)
	slices.SortFunc(out, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return out, err
}

func (l *lockedFS) Remove(ctx context.Context, p string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fs.Remove(ctx, p)
}

// TestEmptyDataset: every operator accepts an empty input, keeps its
// schema, and the consumers see no rows and no error.
func TestEmptyDataset(t *testing.T) {
	ctx := context.Background()
	e := Range(sys(t), 0, Options{})
	none := Range(sys(t), 10, Options{BlockRows: 3}).Filter(func(Row) (bool, error) { return false, nil })
	for _, tc := range []struct {
		name   string
		d      *Dataset
		schema string
	}{
		{"RandomShuffle", e.RandomShuffle(1), "{id: int64}"},
		{"RandomShuffle of filtered-out rows", none.RandomShuffle(1), "{id: int64}"},
		{"Sort", none.Sort("id", true), "{id: int64}"},
		{"RandomizeBlockOrder", e.RandomizeBlockOrder(1), "{id: int64}"},
		{"Repartition", none.Repartition(3), "{id: int64}"},
		{"GroupBy", e.GroupBy("id").Count(), "{id: int64, count(): int64}"},
		{"Union", e.Union(none), "{id: int64}"},
		{"Limit", none.Limit(3), "{id: int64}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n, err := tc.d.Count(ctx); n != 0 || err != nil {
				t.Errorf("Count = %d, %v", n, err)
			}
			b, err := tc.d.TakeBatch(ctx, 3)
			if err != nil || b.NumRows() != 0 || b.Schema().String() != tc.schema {
				t.Errorf("TakeBatch = %v, %v", b, err)
			}
			for b, err := range tc.d.Batches(ctx, 4, IterOptions{LocalShuffleBufferSize: 3}) {
				t.Errorf("batch %v %v", b, err)
			}
		})
	}
	parts, err := e.Split(ctx, 3, false)
	if err != nil || len(parts) != 3 {
		t.Fatalf("Split: %v %v", parts, err)
	}
	if diff := cmp.Diff([]int64{0, 0, 0}, counts(t, parts)); diff != "" {
		t.Error(diff)
	}
	if _, _, err := e.TrainTestSplit(ctx, 0.5, SplitOptions{Shuffle: true}); !errors.Is(err, ErrBadSplit) {
		t.Errorf("TrainTestSplit: %v", err)
	}
	if u, err := e.Unique(ctx, "id"); err != nil || len(u) != 0 {
		t.Errorf("Unique = %v, %v", u, err)
	}
	s := NewStandardScaler("id")
	if _, err := s.FitTransform(ctx, e); err != nil || !math.IsNaN(float64(s.Mean[0])) || !math.IsNaN(float64(s.Std[0])) {
		t.Errorf("scaler on nothing: %v mean %v std %v", err, s.Mean, s.Std)
	}
}
