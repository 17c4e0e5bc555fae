package dataset

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// smallSys returns a System of cpus CPU slots whose shutdown at the end of
// the test is bounded, so that a test that found a hang still ends.
func smallSys(t testing.TB, cpus float64) *System {
	t.Helper()
	s, err := actor.NewSystem(actor.Config{CPUs: cpus})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// within runs fn and fails the test, with every goroutine's stack, if it
// has not returned after d: a hang fails instead of stalling the suite.
func within(t *testing.T, d time.Duration, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		t.Fatalf("still running after %v:\n%s", d, buf[:runtime.Stack(buf, true)])
	}
}

// csvInput writes rows rows (columns id, x = 2*id and six copies of x) as
// files CSV files
// and returns their directory.
func csvInput(t testing.TB, rows, files int) string {
	t.Helper()
	dir := t.TempDir()
	per := (rows + files - 1) / files
	d := Range(nil, rows, Options{BlockRows: per}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		ids := b.Column(0).Int64s()
		x := make([]float64, len(ids))
		for i, v := range ids {
			x[i] = 2 * float64(v)
		}
		b, err := b.WithColumn("x", NewFloat64Column(x, nil))
		for k := 1; k <= 6 && err == nil; k++ {
			b, err = b.WithColumn(fmt.Sprintf("x%d", k), NewFloat64Column(x, nil))
		}
		return b, err
	}, BatchOptions{})
	if _, err := d.WriteCSV(context.Background(), dir, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkIDs reads the CSV files of dir and checks that they hold ids 0 …
// rows-1 in order with x = 2*id.
func checkIDs(ctx context.Context, dir string, rows int) error {
	d, err := ReadCSV(ctx, nil, []string{dir}, CSVOptions{}, Options{})
	if err != nil {
		return err
	}
	next := int64(0)
	for b, err := range d.Blocks(ctx) {
		if err != nil {
			return err
		}
		id, _ := b.ColumnByName("id")
		x, _ := b.ColumnByName("x")
		for i, v := range id.Int64s() {
			if v != next || x.Float64s()[i] != 2*float64(v) {
				return fmt.Errorf("%s: row %d is id %d, x %v", dir, next, v, x.Float64s()[i])
			}
			next++
		}
	}
	if next != int64(rows) {
		return fmt.Errorf("%s: %d rows, want %d", dir, next, rows)
	}
	return nil
}

// contentionRows is the size of the contention tests' inputs: large enough
// that the memory budget is full most of the time.
func contentionRows() int {
	if testing.Short() {
		return 100_000
	}
	return 400_000
}

// TestConcurrentWritersOneCPU runs two ReadCSV → WriteCSV copies at once on
// one CPU with a memory budget of about two blocks (as 1M rows in blocks of
// 8 MiB against a 16 MiB budget). A read task waiting on the budget
// while holding the CPU starved the other copy's writes for ever.
func TestConcurrentWritersOneCPU(t *testing.T) {
	rows := 8 * contentionRows() / 10
	in := csvInput(t, rows, 1)
	s := smallSys(t, 1)
	ctx := context.Background()
	within(t, time.Minute, func() error {
		errs := make(chan error, 2)
		outs := []string{t.TempDir(), t.TempDir()}
		for _, out := range outs {
			go func() {
				// Eight float64 columns: blocks of 1 MiB, so the budget
				// holds about two.
				ro := CSVOptions{ReadOptions: ReadOptions{BlockRows: 16 << 10}}
				d, err := ReadCSV(ctx, s, []string{in}, ro, Options{MemoryBudget: 2 << 20})
				if err == nil {
					_, err = d.WriteCSV(ctx, out, WriteOptions{})
				}
				errs <- err
			}()
		}
		for range outs {
			if err := <-errs; err != nil {
				return err
			}
		}
		for _, out := range outs {
			if err := checkIDs(ctx, out, rows); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestNestedEvaluationLoop consumes one dataset while counting another
// every few blocks, as a training loop evaluating on a validation set
// does. The outer read tasks waiting on their full budget held every CPU,
// so the inner count never ran.
func TestNestedEvaluationLoop(t *testing.T) {
	rows := contentionRows()
	for _, tt := range []struct {
		cpus  float64
		files int
	}{{1, 1}, {1, 4}, {2, 4}} {
		t.Run(fmt.Sprintf("cpus=%v/files=%d", tt.cpus, tt.files), func(t *testing.T) {
			trainDir := csvInput(t, rows, tt.files)
			valDir := csvInput(t, rows/16, tt.files)
			s := smallSys(t, tt.cpus)
			ctx := context.Background()
			within(t, time.Minute, func() error {
				ro := CSVOptions{ReadOptions: ReadOptions{BlockRows: 4096}}
				train, err := ReadCSV(ctx, s, []string{trainDir}, ro, Options{MemoryBudget: 256 << 10})
				if err != nil {
					return err
				}
				val, err := ReadCSV(ctx, s, []string{valDir}, ro, Options{MemoryBudget: 256 << 10})
				if err != nil {
					return err
				}
				seen, evals := 0, 0
				for b, err := range train.Blocks(ctx) {
					if err != nil {
						return err
					}
					seen += b.NumRows()
					if evals++; evals%16 == 1 {
						n, err := val.Count(ctx)
						if err != nil {
							return err
						}
						if n != int64(rows/16) {
							return fmt.Errorf("val.Count = %d, want %d", n, rows/16)
						}
					}
				}
				if seen != rows {
					return fmt.Errorf("train: %d rows, want %d", seen, rows)
				}
				return nil
			})
		})
	}
}
