package hpo

import (
	"context"
	"math/rand/v2"
)

// proposer chooses trial i's point from the observations it may use (warm
// start first, then finished trials in index order) and the points of the
// trials still counted as pending.
type proposer interface {
	propose(ctx context.Context, i int, hist []obs, pending []point) (point, error)
}

// Streams of the per-trial random generators, so that what one use draws
// never shifts another.
const (
	streamSample uint64 = iota + 1
	streamModel
	streamSearch
)

// trialRand returns the generator for trial i's draws of one stream: a
// function of (seed, trial, stream) alone.
func trialRand(seed int64, i int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(i)<<8|stream))
}

// randomProposer draws every parameter independently and uniformly on its
// scale; trial i's draw depends on the seed and i only.
type randomProposer struct {
	seed  int64
	space *Space
}

func (r randomProposer) propose(_ context.Context, i int, _ []obs, _ []point) (point, error) {
	return r.space.sample(trialRand(r.seed, i, streamSample)), nil
}

// grid enumerates the combinations of categorical values in lexicographic
// order, the last parameter varying fastest.
type grid struct {
	space *Space
	size  int
}

func newGrid(s *Space) *grid {
	n := 1
	for _, p := range s.params {
		n *= len(p.Values)
		if n > 1<<30 {
			n = 1 << 30 // more trials than any tuning job may run
		}
	}
	return &grid{space: s, size: n}
}

func (g *grid) propose(_ context.Context, i int, _ []obs, _ []point) (point, error) {
	x := make(point, len(g.space.params))
	for k := len(x) - 1; k >= 0; k-- {
		n := len(g.space.params[k].Values)
		x[k] = float64(i % n)
		i /= n
	}
	return x, nil
}
