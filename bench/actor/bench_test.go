package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// BenchmarkRay runs every workload of the suite as a sub-benchmark named
// after Ray's metric; one op is one of the units Ray counts.
func BenchmarkRay(b *testing.B) {
	for _, w := range suite {
		b.Run(strings.ReplaceAll(w.name, " ", "_"), func(b *testing.B) {
			ctx := context.Background()
			sys, err := actor.NewSystem(actor.Config{})
			if err != nil {
				b.Fatal(err)
			}
			defer sys.Shutdown(ctx)
			run, err := w.setup(ctx, sys)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			if err := run(b.N); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if w.unit == "GB/s" {
				b.ReportMetric(float64(b.N)*float64(w.bytes)/1e9/b.Elapsed().Seconds(), "GB/s")
			} else {
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "units/s")
			}
		})
	}
}

// TestSuiteRuns checks that every workload runs and shuts down cleanly.
func TestSuiteRuns(t *testing.T) {
	for _, w := range suite {
		t.Run(w.name, func(t *testing.T) {
			if w.bytes > 0 && testing.Short() {
				t.Skip("large objects")
			}
			r := measure(w, 2, 5*time.Millisecond, 1)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.median <= 0 {
				t.Fatalf("rate %v", r.median)
			}
		})
	}
}
