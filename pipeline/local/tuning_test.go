package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// summary is a TrainingJobSummaries entry.
type summary struct {
	TrainingJobName      string
	TrainingJobStatus    string
	TunedHyperParameters map[string]string
	ObjectiveStatus      string
	FailureReason        string

	FinalHyperParameterTuningJobObjectiveMetric *struct {
		MetricName string
		Value      float64
	}
}

type tuningProps struct {
	HyperParameterTuningJobName   string
	HyperParameterTuningJobStatus string
	BestTrainingJob               summary
	TrainingJobSummaries          []summary
	TrainingJobStatusCounters     map[string]int
}

func tuningPropsOf(t testing.TB, ex *pipeline.Execution, step string) tuningProps {
	t.Helper()
	var p tuningProps
	if err := json.Unmarshal(ex.Step(step).Properties, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func objective(s summary) float64 {
	if s.FinalHyperParameterTuningJobObjectiveMetric == nil {
		return math.NaN()
	}
	return s.FinalHyperParameterTuningJobObjectiveMetric.Value
}

// xgbTuner tunes eta and max_depth of the XGBoost estimator on
// validation:rmse, the XGBoost image's predefined metric.
func xgbTuner(strategy string, maxJobs, parallel int) steps.Tuner {
	seed := 7
	return steps.Tuner{
		Estimator:       xgbEstimator(1, steps.Member{Key: "num_round", Value: 12}),
		ObjectiveMetric: params.Lit("validation:rmse"),
		ObjectiveType:   params.Lit("Minimize"),
		Ranges: []steps.Range{
			steps.ContinuousRange{Name: "eta", Min: 0.05, Max: 0.6},
			steps.IntegerRange{Name: "max_depth", Min: 1, Max: 5},
		},
		Strategy: params.Lit(strategy), MaxJobs: params.Lit(maxJobs), MaxParallelJobs: params.Lit(parallel), RandomSeed: &seed,
	}
}

// Tuning → a processing step reading TopModelS3URI: every training job
// leaves its model at <output path>/<job>/output/model.tar.gz, the
// summaries are sorted best first, and the top model is XGBoost's to load.
func TestTuningTopModelFeedsProcessing(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	stageData(t, e)
	tune := steps.Tuning("HPTuning", xgbTuner("Bayesian", 6, 2), channels()...)
	eval := evalStep(tune.TopModelS3URI(0, "bucket", "models"))
	p := pipeline.New("tune-eval").Steps(tune, eval).Env(env)
	e.Training("train.py", boostTrain(false))
	e.Processing("evaluate.py", evaluate(t))
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	props := tuningPropsOf(t, ex, "HPTuning")
	if props.HyperParameterTuningJobStatus != "Completed" || len(props.TrainingJobSummaries) != 6 ||
		props.TrainingJobStatusCounters["Completed"] != 6 {
		t.Fatalf("properties: %+v", props)
	}
	var values []float64
	for i, s := range props.TrainingJobSummaries {
		if !strings.HasPrefix(s.TrainingJobName, props.HyperParameterTuningJobName+"-") ||
			s.TrainingJobStatus != "Completed" || s.ObjectiveStatus != "Succeeded" ||
			s.TunedHyperParameters["eta"] == "" || s.TunedHyperParameters["max_depth"] == "" {
			t.Errorf("summary %d: %+v", i, s)
		}
		values = append(values, objective(s))
		uri := "s3://bucket/models/" + s.TrainingJobName + "/output/model.tar.gz"
		if _, err := os.Stat(storePath(e.Root(), uri)); err != nil {
			t.Errorf("summary %d: %v", i, err)
		}
	}
	if !slices.IsSorted(values) {
		t.Errorf("summaries are not sorted best (lowest) first: %v", values)
	}
	if diff := cmp.Diff(props.TrainingJobSummaries[0], props.BestTrainingJob); diff != "" {
		t.Errorf("BestTrainingJob is not the first summary:\n%s", diff)
	}
	var report map[string]float64
	if err := json.Unmarshal([]byte(readStore(t, e.Root(), "s3://bucket/evaluation/evaluation.json")), &report); err != nil {
		t.Fatal(err)
	}
	if d := report["rmse"] - values[0]; math.Abs(d) > 1e-3 {
		t.Errorf("the top model scores %v, its objective was %v", report["rmse"], values[0])
	}
	top := "s3://bucket/models/" + props.TrainingJobSummaries[0].TrainingJobName + "/output/model.tar.gz"
	checkXGBoostLoads(t, storePath(e.Root(), top))
}

// trialsOf returns the trials of a run as comparable values.
func trialsOf(t testing.TB, ex *pipeline.Execution) []summary {
	t.Helper()
	s := tuningPropsOf(t, ex, "HPTuning").TrainingJobSummaries
	slices.SortFunc(s, func(a, b summary) int { return strings.Compare(a.TrainingJobName, b.TrainingJobName) })
	return s
}

// The same seed gives the same trials, run twice at MaxParallel 1 and
// twice at 4, with the trials' durations randomised.
func TestTuningDeterministic(t *testing.T) {
	for _, parallel := range []int{1, 4} {
		t.Run(fmt.Sprint("parallel=", parallel), func(t *testing.T) {
			var runs [][]summary
			for range 2 {
				e, _ := testEngine(t, local.Config{})
				stageData(t, e)
				p := pipeline.New("tune").Steps(steps.Tuning("HPTuning", xgbTuner("Bayesian", 8, parallel), channels()...)).Env(env)
				train := boostTrain(false)
				e.Training("HPTuning", func(ctx context.Context, job *local.TrainingJob) error {
					time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
					return train(ctx, job)
				})
				ex, err := e.Run(ctxT(t), p, local.RunOptions{})
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, trialsOf(t, ex))
			}
			if len(runs[0]) != 8 {
				t.Fatalf("%d trials", len(runs[0]))
			}
			if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
				t.Errorf("the runs differ (-first +second):\n%s", diff)
			}
		})
	}
}

