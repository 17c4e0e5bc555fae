package dataset

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestCSVWriterFormat(t *testing.T) {
	b := nullBlock(t)
	tests := []struct {
		name string
		opts WriteOptions
		want string
	}{
		{"default", WriteOptions{},
			"f,i,s,b\n1.5,10,a,true\n,20,\"\",false\nNaN,,\"c,\"\"q\"\"\n\",true\n-4.25e-09,-9223372036854775808,,false\n1e+300,9223372036854775807,é,\n"},
		{"semicolon, no header", WriteOptions{Delimiter: ';', NoHeader: true},
			"1.5;10;a;true\n;20;\"\";false\nNaN;;\"c,\"\"q\"\"\n\";true\n-4.25e-09;-9223372036854775808;;false\n1e+300;9223372036854775807;é;\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p, err := NewCSVWriter(dir, tc.opts).WriteBlock(context.Background(), 0, b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, string(got)); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestWritersAtomicAndAbort(t *testing.T) {
	ctx := context.Background()
	b := testBlock(t)
	for _, mk := range []struct {
		name string
		new  func(dir string) BlockWriter
		ext  string
	}{
		{"csv", func(dir string) BlockWriter { return NewCSVWriter(dir, WriteOptions{}) }, ".csv"},
		{"parquet", func(dir string) BlockWriter { return NewParquetWriter(dir, WriteOptions{}) }, ".parquet"},
	} {
		t.Run(mk.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "nested")
			w := mk.new(dir)
			for i := range 3 {
				if _, err := w.WriteBlock(ctx, i, b.Slice(i, i+1)); err != nil {
					t.Fatal(err)
				}
			}
			want := []string{"part-00000" + mk.ext, "part-00001" + mk.ext, "part-00002" + mk.ext}
			if d := cmp.Diff(want, listDir(t, dir)); d != "" {
				t.Error("no temporary files may remain:", d)
			}
			// A cancelled write publishes nothing.
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := w.WriteBlock(cctx, 3, b); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v", err)
			}
			if d := cmp.Diff(want, listDir(t, dir)); d != "" {
				t.Error(d)
			}
			if err := w.Abort(ctx); err != nil {
				t.Fatal(err)
			}
			if got := listDir(t, dir); len(got) != 0 {
				t.Errorf("after Abort: %v", got)
			}
		})
	}
}

// diskFullFS fails every write after the first few bytes.
type diskFullFS struct{ LocalFS }

type diskFullWriter struct {
	FileWriter
	n int
}

var errDiskFull = errors.New("disk full")

func (w *diskFullWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > 10 {
		return 0, errDiskFull
	}
	return w.FileWriter.Write(p)
}

func (f diskFullFS) Create(ctx context.Context, p string) (FileWriter, error) {
	w, err := f.LocalFS.Create(ctx, p)
	if err != nil {
		return nil, err
	}
	return &diskFullWriter{FileWriter: w}, nil
}

func TestWriterFailureLeavesNothing(t *testing.T) {
	reg := NewFSRegistry()
	reg.Register("", diskFullFS{})
	dir := t.TempDir()
	_, err := NewCSVWriter(dir, WriteOptions{FS: reg}).WriteBlock(context.Background(), 0, nullBlock(t))
	if !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "part-00000.csv") {
		t.Fatalf("err = %v", err)
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

// TestCSVWholeFloats: whole-number floats are written with ".0" and read
// back as float64, not int64.
func TestCSVWholeFloats(t *testing.T) {
	b, err := NewBlockFromColumns([]string{"f"}, []*Column{NewFloat64Column([]float64{1, -2, 0, 3e20, 1e15}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewCSVWriter(t.TempDir(), WriteOptions{}).WriteBlock(context.Background(), 0, b)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(p)
	if want := "f\n1.0\n-2.0\n0.0\n3e+20\n1000000000000000.0\n"; string(text) != want {
		t.Errorf("got %q, want %q", text, want)
	}
	got := readAll(t, NewCSVDatasource([]string{p}, CSVOptions{}))
	if !got.Equal(b) {
		t.Errorf("got %v", rows(got))
	}
}
