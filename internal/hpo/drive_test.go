package hpo

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// drive runs tu to the end as an engine would, without goroutines: it
// starts every trial Suggest allows and then finishes one running trial,
// picked by order (the oldest when order is nil), until Done.
func drive(t testing.TB, tu *Tuner, f func(Params) float64, order *rand.Rand) []Result {
	t.Helper()
	ctx := context.Background()
	var running []Trial
	for !tu.Done() {
		ts, err := tu.Suggest(ctx)
		if err != nil {
			t.Fatalf("Suggest: %v", err)
		}
		running = append(running, ts...)
		if len(running) == 0 {
			t.Fatalf("no trial running and none suggested before Done")
		}
		k := 0
		if order != nil {
			k = order.IntN(len(running))
		}
		tr := running[k]
		running = append(running[:k], running[k+1:]...)
		if err := tu.Complete(tr.Index, f(tr.Params)); err != nil {
			t.Fatalf("Complete(%d): %v", tr.Index, err)
		}
	}
	return tu.Results()
}

// bestValue is the smallest value among finished results.
func bestValue(rs []Result) float64 {
	b := math.Inf(1)
	for _, r := range rs {
		if r.Status == Completed || r.Status == Stopped {
			b = min(b, r.Value)
		}
	}
	return b
}

func newTuner(t testing.TB, r Ranges, cfg Config) *Tuner {
	t.Helper()
	s, err := NewSpace(r)
	if err != nil {
		t.Fatalf("NewSpace: %v", err)
	}
	cfg.Space = s
	tu, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tu
}
