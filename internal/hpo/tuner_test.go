package hpo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// curve is a learning curve: the objective of a trial after step steps.
type curve func(p Params, step int) float64

// braninCurve approaches Branin from above as steps grow: the ranking at
// any step is the final ranking.
func braninCurve(p Params, step int) float64 {
	return braninParams(p) * (1 + 4/float64(step))
}

// runTrial runs one trial for up to steps steps, asking ShouldStop after
// each, and completes it with its last value.
func runTrial(tu *Tuner, tr Trial, c curve, steps int) error {
	if tr.MaxResource > 0 {
		steps = tr.MaxResource
	}
	last := math.NaN()
	for s := 1; s <= steps; s++ {
		last = c(tr.Params, s)
		stop, err := tu.ShouldStop(tr.Index, s, last)
		if err != nil {
			return err
		}
		if stop {
			break
		}
	}
	return tu.Complete(tr.Index, last)
}

// driveCurves is drive for trials with learning curves.
func driveCurves(t testing.TB, tu *Tuner, c curve, steps int, order *rand.Rand) []Result {
	t.Helper()
	var running []Trial
	for !tu.Done() {
		ts, err := tu.Suggest(context.Background())
		if err != nil {
			t.Fatalf("Suggest: %v", err)
		}
		running = append(running, ts...)
		if len(running) == 0 {
			t.Fatal("no trial running and none suggested before Done")
		}
		k := 0
		if order != nil {
			k = order.IntN(len(running))
		}
		tr := running[k]
		running = slices.Delete(running, k, k+1)
		if err := runTrial(tu, tr, c, steps); err != nil {
			t.Fatal(err)
		}
	}
	return tu.Results()
}

// driveGoroutines runs every trial on its own goroutine with a random
// duration, as the engine does, so results arrive in a timing-dependent
// order.
func driveGoroutines(t testing.TB, tu *Tuner, c curve, steps int, seed uint64) []Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := rand.New(rand.NewPCG(seed, 99))
	ended := make(chan error, tu.Total())
	inflight := 0
	for {
		ts, err := tu.Suggest(ctx)
		if err != nil {
			t.Fatalf("Suggest: %v", err)
		}
		for _, tr := range ts {
			inflight++
			pause := time.Duration(r.IntN(400)) * time.Microsecond
			go func() {
				ended <- runTrial(tu, tr, func(p Params, s int) float64 {
					time.Sleep(pause)
					return c(p, s)
				}, steps)
			}()
		}
		if tu.Done() {
			break
		}
		if inflight == 0 {
			t.Fatal("no trial running and none suggested before Done")
		}
		select {
		case err := <-ended:
			inflight--
			if err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
			t.Fatal("tuning did not finish in time")
		}
	}
	return tu.Results()
}

// signature lists each trial's hyperparameters, status and steps.
func signature(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		var b strings.Builder
		for k, v := range r.Params.All() {
			fmt.Fprintf(&b, "%s=%s ", k, v)
		}
		out[i] = fmt.Sprintf("%d %s%s steps=%d bracket=%d", r.Index, b.String(), r.Status, r.Steps, r.Bracket)
	}
	return out
}

func TestStrategiesFindKnownOptima(t *testing.T) {
	if testing.Short() {
		t.Skip("fits Gaussian processes")
	}
	tests := []struct {
		name     string
		ranges   Ranges
		f        func(Params) float64
		strategy Strategy
		jobs     int
		parallel int
		within   float64 // the median best over 3 seeds is within this of the optimum
		optimum  float64
	}{
		{"Bayesian Branin", braninRanges, braninParams, Bayesian, 30, 1, 0.15, braninMin},
		{"Bayesian Branin parallel", braninRanges, braninParams, Bayesian, 32, 4, 0.3, braninMin},
		{"Bayesian Hartmann-6", hartmannRanges(), hartmannParams, Bayesian, 40, 1, 0.6, hartmannMin},
		{"Bayesian mixed", mixedRanges, mixedParams, Bayesian, 30, 1, 0.02, 0},
		{"Random Branin", braninRanges, braninParams, Random, 100, 4, 2, braninMin},
		{"Random mixed", mixedRanges, mixedParams, Random, 100, 4, 0.3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bests []float64
			for seed := range 3 {
				tu := newTuner(t, tt.ranges, Config{Strategy: tt.strategy, Objective: Minimize, MaxJobs: tt.jobs, MaxParallel: tt.parallel, Seed: int64(seed)})
				bests = append(bests, bestValue(drive(t, tu, tt.f, nil)))
			}
			if m := median(bests); m-tt.optimum > tt.within {
				t.Errorf("median best %.4f over seeds (%v), want within %v of %v", m, bests, tt.within, tt.optimum)
			}
		})
	}
}