// curve is a training job whose validation:rmse at epoch k is q + 1/k:
// it prints XGBoost-style eval lines for epochs 1..epochs and counts the
// epochs each job ran. It stops when its context is done.
func curve(epochs *jobCounter) local.TrainingFunc {
	return func(ctx context.Context, job *local.TrainingJob) error {
		q, err := job.HyperParameters.Float("q", 0)
		if err != nil {
			return err
		}
		n, err := job.HyperParameters.Int("epochs", 20)
		if err != nil {
			return err
		}
		for k := 1; k <= n && ctx.Err() == nil; k++ {
			epochs.add(job.Name, 1)
			fmt.Fprintf(job.Stdout, "[%d]\ttrain-rmse:%.6f\tvalidation-rmse:%.6f\n", k-1, q, q+1/float64(k))
		}
		if ctx.Err() != nil && !job.StoppedEarly() {
			return ctx.Err()
		}
		return os.WriteFile(filepath.Join(job.ModelDir, "model.txt"), []byte(fmt.Sprint(q)), 0o644)
	}
}

func curveTuner(strategy string, maxJobs int, hps ...steps.Member) steps.Tuner {
	seed := 3
	return steps.Tuner{
		Estimator: steps.Estimator{ImageURI: params.Lit(xgbImage), InstanceType: params.Lit("ml.m5.xlarge"),
			InstanceCount: params.Lit(1), OutputPath: params.Lit("s3://bucket/curves/"), HyperParameters: hps},
		ObjectiveMetric: params.Lit("validation:rmse"), ObjectiveType: params.Lit("Minimize"),
		Ranges:   []steps.Range{steps.ContinuousRange{Name: "q", Min: 0, Max: 1}},
		Strategy: params.Lit(strategy), MaxJobs: params.Lit(maxJobs), MaxParallelJobs: params.Lit[int](1), RandomSeed: &seed,
	}
}

