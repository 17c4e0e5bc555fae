package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func batchSizes(t *testing.T, d *Dataset, size int, o IterOptions) ([]int, []int64) {
	t.Helper()
	var sizes []int
	var all []int64
	for b, err := range d.Batches(context.Background(), size, o) {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, b.NumRows())
		all = append(all, b.Column(0).Int64s()...)
	}
	return sizes, all
}

func TestBatches(t *testing.T) {
	d := Range(sys(t), 23, Options{BlockRows: 5})
	for _, tc := range []struct {
		size  int
		o     IterOptions
		sizes []int
	}{
		{10, IterOptions{}, []int{10, 10, 3}},
		{10, IterOptions{DropLast: true}, []int{10, 10}},
		{0, IterOptions{}, []int{5, 5, 5, 5, 3}},
		{23, IterOptions{}, []int{23}},
		{50, IterOptions{}, []int{23}},
	} {
		t.Run(fmt.Sprint(tc.size, tc.o.DropLast), func(t *testing.T) {
			sizes, all := batchSizes(t, d, tc.size, tc.o)
			if diff := cmp.Diff(tc.sizes, sizes); diff != "" {
				t.Fatal(diff)
			}
			want := seq(0, 23)[:len(all)]
			if diff := cmp.Diff(want, all); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

func TestBatchesLocalShuffle(t *testing.T) {
	o := IterOptions{LocalShuffleBufferSize: 40, LocalShuffleSeed: 9}
	var first []int64
	for _, par := range []int{1, 2, 8} {
		d := Range(sysN(t, par), 1000, Options{BlockRows: 33, Parallelism: par})
		sizes, all := batchSizes(t, d, 16, o)
		for _, s := range sizes[:len(sizes)-1] {
			if s != 16 {
				t.Fatalf("batch sizes %v", sizes)
			}
		}
		sorted := slices.Clone(all)
		slices.Sort(sorted)
		if !slices.Equal(sorted, seq(0, 1000)) {
			t.Fatal("local shuffle lost or duplicated rows")
		}
		if slices.Equal(all, seq(0, 1000)) {
			t.Fatal("not shuffled")
		}
		if first == nil {
			first = all
		} else if !slices.Equal(first, all) {
			t.Fatal("local shuffle depends on parallelism")
		}
	}
	// Rows also shuffle locally.
	var rows []int64
	for r, err := range Range(sys(t), 100, Options{}).Rows(context.Background(), o) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r["id"].(int64))
	}
	if len(rows) != 100 || slices.Equal(rows, seq(0, 100)) {
		t.Fatalf("rows %v", rows)
	}
}

func TestRowsTakeShow(t *testing.T) {
	ctx := context.Background()
	d, err := FromColumns(sys(t), []string{"a", "b"}, []*Column{
		NewInt64Column([]int64{1, 2, 3}, nil),
		NewStringColumn([]string{"x", "", "z"}, []bool{true, false, true}),
	}, Options{BlockRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []Row
	for r, err := range d.Rows(ctx, IterOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []Row{{"a": int64(1), "b": "x"}, {"a": int64(2), "b": nil}, {"a": int64(3), "b": "z"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	b, err := d.TakeBatch(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if b.NumRows() != 2 || !b.Column(1).IsNull(1) {
		t.Fatalf("batch %v", b)
	}
	var buf bytes.Buffer
	if err := d.Show(ctx, &buf, 5); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("{a=1, b=x}\n{a=2, b=null}\n{a=3, b=z}\n", buf.String()); diff != "" {
		t.Fatal(diff)
	}
	empty, err := d.Filter(func(Row) (bool, error) { return false, nil }).TakeBatch(ctx, 5)
	if err != nil || empty.NumRows() != 0 || empty.NumColumns() != 2 {
		t.Fatalf("empty batch %v %v", empty, err)
	}
}

func TestMaterializeAndStats(t *testing.T) {
	ctx := context.Background()
	calls := 0
	d := Range(sys(t), 100, Options{BlockRows: 10, Parallelism: 1}).Map(func(r Row) (Row, error) {
		calls++
		return r, nil
	})
	m, err := d.Materialize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.NumBlocks() != 10 || d.NumBlocks() != -1 {
		t.Fatalf("blocks %d %d", m.NumBlocks(), d.NumBlocks())
	}
	for range 2 {
		if n, err := m.Count(ctx); err != nil || n != 100 {
			t.Fatal(n, err)
		}
		ids(t, m)
	}
	if calls != 100 {
		t.Fatalf("the plan ran again: %d calls", calls)
	}
	st := d.Stats()
	if st == nil || len(st.Ops) != 2 || st.Ops[0].Name != "Range" || st.Ops[1].Name != "Map" ||
		st.Ops[1].Rows != 100 || st.Ops[1].Blocks != 10 || st.Ops[1].Bytes != 800 || st.PeakBytes <= 0 {
		t.Fatalf("stats:\n%v", st)
	}
	if s := st.String(); !strings.Contains(s, "Map") || !strings.Contains(s, "peak in flight") {
		t.Fatal(s)
	}
	if diff := cmp.Diff("  Range\nMap\n", d.Explain()); diff != "" {
		t.Fatal(diff)
	}
	// Map's schema is found by running to the first block.
	s, err := d.Schema(ctx)
	if err != nil || s.String() != "{id: int64}" {
		t.Fatalf("schema %v %v", s, err)
	}
}

// failingWriter fails on block 3 after writing through a real writer.
type failingWriter struct{ BlockWriter }

func (w failingWriter) WriteBlock(ctx context.Context, i int, b *Block) (string, error) {
	if i == 3 {
		return "", errors.New("disk full")
	}
	return w.BlockWriter.WriteBlock(ctx, i, b)
}

func TestWriteIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := Range(sys(t), 50, Options{BlockRows: 10})
	paths, err := d.Write(ctx, NewCSVWriter(filepath.Join(dir, "ok"), WriteOptions{}))
	if err != nil || len(paths) != 5 {
		t.Fatal(paths, err)
	}
	back, err := ReadCSV(ctx, sys(t), []string{filepath.Join(dir, "ok")}, CSVOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seq(0, 50), ids(t, back)); diff != "" {
		t.Fatal(diff)
	}
	_, err = d.Write(ctx, failingWriter{NewCSVWriter(filepath.Join(dir, "bad"), WriteOptions{})})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(filepath.Join(dir, "bad"))
	if len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestParquetPushdownAndCount(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := Range(sys(t), 1000, Options{BlockRows: 100}).
		AddColumn("sq", func(ctx context.Context, b *Block) (*Column, error) {
			out := make([]float64, b.NumRows())
			for i, v := range b.Column(0).Int64s() {
				out[i] = float64(v * v)
			}
			return NewFloat64Column(out, nil), nil
		})
	if _, err := src.WriteParquet(ctx, filepath.Join(dir, "year=2023"), WriteOptions{RowGroupRows: 128}); err != nil {
		t.Fatal(err)
	}
	d, err := ReadParquet(ctx, sys(t), []string{dir}, ParquetOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dropped := d.DropColumns("sq", "year")
	n, err := dropped.Count(ctx)
	if err != nil || n != 1000 {
		t.Fatal(n, err)
	}
	if dropped.Stats() != nil {
		t.Fatal("Count read the data instead of the footers")
	}
	if diff := cmp.Diff(seq(0, 1000), ids(t, dropped)); diff != "" {
		t.Fatal(diff)
	}
	st := dropped.Stats()
	if len(st.Ops) != 1 || !strings.Contains(st.Ops[0].Name, "DropColumns") || st.Ops[0].Bytes != 8000 {
		t.Fatalf("projection not pushed into the read:\n%v", st)
	}
	_, err = d.SelectColumns("id", "nope").Take(ctx, 1)
	var me *MissingColumnError
	if !errors.As(err, &me) || !slices.Contains(me.Available, "year") {
		t.Fatalf("err = %v", err)
	}
}
