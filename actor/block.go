package actor

import "context"

// blockKey is the context key under which a running task or actor is
// found by Block.
type blockKey struct{}

// blocker is work that can lend its CPU while it waits: a running task or
// an actor.
type blocker interface {
	// block records a blocked wait, lending the CPU when this is the wait
	// that leaves the work idle; it reports false when nothing was
	// recorded (no CPU, or the work is no longer running).
	block() bool
	// unblock ends a wait block recorded, taking the CPU back (at once,
	// see the package doc) when the work goes on.
	unblock()
}

// blockedOn finds the work whose context ctx is (or derives from) and
// records a blocked wait of it; the result, when not nil, must be passed
// to unblock.
func blockedOn(ctx context.Context) blocker {
	b, ok := ctx.Value(blockKey{}).(blocker)
	if !ok || !b.block() {
		return nil
	}
	return b
}

// Block runs wait, a wait of the task or actor call whose context is ctx
// (the context the System passed to it, or one derived from it), as a
// blocked wait: the CPU the task or actor holds is lent back to the System
// (or to its placement-group bundle) while wait runs and taken again
// before Block returns, as Ray does for a worker blocked in ray.get. The
// CPU is taken back at once, ahead of every queued request, even if that
// puts the System over its totals for a while (see the package doc).
// Called with any other context it just runs wait. Future.Get, GetAll,
// Wait and the pool's waits block this way themselves; Block is for other
// waits (a memory budget, a channel) of code that runs inside tasks. A
// panic in wait propagates after the CPU is taken back.
func Block(ctx context.Context, wait func() error) error {
	if b := blockedOn(ctx); b != nil {
		defer b.unblock()
	}
	return wait()
}

// lendLocked lends out cpu of blocked work.
func (s *sched) lendLocked(cpu int64) {
	s.lentTotal += cpu
	s.loan += cpu
	s.pumpLocked()
}

// retakeLocked takes back cpu lent by work that is no longer blocked: from
// the loan first, the rest from avail even if that over-subscribes.
func (s *sched) retakeLocked(cpu int64) {
	s.lentTotal -= cpu
	from := min(cpu, s.loan)
	s.loan -= from
	s.avail.cpu -= cpu - from
}

// unlendLocked forgets cpu lent by work that has ended while blocked: it
// is no longer owed, so the loan's excess becomes ordinary capacity.
func (s *sched) unlendLocked(cpu int64) {
	s.lentTotal -= cpu
	if s.loan > s.lentTotal {
		s.avail.cpu += s.loan - s.lentTotal
		s.loan = s.lentTotal
	}
}
