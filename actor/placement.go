package actor

import (
	"context"
	"fmt"
	"maps"
	"sync"
)

// PlacementStrategy is how a placement group's bundles are placed, as in
// Ray. One process is one node, so the strategies reduce to whether the
// bundles may share it: PACK, SPREAD and STRICT_PACK all place every bundle
// on this node (SPREAD is best-effort in Ray), and STRICT_SPREAD, which
// needs a node per bundle, can only place a group of one bundle.
type PlacementStrategy int

// The placement strategies of Ray.
const (
	Pack         PlacementStrategy = iota // PACK, Ray's default
	Spread                                // SPREAD
	StrictPack                            // STRICT_PACK
	StrictSpread                          // STRICT_SPREAD
)

// String returns Ray's name of the strategy.
func (p PlacementStrategy) String() string {
	switch p {
	case Pack:
		return "PACK"
	case Spread:
		return "SPREAD"
	case StrictPack:
		return "STRICT_PACK"
	case StrictSpread:
		return "STRICT_SPREAD"
	}
	return fmt.Sprintf("PlacementStrategy(%d)", int(p))
}

// Bundle is one part of a placement group's reservation, like one of the
// resource dicts given to ray.util.placement_group.
type Bundle struct {
	NumCPUs   float64
	NumGPUs   float64
	Resources map[string]float64
}

// PlacementGroupOptions name a placement group and choose its strategy.
type PlacementGroupOptions struct {
	// Name labels the group in errors.
	Name string
	// Strategy is how the bundles are placed (Pack by default).
	Strategy PlacementStrategy
	// Group is the admission group the reservation waits in (see
	// TaskOptions.Group).
	Group string
}

// AnyBundle is the Placement.Bundle that lets the System choose the
// bundle: the first one with room for the demand now, else the first one
// that can ever hold it (Ray's placement_group_bundle_index=-1).
const AnyBundle = -1

// Placement schedules an actor or a task into a bundle of a placement
// group, like Ray's PlacementGroupSchedulingStrategy. The zero value means
// no group; with a Group, Bundle 0 is the first bundle.
type Placement struct {
	Group  *PlacementGroup
	Bundle int // the bundle's index, or AnyBundle
}

// PlacementGroup is a gang reservation of resources in bundles, like a Ray
// placement group: every bundle is reserved at once or none is, so jobs
// of several actors never hold part of what they need while waiting for
// the rest. Actors and tasks are scheduled into a bundle with Placement;
// they then draw on the bundle's reservation, not on the System's.
type PlacementGroup struct {
	sys      *System
	id       uint64
	name     string
	strategy PlacementStrategy
	bundles  []Bundle
	demands  []demand
	scheds   []*sched
	g        *grant
	ctx      context.Context // cancelled by Remove: the parent of its work
	cancel   context.CancelFunc

	mu      sync.Mutex
	removed bool
}

