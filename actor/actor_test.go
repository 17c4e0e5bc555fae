package actor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newSys(t *testing.T, cfg Config) *System {
	t.Helper()
	sys, err := NewSystem(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return sys
}

type counter struct{ n int }

func newCounter(context.Context) (*counter, error) { return &counter{}, nil }

func TestFractionalCPUPacking(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx := context.Background()
	var hs []*Handle[counter]
	for i := range 4 {
		h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 0.5})
		if err != nil {
			t.Fatalf("actor %d: %v", i, err)
		}
		hs = append(hs, h)
	}
	if got := sys.Available()["CPU"]; got != 0 {
		t.Fatalf("available CPU after 4 x 0.5 = %v, want 0", got)
	}
	// All four run at once: each call waits until all four have started.
	var started sync.WaitGroup
	started.Add(4)
	var fs []Waitable
	for _, h := range hs {
		fs = append(fs, Call(h, func(ctx context.Context, c *counter) (int, error) {
			started.Done()
			started.Wait()
			return 1, nil
		}))
	}
	if ready, _, err := Wait(ctx, fs, 4, 5*time.Second); err != nil || len(ready) != 4 {
		t.Fatalf("4 actors did not run at once: ready=%d err=%v", len(ready), err)
	}
	// A fifth waits for resources.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := Spawn(short, sys, newCounter, Options{NumCPUs: 0.5}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("5th spawn: err = %v, want deadline exceeded", err)
	}
	type res struct {
		h   *Handle[counter]
		err error
	}
	got := make(chan res, 1)
	go func() {
		h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 0.5})
		got <- res{h, err}
	}()
	select {
	case r := <-got:
		t.Fatalf("5th spawn did not wait: %v", r.err)
	case <-time.After(30 * time.Millisecond):
	}
	hs[0].Kill()
	select {
	case r := <-got:
		if r.err != nil {
			t.Fatal(r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("5th spawn still waiting after a kill")
	}
}

func TestSerialMailboxOrder(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, err := Spawn(ctx, sys, func(context.Context) (*[]int, error) { return new([]int), nil }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var running, overlap atomic.Int32
	const n = 2000
	var last *Future[int]
	for i := range n {
		last = Call(h, func(_ context.Context, s *[]int) (int, error) {
			if running.Add(1) > 1 {
				overlap.Add(1)
			}
			*s = append(*s, i)
			running.Add(-1)
			return len(*s), nil
		})
	}
	if v, err := last.Get(ctx); err != nil || v != n {
		t.Fatalf("last = %d, %v", v, err)
	}
	order, _ := Call(h, func(_ context.Context, s *[]int) ([]int, error) { return append([]int(nil), *s...), nil }).Get(ctx)
	for i, v := range order {
		if v != i {
			t.Fatalf("call %d ran at position %d", v, i)
		}
	}
	if overlap.Load() != 0 {
		t.Fatalf("%d calls overlapped on a serial actor", overlap.Load())
	}
}

func TestMaxConcurrency(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, err := Spawn(ctx, sys, newCounter, Options{MaxConcurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	var running, peak atomic.Int32
	gate := make(chan struct{})
	var fs []Waitable
	for range 8 {
		fs = append(fs, Call(h, func(ctx context.Context, c *counter) (int, error) {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-gate
			running.Add(-1)
			return 0, nil
		}))
	}
	deadline := time.Now().Add(5 * time.Second)
	for peak.Load() < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	if p := peak.Load(); p != 4 {
		t.Fatalf("peak concurrency = %d, want 4", p)
	}
	close(gate)
	if ready, _, _ := Wait(ctx, fs, 8, 5*time.Second); len(ready) != 8 {
		t.Fatalf("ready = %d", len(ready))
	}
}

func TestRestartAfterPanic(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	var built atomic.Int32
	ctor := func(context.Context) (*counter, error) {
		built.Add(1)
		return &counter{n: 100}, nil
	}
	h, err := Spawn(ctx, sys, ctor, Options{MaxRestarts: 1, MaxTaskRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	incr := func(_ context.Context, c *counter) (int, error) { c.n++; return c.n, nil }
	for range 3 {
		Call(h, incr)
	}
	if v, _ := Call(h, incr).Get(ctx); v != 104 {
		t.Fatalf("before crash: %d", v)
	}
	// The crashing call is retried once on the rebuilt actor, panics again
	// only on the first run.
	var runs atomic.Int32
	crash := Call(h, func(_ context.Context, c *counter) (int, error) {
		if runs.Add(1) == 1 {
			panic("boom")
		}
		c.n++
		return c.n, nil
	})
	after := Call(h, incr)
	if v, err := crash.Get(ctx); err != nil || v != 101 {
		t.Fatalf("retried call = %d, %v; want 101 (state rebuilt)", v, err)
	}
	if v, err := after.Get(ctx); err != nil || v != 102 {
		t.Fatalf("call after restart = %d, %v", v, err)
	}
	if built.Load() != 2 || h.Restarts() != 1 {
		t.Fatalf("built %d times, restarts %d", built.Load(), h.Restarts())
	}
	// Restarts exhausted: the next crash kills it.
	_, err = Call(h, func(context.Context, *counter) (int, error) { panic(fmt.Errorf("second: %w", context.Canceled)) }).Get(ctx)
	var pe *PanicError
	var ae *ActorError
	if !errors.Is(err, ErrActorDied) || !errors.As(err, &pe) || !errors.As(err, &ae) || len(pe.Stack) == 0 {
		t.Fatalf("err = %v, want ErrActorDied with a PanicError", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("panic value not reachable: %v", err)
	}
	if _, err := Call(h, incr).Get(ctx); !errors.Is(err, ErrActorDied) {
		t.Fatalf("call on dead actor: %v", err)
	}
	select {
	case <-h.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("dead actor did not stop")
	}
}

func TestActorDiedWithoutRestarts(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, err := Spawn(ctx, sys, newCounter, Options{Name: "fragile", NumCPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	crash := Call(h, func(context.Context, *counter) (int, error) { <-gate; panic("down") })
	queued := Call(h, func(context.Context, *counter) (int, error) { return 1, nil })
	close(gate)
	for _, f := range []*Future[int]{crash, queued} {
		if _, err := f.Get(ctx); !errors.Is(err, ErrActorDied) {
			t.Fatalf("err = %v, want ErrActorDied", err)
		}
	}
	<-h.Done()
	if got := sys.Available()["CPU"]; got != 1 {
		t.Fatalf("CPU not released: %v", got)
	}
	if _, err := Lookup[counter](sys, "fragile"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dead actor still named: %v", err)
	}
}

func TestCallErrorKeepsActor(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, _ := Spawn(ctx, sys, newCounter, Options{Name: "c"})
	sentinel := errors.New("bad input")
	_, err := Call(h, func(context.Context, *counter) (int, error) { return 0, sentinel }).Get(ctx)
	var ae *ActorError
	if !errors.Is(err, sentinel) || !errors.As(err, &ae) || ae.Actor != "c" || errors.Is(err, ErrActorDied) {
		t.Fatalf("err = %v", err)
	}
	if !h.Alive() {
		t.Fatal("an error killed the actor")
	}
}

func TestConstructorFailure(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	_, err := Spawn(ctx, sys, func(context.Context) (*counter, error) { panic("no") }, Options{NumCPUs: 1, Name: "x"})
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	if got := sys.Available()["CPU"]; got != 1 {
		t.Fatalf("CPU not released after failed spawn: %v", got)
	}
	if _, err := Spawn(ctx, sys, newCounter, Options{Name: "x"}); err != nil {
		t.Fatalf("name not freed: %v", err)
	}
}

func TestOptionsValidation(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2, Resources: map[string]float64{"fs": 1}})
	ctx := context.Background()
	tests := []struct {
		name string
		opts Options
		want error
	}{
		{"too many CPUs", Options{NumCPUs: 3}, ErrUnschedulable},
		{"unknown resource", Options{Resources: map[string]float64{"tpu": 1}}, ErrUnschedulable},
		{"too fine", Options{NumCPUs: 0.00001}, ErrInvalidOptions},
		{"negative", Options{NumGPUs: -1}, ErrInvalidOptions},
		{"retries without restarts", Options{MaxTaskRetries: 1}, ErrInvalidOptions},
		{"reserved", Options{Resources: map[string]float64{"CPU": 1}}, ErrInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Spawn(ctx, sys, newCounter, tt.opts); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Spawn(ctx, sys, newCounter, Options{Name: "n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Spawn(ctx, sys, newCounter, Options{Name: "n"}); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := Lookup[int](sys, "n"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("wrong type lookup: %v", err)
	}
	h, err := Lookup[counter](sys, "n")
	if err != nil || h.Name() != "n" {
		t.Fatalf("lookup: %v", err)
	}
}

func TestKill(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, _ := Spawn(ctx, sys, newCounter, Options{})
	gate := make(chan struct{})
	running := Call(h, func(ctx context.Context, c *counter) (int, error) {
		close(gate)
		<-ctx.Done() // Kill cancels the actor's context
		return 7, nil
	})
	queued := Call(h, func(context.Context, *counter) (int, error) { return 1, nil })
	<-gate
	h.Kill()
	if v, err := running.Get(ctx); v != 7 || err != nil {
		t.Fatalf("running call = %d, %v", v, err)
	}
	if _, err := queued.Get(ctx); !errors.Is(err, ErrActorDied) || !errors.Is(err, ErrKilled) {
		t.Fatalf("queued call: %v", err)
	}
	<-h.Done()
	if h.Alive() {
		t.Fatal("alive after kill")
	}
}

func TestTaskRetries(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx := context.Background()
	boom := errors.New("flaky")
	tests := []struct {
		name     string
		opts     TaskOptions
		failures int  // attempts that fail before success
		panics   bool // fail by panic (else by error)
		wantRuns int32
		wantErr  bool
	}{
		{"panic retried", TaskOptions{MaxRetries: 3}, 2, true, 3, false},
		{"panic exhausts", TaskOptions{MaxRetries: 2}, 5, true, 3, true},
		{"error not retried", TaskOptions{MaxRetries: 3}, 1, false, 1, true},
		{"error retried", TaskOptions{MaxRetries: 3, RetryErrors: true}, 2, false, 3, false},
		{"unlimited", TaskOptions{MaxRetries: -1}, 10, true, 11, false},
		{"no retries", TaskOptions{}, 1, true, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var runs atomic.Int32
			tt.opts.Name = tt.name
			v, err := Go(context.Background(), sys, func(context.Context) (int, error) {
				n := runs.Add(1)
				if int(n) <= tt.failures {
					if tt.panics {
						panic(boom)
					}
					return 0, boom
				}
				return int(n), nil
			}, tt.opts).Get(ctx)
			if runs.Load() != tt.wantRuns {
				t.Fatalf("runs = %d, want %d", runs.Load(), tt.wantRuns)
			}
			if !tt.wantErr {
				if err != nil || v != int(tt.wantRuns) {
					t.Fatalf("got %d, %v", v, err)
				}
				return
			}
			var te *TaskError
			if !errors.As(err, &te) || te.Attempts != int(tt.wantRuns) || !errors.Is(err, boom) || te.Task != tt.name {
				t.Fatalf("err = %v", err)
			}
			var pe *PanicError
			if errors.As(err, &pe) != tt.panics {
				t.Fatalf("PanicError present = %v, want %v", !tt.panics, tt.panics)
			}
		})
	}
}

func TestTasksNeverOversubscribe(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx := context.Background()
	var inUse, peak atomic.Int64 // in units of 0.5 CPU
	var fs []Waitable
	cpus := []float64{0.5, 1, 1.5, 2, 0.5, 0.5, 1}
	for i := range 200 {
		c := cpus[i%len(cpus)]
		u := int64(c * 2)
		fs = append(fs, Go(context.Background(), sys, func(context.Context) (int, error) {
			n := inUse.Add(u)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			runtime.Gosched()
			inUse.Add(-u)
			return 0, nil
		}, TaskOptions{NumCPUs: c}))
	}
	if ready, _, _ := Wait(ctx, fs, len(fs), 10*time.Second); len(ready) != len(fs) {
		t.Fatal("tasks did not finish")
	}
	if p := peak.Load(); p > 4 {
		t.Fatalf("peak demand %v CPUs > 2", float64(p)/2)
	}
	if _, err := Go(context.Background(), sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{NumCPUs: 3}).Get(ctx); !errors.Is(err, ErrUnschedulable) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Go(context.Background(), sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{MaxRetries: -2}).Get(ctx); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("MaxRetries -2: err = %v", err)
	}
}

func TestFIFOAdmission(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	gate := make(chan struct{})
	blocker := Go(context.Background(), sys, func(context.Context) (int, error) { <-gate; return 0, nil }, TaskOptions{})
	var mu sync.Mutex
	var order []int
	var fs []Waitable
	// A 1-CPU task queued first must not be overtaken by later small ones.
	for i := range 6 {
		c := 0.25
		if i == 0 {
			c = 1
		}
		fs = append(fs, Go(context.Background(), sys, func(context.Context) (int, error) {
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			return 0, nil
		}, TaskOptions{NumCPUs: c}))
	}
	close(gate)
	blocker.Get(ctx)
	Wait(ctx, fs, len(fs), 5*time.Second)
	if len(order) != 6 || order[0] != 0 {
		t.Fatalf("order = %v, want task 0 first", order)
	}
}

func TestGetCancellation(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	gate := make(chan struct{})
	f := Go(context.Background(), sys, func(context.Context) (int, error) { <-gate; return 5, nil }, TaskOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, err := f.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	close(gate)
	if v, err := f.Get(context.Background()); v != 5 || err != nil {
		t.Fatalf("later Get = %d, %v", v, err)
	}
}

func TestWait(t *testing.T) {
	sys := newSys(t, Config{CPUs: 4})
	ctx := context.Background()
	gates := make([]chan struct{}, 4)
	var fs []Waitable
	for i := range gates {
		gates[i] = make(chan struct{})
		fs = append(fs, Go(context.Background(), sys, func(context.Context) (int, error) { <-gates[i]; return i, nil }, TaskOptions{}))
	}
	// Timeout: nothing ready.
	start := time.Now()
	ready, notReady, err := Wait(ctx, fs, 1, 30*time.Millisecond)
	if err != nil || len(ready) != 0 || len(notReady) != 4 || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("timeout: ready=%d notReady=%d err=%v", len(ready), len(notReady), err)
	}
	// Zero timeout polls.
	if ready, _, _ := Wait(ctx, fs, 1, 0); len(ready) != 0 {
		t.Fatal("poll returned ready futures")
	}
	close(gates[2])
	close(gates[3])
	ready, notReady, err = Wait(ctx, fs, 1, NoTimeout)
	if err != nil || len(ready) != 1 || len(notReady) != 3 {
		t.Fatalf("n=1: ready=%d notReady=%d err=%v", len(ready), len(notReady), err)
	}
	if r := ready[0]; r != fs[2] && r != fs[3] {
		t.Fatal("ready holds an unfinished future")
	}
	// Both finished: the first n in input order.
	if ready, notReady, _ = Wait(ctx, fs, 2, NoTimeout); len(ready) != 2 || ready[0] != fs[2] || ready[1] != fs[3] || notReady[0] != fs[0] {
		t.Fatalf("n=2: ready=%v", ready)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, _, err := Wait(cctx, fs, 3, NoTimeout); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ctx: %v", err)
	}
	if _, _, err := Wait(ctx, fs, 5, NoTimeout); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("n > len: %v", err)
	}
	close(gates[0])
	close(gates[1])
	if ready, _, _ := Wait(ctx, fs, 4, time.Second); len(ready) != 4 {
		t.Fatal("not all ready")
	}
}

func TestShutdownLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	sys, err := NewSystem(Config{CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 5 {
		h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 0.25, MaxConcurrency: i + 1})
		if err != nil {
			t.Fatal(err)
		}
		Call(h, func(context.Context, *counter) (int, error) { return 0, nil })
	}
	var fs []Waitable
	for range 100 {
		fs = append(fs, Go(context.Background(), sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{NumCPUs: 0.5}))
	}
	Wait(ctx, fs, len(fs), 5*time.Second)
	blocked := Go(context.Background(), sys, func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, ctx.Err() }, TaskOptions{NumCPUs: 0.5})
	queued := Go(context.Background(), sys, func(context.Context) (int, error) { return 1, nil }, TaskOptions{NumCPUs: 2})
	if n := runtime.NumGoroutine(); n <= before {
		t.Fatalf("expected goroutines while running, have %d (before %d)", n, before)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sys.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if _, err := blocked.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("running task: %v", err)
	}
	if _, err := queued.Get(ctx); !errors.Is(err, ErrShutdown) {
		t.Fatalf("queued task: %v", err)
	}
	if _, err := Go(context.Background(), sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{}).Get(ctx); !errors.Is(err, ErrShutdown) {
		t.Fatalf("task after shutdown: %v", err)
	}
	if _, err := Spawn(ctx, sys, newCounter, Options{}); !errors.Is(err, ErrShutdown) {
		t.Fatalf("spawn after shutdown: %v", err)
	}
	// Goroutines that have returned may take a moment to leave the count.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Shutdown, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestConcurrentActorRestart(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	var built atomic.Int32
	h, err := Spawn(ctx, sys, func(context.Context) (*counter, error) {
		return &counter{n: int(built.Add(1)) * 1000}, nil
	}, Options{MaxConcurrency: 3, MaxRestarts: 2})
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	var started sync.WaitGroup
	started.Add(3)
	var fs []*Future[int]
	for i := range 3 {
		fs = append(fs, Call(h, func(_ context.Context, c *counter) (int, error) {
			started.Done()
			<-gate
			if i == 1 {
				panic("one of three")
			}
			return c.n, nil
		}))
	}
	started.Wait()
	close(gate)
	for i, f := range fs {
		v, err := f.Get(ctx)
		if i == 1 {
			if !errors.Is(err, ErrActorDied) {
				t.Fatalf("crashed call: %v", err)
			}
			continue
		}
		if err != nil || v != 1000 {
			t.Fatalf("call %d on the old instance = %d, %v", i, v, err)
		}
	}
	if v, err := Call(h, func(_ context.Context, c *counter) (int, error) { return c.n, nil }).Get(ctx); v != 2000 || err != nil {
		t.Fatalf("after restart = %d, %v", v, err)
	}
}

func TestCancelledSpawnUnblocksQueue(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	gate := make(chan struct{})
	hold := Go(context.Background(), sys, func(context.Context) (int, error) { <-gate; return 0, nil }, TaskOptions{NumCPUs: 0.5})
	// A 1-CPU spawn waits at the head of the queue; a 0.5 task queues behind it.
	sctx, cancel := context.WithCancel(ctx)
	spawned := make(chan error, 1)
	go func() {
		_, err := Spawn(sctx, sys, newCounter, Options{NumCPUs: 1})
		spawned <- err
	}()
	for {
		if sys.sched.queued() == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	behind := Go(context.Background(), sys, func(context.Context) (int, error) { return 1, nil }, TaskOptions{NumCPUs: 0.5})
	time.Sleep(10 * time.Millisecond)
	if behind.Ready() {
		t.Fatal("a later request overtook the waiting spawn")
	}
	cancel()
	if err := <-spawned; !errors.Is(err, context.Canceled) {
		t.Fatalf("spawn: %v", err)
	}
	if v, err := behind.Get(ctx); v != 1 || err != nil {
		t.Fatalf("task behind the cancelled spawn: %d, %v", v, err)
	}
	close(gate)
	hold.Get(ctx)
}

func TestTaskContextCancel(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	gate := make(chan struct{})
	tctx, cancel := context.WithCancel(ctx)
	started := make(chan struct{})
	running := Go(tctx, sys, func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		<-gate
		return 0, ctx.Err()
	}, TaskOptions{})
	var ran atomic.Bool
	queued := Go(tctx, sys, func(context.Context) (int, error) { ran.Store(true); return 1, nil }, TaskOptions{})
	<-started
	cancel()
	close(gate)
	for _, f := range []*Future[int]{running, queued} {
		var te *TaskError
		if _, err := f.Get(ctx); !errors.Is(err, context.Canceled) || !errors.As(err, &te) {
			t.Fatalf("err = %v", err)
		}
	}
	if ran.Load() {
		t.Fatal("a task whose context had ended ran")
	}
}

func TestGroupsTakeTurns(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	gate := make(chan struct{})
	blocker := Go(context.Background(), sys, func(context.Context) (int, error) { <-gate; return 0, nil }, TaskOptions{})
	var mu sync.Mutex
	var order []string
	record := func(name string) func(context.Context) (int, error) {
		return func(context.Context) (int, error) {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return 0, nil
		}
	}
	var fs []Waitable
	for i := range 20 {
		fs = append(fs, Go(context.Background(), sys, record(fmt.Sprint("a", i)), TaskOptions{Group: "data"}))
	}
	for i := range 3 {
		fs = append(fs, Go(context.Background(), sys, record(fmt.Sprint("b", i)), TaskOptions{Group: "trial"}))
	}
	close(gate)
	blocker.Get(ctx)
	if ready, _, _ := Wait(ctx, fs, len(fs), 5*time.Second); len(ready) != len(fs) {
		t.Fatal("tasks did not finish")
	}
	// FIFO within a group, turns across groups: the late group's tasks
	// interleave with the early group's instead of waiting for all 20.
	want := []string{"a0", "b0", "a1", "b1", "a2", "b2", "a3", "a4"}
	if len(order) != 23 {
		t.Fatalf("order = %v", order)
	}
	for i, w := range want {
		if order[i] != w {
			t.Fatalf("order = %v, want prefix %v", order, want)
		}
	}
}

func TestGetIfExistsAndPendingLimit(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	var built atomic.Int32
	ctor := func(context.Context) (*counter, error) { built.Add(1); return &counter{}, nil }
	h1, err := Spawn(ctx, sys, ctor, Options{Name: "fs", GetIfExists: true, MaxPendingCalls: 2})
	if err != nil {
		t.Fatal(err)
	}
	h2, err := Spawn(ctx, sys, ctor, Options{Name: "fs", GetIfExists: true})
	if err != nil || h2.c != h1.c || built.Load() != 1 {
		t.Fatalf("GetIfExists: same=%v built=%d err=%v", h2 != nil && h2.c == h1.c, built.Load(), err)
	}
	if _, err := Spawn(ctx, sys, func(context.Context) (*int, error) { return new(int), nil }, Options{Name: "fs", GetIfExists: true}); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("other type: %v", err)
	}
	if _, err := Spawn(ctx, sys, ctor, Options{GetIfExists: true}); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("no name: %v", err)
	}
	gate := make(chan struct{})
	started := make(chan struct{})
	running := Call(h1, func(context.Context, *counter) (int, error) { close(started); <-gate; return 0, nil })
	<-started
	q1 := Call(h1, noop)
	q2 := Call(h1, noop)
	if _, err := Call(h1, noop).Get(ctx); !errors.Is(err, ErrPendingCallsLimit) || errors.Is(err, ErrActorDied) {
		t.Fatalf("third pending call: %v", err)
	}
	close(gate)
	for _, f := range []*Future[int]{running, q1, q2} {
		if _, err := f.Get(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLookupDuringFailedConstruction(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	inCtor := make(chan struct{})
	fail := make(chan struct{})
	spawned := make(chan error, 1)
	go func() {
		_, err := Spawn(ctx, sys, func(context.Context) (*counter, error) {
			close(inCtor)
			<-fail
			return nil, errors.New("cannot connect")
		}, Options{Name: "slow"})
		spawned <- err
	}()
	<-inCtor
	h, err := Lookup[counter](sys, "slow")
	if err != nil {
		t.Fatal(err)
	}
	f := Call(h, noop) // queued while the constructor runs
	close(fail)
	if err := <-spawned; err == nil {
		t.Fatal("spawn succeeded")
	}
	if _, err := f.Get(ctx); !errors.Is(err, ErrActorDied) {
		t.Fatalf("call queued on an actor that never started: %v", err)
	}
	<-h.Done()
}

func TestGetAllAndWaitables(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx := context.Background()
	var fs []*Future[int]
	for i := range 10 {
		fs = append(fs, Go(context.Background(), sys, func(context.Context) (int, error) { return i * i, nil }, TaskOptions{NumCPUs: 0.5}))
	}
	got, err := GetAll(ctx, fs)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i*i {
			t.Fatalf("got %v", got)
		}
	}
	if ready, _, _ := Wait(ctx, Waitables(fs), len(fs), 0); len(ready) != len(fs) {
		t.Fatal("Waitables lost futures")
	}
	bad := errors.New("bad")
	fs = append(fs, Go(context.Background(), sys, func(context.Context) (int, error) { return 0, bad }, TaskOptions{}))
	if _, err := GetAll(ctx, fs); !errors.Is(err, bad) {
		t.Fatalf("err = %v", err)
	}
}

func TestKillDuringRestartWait(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, err := Spawn(ctx, sys, newCounter, Options{MaxConcurrency: 2, MaxRestarts: 1})
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	started := make(chan struct{})
	slow := Call(h, func(context.Context, *counter) (int, error) { close(started); <-gate; return 1, nil })
	<-started
	crash := Call(h, func(context.Context, *counter) (int, error) { panic("while another call runs") })
	if _, err := crash.Get(ctx); !errors.Is(err, ErrActorDied) {
		t.Fatalf("crash: %v", err)
	}
	// The restart waits for the slow call; a Kill now must not leave it waiting.
	for {
		h.c.mu.Lock()
		restarting := h.c.state == stRestarting
		h.c.mu.Unlock()
		if restarting {
			break
		}
		time.Sleep(time.Millisecond)
	}
	h.Kill()
	time.Sleep(20 * time.Millisecond) // let the woken restart go back to waiting
	close(gate)
	if v, err := slow.Get(ctx); v != 1 || err != nil {
		t.Fatalf("slow call = %d, %v", v, err)
	}
	select {
	case <-h.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("actor killed during a restart never stopped")
	}
	if h.Restarts() != 0 {
		t.Fatalf("restarted %d times after a kill", h.Restarts())
	}
}
