package dataset

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkExecutorBlocks streams 1M rows in blocks of 1k rows through a
// MapBatches on a 2-CPU System, from one-block tasks (Range) and from four
// tasks of many blocks each (a file read): the executor's cost per block.
func BenchmarkExecutorBlocks(b *testing.B) {
	ctx := context.Background()
	const rows, blockRows = 1 << 20, 1 << 10
	identity := func(ctx context.Context, b *Block) (*Block, error) { return b, nil }
	sources := []struct {
		name string
		make func(s *System) (*Dataset, error)
	}{
		{"range", func(s *System) (*Dataset, error) { return Range(s, rows, Options{BlockRows: blockRows}), nil }},
		{"files", func(s *System) (*Dataset, error) {
			return Read(ctx, s, &genSource{tasks: 4, perTask: rows / blockRows / 4, rows: blockRows}, Options{})
		}},
	}
	for _, src := range sources {
		b.Run(fmt.Sprintf("%s/blockRows=%d", src.name, blockRows), func(b *testing.B) {
			d, err := src.make(sys(b))
			if err != nil {
				b.Fatal(err)
			}
			d = d.MapBatches(identity, BatchOptions{})
			for b.Loop() {
				if n, err := d.Count(ctx); n != rows || err != nil {
					b.Fatal(n, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows/blockRows), "ns/block")
		})
	}
}
