package boost

import (
	"math"
	"unsafe"
)

// Tree walking for prediction.
//
// Each tree is stored in one of two layouts, chosen by its depth:
//
//   - Dense (depth <= maxDenseDepth): a complete binary tree in heap order,
//     node i having children 2i+1 and 2i+2. A leaf above the last level is
//     padded with nodes that send every row left (NaN threshold, missing
//     values left) down to the last level, so every row takes exactly
//     depth steps and the step is i = 2i+1+c with no child pointer to load.
//   - Sparse (deeper trees): the canonical tree's own nodes with child
//     pointers; a leaf points to itself, so extra steps stay on it.
//
// Rows of a block advance one level at a time across all rows, without
// branching on the data, so that the walks of different rows overlap in
// the processor. The walk ends on a leaf slot: an index into the tree's
// range of leafVal/leafID.
//
// On amd64 processors with AVX-512, blocks without missing values walk
// dense trees of depth <= maxVectorDepth sixteen rows at a time
// (predict_walk_amd64.s): a level has at most 32 nodes, whose thresholds
// and features are looked up in registers, and only the rows' values are
// gathered from memory. The comparison is the scalar one (v >= thr, false
// on a NaN padding threshold), so results are the same bit for bit.

// maxDenseDepth bounds the dense layout to 2^9-1 nodes per tree.
const maxDenseDepth = 8

// maxVectorDepth bounds the trees of the vector walk: each level it
// steps from has at most 32 nodes.
const maxVectorDepth = 6

// dnode is a node of the dense layout: 8 bytes. Whether missing values
// go right is kept apart (Predictor.dright), as only rows with a missing
// value need it.
type dnode struct {
	thr  float32 // threshold; NaN on padding nodes
	feat uint32  // split feature
}

// treeLayout is a tree's place in the predictor's arrays.
type treeLayout struct {
	dense    bool
	depth    int32
	root     int32 // first node in Predictor.dnodes or Predictor.nodes
	leafBase int32 // first leaf slot in Predictor.leafVal / leafID
}

// addDense lays out canonical tree t of the given depth in heap order.
func (p *Predictor) addDense(t *Tree, depth int32) treeLayout {
	w := treeLayout{dense: true, depth: depth, root: int32(len(p.dnodes)), leafBase: int32(len(p.leafVal))}
	inner := 1<<depth - 1
	heap := make([]int32, 2*inner+1) // heap slot -> canonical node id
	for i := range heap {
		if i == 0 {
			heap[i] = 0
			continue
		}
		parent := heap[(i-1)/2]
		switch {
		case t.Left[parent] == -1:
			heap[i] = parent // padding below a leaf
		case i%2 == 1:
			heap[i] = t.Left[parent]
		default:
			heap[i] = t.Right[parent]
		}
	}
	nan := float32(math.NaN())
	for i := 0; i < inner; i++ {
		n := heap[i]
		nd, right := dnode{thr: nan}, uint8(0)
		if t.Left[n] != -1 {
			nd = dnode{thr: t.SplitCond[n], feat: uint32(t.SplitIndex[n])}
			if !t.DefaultLeft[n] {
				right = 1
			}
		}
		p.dnodes = append(p.dnodes, nd)
		p.dright = append(p.dright, right)
		p.dthr = append(p.dthr, nd.thr)
		p.dfeat = append(p.dfeat, nd.feat)
	}
	for i := inner; i < len(heap); i++ {
		n := heap[i]
		p.leafVal = append(p.leafVal, t.SplitCond[n])
		p.leafID = append(p.leafID, n)
	}
	return w
}

// addSparse lays out canonical tree t with child pointers.
func (p *Predictor) addSparse(t *Tree, depth int32) treeLayout {
	off := int32(len(p.nodes))
	w := treeLayout{depth: depth, root: off, leafBase: int32(len(p.leafVal))}
	nan := float32(math.NaN())
	for n := range t.Left {
		nd := pnode{thr: t.SplitCond[n], left: off + t.Left[n], feat: t.SplitIndex[n]}
		if !t.DefaultLeft[n] {
			nd.defRight = 1
		}
		if t.Left[n] == -1 {
			nd = pnode{thr: nan, left: off + int32(n)}
		}
		p.nodes = append(p.nodes, nd)
		p.leafVal = append(p.leafVal, t.SplitCond[n])
		p.leafID = append(p.leafID, int32(n))
	}
	return w
}

