package dataset

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writeStreamSet writes a Hive-partitioned parquet set of files files, each
// of groups row groups of rows rows, with columns id (int64), x and y
// (float64), under part=k directories. It returns the root and the sum of
// x over every row.
func writeStreamSet(t *testing.T, files, groups, rows int) (string, float64) {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	var sumX float64
	for k := range files {
		n := groups * rows
		id := make([]int64, n)
		x := make([]float64, n)
		y := make([]float64, n)
		for i := range n {
			g := int64(k*n + i)
			id[i], x[i], y[i] = g, float64(g%1000)/8, -1
			sumX += x[i]
		}
		b, err := NewBlockFromColumns([]string{"id", "x", "y"},
			[]*Column{NewInt64Column(id, nil), NewFloat64Column(x, nil), NewFloat64Column(y, nil)})
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, fmt.Sprintf("part=%d", k))
		if _, err := NewParquetWriter(dir, WriteOptions{RowGroupRows: rows}).WriteBlock(ctx, 0, b); err != nil {
			t.Fatal(err)
		}
	}
	return root, sumX
}

// TestStreamingParquetThroughSmallBudget reads a parquet set several times
// the size of the memory budget (one read task per row group, the
// projection pushed into the reader), maps it and consumes it in batches
// with a slow consumer, under 1, 2 and 8 workers. It checks every row
// arrived once, that the executor's measured peak of block bytes in flight
// stayed under the budget, and that the live heap stayed far below the
// data's size.
func TestStreamingParquetThroughSmallBudget(t *testing.T) {
	const (
		files, groups, groupRows = 8, 4, 32 << 10
		blockRows                = 8 << 10 // 4 columns out of the map: 256 KiB blocks
		budget                   = 2 << 20
	)
	root, sumX := writeStreamSet(t, files, groups, groupRows)
	total := files * groups * groupRows
	for _, par := range []int{1, 2, 8} {
		t.Run(fmt.Sprint("workers ", par), func(t *testing.T) {
			ctx := context.Background()
			d, err := ReadParquet(ctx, sysN(t, par), []string{root}, ParquetOptions{ReadOptions{BlockRows: blockRows}},
				Options{Parallelism: par, MemoryBudget: budget})
			if err != nil {
				t.Fatal(err)
			}
			d = d.DropColumns("y").MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
				x, err := b.ColumnByName("x")
				if err != nil {
					return nil, err
				}
				out := make([]float64, b.NumRows())
				for i, v := range x.Float64s() {
					out[i] = 2 * v
				}
				return b.WithColumn("x2", NewFloat64Column(out, nil))
			}, BatchOptions{Name: "double"})
			runtime.GC()
			base := liveHeap()
			var peakLive uint64
			var streamed int64
			var got float64
			seen := make([]bool, total)
			parts := map[int64]int{}
			for b, err := range d.Batches(ctx, 1000, IterOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				streamed += b.SizeBytes()
				id, _ := b.ColumnByName("id")
				x2, _ := b.ColumnByName("x2")
				part, _ := b.ColumnByName("part")
				for i, v := range id.Int64s() {
					if seen[v] {
						t.Fatalf("row %d twice", v)
					}
					seen[v] = true
					got += x2.Float64s()[i]
					parts[part.Int64s()[i]]++
				}
				time.Sleep(100 * time.Microsecond) // a consumer slower than the readers
				if l := liveHeap(); l > base && l-base > peakLive {
					peakLive = l - base
				}
			}
			for i, ok := range seen {
				if !ok {
					t.Fatalf("row %d missing", i)
				}
			}
			if got != 2*sumX {
				t.Fatalf("sum of x2 %v, want %v", got, 2*sumX)
			}
			if len(parts) != files || parts[0] != groups*groupRows {
				t.Fatalf("partition column: %v", parts)
			}
			st := d.Stats()
			if streamed < 4*budget {
				t.Fatalf("only %s streamed through a %s budget", fmtBytes(streamed), fmtBytes(budget))
			}
			if st.PeakBytes <= 0 || st.PeakBytes > budget {
				t.Fatalf("peak in flight %s, budget %s", fmtBytes(st.PeakBytes), fmtBytes(budget))
			}
			if !strings.Contains(st.Ops[0].Name, "DropColumns") || st.Ops[0].Blocks != total/blockRows {
				t.Fatalf("read not split by row group or projection not pushed:\n%v", st)
			}
			// Beyond the blocks in flight, each running read task holds its
			// column read buffers (1 MiB per column) and the block it is
			// building; the live heap must stay within that, whatever the
			// data's size.
			if limit := uint64(budget + par*4<<20 + 4<<20); peakLive > limit {
				t.Errorf("live heap peaked at %s for %s streamed (limit %s)", fmtBytes(int64(peakLive)), fmtBytes(streamed), fmtBytes(int64(limit)))
			}
			t.Logf("workers %d: streamed %s through a budget of %s; peak in flight %s (%.0f%% of the budget); peak live heap over baseline %s",
				par, fmtBytes(streamed), fmtBytes(budget), fmtBytes(st.PeakBytes), 100*float64(st.PeakBytes)/budget, fmtBytes(int64(peakLive)))
		})
	}
}

// TestStreamingBudgetBoundsReadAhead: with a consumer that has stopped
// (it holds the first block and waits), the readers may not run ahead of
// the budget. The blocks admitted stay within the budget; beyond them each
// running task may hold the one block it has built and waits to hand over,
// so at most budget/blockSize + workers blocks exist.
func TestStreamingBudgetBoundsReadAhead(t *testing.T) {
	const rows = 8 << 10 // 128 KiB blocks
	const blockBytes = rows * 16
	const budget = 1 << 20
	for _, par := range []int{1, 2, 8} {
		t.Run(fmt.Sprint("workers ", par), func(t *testing.T) {
			src := &genSource{tasks: 64, perTask: 2, rows: rows}
			d, err := Read(context.Background(), sysN(t, par), src, Options{Parallelism: par, MemoryBudget: budget})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, err := range d.Blocks(context.Background()) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 1 {
					time.Sleep(50 * time.Millisecond) // let the readers run ahead as far as they may
					r := src.reads.Load()
					if r > budget/blockBytes+int64(par) {
						t.Fatalf("%d blocks (%s) built while the consumer held one, budget %s, %d workers",
							r, fmtBytes(r*blockBytes), fmtBytes(budget), par)
					}
					t.Logf("workers %d: %d blocks (%s) built ahead with a %s budget", par, r, fmtBytes(r*blockBytes), fmtBytes(budget))
				}
			}
			if n != 128 || d.Stats().PeakBytes > budget {
				t.Fatalf("%d blocks, peak %d", n, d.Stats().PeakBytes)
			}
		})
	}
}
