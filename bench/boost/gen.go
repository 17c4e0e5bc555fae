package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// featureNames returns the generated columns' names, in order.
func featureNames() []string {
	return []string{"YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOM", "NUM_BATHROOMS", "LOT_ACRES",
		"GARAGE_SPACES", "FRONT_PORCH", "DECK"}
}

// Housing is a generated data set: eight float32 feature columns and the
// price.
type Housing struct {
	Cols  [][]float32 // one column per featureNames entry, n values each
	Price []float32   // the label, n values
}

// Generate draws n rows of the housing distribution of
// shared/reference/xgb-baseline.md (its appendix gives the formula) from a
// PCG source seeded with seed. The same seed gives the same rows.
func Generate(n int, seed uint64) *Housing {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	h := &Housing{Cols: make([][]float32, len(featureNames())), Price: make([]float32, n)}
	for j := range h.Cols {
		h.Cols[j] = make([]float32, n)
	}
	clip := func(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
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
			h.Cols[j][i] = float32(v)
		}
		h.Price[i] = float32(price)
	}
	return h
}

// sortF32 sorts s ascending.
func sortF32(s []float32) { slices.Sort(s) }
