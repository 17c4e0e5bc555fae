package dataset

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeText(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCSVRead(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name       string
		text       string
		opts       CSVOptions
		wantSchema string
		want       []map[string]any
	}{
		{
			name:       "inferred types",
			text:       "i,f,b,s\n1,1.5,true,x\n-2,2,FALSE,3\n+3,1e3,True,\n",
			wantSchema: "{i: int64, f: float64, b: bool, s: string?}",
			want: []map[string]any{
				{"i": int64(1), "f": 1.5, "b": true, "s": "x"},
				{"i": int64(-2), "f": 2.0, "b": false, "s": "3"},
				{"i": int64(3), "f": 1000.0, "b": true, "s": nil},
			},
		},
		{
			name:       "nulls, NaN and all-null column",
			text:       "a,b,c\n1,NaN,\n,2,\n3,-Inf,\n",
			wantSchema: "{a: int64?, b: float64, c: string?}",
			want: []map[string]any{
				{"a": int64(1), "b": nan, "c": nil},
				{"a": nil, "b": 2.0, "c": nil},
				{"a": int64(3), "b": math.Inf(-1), "c": nil},
			},
		},
		{
			name:       "quoting",
			text:       "s,t\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\nplain,x\"y\n",
			wantSchema: "{s: string, t: string}",
			want: []map[string]any{
				{"s": "a,b", "t": `say "hi"`},
				{"s": "two\nlines", "t": ""},
				{"s": "plain", "t": `x"y`},
			},
		},
		{
			name:       "CRLF, byte order mark, blank lines, trailing delimiter",
			text:       "\uFEFFa,b\r\n1,\r\n\r\n2,5\r\n\n",
			wantSchema: "{a: int64, b: int64?}",
			want: []map[string]any{
				{"a": int64(1), "b": nil},
				{"a": int64(2), "b": int64(5)},
			},
		},
		{
			name:       "no header, tab delimiter, extra null values",
			text:       "1\tNA\n2\tx\n",
			opts:       CSVOptions{NoHeader: true, Delimiter: '\t', NullValues: []string{"NA"}},
			wantSchema: "{column_1: int64, column_2: string?}",
			want: []map[string]any{
				{"column_1": int64(1), "column_2": nil},
				{"column_1": int64(2), "column_2": "x"},
			},
		},
		{
			name:       "column types override inference",
			text:       "zip,n\n01234,1\n99999,2\n",
			opts:       CSVOptions{ColumnTypes: map[string]Type{"zip": String, "n": Float64}},
			wantSchema: "{zip: string, n: float64}",
			want: []map[string]any{
				{"zip": "01234", "n": 1.0},
				{"zip": "99999", "n": 2.0},
			},
		},
		{
			name:       "projection reorders",
			text:       "a,b,c\n1,2,3\n",
			opts:       CSVOptions{ReadOptions: ReadOptions{Columns: []string{"c", "a"}}},
			wantSchema: "{c: int64, a: int64}",
			want:       []map[string]any{{"c": int64(3), "a": int64(1)}},
		},
		{
			name:       "int overflow is a float",
			text:       "x\n1\n99999999999999999999\n",
			wantSchema: "{x: float64}",
			want:       []map[string]any{{"x": 1.0}, {"x": 1e20}},
		},
		{
			name:       "header only",
			text:       "a,b\n",
			wantSchema: "{a: string, b: string}",
			want:       []map[string]any{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeText(t, t.TempDir(), "in.csv", tc.text)
			src := NewCSVDatasource([]string{p}, tc.opts)
			s, err := src.Schema(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != tc.wantSchema {
				t.Errorf("schema %s, want %s", s, tc.wantSchema)
			}
			got := rows(readAll(t, src))
			if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b float64) bool {
				return a == b || (math.IsNaN(a) && math.IsNaN(b))
			})); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestCSVBlocksAndFiles(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("id,v\n")
	for i := range 10 {
		sb.WriteString(strings.Repeat("x", 0))
		sb.WriteString(string(rune('0'+i)) + "," + string(rune('0'+i)) + ".5\n")
	}
	writeText(t, dir, "k=b/two.csv", sb.String())
	writeText(t, dir, "k=a/one.csv", "id,v\n7,1\n")
	writeText(t, dir, "k=a/skip.txt", "junk")
	src := NewCSVDatasource([]string{dir}, CSVOptions{ReadOptions: ReadOptions{BlockRows: 4}})
	tasks, err := src.ReadTasks(context.Background(), 8)
	if err != nil {
		t.Fatal(err)
	}
	var names, sizes []string
	for _, task := range tasks {
		names = append(names, filepath.Base(task.Name))
		for b, err := range task.Read(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, string(rune('0'+b.NumRows())))
		}
	}
	if d := cmp.Diff([]string{"one.csv", "two.csv"}, names); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"1", "4", "4", "2"}, sizes); d != "" {
		t.Error("block sizes", d)
	}
	got := readAll(t, src)
	// "1" in one.csv is an int, "0.5" in two.csv a float: widened.
	if s := got.Schema().String(); s != "{id: int64, v: float64, k: string}" {
		t.Errorf("schema %s", s)
	}
	if got.NumRows() != 11 || got.Row(0)["k"] != "a" || got.Row(1)["k"] != "b" || got.Row(0)["v"] != 1.0 {
		t.Errorf("rows %v", rows(got))
	}
}

func TestCSVErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		files    map[string]string
		opts     CSVOptions
		atSchema bool // the error comes from planning, not reading
		want     error
		check    func(t *testing.T, err error, dir string)
	}{
		{
			name:  "value that does not fit names file, line and column",
			files: map[string]string{"a.csv": "x,y\n1,2\n3,oops\n"},
			opts:  CSVOptions{InferRows: 1},
			want:  ErrMalformed,
			check: func(t *testing.T, err error, dir string) {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("not a ParseError: %v", err)
				}
				if !strings.Contains(err.Error(), `a.csv line 3 field 2 (column "y"): "oops" is not an int64`) {
					t.Errorf("message %q", err)
				}
				want := ParseError{File: filepath.Join(dir, "a.csv"), Line: 3, Field: 2, Column: "y"}
				pe.Err = nil
				if d := cmp.Diff(want, *pe); d != "" {
					t.Error(d)
				}
			},
		},
		{
			name:     "too few fields",
			files:    map[string]string{"a.csv": "x,y\n1,2\n\"multi\nline\",3\n4\n"},
			atSchema: true,
			want:     ErrMalformed,
			check: func(t *testing.T, err error, dir string) {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line != 5 || pe.File != filepath.Join(dir, "a.csv") {
					t.Fatalf("err = %v", err)
				}
			},
		},
		{
			name:     "unterminated quote",
			files:    map[string]string{"a.csv": "x,y\n1,\"open\n2,3\n"},
			atSchema: true,
			want:     ErrMalformed,
			check: func(t *testing.T, err error, dir string) {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line != 2 || pe.Field != 2 {
					t.Fatalf("err = %v", err)
				}
			},
		},
		{
			name:     "text after closing quote",
			files:    map[string]string{"a.csv": "x,y\n\"a\"b,1\n"},
			atSchema: true,
			want:     ErrMalformed,
		},
		{
			name:     "duplicate header",
			files:    map[string]string{"a.csv": "x,x\n1,2\n"},
			atSchema: true,
			want:     ErrMalformed,
		},
		{
			name:     "type conflict names both files",
			files:    map[string]string{"a.csv": "x,y\n1,2\n", "b.csv": "x,y\n1,two\n"},
			atSchema: true,
			want:     ErrTypeConflict,
			check: func(t *testing.T, err error, dir string) {
				var tc *TypeConflictError
				if !errors.As(err, &tc) {
					t.Fatalf("err = %v", err)
				}
				want := TypeConflictError{Column: "y", First: filepath.Join(dir, "a.csv"), FirstType: Int64,
					Second: filepath.Join(dir, "b.csv"), SecondType: String}
				if d := cmp.Diff(want, *tc); d != "" {
					t.Error(d)
				}
			},
		},
		{
			name:     "different headers",
			files:    map[string]string{"a.csv": "x,y\n1,2\n", "b.csv": "x,z\n1,2\n"},
			atSchema: true,
			want:     ErrSchemaMismatch,
		},
		{
			name:     "missing column lists available ones",
			files:    map[string]string{"a.csv": "x,y\n1,2\n"},
			opts:     CSVOptions{ReadOptions: ReadOptions{Columns: []string{"z"}}},
			atSchema: true,
			want:     ErrColumnNotFound,
			check: func(t *testing.T, err error, dir string) {
				var mc *MissingColumnError
				if !errors.As(err, &mc) || !cmp.Equal(mc.Available, []string{"x", "y"}) {
					t.Fatalf("err = %v", err)
				}
				if !strings.Contains(err.Error(), "available columns: [x, y]") {
					t.Errorf("message %q", err)
				}
			},
		},
		{
			name:     "unknown column in ColumnTypes",
			files:    map[string]string{"a.csv": "x\n1\n"},
			opts:     CSVOptions{ColumnTypes: map[string]Type{"q": Int64}},
			atSchema: true,
			want:     ErrColumnNotFound,
		},
		{
			name:     "no csv files",
			files:    map[string]string{"a.txt": "x\n1\n"},
			atSchema: true,
			want:     ErrNoFiles,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, text := range tc.files {
				writeText(t, dir, n, text)
			}
			src := NewCSVDatasource([]string{dir}, tc.opts)
			_, err := src.Schema(ctx)
			if tc.atSchema {
				if err == nil {
					t.Fatal("Schema succeeded")
				}
			} else {
				if err != nil {
					t.Fatalf("Schema: %v", err)
				}
				_, err = readAllErr(src)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.check != nil {
				tc.check(t, err, dir)
			}
		})
	}
}

