package hpo

// hyperband holds Hyperband's brackets. With reduction factor eta, minimum
// resource r and maximum R, there are s+1 brackets where s is the largest
// integer with r*eta^s <= R. Bracket b (0 <= b <= s) starts its trials at
// resource R/eta^(s-b) (rounded, at least r) and has a rung at each
// eta-fold larger resource up to R: bracket 0 is the most aggressive,
// bracket s runs every trial to R. Trials are assigned to brackets in
// Hyperband's proportions, n_b = ceil((s+1)/(s-b+1) * eta^(s-b)), by a
// smooth weighted round robin, so any MaxJobs gets a bracket mix close to
// those proportions and the assignment depends on the index alone.
type hyperband struct {
	eta, min, max int
	rungs         [][]int
	cycle         []int // bracket of each index within one round-robin cycle
}

func newHyperband(c HyperbandConfig) *hyperband {
	h := &hyperband{eta: c.Eta, min: c.MinResource, max: c.MaxResource}
	if h.eta == 0 {
		h.eta = 3
	}
	s := 0
	for p := h.min * h.eta; p <= h.max; p *= h.eta {
		s++
	}
	weights := make([]int, s+1)
	for b := 0; b <= s; b++ {
		depth := s - b // number of eta-fold reductions in the bracket
		pow := 1
		for range depth {
			pow *= h.eta
		}
		weights[b] = ((s+1)*pow + depth) / (depth + 1) // ceil((s+1)*eta^depth/(depth+1))
		var rungs []int
		div := pow
		for k := 0; k <= depth; k++ {
			r := (h.max + div/2) / div
			r = max(r, h.min)
			if len(rungs) == 0 || r > rungs[len(rungs)-1] {
				rungs = append(rungs, r)
			}
			div /= h.eta
		}
		rungs[len(rungs)-1] = h.max
		h.rungs = append(h.rungs, rungs)
	}
	// Smooth weighted round robin over one full Hyperband iteration.
	total := 0
	for _, w := range weights {
		total += w
	}
	cur := make([]int, len(weights))
	for range total {
		best := 0
		for b, w := range weights {
			cur[b] += w
			if cur[b] > cur[best] {
				best = b
			}
		}
		cur[best] -= total
		h.cycle = append(h.cycle, best)
	}
	return h
}

func (h *hyperband) bracketOf(i int) int { return h.cycle[i%len(h.cycle)] }
