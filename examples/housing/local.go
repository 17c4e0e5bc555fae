package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// rawCSV is the seed's raw data (data/SOURCE.md says where it comes from),
// staged at the URI the first step reads before every run.
//
//go:embed data/house_pricing.csv
var rawCSV []byte

// rawURI is where the notebook uploads the raw data.
func (s *Seed) rawURI() string {
	return "s3://" + s.Env.Bucket + "/" + s3Prefix + "/data/raw/house_pricing.csv"
}

// localRun configures one run of the seed on this machine.
type localRun struct {
	// Workdir is the engine's root.
	Workdir string
	// Params are the parameter overrides, typed.
	Params map[string]any
	// Account and Region name the ARNs and the offline store's folders.
	Account, Region string
	// Progress receives the live view.
	Progress io.Writer
	// NewID returns execution ids; nil means random ones.
	NewID func() string
	// Logger receives the engine's events; nil discards them.
	Logger *slog.Logger
}

// outcome is what a local run produced, for the summary and for tests.
type outcome struct {
	Execution *pipeline.Execution
	// Report is the path of the HTML report.
	Report string
	// Evaluation is the path of evaluation.json in the store, when
	// EvaluateModel ran.
	Evaluation string
	// Package is the registered model package, when one was registered.
	Package *registered
	// Wall is the run's wall time, from the engine's start to the
	// report written.
	Wall time.Duration
	// Err is the execution's error (nil when it succeeded).
	Err error
}

// newSystem returns the actor system of a run: this machine's CPUs, and at
// least enough for the tuning step's 4 parallel jobs × 3 actors of
// actorCPUs each plus one CPU for the data tasks beside them.
func newSystem() (*actor.System, error) {
	cpus := float64(runtime.NumCPU())
	if need := parallelTrials*3*actorCPUs + 1; cpus < need {
		cpus = need
	}
	return actor.NewSystem(actor.Config{CPUs: cpus})
}

// runLocal runs the seed pipeline with the local engine: every step bound
// to its Go implementation, the raw data staged, the live progress on
// o.Progress, then the report written. The returned error is a problem
// found before the start (bad parameters) or a setup failure; how the
// execution ended is in outcome.Err.
func runLocal(ctx context.Context, s *Seed, o localRun) (*outcome, error) {
	start := time.Now()
	if err := os.MkdirAll(o.Workdir, 0o755); err != nil {
		return nil, err
	}
	root, err := filepath.Abs(o.Workdir)
	if err != nil {
		return nil, err
	}
	raw := filepath.Join(root, "data", "house_pricing.csv")
	if err := os.MkdirAll(filepath.Dir(raw), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(raw, rawCSV, 0o644); err != nil {
		return nil, err
	}
	// The engine runs the compiled definition, exactly what SageMaker
	// would get: parsed back, it needs none of the seed's local scripts,
	// which this example replaces with Go functions.
	p, err := compiled(s)
	if err != nil {
		return nil, err
	}
	g := p.Graph()
	prog := local.NewProgress(o.Progress, g)
	engine, shutdown, err := newEngine(root, s, o, prog.Event)
	if err != nil {
		_ = prog.Close()
		return nil, err
	}
	defer shutdown()
	ex, runErr := engine.Run(ctx, p, local.RunOptions{
		Parameters: o.Params,
		Stage:      map[string]string{s.rawURI(): raw},
	})
	cerr := prog.Close()
	if ex == nil {
		return nil, runErr
	}
	if cerr != nil {
		return nil, fmt.Errorf("progress view: %w", cerr)
	}
	return finish(ctx, engine, g, ex, runErr, start)
}

// compiled returns the seed's definition as the engine runs it: compiled
// and parsed back.
func compiled(s *Seed) (*pipeline.Pipeline, error) {
	def, err := s.Pipeline.Definition()
	if err != nil {
		return nil, err
	}
	p, err := pipeline.Parse(def)
	if err != nil {
		return nil, err
	}
	return p.WithName(s.Pipeline.Name()), nil
}

// newEngine returns a local engine rooted at root with every step of the
// seed bound to its Go implementation, on an actor system sized for the
// tuning step (see newSystem); shutdown stops the system.
func newEngine(root string, s *Seed, o localRun, onEvent func(pipeline.Event)) (e *local.Engine, shutdown func(), err error) {
	sys, err := newSystem()
	if err != nil {
		return nil, nil, err
	}
	e = local.New(local.Config{
		Root: root, System: sys, OnEvent: onEvent, Logger: o.Logger, NewID: o.NewID,
		Account: o.Account, Region: o.Region,
	})
	steps := &impl{root: root, bucket: s.Env.Bucket, account: o.Account, region: o.Region, now: time.Now}
	steps.bind(e)
	return e, func() { _ = sys.Shutdown(context.Background()) }, nil
}

// containerEngine returns the engine local.Main runs a job of the -image
// pipeline with: the seed's steps bound to the same Go functions as in a
// local run, with no store of their own: the feature-store steps use
// SageMaker Feature Store (impl.ingestRemote, impl.fetchOffline).
func containerEngine() *local.Engine {
	e := local.New(local.Config{})
	(&impl{now: time.Now}).bind(e)
	return e
}

// finish writes the report of ex and gathers what the summary shows.
func finish(ctx context.Context, engine *local.Engine, g *pipeline.Graph, ex *pipeline.Execution, runErr error, start time.Time) (*outcome, error) {
	root := engine.Root()
	out := &outcome{Execution: ex, Err: runErr}
	out.Report = filepath.Join(root, "executions", ex.ID, "report.html")
	if err := local.WriteReportFile(out.Report, g, ex); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if r := ex.Step("EvaluateModel"); r != nil && r.Status == pipeline.StepSucceeded {
		if p, err := storePath(root, r.Outputs["evaluation"]+"/evaluation.json"); err == nil {
			out.Evaluation = p
		}
	}
	pkg, err := registeredPackage(ctx, engine, ex)
	if err != nil {
		return nil, err
	}
	out.Package = pkg
	out.Wall = time.Since(start)
	return out, nil
}

// trial is one training job of the tuning step, for the trials table.
type trial struct {
	Name   string            `json:"TrainingJobName"`
	Status string            `json:"TrainingJobStatus"`
	Tuned  map[string]string `json:"TunedHyperParameters"`
	Final  *struct {
		Value float64 `json:"Value"`
	} `json:"FinalHyperParameterTuningJobObjectiveMetric"`
}

// trials returns the tuning step's training jobs, best first, from its
// properties (ListTrainingJobsForHyperParameterTuningJob's summaries).
func trials(ex *pipeline.Execution) ([]trial, error) {
	r := ex.Step("HPTuning")
	if r == nil || len(r.Properties) == 0 {
		return nil, nil
	}
	var props struct {
		Summaries []trial `json:"TrainingJobSummaries"`
	}
	if err := json.Unmarshal(r.Properties, &props); err != nil {
		return nil, fmt.Errorf("HPTuning properties: %w", err)
	}
	return props.Summaries, nil
}

// readEvaluation reads evaluation.json as the condition step reads it.
func readEvaluation(path string) (mae, rmse, std float64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, err
	}
	var rep struct {
		Metrics map[string]struct {
			Value float64 `json:"value"`
			Std   float64 `json:"standard_deviation"`
		} `json:"regression_metrics"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return 0, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	m, ok := rep.Metrics["rmse"]
	if !ok {
		return 0, 0, 0, errors.New(path + ": no regression_metrics.rmse")
	}
	return rep.Metrics["mae"].Value, m.Value, m.Std, nil
}
