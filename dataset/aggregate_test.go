package dataset

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAggregates(t *testing.T) {
	ctx := context.Background()
	vals := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	var items []Row
	for i, v := range vals {
		items = append(items, Row{"x": v, "i": int64(i), "s": fmt.Sprint("k", i%3)})
	}
	items = append(items, Row{"x": nil, "i": int64(8), "s": "k2"})
	var want Row
	for _, o := range layouts {
		t.Run(fmt.Sprintf("par%d_rows%d", o.Parallelism, o.BlockRows%10), func(t *testing.T) {
			o.BlockRows = o.BlockRows%4 + 1
			d, err := FromItems(sysN(t, o.Parallelism), items, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Aggregate(ctx, Count(), Sum("x"), Mean("x"), Std("x", 0), Std("x", 1), Min("x"), Max("x"), Sum("i"), Max("i"))
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = Row{"count()": int64(9), "sum(x)": 40.0, "mean(x)": 5.0, "std(x)": math.Sqrt(32.0 / 7),
					"min(x)": 2.0, "max(x)": 9.0, "sum(i)": int64(36), "max(i)": int64(8)}
				// Std(x, 0) and Std(x, 1) share a name; the last one wins.
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Fatal(diff)
			}
			std0, err := d.Std(ctx, "x", 0)
			if err != nil || math.Abs(std0-2) > 1e-12 {
				t.Fatalf("population std %v %v", std0, err)
			}
			for _, tc := range []struct {
				fn   func(context.Context, string) (float64, error)
				want float64
			}{{d.Sum, 40}, {d.Mean, 5}, {d.Min, 2}, {d.Max, 9}} {
				if v, err := tc.fn(ctx, "x"); err != nil || v != tc.want {
					t.Fatalf("got %v %v, want %v", v, err, tc.want)
				}
			}
			n, err := d.Count(ctx)
			if err != nil || n != 9 {
				t.Fatalf("count %d %v", n, err)
			}
			u, err := d.Unique(ctx, "s")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]any{"k0", "k1", "k2"}, u); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

func TestAggregateErrors(t *testing.T) {
	ctx := context.Background()
	d, err := FromItems(sys(t), []Row{{"s": "a"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Mean(ctx, "s"); err == nil {
		t.Fatal("mean of strings")
	}
	if _, err := d.Mean(ctx, "nope"); err == nil {
		t.Fatal("mean of a missing column")
	}
	empty := Range(sys(t), 0, Options{})
	m, err := empty.Mean(ctx, "id")
	if err != nil || !math.IsNaN(m) {
		t.Fatalf("mean of nothing: %v %v", m, err)
	}
}

func TestGroupByAggregate(t *testing.T) {
	ctx := context.Background()
	items := []Row{
		{"k": "b", "v": 1.0}, {"k": "a", "v": 2.0}, {"k": "b", "v": 3.0},
		{"k": "a", "v": 4.0}, {"k": "c", "v": nil}, {"k": "b", "v": 5.0},
	}
	for _, o := range layouts {
		o.BlockRows = o.BlockRows%3 + 1
		d, err := FromItems(sysN(t, o.Parallelism), items, o)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := d.GroupBy("k").Aggregate(Count(), Sum("v"), Mean("v"), Std("v", 0), Min("v"), Max("v")).Take(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []Row{
			{"k": "a", "count()": int64(2), "sum(v)": 6.0, "mean(v)": 3.0, "std(v)": 1.0, "min(v)": 2.0, "max(v)": 4.0},
			{"k": "b", "count()": int64(3), "sum(v)": 9.0, "mean(v)": 3.0, "std(v)": math.Sqrt(8.0 / 3), "min(v)": 1.0, "max(v)": 5.0},
			{"k": "c", "count()": int64(1), "sum(v)": 0.0, "mean(v)": nil, "std(v)": nil, "min(v)": nil, "max(v)": nil},
		}
		if diff := cmp.Diff(want, rows, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Fatal(diff)
		}
		c, err := d.GroupBy("k").Count().Columns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"k", "count()"}, c); diff != "" {
			t.Fatal(diff)
		}
	}
}
