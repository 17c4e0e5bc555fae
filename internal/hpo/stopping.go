package hpo

import (
	"math"
	"slices"
)

// medianMinPeers is the number of earlier trials the median rule needs at
// a step before it stops anything.
const medianMinPeers = 3

// medianStop applies the median stopping rule to trial i's value v
// (oriented) at step. Its peers are trials 0..i-P: all finished before
// trial i started, so the decision does not depend on timing.
func (t *Tuner) medianStop(i, step int, v float64) bool {
	var avgs []float64
	for j := 0; j <= i-t.cfg.MaxParallel && j < len(t.trials); j++ {
		tr := t.trials[j]
		if tr.maxStep < step {
			continue
		}
		sum, n := 0.0, 0
		for _, sv := range tr.curve {
			if sv.step > step {
				break
			}
			sum += sv.v
			n++
		}
		if n > 0 {
			avgs = append(avgs, sum/float64(n))
		}
	}
	if len(avgs) < medianMinPeers {
		return false
	}
	return v > median(avgs)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// hyperbandStop records the rungs trial i reaches at step and decides
// whether it goes on.
func (t *Tuner) hyperbandStop(i int, tr *trial, step int, v float64) bool {
	rungs := t.hb.rungs[tr.bracket]
	for k, r := range rungs {
		if step < r || !math.IsNaN(tr.rung[k]) {
			continue
		}
		tr.rung[k] = v
		if k == len(rungs)-1 {
			return true // MaxResource: the trial is complete
		}
		var peers []float64
		for j := 0; j <= i-t.cfg.MaxParallel && j < len(t.trials); j++ {
			if p := t.trials[j]; p.bracket == tr.bracket && !math.IsNaN(p.rung[k]) {
				peers = append(peers, p.rung[k])
			}
		}
		// v's rank among the peers and itself; ties go to the earlier trial.
		rank := 0
		for _, p := range peers {
			if p <= v {
				rank++
			}
		}
		keep := (len(peers) + 1 + t.hb.eta - 1) / t.hb.eta
		if rank >= keep {
			tr.early = true
			t.log.Debug("hpo: hyperband stops trial", "trial", i, "rung", r, "rank", rank, "peers", len(peers))
			return true
		}
	}
	return step >= t.hb.max
}
