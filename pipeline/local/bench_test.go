package local_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// noopPipeline returns n processing steps running a no-op function; with
// chain each depends on the one before, otherwise all are independent.
func noopPipeline(n int, chain bool) *pipeline.Pipeline {
	es := make([]steps.Entity, n)
	var prev *steps.ProcessingStep
	for i := range es {
		s := processing(fmt.Sprintf("Step%d", i), "s3://bucket/code/noop.py", nil, nil)
		if chain && prev != nil {
			s = s.DependsOn(prev)
		}
		es[i], prev = s, s
	}
	return pipeline.New("bench").Steps(es...).Env(env)
}

// benchmarkEngine measures a whole run (validation, compilation, the
// record's writes, events) and reports the engine's overhead per step.
func benchmarkEngine(b *testing.B, n int, chain bool) {
	p := noopPipeline(n, chain)
	e := local.New(local.Config{Root: b.TempDir()})
	e.Processing("noop.py", func(context.Context, *local.ProcessingJob) error { return nil })
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex, err := e.Run(ctx, p, local.RunOptions{})
		if err != nil || ex.Status != pipeline.ExecutionSucceeded {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e3, "µs/step")
}

// BenchmarkChain200 runs a chain of 200 no-op processing steps.
func BenchmarkChain200(b *testing.B) { benchmarkEngine(b, 200, true) }

// BenchmarkWide1000 runs 1,000 independent no-op processing steps.
func BenchmarkWide1000(b *testing.B) { benchmarkEngine(b, 1000, false) }
