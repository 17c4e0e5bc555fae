package local

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/internal/hpo"
	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// ErrObjective reports a training job that never reported its tuning
// job's objective metric, and a tuning job none of whose training jobs
// did.
var ErrObjective = errors.New("local: objective metric not reported")

// maxSummaries is how many TrainingJobSummaries a tuning step's
// properties hold, as SageMaker's.
const maxSummaries = 50

type tuningExecutor struct{}

func (tuningExecutor) cacheable() bool { return true }

func (tuningExecutor) keys(s *stepDef) []string {
	def := asObject(get(asObject(s.args), "TrainingJobDefinition"))
	return append([]string{s.name}, codeKeys(get(def, "StaticHyperParameters"), get(def, "AlgorithmSpecification"))...)
}

func (tuningExecutor) cacheKey(args *pyjson.Object) (any, []string) {
	fields := pyjson.NewObject()
	if v, ok := args.Get("HyperParameterTuningJobConfig"); ok {
		fields.Set("HyperParameterTuningJobConfig", v)
	}
	def := asObject(get(args, "TrainingJobDefinition"))
	sub := pyjson.NewObject()
	for _, k := range []string{"AlgorithmSpecification", "HyperParameterRanges", "InputDataConfig", "StaticHyperParameters", "TuningObjective"} {
		if v, ok := def.Get(k); ok {
			sub.Set(k, v)
		}
	}
	fields.Set("TrainingJobDefinition", sub)
	if v, ok := args.Get("TrainingJobDefinitions"); ok {
		fields.Set("TrainingJobDefinitions", v)
	}
	return fields, channelURIs(get(def, "InputDataConfig"))
}

func (tuningExecutor) canned(c Canned) any { return c }

// tuningSpec is a resolved tuning job.
type tuningSpec struct {
	train     *trainingSpec
	cfg       hpo.Config
	objective string
	objType   string
	warm      []string // parent tuning job names
	seeded    bool     // RandomSeed is set
}

func parseTuningSpec(args *pyjson.Object) (*tuningSpec, error) {
	def := asObject(get(args, "TrainingJobDefinition"))
	if def == nil {
		return nil, fmt.Errorf("%w: the tuning job has no TrainingJobDefinition (several definitions are not supported locally)", ErrDefinition)
	}
	train, err := parseTrainingSpec(def, "HyperParameterTuningResourceConfig", "StaticHyperParameters")
	if err != nil {
		return nil, err
	}
	ts := &tuningSpec{train: train}
	jc := asObject(get(args, "HyperParameterTuningJobConfig"))
	obj := asObject(get(jc, "HyperParameterTuningJobObjective"))
	ts.objective, ts.objType = str(obj, "MetricName"), str(obj, "Type")
	if ts.objective == "" {
		return nil, fmt.Errorf("%w: the tuning job has no objective metric", ErrDefinition)
	}
	var ranges hpo.Ranges
	b, err := pyjson.Marshal(get(jc, "ParameterRanges"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &ranges); err != nil {
		return nil, fmt.Errorf("%w: ParameterRanges: %w", ErrDefinition, err)
	}
	space, err := hpo.NewSpace(ranges)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDefinition, err)
	}
	limits := asObject(get(jc, "ResourceLimits"))
	cfg := hpo.Config{Space: space, Strategy: hpo.Strategy(str(jc, "Strategy")), Objective: hpo.ObjectiveType(ts.objType)}
	if n, ok := number(get(limits, "MaxNumberOfTrainingJobs")); ok {
		cfg.MaxJobs = int(n)
	}
	if n, ok := number(get(limits, "MaxParallelTrainingJobs")); ok {
		cfg.MaxParallel = int(n)
	}
	switch es := str(jc, "TrainingJobEarlyStoppingType"); {
	case strings.EqualFold(es, "Auto"):
		cfg.EarlyStopping = hpo.EarlyStoppingAuto
	case es == "" || strings.EqualFold(es, "Off"):
		cfg.EarlyStopping = hpo.EarlyStoppingOff
	default:
		return nil, fmt.Errorf("%w: TrainingJobEarlyStoppingType %q", ErrDefinition, es)
	}
	if n, ok := number(get(jc, "RandomSeed")); ok {
		cfg.Seed, ts.seeded = int64(n), true
	}
	if cfg.Strategy == hpo.Hyperband {
		hb := asObject(get(asObject(get(jc, "StrategyConfig")), "HyperbandStrategyConfig"))
		h := &hpo.HyperbandConfig{MinResource: 1}
		if n, ok := number(get(hb, "MinResource")); ok {
			h.MinResource = int(n)
		}
		if n, ok := number(get(hb, "MaxResource")); ok && n > 0 {
			h.MaxResource = int(n)
		} else {
			// As SageMaker: the maximum resource is the epochs the
			// training job is given.
			hps := train.hyperParameters()
			for _, k := range []string{"epochs", "numepochs", "n-epochs", "n_epochs", "num_epochs"} {
				if _, ok := hps[k]; ok {
					if h.MaxResource, err = hps.Int(k, 0); err != nil {
						return nil, fmt.Errorf("%w: Hyperband's MaxResource from %w", ErrDefinition, err)
					}
					break
				}
			}
			if h.MaxResource == 0 {
				return nil, fmt.Errorf("%w: Hyperband needs MaxResource, or one of the hyperparameters epochs, numepochs, n-epochs, n_epochs, num_epochs", ErrDefinition)
			}
		}
		cfg.Hyperband = h
	}
	ws := asObject(get(args, "WarmStartConfig"))
	for _, p := range asList(get(ws, "ParentHyperParameterTuningJobs")) {
		ts.warm = append(ts.warm, str(asObject(p), "HyperParameterTuningJobName"))
	}
	ts.cfg = cfg
	return ts, nil
}

