package dataset

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/actor"
)

// sysN returns an actor system with n CPU slots, shut down with the test.
func sysN(t testing.TB, n int) *System {
	t.Helper()
	s, err := actor.NewSystem(actor.Config{CPUs: float64(n)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return s
}

// sys returns a two-CPU actor system for the test.
func sys(t testing.TB) *System { return sysN(t, 2) }

// ids returns the "id" column of every row of d, in order.
func ids(t *testing.T, d *Dataset) []int64 {
	t.Helper()
	var out []int64
	for b, err := range d.Blocks(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		c, err := b.ColumnByName("id")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.Int64s()...)
	}
	return out
}

func seq(lo, hi int64) []int64 {
	var out []int64
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

func TestRangeStreamsInOrder(t *testing.T) {
	for _, par := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(par), func(t *testing.T) {
			d := Range(sysN(t, par), 1000, Options{Parallelism: par, BlockRows: 7})
			if diff := cmp.Diff(seq(0, 1000), ids(t, d)); diff != "" {
				t.Fatal(diff)
			}
			st := d.Stats()
			if st == nil || st.Ops[0].Rows != 1000 || st.Ops[0].Blocks != 143 {
				t.Fatalf("stats %v", st)
			}
		})
	}
}

func TestTransformsChain(t *testing.T) {
	ctx := context.Background()
	d := Range(sys(t), 100, Options{Parallelism: 4, BlockRows: 10}).
		Filter(func(r Row) (bool, error) { return r["id"].(int64)%2 == 0, nil }).
		Map(func(r Row) (Row, error) { return Row{"id": r["id"], "sq": r["id"].(int64) * r["id"].(int64)}, nil }).
		AddColumn("half", func(ctx context.Context, b *Block) (*Column, error) {
			c, _ := b.ColumnByName("id")
			out := make([]float64, c.Len())
			for i, v := range c.Int64s() {
				out[i] = float64(v) / 2
			}
			return NewFloat64Column(out, nil), nil
		}).
		RenameColumns(map[string]string{"sq": "square"}).
		SelectColumns("half", "square", "id").
		Limit(3)
	rows, err := d.Take(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{"half": 0.0, "square": int64(0), "id": int64(0)},
		{"half": 1.0, "square": int64(4), "id": int64(2)},
		{"half": 2.0, "square": int64(16), "id": int64(4)},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Fatal(diff)
	}
	cols, err := d.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"half", "square", "id"}, cols); diff != "" {
		t.Fatal(diff)
	}
}

func TestMissingColumnError(t *testing.T) {
	ctx := context.Background()
	d := Range(sys(t), 10, Options{}).DropColumns("nope")
	_, err := d.Take(ctx, 1)
	var me *MissingColumnError
	if !errors.As(err, &me) || !errors.Is(err, ErrColumnNotFound) || me.Column != "nope" {
		t.Fatalf("err = %v", err)
	}
	if diff := cmp.Diff([]string{"id"}, me.Available); diff != "" {
		t.Fatal(diff)
	}
}

func TestPanicInUDFIsAnError(t *testing.T) {
	d := Range(sys(t), 10, Options{BlockRows: 3}).Map(func(r Row) (Row, error) {
		if r["id"].(int64) == 5 {
			panic("boom")
		}
		return r, nil
	})
	_, err := d.Take(context.Background(), 10)
	var pe *actor.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" || pe.Op != "dataset: Map" || len(pe.Stack) == 0 {
		t.Fatalf("err = %v", err)
	}
}
