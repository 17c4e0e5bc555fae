package dataset

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// TestNoGoroutinesLeft: a plan with reads, a write, an actor pool and a
// shuffle leaves no goroutine behind once its system is shut down.
func TestNoGoroutinesLeft(t *testing.T) {
	ctx := context.Background()
	runtime.GC()
	base := runtime.NumGoroutine()
	s, err := actor.NewSystem(actor.Config{CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	d := Range(s, 2000, Options{BlockRows: 100}).
		MapBatches(func(ctx context.Context, b *Block) (*Block, error) { return b, nil },
			BatchOptions{Compute: &ActorPoolStrategy{Size: 2}}).
		RandomShuffle(7)
	if _, err := d.Write(ctx, NewParquetWriter(dir, WriteOptions{})); err != nil {
		t.Fatal(err)
	}
	back, err := ReadParquet(ctx, s, []string{dir}, ParquetOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Stop early too: an abandoned stream must not strand its workers.
	for _, err := range back.Limit(10).Blocks(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if n, err := back.Count(ctx); n != 2000 || err != nil {
		t.Fatalf("Count = %d, %v", n, err)
	}
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after Shutdown, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
