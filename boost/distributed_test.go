package boost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

func newSystem(t *testing.T, cpus float64) *actor.System {
	t.Helper()
	sys, err := actor.NewSystem(actor.Config{CPUs: cpus})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Shutdown(context.Background()) })
	return sys
}

func modelJSON(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := m.Encode(FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkGoroutines fails t when, after a short settle, more goroutines run
// than before: a training run must stop every goroutine it started (actor
// mailboxes, shard workers, restart watchers) before it returns. It dumps
// the goroutines that remain.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(2 * time.Second); n > before && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	if n > before {
		var dump strings.Builder
		pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Errorf("%d goroutines after the run, %d before:\n%s", n, before, dump.String())
	}
}

// synthetic returns n rows of nf features (some missing), with labels
// fitting the objective, and random weights when weighted.
func synthetic(t testing.TB, n, nf int, obj string, weighted bool, seed uint64) *DMatrix {
	rng := rand.New(rand.NewPCG(seed, 99))
	cols := make([][]float64, nf)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	label := make([]float64, n)
	for i := 0; i < n; i++ {
		var s float64
		for j := range cols {
			v := rng.NormFloat64()
			if j%3 == 1 {
				v = float64(rng.IntN(7))
			}
			s += v * float64(j%4-1)
			if j == 2 && rng.IntN(10) == 0 {
				v = nanF
			}
			cols[j][i] = v
		}
		s += 0.3 * rng.NormFloat64()
		switch obj {
		case ObjBinaryLogistic, ObjBinaryHinge, ObjBinaryLogitRaw:
			label[i] = b2f(s > 0)
		case ObjRegLogistic:
			label[i] = 1 / (1 + math.Exp(-s))
		case ObjMultiSoftprob, ObjMultiSoftmax:
			label[i] = float64(min(2, max(0, int(s/2+1))))
		case ObjCountPoisson, ObjRegTweedie:
			label[i] = float64(rng.IntN(1 + int(max(0, s+2))))
		case ObjRegGamma:
			label[i] = 0.1 + s*s
		default:
			label[i] = s
		}
	}
	d, err := NewDMatrix(cols, label)
	if err != nil {
		t.Fatal(err)
	}
	if weighted {
		w := make([]float64, n)
		for i := range w {
			w[i] = 0.5 + rng.Float64()
		}
		if err := d.SetWeight(w); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

var nanF = func() float64 { var z float64; return z / z }()

// trainWithCuts is Train with the given cuts instead of the data's own.
func trainWithCuts(ctx context.Context, cfg Config, d *DMatrix, opt TrainOptions, c *cuts) (*Result, error) {
	t, err := newTrainer(cfg, d, opt)
	if err != nil {
		return nil, err
	}
	t.cuts = c
	s := newShard(d, 0, c, t.obj.groups, t.threads())
	s.setMargin(d, t.base, t.trees, t.info)
	t.cl = localCluster{s}
	return t.run(ctx)
}

// distributedTwin trains d in one process with the cuts that distributed
// training on actors computes for it (XGBoost's distributed sketch over
// the actors' shards): the model distributed training must give.
func distributedTwin(t *testing.T, cfg Config, d *DMatrix, dopt DistOptions, opt TrainOptions) []byte {
	t.Helper()
	bounds, err := shardBounds(d.rows, dopt)
	if err != nil {
		t.Fatal(err)
	}
	var shards []int
	for i := 1; i < len(bounds); i++ {
		shards = append(shards, bounds[i]-bounds[i-1])
	}
	res, err := trainWithCuts(context.Background(), cfg, d, opt, distCuts(t, d, shards, cfg.MaxBin))
	if err != nil {
		t.Fatal(err)
	}
	return modelJSON(t, res.Model)
}

// TestDistributedEqualsSingle trains the same data in one process and on
// 1 to 3 actors. One actor gives the single-process model byte for byte;
// more give, byte for byte, the model single-process training gives with
// the cuts of XGBoost's distributed sketch over those shards (histograms
// are all-reduced exactly, so the cuts are the only difference).
func TestDistributedEqualsSingle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		params   map[string]any
		weighted bool
	}{
		{"reg", map[string]any{"objective": ObjSquaredError}, false},
		{"logistic-weighted", map[string]any{"objective": ObjBinaryLogistic, "eval_metric": "auc"}, true},
		{"lossguide-sampled", map[string]any{"objective": ObjSquaredError, "grow_policy": "lossguide", "max_leaves": 9,
			"max_depth": 0, "subsample": 0.7, "colsample_bytree": 0.8, "colsample_bynode": 0.7, "seed": 3}, false},
		{"softprob", map[string]any{"objective": ObjMultiSoftprob, "num_class": 3}, false},
		{"absoluteerror", map[string]any{"objective": ObjAbsoluteError}, false},
	}
	sys := newSystem(t, 4)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.params["num_boost_round"] = 12
			tc.params["max_bin"] = 32
			cfg, err := NewConfig(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			obj := tc.params["objective"].(string)
			d := synthetic(t, 3000, 6, obj, tc.weighted, 1)
			v := synthetic(t, 500, 6, obj, tc.weighted, 2)
			opt := TrainOptions{Evals: []EvalSet{{"valid", v}}}
			single, err := Train(context.Background(), cfg, d, opt)
			if err != nil {
				t.Fatal(err)
			}
			if n := single.Model.Trees[len(single.Model.Trees)-1].NumNodes(); n < 5 {
				t.Fatalf("last tree has %d nodes: the comparison would be vacuous", n)
			}
			for actors := 1; actors <= 3; actors++ {
				dopt := DistOptions{NumActors: actors, CPUsPerActor: 1, Name: fmt.Sprintf("%s-%d", tc.name, actors)}
				res, err := TrainDistributed(context.Background(), sys, cfg, d, dopt, opt)
				if err != nil {
					t.Fatal(err)
				}
				want := modelJSON(t, single.Model)
				if actors > 1 {
					want = distributedTwin(t, cfg, d, dopt, opt)
				}
				if got := modelJSON(t, res.Model); !bytes.Equal(got, want) {
					t.Errorf("%d actors: model differs from single-process training with the distributed cuts", actors)
				}
			}
		})
	}
}

