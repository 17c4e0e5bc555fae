package dataset_test

import (
	"context"
	"fmt"
	"os"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
)

// MapBatches runs a function on whole column blocks; here it adds a
// column computed from another. Nothing runs until the dataset is
// consumed, and the output keeps the input's order.
func ExampleDataset_MapBatches() {
	ctx := context.Background()
	ds := dataset.Range(nil, 6, dataset.Options{BlockRows: 4}).MapBatches(
		func(ctx context.Context, b *dataset.Block) (*dataset.Block, error) {
			ids := b.Column(0).Int64s()
			sq := make([]float64, len(ids))
			for i, v := range ids {
				sq[i] = float64(v * v)
			}
			return b.WithColumn("square", dataset.NewFloat64Column(sq, nil))
		}, dataset.BatchOptions{Name: "square"})
	rows, err := ds.Take(ctx, 6)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows {
		fmt.Println(r["id"], r["square"])
	}
	// Output:
	// 0 0
	// 1 1
	// 2 4
	// 3 9
	// 4 16
	// 5 25
}

// With an ActorPoolStrategy, MapBatches runs on a pool of actors of an
// actor System; MapBatchesWith builds per-actor state (a model, a
// connection) once per actor instead of once per batch.
func ExampleDataset_MapBatchesWith() {
	ctx := context.Background()
	sys, err := actor.NewSystem(actor.Config{CPUs: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sys.Shutdown(ctx) //nolint:errcheck // the example's end
	ds := dataset.Range(sys, 8, dataset.Options{BlockRows: 2}).MapBatchesWith(
		func(ctx context.Context) (dataset.BatchFunc, error) {
			offset := int64(100) // state built once per actor
			return func(ctx context.Context, b *dataset.Block) (*dataset.Block, error) {
				ids := b.Column(0).Int64s()
				out := make([]int64, len(ids))
				for i, v := range ids {
					out[i] = v + offset
				}
				return b.WithColumn("shifted", dataset.NewInt64Column(out, nil))
			}, nil
		}, dataset.BatchOptions{Compute: &dataset.ActorPoolStrategy{Size: 2}})
	sum, err := ds.Sum(ctx, "shifted")
	fmt.Println(sum, err)
	// Output:
	// 828 <nil>
}

// GroupBy groups rows by key columns; Aggregate computes one row per
// group, sorted by key, with a column per aggregation named after it.
func ExampleDataset_GroupBy() {
	ctx := context.Background()
	ds, err := dataset.FromItems(nil, []dataset.Row{
		{"city": "Lyon", "price": 300.0},
		{"city": "Paris", "price": 500.0},
		{"city": "Lyon", "price": 340.0},
		{"city": "Paris", "price": 700.0},
		{"city": "Nice", "price": 410.0},
	}, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	groups := ds.GroupBy("city").Aggregate(dataset.Count(), dataset.Mean("price"), dataset.Max("price"))
	if err := groups.Show(ctx, os.Stdout, 10); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {city=Lyon, count()=2, mean(price)=320, max(price)=340}
	// {city=Nice, count()=1, mean(price)=410, max(price)=410}
	// {city=Paris, count()=2, mean(price)=600, max(price)=700}
}

// RandomShuffle permutes the rows with a seed: the same seed gives the
// same order whatever the parallelism or block layout.
func ExampleDataset_RandomShuffle() {
	ctx := context.Background()
	order := func(blockRows int) []int64 {
		ds := dataset.Range(nil, 10, dataset.Options{BlockRows: blockRows}).RandomShuffle(42)
		b, err := ds.TakeBatch(ctx, 10)
		if err != nil {
			fmt.Println(err)
			return nil
		}
		return b.Column(0).Int64s()
	}
	a, b := order(3), order(10)
	fmt.Println(a)
	fmt.Println("same with other blocks:", fmt.Sprint(a) == fmt.Sprint(b))
	// Output:
	// [3 2 5 0 1 9 7 8 4 6]
	// same with other blocks: true
}