// Early stopping Auto stops the trials worse than the median of the
// earlier ones at the same epoch; they end Stopped with their latest
// objective and a model.
func TestTuningEarlyStoppingAuto(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	var epochs jobCounter
	e.Training("HPTuning", curve(&epochs))
	tn := curveTuner("Random", 12, steps.Member{Key: "epochs", Value: 20})
	tn.EarlyStoppingType = params.Lit("Auto")
	p := pipeline.New("early").Steps(steps.Tuning("HPTuning", tn)).Env(env)
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	props := tuningPropsOf(t, ex, "HPTuning")
	stopped := 0
	for _, s := range props.TrainingJobSummaries {
		n := epochs.get(s.TrainingJobName)
		switch s.TrainingJobStatus {
		case "Stopped":
			stopped++
			if n >= 20 || s.ObjectiveStatus != "Succeeded" {
				t.Errorf("stopped job %s ran %d epochs: %+v", s.TrainingJobName, n, s)
			}
			q, _ := local.HyperParameters(s.TunedHyperParameters).Float("q", 0)
			if got := objective(s); math.Abs(got-(q+1/float64(n))) > 1e-5 {
				t.Errorf("stopped job %s: objective %v, want its latest value %v", s.TrainingJobName, got, q+1/float64(n))
			}
			if _, err := os.Stat(storePath(e.Root(), "s3://bucket/curves/"+s.TrainingJobName+"/output/model.tar.gz")); err != nil {
				t.Error(err)
			}
		case "Completed":
			if n != 20 {
				t.Errorf("completed job %s ran %d epochs", s.TrainingJobName, n)
			}
		default:
			t.Errorf("job %s is %s", s.TrainingJobName, s.TrainingJobStatus)
		}
	}
	if stopped == 0 || stopped != props.TrainingJobStatusCounters["Stopped"] {
		t.Errorf("%d jobs stopped early, counters %v", stopped, props.TrainingJobStatusCounters)
	}
}

// Hyperband takes its maximum resource from the epochs hyperparameter, as
// SageMaker does, and stops poor trials at its rungs.
func TestTuningHyperband(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	var epochs jobCounter
	e.Training("HPTuning", curve(&epochs))
	tn := curveTuner("Hyperband", 12, steps.Member{Key: "epochs", Value: 27})
	tn.Hyperband = &steps.HyperbandConfig{MinResource: 1}
	p := pipeline.New("hyperband").Steps(steps.Tuning("HPTuning", tn)).Env(env)
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	props := tuningPropsOf(t, ex, "HPTuning")
	counts := map[string]int{}
	for _, s := range props.TrainingJobSummaries {
		counts[s.TrainingJobStatus]++
		if n := epochs.get(s.TrainingJobName); s.TrainingJobStatus == "Completed" && n != 27 {
			t.Errorf("completed job %s ran %d epochs", s.TrainingJobName, n)
		}
	}
	if counts["Stopped"] == 0 || counts["Completed"] == 0 || counts["Failed"] != 0 {
		t.Errorf("statuses %v", counts)
	}
	if total := epochs.total(); total >= 12*27 {
		t.Errorf("hyperband ran %d epochs, as many as without it", total)
	} else {
		t.Logf("hyperband ran %d of %d epochs", total, 12*27)
	}
}

