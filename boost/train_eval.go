package boost

import (
	"slices"
	"unsafe"
)

// Eval-set margins during training
//
// After every round the new trees' leaf values are added to the margins of
// every eval set. The rows are walked with the predictor's block walk
// (predict_walk.go): a block of rows advances one tree level at a time, so
// the walks of different rows overlap in the processor instead of waiting
// on each other's loads. Values are added tree by tree in model order, in
// float32, exactly as Predictor.Margin does. The trees grown in the
// training walk the eval set's rows binned with the training's cuts
// (bytes instead of float32s): on a split at a cut, a value goes right
// exactly when its bin is above the cut's.

// evalSetRows is an eval set prepared for the block walk.
type evalSetRows struct {
	x     []float32 // row-major rows
	nf    int
	rows  int
	clean []bool // per block of predictBlockRows: no missing value
	// bins, when set, holds the rows binned with the training's cuts,
	// row-major with stride bytes per row (binStride); the trees grown
	// in this training walk them instead of x (see binTree).
	bins   []uint8
	stride int
	cuts   *cuts
	// pred is transform's output, kept from round to round: a fresh
	// slice every round costs a page fault per page on first write.
	pred []float32
}

// newEvalSetRows prepares d for the block walk; with the training's cuts
// c (nil: none) its rows are binned too, on up to threads goroutines:
// binned rows are a quarter of the float rows' bytes, which the walk
// streams through once per tree.
func newEvalSetRows(d *DMatrix, c *cuts, threads int) *evalSetRows {
	e := &evalSetRows{x: d.RowMajor(), nf: len(d.cols), rows: d.rows}
	nb := (d.rows + predictBlockRows - 1) / predictBlockRows
	e.clean = make([]bool, nb)
	for b := range e.clean {
		lo, hi := b*predictBlockRows, min((b+1)*predictBlockRows, d.rows)
		e.clean[b] = blockClean(e.x[lo*e.nf : hi*e.nf])
	}
	if c != nil && c.numFeatures() == e.nf && e.nf > 0 {
		e.cuts, e.stride = c, binStride(e.nf)
		e.bins = make([]uint8, d.rows*e.stride)
		binRows(d.cols, d.rows, c, threads, e.bins, e.stride, nil)
	}
	return e
}

// bnode is a node of a binned tree's dense layout: a row goes right when
// its bin of feature feat is above bin.
type bnode struct {
	bin, feat uint32
}

// binTree returns the inner nodes of a tree's dense layout (nodes, in
// heap order, as Predictor.addDense lays them out) for rows binned with
// c, and whether every split has one: a split on x >= cv[b], a cut of its
// feature other than the last, sends right exactly the values whose bin
// is above b, and padding (a NaN threshold, below a leaf) never goes
// right. A threshold that is not such a cut (the "missing values only"
// split below every cut, whose left side binned values can fall into, the
// last cut, or a tree from an initial model) has none.
func binTree(nodes []dnode, c *cuts) ([]bnode, bool) {
	out := make([]bnode, len(nodes))
	for i, nd := range nodes {
		if nd.thr != nd.thr {
			out[i] = bnode{bin: 255} // padding: always left
			continue
		}
		if int(nd.feat) >= len(c.vals) {
			return nil, false
		}
		cv := c.vals[nd.feat]
		// The last cut has no bin above it: values at or above it share
		// its bin.
		b, found := slices.BinarySearch(cv, nd.thr)
		if !found || b >= len(cv)-1 {
			return nil, false
		}
		out[i] = bnode{bin: uint32(b), feat: nd.feat}
	}
	return out, true
}

