package dataset

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// genSource is a Datasource of tasks*perTask blocks of rows rows with two
// float64 columns, generated on the fly.
type genSource struct {
	tasks, perTask, rows int
	reads                atomic.Int64
}

func (g *genSource) Schema(context.Context) (Schema, error) {
	return NewSchema(Field{Name: "x", Type: Float64}, Field{Name: "y", Type: Float64}), nil
}

func (g *genSource) ReadTasks(ctx context.Context, parallelism int) ([]ReadTask, error) {
	var ts []ReadTask
	for t := range g.tasks {
		ts = append(ts, ReadTask{Name: fmt.Sprintf("gen%d", t), EstimatedRows: -1, Read: func(ctx context.Context) iter.Seq2[*Block, error] {
			return func(yield func(*Block, error) bool) {
				for k := range g.perTask {
					g.reads.Add(1)
					x := make([]float64, g.rows)
					y := make([]float64, g.rows)
					base := float64((t*g.perTask + k) * g.rows)
					for i := range x {
						x[i] = base + float64(i)
						y[i] = 1
					}
					b, err := NewBlockFromColumns([]string{"x", "y"}, []*Column{NewFloat64Column(x, nil), NewFloat64Column(y, nil)})
					if !yield(b, err) {
						return
					}
				}
			}
		}})
	}
	return ts, nil
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestStreamingStaysUnderBudget pushes 8× the memory budget through a
// pipeline with a slow consumer and checks the measured peak: the bytes in
// flight (the executor's accounting) and the live heap.
func TestStreamingStaysUnderBudget(t *testing.T) {
	const rows = 16 << 10 // 256 KiB per block (two float64 columns)
	const budget = 4 << 20
	for _, par := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(par), func(t *testing.T) {
			src := &genSource{tasks: 32, perTask: 4, rows: rows}
			ctx := context.Background()
			d, err := Read(ctx, sysN(t, par), src, Options{Parallelism: par, MemoryBudget: budget})
			if err != nil {
				t.Fatal(err)
			}
			d = d.MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
				x, _ := b.ColumnByName("x")
				out := make([]float64, b.NumRows())
				for i, v := range x.Float64s() {
					out[i] = v * 2
				}
				return b.WithColumn("x", NewFloat64Column(out, nil))
			}, BatchOptions{})
			runtime.GC()
			base := liveHeap()
			var peakLive uint64
			var total int64
			var sum float64
			for b, err := range d.Blocks(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				total += b.SizeBytes()
				y, _ := b.ColumnByName("y")
				for _, v := range y.Float64s() {
					sum += v
				}
				time.Sleep(200 * time.Microsecond) // a slow consumer
				if l := liveHeap(); l > base && l-base > peakLive {
					peakLive = l - base
				}
			}
			st := d.Stats()
			if sum != 32*4*rows {
				t.Fatalf("sum %v", sum)
			}
			if total < 8*budget {
				t.Fatalf("only %d bytes went through", total)
			}
			if st.PeakBytes > budget || st.PeakBytes == 0 {
				t.Fatalf("peak in flight %d, budget %d", st.PeakBytes, budget)
			}
			// The live heap holds the blocks in flight plus those being
			// built by the running tasks (two per task: input and output)
			// and one GC cycle of slack; it must stay far below the data.
			if peakLive > uint64(total)/2 {
				t.Fatalf("live heap peaked at %d for %d bytes streamed", peakLive, total)
			}
			t.Logf("par %d: streamed %s, peak in flight %s (budget %s), peak live heap over baseline %s",
				par, fmtBytes(total), fmtBytes(st.PeakBytes), fmtBytes(budget), fmtBytes(int64(peakLive)))
		})
	}
}

func TestEarlyStopReadsLittle(t *testing.T) {
	src := &genSource{tasks: 100, perTask: 10, rows: 10}
	d, err := Read(context.Background(), sys(t), src, Options{Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.Take(context.Background(), 25)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 25 || rows[24]["x"] != 24.0 {
		t.Fatalf("rows %v", rows[len(rows)-1])
	}
	if n := src.reads.Load(); n > 100 {
		t.Fatalf("read %d blocks for 3", n)
	}
}

func TestTaskErrorIsOrderedAndStops(t *testing.T) {
	boom := errors.New("boom")
	d := Range(sys(t), 100, Options{Parallelism: 4, BlockRows: 10}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		if b.Column(0).Int64s()[0] == 50 {
			return nil, boom
		}
		return b, nil
	}, BatchOptions{Name: "fail50"})
	var got []int64
	var err error
	for b, e := range d.Blocks(context.Background()) {
		if e != nil {
			err = e
			break
		}
		got = append(got, b.Column(0).Int64s()...)
	}
	var oe *OpError
	if !errors.Is(err, boom) || !errors.As(err, &oe) || oe.Op != "fail50" {
		t.Fatalf("err = %v", err)
	}
	if diff := cmp.Diff(seq(0, 50), got); diff != "" {
		t.Fatal(diff)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := Range(sys(t), 1<<20, Options{Parallelism: 2, BlockRows: 1 << 10})
	n := 0
	var err error
	for _, e := range d.Blocks(ctx) {
		if e != nil {
			err = e
			break
		}
		n++
		if n == 3 {
			cancel()
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v after %d blocks", err, n)
	}
}
