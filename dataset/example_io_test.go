package dataset_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sagepipe/sagepipe/dataset"
)

// Read a CSV file: the column types are inferred from the data.
func ExampleReadCSV() {
	ctx := context.Background()
	ds, err := dataset.ReadCSV(ctx, nil, []string{"testdata/house_pricing.csv"}, dataset.CSVOptions{}, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := ds.Schema(ctx)
	n, _ := ds.Count(ctx)
	fmt.Println(n, "rows")
	for _, f := range s.Fields[:4] {
		fmt.Println(f)
	}
	// Output:
	// 10000 rows
	// PRICE: int64
	// YEAR_BUILT: int64
	// SQUARE_FEET: float64
	// NUM_BEDROOMS: int64
}

// Write a dataset as parquet under Hive-style partition directories and
// read it back: the key=value directory names become columns, and a
// column list is pushed into the reader.
func ExampleReadParquet() {
	ctx := context.Background()
	root, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(root)
	for _, year := range []int{2023, 2024} {
		ds, _ := dataset.FromItems(nil, []dataset.Row{{"price": float64(year - 2000)}}, dataset.Options{})
		if _, err := ds.WriteParquet(ctx, filepath.Join(root, fmt.Sprintf("year=%d", year)), dataset.WriteOptions{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	ds, err := dataset.ReadParquet(ctx, nil, []string{root},
		dataset.ParquetOptions{ReadOptions: dataset.ReadOptions{Columns: []string{"year", "price"}}}, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, _ := ds.Take(ctx, 10)
	for _, r := range rows {
		fmt.Println(r["year"], r["price"])
	}
	// Output:
	// 2023 23
	// 2024 24
}

// Fit a StandardScaler on one dataset and apply it to another: population
// standard deviation, as Ray computes it.
func ExampleStandardScaler() {
	ctx := context.Background()
	train, _ := dataset.FromItems(nil, []dataset.Row{{"x": -2.0}, {"x": 0.0}, {"x": 2.0}}, dataset.Options{})
	test, _ := dataset.FromItems(nil, []dataset.Row{{"x": 4.0}}, dataset.Options{})
	scaler := dataset.NewStandardScaler("x")
	scaled, err := scaler.FitTransform(ctx, train)
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, _ := scaled.Take(ctx, 3)
	for _, r := range rows {
		fmt.Printf("%.4f\n", r["x"])
	}
	rows, _ = scaler.Transform(test).Take(ctx, 1)
	fmt.Printf("%.4f\n", rows[0]["x"])
	// Output:
	// -1.2247
	// 0.0000
	// 1.2247
	// 2.4495
}

// A fitted preprocessor serialises to JSON with its type, and comes back.
func ExampleMarshalPreprocessor() {
	ctx := context.Background()
	ds, _ := dataset.FromItems(nil, []dataset.Row{{"color": "red"}, {"color": "blue"}, {"color": "red"}}, dataset.Options{})
	chain := dataset.NewChain(dataset.NewOrdinalEncoder("color"), dataset.NewMinMaxScaler("color"))
	if err := chain.Fit(ctx, ds); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := dataset.MarshalPreprocessor(chain)
	fmt.Println(string(data))
	back, _ := dataset.UnmarshalPreprocessor(data)
	rows, _ := back.(*dataset.Chain).Transform(ds).Take(ctx, 3)
	fmt.Println(rows)
	// Output:
	// {"type":"Chain","state":{"stages":[{"type":"OrdinalEncoder","state":{"columns":["color"],"categories":[[{"type":"string","value":"blue"},{"type":"string","value":"red"}]]}},{"type":"MinMaxScaler","state":{"columns":["color"],"min":[0],"max":[1]}}]}}
	// [map[color:1] map[color:0] map[color:1]]
}
