package hpo

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
)

// Status is a trial's state, named as SageMaker names a training job's.
type Status string

// The trial states.
const (
	InProgress Status = "InProgress"
	Completed  Status = "Completed"
	Stopped    Status = "Stopped" // stopped early by ShouldStop, with an objective value
	Failed     Status = "Failed"
)

// Trial is a training job the tuner asks the engine to run.
type Trial struct {
	// Index numbers the trials of a tuning job from 0 in the order the
	// tuner creates them.
	Index int
	// Params are the trial's tuned hyperparameters.
	Params Params
	// Bracket is the trial's Hyperband bracket (0 is the most aggressive:
	// its first rung is the smallest), -1 for the other strategies.
	Bracket int
	// Rungs are the resources at which ShouldStop decides whether a
	// Hyperband trial goes on, ascending; the last is MaxResource. Nil for
	// the other strategies.
	Rungs []int
	// MaxResource is the resource a Hyperband trial stops at (0 for the
	// other strategies).
	MaxResource int
}

// Result is a trial as the tuner has it.
type Result struct {
	Index  int
	Params Params
	Status Status
	// Value is the final objective reported by Complete (NaN when the
	// trial failed or is in progress, or the objective was NaN).
	Value float64
	// Steps is the largest step reported to ShouldStop: the resource the
	// trial used, in the training's own units.
	Steps   int
	Bracket int
	// Err is the cause given to Fail.
	Err error
}

type stepValue struct {
	step int
	v    float64 // minimisation-oriented
}

type trial struct {
	x       point
	bracket int
	status  Status
	early   bool    // ShouldStop decided to stop before the end
	value   float64 // as reported
	err     error
	curve   []stepValue // intermediate values in step order
	maxStep int
	rung    []float64 // Hyperband rung values (oriented), NaN until reached
}

// obs is one observation in minimisation orientation.
type obs struct {
	x point
	y float64
}

// Tuner drives one tuning job. It hands out trials (Suggest), takes their
// intermediate objective values (ShouldStop) and final results (Complete,
// Fail) from any number of goroutines, in any order, and gives the same
// trials for the same Config and results whatever that order; see the
// package documentation for the protocol.
type Tuner struct {
	cfg   Config
	space *Space
	total int
	warm  []obs
	log   *slog.Logger
	prop  proposer
	hb    *hyperband

	suggest sync.Mutex // serialises Suggest

	mu     sync.Mutex
	trials []*trial
	done   int // trials [0, done) have all finished
}

// New validates cfg and returns a tuner.
func New(cfg Config) (*Tuner, error) {
	if err := cfg.normalise(); err != nil {
		return nil, err
	}
	t := &Tuner{cfg: cfg, space: cfg.Space, total: cfg.MaxJobs, log: cfg.Logger}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	for _, o := range cfg.WarmStart {
		x, err := t.space.parse(o.Hyperparameters)
		if err != nil {
			t.log.Debug("hpo: warm-start observation skipped", "err", err)
			continue
		}
		t.warm = append(t.warm, obs{x: x, y: t.orient(o.Value)})
	}
	switch cfg.Strategy {
	case Random:
		t.prop = randomProposer{seed: cfg.Seed, space: t.space}
	case Grid:
		g := newGrid(t.space)
		if t.total == 0 || t.total > g.size {
			t.total = g.size
		}
		t.prop = g
	case Hyperband:
		t.hb = newHyperband(*cfg.Hyperband)
		t.prop = randomProposer{seed: cfg.Seed, space: t.space}
	case Bayesian:
		t.prop = &bayes{seed: cfg.Seed, space: t.space, initial: max(cfg.initialRandom()-len(t.warm), 0)}
	}
	return t, nil
}

// orient turns an objective value into one to minimise; NaN becomes +Inf,
// the worst.
func (t *Tuner) orient(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	if t.cfg.Objective == Maximize {
		return -v
	}
	return v
}

