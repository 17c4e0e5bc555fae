package boost

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/sagepipe/sagepipe/actor"
)

// DistOptions configure data-parallel training on actors, like
// xgboost-ray's RayParams.
type DistOptions struct {
	// NumActors is the number of training actors; each holds a contiguous
	// shard of the rows. It must be at least 1.
	NumActors int
	// CPUsPerActor is the number of CPUs each actor reserves on the
	// System; 0 means 1. Fractions are allowed (as Ray's num_cpus=0.5), so
	// 3 actors of 0.5 CPU train on 2 CPUs. An actor builds histograms with
	// the whole part of it as threads (at least 1).
	CPUsPerActor float64
	// MaxActorRestarts is how many times a dead training actor is replaced
	// (over the whole run) before training fails; -1 means without limit.
	MaxActorRestarts int
	// CheckpointEvery is the number of rounds between the checkpoints that
	// training resumes from after an actor died; 0 means 5.
	CheckpointEvery int
	// ShardRows, when set, is the row count of each actor's shard, in
	// order (len(ShardRows) == NumActors, summing to the rows), as
	// FromDatasetShards returns it for a dataset's splits; nil means
	// NumActors near-equal contiguous shards.
	ShardRows []int
	// Name prefixes the actors' names ("<Name>-shard-<i>"); "" means
	// "boost". Concurrent trainings on one System need distinct names.
	Name string
}

// worker is a training actor's state: its rows and, once the cuts are
// known, the binned shard.
type worker struct {
	d       *DMatrix
	first   int
	threads int
	s       *shard
}

// actorCluster runs shard operations as actor calls, one actor per shard,
// each in its own bundle of the run's placement group.
type actorCluster struct {
	sys      *actor.System
	pg       *actor.PlacementGroup
	dopt     DistOptions
	threads  int
	handles  []*actor.Handle[worker]
	parts    []*DMatrix
	firsts   []int
	restarts int
}

func (c *actorCluster) numShards() int { return len(c.handles) }

