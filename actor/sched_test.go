package actor

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// within runs f and fails the test, with every goroutine's stack, when it
// has not returned after d: a hang becomes a failure instead of a stuck
// suite.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		t.Fatalf("hung for %v:\n%s", d, buf[:runtime.Stack(buf, true)])
	}
}

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(time.Millisecond)
	}
}

// usable checks that sys still runs a task.
func usable(t *testing.T, sys *System) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if v, err := Go(context.Background(), sys, func(context.Context) (int, error) { return 7, nil }, TaskOptions{}).Get(ctx); v != 7 || err != nil {
		t.Fatalf("system not usable: %d, %v", v, err)
	}
}

func cpuFree(sys *System) float64 { return sys.Available()["CPU"] }

func TestNestedTasksOnOneCPU(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	var nest func(ctx context.Context, depth int) (int, error)
	nest = func(ctx context.Context, depth int) (int, error) {
		if depth == 0 {
			return 1, nil
		}
		var fs []*Future[int]
		for range 2 {
			fs = append(fs, Go(ctx, sys, func(ctx context.Context) (int, error) { return nest(ctx, depth-1) }, TaskOptions{}))
		}
		vs, err := GetAll(ctx, fs)
		return vs[0] + vs[1], err
	}
	within(t, 10*time.Second, func() {
		v, err := Go(context.Background(), sys, func(ctx context.Context) (int, error) { return nest(ctx, 4) }, TaskOptions{}).Get(context.Background())
		if v != 16 || err != nil {
			t.Errorf("nested = %d, %v", v, err)
		}
	})
	eventually(t, time.Second, "CPU back", func() bool { return cpuFree(sys) == 1 })
}

func TestBlockLendsAndTakesBack(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	release := make(chan struct{})
	inBlock := make(chan struct{})
	after := make(chan float64, 1)
	f := Go(ctx, sys, func(tctx context.Context) (int, error) {
		sub, cancel := context.WithCancel(tctx) // a derived context works too
		defer cancel()
		err := Block(sub, func() error {
			close(inBlock)
			<-release
			return errors.New("wait result")
		})
		after <- cpuFree(sys)
		return 0, err
	}, TaskOptions{})
	<-inBlock
	if c := cpuFree(sys); c != 1 {
		t.Fatalf("CPU free while blocked = %v, want 1", c)
	}
	// Block with a context that is not a task's just runs the wait.
	if err := Block(ctx, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	close(release)
	if _, err := f.Get(ctx); err == nil || !strings.Contains(err.Error(), "wait result") {
		t.Fatalf("err = %v", err)
	}
	if c := <-after; c != 0 {
		t.Fatalf("CPU free after the wait = %v, want 0", c)
	}
	eventually(t, time.Second, "CPU back", func() bool { return cpuFree(sys) == 1 })
}

func TestWokenTaskGoesOnOverSubscribed(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	release := make(chan struct{})
	inBlock := make(chan struct{})
	woken := make(chan float64, 1)
	finish := make(chan struct{})
	f := Go(ctx, sys, func(tctx context.Context) (int, error) {
		Block(tctx, func() error { close(inBlock); <-release; return nil })
		woken <- cpuFree(sys)
		<-finish
		return 0, nil
	}, TaskOptions{})
	<-inBlock
	// A task borrows the lent CPU and keeps it.
	gate := make(chan struct{})
	started := make(chan struct{})
	borrower := Go(ctx, sys, func(context.Context) (int, error) { close(started); <-gate; return 0, nil }, TaskOptions{})
	<-started
	close(release)
	within(t, 5*time.Second, func() {
		if c := <-woken; c != -1 {
			t.Errorf("CPU free when woken = %v, want -1 (over-subscribed)", c)
		}
	})
	// Nothing new is admitted while over-subscribed.
	queued := Go(ctx, sys, func(context.Context) (int, error) { return 1, nil }, TaskOptions{NumCPUs: 0.5})
	time.Sleep(10 * time.Millisecond)
	if queued.Ready() {
		t.Fatal("a task was admitted while the system was over-subscribed")
	}
	close(gate)
	close(finish)
	within(t, 5*time.Second, func() {
		borrower.Get(ctx)
		f.Get(ctx)
		queued.Get(ctx)
	})
	eventually(t, time.Second, "CPU back", func() bool { return cpuFree(sys) == 1 })
}

// TestActorNotAdmittedFromLentCPU: a task blocked on a subtask lends its
// CPU; an actor asking for it meanwhile must not take it for life, or the
// subtask could never run.
func TestActorNotAdmittedFromLentCPU(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	inBlock := make(chan struct{})
	spawnQueued := make(chan struct{})
	spawned := make(chan error, 1)
	f := Go(ctx, sys, func(tctx context.Context) (int, error) {
		return 0, Block(tctx, func() error {
			close(inBlock)
			<-spawnQueued
			// The subtask comes after the actor's request.
			_, err := Go(tctx, sys, func(context.Context) (int, error) { return 1, nil }, TaskOptions{}).Get(tctx)
			return err
		})
	}, TaskOptions{})
	<-inBlock
	go func() {
		_, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 1})
		spawned <- err
	}()
	eventually(t, time.Second, "spawn queued", func() bool { return sys.sched.queued() == 1 })
	close(spawnQueued)
	within(t, 5*time.Second, func() {
		if _, err := f.Get(ctx); err != nil {
			t.Errorf("task: %v", err)
		}
		if err := <-spawned; err != nil {
			t.Errorf("spawn: %v", err)
		}
	})
}

