package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// promptly is how soon after its context ends a consumer must return.
const promptly = 100 * time.Millisecond

// consumer is one way of consuming a dataset.
type consumer struct {
	name string
	run  func(ctx context.Context, d *Dataset) error
}

// drain consumes an iterator to its end or first error.
func drain[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// consumers lists every consuming method of a Dataset; dir is where the
// writers write.
func consumers(dir string) []consumer {
	return []consumer{
		{"Count", func(ctx context.Context, d *Dataset) error { _, err := d.Count(ctx); return err }},
		{"Take", func(ctx context.Context, d *Dataset) error { _, err := d.Take(ctx, 5); return err }},
		{"Show", func(ctx context.Context, d *Dataset) error { return d.Show(ctx, io.Discard, 5) }},
		{"Blocks", func(ctx context.Context, d *Dataset) error { return drain(d.Blocks(ctx)) }},
		{"Batches", func(ctx context.Context, d *Dataset) error { return drain(d.Batches(ctx, 100, IterOptions{})) }},
		{"Rows", func(ctx context.Context, d *Dataset) error { return drain(d.Rows(ctx, IterOptions{})) }},
		{"Materialize", func(ctx context.Context, d *Dataset) error { _, err := d.Materialize(ctx); return err }},
		{"WriteCSV", func(ctx context.Context, d *Dataset) error {
			_, err := d.WriteCSV(ctx, dir, WriteOptions{})
			return err
		}},
		{"Sum", func(ctx context.Context, d *Dataset) error { _, err := d.Sum(ctx, "x"); return err }},
		{"Unique", func(ctx context.Context, d *Dataset) error { _, err := d.Unique(ctx, "id"); return err }},
		{"GroupBy", func(ctx context.Context, d *Dataset) error {
			_, err := d.GroupBy("id").Count().Take(ctx, 1)
			return err
		}},
		{"RandomShuffle", func(ctx context.Context, d *Dataset) error { _, err := d.RandomShuffle(1).Take(ctx, 1); return err }},
		{"Sort", func(ctx context.Context, d *Dataset) error { _, err := d.Sort("x", true).Take(ctx, 1); return err }},
		{"Split", func(ctx context.Context, d *Dataset) error { _, err := d.Split(ctx, 2, false); return err }},
		{"SplitAt", func(ctx context.Context, d *Dataset) error { _, err := d.SplitAt(ctx, 10); return err }},
		{"TrainTestSplit", func(ctx context.Context, d *Dataset) error {
			_, _, err := d.TrainTestSplit(ctx, 0.25, SplitOptions{Shuffle: true, Seed: 1})
			return err
		}},
		{"Schema", func(ctx context.Context, d *Dataset) error {
			// A Map's schema is known only by running it.
			_, err := d.Map(func(r Row) (Row, error) { return r, nil }).Schema(ctx)
			return err
		}},
		{"ActorPool", func(ctx context.Context, d *Dataset) error {
			_, err := d.MapBatches(func(ctx context.Context, b *Block) (*Block, error) { return b, nil },
				BatchOptions{Compute: &ActorPoolStrategy{Size: 1}}).Take(ctx, 1)
			return err
		}},
		{"Fit", func(ctx context.Context, d *Dataset) error {
			return (&StandardScaler{Columns: []string{"x"}}).Fit(ctx, d)
		}},
	}
}

// holdCPUs spawns an actor holding every CPU of s until the test ends.
func holdCPUs(t *testing.T, s *System) {
	t.Helper()
	h, err := actor.Spawn(context.Background(), s, func(context.Context) (*struct{}, error) { return &struct{}{}, nil },
		actor.Options{NumCPUs: s.Resources()["CPU"]})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Kill)
}

// TestConsumersReturnWhenCtxEnds consumes a dataset on a System whose CPUs
// an actor holds, so no task can ever start: every consumer must return
// the context's error within promptly of its deadline, instead of waiting
// for tasks that never run.
func TestConsumersReturnWhenCtxEnds(t *testing.T) {
	in := csvInput(t, 2000, 2)
	s := smallSys(t, 1)
	d, err := ReadCSV(context.Background(), s, []string{in}, CSVOptions{ReadOptions: ReadOptions{BlockRows: 100}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	holdCPUs(t, s)
	for _, c := range consumers(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			// A consumer that waits on something is late every time; one
			// delayed by a loaded machine (the race detector, other
			// processes) is not late three times in a row.
			var lates []time.Duration
			for range 3 {
				late, err := lateness(c, d)
				if err != nil {
					t.Fatal(err)
				}
				if late <= promptly {
					return
				}
				lates = append(lates, late)
			}
			t.Fatalf("returned %v after the deadline", lates)
		})
	}
}

// lateness runs c with a 50 ms deadline and returns how long after the
// deadline it returned; its error must be the deadline's.
func lateness(c consumer, d *Dataset) (time.Duration, error) {
	const deadline = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- c.run(ctx, d) }()
	select {
	case err := <-done:
		late := time.Since(start) - deadline
		if !errors.Is(err, context.DeadlineExceeded) {
			return late, fmt.Errorf("err = %v, want the deadline", err)
		}
		return late, nil
	case <-time.After(10 * time.Second):
		return 0, errors.New("still running 10s after the deadline")
	}
}