func TestCSVHousing(t *testing.T) {
	src := NewCSVDatasource([]string{housingCSV}, CSVOptions{})
	b := readAll(t, src)
	if b.NumRows() != 10000 {
		t.Errorf("%d rows", b.NumRows())
	}
	want := "{PRICE: int64, YEAR_BUILT: int64, SQUARE_FEET: float64, NUM_BEDROOMS: int64, NUM_BATHROOMS: float64, " +
		"LOT_ACRES: float64, GARAGE_SPACES: int64, FRONT_PORCH: int64, DECK: int64}"
	if s := b.Schema().String(); s != want {
		t.Errorf("schema %s", s)
	}
	if r := b.Row(0); r["PRICE"] != int64(490098) || r["SQUARE_FEET"] != 3063.6599637506733 {
		t.Errorf("row 0 %v", r)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	b := nullBlock(t)
	dir := t.TempDir()
	for _, opts := range []WriteOptions{{}, {Delimiter: ';', FilePrefix: "semi-"}} {
		p, err := NewCSVWriter(dir, opts).WriteBlock(context.Background(), 3, b)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, NewCSVDatasource([]string{p}, CSVOptions{Delimiter: opts.Delimiter}))
		if !got.Equal(b) {
			t.Errorf("%+v: got %v want %v", opts, rows(got), rows(b))
		}
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	if d := cmp.Diff([]string{"part-00003.csv", "semi-00003.csv"}, names); d != "" {
		t.Error(d)
	}
}

// FuzzCSVReader feeds arbitrary bytes to the reader: it must never panic,
// and every failure is a *ParseError on a line of the input.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a\n\"x\ny\"\n", "a,b\n1\n", "\"", "a,b\n\"a\"b,1\n", "\uFEFFa\r\n1\r\n",
		"x,y\n1,2.5\ntrue,\n", "a,a\n", ",\n,\n", "a\n\"\"\"\"\n",
	} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, text string, inferRows uint8) {
		dir := t.TempDir()
		p := writeText(t, dir, "f.csv", text)
		src := NewCSVDatasource([]string{p}, CSVOptions{InferRows: int(inferRows%4) + 1, ReadOptions: ReadOptions{BlockRows: 3}})
		b, err := readAllErr(src)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				if pe.File != p || pe.Line < 1 || pe.Line > strings.Count(text, "\n")+1 {
					t.Fatalf("bad location %+v for %q", pe, text)
				}
				return
			}
			if !errors.Is(err, ErrSchemaMismatch) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if n := strings.Count(text, "\n") + 1; b.NumRows() > n {
			t.Fatalf("%d rows from %d lines", b.NumRows(), n)
		}
	})
}