// TestDistributedSurvivesKilledActor kills a training actor in the middle
// of the run; training replaces it, resumes from the last checkpoint and
// produces the same model as an undisturbed run (which is single-process
// training with the distributed cuts). Every run, undisturbed,
// restarted or failed, must leave no goroutine behind. The test is not
// parallel, so that the goroutine count is its own.
func TestDistributedSurvivesKilledActor(t *testing.T) {
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "num_boost_round": 15, "max_bin": 64})
	if err != nil {
		t.Fatal(err)
	}
	d := synthetic(t, 4000, 5, ObjSquaredError, false, 5)
	v := synthetic(t, 400, 5, ObjSquaredError, false, 6)
	want := distributedTwin(t, cfg, d, DistOptions{NumActors: 3}, TrainOptions{Evals: []EvalSet{{"valid", v}}})
	sys := newSystem(t, 3)
	t.Run("undisturbed", func(t *testing.T) {
		before := runtime.NumGoroutine()
		res, err := TrainDistributed(context.Background(), sys, cfg, d,
			DistOptions{NumActors: 3, CPUsPerActor: 1, MaxActorRestarts: 1, CheckpointEvery: 5, Name: "calm"},
			TrainOptions{Evals: []EvalSet{{"valid", v}}})
		if err != nil {
			t.Fatal(err)
		}
		checkGoroutines(t, before)
		if !bytes.Equal(modelJSON(t, res.Model), want) {
			t.Error("distributed model differs from the single-process model with the distributed cuts")
		}
	})
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprintf("async=%v", async), func(t *testing.T) {
			name := fmt.Sprintf("ft%v", async)
			var killed atomic.Bool
			var log strings.Builder
			// The asynchronous kill runs beside round 8; round 9 waits for
			// it, so the restart resumes from the checkpoint of round 5
			// whatever the goroutines' timing.
			killDone := make(chan struct{})
			kill := func() {
				h, err := actor.Lookup[worker](sys, name+"-shard-1")
				if err != nil {
					t.Error(err)
					return
				}
				h.Kill()
			}
			cb := func(ctx context.Context, p Progress) error {
				if p.Iteration == 12 {
					// The replacement holds its CPU out of the dead
					// actor's bundle: the System has none more in use.
					if got := sys.Available()["CPU"]; got != 0 {
						t.Errorf("CPU free after the restart = %v, want 0 (3 bundles of 1 on 3 CPUs)", got)
					}
				}
				if p.Iteration == 7 && !killed.Swap(true) {
					if async {
						go func() { kill(); close(killDone) }() // lands during the next round
					} else {
						kill()
					}
				}
				if async && p.Iteration == 8 {
					select {
					case <-killDone:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				return nil
			}
			before := runtime.NumGoroutine()
			res, err := TrainDistributed(context.Background(), sys, cfg, d,
				DistOptions{NumActors: 3, CPUsPerActor: 1, MaxActorRestarts: 1, CheckpointEvery: 5, Name: name},
				TrainOptions{Evals: []EvalSet{{"valid", v}}, Callback: cb, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			checkGoroutines(t, before)
			if !killed.Load() {
				t.Fatal("no actor was killed")
			}
			if !bytes.Equal(modelJSON(t, res.Model), want) {
				t.Error("model after a restart differs from the undisturbed model")
			}
			if got := strings.Count(log.String(), "[5]\t"); got != 2 {
				t.Errorf("round 5 logged %d times, want 2 (once more after resuming from the checkpoint)", got)
			}
			if n := len(res.Evals["valid"]["rmse"]); n != 15 {
				t.Errorf("%d rounds of eval history, want 15", n)
			}
		})
	}
	t.Run("no restarts left", func(t *testing.T) {
		cb := func(ctx context.Context, p Progress) error {
			if p.Iteration == 2 {
				h, err := actor.Lookup[worker](sys, "ft0-shard-0")
				if err == nil {
					h.Kill()
				}
			}
			return nil
		}
		before := runtime.NumGoroutine()
		_, err := TrainDistributed(context.Background(), sys, cfg, d,
			DistOptions{NumActors: 2, MaxActorRestarts: 0, Name: "ft0"}, TrainOptions{Callback: cb})
		checkGoroutines(t, before)
		if !errors.Is(err, ErrTrain) || !errors.Is(err, actor.ErrActorDied) {
			t.Errorf("err = %v, want ErrTrain wrapping ErrActorDied", err)
		}
	})
}

// TestDistributedInfeasible: more actors than the System can ever hold
// fail at once, before any actor starts, instead of waiting for ever.
func TestDistributedInfeasible(t *testing.T) {
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "num_boost_round": 3})
	if err != nil {
		t.Fatal(err)
	}
	d := synthetic(t, 500, 3, ObjSquaredError, false, 7)
	for _, tc := range []struct {
		cpus   float64
		actors int
		per    float64
	}{{4, 7, 1}, {2, 4, 0}, {2, 5, 0.5}} {
		sys := newSystem(t, tc.cpus)
		start := time.Now()
		_, err := TrainDistributed(context.Background(), sys, cfg, d, DistOptions{NumActors: tc.actors, CPUsPerActor: tc.per}, TrainOptions{})
		if el := time.Since(start); el > 100*time.Millisecond {
			t.Errorf("%d actors on %v CPUs: failed after %v", tc.actors, tc.cpus, el)
		}
		if !errors.Is(err, actor.ErrInfeasible) || !errors.Is(err, ErrTrain) {
			t.Errorf("%d actors on %v CPUs: err = %v, want ErrInfeasible", tc.actors, tc.cpus, err)
		}
		if _, lerr := actor.Lookup[worker](sys, "boost-shard-0"); lerr == nil {
			t.Error("an actor was started")
		}
		if got := sys.Available()["CPU"]; got != tc.cpus {
			t.Errorf("CPU free after = %v", got)
		}
	}
	sys := newSystem(t, 2)
	if _, err := TrainDistributed(context.Background(), sys, cfg, d, DistOptions{NumActors: 2, CPUsPerActor: -0.5}, TrainOptions{}); !errors.As(err, new(*ParamError)) {
		t.Errorf("negative CPUsPerActor: err = %v", err)
	}
}

