package boost

// Eval-set margins during training
//
// After every round the new trees' leaf values are added to the margins of
// every eval set. The rows are walked with the predictor's block walk
// (predict_walk.go): a block of rows advances one tree level at a time, so
// the walks of different rows overlap in the processor instead of waiting
// on each other's loads. Values are added tree by tree in model order, in
// float32, exactly as Predictor.Margin does.

// evalSetRows is an eval set prepared for the block walk.
type evalSetRows struct {
	x     []float32 // row-major rows
	nf    int
	rows  int
	clean []bool // per block of predictBlockRows: no missing value
	// pred is transform's output, kept from round to round: a fresh
	// slice every round costs a page fault per page on first write.
	pred []float32
}

func newEvalSetRows(d *DMatrix) *evalSetRows {
	e := &evalSetRows{x: d.RowMajor(), nf: len(d.cols), rows: d.rows}
	nb := (d.rows + predictBlockRows - 1) / predictBlockRows
	e.clean = make([]bool, nb)
	for b := range e.clean {
		lo, hi := b*predictBlockRows, min((b+1)*predictBlockRows, d.rows)
		e.clean[b] = blockClean(e.x[lo*e.nf : hi*e.nf])
	}
	return e
}

// addTrees adds the leaf values of trees (tree j to output group info[j])
// to m, which holds groups margins per row, on up to threads goroutines.
func (e *evalSetRows) addTrees(threads int, trees []Tree, info []int32, groups int, m []float32) {
	if len(trees) == 0 || e.rows == 0 {
		return
	}
	p := &Predictor{numFeat: e.nf}
	for i := range trees {
		t := trees[i].Canonical()
		depth := treeDepth(&t)
		if depth <= maxDenseDepth {
			p.trees = append(p.trees, p.addDense(&t, depth))
		} else {
			p.trees = append(p.trees, p.addSparse(&t, depth))
		}
	}
	nb := len(e.clean)
	parallelRange(threads, nb, 16, func(b0, b1 int) {
		var buf [predictBlockRows]int32
		for b := b0; b < b1; b++ {
			lo, hi := b*predictBlockRows, min((b+1)*predictBlockRows, e.rows)
			pos := buf[:hi-lo]
			for j := range p.trees {
				w := &p.trees[j]
				p.walkBlock(w, e.x, lo, pos, e.clean[b])
				vals := p.leafVal[w.leafBase:]
				k := int(info[j])
				if groups == 1 {
					acc := m[lo:hi]
					for r, n := range pos {
						acc[r] += vals[n]
					}
					continue
				}
				for r, n := range pos {
					m[(lo+r)*groups+k] += vals[n]
				}
			}
		}
	})
}

// transform returns the eval transform of the margins m (evalTransform's
// values: probabilities for multi:softmax too) on up to threads
// goroutines, each transforming a range of whole rows from m straight into
// the output. The output is reused by the next call.
func (e *evalSetRows) transform(threads int, objective string, m []float32, groups int) []float32 {
	if objective == ObjMultiSoftmax {
		objective = ObjMultiSoftprob
	}
	if cap(e.pred) < len(m) {
		e.pred = make([]float32, len(m))
	}
	out := e.pred[:len(m)]
	groups = max(groups, 1)
	rows := len(m) / groups
	if threads <= 1 || rows < 1<<14 {
		threads = 1
	}
	parallelRange(threads, rows, 1<<13, func(lo, hi int) {
		transformInto(objective, out[lo*groups:hi*groups], m[lo*groups:hi*groups], groups)
	})
	return out
}
