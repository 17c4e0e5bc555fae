package featurestore_test

import (
	"context"
	"fmt"
	"os"

	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/sagemaker/featurestore"
)

// Records ingested into a local feature group by two actors, then read
// from the online store and back from the offline store.
func ExampleLocal() {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "featurestore")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)

	g := featurestore.Group{
		Name:             "houses",
		RecordIdentifier: "id",
		EventTime:        "event_time",
		Features: []featurestore.Feature{
			{Name: "id", Type: featurestore.Integral},
			{Name: "event_time", Type: featurestore.Fractional},
			{Name: "price", Type: featurestore.Integral},
		},
		Online:       true,
		OfflineS3URI: "s3://my-bucket/feature-store",
	}
	store, err := featurestore.OpenLocal(ctx, root, g, featurestore.LocalOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ds, _ := dataset.FromItems(nil, []dataset.Row{
		{"id": int64(1), "event_time": 1700000000.0, "price": int64(490098)},
		{"id": int64(2), "event_time": 1700000000.0, "price": int64(381981)},
		{"id": int64(1), "event_time": 1700003600.0, "price": int64(495000)},
	}, dataset.Options{})
	rep, err := store.Ingest(ctx, ds, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("written:", rep.Written)
	rec, _ := store.Get("1")
	fmt.Println("latest price of 1:", rec["price"])

	back, _ := dataset.ReadParquet(ctx, nil, []string{store.OfflineDir()}, dataset.ParquetOptions{}, dataset.Options{})
	n, _ := back.Count(ctx)
	cols, _ := back.Columns(ctx)
	fmt.Println("offline records:", n)
	fmt.Println(cols)
	// Output:
	// written: 3
	// latest price of 1: 495000
	// offline records: 3
	// [id event_time price write_time api_invocation_time is_deleted year month day hour]
}