// A warm start reads the parent tuning job's trials: the Bayesian model
// takes over from the first trial, which differs from a cold start's
// with the same seed. A parent that never ran fails the step.
func TestTuningWarmStart(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	var epochs jobCounter
	e.Training("HPTuning", curve(&epochs))
	ep := steps.Member{Key: "epochs", Value: 3}
	run := func(tn steps.Tuner) (*pipeline.Execution, error) {
		return e.Run(ctxT(t), pipeline.New("warm").Steps(steps.Tuning("HPTuning", tn)).Env(env), local.RunOptions{})
	}
	parent, err := run(curveTuner("Bayesian", 6, ep))
	if err != nil {
		t.Fatal(err)
	}
	parentName := tuningPropsOf(t, parent, "HPTuning").HyperParameterTuningJobName
	cold, err := run(curveTuner("Bayesian", 4, ep))
	if err != nil {
		t.Fatal(err)
	}
	tn := curveTuner("Bayesian", 4, ep)
	tn.WarmStart = &steps.WarmStart{Type: "IdenticalDataAndAlgorithm", Parents: []params.Input[string]{params.Lit(parentName)}}
	warm, err := run(tn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(warm.Step("HPTuning").Log, func(l string) bool { return strings.Contains(l, "warm_start_observations=6") }) {
		t.Errorf("the log does not say the 6 observations were used:\n%s", strings.Join(warm.Step("HPTuning").Log, "\n"))
	}
	first := func(ex *pipeline.Execution) string {
		s := trialsOf(t, ex)
		return s[0].TunedHyperParameters["q"]
	}
	if first(cold) == first(warm) {
		t.Errorf("the warm start's first trial is the cold start's (q = %s)", first(cold))
	}

	tn.WarmStart.Parents = []params.Input[string]{params.Lit("never-ran")}
	ex, err := run(tn)
	if !errors.Is(err, local.ErrFailed) || !strings.Contains(ex.Step("HPTuning").FailureReason, `"never-ran"`) {
		t.Errorf("err = %v, reason %q", err, ex.Step("HPTuning").FailureReason)
	}
}

// A tuning job none of whose training jobs reports the objective fails,
// naming the metric; the failed trials are listed with their reasons.
func TestTuningObjectiveNeverReported(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	e.Training("HPTuning", func(ctx context.Context, job *local.TrainingJob) error {
		job.Log.Info("no metrics here")
		return nil
	})
	p := pipeline.New("silent").Steps(steps.Tuning("HPTuning", curveTuner("Random", 2))).Env(env)
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if !errors.Is(err, local.ErrFailed) || !strings.Contains(ex.Step("HPTuning").FailureReason, `"validation:rmse"`) {
		t.Errorf("err = %v, reason %q", err, ex.Step("HPTuning").FailureReason)
	}
}

// Stopping the execution while training jobs run stops them: their
// contexts end, the tuning step is recorded stopped, and Run returns.
func TestTuningStoppedExecution(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	started := make(chan struct{}, 8)
	e.Training("HPTuning", func(ctx context.Context, job *local.TrainingJob) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	tn := curveTuner("Random", 6)
	tn.MaxParallelJobs = params.Lit[int](3)
	p := pipeline.New("stop").Steps(steps.Tuning("HPTuning", tn)).Env(env)
	ctx, cancel := context.WithCancel(ctxT(t))
	go func() {
		for range 3 {
			<-started
		}
		cancel()
	}()
	ex, err := e.Run(ctx, p, local.RunOptions{})
	if !errors.Is(err, local.ErrStopped) || ex.Step("HPTuning").Status != pipeline.StepStopped {
		t.Fatalf("err = %v, step %s", err, ex.Step("HPTuning").Status)
	}
}

// A cached training step is not run again: the second execution reuses
// the first one's properties, and the model stays where they point.
func TestTrainingCacheHit(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	stageData(t, e)
	var runs jobCounter
	e.Training("Train", func(ctx context.Context, job *local.TrainingJob) error {
		runs.add("Train", 1)
		return boostTrain(false)(ctx, job)
	})
	train := steps.Training("Train", xgbEstimator(1, steps.Member{Key: "num_round", Value: 5}), channels()...).
		Cache(steps.CacheConfig{Enabled: true, ExpireAfter: "PT1H"})
	p := pipeline.New("cached").Steps(train).Env(env)
	first, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if runs.get("Train") != 1 || second.Step("Train").CachedFrom != first.ID {
		t.Errorf("runs %d, cached from %q", runs.get("Train"), second.Step("Train").CachedFrom)
	}
	if diff := cmp.Diff(string(first.Step("Train").Properties), string(second.Step("Train").Properties)); diff != "" {
		t.Errorf("properties differ:\n%s", diff)
	}
}

// An objective the function reports with LogMetric needs no metric
// definition.
func TestTuningObjectiveFromLogMetric(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	e.Training("HPTuning", func(ctx context.Context, job *local.TrainingJob) error {
		q, err := job.HyperParameters.Float("q", 0)
		if err != nil {
			return err
		}
		job.LogMetric("score", q*q, 0)
		return nil
	})
	tn := curveTuner("Random", 5)
	tn.Estimator.ImageURI = params.Lit("my-own-image")
	tn.ObjectiveMetric, tn.ObjectiveType = params.Lit("score"), params.Lit("Maximize")
	ex, err := e.Run(ctxT(t), pipeline.New("logmetric").Steps(steps.Tuning("HPTuning", tn)).Env(env), local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	props := tuningPropsOf(t, ex, "HPTuning")
	var values []float64
	for _, s := range props.TrainingJobSummaries {
		values = append(values, objective(s))
	}
	if len(values) != 5 || !slices.IsSorted(negated(values)) {
		t.Errorf("objectives not sorted best (highest) first: %v", values)
	}
}

func negated(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}
