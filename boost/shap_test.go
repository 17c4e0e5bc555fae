package boost

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// condExpect is E[tree(x) | features in S known], the value function
// TreeSHAP explains: a known feature follows the row's branch, an unknown
// one both branches weighted by cover.
func condExpect(t *Tree, x []float32, known uint, n int32, w float64) float64 {
	if t.IsLeaf(int(n)) {
		return w * float64(t.SplitCond[n])
	}
	f := t.SplitIndex[n]
	l, r := t.Left[n], t.Right[n]
	if known&(1<<f) != 0 {
		v := x[f]
		if v < t.SplitCond[n] || (t.DefaultLeft[n] && v != v) {
			return condExpect(t, x, known, l, w)
		}
		return condExpect(t, x, known, r, w)
	}
	c := float64(t.SumHess[n])
	return condExpect(t, x, known, l, w*float64(t.SumHess[l])/c) + condExpect(t, x, known, r, w*float64(t.SumHess[r])/c)
}

// bruteShapley computes the Shapley values of one row by enumerating every
// subset of features.
func bruteShapley(m *Model, x []float32) []float64 {
	nf := m.NumFeature
	fact := func(k int) float64 { return math.Gamma(float64(k + 1)) }
	phi := make([]float64, nf+1)
	base, _ := m.BaseMargin()
	phi[nf] = float64(base)
	for ti := range m.Trees {
		t := &m.Trees[ti]
		v := make([]float64, 1<<nf)
		for s := range v {
			v[s] = condExpect(t, x, uint(s), 0, 1)
		}
		phi[nf] += v[0]
		for i := 0; i < nf; i++ {
			for s := 0; s < 1<<nf; s++ {
				if s&(1<<i) != 0 {
					continue
				}
				k := bits.OnesCount(uint(s))
				w := fact(k) * fact(nf-k-1) / fact(nf)
				phi[i] += w * (v[s|1<<i] - v[s])
			}
		}
	}
	return phi
}

func TestContribsMatchBruteForceShapley(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 5; trial++ {
		// Few features and deep trees, so features repeat along paths.
		m := randomModel(rng, ObjSquaredError, 4, 0, 6, 7)
		x := randomRows(rng, 40, m.NumFeature)
		got, err := m.PredictContribs(ctx, x, PredictOptions{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < 40; r++ {
			want := bruteShapley(m, x[r*4:(r+1)*4])
			for i, w := range want {
				g := float64(got[r*5+i])
				if math.Abs(g-w) > 1e-5+1e-6*math.Abs(w) {
					t.Fatalf("trial %d row %d feature %d: TreeSHAP %v, brute force %v", trial, r, i, g, w)
				}
			}
		}
	}
}

// TestContribsSumToMargin checks the additivity property on the reference
// models and on random multi-class models: per row and group, the
// contributions plus bias add up to the margin.
func TestContribsSumToMargin(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, m *Model, x []float32) {
		p, err := m.NewPredictor(PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		margin, err := p.Margin(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		c, err := p.Contribs(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		w := m.NumFeature + 1
		for i, mg := range margin {
			sum := 0.0
			for _, v := range c[i*w : (i+1)*w] {
				sum += float64(v)
			}
			if d := math.Abs(sum - float64(mg)); d > 1e-4+2e-6*math.Abs(float64(mg)) {
				t.Fatalf("output %d: contributions sum to %v, margin %v", i, sum, mg)
			}
		}
	}
	for _, rc := range refCases {
		t.Run(rc.name, func(t *testing.T) {
			x, _ := refData(t, rc.pred, rc.column)
			check(t, loadRef(t, rc.model+".ubj"), x[:20*8])
		})
	}
	t.Run("softprob", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		m := randomModel(rng, ObjMultiSoftprob, 6, 4, 10, 6)
		check(t, m, randomRows(rng, 200, m.NumFeature))
	})
}
