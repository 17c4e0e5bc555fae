package boost_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/dataset"
)

// Train from a dataset as xgboost-ray's RayDMatrix(ds, label="PRICE")
// does: every column other than the label is a feature. The first 80 %
// of the rows train, the rest validate; prediction streams the dataset.
func ExampleFromDataset() {
	ctx := context.Background()
	ds, err := dataset.ReadCSV(ctx, nil, []string{"testdata/train/housing_10000.csv"}, dataset.CSVOptions{}, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	parts, err := ds.SplitAt(ctx, 8000)
	if err != nil {
		fmt.Println(err)
		return
	}
	train, err := boost.FromDataset(ctx, parts[0], boost.DatasetColumns{Label: "PRICE"})
	if err != nil {
		fmt.Println(err)
		return
	}
	valid, err := boost.FromDataset(ctx, parts[1], boost.DatasetColumns{Label: "PRICE"})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := boost.NewConfig(map[string]any{"objective": "reg:squarederror", "eval_metric": []string{"mae", "rmse"},
		"num_boost_round": 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := boost.Train(ctx, cfg, train, boost.TrainOptions{
		Evals: []boost.EvalSet{{Name: "validation", Data: valid}},
		Log:   os.Stdout,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("features:", res.Model.FeatureNames[:3], "…")

	p, err := res.Model.NewPredictor(boost.PredictOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	pred, err := p.PredictDataset(ctx, parts[1], nil) // the model's feature names select the columns
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(pred), "predictions")

	// A column the dataset lacks is named, with the ones it has.
	_, err = boost.FromDataset(ctx, ds, boost.DatasetColumns{Label: "price"})
	fmt.Println(err)

	// Output:
	// [0]	validation-mae:212467.17567	validation-rmse:222538.26451
	// [1]	validation-mae:148954.23690	validation-rmse:158291.68166
	// [2]	validation-mae:104547.62454	validation-rmse:114054.04029
	// features: [YEAR_BUILT SQUARE_FEET NUM_BEDROOM] …
	// 2000 predictions
	// boost: bad input: label column: dataset: column "price" not found; available columns: [YEAR_BUILT, SQUARE_FEET, NUM_BEDROOM, NUM_BATHROOMS, LOT_ACRES, GARAGE_SPACES, FRONT_PORCH, DECK, PRICE]
}

// Train on actors that each hold one split of a dataset, as xgboost-ray
// gives each training actor a shard of a Ray dataset. The cuts are those
// XGBoost's distributed sketch computes for the two shards, which differ
// slightly from single-process cuts (in XGBoost as here), so the model is
// not quite the one a single process trains.
func ExampleFromDatasetShards() {
	ctx := context.Background()
	ds, err := dataset.ReadCSV(ctx, nil, []string{"testdata/train/housing_10000.csv"}, dataset.CSVOptions{}, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	shards, err := ds.Split(ctx, 2, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	cols := boost.DatasetColumns{Label: "PRICE"}
	dtrain, rows, err := boost.FromDatasetShards(ctx, shards, cols)
	if err != nil {
		fmt.Println(err)
		return
	}
	sys, err := actor.NewSystem(actor.Config{CPUs: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sys.Shutdown(ctx)
	cfg, _ := boost.NewConfig(map[string]any{"num_boost_round": 5})
	dist, err := boost.TrainDistributed(ctx, sys, cfg, dtrain,
		boost.DistOptions{NumActors: len(shards), CPUsPerActor: 1, ShardRows: rows}, boost.TrainOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	whole, _ := boost.FromDataset(ctx, ds, cols)
	single, err := boost.Train(ctx, cfg, whole, boost.TrainOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := dist.Model.Encode(boost.FormatJSON)
	b, _ := single.Model.Encode(boost.FormatJSON)
	fmt.Println("shard rows:", rows)
	fmt.Println("same model as one process:", bytes.Equal(a, b))
	// Output:
	// shard rows: [5000 5000]
	// same model as one process: false
}
