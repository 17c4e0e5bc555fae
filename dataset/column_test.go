package dataset

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVectorColumn(t *testing.T) {
	v, err := NewVectorColumn(2, []float64{1, 2, 3, 4, 5, 6}, []bool{true, false, true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 3 || v.Dim() != 2 || v.Type().String() != "vector" || v.SizeBytes() != 6*8+3 {
		t.Fatalf("len %d dim %d size %d", v.Len(), v.Dim(), v.SizeBytes())
	}
	tests := []struct {
		name string
		col  *Column
		want []any
	}{
		{"values", v, []any{[]float64{1, 2}, nil, []float64{5, 6}}},
		{"slice", v.Slice(1, 3), []any{nil, []float64{5, 6}}},
		{"take", v.Take([]int{2, 2, 0}), []any{[]float64{5, 6}, []float64{5, 6}, []float64{1, 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]any, tc.col.Len())
			for i := range got {
				got[i] = tc.col.Value(i)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Error(d)
			}
		})
	}
	t.Run("concat", func(t *testing.T) {
		c, err := ConcatColumns(v.Slice(0, 0), v.Slice(2, 3), v.Slice(0, 1))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := NewVectorColumn(2, []float64{5, 6, 1, 2}, nil)
		if !c.Equal(want) {
			t.Errorf("got %v", c.Float64s())
		}
		w3, _ := NewVectorColumn(3, []float64{1, 2, 3}, nil)
		if _, err := ConcatColumns(v, w3); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad shape", func(t *testing.T) {
		if _, err := NewVectorColumn(4, []float64{1, 2, 3}, nil); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("in blocks", func(t *testing.T) {
		b, err := NewBlockFromColumns([]string{"v"}, []*Column{v})
		if err != nil {
			t.Fatal(err)
		}
		e := EmptyBlock(b.Schema())
		if _, err := Concat(e, b); err != nil {
			t.Fatal(err)
		}
		_, err = NewCSVWriter(t.TempDir(), WriteOptions{}).WriteBlock(context.Background(), 0, b)
		if !errors.Is(err, ErrTypeConflict) {
			t.Errorf("CSV write of a vector column: err = %v", err)
		}
	})
}

func TestAccessors(t *testing.T) {
	b := nullBlock(t)
	if b.NumColumns() != 4 || len(b.Columns()) != 4 || b.String() != "Block(5 rows, {f: float64?, i: int64?, s: string?, b: bool?})" {
		t.Errorf("%d %d %s", b.NumColumns(), len(b.Columns()), b)
	}
	s, err := b.Schema().Select("s", "f")
	if err != nil || s.String() != "{s: string?, f: float64?}" {
		t.Errorf("%v %v", s, err)
	}
	if _, err := b.Schema().Select("zz"); !errors.Is(err, ErrColumnNotFound) {
		t.Errorf("err = %v", err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"strings", b.Column(2).Strings()[:2], []string{"a", ""}},
		{"bools", b.Column(3).Bools()[:2], []bool{true, false}},
		{"float of int", must2(b.Column(1).Float64At(0)), 10.0},
		{"float of bool", must2(b.Column(3).Float64At(0)), 1.0},
		{"float of null", b.Column(1).IsNull(2), true},
		{"null count", b.Column(2).NullCount(), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.got); d != "" {
				t.Error(d)
			}
		})
	}
	if _, ok := b.Column(2).Float64At(0); ok {
		t.Error("a string converted to float")
	}
	if _, err := b.Column(2).AsFloat64(); !errors.Is(err, ErrTypeConflict) {
		t.Errorf("err = %v", err)
	}
	for _, typ := range []Type{Float64, Int64, String, Bool, Vector} {
		c := NewNullColumn(typ, 3)
		if c.Len() != 3 || c.NullCount() != 3 || c.check() != nil {
			t.Errorf("%s: null column %v", typ, c.check())
		}
	}
}

func must2(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}
