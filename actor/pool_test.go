package actor

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

type squarer struct {
	calls atomic.Int32
}

func spawnPool(t *testing.T, sys *System, n int) (*Pool[squarer], []*Handle[squarer]) {
	t.Helper()
	var hs []*Handle[squarer]
	for range n {
		h, err := Spawn(context.Background(), sys, func(context.Context) (*squarer, error) { return &squarer{}, nil }, Options{NumCPUs: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return NewPool(hs...), hs
}

func square(_ context.Context, s *squarer, v int) (int, error) {
	s.calls.Add(1)
	if v%7 == 3 {
		time.Sleep(time.Millisecond) // some items are slow, to shuffle completion order
	}
	return v * v, nil
}

func TestPoolMapOrdered(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	pool, hs := spawnPool(t, sys, 3)
	items := make([]int, 50)
	for i := range items {
		items[i] = i
	}
	var got []int
	for v, err := range Map(context.Background(), pool, items, square) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	for i, v := range got {
		if v != i*i {
			t.Fatalf("result %d = %d", i, v)
		}
	}
	if len(got) != 50 {
		t.Fatalf("%d results", len(got))
	}
	for i, h := range hs {
		n, _ := Call(h, func(_ context.Context, s *squarer) (int32, error) { return s.calls.Load(), nil }).Get(context.Background())
		if n == 0 {
			t.Fatalf("actor %d got no work", i)
		}
	}
}

func TestPoolMapUnordered(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	pool, _ := spawnPool(t, sys, 2)
	pool.SetMaxInFlight(2)
	items := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	var got []int
	for v, err := range MapUnordered(context.Background(), pool, items, square) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	want := []int{1, 4, 9, 16, 25, 36, 49, 64, 81, 100}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v", got)
	}
	// Early break stops the loop.
	n := 0
	for range MapUnordered(context.Background(), pool, items, square) {
		n++
		break
	}
	if n != 1 {
		t.Fatal("break ignored")
	}
}

func TestPoolBackpressure(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	pool, _ := spawnPool(t, sys, 2)
	var running, peak atomic.Int32
	gate := make(chan struct{})
	slow := func(_ context.Context, _ *squarer, v int) (int, error) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-gate
		running.Add(-1)
		return v, nil
	}
	ctx := context.Background()
	for i := range 2 {
		if err := Submit(ctx, pool, slow, i); err != nil {
			t.Fatal(err)
		}
	}
	// Both actors busy: a third submission waits.
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if err := Submit(short, pool, slow, 2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("submit on a full pool: %v", err)
	}
	close(gate)
	if err := Submit(ctx, pool, slow, 2); err != nil {
		t.Fatal(err)
	}
	var got []int
	for pool.HasNext() {
		v, err := Next[int](ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("Next order = %v", got)
	}
	if _, err := Next[int](ctx, pool); !errors.Is(err, ErrNoPending) {
		t.Fatalf("empty Next: %v", err)
	}
	if peak.Load() > 2 {
		t.Fatalf("peak %d > pool size", peak.Load())
	}
	Submit(ctx, pool, square, 3)
	if _, err := Next[string](ctx, pool); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("wrong type: %v", err)
	}
	if v, err := NextUnordered[int](ctx, pool); v != 9 || err != nil {
		t.Fatalf("NextUnordered = %d, %v", v, err)
	}
}

func TestPoolDeadActorFailsLoudly(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	pool, hs := spawnPool(t, sys, 2)
	hs[0].Kill()
	<-hs[0].Done()
	items := []int{1, 2, 3, 4}
	var got []int
	for v, err := range Map(context.Background(), pool, items, square) {
		if err != nil {
			t.Fatalf("live actor should take all work: %v", err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{1, 4, 9, 16}) {
		t.Fatalf("got %v", got)
	}
	hs[1].Kill()
	<-hs[1].Done()
	errs := 0
	for _, err := range Map(context.Background(), pool, items, square) {
		if errors.Is(err, ErrActorDied) {
			errs++
		}
	}
	if errs != len(items) {
		t.Fatalf("%d of %d items failed with ErrActorDied", errs, len(items))
	}
	if err := Submit(context.Background(), pool, square, 1); !errors.Is(err, ErrActorDied) {
		t.Fatalf("submit to a dead pool: %v", err)
	}
}