// Total returns the number of trials the tuning job runs.
func (t *Tuner) Total() int { return t.total }

// WarmStarted returns how many warm-start observations fit the space and
// are used.
func (t *Tuner) WarmStarted() int { return len(t.warm) }

// Done reports whether every trial has finished.
func (t *Tuner) Done() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.done == t.total
}

// Suggest returns the trials that may start now, in index order, and
// marks them in progress. Trial i may start once trials 0..i-MaxParallel
// have all finished (completed, stopped or failed), so at most MaxParallel
// trials are ever in progress. An empty result means none may start yet
// (wait for a running trial to finish) or, when Done, that none is left.
// Suggest may be called from any goroutine; calls are serialised. When
// ctx ends or a strategy fails, the trials already created are returned
// with the error; they are in progress like any other.
func (t *Tuner) Suggest(ctx context.Context) ([]Trial, error) {
	t.suggest.Lock()
	defer t.suggest.Unlock()

	t.mu.Lock()
	next, done := len(t.trials), t.done
	// Observations of the finished prefix, in index order; finished trials
	// never change again.
	var hist []obs
	var histIdx []int
	for j := 0; j < done; j++ {
		tr := t.trials[j]
		if tr.status == Failed || math.IsNaN(tr.value) {
			continue
		}
		hist = append(hist, obs{x: tr.x, y: t.orient(tr.value)})
		histIdx = append(histIdx, j)
	}
	points := make([]point, next, t.total)
	for j := range next {
		points[j] = t.trials[j].x
	}
	t.mu.Unlock()

	P := t.cfg.MaxParallel
	var out []Trial
	for i := next; i < t.total && i-P < done; i++ {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		// Trial i sees the results of trials 0..i-P and the points of the
		// trials i-P+1..i-1, whatever else has finished by now.
		n := 0
		for n < len(histIdx) && histIdx[n] <= i-P {
			n++
		}
		h := make([]obs, 0, len(t.warm)+n)
		h = append(append(h, t.warm...), hist[:n]...)
		pending := points[max(i-P+1, 0):i]
		x, err := t.prop.propose(ctx, i, h, pending)
		if err != nil {
			return out, fmt.Errorf("hpo: trial %d: %w", i, err)
		}
		points = append(points, x)
		tr := &trial{x: x, bracket: -1, status: InProgress, value: math.NaN()}
		if t.hb != nil {
			tr.bracket = t.hb.bracketOf(i)
			tr.rung = make([]float64, len(t.hb.rungs[tr.bracket]))
			for k := range tr.rung {
				tr.rung[k] = math.NaN()
			}
		}
		t.mu.Lock()
		t.trials = append(t.trials, tr)
		t.mu.Unlock()
		out = append(out, t.trialOf(i, tr))
		t.log.Debug("hpo: trial suggested", "trial", i, "strategy", string(t.cfg.Strategy), "history", len(h), "pending", len(pending))
	}
	return out, nil
}

func (t *Tuner) trialOf(i int, tr *trial) Trial {
	out := Trial{Index: i, Params: Params{space: t.space, x: tr.x}, Bracket: tr.bracket}
	if t.hb != nil {
		out.Rungs = slices.Clone(t.hb.rungs[tr.bracket])
		out.MaxResource = t.hb.max
	}
	return out
}

// running returns trial i if it is in progress.
func (t *Tuner) running(i int) (*trial, error) {
	if i < 0 || i >= len(t.trials) {
		return nil, fmt.Errorf("%w: %d", ErrUnknownTrial, i)
	}
	tr := t.trials[i]
	if tr.status != InProgress {
		return nil, fmt.Errorf("%w: trial %d is %s", ErrTrialFinished, i, tr.status)
	}
	return tr, nil
}

