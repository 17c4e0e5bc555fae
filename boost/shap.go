package boost

import (
	"context"
)

// This file computes per-feature contributions with TreeSHAP (Lundberg,
// Erion and Lee, "Consistent individualized feature attribution for tree
// ensembles", 2018, algorithm 2): the exact Shapley values of the tree's
// prediction as a function of which features are known, where an unknown
// feature follows both branches weighted by the training cover (the
// nodes' hessian sums). The last column of each row is the bias: the base
// margin plus every tree's expected value.

// shapTree is a tree prepared for TreeSHAP.
type shapTree struct {
	nodes []shapNode
	cover []float64 // hessian sum per node
	mean  float64   // expected value of the tree over the training cover
	depth int       // longest root-to-leaf path, in edges
	group int
}

// shapNode is a node of a canonical tree (right child = left+1; left is
// -1 at a leaf, whose value is thr).
type shapNode struct {
	thr     float32
	feat    int32
	left    int32
	defLeft bool
}

// shapPathElem is one entry of a TreeSHAP feature path.
type shapPathElem struct {
	feature   int32
	zero, one float64 // fraction of "zero" (feature unknown) and "one" (known) paths
	weight    float64 // permutation weight
}

func (p *Predictor) shapTrees() []shapTree {
	out := make([]shapTree, len(p.trees))
	for k := range p.trees {
		t := p.model.Trees[p.treeIDs[k]].Canonical()
		n := t.NumNodes()
		st := shapTree{nodes: make([]shapNode, n), cover: make([]float64, n), group: int(p.groups[k])}
		for i := 0; i < n; i++ {
			st.nodes[i] = shapNode{thr: t.SplitCond[i], feat: t.SplitIndex[i], left: t.Left[i], defLeft: t.DefaultLeft[i]}
			st.cover[i] = float64(t.SumHess[i])
		}
		mean := make([]float64, n)
		depth := make([]int, n)
		// Children have larger ids than their parent in a canonical tree,
		// so one backward pass fills the means and depths bottom-up.
		for i := n - 1; i >= 0; i-- {
			nd := st.nodes[i]
			if nd.left < 0 {
				mean[i] = float64(nd.thr)
				continue
			}
			l, r := nd.left, nd.left+1
			if c := st.cover[i]; c > 0 {
				mean[i] = (mean[l]*st.cover[l] + mean[r]*st.cover[r]) / c
			}
			depth[i] = 1 + max(depth[l], depth[r])
		}
		st.mean, st.depth = mean[0], depth[0]
		out[k] = st
	}
	return out
}

