package actor

import (
	"context"
	"testing"
)

func noop(context.Context, *counter) (int, error) { return 0, nil }

// BenchmarkCallAsync submits calls in batches of 1000 to one serial actor,
// then gets them all (Ray's 1_1_actor_calls_async shape).
func BenchmarkCallAsync(b *testing.B) {
	sys, _ := NewSystem(Config{CPUs: 2})
	defer sys.Shutdown(context.Background())
	ctx := context.Background()
	h, _ := Spawn(ctx, sys, newCounter, Options{})
	fs := make([]*Future[int], 0, 1000)
	b.ReportAllocs()
	for i := 0; i < b.N; {
		fs = fs[:0]
		for j := 0; j < 1000 && i < b.N; j, i = j+1, i+1 {
			fs = append(fs, Call(h, noop))
		}
		for _, f := range fs {
			f.Get(ctx)
		}
	}
}

// BenchmarkCallSync is one call then Get, repeated.
func BenchmarkCallSync(b *testing.B) {
	sys, _ := NewSystem(Config{CPUs: 2})
	defer sys.Shutdown(context.Background())
	ctx := context.Background()
	h, _ := Spawn(ctx, sys, newCounter, Options{})
	b.ReportAllocs()
	for range b.N {
		Call(h, noop).Get(ctx)
	}
}

func noTask(context.Context) (int, error) { return 0, nil }

// BenchmarkTaskAsync submits 1-CPU no-op tasks in batches of 1000.
func BenchmarkTaskAsync(b *testing.B) {
	sys, _ := NewSystem(Config{CPUs: 2})
	defer sys.Shutdown(context.Background())
	ctx := context.Background()
	fs := make([]*Future[int], 0, 1000)
	b.ReportAllocs()
	for i := 0; i < b.N; {
		fs = fs[:0]
		for j := 0; j < 1000 && i < b.N; j, i = j+1, i+1 {
			fs = append(fs, Go(context.Background(), sys, noTask, TaskOptions{}))
		}
		for _, f := range fs {
			f.Get(ctx)
		}
	}
}

func BenchmarkTaskSync(b *testing.B) {
	sys, _ := NewSystem(Config{CPUs: 2})
	defer sys.Shutdown(context.Background())
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		Go(context.Background(), sys, noTask, TaskOptions{}).Get(ctx)
	}
}
