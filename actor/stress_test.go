package actor

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestStressNoHang mixes concurrent callers, crashing calls with restarts,
// kills, tasks of several sizes and a Shutdown, and checks that every
// future settles with a result or one of the documented errors.
func TestStressNoHang(t *testing.T) {
	sys, err := NewSystem(Config{CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var hs []*Handle[counter]
	for i := range 6 {
		h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 0.25, MaxConcurrency: 1 + i%3, MaxRestarts: i % 3, MaxTaskRetries: min(i%2, i%3)})
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	var mu sync.Mutex
	var fs []*Future[int]
	add := func(f *Future[int]) {
		mu.Lock()
		fs = append(fs, f)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				h := hs[(g+i)%len(hs)]
				switch i % 50 {
				case 7:
					add(Call(h, func(context.Context, *counter) (int, error) { panic("stress") }))
				case 23:
					add(Go(context.Background(), sys, func(context.Context) (int, error) { return 0, errors.New("task error") }, TaskOptions{NumCPUs: 0.5}))
				case 41:
					if g == 0 && i > 200 {
						h.Kill()
					}
				default:
					add(Call(h, func(context.Context, *counter) (int, error) { return i, nil })) // some actors are concurrent: no state
					add(Go(context.Background(), sys, func(context.Context) (int, error) { return i, nil }, TaskOptions{NumCPUs: 0.5}))
				}
			}
		}()
	}
	wg.Wait()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sys.Shutdown(sctx); err != nil {
		buf := make([]byte, 1<<20)
		t.Fatalf("Shutdown: %v\n%s", err, buf[:runtime.Stack(buf, true)])
	}
	for i, f := range fs {
		if !f.Ready() {
			t.Fatalf("future %d never settled", i)
		}
		_, err := f.Get(ctx)
		var te *TaskError
		if err != nil && !errors.Is(err, ErrActorDied) && !errors.Is(err, ErrShutdown) && !errors.As(err, &te) {
			t.Fatalf("future %d: unexpected error %v", i, err)
		}
	}
}