// TestBayesianBeatsRandom is the package's check that the model works: on
// Branin at 20 trials, the median best over 5 seeds is well below Random's.
func TestBayesianBeatsRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("fits Gaussian processes")
	}
	med := func(st Strategy) float64 {
		var bs []float64
		for seed := range 5 {
			tu := newTuner(t, braninRanges, Config{Strategy: st, Objective: Minimize, MaxJobs: 20, Seed: int64(seed)})
			bs = append(bs, bestValue(drive(t, tu, braninParams, nil)))
		}
		return median(bs)
	}
	b, r := med(Bayesian), med(Random)
	if !(b-braninMin < (r-braninMin)/3) {
		t.Errorf("Branin, 20 trials: Bayesian median best %.4f, Random %.4f; want Bayesian's gap to the optimum under a third of Random's", b, r)
	}
}

func TestGridRunsEveryCombination(t *testing.T) {
	r := Ranges{Categorical: []CategoricalRange{
		{Name: "booster", Values: []string{"gbtree", "dart", "gblinear"}},
		{Name: "tree_method", Values: []string{"hist", "exact"}},
	}}
	tu := newTuner(t, r, Config{Strategy: Grid, Objective: Maximize, MaxJobs: 1000, MaxParallel: 2})
	if tu.Total() != 6 {
		t.Fatalf("Total = %d, want 6", tu.Total())
	}
	score := map[string]float64{"gbtree/hist": 3, "dart/exact": 5, "gblinear/hist": 1}
	rs := drive(t, tu, func(p Params) float64 {
		b, _ := p.String("booster")
		m, _ := p.String("tree_method")
		return score[b+"/"+m]
	}, rand.New(rand.NewPCG(1, 1)))
	var got []string
	for _, r := range rs {
		b, _ := r.Params.String("booster")
		m, _ := r.Params.String("tree_method")
		got = append(got, b+"/"+m)
	}
	want := []string{"gbtree/hist", "gbtree/exact", "dart/hist", "dart/exact", "gblinear/hist", "gblinear/exact"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("grid order (-want +got):\n%s", d)
	}
	best, ok := tu.Best()
	if b, _ := best.Params.String("booster"); !ok || b != "dart" || best.Value != 5 {
		t.Errorf("Best = %+v, %v; want dart/exact with 5", best, ok)
	}
	// A smaller MaxJobs runs the first combinations.
	if tu := newTuner(t, r, Config{Strategy: Grid, MaxJobs: 4}); tu.Total() != 4 {
		t.Errorf("Grid with MaxJobs 4: Total = %d", tu.Total())
	}
	// Grid takes categorical ranges only.
	s, _ := NewSpace(braninRanges)
	var re *RangeError
	if _, err := New(Config{Space: s, Strategy: Grid}); !errors.As(err, &re) || re.Param != "x1" {
		t.Errorf("Grid over continuous ranges: err = %v, want a RangeError naming x1", err)
	}
}

// TestDeterminism runs each strategy with results arriving in different
// orders (index order, two shuffles, goroutines with random durations) at
// MaxParallel 1 and 4, and wants the same trials every time.
func TestDeterminism(t *testing.T) {
	configs := []struct {
		name string
		cfg  Config
	}{
		{"Bayesian", Config{Strategy: Bayesian, MaxJobs: 14}},
		{"Bayesian early stopping", Config{Strategy: Bayesian, MaxJobs: 14, EarlyStopping: EarlyStoppingAuto}},
		{"Random early stopping", Config{Strategy: Random, MaxJobs: 20, EarlyStopping: EarlyStoppingAuto}},
		{"Hyperband", Config{Strategy: Hyperband, MaxJobs: 30, Hyperband: &HyperbandConfig{MinResource: 1, MaxResource: 9}}},
	}
	for _, c := range configs {
		for _, P := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/P%d", c.name, P), func(t *testing.T) {
				run := func(mode int) []string {
					cfg := c.cfg
					cfg.Objective, cfg.MaxParallel, cfg.Seed = Minimize, P, 42
					tu := newTuner(t, braninRanges, cfg)
					switch mode {
					case 0:
						return signature(driveCurves(t, tu, braninCurve, 9, nil))
					case 1, 2:
						return signature(driveCurves(t, tu, braninCurve, 9, rand.New(rand.NewPCG(uint64(mode), 7))))
					default:
						return signature(driveGoroutines(t, tu, braninCurve, 9, uint64(mode)))
					}
				}
				want := run(0)
				for mode := 1; mode <= 4; mode++ {
					if d := cmp.Diff(want, run(mode)); d != "" {
						t.Errorf("order %d gives other trials (-index order +this):\n%s", mode, d)
					}
				}
			})
		}
	}
}