// Contribs returns the TreeSHAP contribution of every feature to every
// row's margin, as XGBoost's pred_contribs: rows × NumGroups ×
// (NumFeature+1) values, row-major; the last value of each group is the
// bias (base margin plus the trees' expected values). For each row and
// group the values sum to the margin, up to rounding.
func (p *Predictor) Contribs(ctx context.Context, x []float32) ([]float32, error) {
	rows, err := p.rows(x)
	if err != nil {
		return nil, err
	}
	trees := p.shapTrees()
	maxDepth := 0
	bias := make([]float64, p.numGroups)
	for g := range bias {
		bias[g] = float64(p.base)
	}
	for _, t := range trees {
		maxDepth = max(maxDepth, t.depth)
		bias[t.group] += t.mean
	}
	nf, g := p.numFeat, p.numGroups
	width := g * (nf + 1)
	out := make([]float32, rows*width)
	rowCost := 0
	for _, t := range trees {
		rowCost += t.cost()
	}
	err = p.parallel(ctx, rows, rowCost, func(lo, hi int) {
		// Path storage for every recursion level: level d holds d+1 entries.
		buf := make([]shapPathElem, (maxDepth+2)*(maxDepth+3)/2)
		phi := make([]float64, width)
		// A row can cost as much as many blocks of plain prediction, so
		// the context is checked by work done, tree by tree.
		m := newWorkMeter(ctx)
		for r := lo; r < hi; r++ {
			clear(phi)
			row := x[r*nf : (r+1)*nf]
			for ti := range trees {
				t := &trees[ti]
				s := shapWalker{t: t, row: row, phi: phi[t.group*(nf+1) : (t.group+1)*(nf+1)]}
				s.recurse(0, buf, 0, 1, 1, -1)
				if m.spend(t.cost()) {
					return // parallel reports ctx's error
				}
			}
			for k := 0; k < g; k++ {
				phi[k*(nf+1)+nf] += bias[k]
			}
			o := out[r*width : (r+1)*width]
			for i, v := range phi {
				o[i] = float32(v)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// cost is the work of one row's TreeSHAP on t: every node is visited, and
// each leaf unwinds a path as long as the tree is deep.
func (t *shapTree) cost() int { return len(t.nodes) * (t.depth + 1) * (t.depth + 2) }

type shapWalker struct {
	t   *shapTree
	row []float32
	phi []float64
}

// recurse visits node j with the path of length depth held at the start of
// buf (the parent's path); it extends a copy of the path with the feature
// that led here and either credits the leaf value to the path's features or
// follows both children.
func (s *shapWalker) recurse(j int32, buf []shapPathElem, depth int, zero, one float64, feature int32) {
	// This level's path lives right after the parent's.
	path := buf[depth : 2*depth+1]
	copy(path, buf[:depth])
	shapExtend(path, depth, zero, one, feature)
	nd := s.t.nodes[j]
	if nd.left < 0 {
		v := float64(nd.thr)
		for i := 1; i <= depth; i++ {
			w := shapUnwoundSum(path, depth, i)
			e := path[i]
			s.phi[e.feature] += w * (e.one - e.zero) * v
		}
		return
	}
	x := s.row[nd.feat]
	hot := nd.left + 1
	if x < nd.thr || (nd.defLeft && x != x) {
		hot = nd.left
	}
	cold := 2*nd.left + 1 - hot
	cover := s.t.cover[j]
	hotZero, coldZero := 0.0, 0.0
	if cover > 0 {
		hotZero, coldZero = s.t.cover[hot]/cover, s.t.cover[cold]/cover
	}
	inZero, inOne := 1.0, 1.0
	// A feature already on the path is undone first, so that each feature
	// appears once with the product of its fractions.
	k := 1
	for ; k <= depth; k++ {
		if path[k].feature == nd.feat {
			break
		}
	}
	next := depth + 1
	if k <= depth {
		inZero, inOne = path[k].zero, path[k].one
		shapUnwind(path, depth, k)
		next = depth
	}
	// The children's paths start after this level's.
	rest := buf[depth:]
	s.recurse(hot, rest, next, hotZero*inZero, inOne, nd.feat)
	s.recurse(cold, rest, next, coldZero*inZero, 0, nd.feat)
}

// extend appends (feature, zero, one) to the path of length l (entries
// 0..l-1) and updates the permutation weights.
func shapExtend(path []shapPathElem, l int, zero, one float64, feature int32) {
	w := 0.0
	if l == 0 {
		w = 1
	}
	path[l] = shapPathElem{feature: feature, zero: zero, one: one, weight: w}
	for i := l - 1; i >= 0; i-- {
		path[i+1].weight += one * path[i].weight * float64(i+1) / float64(l+1)
		path[i].weight = zero * path[i].weight * float64(l-i) / float64(l+1)
	}
}

// unwind removes entry i from the path whose last index is l, undoing
// extend.
func shapUnwind(path []shapPathElem, l, i int) {
	one, zero := path[i].one, path[i].zero
	next := path[l].weight
	for j := l - 1; j >= 0; j-- {
		if one != 0 {
			t := path[j].weight
			path[j].weight = next * float64(l+1) / (float64(j+1) * one)
			next = t - path[j].weight*zero*float64(l-j)/float64(l+1)
		} else {
			path[j].weight = path[j].weight * float64(l+1) / (zero * float64(l-j))
		}
	}
	for j := i; j < l; j++ {
		path[j].feature, path[j].zero, path[j].one = path[j+1].feature, path[j+1].zero, path[j+1].one
	}
}

// unwoundSum is the total weight of the path whose last index is l with
// entry i removed, without modifying it.
func shapUnwoundSum(path []shapPathElem, l, i int) float64 {
	one, zero := path[i].one, path[i].zero
	next := path[l].weight
	total := 0.0
	for j := l - 1; j >= 0; j-- {
		if one != 0 {
			t := next * float64(l+1) / (float64(j+1) * one)
			total += t
			next = path[j].weight - t*zero*float64(l-j)/float64(l+1)
		} else if zero != 0 {
			total += path[j].weight / zero * float64(l+1) / float64(l-j)
		}
	}
	return total
}

// PredictContribs is NewPredictor(opt) followed by Contribs.
func (m *Model) PredictContribs(ctx context.Context, x []float32, opt PredictOptions) ([]float32, error) {
	p, err := m.NewPredictor(opt)
	if err != nil {
		return nil, err
	}
	return p.Contribs(ctx, x)
}