// seedOf derives the seed of a tuning job that sets none from the
// pipeline's and the step's names, so that every execution of a pipeline
// tries the same hyperparameters (SageMaker draws a fresh seed; locally a
// run that can be repeated is worth more).
func seedOf(name string) int64 {
	sum := sha256.Sum256([]byte(name))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 1)
}

// trialName names trial i of a tuning job as SageMaker does:
// <tuning job>-<NNN>-<8 hex digits>.
func trialName(tuning string, i int) string {
	sum := sha256.Sum256([]byte(tuning + "/" + strconv.Itoa(i)))
	return fmt.Sprintf("%s-%03d-%s", tuning, i+1, hex.EncodeToString(sum[:4]))
}

// trialOutcome is how one training job of a tuning job ended.
type trialOutcome struct {
	trial    hpo.Trial
	name     string
	value    float64 // the objective when reported (NaN otherwise)
	reported bool
	stopped  bool // stopped early by the tuner
	err      error
}

func (x tuningExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	if c, ok := impl.(Canned); ok {
		return cannedExecutor{}.run(ctx, a, c)
	}
	fn, ok := impl.(TrainingFunc)
	if !ok {
		return nil, fmt.Errorf("%w: the binding is a %T, not a TrainingFunc", ErrUnbound, impl)
	}
	ts, err := parseTuningSpec(a.args)
	if err != nil {
		return nil, err
	}
	name := a.jobName
	if !ts.seeded {
		ts.cfg.Seed = seedOf(a.x.pipelineName + "/" + a.step.name)
	}
	for _, parent := range ts.warm {
		rec, err := readTuningRecord(a.x.e.root, parent)
		if err != nil {
			return nil, fmt.Errorf("warm start: %w", err)
		}
		for _, t := range rec.Trials {
			if t.Objective != nil {
				ts.cfg.WarmStart = append(ts.cfg.WarmStart, hpo.Observation{Hyperparameters: t.TunedHyperParameters, Value: *t.Objective})
			}
		}
	}
	ts.cfg.Logger = a.log
	tu, err := hpo.New(ts.cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDefinition, err)
	}
	chans, err := a.channels(ts.train)
	if err != nil {
		return nil, err
	}
	scratch, err := a.scratchDir()
	if err != nil {
		return nil, err
	}
	a.log.Info("tuning job started", "tuning_job", name, "strategy", string(ts.cfg.Strategy),
		"max_jobs", tu.Total(), "max_parallel", max(ts.cfg.MaxParallel, 1), "warm_start_observations", tu.WarmStarted())

	outcomes := map[int]*trialOutcome{}
	done := make(chan *trialOutcome)
	running := 0
	var loopErr error
	for loopErr == nil {
		trials, err := tu.Suggest(ctx)
		if err != nil {
			loopErr = err
			break
		}
		for _, tr := range trials {
			running++
			go func() { done <- x.runTrial(ctx, a, fn, ts, chans, tu, tr, name, scratch) }()
		}
		if running == 0 {
			if !tu.Done() {
				loopErr = fmt.Errorf("tuning job %s: no trial may start and none is running", name)
			}
			break
		}
		o := <-done
		running--
		outcomes[o.trial.Index] = o
		switch {
		case o.err != nil && !o.stopped:
			_ = tu.Fail(o.trial.Index, o.err)
		case !o.reported:
			o.err = fmt.Errorf("%w: training job %s never reported %q", ErrObjective, o.name, ts.objective)
			_ = tu.Fail(o.trial.Index, o.err)
		default:
			_ = tu.Complete(o.trial.Index, o.value)
		}
		if ctx.Err() != nil {
			loopErr = ctx.Err()
		}
	}
	for ; running > 0; running-- {
		o := <-done
		outcomes[o.trial.Index] = o
	}
	if loopErr != nil {
		return nil, loopErr
	}
	props, rec, err := tuningProperties(a, ts, tu, outcomes, name)
	if err != nil {
		return nil, err
	}
	if err := writeTuningRecord(a.x.e.root, rec); err != nil {
		return nil, fmt.Errorf("tuning job record: %w", err)
	}
	return &result{properties: props}, nil
}