func TestActorCallLendsCPU(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		v, err := Call(h, func(actx context.Context, c *counter) (int, error) {
			return Go(actx, sys, func(context.Context) (int, error) { return 3, nil }, TaskOptions{}).Get(actx)
		}).Get(ctx)
		if v != 3 || err != nil {
			t.Errorf("call = %d, %v", v, err)
		}
	})
	eventually(t, time.Second, "the actor's CPU held again", func() bool { return cpuFree(sys) == 0 })
	h.Kill()
	<-h.Done()
	if c := cpuFree(sys); c != 1 {
		t.Fatalf("CPU free after kill = %v", c)
	}
}

func TestZeroCPUPassesBlockedHead(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2, GPUs: 1})
	ctx := context.Background()
	gate := make(chan struct{})
	hold := Go(ctx, sys, func(context.Context) (int, error) { <-gate; return 0, nil }, TaskOptions{})
	var order []string
	var mu sync.Mutex
	rec := func(s string) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { mu.Lock(); order = append(order, s); mu.Unlock(); return 0, nil }
	}
	big := Go(ctx, sys, rec("big"), TaskOptions{NumCPUs: 2})
	small := Go(ctx, sys, rec("small"), TaskOptions{NumCPUs: 1})
	within(t, 5*time.Second, func() {
		if _, err := Go(ctx, sys, rec("nocpu"), TaskOptions{NumCPUs: NoCPU}).Get(ctx); err != nil {
			t.Error(err)
		}
		if _, err := Go(ctx, sys, rec("gpu"), TaskOptions{NumCPUs: NoCPU, NumGPUs: 1}).Get(ctx); err != nil {
			t.Error(err)
		}
	})
	if small.Ready() {
		t.Fatal("a 1-CPU task went past the blocked 2-CPU task")
	}
	close(gate)
	within(t, 5*time.Second, func() { hold.Get(ctx); big.Get(ctx); small.Get(ctx) })
	want := []string{"nocpu", "gpu", "big", "small"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Fatalf("order = %v, want %v", order, want)
	}
}

func TestLargeDemandNotStarved(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 { // two submitters keep both CPUs busy
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				f := Go(context.Background(), sys, func(context.Context) (int, error) { time.Sleep(200 * time.Microsecond); return 0, nil }, TaskOptions{})
				f.Get(context.Background())
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	within(t, 5*time.Second, func() {
		if _, err := Go(context.Background(), sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{NumCPUs: 2}).Get(context.Background()); err != nil {
			t.Error(err)
		}
	})
	stop()
	wg.Wait()
}

func TestQueuedTaskCancelReturnsAtOnce(t *testing.T) {
	sys := newSys(t, Config{CPUs: 1})
	ctx := context.Background()
	// An actor holds the only CPU for good.
	if _, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 1}); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	var ran atomic.Bool
	queued := Go(tctx, sys, func(context.Context) (int, error) { ran.Store(true); return 1, nil }, TaskOptions{})
	within(t, 5*time.Second, func() {
		_, err := queued.Get(ctx)
		late := time.Since(deadlineOf(tctx))
		var te *TaskError
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &te) {
			t.Errorf("err = %v", err)
		}
		if late > 100*time.Millisecond {
			t.Errorf("returned %v after the deadline", late)
		}
	})
	if ran.Load() {
		t.Fatal("the cancelled task ran")
	}
	if n := sys.sched.queued(); n != 0 {
		t.Fatalf("%d still queued", n)
	}
	// Nothing behind it is held back.
	within(t, 5*time.Second, func() {
		if _, err := Go(ctx, sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{NumCPUs: NoCPU}).Get(ctx); err != nil {
			t.Error(err)
		}
	})
	// A context already ended fails the task at once.
	done, cancelNow := context.WithCancel(ctx)
	cancelNow()
	if _, err := Go(done, sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{}).Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func deadlineOf(ctx context.Context) time.Time { d, _ := ctx.Deadline(); return d }

func TestInfeasibleNamesDemandAndCapacity(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx := context.Background()
	_, err := Spawn(ctx, sys, newCounter, Options{Name: "big", NumCPUs: 3})
	if !errors.Is(err, ErrInfeasible) || !errors.Is(err, ErrUnschedulable) {
		t.Fatalf("spawn err = %v", err)
	}
	for _, want := range []string{`actor "big"`, "CPU=3", "CPU=2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("spawn err %q does not name %q", err, want)
		}
	}
	_, err = Go(ctx, sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{Name: "t", NumGPUs: 1}).Get(ctx)
	if !errors.Is(err, ErrInfeasible) || !strings.Contains(err.Error(), "GPU=1") {
		t.Fatalf("task err = %v", err)
	}
	tiny := newSys(t, Config{CPUs: 0.5})
	if _, err := Go(ctx, tiny, func(context.Context) (int, error) { return 0, nil }, TaskOptions{}).Get(ctx); !errors.Is(err, ErrInfeasible) {
		t.Fatalf("default task on 0.5 CPU: %v", err)
	}
	usable(t, sys)
}

func TestShutdownFailsQueuedWork(t *testing.T) {
	sys, err := NewSystem(Config{CPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	gate := make(chan struct{})
	hold := Go(ctx, sys, func(tctx context.Context) (int, error) {
		select {
		case <-gate:
		case <-tctx.Done():
		}
		return 0, nil
	}, TaskOptions{})
	queued := Go(ctx, sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{})
	pg, err := NewPlacementGroup(sys, []Bundle{{NumCPUs: 1}}, PlacementGroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		if err := sys.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	if _, err := queued.Get(ctx); !errors.Is(err, ErrShutdown) {
		t.Fatalf("queued: %v", err)
	}
	if err := pg.Wait(ctx); !errors.Is(err, ErrShutdown) {
		t.Fatalf("group: %v", err)
	}
	hold.Get(ctx)
	close(gate)
}