func TestSeedAndParallelismChangeTrials(t *testing.T) {
	run := func(seed int64, P int) []string {
		tu := newTuner(t, braninRanges, Config{Strategy: Bayesian, Objective: Minimize, MaxJobs: 8, MaxParallel: P, Seed: seed})
		return signature(drive(t, tu, braninParams, nil))
	}
	if slices.Equal(run(1, 1), run(2, 1)) {
		t.Error("seeds 1 and 2 give the same trials")
	}
	if slices.Equal(run(1, 1), run(1, 4)) {
		t.Error("MaxParallel 1 and 4 give the same Bayesian trials")
	}
}

func TestParallelismBound(t *testing.T) {
	tu := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Minimize, MaxJobs: 10, MaxParallel: 3})
	ctx := context.Background()
	ts, err := tu.Suggest(ctx)
	if err != nil || len(ts) != 3 {
		t.Fatalf("first Suggest: %d trials, %v; want 3", len(ts), err)
	}
	// Trial 1 ends first: trial 3 still waits for trial 0.
	if err := tu.Complete(1, 1); err != nil {
		t.Fatal(err)
	}
	if more, _ := tu.Suggest(ctx); len(more) != 0 {
		t.Fatalf("Suggest after trial 1 ended: %d trials, want 0 (trial 0 still runs)", len(more))
	}
	if err := tu.Complete(0, 2); err != nil {
		t.Fatal(err)
	}
	more, _ := tu.Suggest(ctx)
	if len(more) != 2 || more[0].Index != 3 || more[1].Index != 4 {
		t.Fatalf("Suggest after trials 0 and 1 ended: %+v, want trials 3 and 4", more)
	}
}

func TestMedianStoppingRule(t *testing.T) {
	tu := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Minimize, MaxJobs: 30, EarlyStopping: EarlyStoppingAuto, Seed: 3})
	const steps = 10
	rs := driveCurves(t, tu, braninCurve, steps, nil)
	stopped := 0
	for _, r := range rs {
		if r.Status != Stopped {
			if r.Steps != steps {
				t.Errorf("trial %d %s after %d steps, want %d", r.Index, r.Status, r.Steps, steps)
			}
			continue
		}
		stopped++
		// Recompute the rule: the value at the stopping step is worse than
		// the median of earlier trials' running averages to that step.
		s := r.Steps
		var avgs []float64
		for _, e := range rs[:r.Index] {
			if e.Steps < s {
				continue
			}
			sum := 0.0
			for k := 1; k <= s; k++ {
				sum += braninCurve(e.Params, k)
			}
			avgs = append(avgs, sum/float64(s))
		}
		if len(avgs) < 3 || !(braninCurve(r.Params, s) > median(avgs)) {
			t.Errorf("trial %d stopped at step %d with %.3f; earlier running averages %v", r.Index, s, braninCurve(r.Params, s), avgs)
		}
		if r.Value != braninCurve(r.Params, s) {
			t.Errorf("trial %d: final value %v, want the last reported %v", r.Index, r.Value, braninCurve(r.Params, s))
		}
	}
	if stopped < 5 {
		t.Errorf("%d of 30 trials stopped early, want at least 5", stopped)
	}
	best, _ := tu.Best()
	all := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Minimize, MaxJobs: 30, Seed: 3})
	if want := bestValue(driveCurves(t, all, braninCurve, steps, nil)); best.Value != want {
		t.Errorf("best with early stopping %v, without %v: the best trial was stopped", best.Value, want)
	}
	if stop, err := tu.ShouldStop(0, 11, 1); !errors.Is(err, ErrTrialFinished) || stop {
		t.Errorf("ShouldStop on a finished trial: %v, %v; want ErrTrialFinished", stop, err)
	}
}

