package actor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func cpuBundles(n int, cpus float64) []Bundle {
	bs := make([]Bundle, n)
	for i := range bs {
		bs[i] = Bundle{NumCPUs: cpus}
	}
	return bs
}

func TestPlacementGroupAtomicReservation(t *testing.T) {
	sys := newSys(t, Config{CPUs: 4})
	ctx := context.Background()
	gates := make([]chan struct{}, 3)
	var holds []*Future[int]
	for i := range gates {
		gates[i] = make(chan struct{})
		holds = append(holds, Go(ctx, sys, func(tctx context.Context) (int, error) {
			select {
			case <-gates[i]:
			case <-tctx.Done():
			}
			return 0, nil
		}, TaskOptions{}))
	}
	pg, err := NewPlacementGroup(sys, cpuBundles(3, 1), PlacementGroupOptions{Name: "gang"})
	if err != nil {
		t.Fatal(err)
	}
	// One CPU is free, then two: the group needs three and takes none of
	// them while it waits.
	waiting := func(want float64) {
		t.Helper()
		if c := cpuFree(sys); c != want {
			t.Fatalf("CPU free while the group waits = %v, want %v", c, want)
		}
		if got := pg.BundleAvailable(0)["CPU"]; got != 0 {
			t.Fatalf("bundle 0 holds %v before the group is ready", got)
		}
		select {
		case <-pg.Ready():
			t.Fatal("group ready with too few CPUs")
		default:
		}
	}
	waiting(1)
	close(gates[0])
	holds[0].Get(ctx)
	eventually(t, time.Second, "CPU freed", func() bool { return cpuFree(sys) == 2 })
	waiting(2)
	close(gates[1])
	within(t, 5*time.Second, func() {
		if err := pg.Wait(ctx); err != nil {
			t.Error(err)
		}
	})
	if c := cpuFree(sys); c != 0 {
		t.Fatalf("CPU free with the group ready = %v, want 0", c)
	}
	for i := range 3 {
		if got := pg.BundleAvailable(i)["CPU"]; got != 1 {
			t.Fatalf("bundle %d free = %v", i, got)
		}
	}
	close(gates[2])
	holds[2].Get(ctx)
	eventually(t, time.Second, "CPU freed", func() bool { return cpuFree(sys) == 1 })
	pg.Remove()
	eventually(t, time.Second, "CPU back after Remove", func() bool { return cpuFree(sys) == 4 })
}

