package dataset

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/actor"
)

// layouts are the executions every determinism test runs under: the same
// rows with other worker counts and block sizes.
var layouts = []Options{
	{Parallelism: 1, BlockRows: 1000},
	{Parallelism: 2, BlockRows: 7},
	{Parallelism: 8, BlockRows: 64},
	{Parallelism: 8, BlockRows: 1 << 17},
}

func TestRandomShuffleDeterministic(t *testing.T) {
	var first []int64
	for _, o := range layouts {
		t.Run(fmt.Sprintf("par%d_rows%d", o.Parallelism, o.BlockRows), func(t *testing.T) {
			got := ids(t, Range(sysN(t, o.Parallelism), 5000, o).RandomShuffle(42))
			if first == nil {
				first = got
				if slices.Equal(got, seq(0, 5000)) {
					t.Fatal("not shuffled")
				}
				sorted := slices.Clone(got)
				slices.Sort(sorted)
				if !slices.Equal(sorted, seq(0, 5000)) {
					t.Fatal("not a permutation")
				}
				return
			}
			if diff := cmp.Diff(first, got); diff != "" {
				t.Fatalf("layout changed the shuffle: %s", diff)
			}
		})
	}
	if slices.Equal(first, ids(t, Range(sys(t), 5000, Options{}).RandomShuffle(43))) {
		t.Fatal("seed 43 gave seed 42's order")
	}
}

func TestSort(t *testing.T) {
	ctx := context.Background()
	nan := math.NaN()
	d, err := FromItems(sys(t), []Row{
		{"k": 3.0, "v": "c"}, {"k": nil, "v": "null"}, {"k": 1.0, "v": "a"}, {"k": nan, "v": "nan"},
		{"k": 2.0, "v": "b"}, {"k": 1.0, "v": "a2"},
	}, Options{BlockRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc bool
		want []string
	}{
		{false, []string{"a", "a2", "b", "c", "null", "nan"}},
		{true, []string{"c", "b", "a", "a2", "null", "nan"}},
	} {
		t.Run(fmt.Sprint(tc.desc), func(t *testing.T) {
			rows, err := d.Sort("k", tc.desc).Take(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r["v"].(string))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatal(diff)
			}
		})
	}
	// Sorting a shuffle restores the order, under every layout.
	for _, o := range layouts {
		if diff := cmp.Diff(seq(0, 3000), ids(t, Range(sysN(t, o.Parallelism), 3000, o).RandomShuffle(1).Sort("id", false))); diff != "" {
			t.Fatal(diff)
		}
	}
}

func TestRepartitionAndBlockOrder(t *testing.T) {
	ctx := context.Background()
	d, err := Range(sys(t), 103, Options{BlockRows: 10}).Repartition(4).Materialize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for b, err := range d.Blocks(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, b.NumRows())
	}
	if diff := cmp.Diff([]int{26, 26, 26, 25}, sizes); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff(seq(0, 103), ids(t, d)); diff != "" {
		t.Fatal(diff)
	}
	r := ids(t, Range(sys(t), 100, Options{BlockRows: 10}).RandomizeBlockOrder(7))
	if slices.Equal(r, seq(0, 100)) {
		t.Fatal("block order unchanged")
	}
	for i := 0; i < 100; i += 10 {
		if r[i]%10 != 0 || r[i+9] != r[i]+9 {
			t.Fatalf("rows inside blocks moved: %v", r)
		}
	}
	if diff := cmp.Diff(r, ids(t, Range(sys(t), 100, Options{BlockRows: 10, Parallelism: 1}).RandomizeBlockOrder(7))); diff != "" {
		t.Fatal(diff)
	}
}

func TestUnionAndLimit(t *testing.T) {
	a := Range(sys(t), 10, Options{BlockRows: 3})
	b := Range(sys(t), 5, Options{BlockRows: 2}).Map(func(r Row) (Row, error) { return Row{"id": r["id"].(int64) + 100}, nil })
	got := ids(t, a.Union(b).Limit(12))
	want := append(seq(0, 10), 100, 101)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	if got := ids(t, a.Limit(0)); len(got) != 0 {
		t.Fatal(got)
	}
}

func TestMapBatchesBatchSize(t *testing.T) {
	var sizes []int
	d := Range(sys(t), 25, Options{BlockRows: 10, Parallelism: 1}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		sizes = append(sizes, b.NumRows())
		return b, nil
	}, BatchOptions{BatchSize: 4})
	if diff := cmp.Diff(seq(0, 25), ids(t, d)); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff([]int{4, 4, 2, 4, 4, 2, 4, 1}, sizes); diff != "" {
		t.Fatal(diff)
	}
}

// counterActor is per-actor state: it counts its own calls without locks.
type counterActor struct{ calls int }

func TestMapBatchesActorPool(t *testing.T) {
	var built atomic.Int64
	newFn := func(ctx context.Context) (BatchFunc, error) {
		built.Add(1)
		a := &counterActor{}
		return func(ctx context.Context, b *Block) (*Block, error) {
			a.calls++
			c := b.Column(0).Int64s()
			out := make([]int64, len(c))
			for i, v := range c {
				out[i] = v * 10
			}
			return b.WithColumn("id", NewInt64Column(out, nil))
		}, nil
	}
	for _, par := range []int{1, 2, 8} {
		built.Store(0)
		d := Range(sysN(t, par), 1000, Options{BlockRows: 10, Parallelism: par}).
			MapBatchesWith(newFn, BatchOptions{Compute: &ActorPoolStrategy{Size: 3}, BatchSize: 5}).
			Map(func(r Row) (Row, error) { return Row{"id": r["id"].(int64) + 1}, nil })
		got := ids(t, d)
		want := make([]int64, 1000)
		for i := range want {
			want[i] = int64(i)*10 + 1
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatal(diff)
		}
		if built.Load() != 3 {
			t.Fatalf("built %d actors, want 3", built.Load())
		}
	}
}

func TestActorPoolFailuresAreLoud(t *testing.T) {
	ctx := context.Background()
	bad := errors.New("no model")
	_, err := Range(sys(t), 10, Options{}).MapBatchesWith(func(context.Context) (BatchFunc, error) { return nil, bad },
		BatchOptions{Compute: &ActorPoolStrategy{Size: 2}}).Take(ctx, 1)
	if !errors.Is(err, bad) {
		t.Fatalf("constructor error: %v", err)
	}
	_, err = Range(sys(t), 100, Options{BlockRows: 10}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		if b.Column(0).Int64s()[0] == 30 {
			panic("actor died")
		}
		return b, nil
	}, BatchOptions{Compute: &ActorPoolStrategy{Size: 2}}).Take(ctx, 100)
	var pe *actor.PanicError
	if !errors.As(err, &pe) || pe.Value != "actor died" {
		t.Fatalf("panic: %v", err)
	}
}
