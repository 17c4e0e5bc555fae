package actor

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Config sizes a System, like the arguments of ray.init.
type Config struct {
	// CPUs is the number of logical CPU slots; 0 means runtime.NumCPU().
	// Fractional totals are allowed.
	CPUs float64
	// GPUs is the number of logical GPU slots (0: none).
	GPUs float64
	// Resources are custom logical resources by name (for example
	// {"featurestore": 1}); the names "CPU" and "GPU" are reserved.
	Resources map[string]float64
	// Logger receives restarts, retries and deaths; nil discards them.
	Logger *slog.Logger
	// MaxIdleWorkers bounds the task worker goroutines kept parked between
	// bursts; 0 means 64.
	MaxIdleWorkers int
}

// System owns a pool of logical resources and every actor and task started
// on it, like a single-node Ray cluster living in this process. Shutdown
// stops all of it. A System's methods are safe for concurrent use.
type System struct {
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger

	resNames []string
	resIndex map[string]int
	total    demand
	taskDef  taskSpec // the spec of tasks with default options: 1 CPU

	sched sched
	wg    sync.WaitGroup // every goroutine the System started

	mu     sync.Mutex
	closed bool
	names  map[string]any
	actors map[uint64]func(error) // kill functions of live actors
	pgs    map[uint64]*PlacementGroup

	nextID atomic.Uint64
	pinned atomic.Int64
}

// NewSystem starts a System with cfg's resources.
func NewSystem(cfg Config) (*System, error) {
	s := &System{log: cfg.Logger, names: map[string]any{}, actors: map[uint64]func(error){}, pgs: map[uint64]*PlacementGroup{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	cpus := cfg.CPUs
	if cpus == 0 {
		cpus = float64(runtime.NumCPU())
	}
	var err error
	if s.total.cpu, err = toUnits(cpus, "Config.CPUs"); err != nil {
		return nil, err
	}
	if s.total.gpu, err = toUnits(cfg.GPUs, "Config.GPUs"); err != nil {
		return nil, err
	}
	for name := range cfg.Resources {
		if name == "" || name == "CPU" || name == "GPU" {
			return nil, fmt.Errorf("%w: Config.Resources name %q is reserved", ErrInvalidOptions, name)
		}
		s.resNames = append(s.resNames, name)
	}
	slices.Sort(s.resNames)
	s.resIndex = make(map[string]int, len(s.resNames))
	if len(s.resNames) > 0 {
		s.total.custom = make([]int64, len(s.resNames))
	}
	for i, name := range s.resNames {
		s.resIndex[name] = i
		if s.total.custom[i], err = toUnits(cfg.Resources[name], "Config.Resources "+name); err != nil {
			return nil, err
		}
	}
	s.taskDef = taskSpec{sys: s, s: &s.sched, d: demand{cpu: resUnit}}
	s.sched.avail = demand{cpu: s.total.cpu, gpu: s.total.gpu, custom: slices.Clone(s.total.custom)}
	s.sched.maxIdle = cfg.MaxIdleWorkers
	if s.sched.maxIdle <= 0 {
		s.sched.maxIdle = 64
	}
	s.sched.wg = &s.wg
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.sched.ctx = s.ctx
	return s, nil
}

// Resources returns the System's total resources by name ("CPU", "GPU" and
// the custom ones).
func (s *System) Resources() map[string]float64 { return s.render(&s.total) }

// Available returns the resources not held by running tasks, live actors
// and placement groups, by name. CPU lent by blocked work counts as free;
// while woken work runs over-subscribed (see the package doc) CPU may be
// negative.
func (s *System) Available() map[string]float64 {
	s.sched.mu.Lock()
	defer s.sched.mu.Unlock()
	free := s.sched.avail
	free.cpu += s.sched.loan
	return s.render(&free)
}

func (s *System) render(d *demand) map[string]float64 {
	m := map[string]float64{"CPU": fromUnits(d.cpu), "GPU": fromUnits(d.gpu)}
	for i, v := range d.custom {
		m[s.resNames[i]] = fromUnits(v)
	}
	return m
}

// PinnedBytes is the estimated size of the values held by live Refs made
// with Put.
func (s *System) PinnedBytes() int64 { return s.pinned.Load() }

// Shutdown stops the System: new work fails with ErrShutdown, queued tasks
// and calls fail with it, actors are killed, and the contexts handed to
// running tasks and calls are cancelled. It then waits until every
// goroutine the System started has returned, or until ctx ends (returning
// ctx's error; the goroutines still exit once their user code returns).
// Calling it again is harmless.
func (s *System) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	kills := make([]func(error), 0, len(s.actors))
	for _, k := range s.actors {
		kills = append(kills, k)
	}
	pgs := make([]*PlacementGroup, 0, len(s.pgs))
	for _, pg := range s.pgs {
		pgs = append(pgs, pg)
	}
	s.mu.Unlock()
	if first {
		s.log.Debug("actor: system shutting down", "actors", len(kills))
	}
	s.cancel()
	s.sched.close(ErrShutdown)
	for _, pg := range pgs {
		pg.shutdown()
	}
	for _, k := range kills {
		k(ErrShutdown)
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