// TestConcurrentFractionalTrainings runs four 3-actor trainings of 0.5
// CPU each at once on 2 CPUs: each gang is admitted whole, so they finish
// (one after another where they do not fit together) with the model
// single-process training gives with the distributed cuts.
func TestConcurrentFractionalTrainings(t *testing.T) {
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "num_boost_round": 8, "max_bin": 32})
	if err != nil {
		t.Fatal(err)
	}
	d := synthetic(t, 1500, 4, ObjSquaredError, false, 11)
	want := distributedTwin(t, cfg, d, DistOptions{NumActors: 3}, TrainOptions{})
	sys := newSystem(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	errs := make(chan error, 4)
	models := make(chan []byte, 4)
	for k := range 4 {
		go func() {
			res, err := TrainDistributed(ctx, sys, cfg, d,
				DistOptions{NumActors: 3, CPUsPerActor: 0.5, Name: fmt.Sprintf("frac-%d", k)}, TrainOptions{})
			if err != nil {
				errs <- err
				return
			}
			b, err := res.Model.Encode(FormatJSON)
			if err != nil {
				errs <- err
				return
			}
			models <- b
		}()
	}
	for range 4 {
		select {
		case err := <-errs:
			t.Fatal(err)
		case b := <-models:
			if !bytes.Equal(b, want) {
				t.Error("a concurrent training's model differs from single-process training")
			}
		case <-ctx.Done():
			var dump strings.Builder
			pprof.Lookup("goroutine").WriteTo(&dump, 1)
			t.Fatalf("concurrent trainings hung:\n%s", dump.String())
		}
	}
	if got := sys.Available()["CPU"]; got != 2 {
		t.Errorf("CPU free after = %v", got)
	}
}