// walkBinsClean is walkDenseClean over binned rows (base, stride bytes
// per row) for a tree laid out by binTree: pos ends on heap indices.
func walkBinsClean(nodes []bnode, base unsafe.Pointer, stride uintptr, depth int32, pos []int32) {
	for r := range pos {
		pos[r] = 0
	}
	np := unsafe.Pointer(unsafe.SliceData(nodes))
	n4 := len(pos) &^ 3
	p0 := unsafe.Pointer(unsafe.SliceData(pos))
	for d := depth; d > 0; d-- {
		var row uintptr
		for k := 0; k < n4; k += 4 {
			q := (*[4]int32)(unsafe.Add(p0, k*4))
			i0, i1, i2, i3 := q[0], q[1], q[2], q[3]
			n0 := (*bnode)(unsafe.Add(np, uintptr(uint32(i0))*8))
			n1 := (*bnode)(unsafe.Add(np, uintptr(uint32(i1))*8))
			n2 := (*bnode)(unsafe.Add(np, uintptr(uint32(i2))*8))
			n3 := (*bnode)(unsafe.Add(np, uintptr(uint32(i3))*8))
			r0 := unsafe.Add(base, row)
			v0 := uint32(*(*uint8)(unsafe.Add(r0, uintptr(n0.feat))))
			v1 := uint32(*(*uint8)(unsafe.Add(r0, stride+uintptr(n1.feat))))
			v2 := uint32(*(*uint8)(unsafe.Add(r0, 2*stride+uintptr(n2.feat))))
			v3 := uint32(*(*uint8)(unsafe.Add(r0, 3*stride+uintptr(n3.feat))))
			q[0] = 2*i0 + 1 + int32((n0.bin-v0)>>31)
			q[1] = 2*i1 + 1 + int32((n1.bin-v1)>>31)
			q[2] = 2*i2 + 1 + int32((n2.bin-v2)>>31)
			q[3] = 2*i3 + 1 + int32((n3.bin-v3)>>31)
			row += 4 * stride
		}
		for r := n4; r < len(pos); r++ {
			i := pos[r]
			nd := (*bnode)(unsafe.Add(np, uintptr(uint32(i))*8))
			v := uint32(*(*uint8)(unsafe.Add(base, row+uintptr(nd.feat))))
			pos[r] = 2*i + 1 + int32((nd.bin-v)>>31)
			row += stride
		}
	}
}

// evalRunBlocks is the number of blocks of eval rows one task of addTrees
// walks.
const evalRunBlocks = 16

// addTrees adds the leaf values of trees (tree j to output group info[j])
// to m, which holds groups margins per row, on up to threads goroutines.
func (e *evalSetRows) addTrees(threads int, trees []Tree, info []int32, groups int, m []float32) {
	if len(trees) == 0 || e.rows == 0 {
		return
	}
	p := &Predictor{numFeat: e.nf}
	// btrees[i], when set, is tree i laid out for the binned rows.
	btrees := make([][]bnode, len(trees))
	for i := range trees {
		t := trees[i].Canonical()
		depth := treeDepth(&t)
		if depth > maxDenseDepth {
			p.trees = append(p.trees, p.addSparse(&t, depth))
			continue
		}
		w := p.addDense(&t, depth)
		p.trees = append(p.trees, w)
		if e.bins != nil && depth > 0 {
			if bt, ok := binTree(p.dnodes[w.root:w.root+1<<depth-1], e.cuts); ok {
				btrees[i] = bt
			}
		}
	}
	// The blocks go out in runs of evalRunBlocks to whichever goroutine
	// is free: the evaluation runs beside the next round's root
	// histogram, so a static half per goroutine would leave one idle
	// while the other waits for a processor.
	nb := len(e.clean)
	runs := (nb + evalRunBlocks - 1) / evalRunBlocks
	parallelTasks(threads, runs, func(_, run int) {
		var buf [predictBlockRows]int32
		for b := run * evalRunBlocks; b < min((run+1)*evalRunBlocks, nb); b++ {
			lo, hi := b*predictBlockRows, min((b+1)*predictBlockRows, e.rows)
			pos := buf[:hi-lo]
			for j := range p.trees {
				w := &p.trees[j]
				if bt := btrees[j]; bt != nil && e.clean[b] {
					// The rows lo to hi-1 are inside bins, and every
					// node's feature is below nf (binTree checked).
					walkBinsClean(bt, unsafe.Pointer(&e.bins[lo*e.stride]), uintptr(e.stride), w.depth, pos)
					first := int32(1)<<w.depth - 1
					for r := range pos {
						pos[r] -= first
					}
				} else {
					p.walkBlock(w, e.x, lo, pos, e.clean[b])
				}
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
