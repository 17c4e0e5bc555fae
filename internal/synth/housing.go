package synth

import (
	"math"
	"math/rand/v2"
)

// HousingNames are the Housing generator's feature columns, in order.
var housingNames = []string{"YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOM", "NUM_BATHROOMS", "LOT_ACRES",
	"GARAGE_SPACES", "FRONT_PORCH", "DECK"}

// Housing draws n rows of the housing distribution of the XGBoost
// baseline (shared/reference/xgb-baseline.md, appendix): eight features and
// the price as Target.
//
//   - YEAR_BUILT: 2023 minus a Gamma(2, 18) age rounded down, clipped to
//     [1880, 2023].
//   - NUM_BEDROOM: 1 plus a Binomial(5, 0.45) (1 to 6).
//   - SQUARE_FEET: 420 per bedroom plus a log-normal exp(6.5 + 0.5 N),
//     rounded, clipped to [400, 12000].
//   - NUM_BATHROOMS: 0.5 + 0.45 per bedroom + 0.5 N, in halves, clipped to
//     [1, 5].
//   - LOT_ACRES: log-normal with median 0.22 and log-sd 0.8, in hundredths,
//     clipped to [0.02, 40].
//   - GARAGE_SPACES: 0 to 4 with probabilities 0.15, 0.30, 0.40, 0.12, 0.03.
//   - FRONT_PORCH: Bernoulli(0.45); DECK: Bernoulli(0.30, or 0.45 for
//     houses built after 1980).
//
// The price is a nonlinear function of all eight with log-normal (8 %)
// and additive (15,000) noise, floored at 30,000 and rounded to 100. Class
// is price above its median.
func Housing(n int, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	d := newData("housing", n, housingNames)
	clip := func(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }
	garageP := []float64{0.15, 0.30, 0.40, 0.12, 0.03}
	for i := 0; i < n; i++ {
		age := math.Floor(18 * (rng.ExpFloat64() + rng.ExpFloat64())) // Gamma(2, 18)
		year := clip(2023-age, 1880, 2023)
		bed := 1.0
		for k := 0; k < 5; k++ {
			bed += b2f(rng.Float64() < 0.45)
		}
		sqft := clip(math.Round(420*bed+math.Exp(6.5+0.5*rng.NormFloat64())), 400, 12000)
		baths := clip(math.Round(2*(0.5+0.45*bed+0.5*rng.NormFloat64()))/2, 1, 5)
		lot := clip(math.Round(math.Exp(math.Log(0.22)+0.8*rng.NormFloat64())*100)/100, 0.02, 40)
		u := rng.Float64()
		garage := 0.0
		for acc := garageP[0]; u >= acc && garage < 4; acc += garageP[int(garage)] {
			garage++
		}
		porch := b2f(rng.Float64() < 0.45)
		deck := b2f(rng.Float64() < 0.30+0.15*b2f(year > 1980))
		houseAge := 2024 - year
		p0 := 40000 + 95*sqft + 18000*baths + 6000*bed - 15000*math.Pow(math.Max(0, bed-sqft/500), 2) +
			60000*math.Log1p(lot) + 9000*garage + 7000*porch + 11000*deck + 4000*deck*math.Min(lot, 5) -
			900*math.Min(houseAge, 60) + 25000*b2f(year < 1930) + 0.004*math.Pow(math.Max(sqft-3000, 0), 2)
		price := math.Round(math.Max(p0*math.Exp(0.08*rng.NormFloat64())+15000*rng.NormFloat64(), 30000)/100) * 100
		for j, v := range []float64{year, sqft, bed, baths, lot, garage, porch, deck} {
			d.Cols[j][i] = float32(v)
		}
		d.Target[i] = float32(price)
	}
	d.Class = aboveMedian(d.Target)
	return d
}