// NewPlacementGroup asks for a placement group and returns at once, like
// ray.util.placement_group; the reservation waits in the admission queue
// (see the package doc) until every bundle fits together. Wait waits for
// it. A group the System can never place (its bundles together exceed the
// System's totals, or the strategy cannot be met in one process) fails at
// once with ErrInfeasible; an empty bundle list or a bundle asking for
// nothing with ErrInvalidOptions.
func NewPlacementGroup(sys *System, bundles []Bundle, opts PlacementGroupOptions) (*PlacementGroup, error) {
	id := sys.nextID.Add(1)
	name := opts.Name
	if name == "" {
		name = fmt.Sprintf("pg-%d", id)
	}
	if opts.Strategy < Pack || opts.Strategy > StrictSpread {
		return nil, fmt.Errorf("%w: placement group %q: strategy %v", ErrInvalidOptions, name, opts.Strategy)
	}
	if len(bundles) == 0 {
		return nil, fmt.Errorf("%w: placement group %q: no bundles", ErrInvalidOptions, name)
	}
	pg := &PlacementGroup{sys: sys, id: id, name: name, strategy: opts.Strategy, bundles: make([]Bundle, len(bundles))}
	total := demand{custom: make([]int64, len(sys.resNames))}
	for i, b := range bundles {
		who := fmt.Sprintf("placement group %q bundle %d", name, i)
		d, err := sys.demandOf(b.NumCPUs, b.NumGPUs, b.Resources, who)
		if err != nil {
			return nil, err
		}
		if d.zero() {
			return nil, fmt.Errorf("%w: %s asks for no resources", ErrInvalidOptions, who)
		}
		total.add(&d)
		pg.demands = append(pg.demands, d)
		pg.bundles[i] = Bundle{NumCPUs: b.NumCPUs, NumGPUs: b.NumGPUs, Resources: cloneMap(b.Resources)}
	}
	if len(total.custom) == 0 {
		total.custom = nil
	}
	if !total.fits(&sys.total) {
		return nil, fmt.Errorf("%w: placement group %q (%v, %d bundles) asks for %s in all, the system has %s in total",
			ErrInfeasible, name, opts.Strategy, len(bundles), sys.describe(&total), sys.describe(&sys.total))
	}
	if opts.Strategy == StrictSpread && len(bundles) > 1 {
		return nil, fmt.Errorf("%w: placement group %q: STRICT_SPREAD needs a node for each of its %d bundles, one process is one node",
			ErrInfeasible, name, len(bundles))
	}
	pg.ctx, pg.cancel = context.WithCancel(sys.ctx)
	for range bundles {
		b := &sched{ctx: pg.ctx, parent: &sys.sched, maxIdle: 2, wg: &sys.wg}
		if len(sys.resNames) > 0 {
			b.avail.custom = make([]int64, len(sys.resNames))
		}
		pg.scheds = append(pg.scheds, b)
	}
	pg.g = newGrant(total, opts.Group, pg.reserved)
	if err := sys.addGroup(pg); err != nil {
		pg.cancel()
		return nil, fmt.Errorf("actor: placement group %q: %w", name, err)
	}
	if err := sys.sched.submit(pg.g); err != nil {
		sys.dropGroup(pg)
		pg.cancel()
		return nil, fmt.Errorf("actor: placement group %q: %w", name, err)
	}
	return pg, nil
}

// reserved hands each bundle its capacity once the reservation is granted
// (under the System scheduler's lock).
func (pg *PlacementGroup) reserved() {
	for i, b := range pg.scheds {
		b.mu.Lock()
		b.giveLocked(&pg.demands[i])
		b.pumpLocked()
		b.mu.Unlock()
	}
}

// Wait waits until every bundle is reserved (like pg.ready() / pg.wait),
// or until ctx ends, returning ctx's error; the group then keeps waiting
// for its reservation until Remove. It fails with ErrPlacementGroupRemoved
// once the group is removed and with ErrShutdown when the System shut
// down first. Called from a running task or actor call, it is a blocked
// wait (see Block).
func (pg *PlacementGroup) Wait(ctx context.Context) error {
	select {
	case <-pg.g.ch:
	default:
		if err := waitSignal(ctx, pg.g.ch); err != nil {
			return err
		}
	}
	if pg.isRemoved() {
		return fmt.Errorf("actor: placement group %q: %w", pg.name, ErrPlacementGroupRemoved)
	}
	if pg.g.err != nil {
		return fmt.Errorf("actor: placement group %q: %w", pg.name, pg.g.err)
	}
	return nil
}

// Ready returns a channel closed once the group is reserved, removed, or
// failed; Wait then says which.
func (pg *PlacementGroup) Ready() <-chan struct{} { return pg.g.ch }

func (pg *PlacementGroup) isRemoved() bool {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	return pg.removed
}

// Remove removes the group, like ray.util.remove_placement_group: a
// reservation still waiting leaves the queue; work queued in its bundles
// fails with ErrPlacementGroupRemoved, actors placed in it are killed
// (calls fail with ErrActorDied) and running tasks see their context
// cancelled. Each bundle's free capacity goes back to the System at once,
// the rest as the actors and tasks holding it stop. Remove does not wait;
// calling it again is harmless.
func (pg *PlacementGroup) Remove() {
	pg.mu.Lock()
	if pg.removed {
		pg.mu.Unlock()
		return
	}
	pg.removed = true
	pg.mu.Unlock()
	s := &pg.sys.sched
	s.mu.Lock()
	state := pg.g.h.state
	if state == hsQueued {
		s.dequeueLocked(pg.g)
	}
	s.mu.Unlock()
	switch state {
	case hsQueued:
		pg.g.abort(ErrPlacementGroupRemoved)
	case hsRunning:
		for _, b := range pg.scheds {
			b.close(ErrPlacementGroupRemoved)
			b.mu.Lock()
			b.drain = true
			back, ok := b.drainLocked()
			b.mu.Unlock()
			if ok {
				s.release(&back)
			}
		}
	}
	pg.cancel()
	pg.sys.dropGroup(pg)
}

