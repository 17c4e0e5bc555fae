package gpu

import (
	"slices"
	"sync"
	"time"
)

// PhaseTime is the wall time a session spent in one of its methods.
type PhaseTime struct {
	Phase string        // the method, e.g. "BuildHists"
	Calls int           // how many calls
	Total time.Duration // their wall time, the wait for the device included
}

// Profiler is implemented by sessions that time their phases: both
// Open's and NewReference's do.
type Profiler interface {
	// Profile returns the time spent per phase so far, longest first.
	Profile() []PhaseTime
}

// profile accumulates phase times; it is safe for concurrent use.
type profile struct {
	mu    sync.Mutex
	times map[string]*PhaseTime
}

// since records a call of phase that started at start; use it as
// defer p.since("Phase", time.Now()).
func (p *profile) since(phase string, start time.Time) {
	d := time.Since(start)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.times == nil {
		p.times = map[string]*PhaseTime{}
	}
	t := p.times[phase]
	if t == nil {
		t = &PhaseTime{Phase: phase}
		p.times[phase] = t
	}
	t.Calls++
	t.Total += d
}

// Profile implements Profiler.
func (p *profile) Profile() []PhaseTime {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]PhaseTime, 0, len(p.times))
	for _, t := range p.times {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b PhaseTime) int {
		if a.Total != b.Total {
			return int(b.Total - a.Total)
		}
		if a.Phase < b.Phase {
			return -1
		}
		return 1
	})
	return out
}
