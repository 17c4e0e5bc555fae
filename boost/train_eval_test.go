package boost

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestEvalBinnedWalkMatchesFloatWalk checks that the eval-set margins of
// the binned walk equal the float walk's bit for bit: on trees trained on
// the data (rows with missing values in some blocks), and on copies whose
// thresholds the binned rows cannot represent (below every cut, the last
// cut, between cuts), which must fall back to the float walk.
func TestEvalBinnedWalkMatchesFloatWalk(t *testing.T) {
	const n, nf = 3000, 5
	rng := rand.New(rand.NewPCG(11, 12))
	cols := make([][]float32, nf)
	label := make([]float32, n)
	for f := range cols {
		cols[f] = make([]float32, n)
		for i := range cols[f] {
			switch f {
			case 0:
				cols[f][i] = float32(rng.IntN(4)) // few values
			default:
				cols[f][i] = float32(rng.NormFloat64() * float64(f))
			}
			if i >= 1000 && i < 1200 && rng.IntN(20) == 0 {
				cols[f][i] = float32(math.NaN()) // missing values in two blocks only
			}
		}
	}
	for i := range label {
		label[i] = float32(i%4) + float32(rng.NormFloat64())
		if x := cols[1][i] * cols[2][i]; x == x {
			label[i] += x
		}
	}
	d, err := NewDMatrix32(cols, label)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError, "max_depth": 5, "nthread": 2, "min_child_weight": 0})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rounds = 8
	res, err := Train(context.Background(), cfg, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := buildCuts(d, cfg.MaxBin, 2)
	// The eval set spreads wider than the training data, so that its
	// values fall below the lowest cut and at or above the highest.
	ecols := make([][]float32, nf)
	for f := range ecols {
		ecols[f] = make([]float32, n)
		for i, v := range cols[f] {
			ecols[f][i] = v * (0.5 + 1.5*float32(rng.Float64()))
			if rng.IntN(50) == 0 {
				ecols[f][i] = c.vals[f][len(c.vals[f])-1] * float32(1+rng.IntN(2))
			}
			if rng.IntN(50) == 0 {
				ecols[f][i] = c.minVal[f] - float32(rng.IntN(2))
			}
		}
	}
	de, err := NewDMatrix32(ecols, label)
	if err != nil {
		t.Fatal(err)
	}
	trees := res.Model.Trees
	// The first tree with a binned layout.
	first := -1
	for i := range trees {
		tr := trees[i].Canonical()
		if binnable(&tr, c) {
			first = i
			break
		}
	}
	if first < 0 {
		t.Fatal("no trained tree has a binned layout: the test would not exercise the binned walk")
	}
	// Copies with thresholds the bins cannot represent.
	for _, thr := range []func(f int) float32{
		func(f int) float32 { return c.minVal[f] },
		func(f int) float32 { return c.vals[f][len(c.vals[f])-1] },
		func(f int) float32 {
			cv := c.vals[f]
			if len(cv) < 2 {
				return cv[0] * 0.5
			}
			return cv[0] + (cv[1]-cv[0])/2
		},
	} {
		tr := res.Model.Trees[first].Canonical()
		tr.SplitCond[0] = thr(int(tr.SplitIndex[0]))
		trees = append(trees, tr)
	}
	info := make([]int32, len(trees))
	binned, plain := newEvalSetRows(de, c, 2), newEvalSetRows(de, nil, 2)
	if binned.bins == nil || plain.bins != nil {
		t.Fatal("newEvalSetRows: bins not built as asked")
	}
	for i := len(res.Model.Trees); i < len(trees); i++ {
		tr := trees[i].Canonical()
		if binnable(&tr, c) {
			t.Fatalf("tree %d (threshold %v) has a binned layout; it cannot", i, tr.SplitCond[0])
		}
	}
	got, want := make([]float32, n), make([]float32, n)
	binned.addTrees(2, trees, info, 1, got)
	plain.addTrees(2, trees, info, 1, want)
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("row %d: binned walk margin %v, float walk %v", i, got[i], want[i])
		}
	}
}

// binnable reports whether binTree gives t's dense layout a binned one.
func binnable(t *Tree, c *cuts) bool {
	p := &Predictor{}
	depth := treeDepth(t)
	w := p.addDense(t, depth)
	_, ok := binTree(p.dnodes[w.root:w.root+1<<depth-1], c)
	return ok
}
