package pipeline_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// TestStepsOneByOneLinear adds 16,384 steps one Steps call at a time: the
// memory allocated must grow linearly (copying the list on every call, as
// before, allocated about 2.8 GB here).
func TestStepsOneByOneLinear(t *testing.T) {
	const n = 16384
	ss := make([]steps.Entity, n)
	for i := range ss {
		ss[i] = steps.Fail(fmt.Sprintf("F%d", i), nil)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p := pipeline.New("P")
	for _, s := range ss {
		p = p.Steps(s)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("%d one-step Steps calls allocated %d MiB", n, got>>20)
	}
	if es := p.Entities(); len(es) != n || es[n-1].Name() != fmt.Sprintf("F%d", n-1) {
		t.Errorf("got %d steps", len(es))
	}
}

// TestStepsBranchesShareNothing derives pipelines from one base, also
// concurrently: each sees only its own steps.
func TestStepsBranchesShareNothing(t *testing.T) {
	base := pipeline.New("P").Steps(steps.Fail("A", nil))
	var wg sync.WaitGroup
	got := make([]*pipeline.Pipeline, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := base
			for j := range 100 {
				p = p.Steps(steps.Fail(fmt.Sprintf("S%d-%d", i, j), nil))
			}
			got[i] = p
		}()
	}
	wg.Wait()
	if len(base.Entities()) != 1 {
		t.Fatalf("base has %d steps", len(base.Entities()))
	}
	for i, p := range got {
		es := p.Entities()
		if len(es) != 101 || es[0].Name() != "A" {
			t.Fatalf("pipeline %d has %d steps", i, len(es))
		}
		for j, e := range es[1:] {
			if want := fmt.Sprintf("S%d-%d", i, j); e.Name() != want {
				t.Fatalf("pipeline %d step %d is %s, want %s", i, j+1, e.Name(), want)
			}
		}
	}
}
