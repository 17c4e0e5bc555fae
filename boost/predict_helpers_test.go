package boost

import (
	"math"
	"math/rand/v2"
)

// randomModel builds a model through the NewTree/AddSplit API, the way a
// trainer does: rounds × groups trees of random shape up to maxDepth, with
// integer hessian sums that add up from children to parents (so SHAP's
// covers are consistent), thresholds drawn from a small grid so that data
// values often equal them, and random default directions.
func randomModel(rng *rand.Rand, objective string, numFeature, numClass, rounds, maxDepth int) *Model {
	m := &Model{
		Objective:        objective,
		BaseScore:        0.5,
		BoostFromAverage: true,
		NumFeature:       numFeature,
		NumClass:         numClass,
	}
	if objective == ObjCountPoisson || objective == ObjRegGamma || objective == ObjRegTweedie {
		m.BaseScore = 1.5
	}
	groups := m.NumGroups()
	for r := 0; r < rounds; r++ {
		for g := 0; g < groups; g++ {
			m.Trees = append(m.Trees, randomTree(rng, numFeature, maxDepth))
			m.TreeInfo = append(m.TreeInfo, int32(g))
		}
	}
	return m
}

func randomTree(rng *rand.Rand, numFeature, maxDepth int) Tree {
	hess := float32(64 + rng.IntN(1000))
	t := NewTree(numFeature, randLeaf(rng), hess)
	type item struct{ node, depth int }
	queue := []item{{0, 0}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		h := t.SumHess[it.node]
		if it.depth >= maxDepth || h < 2 || (it.depth > 0 && rng.IntN(4) == 0) {
			continue
		}
		lh := float32(1 + rng.IntN(int(h)-1))
		l, r := t.AddSplit(it.node, rng.IntN(numFeature), gridValue(rng), rng.IntN(2) == 0,
			randLeaf(rng), float32(rng.IntN(1000))/8, randLeaf(rng), lh, randLeaf(rng), h-lh)
		queue = append(queue, item{l, it.depth + 1}, item{r, it.depth + 1})
	}
	return t
}

func randLeaf(rng *rand.Rand) float32 { return float32(rng.NormFloat64() * 0.3) }

// gridValue draws from a grid of quarter values in [-2, 2].
func gridValue(rng *rand.Rand) float32 { return float32(rng.IntN(17)-8) / 4 }

// randomRows draws rows of grid values with about 10% missing.
func randomRows(rng *rand.Rand, rows, numFeature int) []float32 {
	x := make([]float32, rows*numFeature)
	for i := range x {
		if rng.IntN(10) == 0 {
			x[i] = float32(math.NaN())
		} else if rng.IntN(2) == 0 {
			x[i] = gridValue(rng)
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}