func TestHyperbandBrackets(t *testing.T) {
	h := newHyperband(HyperbandConfig{MinResource: 1, MaxResource: 81})
	want := [][]int{{1, 3, 9, 27, 81}, {3, 9, 27, 81}, {9, 27, 81}, {27, 81}, {81}}
	if d := cmp.Diff(want, h.rungs); d != "" {
		t.Errorf("rungs (-want +got):\n%s", d)
	}
	counts := make([]int, 5)
	for _, b := range h.cycle {
		counts[b]++
	}
	if d := cmp.Diff([]int{81, 34, 15, 8, 5}, counts); d != "" {
		t.Errorf("trials per bracket in one iteration (-want +got):\n%s", d)
	}
	if d := cmp.Diff([][]int{{2, 7, 20}, {7, 20}, {20}}, newHyperband(HyperbandConfig{MinResource: 2, MaxResource: 20}).rungs); d != "" {
		t.Errorf("rungs for [2, 20] (-want +got):\n%s", d)
	}
}

// TestHyperbandStopsPoorTrialsEarly compares Hyperband with Random at the
// same number of trials: Hyperband spends far fewer resource units and
// still finds a comparable best value.
func TestHyperbandStopsPoorTrialsEarly(t *testing.T) {
	const R = 27
	run := func(cfg Config) (best float64, units int, rs []Result) {
		cfg.Objective, cfg.MaxJobs, cfg.Seed = Minimize, 60, 5
		tu := newTuner(t, braninRanges, cfg)
		rs = driveCurves(t, tu, braninCurve, R, nil)
		for _, r := range rs {
			units += r.Steps
		}
		return bestValue(rs), units, rs
	}
	hbBest, hbUnits, rs := run(Config{Strategy: Hyperband, Hyperband: &HyperbandConfig{MinResource: 1, MaxResource: R}})
	rdBest, rdUnits, _ := run(Config{Strategy: Random})
	t.Logf("Hyperband best %.3f in %d units; Random best %.3f in %d units", hbBest, hbUnits, rdBest, rdUnits)
	if hbUnits*2 > rdUnits {
		t.Errorf("Hyperband used %d resource units, Random %d: want under half", hbUnits, rdUnits)
	}
	stoppedEarly := 0
	for _, r := range rs {
		switch r.Status {
		case Stopped:
			stoppedEarly++
			if r.Steps >= R {
				t.Errorf("trial %d stopped at %d, the maximum", r.Index, r.Steps)
			}
		case Completed:
			if r.Steps != R {
				t.Errorf("completed trial %d ran %d units, want %d", r.Index, r.Steps, R)
			}
		}
	}
	if stoppedEarly < 20 {
		t.Errorf("%d of 60 trials stopped early, want at least 20", stoppedEarly)
	}
	// Both draw the same candidates (seed 5), so Hyperband's best must be
	// Random's unless successive halving dropped it.
	if hbBest > rdBest*1.5 {
		t.Errorf("Hyperband best %.3f, Random %.3f", hbBest, rdBest)
	}
}

func TestWarmStart(t *testing.T) {
	if testing.Short() {
		t.Skip("fits Gaussian processes")
	}
	// Earlier trials: 20 random points of Branin, plus two that do not
	// fit this space.
	parent := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Minimize, MaxJobs: 20, Seed: 100})
	var warm []Observation
	for _, r := range drive(t, parent, braninParams, nil) {
		warm = append(warm, Observation{Hyperparameters: r.Params.Strings(), Value: r.Value})
	}
	warm = append(warm,
		Observation{Hyperparameters: map[string]string{"x1": "11", "x2": "1"}, Value: 0},
		Observation{Hyperparameters: map[string]string{"x1": "1"}, Value: 0})

	cold := newTuner(t, braninRanges, Config{Strategy: Bayesian, Objective: Minimize, MaxJobs: 10, Seed: 1})
	hot := newTuner(t, braninRanges, Config{Strategy: Bayesian, Objective: Minimize, MaxJobs: 10, Seed: 1, WarmStart: warm})
	if hot.WarmStarted() != 20 {
		t.Errorf("WarmStarted = %d, want 20 (two observations do not fit)", hot.WarmStarted())
	}
	coldRs, hotRs := drive(t, cold, braninParams, nil), drive(t, hot, braninParams, nil)
	random := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Minimize, MaxJobs: 1, Seed: 1})
	first := drive(t, random, braninParams, nil)[0]
	if !slices.Equal(signature(coldRs[:1]), signature([]Result{first})) {
		t.Errorf("cold start's first trial is not the seed's random draw")
	}
	if slices.Equal(signature(hotRs[:1]), signature([]Result{first})) {
		t.Errorf("warm start's first trial is the random draw: the earlier trials were not used")
	}
	parentBest := bestValue(parent.Results())
	if b, c := bestValue(hotRs), bestValue(coldRs); !(b < parentBest) || !(b < c) {
		t.Errorf("warm-started best after 10 trials %.4f, parent's best %.4f, cold start's %.4f; want the warm start below both", b, parentBest, c)
	}
}

