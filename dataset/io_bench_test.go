package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// benchBlock is n rows of the seed's 9 housing columns: PRICE int64 and 8
// z-scored float64 columns (full-precision values, as the scaled output).
func benchBlock(b *testing.B, n int) *Block {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS", "LOT_ACRES",
		"GARAGE_SPACES", "FRONT_PORCH", "DECK"}
	cols := make([]*Column, len(names))
	price := make([]int64, n)
	for i := range price {
		price[i] = r.Int64N(1_000_000)
	}
	cols[0] = NewInt64Column(price, nil)
	for k := 1; k < len(cols); k++ {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		cols[k] = NewFloat64Column(v, nil)
	}
	blk, err := NewBlockFromColumns(names, cols)
	if err != nil {
		b.Fatal(err)
	}
	return blk
}

// BenchmarkCSVWrite writes 1M rows × 9 columns of full-precision floats as
// one CSV file.
func BenchmarkCSVWrite(b *testing.B) {
	blk := benchBlock(b, 1<<20)
	dir := b.TempDir()
	w := NewCSVWriter(dir, WriteOptions{})
	b.SetBytes(blk.SizeBytes())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.WriteBlock(context.Background(), 0, blk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParquetRead decodes 1M rows × 9 columns in 8 row groups, all
// columns or a 3-column projection.
func BenchmarkParquetRead(b *testing.B) {
	blk := benchBlock(b, 1<<20)
	dir := b.TempDir()
	if _, err := NewParquetWriter(dir, WriteOptions{RowGroupRows: 1 << 17}).WriteBlock(context.Background(), 0, blk); err != nil {
		b.Fatal(err)
	}
	for _, cols := range [][]string{nil, {"PRICE", "LOT_ACRES", "DECK"}} {
		b.Run(fmt.Sprintf("columns=%d", max(len(cols), 9)), func(b *testing.B) {
			src := NewParquetDatasource([]string{filepath.Join(dir, "part-00000.parquet")}, ParquetOptions{ReadOptions{Columns: cols}})
			tasks, err := src.ReadTasks(context.Background(), 1)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rows := 0
				for _, t := range tasks {
					for blk, err := range t.Read(context.Background()) {
						if err != nil {
							b.Fatal(err)
						}
						rows += blk.NumRows()
					}
				}
				if rows != 1<<20 {
					b.Fatalf("%d rows", rows)
				}
			}
		})
	}
}

// BenchmarkParquetWrite writes 1M rows × 9 columns as one snappy file.
func BenchmarkParquetWrite(b *testing.B) {
	blk := benchBlock(b, 1<<20)
	dir := b.TempDir()
	w := NewParquetWriter(dir, WriteOptions{})
	b.SetBytes(blk.SizeBytes())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.WriteBlock(context.Background(), 0, blk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCSVRead reads back 256k rows × 9 columns of CSV.
func BenchmarkCSVRead(b *testing.B) {
	blk := benchBlock(b, 1<<18)
	dir := b.TempDir()
	p, err := NewCSVWriter(dir, WriteOptions{}).WriteBlock(context.Background(), 0, blk)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src := NewCSVDatasource([]string{p}, CSVOptions{})
		got, err := readAllErr(src)
		if err != nil || got.NumRows() != 1<<18 {
			b.Fatal(got, err)
		}
	}
}