// treeDepth is the number of edges on the tree's longest path.
func treeDepth(t *Tree) int32 {
	depth := make([]int32, t.NumNodes())
	var d int32
	for n := 1; n < len(depth); n++ {
		depth[n] = depth[t.Parent[n]] + 1 // canonical: parents precede children
		d = max(d, depth[n])
	}
	return d
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// walkBlock moves the rows [lo, lo+len(pos)) of x from the root of tree w
// to a leaf; pos[r] ends as the leaf slot of row lo+r. clean says that no
// row of the block has a missing value.
func (p *Predictor) walkBlock(w *treeLayout, x []float32, lo int, pos []int32, clean bool) {
	nf := p.numFeat
	rows := x[lo*nf : (lo+len(pos))*nf]
	if !w.dense {
		nodes := p.nodes
		for r := range pos {
			pos[r] = w.root
		}
		for d := w.depth; d > 0; d-- {
			for r, n := range pos {
				nd := &nodes[n]
				v := rows[r*nf+int(nd.feat)]
				pos[r] = nd.left + (b2i(v >= nd.thr) | (b2i(v != v) & nd.defRight))
			}
		}
		for r := range pos {
			pos[r] -= w.root
		}
		return
	}
	if w.depth == 0 { // a single leaf, which has no dense node
		clear(pos)
		return
	}
	// The tree was validated (features below nf, and heap indices stay
	// below 2^depth-1 for depth steps), and rows holds len(pos) full rows,
	// so the unchecked reads below stay in bounds.
	nodes := unsafe.Pointer(&p.dnodes[w.root])
	base := unsafe.Pointer(unsafe.SliceData(rows))
	stride := uintptr(nf) * 4
	if clean {
		// The vector walk leaves its rows on leaf slots; the rest on heap
		// indices.
		done := p.walkDenseVector(w, base, stride, pos)
		if done == len(pos) {
			return
		}
		pos = pos[done:]
		walkDenseClean(nodes, unsafe.Add(base, uintptr(done)*stride), stride, w.depth, pos)
	} else {
		right := p.dright[w.root:]
		for r := range pos {
			pos[r] = 0
		}
		for d := w.depth; d > 0; d-- {
			var row uintptr // byte offset of row r
			for r, i := range pos {
				nd := (*dnode)(unsafe.Add(nodes, uintptr(uint32(i))*8))
				v := *(*float32)(unsafe.Add(base, row+uintptr(nd.feat)*4))
				c := b2i(v >= nd.thr)
				if v != v { // rare: a branch costs less than computing it always
					c = int32(right[i])
				}
				pos[r] = 2*i + 1 + c
				row += stride
			}
		}
	}
	first := int32(1)<<w.depth - 1
	for r := range pos {
		pos[r] -= first
	}
}

// blockClean reports whether rows [lo, hi) of x have no missing value.
func blockClean(x []float32) bool {
	for _, v := range x {
		if v != v {
			return false
		}
	}
	return true
}

// walkDenseClean is the dense walk for rows without missing values: the
// root level is taken for all rows at once, and the other levels four rows
// at a time.
func walkDenseClean(nodes, base unsafe.Pointer, stride uintptr, depth int32, pos []int32) {
	if depth == 0 {
		clear(pos)
		return
	}
	root := (*dnode)(nodes)
	f0, t0 := uintptr(root.feat)*4, root.thr
	var row uintptr // byte offset of row r
	for r := range pos {
		v := *(*float32)(unsafe.Add(base, row+f0))
		pos[r] = 1 + b2i(v >= t0)
		row += stride
	}
	// The other levels, four rows at a time through a pointer into pos
	// (no bounds checks, no reloads of the slice header).
	n4 := len(pos) &^ 3
	p0 := unsafe.Pointer(unsafe.SliceData(pos))
	for d := depth - 1; d > 0; d-- {
		row = 0
		for k := 0; k < n4; k += 4 {
			q := (*[4]int32)(unsafe.Add(p0, k*4))
			i0, i1, i2, i3 := q[0], q[1], q[2], q[3]
			n0 := (*dnode)(unsafe.Add(nodes, uintptr(uint32(i0))*8))
			n1 := (*dnode)(unsafe.Add(nodes, uintptr(uint32(i1))*8))
			n2 := (*dnode)(unsafe.Add(nodes, uintptr(uint32(i2))*8))
			n3 := (*dnode)(unsafe.Add(nodes, uintptr(uint32(i3))*8))
			r0 := unsafe.Add(base, row)
			v0 := *(*float32)(unsafe.Add(r0, uintptr(n0.feat)*4))
			v1 := *(*float32)(unsafe.Add(r0, stride+uintptr(n1.feat)*4))
			v2 := *(*float32)(unsafe.Add(r0, 2*stride+uintptr(n2.feat)*4))
			v3 := *(*float32)(unsafe.Add(r0, 3*stride+uintptr(n3.feat)*4))
			q[0] = 2*i0 + 1 + b2i(v0 >= n0.thr)
			q[1] = 2*i1 + 1 + b2i(v1 >= n1.thr)
			q[2] = 2*i2 + 1 + b2i(v2 >= n2.thr)
			q[3] = 2*i3 + 1 + b2i(v3 >= n3.thr)
			row += 4 * stride
		}
		for r := n4; r < len(pos); r++ {
			i := pos[r]
			nd := (*dnode)(unsafe.Add(nodes, uintptr(uint32(i))*8))
			v := *(*float32)(unsafe.Add(base, row+uintptr(nd.feat)*4))
			pos[r] = 2*i + 1 + b2i(v >= nd.thr)
			row += stride
		}
	}
}
