package steps_test

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/steps"
)

func TestTimestamp(t *testing.T) {
	base := time.Date(2023, 11, 28, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"millis", base.Add(123 * time.Millisecond), "2023-11-28-00-00-00-123"},
		{"whole second", base, "2023-11-28-00-00-00-0"},
		{"not padded", base.Add(50 * time.Millisecond), "2023-11-28-00-00-00-05"},
		{"tenths", base.Add(100 * time.Millisecond), "2023-11-28-00-00-00-1"},
		{"truncated", base.Add(123456789 * time.Nanosecond), "2023-11-28-00-00-00-123"},
		{"utc", base.In(time.FixedZone("x", 3600)).Add(2 * time.Second), "2023-11-28-00-00-02-0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := steps.Timestamp(tt.at); got != tt.want {
				t.Errorf("Timestamp = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnvNames(t *testing.T) {
	env := &steps.Env{
		Now:   steps.FrozenClock(time.UnixMilli(1701129600123).UTC()),
		Names: steps.FixedNames(0xabcd),
	}
	if got, want := env.JobName("evaluation"), "evaluation-2023-11-28-00-00-00-123"; got != want {
		t.Errorf("JobName = %q, want %q", got, want)
	}
	if got, want := env.UniqueName("synthetic-housing-models-ray-"), "synthetic-housing-models-ray--1701129600-abcd"; got != want {
		t.Errorf("UniqueName = %q, want %q", got, want)
	}
	long := "a-very-long-base-name-that-goes-on-and-on-and-on-for-ever-and-ever"
	if got := env.JobName(long); len(got) != 63 {
		t.Errorf("JobName(long) has %d characters, want 63: %q", len(got), got)
	}
	if got := env.UniqueName(long); len(got) != 63 {
		t.Errorf("UniqueName(long) has %d characters, want 63: %q", len(got), got)
	}
	small := &steps.Env{Now: env.Now, Names: steps.FixedNames(0x0a)}
	if got, want := small.UniqueName("m"), "m-1701129600-000a"; got != want {
		t.Errorf("UniqueName = %q, want %q", got, want)
	}
}

func TestRandNamesDeterministic(t *testing.T) {
	a := steps.RandNames(rand.NewPCG(1, 2))
	b := steps.RandNames(rand.NewPCG(1, 2))
	for range 10 {
		if x, y := a(), b(); x != y {
			t.Fatalf("same seed gave %x and %x", x, y)
		}
	}
	// Concurrent draws (a pipeline compiled from several goroutines) are
	// race-free and each draw is taken once.
	c, d := steps.RandNames(rand.NewPCG(3, 4)), steps.RandNames(rand.NewPCG(3, 4))
	want := map[uint16]int{}
	for range 100 {
		want[d()]++
	}
	got := make(chan uint16, 100)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				got <- c()
			}
		}()
	}
	wg.Wait()
	close(got)
	for v := range got {
		want[v]--
	}
	for v, n := range want {
		if n != 0 {
			t.Fatalf("draw %x: count off by %d", v, n)
		}
	}
}
