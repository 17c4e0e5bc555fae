package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// scope returns what step s's expressions resolve against now.
func (x *execution) scope(jobName string) *scope {
	vars := make(map[string]string, len(x.vars)+3)
	for k, v := range x.vars {
		vars[k] = v
	}
	vars["CurrentDateTime"] = formatTime(x.e.cfg.Clock.Now())
	vars["ProcessingJobName"] = jobName
	vars["TrainingJobName"] = jobName
	return &scope{
		params:     x.params,
		exec:       vars,
		experiment: x.def.experiment,
		step: func(name string) (any, bool) {
			s, ok := x.def.byName[name]
			if !ok {
				return nil, false
			}
			x.mu.Lock()
			defer x.mu.Unlock()
			if x.status[s.index] != pipeline.StepSucceeded {
				return nil, false
			}
			return x.props[s.index], true
		},
		propertyFile: x.propertyFileURI,
		read:         x.store.read,
	}
}

// propertyFileURI returns the S3 URI of a succeeded step's property file:
// its output's URI joined with the file's path.
func (x *execution) propertyFileURI(step, file string) (string, error) {
	s, ok := x.def.byName[step]
	if !ok {
		return "", resolveErr("property file %s.%s: no step %q", step, file, step)
	}
	for _, pf := range s.files {
		if pf.name != file {
			continue
		}
		x.mu.Lock()
		st, outs := x.status[s.index], x.outputs[s.index]
		x.mu.Unlock()
		if st != pipeline.StepSucceeded {
			return "", resolveErr("property file %s.%s: step %q has not succeeded", step, file, step)
		}
		uri, ok := outs[pf.output]
		if !ok {
			return "", resolveErr("property file %s.%s: step %q has no output %q", step, file, step, pf.output)
		}
		return strings.TrimRight(uri, "/") + "/" + strings.TrimLeft(pf.path, "/"), nil
	}
	return "", resolveErr("step %q declares no property file %q", step, file)
}