func TestMaximizeAndRanking(t *testing.T) {
	tu := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Maximize, MaxJobs: 6, MaxParallel: 6})
	ts, err := tu.Suggest(context.Background())
	if err != nil || len(ts) != 6 {
		t.Fatalf("Suggest: %d, %v", len(ts), err)
	}
	values := []float64{3, math.NaN(), 7, 0, 7, 0}
	for i, v := range values {
		if i == 3 {
			if err := tu.Fail(i, errors.New("out of memory")); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := tu.Complete(i, v); err != nil {
			t.Fatal(err)
		}
	}
	var order []int
	for _, r := range tu.Ranked() {
		order = append(order, r.Index)
	}
	if d := cmp.Diff([]int{2, 4, 0, 5, 1, 3}, order); d != "" {
		t.Errorf("Ranked order (-want +got):\n%s", d)
	}
	if b, ok := tu.Best(); !ok || b.Index != 2 || b.Value != 7 {
		t.Errorf("Best = %d %v %v, want trial 2 with 7", b.Index, b.Value, ok)
	}
	if r := tu.Results()[3]; r.Status != Failed || r.Err == nil {
		t.Errorf("failed trial: %+v", r)
	}
	if err := tu.Complete(2, 1); !errors.Is(err, ErrTrialFinished) {
		t.Errorf("Complete twice: %v, want ErrTrialFinished", err)
	}
	if err := tu.Complete(9, 1); !errors.Is(err, ErrUnknownTrial) {
		t.Errorf("Complete of trial 9: %v, want ErrUnknownTrial", err)
	}
	if !tu.Done() {
		t.Error("not Done after every trial ended")
	}
}

func TestConfigErrors(t *testing.T) {
	s, err := NewSpace(braninRanges)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no space", Config{MaxJobs: 1}},
		{"no jobs", Config{Space: s}},
		{"unknown strategy", Config{Space: s, MaxJobs: 1, Strategy: "Evolutionary"}},
		{"unknown objective", Config{Space: s, MaxJobs: 1, Objective: "Smallest"}},
		{"unknown early stopping", Config{Space: s, MaxJobs: 1, EarlyStopping: "Sometimes"}},
		{"negative parallel", Config{Space: s, MaxJobs: 1, MaxParallel: -1}},
		{"hyperband without config", Config{Space: s, MaxJobs: 1, Strategy: Hyperband}},
		{"hyperband min 0", Config{Space: s, MaxJobs: 1, Strategy: Hyperband, Hyperband: &HyperbandConfig{MaxResource: 3}}},
		{"hyperband max below min", Config{Space: s, MaxJobs: 1, Strategy: Hyperband, Hyperband: &HyperbandConfig{MinResource: 5, MaxResource: 3}}},
		{"hyperband with early stopping", Config{Space: s, MaxJobs: 1, Strategy: Hyperband, EarlyStopping: EarlyStoppingAuto, Hyperband: &HyperbandConfig{MinResource: 1, MaxResource: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("err = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

func TestSuggestCancelled(t *testing.T) {
	tu := newTuner(t, braninRanges, Config{Strategy: Bayesian, Objective: Minimize, MaxJobs: 5, MaxParallel: 5})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tu.Suggest(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Suggest with a cancelled context: %v", err)
	}
}

func TestShouldStopRejectsSteps(t *testing.T) {
	tu := newTuner(t, braninRanges, Config{Strategy: Random, Objective: Minimize, MaxJobs: 1})
	if _, err := tu.Suggest(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := tu.ShouldStop(0, 2, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := tu.ShouldStop(0, 2, 1); err == nil {
		t.Error("a repeated step is accepted")
	}
	if _, err := tu.ShouldStop(3, 1, 1); !errors.Is(err, ErrUnknownTrial) {
		t.Errorf("ShouldStop(3): %v, want ErrUnknownTrial", err)
	}
}
