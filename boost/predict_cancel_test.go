package boost

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// TestContribsCancelsPromptly cancels Contribs on a model whose TreeSHAP
// costs tens of milliseconds per row (deep trees) 50 ms after it starts:
// it returns the context's error within about 100 ms, because prediction
// checks the context by work done rather than every so many rows.
func TestContribsCancelsPromptly(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := randomModel(rng, ObjSquaredError, 12, 0, 150, 12)
	x := randomRows(rng, 256, 12)
	p, err := m.NewPredictor(PredictOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	// One row's cost, to show that the test would take long uncancelled.
	start := time.Now()
	if _, err := p.Contribs(context.Background(), x[:12]); err != nil {
		t.Fatal(err)
	}
	perRow := time.Since(start)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = p.Contribs(ctx, x)
	took := time.Since(start)
	t.Logf("one row %v; cancelled at 50 ms, returned after %v (256 rows would take about %v)", perRow, took, perRow*128)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if took > 150*time.Millisecond {
		t.Errorf("Contribs returned %v after it started, 50 ms after it was cancelled would be about 100 ms", took)
	}
}