// jobName names step s's job in this execution, like SageMaker's
// pipelines-<execution>-<step>-<suffix>.
func (x *execution) jobName(s *stepDef) string {
	sum := sha256.Sum256([]byte(x.vars["PipelineExecutionId"] + "/" + s.name))
	suffix := make([]byte, 10)
	for i := range suffix {
		suffix[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return "pipelines-" + x.vars["PipelineExecutionId"] + "-" + s.name + "-" + string(suffix)
}

// runStep runs step i once its dependencies allow it and records the
// result.
func (x *execution) runStep(ctx context.Context, i int) stepOutcome {
	s := x.def.steps[i]
	start := x.e.cfg.Clock.Now().UTC()
	x.rec.update(func(ex *pipeline.Execution) {
		r := &ex.Steps[i]
		r.Status, r.Start = pipeline.StepExecuting, start
	})
	out := stepOutcome{index: i}
	var attempts int
	var cachedFrom, failMsg string
	var err error
	switch s.typ {
	case "Condition":
		x.emit(pipeline.Event{Step: s.name, Kind: pipeline.EventStarted, Attempt: 1})
		attempts = 1
		out.props, err = x.runCondition(s)
	case "Fail":
		x.emit(pipeline.Event{Step: s.name, Kind: pipeline.EventStarted, Attempt: 1})
		attempts = 1
		failMsg, err = x.runFail(s)
	default:
		var res *result
		res, attempts, cachedFrom, err = x.runJob(ctx, s)
		if res != nil {
			out.props, out.outputs = res.properties, res.outputs
		}
	}
	end := x.e.cfg.Clock.Now().UTC()
	switch {
	case err == nil:
		out.status = pipeline.StepSucceeded
	case ctx.Err() != nil && !errors.Is(err, errFailStep):
		out.status = pipeline.StepStopped
	default:
		out.status = pipeline.StepFailed
	}
	var propsJSON json.RawMessage
	if out.props != nil {
		b, merr := rawJSON(out.props)
		if merr != nil && err == nil {
			out.status, err = pipeline.StepFailed, fmt.Errorf("properties: %w", merr)
		}
		propsJSON = b
	}
	reason := ""
	if err != nil {
		reason = err.Error()
		if errors.Is(err, errFailStep) {
			reason = failMsg
		}
		out.props, out.outputs = nil, nil
	}
	x.rec.update(func(ex *pipeline.Execution) {
		r := &ex.Steps[i]
		r.Status, r.End, r.Attempts, r.CachedFrom, r.FailureReason = out.status, end, attempts, cachedFrom, reason
		if out.status == pipeline.StepSucceeded {
			r.Properties, r.Outputs = propsJSON, out.outputs
		}
	})
	ev := pipeline.Event{Step: s.name, Attempt: attempts}
	switch out.status {
	case pipeline.StepSucceeded:
		ev.Kind = pipeline.EventSucceeded
		if cachedFrom != "" {
			ev.Kind, ev.Message = pipeline.EventCached, "outputs reused from execution "+cachedFrom
		}
	case pipeline.StepStopped:
		ev.Kind, ev.Message = pipeline.EventStopped, reason
	default:
		ev.Kind, ev.Message = pipeline.EventFailed, reason
	}
	x.emit(ev)
	return out
}

// errFailStep marks the end of a Fail step.
var errFailStep = errors.New("fail step")

// rawJSON encodes a tree as compact JSON for the record (numbers keep
// their kind: 15000.0 stays a float).
func rawJSON(v any) (json.RawMessage, error) {
	b, err := pyjson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (x *execution) setArguments(i int, args any) error {
	b, err := rawJSON(args)
	if err != nil {
		return err
	}
	x.rec.update(func(ex *pipeline.Execution) { ex.Steps[i].Arguments = b })
	return nil
}

// runCondition evaluates a condition step; its property tree is
// {"Outcome": true|false}.
func (x *execution) runCondition(s *stepDef) (any, error) {
	sc := x.scope(x.jobName(s))
	conds, err := sc.resolve(get(asObject(s.args), "Conditions"))
	if err != nil {
		return nil, err
	}
	names := func(ix []int) []any {
		out := make([]any, len(ix))
		for k, j := range ix {
			out[k] = x.def.steps[j].name
		}
		return out
	}
	args := pyjson.NewObject().Set("Conditions", conds).Set("IfSteps", names(s.ifs)).Set("ElseSteps", names(s.elses))
	if err := x.setArguments(s.index, args); err != nil {
		return nil, err
	}
	ok, err := evalConditions(conds)
	if err != nil {
		return nil, err
	}
	return pyjson.NewObject().Set("Outcome", ok), nil
}

// runFail resolves a Fail step's message and ends the execution with it;
// the error is errFailStep once the message is known.
func (x *execution) runFail(s *stepDef) (string, error) {
	sc := x.scope(x.jobName(s))
	msg, err := sc.resolve(get(asObject(s.args), "ErrorMessage"))
	if err != nil {
		return "", err
	}
	text := pyStr(msg)
	if msg == nil {
		text = ""
	}
	if err := x.setArguments(s.index, pyjson.NewObject().Set("ErrorMessage", text)); err != nil {
		return "", err
	}
	x.mu.Lock()
	if x.failStep == "" {
		x.failStep, x.failMsg = s.name, text
	}
	x.mu.Unlock()
	return text, errFailStep
}

// runJob runs a job step: resolves its arguments, takes a cache hit when
// the step's cache allows one, and otherwise runs attempts under the
// step's retry policies. It returns the result, the number of attempts
// and the execution a cache hit came from.
func (x *execution) runJob(ctx context.Context, s *stepDef) (*result, int, string, error) {
	ex, _ := executorFor(s.typ)
	impl, ok := x.e.implementation(ex, s)
	if !ok {
		return nil, 0, "", fmt.Errorf("%w: no %s function bound", ErrUnbound, s.typ)
	}
	jobName := x.jobName(s)
	resolved, err := x.scope(jobName).resolve(s.args)
	if err != nil {
		return nil, 0, "", err
	}
	args := asObject(resolved)
	if args == nil {
		args = pyjson.NewObject()
	}
	if err := x.setArguments(s.index, args); err != nil {
		return nil, 0, "", err
	}
	var key string
	if s.cache != nil && s.cache.enabled && ex.cacheable() {
		key, err = x.cacheKey(ex, s, args)
		if err != nil {
			return nil, 0, "", fmt.Errorf("cache key: %w", err)
		}
		if ce, ok := x.cacheLookup(s, key); ok {
			props, err := pyjson.Unmarshal(ce.Properties)
			if err == nil {
				if o := asObject(props); o != nil {
					return &result{properties: o, outputs: ce.Outputs}, 0, ce.Execution, nil
				}
			}
		}
	}
	log := x.stepLogger(s)
	first := x.e.cfg.Clock.Now()
	counts := make([]int, len(s.retry)+1) // the last counts the default policy
	for n := 1; ; n++ {
		x.emit(pipeline.Event{Step: s.name, Kind: pipeline.EventStarted, Attempt: n})
		x.rec.update(func(e *pipeline.Execution) { e.Steps[s.index].Attempts = n })
		res, err := x.attempt(ctx, ex, impl, &attempt{x: x, step: s, args: args, number: n, jobName: jobName, log: log})
		if err == nil {
			if c, ok := x.e.cannedFor(s.name); ok {
				if err := c.overlay(res.properties); err != nil {
					return nil, n, "", err
				}
			}
			if key != "" {
				b, merr := pyjson.Marshal(res.properties)
				if merr == nil {
					merr = x.cacheStore(s, key, cacheEntry{Execution: x.rec.id, Time: x.e.cfg.Clock.Now().UTC(),
						Properties: b, Outputs: res.outputs})
				}
				if merr != nil {
					log.Warn("the step's cache entry could not be written", "error", merr)
				}
			}
			return res, n, "", nil
		}
		if ctx.Err() != nil {
			return nil, n, "", err
		}
		delay, why := x.retryDelay(s, err, counts, first)
		if why != "" {
			if why != "-" {
				err = fmt.Errorf("%w (%s)", err, why)
			}
			return nil, n, "", err
		}
		x.emit(pipeline.Event{Step: s.name, Kind: pipeline.EventRetried, Attempt: n,
			Message: fmt.Sprintf("attempt %d failed: %v; retrying in %s", n, err, delay)})
		log.Info("attempt failed, retrying", "attempt", n, "error", err.Error(), "delay", delay.String())
		if serr := x.e.cfg.Clock.Sleep(ctx, delay); serr != nil {
			return nil, n, "", serr
		}
	}
}

// defaultRetry is how SageMaker retries Step.SERVICE_FAULT and
// Step.THROTTLING when no policy of the step names them: after 1 s,
// doubling, at most 5 times (the SDK's policy defaults).
var defaultRetry = retryPolicy{backoff: 2, interval: 1, maxAttempts: 5, hasMax: true}

// retryDelay returns how long to wait before retrying after err, or a
// reason not to retry ("-" when no policy matches at all).
func (x *execution) retryDelay(s *stepDef, err error, counts []int, first time.Time) (time.Duration, string) {
	t := exceptionOf(err)
	if t == nil {
		return 0, "-"
	}
	k := slices.IndexFunc(s.retry, func(p retryPolicy) bool { return slices.Contains(p.types, t.Name()) })
	var p retryPolicy
	switch {
	case k >= 0:
		p = s.retry[k]
	case t == ErrServiceFault || t == ErrThrottling:
		k, p = len(s.retry), defaultRetry
	default:
		return 0, "-"
	}
	if s.typ == "Tuning" && t == ErrJobInternal {
		return 0, "tuning steps are not retried on " + t.Name()
	}
	counts[k]++
	delay := time.Duration(float64(p.interval) * math.Pow(p.backoff, float64(counts[k]-1)) * float64(time.Second))
	if p.expireAfterMin > 0 {
		limit := time.Duration(p.expireAfterMin) * time.Minute
		if x.e.cfg.Clock.Now().Add(delay).Sub(first) > limit {
			return 0, fmt.Sprintf("retry policy expired after %d minutes", p.expireAfterMin)
		}
		return delay, ""
	}
	if counts[k] > p.maxAttempts {
		return 0, fmt.Sprintf("%d retry attempts exhausted", p.maxAttempts)
	}
	return delay, ""
}

// attempt runs one attempt in a scratch directory that is removed after
// it; the outputs of a successful attempt are moved into the store.
func (x *execution) attempt(ctx context.Context, ex executor, impl any, a *attempt) (res *result, err error) {
	defer func() {
		if a.scratch != "" {
			os.RemoveAll(a.scratch)
		}
	}()
	func() {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("%w: %v\n\n%s", ErrPanic, v, debug.Stack())
				res = nil
			}
		}()
		res, err = ex.run(ctx, a, impl)
	}()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // stopped: what it wrote is dropped with the scratch directory
	}
	for _, c := range a.commits {
		if err := x.store.put(c.dir, c.uri); err != nil {
			return nil, fmt.Errorf("writing output %s: %w", c.uri, err)
		}
	}
	return res, nil
}