func TestPlacementGroupWork(t *testing.T) {
	sys := newSys(t, Config{CPUs: 4})
	ctx := context.Background()
	pg, err := NewPlacementGroup(sys, []Bundle{{NumCPUs: 1}, {NumCPUs: 0.5}}, PlacementGroupOptions{Strategy: StrictPack})
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 0.5, Placement: pg.Bundle(1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := pg.BundleAvailable(1)["CPU"]; got != 0 {
		t.Fatalf("bundle 1 free with its actor = %v", got)
	}
	if c := cpuFree(sys); c != 2.5 {
		t.Fatalf("system CPU free = %v, want 2.5 (the actor draws on the bundle)", c)
	}
	// A task in bundle 0 that waits on another task in the same bundle
	// lends the bundle's CPU.
	within(t, 5*time.Second, func() {
		v, err := Go(ctx, sys, func(tctx context.Context) (int, error) {
			return Go(tctx, sys, func(context.Context) (int, error) { return 2, nil }, TaskOptions{Placement: pg.Bundle(0)}).Get(tctx)
		}, TaskOptions{Placement: pg.Bundle(0)}).Get(ctx)
		if v != 2 || err != nil {
			t.Errorf("nested in bundle = %d, %v", v, err)
		}
	})
	// AnyBundle picks a bundle with room.
	if _, err := Go(ctx, sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{Placement: Placement{Group: pg, Bundle: AnyBundle}}).Get(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts TaskOptions
		want error
	}{
		{"more than the bundle", TaskOptions{NumCPUs: 1, Placement: pg.Bundle(1)}, ErrInfeasible},
		{"no bundle holds it", TaskOptions{NumCPUs: 2, Placement: Placement{Group: pg, Bundle: AnyBundle}}, ErrInfeasible},
		{"no such bundle", TaskOptions{Placement: pg.Bundle(2)}, ErrInvalidOptions},
	} {
		if _, err := Go(ctx, sys, func(context.Context) (int, error) { return 0, nil }, tc.opts).Get(ctx); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}

	// Removal: the actor dies, a running task is cancelled, a queued one
	// fails, and every CPU comes back.
	started := make(chan struct{})
	running := Go(ctx, sys, func(tctx context.Context) (int, error) {
		close(started)
		<-tctx.Done()
		return 0, tctx.Err()
	}, TaskOptions{Placement: pg.Bundle(0)})
	<-started
	queued := Go(ctx, sys, func(context.Context) (int, error) { return 0, nil }, TaskOptions{Placement: pg.Bundle(0)})
	pg.Remove()
	pg.Remove()
	within(t, 5*time.Second, func() {
		<-h.Done()
		if _, err := running.Get(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("running task: %v", err)
		}
		if _, err := queued.Get(ctx); !errors.Is(err, ErrPlacementGroupRemoved) {
			t.Errorf("queued task: %v", err)
		}
	})
	if _, err := Call(h, func(context.Context, *counter) (int, error) { return 0, nil }).Get(ctx); !errors.Is(err, ErrActorDied) {
		t.Fatalf("call after removal: %v", err)
	}
	eventually(t, time.Second, "CPU back after Remove", func() bool { return cpuFree(sys) == 4 })
	if err := pg.Wait(ctx); !errors.Is(err, ErrPlacementGroupRemoved) {
		t.Fatalf("Wait after Remove: %v", err)
	}
	if _, err := Spawn(ctx, sys, newCounter, Options{Placement: pg.Bundle(0)}); !errors.Is(err, ErrPlacementGroupRemoved) {
		t.Fatalf("spawn into removed group: %v", err)
	}
	usable(t, sys)
}

func TestPlacementGroupCancelWhileWaiting(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	ctx := context.Background()
	h, err := Spawn(ctx, sys, newCounter, Options{NumCPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	pg, err := NewPlacementGroup(sys, cpuBundles(2, 1), PlacementGroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	within(t, 5*time.Second, func() {
		err := pg.Wait(wctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait = %v", err)
		}
		if late := time.Since(deadlineOf(wctx)); late > 100*time.Millisecond {
			t.Errorf("Wait returned %v after the deadline", late)
		}
	})
	// The waiting group reserves the CPU: a 1-CPU task waits behind it...
	behind := Go(ctx, sys, func(context.Context) (int, error) { return 1, nil }, TaskOptions{})
	time.Sleep(5 * time.Millisecond)
	if behind.Ready() {
		t.Fatal("a task took the CPU the waiting group reserves")
	}
	// ...until the group is removed.
	pg.Remove()
	within(t, 5*time.Second, func() {
		if _, err := behind.Get(ctx); err != nil {
			t.Error(err)
		}
		if err := pg.Wait(ctx); !errors.Is(err, ErrPlacementGroupRemoved) {
			t.Errorf("Wait after Remove: %v", err)
		}
	})
	h.Kill()
	<-h.Done()
	eventually(t, time.Second, "CPU back", func() bool { return cpuFree(sys) == 2 })
	usable(t, sys)
}

// TestPlacementGroupNotStarved: a stream of small tasks from several
// submitters keeps every CPU busy; a group needing all of them is still
// placed.
func TestPlacementGroupNotStarved(t *testing.T) {
	sys := newSys(t, Config{CPUs: 4})
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				Go(context.Background(), sys, func(context.Context) (int, error) { time.Sleep(100 * time.Microsecond); return 0, nil }, TaskOptions{NumCPUs: 0.5}).Get(context.Background())
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	within(t, 10*time.Second, func() {
		for i := range 6 {
			// Half of the groups wait in an admission group of their own.
			grp := []string{"", "trial"}[i%2]
			pg, err := NewPlacementGroup(sys, cpuBundles(4, 1), PlacementGroupOptions{Strategy: Spread, Group: grp})
			if err != nil {
				t.Error(err)
				return
			}
			if err := pg.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			pg.Remove()
		}
	})
	stop()
	wg.Wait()
	eventually(t, time.Second, "CPU back", func() bool { return cpuFree(sys) == 4 })
}

func TestPlacementGroupValidation(t *testing.T) {
	sys := newSys(t, Config{CPUs: 4, Resources: map[string]float64{"disk": 1}})
	for _, tc := range []struct {
		name    string
		bundles []Bundle
		opts    PlacementGroupOptions
		want    error
		text    []string
	}{
		{"sum exceeds", cpuBundles(7, 1), PlacementGroupOptions{Name: "seven"}, ErrInfeasible, []string{`"seven"`, "CPU=7", "CPU=4"}},
		{"bundle exceeds", []Bundle{{NumCPUs: 5}}, PlacementGroupOptions{}, ErrInfeasible, []string{"bundle 0", "CPU=5"}},
		{"strict spread", cpuBundles(2, 1), PlacementGroupOptions{Strategy: StrictSpread}, ErrInfeasible, []string{"STRICT_SPREAD"}},
		{"unknown resource", []Bundle{{Resources: map[string]float64{"tpu": 1}}}, PlacementGroupOptions{}, ErrInfeasible, []string{"tpu"}},
		{"custom sum exceeds", []Bundle{{Resources: map[string]float64{"disk": 1}}, {Resources: map[string]float64{"disk": 0.5}}}, PlacementGroupOptions{}, ErrInfeasible, []string{"disk=1.5"}},
		{"empty bundle", []Bundle{{NumCPUs: 1}, {}}, PlacementGroupOptions{}, ErrInvalidOptions, []string{"bundle 1"}},
		{"no bundles", nil, PlacementGroupOptions{}, ErrInvalidOptions, nil},
		{"bad strategy", cpuBundles(1, 1), PlacementGroupOptions{Strategy: 9}, ErrInvalidOptions, nil},
	} {
		start := time.Now()
		_, err := NewPlacementGroup(sys, tc.bundles, tc.opts)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
			continue
		}
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Errorf("%s: took %v", tc.name, d)
		}
		for _, s := range tc.text {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not name %q", tc.name, err, s)
			}
		}
	}
	pg, err := NewPlacementGroup(sys, []Bundle{{NumCPUs: 1, Resources: map[string]float64{"disk": 1}}}, PlacementGroupOptions{Strategy: StrictSpread})
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sys.Available()["disk"]; got != 0 {
		t.Fatalf("disk free = %v", got)
	}
	if pg.Strategy().String() != "STRICT_SPREAD" || len(pg.Bundles()) != 1 || !strings.HasPrefix(pg.Name(), "pg-") {
		t.Fatalf("group = %v %v %q", pg.Strategy(), pg.Bundles(), pg.Name())
	}
	pg.Remove()
	eventually(t, time.Second, "disk back", func() bool { return sys.Available()["disk"] == 1 })
}
