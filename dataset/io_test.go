package dataset

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// housingCSV is the seed's data set (aws-samples/aws-samples-for-ray,
// MIT-0), copied byte for byte.
const housingCSV = "testdata/house_pricing.csv"

// collect concatenates every block of d.
func collect(t *testing.T, d *Dataset) *Block {
	t.Helper()
	var bs []*Block
	for b, err := range d.Blocks(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	if len(bs) == 0 {
		t.Fatal("no blocks")
	}
	s := bs[0].Schema()
	for i := range bs {
		b, err := NewBlock(Schema{Fields: s.clone().Fields}, bs[i].cols)
		if err != nil {
			// nullability may differ between blocks
			for k := range s.Fields {
				s.Fields[k].Nullable = true
			}
			b, err = NewBlock(s, bs[i].cols)
			if err != nil {
				t.Fatal(err)
			}
		}
		bs[i] = b
	}
	for i := range bs {
		bs[i], _ = NewBlock(s, bs[i].cols)
	}
	out, err := Concat(bs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func meanStd(v []float64) (float64, float64) {
	var s float64
	for _, x := range v {
		s += x
	}
	m := s / float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)))
}

// TestHousingScaleWriteRead reads the seed's CSV, fits a StandardScaler on
// the dataset, writes the scaled data as CSV and parquet and reads it back.
func TestHousingScaleWriteRead(t *testing.T) {
	ctx := context.Background()
	for _, par := range []int{1, 3} {
		t.Run(fmt.Sprint("parallelism ", par), func(t *testing.T) {
			exec := Options{Parallelism: par}
			ds, err := ReadCSV(ctx, nil, []string{housingCSV}, CSVOptions{ReadOptions: ReadOptions{BlockRows: 1500}}, exec)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := ds.Columns(ctx)
			if err != nil {
				t.Fatal(err)
			}
			features := cols[1:] // all but PRICE
			scaler := NewStandardScaler(features...)
			scaled, err := scaler.FitTransform(ctx, ds)
			if err != nil {
				t.Fatal(err)
			}
			got := collect(t, scaled)
			if got.NumRows() != 10000 {
				t.Fatalf("%d rows", got.NumRows())
			}
			for _, f := range features {
				c, _ := got.ColumnByName(f)
				m, s := meanStd(c.Float64s())
				if math.Abs(m) > 1e-12 || math.Abs(s-1) > 1e-12 {
					t.Errorf("%s: mean %g std %g", f, m, s)
				}
			}
			price, _ := got.ColumnByName("PRICE")
			if price.Type() != Int64 || price.Int64s()[0] != 490098 {
				t.Errorf("PRICE changed: %v", price.Value(0))
			}
			dir := t.TempDir()
			csvPaths, err := scaled.WriteCSV(ctx, filepath.Join(dir, "csv"), WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pqPaths, err := scaled.WriteParquet(ctx, filepath.Join(dir, "pq"), WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(csvPaths) != 7 || len(pqPaths) != 7 { // 10000 rows in blocks of 1500
				t.Errorf("%d CSV files, %d parquet files", len(csvPaths), len(pqPaths))
			}
			back, err := ReadCSV(ctx, nil, []string{filepath.Join(dir, "csv")}, CSVOptions{}, exec)
			if err != nil {
				t.Fatal(err)
			}
			if b := collect(t, back); !b.Equal(got) {
				t.Error("CSV round trip changed the data")
			}
			backPQ, err := ReadParquet(ctx, nil, []string{filepath.Join(dir, "pq")}, ParquetOptions{}, exec)
			if err != nil {
				t.Fatal(err)
			}
			if b := collect(t, backPQ); !b.Equal(got) {
				t.Error("parquet round trip changed the data")
			}
		})
	}
}

func TestReadParquetDropPartitionColumns(t *testing.T) {
	ctx := context.Background()
	root := hiveTree(t)
	ds, err := ReadParquet(ctx, nil, []string{root}, ParquetOptions{}, Options{Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, ds.DropColumns("year", "tag"))
	if s := got.Schema().String(); s != "{x: float64, month: int64}" {
		t.Errorf("schema %s", s)
	}
	if d := cmp.Diff([]float64{0, 0.5, 1, 1.5, 2, 2.5}, got.Column(0).Float64s()); d != "" {
		t.Error(d)
	}
}

func TestReadErrorsAtPlanTime(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeText(t, dir, "a.csv", "x\n1\n")
	writeText(t, dir, "b.csv", "x\nabc\n")
	_, err := ReadCSV(ctx, nil, []string{dir}, CSVOptions{}, Options{})
	var tc *TypeConflictError
	if !errors.As(err, &tc) {
		t.Errorf("err = %v", err)
	}
	_, err = ReadParquet(ctx, nil, []string{filepath.Join(dir, "none")}, ParquetOptions{}, Options{})
	if !errors.Is(err, ErrNoFiles) {
		t.Errorf("err = %v", err)
	}
}

// TestWriteFailureLeavesNothing: a failure in the middle of a write
// removes the files already written.
func TestWriteFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	ds := Range(nil, 100, Options{BlockRows: 10, Parallelism: 2}).
		MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
			if b.Column(0).Int64s()[0] == 50 {
				return nil, errors.New("boom")
			}
			return b, nil
		}, BatchOptions{})
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := ds.WriteCSV(ctx, dir, WriteOptions{}); err == nil {
		t.Fatal("write succeeded")
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

func TestPreprocessorsOnDataset(t *testing.T) {
	ctx := context.Background()
	items := []Row{
		{"city": "paris", "x": 1.0, "y": nil},
		{"city": "rome", "x": 3.0, "y": int64(4)},
		{"city": "paris", "x": 5.0, "y": int64(6)},
		{"city": "oslo", "x": 7.0, "y": nil},
	}
	ds, err := FromItems(nil, items, Options{BlockRows: 1, Parallelism: 3})
	if err != nil {
		t.Fatal(err)
	}
	chain := NewChain(
		NewSimpleImputer(ImputeMean, "y"),
		NewStandardScaler("x", "y"),
		NewOneHotEncoder("city"),
		NewConcatenator("features"),
	)
	out, err := chain.FitTransform(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	// Refitting the chain afterwards does not change the dataset already
	// transformed: its state was copied.
	if err := chain.Fit(ctx, BlocksOf(frame(t, "city", []any{"z"}, "x", []any{0.0}, "y", []any{0.0}))); err != nil {
		t.Fatal(err)
	}
	got := collect(t, out)
	if s := got.Schema().String(); s != "{features: vector}" {
		t.Fatalf("schema %s", s)
	}
	sx := math.Sqrt(5) // population std of 1,3,5,7
	want := [][]float64{
		// city_oslo, city_paris, city_rome, x, y (mean-imputed 5, std of 5,4,6,5 = sqrt(0.5))
		{0, 1, 0, -3 / sx, 0},
		{0, 0, 1, -1 / sx, -1 / math.Sqrt(0.5)},
		{0, 1, 0, 1 / sx, 1 / math.Sqrt(0.5)},
		{1, 0, 0, 3 / sx, 0},
	}
	var rowsGot [][]float64
	for i := 0; i < got.NumRows(); i++ {
		rowsGot = append(rowsGot, got.Column(0).Value(i).([]float64))
	}
	if d := cmp.Diff(want, rowsGot, approx); d != "" {
		t.Error(d)
	}
	// Transform of an unfitted preprocessor fails at execution.
	for _, err := range NewMinMaxScaler("x").Transform(ds).Blocks(ctx) {
		if !errors.Is(err, ErrNotFitted) {
			t.Errorf("err = %v", err)
		}
		break
	}
	// LabelEncoder round trip on a dataset.
	le := NewLabelEncoder("city")
	enc, err := le.FitTransform(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	dec := collect(t, le.InverseTransform(enc))
	orig := collect(t, ds)
	if !dec.Equal(orig) {
		t.Errorf("inverse: %v", rows(dec))
	}
}
