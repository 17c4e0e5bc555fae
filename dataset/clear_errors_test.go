package dataset

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCSVEmptyFileInDirectory: an empty file among CSV files holds no rows
// and does not make the others' columns look missing, wherever it sorts.
func TestCSVEmptyFileInDirectory(t *testing.T) {
	for _, empty := range []string{"0.csv", "2.csv"} {
		t.Run(empty, func(t *testing.T) {
			dir := t.TempDir()
			writeText(t, dir, "1.csv", "a,b\n1,x\n")
			writeText(t, dir, empty, "")
			writeText(t, dir, "3.csv", "a,b\n2,y\n")
			src := NewCSVDatasource([]string{dir}, CSVOptions{})
			got, err := readAllErr(src)
			if err != nil {
				t.Fatal(err)
			}
			want := []map[string]any{{"a": int64(1), "b": "x"}, {"a": int64(2), "b": "y"}}
			if d := cmp.Diff(want, rows(got)); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
		})
	}
}

// TestCSVBareCarriageReturn: a file whose lines end in "\r" alone is an
// error naming the file and the cause, not one long header.
func TestCSVBareCarriageReturn(t *testing.T) {
	for _, text := range []string{"a,b\r1,2\r3,4\r", "\"a\",\"b\"\r\"1\",\"2\"\r"} {
		p := writeText(t, t.TempDir(), "mac.csv", text)
		_, err := NewCSVDatasource([]string{p}, CSVOptions{}).Schema(context.Background())
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) || pe.File != p ||
			!strings.Contains(err.Error(), "carriage return") {
			t.Errorf("%q: err = %v, want a ParseError about the carriage return in %s", text, err, p)
		}
	}
	// CRLF, and a carriage return inside quotes, are fine.
	p := writeText(t, t.TempDir(), "ok.csv", "a,b\r\n1,\"x\ry\"\r\n")
	got, err := readAllErr(NewCSVDatasource([]string{p}, CSVOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]map[string]any{{"a": int64(1), "b": "x\ry"}}, rows(got)); d != "" {
		t.Error(d)
	}
}

// TestCSVSchemaNullableBeyondSample: a column whose first null comes after
// the inference sample is nullable in Schema, as in the blocks read.
func TestCSVSchemaNullableBeyondSample(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 50 {
		if i == 40 {
			b.WriteString(",x\n")
			continue
		}
		b.WriteString("1,x\n")
	}
	dir := t.TempDir()
	long := writeText(t, dir, "long.csv", b.String())
	short := writeText(t, dir, "short.csv", "a,b\n1,x\n2,y\n")
	for _, tc := range []struct {
		path string
		want string
	}{
		{long, "{a: int64?, b: string?}"}, // a later row may hold a null
		{short, "{a: int64, b: string}"},  // the sample is the whole file
	} {
		src := NewCSVDatasource([]string{tc.path}, CSVOptions{InferRows: 10})
		sc, err := src.Schema(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if sc.String() != tc.want {
			t.Errorf("%s: Schema = %s, want %s", filepath.Base(tc.path), sc, tc.want)
		}
		blk, err := readAllErr(src)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range blk.Schema().Fields {
			if blk.Column(i).HasNulls() && !sc.Fields[i].Nullable {
				t.Errorf("%s: column %s has nulls, Schema says %s", filepath.Base(tc.path), f.Name, sc.Fields[i])
			}
		}
	}
}

// TestRepartitionZeroIsInvalidArgument: Repartition(0) is an invalid
// argument, not a schema mismatch.
func TestRepartitionZeroIsInvalidArgument(t *testing.T) {
	for _, n := range []int{0, -1} {
		_, err := Range(nil, 10, Options{}).Repartition(n).Materialize(context.Background())
		if !errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("Repartition(%d): err = %v, want ErrInvalidArgument", n, err)
		}
	}
}

// TestParquetRowGroupGoneNamesIt: a row group planned but gone from the
// file when read is an error naming the row group wanted.
func TestParquetRowGroupGoneNamesIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b := Range(nil, 10, Options{})
	blk, err := b.TakeBatch(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	path, err := NewParquetWriter(dir, WriteOptions{RowGroupRows: 5}).WriteBlock(ctx, 0, blk)
	if err != nil {
		t.Fatal(err)
	}
	src := NewParquetDatasource([]string{path}, ParquetOptions{})
	tasks, err := src.ReadTasks(ctx, 1)
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks = %d, err = %v", len(tasks), err)
	}
	// The file is replaced by one with a single row group.
	other := filepath.Join(t.TempDir(), "one.parquet")
	if _, err := NewParquetWriter(filepath.Dir(other), WriteOptions{FilePrefix: "one"}).WriteBlock(ctx, 0, blk); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(other), "one00000.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, err := range tasks[1].Read(ctx) {
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "has 1 row groups, wanted row group 1") {
			t.Fatalf("err = %v, want ErrMalformed naming row group 1", err)
		}
		return
	}
	t.Fatal("the read yielded nothing")
}
