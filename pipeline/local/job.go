package local

import (
	"context"
	"log/slog"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// Job is what every step function gets about the job it runs.
type Job struct {
	// Step is the step's name.
	Step string
	// Name is the job's name (ProcessingJobName, ...), also the value of
	// Execution.ProcessingJobName and Execution.TrainingJobName.
	Name string
	// ExecutionID is the pipeline execution's id.
	ExecutionID string
	// Attempt counts the step's attempts, from 1.
	Attempt int
	// Log is the step's logger: its lines become the step's log in the
	// execution record, and go to the engine's Config.Logger too.
	Log *slog.Logger
	// System is the engine's actor system.
	System *actor.System

	att *attempt
}

// LogMetric records a value of the named metric; step is the iteration or
// epoch it belongs to (-1 for none). In a SageMaker container
// (RunEntrypoint) it logs the value to Log, as a "metric" line with name,
// value and step attributes, for the job's metric definitions to match.
func (j *Job) LogMetric(name string, value float64, step int) {
	if j.att == nil {
		if j.Log != nil {
			j.Log.Info("metric", "name", name, "value", value, "step", step)
		}
		return
	}
	j.att.metric(pipeline.Metric{Name: name, Value: value, Step: step})
}

// attempt is one attempt of a step's job, as an executor sees it.
type attempt struct {
	x       *execution
	step    *stepDef
	args    *pyjson.Object // resolved Arguments
	number  int
	jobName string
	log     *slog.Logger
	scratch string // made on first use by scratchDir, removed after the attempt
	// commits are the outputs to move into the store once the attempt
	// succeeds: temporary directory -> S3 URI.
	commits []commit
	// onMetric, when set, sees every metric value the job logs; with
	// unrecorded set the values stay out of the step's record (the
	// training jobs of a tuning step).
	onMetric   func(pipeline.Metric)
	unrecorded bool
}

type commit struct{ dir, uri string }

func (a *attempt) job() Job {
	return Job{Step: a.step.name, Name: a.jobName, ExecutionID: a.x.rec.id, Attempt: a.number,
		Log: a.log, System: a.x.sys, att: a}
}

func (a *attempt) metric(m pipeline.Metric) {
	m.Time = a.x.e.cfg.Clock.Now()
	if a.onMetric != nil {
		a.onMetric(m)
	}
	if a.unrecorded {
		return
	}
	i := a.step.index
	a.x.rec.update(func(ex *pipeline.Execution) {
		ex.Steps[i].Metrics = append(ex.Steps[i].Metrics, m)
	})
}

// result is what a successful attempt produced.
type result struct {
	// properties is the step's property tree (its Describe response).
	properties *pyjson.Object
	// outputs maps output names to their URIs.
	outputs map[string]string
}

// executor runs the jobs of one step type. A step type plugs into the
// engine with an executor in executors and an Engine method that binds
// its typed function (as Processing does with e.bind). The engine does
// the rest for every type: the binding check before the start, argument
// resolution, the cache (when cacheable), attempts under the retry
// policies, panics, outputs and the record. In run, an executor reads the
// resolved arguments (a.args), materialises inputs (a.materialise), asks
// for private space (a.scratchDir), registers each output directory with
// the S3 URI it becomes (a.commits, moved into the store only when the
// attempt succeeds and the execution is not stopped), gives the function
// a.job() for its Job, and returns the step's property tree (the
// Describe response of its job) and its outputs by name.
type executor interface {
	// keys returns the binding keys that select a step's implementation,
	// most specific first: its name, then the code it runs.
	keys(s *stepDef) []string
	// canned returns the implementation that produces a canned result.
	canned(c Canned) any
	// run runs one attempt with the bound implementation.
	run(ctx context.Context, a *attempt, impl any) (*result, error)
	// cacheable reports whether the step type honours CacheConfig.
	cacheable() bool
	// cacheKey returns the arguments that make up the cache key and the
	// URIs of the inputs whose content goes into it.
	cacheKey(args *pyjson.Object) (fields any, inputs []string)
}

// executors maps a step type to its local implementation. Condition and
// Fail steps are run by the engine itself.
var executors = map[string]executor{
	"Processing":    processingExecutor{},
	"Lambda":        callExecutor{typ: "Lambda"},
	"Callback":      callExecutor{typ: "Callback"},
	"Training":      trainingExecutor{},
	"Tuning":        tuningExecutor{},
	"Model":         modelExecutor{},
	"RegisterModel": registerExecutor{},
	"Transform":     transformExecutor{},
}

// scratchDir returns the attempt's private directory for work in
// progress, making it on first use (most no-op and call steps need none).
func (a *attempt) scratchDir() (string, error) {
	if a.scratch == "" {
		dir, err := a.x.store.tmpDir(a.x.rec.id + "-" + a.step.name + "-*")
		if err != nil {
			return "", err
		}
		a.scratch = dir
	}
	return a.scratch, nil
}