// shutdown stops the group's bundles as the System shuts down.
func (pg *PlacementGroup) shutdown() {
	for _, b := range pg.scheds {
		b.close(ErrShutdown)
	}
}

// Name returns the group's name ("pg-<id>" when none was given).
func (pg *PlacementGroup) Name() string { return pg.name }

// Strategy returns the group's placement strategy.
func (pg *PlacementGroup) Strategy() PlacementStrategy { return pg.strategy }

// Bundles returns a copy of the group's bundles.
func (pg *PlacementGroup) Bundles() []Bundle {
	out := make([]Bundle, len(pg.bundles))
	for i, b := range pg.bundles {
		out[i] = Bundle{NumCPUs: b.NumCPUs, NumGPUs: b.NumGPUs, Resources: cloneMap(b.Resources)}
	}
	return out
}

// Bundle returns the Placement for the group's bundle i.
func (pg *PlacementGroup) Bundle(i int) Placement { return Placement{Group: pg, Bundle: i} }

// BundleAvailable returns what bundle i has free for its actors and
// tasks, by resource name (all zero until the group is ready).
func (pg *PlacementGroup) BundleAvailable(i int) map[string]float64 {
	if i < 0 || i >= len(pg.scheds) {
		return nil
	}
	b := pg.scheds[i]
	b.mu.Lock()
	defer b.mu.Unlock()
	free := b.avail
	free.cpu += b.loan
	return pg.sys.render(&free)
}

// placeDemand builds a demand like demandOf and picks the scheduler it is
// admitted by: the System's, or the bundle p names.
func (s *System) placeDemand(cpus, gpus float64, custom map[string]float64, p Placement, who string) (demand, *sched, error) {
	d, err := s.demandOf(cpus, gpus, custom, who)
	if err != nil || p.Group == nil {
		return d, &s.sched, err
	}
	pg := p.Group
	if pg.sys != s {
		return d, nil, fmt.Errorf("%w: %s: placement group %q belongs to another System", ErrInvalidOptions, who, pg.name)
	}
	if pg.isRemoved() {
		return d, nil, fmt.Errorf("actor: %s: placement group %q: %w", who, pg.name, ErrPlacementGroupRemoved)
	}
	i := p.Bundle
	if i == AnyBundle {
		i = pg.pick(&d)
		if i < 0 {
			return d, nil, fmt.Errorf("%w: %s asks for %s, no bundle of placement group %q holds that much",
				ErrInfeasible, who, s.describe(&d), pg.name)
		}
	}
	if i < 0 || i >= len(pg.demands) {
		return d, nil, fmt.Errorf("%w: %s: placement group %q has no bundle %d (it has %d)", ErrInvalidOptions, who, pg.name, i, len(pg.demands))
	}
	if !d.fits(&pg.demands[i]) {
		return d, nil, fmt.Errorf("%w: %s asks for %s, bundle %d of placement group %q holds %s",
			ErrInfeasible, who, s.describe(&d), i, pg.name, s.describe(&pg.demands[i]))
	}
	return d, pg.scheds[i], nil
}

// pick chooses a bundle for d: the first with room now, else the first
// that can hold it at all, else -1.
func (pg *PlacementGroup) pick(d *demand) int {
	first := -1
	for i, b := range pg.scheds {
		if !d.fits(&pg.demands[i]) {
			continue
		}
		if first < 0 {
			first = i
		}
		b.mu.Lock()
		free := b.avail
		free.cpu += b.loan
		now := b.queuedN == 0 && d.fits(&free)
		b.mu.Unlock()
		if now {
			return i
		}
	}
	return first
}

// addGroup records a live placement group so Shutdown can stop it.
func (s *System) addGroup(pg *PlacementGroup) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrShutdown
	}
	s.pgs[pg.id] = pg
	return nil
}

func (s *System) dropGroup(pg *PlacementGroup) {
	s.mu.Lock()
	delete(s.pgs, pg.id)
	s.mu.Unlock()
}

func cloneMap(m map[string]float64) map[string]float64 { return maps.Clone(m) }
