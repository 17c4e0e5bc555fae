package dataset

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testBlock(t *testing.T) *Block {
	t.Helper()
	b, err := NewBlockFromColumns(
		[]string{"f", "i", "s", "b"},
		[]*Column{
			NewFloat64Column([]float64{1.5, 2.5, 3.5, 4.5}, nil),
			NewInt64Column([]int64{10, 20, 30, 40}, []bool{true, false, true, true}),
			NewStringColumn([]string{"a", "b", "c", "d"}, nil),
			NewBoolColumn([]bool{true, false, true, false}, nil),
		})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rows(b *Block) []map[string]any {
	out := make([]map[string]any, b.NumRows())
	for i := range out {
		out[i] = b.Row(i)
	}
	return out
}

func TestBlockOps(t *testing.T) {
	b := testBlock(t)
	if got := b.Schema().String(); got != "{f: float64, i: int64?, s: string, b: bool}" {
		t.Errorf("schema %s", got)
	}
	tests := []struct {
		name string
		got  *Block
		want []map[string]any
	}{
		{"slice", b.Slice(1, 3), []map[string]any{
			{"f": 2.5, "i": nil, "s": "b", "b": false},
			{"f": 3.5, "i": int64(30), "s": "c", "b": true}}},
		{"take", b.Take([]int{3, 0, 3}), []map[string]any{
			{"f": 4.5, "i": int64(40), "s": "d", "b": false},
			{"f": 1.5, "i": int64(10), "s": "a", "b": true},
			{"f": 4.5, "i": int64(40), "s": "d", "b": false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, rows(tc.got)); d != "" {
				t.Error(d)
			}
		})
	}
	t.Run("slice of non-null part drops validity", func(t *testing.T) {
		if b.Slice(2, 4).Column(1).HasNulls() {
			t.Error("validity kept")
		}
	})
	t.Run("select drop rename", func(t *testing.T) {
		s, err := b.Select("s", "f")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"s", "f"}, s.Schema().Names()); d != "" {
			t.Error(d)
		}
		d, err := b.Drop("i", "b")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"f", "s"}, d.Schema().Names()); diff != "" {
			t.Error(diff)
		}
		r, err := b.Rename(map[string]string{"f": "g"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"g", "i", "s", "b"}, r.Schema().Names()); diff != "" {
			t.Error(diff)
		}
		if _, err := b.Rename(map[string]string{"f": "s"}); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("duplicate rename: %v", err)
		}
	})
	t.Run("missing column lists available", func(t *testing.T) {
		for _, f := range []func() error{
			func() error { _, err := b.Select("nope"); return err },
			func() error { _, err := b.Drop("nope"); return err },
			func() error { _, err := b.ColumnByName("nope"); return err },
		} {
			err := f()
			var me *MissingColumnError
			if !errors.As(err, &me) || !errors.Is(err, ErrColumnNotFound) {
				t.Fatalf("got %v", err)
			}
			if !strings.Contains(err.Error(), "[f, i, s, b]") {
				t.Errorf("message %q lacks the available columns", err)
			}
		}
	})
	t.Run("concat", func(t *testing.T) {
		c, err := Concat(b.Slice(0, 1), b.Slice(2, 4), b.Slice(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		want := b.Take([]int{0, 2, 3, 1})
		if !c.Equal(want) {
			t.Errorf("concat %v != %v", rows(c), rows(want))
		}
		if !c.Schema().Fields[1].Nullable {
			t.Error("nullability lost")
		}
		other, _ := b.Select("f")
		if _, err := Concat(b, other); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("mismatch: %v", err)
		}
	})
	t.Run("with column", func(t *testing.T) {
		w, err := b.WithColumn("f", NewInt64Column([]int64{1, 2, 3, 4}, nil))
		if err != nil {
			t.Fatal(err)
		}
		if w.Schema().Fields[0].Type != Int64 || b.Schema().Fields[0].Type != Float64 {
			t.Error("replace changed the original or failed")
		}
		if _, err := b.WithColumn("x", NewInt64Column([]int64{1}, nil)); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("short column: %v", err)
		}
	})
	t.Run("size", func(t *testing.T) {
		// 4*8 + (4*8+4) + (4*16+4) + 4
		if got := b.SizeBytes(); got != 32+36+68+4 {
			t.Errorf("size %d", got)
		}
	})
}

func TestNewBlockChecks(t *testing.T) {
	f := NewFloat64Column([]float64{1, 2}, nil)
	tests := []struct {
		name   string
		schema Schema
		cols   []*Column
	}{
		{"count", NewSchema(Field{Name: "a", Type: Float64}), []*Column{f, f}},
		{"type", NewSchema(Field{Name: "a", Type: Int64}), []*Column{f}},
		{"dup", NewSchema(Field{Name: "a", Type: Float64}, Field{Name: "a", Type: Float64}), []*Column{f, f}},
		{"length", NewSchema(Field{Name: "a", Type: Float64}, Field{Name: "b", Type: Float64}), []*Column{f, NewFloat64Column([]float64{1}, nil)}},
		{"nulls", NewSchema(Field{Name: "a", Type: Float64}), []*Column{NewFloat64Column([]float64{1, 2}, []bool{true, false})}},
		{"validity length", NewSchema(Field{Name: "a", Type: Float64, Nullable: true}), []*Column{NewFloat64Column([]float64{1, 2}, []bool{true})}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewBlock(tc.schema, tc.cols); !errors.Is(err, ErrSchemaMismatch) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestNewColumnFromValues(t *testing.T) {
	tests := []struct {
		in   []any
		typ  Type
		want []any
		err  error
	}{
		{[]any{1, 2.5, nil}, Float64, []any{1.0, 2.5, nil}, nil},
		{[]any{int64(1), int32(2)}, Int64, []any{int64(1), int64(2)}, nil},
		{[]any{"x", nil}, String, []any{"x", nil}, nil},
		{[]any{true}, Bool, []any{true}, nil},
		{[]any{nil, nil}, Float64, []any{nil, nil}, nil},
		{[]any{"x", 1}, Invalid, nil, ErrTypeConflict},
		{[]any{struct{}{}}, Invalid, nil, ErrTypeConflict},
	}
	for _, tc := range tests {
		c, err := NewColumnFromValues(tc.in)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%v: err %v", tc.in, err)
			}
			continue
		}
		if err != nil || c.Type() != tc.typ {
			t.Fatalf("%v: %v %v", tc.in, c, err)
		}
		got := make([]any, c.Len())
		for i := range got {
			got[i] = c.Value(i)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%v: %s", tc.in, d)
		}
	}
}
