package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// seedBenchStore writes rows rows of an offline store shaped like the
// seed's: PRICE and eight features plus two bookkeeping columns to drop,
// in files of one hour partition each, row groups of 128k rows.
func seedBenchStore(b *testing.B, rows, files int) string {
	b.Helper()
	root := b.TempDir()
	names := []string{"PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS", "LOT_ACRES",
		"GARAGE_SPACES", "FRONT_PORCH", "DECK", "record_id", "event_time"}
	for f := range files {
		lo, hi := f*rows/files, (f+1)*rows/files
		r := rand.New(rand.NewPCG(uint64(f), 9))
		price, id := make([]int64, hi-lo), make([]int64, hi-lo)
		cols := []*Column{NewInt64Column(price, nil)}
		for i := range price {
			price[i], id[i] = 100_000+r.Int64N(900_000), int64(lo+i)
		}
		for range 9 {
			v := make([]float64, hi-lo)
			for i := range v {
				v[i] = float64(r.IntN(40_000)) / 10
			}
			cols = append(cols, NewFloat64Column(v, nil))
		}
		cols = slices.Insert(cols, 9, NewInt64Column(id, nil))
		blk, err := NewBlockFromColumns(names, cols)
		if err != nil {
			b.Fatal(err)
		}
		dir := filepath.Join(root, "year=2023", "month=11", "day=28", fmt.Sprintf("hour=%02d", f))
		if _, err := NewParquetWriter(dir, WriteOptions{RowGroupRows: 1 << 17}).WriteBlock(context.Background(), 0, blk); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

// BenchmarkSeedPreprocess runs the seed's preprocessing step on 1M rows:
// read the parquet offline store, drop the bookkeeping columns, count,
// shuffle with seed 42, split 0.6/0.2/0.2, fit a StandardScaler on train
// and write the three scaled splits as CSV. The sub-benchmarks time the
// whole step and its two halves (read+shuffle+split, scale+write) alone.
// bench/dataset runs the same step at 10M rows against Polars, DuckDB and
// pandas.
func BenchmarkSeedPreprocess(b *testing.B) {
	const rows = 1 << 20
	ctx := context.Background()
	root := seedBenchStore(b, rows, 4)
	s := sys(b)
	drop := []string{"record_id", "event_time", "year", "month", "day", "hour"}
	split := func(b *testing.B) []*Dataset {
		ds, err := ReadParquet(ctx, s, []string{root}, ParquetOptions{}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ds = ds.DropColumns(drop...)
		if n, err := ds.Count(ctx); err != nil || n != rows {
			b.Fatalf("count %d, %v", n, err)
		}
		parts, err := ds.RandomShuffle(42).SplitProportionately(ctx, []float64{0.6, 0.2})
		if err != nil {
			b.Fatal(err)
		}
		return parts
	}
	scaleWrite := func(b *testing.B, parts []*Dataset, out string) {
		cols, err := parts[0].Columns(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sc := NewStandardScaler(slices.DeleteFunc(cols, func(c string) bool { return c == "PRICE" })...)
		if err := sc.Fit(ctx, parts[0]); err != nil {
			b.Fatal(err)
		}
		for i, name := range []string{"train", "validation", "test"} {
			if _, err := sc.Transform(parts[i]).WriteCSV(ctx, filepath.Join(out, name), WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	dataBytes := int64(rows) * 9 * 8
	b.Run("all", func(b *testing.B) {
		b.SetBytes(dataBytes)
		for i := 0; i < b.N; i++ {
			scaleWrite(b, split(b), filepath.Join(b.TempDir(), "out"))
		}
	})
	b.Run("read_shuffle_split", func(b *testing.B) {
		b.SetBytes(dataBytes)
		for i := 0; i < b.N; i++ {
			split(b)
		}
	})
	b.Run("scale_write", func(b *testing.B) {
		parts := split(b)
		b.SetBytes(dataBytes)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			scaleWrite(b, parts, filepath.Join(b.TempDir(), "out"))
		}
	})
}
