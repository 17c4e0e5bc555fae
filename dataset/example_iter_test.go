package dataset_test

import (
	"context"
	"fmt"

	"github.com/sagepipe/sagepipe/dataset"
)

// Batches streams exact-size batches across block boundaries, as a
// training loop consumes them; the last batch may be smaller unless
// DropLast is set. A break stops the execution.
func ExampleDataset_Batches() {
	ctx := context.Background()
	ds := dataset.Range(nil, 10, dataset.Options{BlockRows: 3})
	for b, err := range ds.Batches(ctx, 4, dataset.IterOptions{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(b.NumRows(), b.Column(0).Int64s())
	}
	for b, err := range ds.Batches(ctx, 4, dataset.IterOptions{DropLast: true}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("drop last:", b.Column(0).Int64s())
	}
	// Output:
	// 4 [0 1 2 3]
	// 4 [4 5 6 7]
	// 2 [8 9]
	// drop last: [0 1 2 3]
	// drop last: [4 5 6 7]
}

// A local shuffle buffer mixes nearby rows cheaply, seeded, before
// batching (Ray's local_shuffle_buffer_size).
func ExampleDataset_Batches_localShuffle() {
	ctx := context.Background()
	ds := dataset.Range(nil, 8, dataset.Options{})
	opts := dataset.IterOptions{LocalShuffleBufferSize: 4, LocalShuffleSeed: 7}
	for b, err := range ds.Batches(ctx, 4, opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(b.Column(0).Int64s())
	}
	// Output:
	// [4 7 5 2]
	// [1 3 6 0]
}

// Rows streams the rows one by one as maps from column name to value.
func ExampleDataset_Rows() {
	ctx := context.Background()
	ds, err := dataset.FromItems(nil, []dataset.Row{
		{"name": "a", "score": 1.5},
		{"name": "b", "score": 2.5},
		{"name": "c"},
	}, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for r, err := range ds.Rows(ctx, dataset.IterOptions{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r["name"], r["score"])
	}
	// Output:
	// a 1.5
	// b 2.5
	// c <nil>
}
