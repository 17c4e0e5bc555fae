package hpo

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// Expected-improvement search settings.
const (
	eiXi          = 0.01 // exploration margin, in standardised units
	eiRandom      = 1000 // uniform candidates, plus eiRandomPerDim per parameter
	eiRandomPerD  = 100
	eiLocalTop    = 5   // best observations perturbed
	eiLocalEach   = 40  // perturbations of each
	eiLocalSD     = 0.1 // perturbation scale in the unit cube
	eiRefine      = 4   // best candidates refined by Nelder-Mead
	eiRefineEvals = 150
)

// bayes is the Bayesian strategy: after initial random trials, a Gaussian
// process on the observations and expected improvement; pending trials
// enter as kriging-believer fantasies.
type bayes struct {
	seed    int64
	space   *Space
	initial int // random trials before the model, warm start deducted
}

func (b *bayes) propose(ctx context.Context, i int, hist []obs, pending []point) (point, error) {
	var xs [][]float64
	var ys []float64
	for _, o := range hist {
		if math.IsInf(o.y, 0) || math.IsNaN(o.y) {
			continue
		}
		xs = append(xs, b.space.encode(o.x))
		ys = append(ys, o.y)
	}
	if i < b.initial || len(xs) < 2 {
		return b.space.sample(trialRand(b.seed, i, streamSample)), nil
	}
	model, err := fitGP(ctx, xs, ys, trialRand(b.seed, i, streamModel))
	if err != nil {
		return nil, err
	}
	fant := make([][]float64, len(pending))
	for k, p := range pending {
		fant[k] = b.space.encode(p)
	}
	if model, err = model.believe(fant); err != nil {
		return nil, err
	}
	// The incumbent counts the fantasies too, so a pending point (believed
	// at its mean) offers no further improvement.
	best := math.Inf(1)
	for _, y := range model.y {
		best = min(best, y)
	}
	return b.maximiseEI(ctx, model, best, hist, trialRand(b.seed, i, streamSearch))
}

type candidate struct {
	x  point
	ei float64
}

func (b *bayes) maximiseEI(ctx context.Context, m *gpModel, best float64, hist []obs, r *rand.Rand) (point, error) {
	s := b.space
	ks := make([]float64, len(m.x))
	ei := func(x point) float64 {
		mu, sd := m.predict(s.encode(x), ks)
		return expectedImprovement(mu, sd, best)
	}
	var cands []candidate
	for range eiRandom + eiRandomPerD*s.Len() {
		x := s.sample(r)
		cands = append(cands, candidate{x, ei(x)})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Perturbations of the best observations (in the order of their value,
	// ties by position).
	order := make([]int, len(hist))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, c int) int {
		switch {
		case hist[a].y < hist[c].y:
			return -1
		case hist[a].y > hist[c].y:
			return 1
		}
		return 0
	})
	for _, k := range order[:min(eiLocalTop, len(order))] {
		f0 := s.encode(hist[k].x)
		for range eiLocalEach {
			f := slices.Clone(f0)
			for pi := range s.params {
				p := &s.params[pi]
				if p.Kind == Categorical {
					if r.Float64() < 1/float64(s.Len()) {
						for c := range p.Values {
							f[p.offset+c] = 0
						}
						f[p.offset+r.IntN(len(p.Values))] = 1
					}
					continue
				}
				f[p.offset] = clamp01(f[p.offset] + eiLocalSD*r.NormFloat64())
			}
			x := s.decode(f)
			cands = append(cands, candidate{x, ei(x)})
		}
	}
	slices.SortStableFunc(cands, func(a, c candidate) int {
		switch {
		case a.ei > c.ei:
			return -1
		case a.ei < c.ei:
			return 1
		}
		return 0
	})
	top := cands[0]
	// Local refinement of the best distinct candidates over the numeric
	// columns, categorical ones held.
	var numeric []int
	for pi := range s.params {
		if s.params[pi].Kind != Categorical {
			numeric = append(numeric, s.params[pi].offset)
		}
	}
	if len(numeric) > 0 {
		refined := 0
		for k := 0; k < len(cands) && refined < eiRefine; k++ {
			if k > 0 && slices.Equal(cands[k].x, cands[k-1].x) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			refined++
			base := s.encode(cands[k].x)
			z0 := make([]float64, len(numeric))
			for j, c := range numeric {
				z0[j] = base[c]
			}
			at := func(z []float64) point {
				f := slices.Clone(base)
				for j, c := range numeric {
					f[c] = clamp01(z[j])
				}
				return s.decode(f)
			}
			p := optimize.Problem{Func: func(z []float64) float64 { return -ei(at(z)) }}
			res, _ := optimize.Minimize(p, z0, &optimize.Settings{FuncEvaluations: eiRefineEvals}, &optimize.NelderMead{})
			if res == nil {
				continue
			}
			x := at(res.X)
			if v := ei(x); v > top.ei {
				top = candidate{x, v}
			}
		}
	}
	return top.x, nil
}

// expectedImprovement of a minimisation below best at a point with
// posterior mean mu and standard deviation sd.
func expectedImprovement(mu, sd, best float64) float64 {
	imp := best - mu - eiXi
	if sd < 1e-12 {
		return math.Max(imp, 0)
	}
	z := imp / sd
	return imp*normCDF(z) + sd*normPDF(z)
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
func normPDF(z float64) float64 { return math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi) }
