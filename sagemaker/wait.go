package sagemaker

import (
	"context"
	"fmt"
	"time"

	"github.com/sagepipe/sagepipe/pipeline"
)

// Wait polls the execution until it ends, first after the client's
// minimum polling interval, then twice as long after each poll that saw
// no change, up to the maximum (WithPolling). Each change is reported to
// events (which may be nil) as the local engine reports its own: the
// execution's start and end (Step empty), and for each step started,
// retried, cached, succeeded, failed, stopped, or skipped (a step of the
// definition that never ran). Events of one poll come in step order,
// before Wait sleeps again; events is called from Wait's goroutine.
//
// Wait returns the final record. An execution that ended Failed or
// Stopped also returns an *ExecutionError with the service's reason. A
// cancelled ctx ends the wait at once with ctx's error and the last record
// seen (the execution goes on).
func (e *Execution) Wait(ctx context.Context, events func(pipeline.Event)) (*pipeline.Execution, error) {
	if events == nil {
		events = func(pipeline.Event) {}
	}
	w := watcher{e: e, emit: events, seen: map[string]seen{}}
	delay := e.c.pollMin
	var last *pipeline.Execution
	for {
		rec, err := e.Describe(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return last, fmt.Errorf("sagemaker: wait for %s: %w", e.arn, ctx.Err())
			}
			return last, err
		}
		last = rec
		if w.observe(rec) {
			delay = e.c.pollMin
		} else {
			delay = min(2*delay, e.c.pollMax)
		}
		switch rec.Status {
		case pipeline.ExecutionSucceeded:
			return rec, nil
		case pipeline.ExecutionFailed:
			return rec, &ExecutionError{ARN: e.arn, Reason: rec.FailureReason, Err: ErrExecutionFailed}
		case pipeline.ExecutionStopped:
			return rec, &ExecutionError{ARN: e.arn, Reason: rec.FailureReason, Err: ErrExecutionStopped}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return last, fmt.Errorf("sagemaker: wait for %s: %w", e.arn, ctx.Err())
		case <-t.C:
		}
	}
}

// seen is what the watcher last knew of a step.
type seen struct {
	status   pipeline.StepStatus
	attempts int
}

// watcher turns successive records into events.
type watcher struct {
	e       *Execution
	emit    func(pipeline.Event)
	started bool
	status  pipeline.ExecutionStatus
	seen    map[string]seen
}

func (w *watcher) event(t time.Time, step string, kind pipeline.EventKind, attempt int, msg string) {
	if t.IsZero() {
		t = w.e.c.now()
	}
	w.emit(pipeline.Event{Time: t, Execution: w.e.id, Step: step, Kind: kind, Attempt: attempt, Message: msg})
}

// observe reports the changes between the last record and rec, and
// whether there were any.
func (w *watcher) observe(rec *pipeline.Execution) bool {
	changed := false
	switch {
	case !w.started:
		w.started = true
		changed = true
		w.event(rec.Start, "", pipeline.EventStarted, 0, "")
	case w.status.Done() && !rec.Status.Done():
		changed = true // retried by RetryPipelineExecution
		w.event(time.Time{}, "", pipeline.EventRetried, 0, "")
	}
	for _, s := range rec.Steps {
		prev, ok := w.seen[s.Name]
		if ok && prev.status == pipeline.StepNotRun && s.Status != pipeline.StepNotRun {
			ok = false // skipped before a retry, running now
		}
		if s.Status == pipeline.StepNotRun {
			if !ok && rec.Status.Done() {
				w.event(rec.End, s.Name, pipeline.EventSkipped, 0, s.FailureReason)
				w.seen[s.Name] = seen{status: s.Status}
				changed = true
			}
			continue
		}
		attempts := max(s.Attempts, 1)
		switch {
		case !ok && s.CachedFrom != "":
			w.event(s.End, s.Name, pipeline.EventCached, 0, s.CachedFrom)
			w.seen[s.Name] = seen{status: s.Status}
			changed = true
			continue
		case !ok:
			w.event(s.Start, s.Name, pipeline.EventStarted, 1, "")
			prev = seen{status: pipeline.StepExecuting, attempts: 1}
			changed = true
		case prev.status.Done() && !s.Status.Done():
			// the execution was retried: the step runs again
			prev = seen{status: s.Status, attempts: max(attempts, prev.attempts+1)}
			w.event(time.Time{}, s.Name, pipeline.EventRetried, prev.attempts, "")
			changed = true
		}
		for a := prev.attempts + 1; a <= attempts; a++ {
			w.event(time.Time{}, s.Name, pipeline.EventRetried, a, "")
			prev.attempts = a
			changed = true
		}
		if s.Status.Done() && !prev.status.Done() {
			kind := pipeline.EventSucceeded
			switch s.Status {
			case pipeline.StepFailed:
				kind = pipeline.EventFailed
			case pipeline.StepStopped:
				kind = pipeline.EventStopped
			}
			w.event(s.End, s.Name, kind, prev.attempts, s.FailureReason)
			changed = true
		}
		prev.status = s.Status
		w.seen[s.Name] = prev
	}
	if rec.Status.Done() && !w.status.Done() {
		kind := pipeline.EventSucceeded
		switch rec.Status {
		case pipeline.ExecutionFailed:
			kind = pipeline.EventFailed
		case pipeline.ExecutionStopped:
			kind = pipeline.EventStopped
		}
		w.event(rec.End, "", kind, 0, rec.FailureReason)
		changed = true
	}
	if rec.Status != w.status {
		changed = true
	}
	w.status = rec.Status
	return changed
}
