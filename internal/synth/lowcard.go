package synth

import (
	"math"
	"math/rand/v2"
)

// lowCardNames are the LowCard generator's feature columns, in order.
var lowCardNames = []string{"region", "rooms", "grade", "kind", "flag_a", "flag_b", "size", "score", "age"}

// lowCardRegionP are the region's probabilities (decreasing, as city
// sizes do) and lowCardRegionEffect its effect on the log target.
var (
	lowCardRegionP      = [10]float64{0.22, 0.16, 0.13, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05, 0.03}
	lowCardRegionEffect = [10]float64{0.35, 0.10, -0.20, 0.05, 0.50, -0.35, 0.00, 0.25, -0.10, 0.70}
)

// LowCard draws n rows of a data set dominated by low-cardinality integer
// features, with a log-normal (right-skewed) target.
//
// Features:
//
//   - region: 0 to 9 with decreasing probabilities 0.22 to 0.03;
//   - rooms: 1 plus a Binomial(5, 0.4) (1 to 6);
//   - grade: 1 to 5, uniform;
//   - kind: 0, 1 or 2 with probabilities 0.5, 0.3, 0.2;
//   - flag_a: Bernoulli(0.3); flag_b: Bernoulli(0.6), or 0.8 where grade
//     is 4 or 5;
//   - size: log-normal, exp(4 + 0.6 N) plus 20 per room;
//   - score: normal, mean 0 and sd 1;
//   - age: uniform in [0, 50).
//
// Target is exp(μ + 0.6 N), a log-normal whose log-mean μ adds a per-region
// effect, the rooms, an interaction of grade with flag_a and of region
// with kind, log size, tanh of score and a decline with age; it is skewed
// to the right (mean above median, a long upper tail). Class is the target
// above its median.
func LowCard(n int, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 0x6c6f7763617264))
	d := newData("lowcard", n, lowCardNames)
	for i := 0; i < n; i++ {
		u := rng.Float64()
		region := 0
		for acc := lowCardRegionP[0]; u >= acc && region < 9; acc += lowCardRegionP[region] {
			region++
		}
		rooms := 1.0
		for range 5 {
			rooms += b2f(rng.Float64() < 0.4)
		}
		grade := float64(1 + rng.IntN(5))
		kind := 0.0
		if u := rng.Float64(); u >= 0.8 {
			kind = 2
		} else if u >= 0.5 {
			kind = 1
		}
		flagA := b2f(rng.Float64() < 0.3)
		flagB := b2f(rng.Float64() < 0.6+0.2*b2f(grade >= 4))
		size := math.Exp(4+0.6*rng.NormFloat64()) + 20*rooms
		score := rng.NormFloat64()
		age := 50 * rng.Float64()
		mu := 2 + lowCardRegionEffect[region] + 0.12*rooms + 0.15*grade*flagA + 0.25*flagB -
			0.3*kind*b2f(region%2 == 1) + 0.5*math.Log(size) + 0.3*math.Tanh(score) - 0.012*age
		target := math.Exp(mu + 0.6*rng.NormFloat64())
		for j, v := range []float64{float64(region), rooms, grade, kind, flagA, flagB, size, score, age} {
			d.Cols[j][i] = float32(v)
		}
		d.Target[i] = float32(target)
	}
	d.Class = aboveMedian(d.Target)
	return d
}
