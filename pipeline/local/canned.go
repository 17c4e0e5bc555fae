package local

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"

	"github.com/sagepipe/sagepipe/pipeline"
)

// Canned is a step's result given in advance, for tests of a pipeline's
// logic: which branch a condition takes, what a Fail step says, how
// retries and the cache behave. Bound with Engine.Canned, it replaces the
// step's function; everything else (resolution, conditions, retries,
// cache, the record) runs as in a real run.
type Canned struct {
	// Outputs gives the files written to each named output: output name
	// -> file path relative to the output -> content.
	Outputs map[string]Files
	// OutputsFrom copies a local file or directory into each named output.
	OutputsFrom map[string]string
	// OutputParameters are a Lambda or Callback step's outputs.
	OutputParameters map[string]any
	// Properties set members of the step's property tree after it
	// succeeds, by dotted path ("ProcessingJobStatus",
	// "BestTrainingJob.TrainingJobName"), as Go values: string, integer
	// types, float64, bool, and map[string]any and []any of them.
	Properties map[string]any
	// Metrics are logged, in order, on every attempt.
	Metrics []pipeline.Metric
	// Log lines are written to the step's log on every attempt.
	Log []string
	// Errors maps an attempt number (from 1) to the error that attempt
	// returns, after its log lines and metrics: an error wrapping
	// ErrCapacity on attempt 1 tests a retry policy.
	Errors map[int]error
}

// Files maps relative file paths to their contents.
type Files map[string][]byte

// Canned binds a canned result to the named step, whatever its type; it
// wins over every other binding. A step of a type the engine cannot run
// yet (Training, Tuning) runs with a canned result too: its property
// tree is its resolved arguments plus Canned.Properties (which may hold
// whole maps and slices, such as a tuning step's TrainingJobSummaries),
// and it has no outputs. A canned CreateModel or RegisterModel step
// replays the log, metrics and errors, then does its work as usual; a
// canned Transform step runs no inference and writes its canned output
// "output" to the transform's output path.
func (e *Engine) Canned(step string, c Canned) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.canned[step] = c
}

// apply writes the log lines and metrics and returns the attempt's error.
func (c Canned) apply(j *Job) error {
	for _, l := range c.Log {
		j.Log.Info(l)
	}
	for _, m := range c.Metrics {
		j.LogMetric(m.Name, m.Value, m.Step)
	}
	return c.Errors[j.Attempt]
}

// writeOutput fills dir with the canned content of output name.
func (c Canned) writeOutput(name, dir string) error {
	names := make([]string, 0, len(c.Outputs[name]))
	for rel := range c.Outputs[name] {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, c.Outputs[name][rel], 0o644); err != nil {
			return err
		}
	}
	if src, ok := c.OutputsFrom[name]; ok {
		info, err := os.Stat(src)
		if err != nil {
			return fmt.Errorf("canned output %q: %w", name, err)
		}
		dst := dir
		if !info.IsDir() {
			dst = filepath.Join(dir, filepath.Base(src))
		}
		if err := copyTree(src, dst); err != nil {
			return fmt.Errorf("canned output %q: %w", name, err)
		}
	}
	return nil
}

// unknownOutputs reports canned outputs the step does not have.
func (c Canned) unknownOutputs(outputs map[string]Output) error {
	for _, m := range []map[string]bool{keysOf(c.Outputs), keysOf(c.OutputsFrom)} {
		for name := range m {
			if _, ok := outputs[name]; !ok {
				return fmt.Errorf("canned output %q: the step has no such output", name)
			}
		}
	}
	return nil
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// overlay sets the canned properties on a property tree.
func (c Canned) overlay(props *pyjson.Object) error {
	paths := make([]string, 0, len(c.Properties))
	for p := range c.Properties {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		v, err := treeValue(c.Properties[p])
		if err != nil {
			return fmt.Errorf("canned property %q: %w", p, err)
		}
		o := props
		parts := strings.Split(p, ".")
		for _, part := range parts[:len(parts)-1] {
			next, ok := o.Get(part)
			no, isObj := next.(*pyjson.Object)
			if !ok || !isObj {
				no = pyjson.NewObject()
				o.Set(part, no)
			}
			o = no
		}
		o.Set(parts[len(parts)-1], v)
	}
	return nil
}

// treeValue converts a Go value to the tree model of resolved values:
// maps become objects (keys sorted), slices arrays.
func treeValue(v any) (any, error) {
	switch t := v.(type) {
	case string, bool, nil, int64, float64:
		return t, nil
	case int, int8, int16, int32, uint8, uint16, uint32:
		return convertParam("Integer", t)
	case float32:
		return float64(t), nil
	case map[string]any:
		o := pyjson.NewObject()
		for _, k := range slices.Sorted(maps.Keys(t)) {
			x, err := treeValue(t[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			o.Set(k, x)
		}
		return o, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := treeValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported Go type %T", v)
}

// cannedExecutor stands for step types the engine cannot run yet, for
// steps with a canned result: the step's property tree is its resolved
// arguments, plus the canned properties.
type cannedExecutor struct{}

func (cannedExecutor) cacheable() bool                              { return false }
func (cannedExecutor) keys(s *stepDef) []string                     { return []string{s.name} }
func (cannedExecutor) canned(c Canned) any                          { return c }
func (cannedExecutor) cacheKey(args *pyjson.Object) (any, []string) { return args, nil }

func (cannedExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	c, ok := impl.(Canned)
	if !ok {
		return nil, fmt.Errorf("%w: %s steps cannot run locally yet", ErrUnbound, a.step.typ)
	}
	j := a.job()
	if err := c.apply(&j); err != nil {
		return nil, err
	}
	if len(c.Outputs)+len(c.OutputsFrom) > 0 {
		return nil, fmt.Errorf("canned outputs: %s steps have no local outputs yet (give properties instead)", a.step.typ)
	}
	props := pyjson.NewObject()
	for k, v := range a.args.Members() {
		props.Set(k, v)
	}
	return &result{properties: props}, nil
}

func (e *Engine) cannedFor(step string) (Canned, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.canned[step]
	return c, ok
}
