package boost

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/dataset"
)

var housingFeatures = []string{"YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOM", "NUM_BATHROOMS", "LOT_ACRES",
	"GARAGE_SPACES", "FRONT_PORCH", "DECK"}

// readHousing reads a reference CSV as a dataset with small blocks, so
// that a DMatrix is assembled from many of them.
func readHousing(t *testing.T, file string) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.ReadCSV(context.Background(), nil, []string{"testdata/train/" + file}, dataset.CSVOptions{},
		dataset.Options{BlockRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// A CSV file is read as one block; repartition into several.
	ds, err = ds.Repartition(7).Materialize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// f32bits compares float32 columns bit for bit (NaN == NaN).
func f32bits(a, b []float32) bool {
	return slices.Equal(bitsOf(a), bitsOf(b))
}

// TestFromDatasetMatchesColumns reads the reference CSVs (one with
// missing cells) through dataset and checks that the DMatrix and the
// model trained on it are the ones built from the same file parsed
// directly.
func TestFromDatasetMatchesColumns(t *testing.T) {
	ctx := context.Background()
	for _, file := range []string{"housing_10000.csv", "housing_10000_missing.csv"} {
		t.Run(file, func(t *testing.T) {
			train, valid := housing(t, file, false)
			ds := readHousing(t, file)
			if n := ds.NumBlocks(); n < 2 {
				t.Fatalf("dataset has %d blocks; the test wants several", n)
			}
			d, err := FromDataset(ctx, ds, DatasetColumns{Label: "PRICE"})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(housingFeatures, d.names); diff != "" {
				t.Errorf("feature names (-want +got):\n%s", diff)
			}
			ntrain := train.NumRows()
			if d.NumRows() != ntrain+valid.NumRows() {
				t.Fatalf("%d rows, want %d", d.NumRows(), ntrain+valid.NumRows())
			}
			for j := range d.cols {
				if !f32bits(d.cols[j][:ntrain], train.cols[j]) || !f32bits(d.cols[j][ntrain:], valid.cols[j]) {
					t.Errorf("feature %s differs", d.names[j])
				}
			}
			if !f32bits(d.label[:ntrain], train.label) {
				t.Error("labels differ")
			}
			// Train on the first 80 % both ways: the same model, byte for byte.
			dt, _ := d.Slice(0, ntrain)
			cfg, err := NewConfig(map[string]any{"num_boost_round": 5, "max_depth": 4})
			if err != nil {
				t.Fatal(err)
			}
			a, err := Train(ctx, cfg, dt, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := Train(ctx, cfg, train, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(modelJSON(t, a.Model), modelJSON(t, b.Model)) {
				t.Error("model trained from the dataset differs")
			}
			if diff := cmp.Diff(housingFeatures, a.Model.FeatureNames); diff != "" {
				t.Errorf("model feature names (-want +got):\n%s", diff)
			}
			// Prediction streams the dataset; it equals Predict on the matrix.
			p, err := a.Model.NewPredictor(PredictOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.PredictDataset(ctx, ds, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := p.Predict(ctx, d.RowMajor())
			if err != nil {
				t.Fatal(err)
			}
			if !f32bits(got, want) {
				t.Error("PredictDataset differs from Predict")
			}
		})
	}
}

// TestFromDatasetTypes converts every numeric column type, with nulls,
// and takes an explicit feature order and a weight column.
func TestFromDatasetTypes(t *testing.T) {
	ctx := context.Background()
	names := []string{"f", "i", "b", "y", "w", "s"}
	cols := []*dataset.Column{
		dataset.NewFloat64Column([]float64{1.5, 2, 1e10, 0.1}, []bool{true, false, true, true}),
		dataset.NewInt64Column([]int64{-3, 7, 1 << 40, 0}, []bool{true, true, false, true}),
		dataset.NewBoolColumn([]bool{true, false, true, false}, nil),
		dataset.NewInt64Column([]int64{0, 1, 1, 0}, nil),
		dataset.NewFloat64Column([]float64{1, 0.5, 2, 0}, nil),
		dataset.NewStringColumn([]string{"a", "b", "c", "d"}, nil),
	}
	ds, err := dataset.FromColumns(nil, names, cols, dataset.Options{BlockRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	d, err := FromDataset(ctx, ds, DatasetColumns{Label: "y", Weight: "w", Features: []string{"b", "i", "f"}})
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	want := [][]float32{{1, 0, 1, 0}, {-3, 7, nan, 0}, {1.5, nan, 1e10, 0.1}}
	for j := range want {
		if !f32bits(d.cols[j], want[j]) {
			t.Errorf("column %s = %v, want %v", d.names[j], d.cols[j], want[j])
		}
	}
	if !f32bits(d.label, []float32{0, 1, 1, 0}) || !f32bits(d.weight, []float32{1, 0.5, 2, 0}) {
		t.Errorf("label %v weight %v", d.label, d.weight)
	}
	// Without a label: data for prediction.
	p, err := FromDataset(ctx, ds, DatasetColumns{Features: []string{"f"}})
	if err != nil || p.Label() != nil || p.NumRows() != 4 {
		t.Errorf("unlabelled: %v, label %v", err, p.Label())
	}
	// An empty dataset gives an empty matrix with its columns.
	empty, err := ds.Filter(func(dataset.Row) (bool, error) { return false, nil }).Materialize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, err := FromDataset(ctx, empty, DatasetColumns{Label: "y", Features: []string{"f", "i"}})
	if err != nil || e.NumRows() != 0 || e.NumCols() != 2 {
		t.Errorf("empty dataset: %v", err)
	}
}

func TestFromDatasetErrors(t *testing.T) {
	ctx := context.Background()
	ds, err := dataset.FromColumns(nil, []string{"x", "city", "y", "w"}, []*dataset.Column{
		dataset.NewFloat64Column([]float64{1, 2, 3}, nil),
		dataset.NewStringColumn([]string{"a", "b", "c"}, nil),
		dataset.NewFloat64Column([]float64{1, 0, 1}, []bool{true, false, true}),
		dataset.NewFloat64Column([]float64{1, -1, 1}, nil),
	}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cols    DatasetColumns
		typeErr string // the column of a *ColumnTypeError
		missing string // the column of a *dataset.MissingColumnError
		msg     string
	}{
		{"missing label", DatasetColumns{Label: "PRICE"}, "", "PRICE", `label column: dataset: column "PRICE" not found; available columns: [x, city, y, w]`},
		{"missing feature", DatasetColumns{Label: "x", Features: []string{"AGE"}}, "", "AGE", `feature column`},
		{"missing weight", DatasetColumns{Label: "x", Features: []string{"x2"}, Weight: "wt"}, "", "wt", `weight column`},
		{"string feature", DatasetColumns{Features: []string{"x", "city"}}, "city", "", `feature column "city" is string`},
		{"string label", DatasetColumns{Label: "city", Features: []string{"x"}}, "city", "", `label column "city" is string`},
		{"default features include a string", DatasetColumns{Label: "x"}, "city", "", `feature column "city"`},
		{"null label", DatasetColumns{Label: "y", Features: []string{"x"}}, "", "", `label column "y" is null or NaN at row 1`},
		{"no features", DatasetColumns{Label: "x", Features: []string{}}, "", "", `no feature columns`},
		{"bad weight", DatasetColumns{Features: []string{"x"}, Weight: "w"}, "", "", `weight column "w": -1 at row 1`},
		{"duplicate", DatasetColumns{Features: []string{"x", "x"}}, "", "", `listed twice`},
		{"label as feature", DatasetColumns{Label: "x", Features: []string{"x"}}, "", "", `both a feature and the label`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromDataset(ctx, ds, tc.cols)
			if !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want ErrInput", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err, tc.msg)
			}
			var te *ColumnTypeError
			if got := errors.As(err, &te); got != (tc.typeErr != "") || got && te.Column != tc.typeErr {
				t.Errorf("ColumnTypeError: %v (%v)", got, te)
			}
			var me *dataset.MissingColumnError
			if got := errors.As(err, &me); got != (tc.missing != "") || got && (me.Column != tc.missing || len(me.Available) != 4) {
				t.Errorf("MissingColumnError: %v (%v)", got, me)
			}
			if tc.missing != "" && !errors.Is(err, dataset.ErrColumnNotFound) {
				t.Error("not ErrColumnNotFound")
			}
		})
	}
	if _, err := FromDataset(ctx, nil, DatasetColumns{}); !errors.Is(err, ErrInput) {
		t.Errorf("nil dataset: %v", err)
	}
	m := &Model{Objective: ObjSquaredError, NumFeature: 2, BaseScore: 0.5, Trees: []Tree{NewTree(2, 0, 0)}, TreeInfo: []int32{0}}
	p, err := m.NewPredictor(PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.PredictDataset(ctx, ds, nil); !errors.Is(err, ErrInput) {
		t.Errorf("model without feature names: %v", err)
	}
	if _, err := p.PredictDataset(ctx, ds, []string{"x"}); !errors.Is(err, ErrInput) {
		t.Errorf("one column for two features: %v", err)
	}
	var te *ColumnTypeError
	if _, err := p.PredictDataset(ctx, ds, []string{"x", "city"}); !errors.As(err, &te) {
		t.Errorf("string feature: %v", err)
	}
}

// TestDistributedFromDatasetShards trains on actors that each hold one
// part of a dataset split unevenly, and requires the single-process
// model.
func TestDistributedFromDatasetShards(t *testing.T) {
	ctx := context.Background()
	ds := readHousing(t, "housing_10000_missing.csv")
	parts, err := ds.SplitAt(ctx, 1000, 6500)
	if err != nil {
		t.Fatal(err)
	}
	cols := DatasetColumns{Label: "PRICE"}
	d, rows, err := FromDatasetShards(ctx, parts, cols)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1000, 5500, 3500}, rows); diff != "" {
		t.Fatalf("shard rows (-want +got):\n%s", diff)
	}
	whole, err := FromDataset(ctx, ds, cols)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := NewConfig(map[string]any{"num_boost_round": 4, "max_depth": 4, "subsample": 0.7, "seed": 3})
	if err != nil {
		t.Fatal(err)
	}
	// The distributed model is single-process training's on the whole
	// data with the distributed sketch's cuts of these shards.
	want := distributedTwin(t, cfg, whole, DistOptions{NumActors: 3, ShardRows: rows}, TrainOptions{})
	sys := newSystem(t, 4)
	dist, err := TrainDistributed(ctx, sys, cfg, d, DistOptions{NumActors: 3, ShardRows: rows}, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, modelJSON(t, dist.Model)) {
		t.Error("model trained on dataset shards differs from single-process training with their distributed cuts")
	}
	for _, bad := range [][]int{{1000, 9000}, {0, 5500, 4500}, {1000, 5500, 3000}} {
		var pe *ParamError
		_, err := TrainDistributed(ctx, sys, cfg, d, DistOptions{NumActors: 3, ShardRows: bad}, TrainOptions{})
		if !errors.As(err, &pe) || pe.Name != "ShardRows" {
			t.Errorf("ShardRows %v: %v", bad, err)
		}
	}
	other, err := dataset.FromColumns(nil, []string{"PRICE", "X"}, []*dataset.Column{
		dataset.NewFloat64Column([]float64{1}, nil), dataset.NewFloat64Column([]float64{2}, nil)}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := FromDatasetShards(ctx, []*dataset.Dataset{parts[0], other}, cols); !errors.Is(err, ErrInput) {
		t.Errorf("shards with different columns: %v", err)
	}
	if _, _, err := FromDatasetShards(ctx, nil, cols); !errors.Is(err, ErrInput) {
		t.Errorf("no shards: %v", err)
	}
}