// runTrial runs one training job of the tuning job as a task on the
// engine's actor system, in the tuning job's admission group. The task
// holds no CPU of its own, as a Ray Tune trial driving xgboost-ray
// actors: the actors, tasks and datasets the function starts on
// job.System hold the resources.
func (tuningExecutor) runTrial(ctx context.Context, a *attempt, fn TrainingFunc, ts *tuningSpec, chans map[string]Channel,
	tu *hpo.Tuner, tr hpo.Trial, tuning, scratch string) *trialOutcome {
	o := &trialOutcome{trial: tr, name: trialName(tuning, tr.Index), value: math.NaN()}
	tctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var mu sync.Mutex
	count, settled, halted := 0, false, false
	objective := func(m pipeline.Metric) {
		if m.Name != ts.objective {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if settled {
			// The job went past the tuner's decision (Hyperband's
			// MaxResource): the value there is its objective.
			halted = true
			cancel(ErrStoppedEarly)
			return
		}
		count++
		o.value, o.reported = m.Value, true
		stop, err := tu.ShouldStop(tr.Index, count, m.Value)
		if err != nil || !stop {
			return
		}
		settled = true
		if tr.MaxResource > 0 && count >= tr.MaxResource {
			return // complete: it may finish on its own
		}
		halted = true
		a.log.Info("training job stopped early", "training_job", o.name, "step", count, "objective", m.Value)
		cancel(ErrStoppedEarly)
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return halted
	}
	log := a.log.With("training_job", o.name)
	ta := &attempt{x: a.x, step: a.step, args: a.args, number: a.number, jobName: o.name, log: log, unrecorded: true}
	ml := newMetricLog(ts.train.defs, ta.metric)
	ta.onMetric = func(m pipeline.Metric) { ml.add(m); objective(m) }
	hps := ts.train.hyperParameters()
	for k, v := range tr.Params.All() {
		hps[k] = v
	}
	hps["_tuning_objective_metric"] = ts.objective
	r := &trainRun{a: ta, sp: ts.train, channels: chans, name: o.name, hps: hps,
		dir: filepath.Join(scratch, "trials", o.name), log: ml, tuning: tuning, stopped: stopped}
	defer os.RemoveAll(r.dir)

	f := actor.Go(tctx, a.x.sys, func(ctx context.Context) (struct{}, error) {
		model, output, err := r.train(ctx, fn)
		if err != nil && !r.StoppedEarly() {
			return struct{}{}, err
		}
		for _, c := range []commit{{model, artifactURI(ts.train.outputPath, o.name, "model.tar.gz")},
			{output, artifactURI(ts.train.outputPath, o.name, "output.tar.gz")}} {
			if perr := a.x.store.put(c.dir, c.uri); perr != nil {
				return struct{}{}, fmt.Errorf("writing %s: %w", c.uri, perr)
			}
		}
		return struct{}{}, nil
	}, actor.TaskOptions{Name: o.name, NumCPUs: actor.NoCPU, Group: tuning})
	_, err := f.Get(context.WithoutCancel(ctx))
	o.stopped = stopped()
	if err != nil {
		o.err = err
		if !o.stopped {
			log.Warn("training job failed", "error", err.Error())
		}
	}
	return o
}