// TestCountDeadlineOnBusyCPU: a task holding the only CPU for a while makes
// Count wait, but Count still returns at its deadline, and the System is
// usable afterwards.
func TestCountDeadlineOnBusyCPU(t *testing.T) {
	in := csvInput(t, 2000, 2)
	s := smallSys(t, 1)
	d, err := ReadCSV(context.Background(), s, []string{in}, CSVOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	busy := actor.Go(context.Background(), s, func(ctx context.Context) (int, error) {
		close(started)
		<-release
		return 0, nil
	}, actor.TaskOptions{})
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	within(t, 10*time.Second, func() error {
		_, err := d.Count(ctx)
		if late := time.Since(start) - 300*time.Millisecond; late > promptly {
			return fmt.Errorf("Count returned %v after its deadline", late)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("Count: %v, want the deadline", err)
		}
		close(release)
		if _, err := busy.Get(context.Background()); err != nil {
			return err
		}
		if n, err := d.Count(context.Background()); n != 2000 || err != nil {
			return fmt.Errorf("Count after = %d, %v", n, err)
		}
		return nil
	})
}

// TestCancelDoesNotWaitForRunningUserCode cancels a consumer while a
// MapBatches function that ignores its context runs: the consumer returns
// at once; the function finishes on its own.
func TestCancelDoesNotWaitForRunningUserCode(t *testing.T) {
	s := smallSys(t, 2)
	running := make(chan struct{}, 16)
	release := make(chan struct{})
	defer close(release)
	d := Range(s, 1000, Options{BlockRows: 100}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		running <- struct{}{}
		<-release
		return b, nil
	}, BatchOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan time.Time, 1)
	go func() {
		<-running
		cancelled <- time.Now()
		cancel()
	}()
	within(t, 10*time.Second, func() error {
		_, err := d.Count(ctx)
		if !errors.Is(err, context.Canceled) {
			return fmt.Errorf("Count: %v, want cancelled", err)
		}
		if late := time.Since(<-cancelled); late > promptly {
			return fmt.Errorf("Count returned %v after its cancellation", late)
		}
		return nil
	})
}

// TestDatasetInTaskWithDeadline runs a dataset inside a task that holds the
// only CPU: the dataset finishes (its waits lend the task's CPU) or at the
// latest returns at its deadline, never hangs.
func TestDatasetInTaskWithDeadline(t *testing.T) {
	s := smallSys(t, 1)
	d := Range(s, 10_000, Options{BlockRows: 1000})
	within(t, 10*time.Second, func() error {
		f := actor.Go(context.Background(), s, func(ctx context.Context) (int64, error) {
			ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			n, err := d.Filter(func(Row) (bool, error) { return true, nil }).Count(ctx)
			if late := time.Since(start) - 300*time.Millisecond; late > promptly {
				return 0, fmt.Errorf("returned %v after the deadline", late)
			}
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return 0, err
			}
			if err == nil && n != 10_000 {
				return 0, fmt.Errorf("Count = %d", n)
			}
			return n, nil
		}, actor.TaskOptions{})
		_, err := f.Get(context.Background())
		return err
	})
}

// TestConsumersOnShutDownSystem consumes a dataset whose System was shut
// down: every consumer fails with ErrShutdown, none hangs.
func TestConsumersOnShutDownSystem(t *testing.T) {
	in := csvInput(t, 2000, 2)
	s, err := actor.NewSystem(actor.Config{CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadCSV(context.Background(), s, []string{in}, CSVOptions{ReadOptions: ReadOptions{BlockRows: 100}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range consumers(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			within(t, 10*time.Second, func() error {
				if err := c.run(context.Background(), d); !errors.Is(err, actor.ErrShutdown) {
					return fmt.Errorf("err = %v, want ErrShutdown", err)
				}
				return nil
			})
		})
	}
}

// TestShutdownDuringActorPool shuts the System down while a MapBatches on
// an actor pool streams: the consumer gets an error, it does not hang.
func TestShutdownDuringActorPool(t *testing.T) {
	s, err := actor.NewSystem(actor.Config{CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	d := Range(s, 100_000, Options{BlockRows: 100}).MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		time.Sleep(time.Millisecond)
		return b, nil
	}, BatchOptions{Compute: &ActorPoolStrategy{Size: 2}})
	within(t, 20*time.Second, func() error {
		n := 0
		for _, err := range d.Blocks(context.Background()) {
			if err != nil {
				if !errors.Is(err, actor.ErrShutdown) && !errors.Is(err, actor.ErrActorDied) {
					return fmt.Errorf("err = %v, want ErrShutdown or ErrActorDied", err)
				}
				return nil
			}
			if n++; n == 5 {
				go s.Shutdown(context.Background()) //nolint:errcheck // the consumer reports
			}
		}
		return errors.New("the stream ended without an error")
	})
}
