package local

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sagepipe/sagepipe/pipeline"
)

// stepOutcome is what a finished step tells the scheduler.
type stepOutcome struct {
	index   int
	status  pipeline.StepStatus
	props   any
	outputs map[string]string
}

// schedule runs the steps of the definition that have not finished yet,
// each as soon as the steps it depends on are done, at most maxParallel
// at once, until none can run. Steps whose dependencies did not succeed,
// steps on the branch a condition did not take, and steps left when the
// context is done or a Fail step ran are recorded as not run. It reports
// whether the context's end interrupted the execution: a step was
// stopped, or steps were left that would have run.
func (x *execution) schedule(ctx context.Context) (interrupted bool) {
	steps := x.def.steps
	n := len(steps)
	done := make([]bool, n)
	waiting := make([]int, n)
	for i := range steps {
		done[i] = x.status[i].Done()
	}
	var ready []int
	for i, s := range steps {
		if done[i] {
			continue
		}
		for _, e := range s.preds {
			if !done[e.from] {
				waiting[i]++
			}
		}
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	results := make(chan stepOutcome, n)
	running := 0
	inFlight := map[int]bool{}
	var grace <-chan time.Time
	halted := false
	ctxDone := ctx.Done()

	// finish marks i done and makes the successors whose dependencies
	// are all done ready, in definition order.
	var finish func(i int)
	finish = func(i int) {
		done[i] = true
		for _, j := range steps[i].succs {
			if done[j] {
				continue
			}
			if waiting[j]--; waiting[j] == 0 {
				k, _ := slices.BinarySearch(ready, j)
				ready = slices.Insert(ready, k, j)
			}
		}
	}
	for {
		for len(ready) > 0 && ctx.Err() == nil && !halted && (x.maxParallel <= 0 || running < x.maxParallel) {
			i := ready[0]
			ready = ready[1:]
			if reason, ok := x.blocked(i); !ok {
				x.notRun(i, reason)
				finish(i)
				continue
			}
			x.mu.Lock()
			x.status[i] = pipeline.StepExecuting
			x.mu.Unlock()
			running++
			inFlight[i] = true
			go func() { results <- x.runStep(ctx, i) }()
		}
		if running == 0 {
			break
		}
		abandon := false
		select {
		case r := <-results:
			running--
			interrupted = interrupted || r.status == pipeline.StepStopped
			delete(inFlight, r.index)
			x.mu.Lock()
			x.status[r.index], x.props[r.index], x.outputs[r.index] = r.status, r.props, r.outputs
			if x.failStep != "" {
				halted = true
			}
			x.mu.Unlock()
			finish(r.index)
		case <-ctxDone:
			ctxDone = nil
			t := time.NewTimer(x.e.cfg.StopGrace)
			defer t.Stop()
			grace = t.C
		case <-grace:
			abandon = true
		}
		if abandon {
			// Step functions that ignore their context: record them as
			// stopped and return; whatever they write later is dropped.
			for _, i := range slices.Sorted(maps.Keys(inFlight)) {
				x.abandon(i)
				done[i] = true
			}
			interrupted = true
			break
		}
	}
	// What is left did not run: the execution stopped or failed at a Fail
	// step, or a step waits on one that never finished.
	reason := "the execution ended before the step could start"
	switch {
	case ctx.Err() != nil:
		reason = "the execution was stopped"
	case halted:
		reason = fmt.Sprintf("the execution failed at Fail step %q", x.failStep)
	}
	for i := range steps {
		if !done[i] {
			x.notRun(i, reason)
			interrupted = interrupted || ctx.Err() != nil
		}
	}
	return interrupted
}

// blocked reports whether step i may run, given its finished
// dependencies, and why not.
func (x *execution) blocked(i int) (string, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range x.def.steps[i].preds {
		from := x.def.steps[e.from]
		st := x.status[e.from]
		switch e.kind {
		case edgeIf, edgeElse:
			if st != pipeline.StepSucceeded {
				return fmt.Sprintf("condition %q did not succeed", from.name), false
			}
			outcome := x.outcome(e.from)
			if outcome != (e.kind == edgeIf) {
				return fmt.Sprintf("condition %q was %s: the step is on the branch not taken", from.name, pyStr(outcome)), false
			}
		default:
			if st != pipeline.StepSucceeded {
				return fmt.Sprintf("step %q it depends on did not succeed (%s)", from.name, st), false
			}
		}
	}
	return "", true
}

// outcome returns a finished condition's outcome; x.mu is held.
func (x *execution) outcome(i int) bool {
	v, _ := walkPath(x.props[i], ".Outcome")
	b, _ := v.(bool)
	return b
}

// notRun records step i as not run.
func (x *execution) notRun(i int, reason string) {
	x.mu.Lock()
	x.status[i] = pipeline.StepNotRun
	x.mu.Unlock()
	x.rec.update(func(ex *pipeline.Execution) {
		r := &ex.Steps[i]
		r.Status, r.FailureReason = pipeline.StepNotRun, reason
	})
	x.emit(pipeline.Event{Step: x.def.steps[i].name, Kind: pipeline.EventSkipped, Message: reason})
}

// abandon records a step whose function did not return within StopGrace
// of the execution being stopped.
func (x *execution) abandon(i int) {
	x.mu.Lock()
	x.status[i] = pipeline.StepStopped
	x.mu.Unlock()
	end := x.e.cfg.Clock.Now().UTC()
	reason := fmt.Sprintf("the step function did not return within %s of the execution being stopped", x.e.cfg.StopGrace)
	x.rec.update(func(ex *pipeline.Execution) {
		r := &ex.Steps[i]
		r.Status, r.End, r.FailureReason = pipeline.StepStopped, end, reason
	})
	x.emit(pipeline.Event{Step: x.def.steps[i].name, Kind: pipeline.EventStopped, Message: reason})
}