// do calls fn on every actor and waits for all of them, so that no call is
// still running when do returns; it returns the first error by shard.
func (c *actorCluster) do(ctx context.Context, fn func(ctx context.Context, i int, s *shard) error) error {
	futures := make([]*actor.Future[struct{}], len(c.handles))
	for i, h := range c.handles {
		futures[i] = actor.Call(h, func(ctx context.Context, w *worker) (struct{}, error) {
			if w.s == nil {
				return struct{}{}, fmt.Errorf("%w: shard %d is not binned", ErrTrain, i)
			}
			return struct{}{}, fn(ctx, i, w.s)
		})
	}
	var first error
	for _, f := range futures {
		if _, err := f.Get(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// prefix names the run's actors and placement group.
func (c *actorCluster) prefix() string {
	if c.dopt.Name == "" {
		return "boost"
	}
	return c.dopt.Name
}

func (c *actorCluster) name(i int) string { return fmt.Sprintf("%s-shard-%d", c.prefix(), i) }

// spawn starts the actor of shard i holding its rows, in bundle i (a
// replacement goes back into the bundle of the actor it replaces).
func (c *actorCluster) spawn(ctx context.Context, i int) (*actor.Handle[worker], error) {
	d, first, threads := c.parts[i], c.firsts[i], c.threads
	return actor.Spawn(ctx, c.sys, func(context.Context) (*worker, error) {
		return &worker{d: d, first: first, threads: threads}, nil
	}, actor.Options{Name: c.name(i), NumCPUs: c.dopt.CPUsPerActor, Placement: c.pg.Bundle(i)})
}

// reserve places the run's actors as one placement group, one bundle of
// CPUsPerActor per actor, all or none, and waits until it is ready. A
// demand the System can never meet fails at once with actor.ErrInfeasible.
func (c *actorCluster) reserve(ctx context.Context) error {
	bundles := make([]actor.Bundle, c.dopt.NumActors)
	for i := range bundles {
		bundles[i] = actor.Bundle{NumCPUs: c.dopt.CPUsPerActor}
	}
	pg, err := actor.NewPlacementGroup(c.sys, bundles, actor.PlacementGroupOptions{Name: c.prefix(), Strategy: actor.Pack})
	if err != nil {
		return err
	}
	if err := pg.Wait(ctx); err != nil {
		pg.Remove()
		return err
	}
	c.pg = pg
	return nil
}

// bin builds actor i's shard with the cuts.
func (c *actorCluster) bin(ctx context.Context, i int, cuts *cuts, groups int) error {
	_, err := actor.Call(c.handles[i], func(_ context.Context, w *worker) (struct{}, error) {
		w.s = newShard(w.d, w.first, cuts, groups, w.threads)
		return struct{}{}, nil
	}).Get(ctx)
	return err
}

// shutdown kills every actor and waits for them to stop.
func (c *actorCluster) shutdown() {
	for _, h := range c.handles {
		if h != nil {
			h.Kill()
		}
	}
	for _, h := range c.handles {
		if h != nil {
			<-h.Done()
		}
	}
}

// TrainDistributed trains like Train, with the rows split into
// dopt.NumActors contiguous shards, each held and binned by an actor on
// sys. The actors are reserved as one placement group (one bundle of
// dopt.CPUsPerActor each, all or none), so concurrent trainings never
// deadlock holding part of their actors; a demand sys can never meet
// (more CPUs in all than it has) fails at once, before any actor starts,
// with an error matching actor.ErrInfeasible. Every actor sketches its
// shard and the driver merges the summaries in shard order into one set of
// cuts, as XGBoost's distributed (Rabit) training all-reduces its workers'
// sketches: the cuts equal XGBoost's distributed cuts for the same shards
// and, as in XGBoost, generally differ from single-process cuts when there
// is more than one actor. Every tree node's histogram is the exact sum
// (all-reduce) of the actors' fixed-point histograms, so the model is, bit
// for bit, the same on any number of actors with the same cuts, whatever
// their thread counts (Train sums in float64 in XGBoost's order instead,
// so its model can differ from one actor's in the last bits).
//
// When an actor dies (killed, or crashed), it is replaced by a new one in
// its bundle, up to dopt.MaxActorRestarts times, and training resumes from the last
// checkpoint (every dopt.CheckpointEvery rounds); because every round is
// a function of the model so far, the result is the same model.
func TrainDistributed(ctx context.Context, sys *actor.System, cfg Config, dtrain *DMatrix, dopt DistOptions, opt TrainOptions) (res *Result, err error) {
	if sys == nil {
		return nil, fmt.Errorf("%w: nil actor system", ErrInput)
	}
	if dopt.NumActors < 1 {
		return nil, &ParamError{Name: "NumActors", Value: dopt.NumActors, Allowed: "[1, inf)"}
	}
	if !(dopt.CPUsPerActor >= 0) || math.IsInf(dopt.CPUsPerActor, 0) {
		return nil, &ParamError{Name: "CPUsPerActor", Value: dopt.CPUsPerActor, Allowed: "[0, inf)"}
	}
	if dopt.MaxActorRestarts < -1 {
		return nil, &ParamError{Name: "MaxActorRestarts", Value: dopt.MaxActorRestarts, Allowed: "[-1, inf)"}
	}
	if dopt.CheckpointEvery < 0 {
		return nil, &ParamError{Name: "CheckpointEvery", Value: dopt.CheckpointEvery, Allowed: "[0, inf)"}
	}
	if dopt.CPUsPerActor == 0 {
		dopt.CPUsPerActor = 1
	}
	if dopt.CheckpointEvery == 0 {
		dopt.CheckpointEvery = 5
	}
	t, err := newTrainer(cfg, dtrain, opt)
	if err != nil {
		return nil, err
	}
	if cfg.onDevice() {
		return nil, &ParamError{Name: "device", Value: cfg.Device, Allowed: "cpu for distributed training"}
	}
	if dopt.NumActors > dtrain.rows {
		return nil, &ParamError{Name: "NumActors", Value: dopt.NumActors, Allowed: fmt.Sprintf("[1, %d] (the row count)", dtrain.rows)}
	}
	bounds, err := shardBounds(dtrain.rows, dopt)
	if err != nil {
		return nil, err
	}
	c := &actorCluster{sys: sys, dopt: dopt, threads: max(1, int(dopt.CPUsPerActor))}
	if err := c.reserve(ctx); err != nil {
		return nil, fmt.Errorf("%w: reserving %d actors of %g CPU: %w", ErrTrain, dopt.NumActors, dopt.CPUsPerActor, err)
	}
	defer c.pg.Remove()
	for i := 0; i < dopt.NumActors; i++ {
		lo, hi := bounds[i], bounds[i+1]
		part, err := dtrain.Slice(lo, hi)
		if err != nil {
			return nil, err
		}
		c.parts, c.firsts = append(c.parts, part), append(c.firsts, lo)
	}
	defer c.shutdown()
	for i := range c.parts {
		h, err := c.spawn(ctx, i)
		if err != nil {
			return nil, fmt.Errorf("%w: starting actor %d: %w", ErrTrain, i, err)
		}
		c.handles = append(c.handles, h)
	}

	// Sketch on the actors, merge on the driver, bin on the actors.
	samples := make([][]featSummary, len(c.handles))
	var wg sync.WaitGroup
	errs := make([]error, len(c.handles))
	for i, h := range c.handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			samples[i], errs[i] = actor.Call(h, func(_ context.Context, w *worker) ([]featSummary, error) {
				return sketchShard(w.d, cfg.MaxBin, w.threads), nil
			}).Get(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: sketch: %w", ErrTrain, err)
	}
	t.cuts = mergeSketches(samples, len(dtrain.cols), cfg.MaxBin, t.threads())
	for i := range c.handles {
		if err := c.bin(ctx, i, t.cuts, t.obj.groups); err != nil {
			return nil, fmt.Errorf("%w: binning shard %d: %w", ErrTrain, i, err)
		}
	}
	t.cl = c
	if err := t.resetShardMargins(ctx); err != nil {
		return nil, fmt.Errorf("%w: setting the shards' initial margins: %w", ErrTrain, err)
	}
	t.checkpointEvery = dopt.CheckpointEvery
	t.restore = func(ctx context.Context, cause error) error {
		if !errors.Is(cause, actor.ErrActorDied) {
			return cause
		}
		for i, h := range c.handles {
			if h.Alive() {
				continue
			}
			if dopt.MaxActorRestarts >= 0 && c.restarts >= dopt.MaxActorRestarts {
				return fmt.Errorf("%w: actor %s died and MaxActorRestarts (%d) are used up: %w", ErrTrain, h.Name(), dopt.MaxActorRestarts, cause)
			}
			c.restarts++
			<-h.Done()
			nh, err := c.spawn(ctx, i)
			if err != nil {
				return fmt.Errorf("%w: restarting actor %d: %w", ErrTrain, i, err)
			}
			c.handles[i] = nh
			if err := c.bin(ctx, i, t.cuts, t.obj.groups); err != nil {
				return fmt.Errorf("%w: binning shard %d after restart: %w", ErrTrain, i, err)
			}
		}
		return nil
	}
	return t.run(ctx)
}
