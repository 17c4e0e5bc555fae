package dataset

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPermutationIndexTypes(t *testing.T) {
	for _, n := range []int{0, 1, 2, 1000, 70_000} {
		wide, narrow := permutation[int](n, 42), permutation[int32](n, 42)
		for i := range wide {
			if wide[i] != int(narrow[i]) {
				t.Fatalf("n=%d: index %d is %d with int, %d with int32", n, i, wide[i], narrow[i])
			}
		}
	}
}

// TestShuffleGatherMatchesTake checks the parallel, per-block gather of a
// shuffle against Column.Take on the concatenated input, for number,
// string and nullable columns, with output blocks of BlockRows rows.
func TestShuffleGatherMatchesTake(t *testing.T) {
	const n = 40_000 // above the size where the gather runs in parallel
	f, i, s, v := make([]float64, n), make([]int64, n), make([]string, n), make([]bool, n)
	for r := range n {
		f[r], i[r], s[r], v[r] = float64(r)/3, int64(r), fmt.Sprint("s", r), r%5 != 0
	}
	cols := func() []*Column {
		return []*Column{NewFloat64Column(f, nil), NewInt64Column(i, nil), NewStringColumn(s, nil), NewFloat64Column(f, v)}
	}
	names := []string{"f", "i", "s", "fnull"}
	perm := permutation[int](n, 42)
	want, err := NewBlockFromColumns(names, cols())
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range want.cols {
		want.cols[k] = c.Take(perm)
	}
	for _, o := range []Options{{Parallelism: 2, BlockRows: 3000}, {Parallelism: 8, BlockRows: 1 << 17}, {Parallelism: 1, BlockRows: 777}} {
		t.Run(fmt.Sprintf("par%d_rows%d", o.Parallelism, o.BlockRows), func(t *testing.T) {
			ds, err := FromColumns(sysN(t, o.Parallelism), names, cols(), o)
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := ds.RandomShuffle(42).collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for k, b := range blocks[:len(blocks)-1] {
				if b.NumRows() != o.BlockRows {
					t.Fatalf("block %d has %d rows, want %d", k, b.NumRows(), o.BlockRows)
				}
			}
			got, err := Concat(blocks...)
			if err != nil {
				t.Fatal(err)
			}
			if got.NumRows() != n {
				t.Fatalf("%d rows, want %d", got.NumRows(), n)
			}
			for k, name := range names {
				g, w := got.cols[k], want.cols[k]
				if diff := cmp.Diff(rowValues(w), rowValues(g)); diff != "" {
					t.Fatalf("column %s (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

func rowValues(c *Column) []any {
	out := make([]any, c.Len())
	for r := range out {
		out[r] = c.Value(r)
	}
	return out
}