// ShouldStop records trial i's intermediate objective value at step (an
// epoch, a boosting round: the resource used so far, counted from 1, in
// increasing order) and reports whether the trial should stop now. It
// says stop when:
//
//   - EarlyStopping is Auto and the value is worse than the median of the
//     running averages, up to this step, of the finished trials
//     0..i-MaxParallel that reached this step (at least three of them);
//   - under Hyperband, step reached one of the trial's Rungs and the value
//     there is not among the best ceil(n/Eta) of the n values recorded at
//     that rung by the finished trials 0..i-MaxParallel of its bracket and
//     this one; or step reached MaxResource (the trial is complete).
//
// Once it has said stop it keeps saying so. The engine then stops the
// trial and calls Complete with the last value (the objective SageMaker
// keeps is the latest one reported).
func (t *Tuner) ShouldStop(i, step int, value float64) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, err := t.running(i)
	if err != nil {
		return false, err
	}
	v := t.orient(value)
	if n := len(tr.curve); n > 0 && tr.curve[n-1].step >= step {
		return false, fmt.Errorf("hpo: trial %d: step %d reported after step %d", i, step, tr.curve[n-1].step)
	}
	tr.curve = append(tr.curve, stepValue{step: step, v: v})
	tr.maxStep = max(tr.maxStep, step)
	if tr.early {
		return true, nil
	}
	if t.hb != nil {
		return t.hyperbandStop(i, tr, step, v), nil
	}
	if t.cfg.EarlyStopping == EarlyStoppingAuto && t.medianStop(i, step, v) {
		tr.early = true
		t.log.Debug("hpo: median rule stops trial", "trial", i, "step", step, "value", value)
		return true, nil
	}
	return false, nil
}

// Complete records trial i's final objective value. A trial ShouldStop
// stopped early becomes Stopped, any other Completed.
func (t *Tuner) Complete(i int, value float64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, err := t.running(i)
	if err != nil {
		return err
	}
	tr.value = value
	tr.status = Completed
	if tr.early {
		tr.status = Stopped
	}
	t.advance()
	return nil
}

// Fail records that trial i ended without an objective value. A failed
// trial counts towards MaxJobs and teaches the model nothing.
func (t *Tuner) Fail(i int, cause error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, err := t.running(i)
	if err != nil {
		return err
	}
	tr.status = Failed
	tr.err = cause
	t.advance()
	return nil
}

func (t *Tuner) advance() {
	for t.done < len(t.trials) && t.trials[t.done].status != InProgress {
		t.done++
	}
}

// Results returns every trial handed out so far, in index order.
func (t *Tuner) Results() []Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Result, len(t.trials))
	for i, tr := range t.trials {
		out[i] = Result{
			Index: i, Params: Params{space: t.space, x: tr.x}, Status: tr.status,
			Value: tr.value, Steps: tr.maxStep, Bracket: tr.bracket, Err: tr.err,
		}
	}
	return out
}

// Ranked returns the trials best first, as TrainingJobSummaries are
// sorted: trials with an objective value (Completed or Stopped) by value,
// ties by index; then those whose objective was NaN; then failed and
// in-progress trials, by index.
func (t *Tuner) Ranked() []Result {
	rs := t.Results()
	class := func(r Result) int {
		switch {
		case r.Status == Failed || r.Status == InProgress:
			return 2
		case math.IsNaN(r.Value):
			return 1
		}
		return 0
	}
	slices.SortStableFunc(rs, func(a, b Result) int {
		if c := cmp.Compare(class(a), class(b)); c != 0 {
			return c
		}
		if class(a) == 0 {
			if c := cmp.Compare(t.orient(a.Value), t.orient(b.Value)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Index, b.Index)
	})
	return rs
}

// Best returns the best trial with an objective value (BestTrainingJob);
// ok is false when there is none yet.
func (t *Tuner) Best() (r Result, ok bool) {
	rs := t.Ranked()
	if len(rs) == 0 || rs[0].Status == Failed || rs[0].Status == InProgress || math.IsNaN(rs[0].Value) {
		return Result{}, false
	}
	return rs[0], true
}
