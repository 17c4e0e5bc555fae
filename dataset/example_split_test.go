package dataset_test

import (
	"context"
	"fmt"

	"github.com/sagepipe/sagepipe/dataset"
)

// ids prints each part's ids.
func ids(ctx context.Context, parts ...*dataset.Dataset) {
	for _, p := range parts {
		b, err := p.TakeBatch(ctx, 100)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(b.Column(0).Int64s())
	}
}

// Split cuts a dataset into n parts in order; with equal set the parts
// have the same row count and the remainder is dropped.
func ExampleDataset_Split() {
	ctx := context.Background()
	ds := dataset.Range(nil, 10, dataset.Options{BlockRows: 4})
	parts, err := ds.Split(ctx, 3, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids(ctx, parts...)
	equal, err := ds.Split(ctx, 3, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids(ctx, equal...)
	// Output:
	// [0 1 2 3]
	// [4 5 6]
	// [7 8 9]
	// [0 1 2]
	// [3 4 5]
	// [6 7 8]
}

// SplitAt cuts at row indices: n indices give n+1 parts.
func ExampleDataset_SplitAt() {
	ctx := context.Background()
	ds := dataset.Range(nil, 10, dataset.Options{BlockRows: 4})
	parts, err := ds.SplitAt(ctx, 2, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids(ctx, parts...)
	// Output:
	// [0 1]
	// [2 3 4 5 6]
	// [7 8 9]
}

// SplitProportionately cuts by fractions of the rows; the last part takes
// what the fractions leave.
func ExampleDataset_SplitProportionately() {
	ctx := context.Background()
	ds := dataset.Range(nil, 10, dataset.Options{})
	parts, err := ds.SplitProportionately(ctx, []float64{0.5, 0.2})
	if err != nil {
		fmt.Println(err)
		return
	}
	ids(ctx, parts...)
	// Output:
	// [0 1 2 3 4]
	// [5 6]
	// [7 8 9]
}

// TrainTestSplit holds out a fraction (or a row count) of a dataset as a
// test set, after a seeded shuffle when asked.
func ExampleDataset_TrainTestSplit() {
	ctx := context.Background()
	ds := dataset.Range(nil, 10, dataset.Options{})
	train, test, err := ds.TrainTestSplit(ctx, 0.3, dataset.SplitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ids(ctx, train, test)
	train, test, err = ds.TrainTestSplit(ctx, 2, dataset.SplitOptions{Shuffle: true, Seed: 42})
	if err != nil {
		fmt.Println(err)
		return
	}
	ids(ctx, train, test)
	// Output:
	// [0 1 2 3 4 5 6]
	// [7 8 9]
	// [3 2 5 0 1 9 7 8]
	// [4 6]
}
