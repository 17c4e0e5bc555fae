package boost

import (
	"context"

	"github.com/sagepipe/sagepipe/gpu"
)

// growTreeDevice is growTree with the rows on a device session: the
// device builds the histograms (the smaller child of each split, the
// other by subtraction), finds every node's best split and partitions
// the rows; the host applies growTree's rules to the returned splits.
// On return every leaf's rows form a segment of the device's row index.
func (gr *grower) growTreeDevice(ctx context.Context, sess gpu.Session, round, k int) (Tree, []int32, error) {
	cfg := gr.cfg
	treeKey := uint64(round)<<20 | uint64(k)<<8
	all := make([]int, gr.nf)
	for i := range all {
		all[i] = i
	}
	byTree := gr.featureSet(all, cfg.ColsampleByTree, treeKey)
	levelSets := map[int][]int{}
	nodeFeats := func(nd *node) []int {
		lv, ok := levelSets[nd.depth]
		if !ok {
			lv = gr.featureSet(byTree, cfg.ColsampleByLvl, treeKey|1<<62|uint64(nd.depth))
			levelSets[nd.depth] = lv
		}
		return gr.featureSet(lv, cfg.ColsampleByNode, treeKey|1<<61|uint64(nd.id)<<32)
	}
	evaluate := func(nodes []*node) error {
		if len(nodes) == 0 {
			return nil
		}
		req := make([]gpu.EvalNode, len(nodes))
		for j, nd := range nodes {
			req[j] = gpu.EvalNode{Node: nd.id, Sum: gpu.Pair{G: nd.qsum.g, H: nd.qsum.h}}
			if fs := nodeFeats(nd); len(fs) < gr.nf {
				req[j].Features = make([]int32, len(fs))
				for i, f := range fs {
					req[j].Features[i] = int32(f)
				}
			}
		}
		out, err := sess.Evaluate(ctx, gpu.SplitParams{Lambda: gr.params.lambda, Alpha: gr.params.alpha,
			MinChildWeight: gr.params.mcw, MaxDeltaStep: gr.params.mds}, req)
		if err != nil {
			return err
		}
		for j, nd := range nodes {
			nd.best = gr.fromDevice(nd, &out[j])
		}
		return nil
	}

	if err := sess.BuildHists(ctx, []int32{0}); err != nil {
		return Tree{}, nil, err
	}
	root := &node{id: 0}
	if gr.nf > 0 {
		h, err := sess.Hist(ctx, 0)
		if err != nil {
			return Tree{}, nil, err
		}
		for _, v := range h[gr.cuts.off[0]:gr.cuts.off[1]] {
			root.qsum = root.qsum.add(gpair{v.G, v.H})
		}
		root.sum = gr.toFloat(root.qsum)
	}
	tree := NewTree(gr.nf, gr.leafValue(root.sum), float32(root.sum.h))
	tree.BaseWeight[0] = gr.params.weight32(root.sum.g, root.sum.h)
	if gr.nf == 0 {
		return tree, []int32{0}, nil
	}
	if err := evaluate([]*node{root}); err != nil {
		return Tree{}, nil, err
	}
	leaves := 1
	stamp := 1

	expand := func(nodes []*node) ([]*node, error) {
		reqs := make([]gpu.PartitionSplit, len(nodes))
		for j, nd := range nodes {
			b := &nd.best
			l, r := gr.addSplit(&tree, nd)
			reqs[j] = gpu.PartitionSplit{Node: nd.id, Left: int32(l), Right: int32(r), Feature: int32(b.feature),
				Bin: int32(b.bin), DefaultLeft: b.defaultLeft}
			leaves++
		}
		counts, err := sess.Partition(ctx, reqs)
		if err != nil {
			return nil, err
		}
		var small []int32
		var withHist []int
		children := make([]*node, 0, 2*len(nodes))
		for j, nd := range nodes {
			l := &node{id: reqs[j].Left, depth: nd.depth + 1, sum: nd.best.left, qsum: nd.best.qleft, rows: int(counts[j]), stamp: stamp}
			r := &node{id: reqs[j].Right, depth: nd.depth + 1, sum: nd.best.right, qsum: nd.best.qright, rows: nd.rows - int(counts[j]), stamp: stamp + 1}
			stamp += 2
			children = append(children, l, r)
			if !gr.childValid(nd, leaves) {
				sess.Release(nd.id) // the children are leaves: no histograms needed
				continue
			}
			withHist = append(withHist, j)
			small = append(small, gr.buildChild(nd, l, r).id)
		}
		if len(small) == 0 {
			return children, nil
		}
		if err := sess.BuildHists(ctx, small); err != nil {
			return nil, err
		}
		evalNodes := make([]*node, 0, 2*len(withHist))
		subs := make([]gpu.Subtraction, 0, len(withHist))
		for s, j := range withHist {
			l, r := children[2*j], children[2*j+1]
			big := r
			if small[s] == r.id {
				big = l
			}
			subs = append(subs, gpu.Subtraction{Parent: nodes[j].id, Built: small[s], Sibling: big.id})
			evalNodes = append(evalNodes, l, r)
		}
		if err := sess.Subtract(ctx, subs); err != nil {
			return nil, err
		}
		if err := evaluate(evalNodes); err != nil {
			return nil, err
		}
		return children, nil
	}

	root.rows = gr.total
	if err := gr.schedule(root, &leaves, expand); err != nil {
		return Tree{}, nil, err
	}
	var leafIDs []int32
	for n := range tree.Left {
		if tree.Left[n] == -1 {
			leafIDs = append(leafIDs, int32(n))
		}
	}
	return tree, leafIDs, nil
}

// fromDevice converts a device split of nd to the grower's form.
func (gr *grower) fromDevice(nd *node, s *gpu.Split) split {
	if s.Feature < 0 {
		return split{feature: -1}
	}
	f, b := int(s.Feature), int(s.Bin)
	cond := gr.cuts.minVal[f]
	if b >= 0 {
		cond = gr.cuts.vals[f][b]
	}
	left := gpair{s.Left.G, s.Left.H}
	right := nd.qsum.sub(left)
	return split{gain: float64(s.Gain), feature: f, bin: b, defaultLeft: s.DefaultLeft, cond: cond,
		left: gr.toFloat(left), right: gr.toFloat(right), qleft: left, qright: right}
}
