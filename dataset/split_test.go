package dataset

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func counts(t *testing.T, ds []*Dataset) []int64 {
	t.Helper()
	var out []int64
	for _, d := range ds {
		n, err := d.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func TestSplits(t *testing.T) {
	ctx := context.Background()
	d := Range(sys(t), 10, Options{BlockRows: 3})
	parts, err := d.SplitAt(ctx, 2, 5, 5, 20)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{2, 3, 0, 5, 0}, counts(t, parts)); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff(seq(2, 5), ids(t, parts[1])); diff != "" {
		t.Fatal(diff)
	}
	if _, err := d.SplitAt(ctx, 5, 2); !errors.Is(err, ErrBadSplit) {
		t.Fatalf("decreasing indices: %v", err)
	}
	parts, err = d.Split(ctx, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{4, 3, 3}, counts(t, parts)); diff != "" {
		t.Fatal(diff)
	}
	parts, err = d.Split(ctx, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{3, 3, 3}, counts(t, parts)); diff != "" {
		t.Fatal(diff)
	}
}

func TestSplitProportionately(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		n    int
		ps   []float64
		want []int64
		err  bool
	}{
		{10000, []float64{0.6, 0.2}, []int64{6000, 2000, 2000}, false},
		{10000, []float64{0.7, 0.1}, []int64{7000, 999, 2001}, false}, // 0.7+0.1 = 0.7999…
		{10, []float64{0.5, 0.01}, []int64{4, 1, 5}, false},
		{3, []float64{0.1, 0.1}, nil, true},
		{2, []float64{0.1, 0.1}, nil, true},
		{10, []float64{0.5, 0.5}, nil, true},
		{10, []float64{0, 0.5}, nil, true},
	} {
		t.Run(fmt.Sprint(tc.n, tc.ps), func(t *testing.T) {
			parts, err := Range(sys(t), tc.n, Options{BlockRows: 999}).SplitProportionately(ctx, tc.ps)
			if tc.err {
				if !errors.Is(err, ErrBadSplit) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, counts(t, parts)); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

func TestTrainTestSplit(t *testing.T) {
	ctx := context.Background()
	var first []int64
	for _, o := range layouts {
		train, test, err := Range(sysN(t, o.Parallelism), 100, o).TrainTestSplit(ctx, 0.25, SplitOptions{Shuffle: true, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{75, 25}, counts(t, []*Dataset{train, test})); diff != "" {
			t.Fatal(diff)
		}
		got := append(ids(t, train), ids(t, test)...)
		if first == nil {
			first = got
		} else if diff := cmp.Diff(first, got); diff != "" {
			t.Fatalf("layout changed the split: %s", diff)
		}
	}
	train, test, err := Range(sys(t), 10, Options{}).TrainTestSplit(ctx, 3, SplitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seq(7, 10), ids(t, test)); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff(seq(0, 7), ids(t, train)); diff != "" {
		t.Fatal(diff)
	}
	if _, _, err := Range(sys(t), 10, Options{}).TrainTestSplit(ctx, 1.5, SplitOptions{}); !errors.Is(err, ErrBadSplit) {
		t.Fatalf("err = %v", err)
	}
}