// FuzzCSVRoundTrip writes arbitrary strings with the CSV writer and reads
// them back unchanged.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("plain", "a,b", true)
	f.Add("", "\"", false)
	f.Add("line\nbreak", "\r\n", true)
	f.Add(" spaced ", "ü", false)
	f.Fuzz(func(t *testing.T, s1, s2 string, null bool) {
		valid := []bool{true, !null}
		b, err := NewBlockFromColumns([]string{"s", "t"}, []*Column{
			NewStringColumn([]string{s1, s2}, nil),
			NewStringColumn([]string{s2, s1}, valid),
		})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		p, err := NewCSVWriter(dir, WriteOptions{}).WriteBlock(context.Background(), 0, b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAllErr(NewCSVDatasource([]string{p}, CSVOptions{ColumnTypes: map[string]Type{"s": String, "t": String}}))
		if err != nil {
			t.Fatalf("%q %q: %v", s1, s2, err)
		}
		if !got.Equal(b) {
			t.Fatalf("got %q want %q", rows(got), rows(b))
		}
	})
}

// TestPlanAfterCancel: a planning call cancelled by its caller does not
// leave the source broken for the next caller.
func TestPlanAfterCancel(t *testing.T) {
	p := writeText(t, t.TempDir(), "a.csv", "x\n1\n")
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, src := range []Datasource{NewCSVDatasource([]string{p}, CSVOptions{})} {
		if _, err := src.Schema(cctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if _, err := src.Schema(context.Background()); err != nil {
			t.Fatalf("after cancel: %v", err)
		}
	}
}

// TestCSVLargeBlockRoundTrip covers the writer's parallel chunked path
// (blocks beyond one 8192-row chunk) with every type and nulls.
func TestCSVLargeBlockRoundTrip(t *testing.T) {
	const n = 50_000
	f := make([]float64, n)
	i := make([]int64, n)
	s := make([]string, n)
	bl := make([]bool, n)
	valid := make([]bool, n)
	for k := range f {
		f[k] = float64(k)/3 - 7e-7*float64(k)
		i[k] = int64(k) * -7919
		s[k] = strings.Repeat("x,\"", k%3) + string(rune('a'+k%26))
		bl[k] = k%3 == 0
		valid[k] = k%11 != 0
	}
	b, err := NewBlockFromColumns([]string{"f", "i", "s", "b"}, []*Column{
		NewFloat64Column(f, valid), NewInt64Column(i, nil), NewStringColumn(s, valid), NewBoolColumn(bl, nil)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewCSVWriter(t.TempDir(), WriteOptions{}).WriteBlock(context.Background(), 0, b)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, NewCSVDatasource([]string{p}, CSVOptions{}))
	if !got.Equal(b) {
		for r := 0; r < n; r++ {
			if d := cmp.Diff(b.Row(r), got.Row(r)); d != "" {
				t.Fatalf("row %d: %s", r, d)
			}
		}
		t.Fatal("blocks differ")
	}
}
