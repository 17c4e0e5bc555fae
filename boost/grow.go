package boost

import (
	"container/heap"
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// cluster runs an operation on every shard of the training data and waits
// for all of them. The single-process cluster calls the shard directly;
// the distributed one (distributed.go) calls into actors. fn writes its
// result into a slot of a slice indexed by i, so results are merged in
// shard order whatever order the shards finish in.
type cluster interface {
	numShards() int
	do(ctx context.Context, fn func(ctx context.Context, i int, s *shard) error) error
}

// localCluster holds the shards in this goroutine's address space.
type localCluster []*shard

func (c localCluster) numShards() int { return len(c) }

func (c localCluster) do(ctx context.Context, fn func(ctx context.Context, i int, s *shard) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, s := range c {
		if err := fn(ctx, i, s); err != nil {
			return err
		}
	}
	return nil
}

// kRtEps is XGBoost's smallest loss change that counts as a split.
const kRtEps = 1e-6

// splitParams are the regularisation parameters of split finding. XGBoost
// keeps them in float32 (TrainParam), so they hold float32 values.
type splitParams struct {
	lambda, alpha, mcw, mds, gamma, eta float64
	// general is set when alpha or max_delta_step is (see gain).
	general bool
}

// newSplitParams rounds the configuration's parameters to float32, as
// XGBoost stores them.
func newSplitParams(cfg *Config) splitParams {
	f := func(v float64) float64 { return float64(float32(v)) }
	p := splitParams{lambda: f(cfg.Lambda), alpha: f(cfg.Alpha), mcw: f(cfg.MinChildWeight),
		mds: f(cfg.MaxDeltaStep), gamma: f(cfg.Gamma), eta: f(cfg.Eta)}
	p.general = p.alpha != 0 || p.mds != 0
	return p
}

func thresholdL1(g, alpha float64) float64 {
	switch {
	case g > alpha:
		return g - alpha
	case g < -alpha:
		return g + alpha
	}
	return 0
}

// weight is XGBoost's CalcWeight in double precision: the optimal leaf
// weight of a node.
func (p *splitParams) weight(g, h float64) float64 {
	if h < p.mcw || h <= 0 {
		return 0
	}
	dw := -thresholdL1(g, p.alpha) / (h + p.lambda)
	if p.mds != 0 && math.Abs(dw) > p.mds {
		dw = math.Copysign(p.mds, dw)
	}
	return dw
}

// weight32 is the weight as XGBoost's split evaluator returns it: rounded
// to float32.
func (p *splitParams) weight32(g, h float64) float32 { return float32(p.weight(g, h)) }

// gain is the loss reduction of a node at its optimal weight, computed as
// XGBoost 1.7.4's hist split evaluator does (CalcGainGivenWeight): without
// max_delta_step, thresholdL1(g)² and h + lambda in double, each rounded
// to float32, then divided in float32; with it, in float32 from the sums
// rounded to float32 and the float32 weight.
func (p *splitParams) gain(g, h float64) float32 {
	if p.general || h <= 0 {
		return p.gainGeneral(g, h)
	}
	// Without L1 and max_delta_step (small enough for the split search
	// to inline): thresholdL1(g, 0) is g, so its square is g*g.
	return float32(g*g) / float32(h+p.lambda)
}

// gainGeneral is gain with alpha or max_delta_step set, or h <= 0.
func (p *splitParams) gainGeneral(g, h float64) float32 {
	if h <= 0 {
		return 0
	}
	if p.mds == 0 {
		t := thresholdL1(g, p.alpha)
		return float32(t*t) / float32(h+p.lambda)
	}
	// Each product is converted explicitly so that no fused multiply-add
	// changes the rounding.
	g32, h32, w := float32(g), float32(h), p.weight32(g, h)
	gw := float32(2 * g32 * w)
	hw := float32((h32 + float32(p.lambda)) * float32(w*w))
	return -(gw + hw)
}

// splitGain is the loss change of a split whose children have the given
// sums, with parentGain the parent's gain(), in XGBoost's float32 order:
// (gain(left) + gain(right)) - parentGain.
func (p *splitParams) splitGain(gl, hl, gr, hr float64, parentGain float32) float32 {
	sum := p.gain(gl, hl) + p.gain(gr, hr)
	return sum - parentGain
}

// fpair is a gradient/hessian sum in float64, XGBoost's
// GradientPairPrecise: histograms, node sums and split sums are fpairs,
// added and subtracted in the order XGBoost 1.7.4's hist method does, so
// that every rounding is its own.
type fpair struct{ g, h float64 }

func (a fpair) add(b fpair) fpair { return fpair{a.g + b.g, a.h + b.h} }
func (a fpair) sub(b fpair) fpair { return fpair{a.g - b.g, a.h - b.h} }

// split is the best split found for a node.
type split struct {
	gain        float64
	feature     int
	bin         int // left = bins <= bin; -1 = only missing values go left
	defaultLeft bool
	cond        float32
	left, right fpair
	// qleft and qright are the fixed-point sums of a device split.
	qleft, qright gpair
}

// node is a tree node under construction.
type node struct {
	id    int32
	depth int
	sum   fpair
	qsum  gpair // the fixed-point sum, on the device
	hist  []fpair
	rows  int
	best  split
	stamp int // creation order, XGBoost's tie break in lossguide
}

// grower builds the trees of one training run against a cluster.
type grower struct {
	cfg    *Config
	cuts   *cuts
	cl     cluster
	params splitParams
	nf     int
	total  int // rows over all shards
	// needRows is set when the leaves' rows must be grouped after the
	// tree is built (reg:absoluteerror's leaf refresh), which rules out
	// final splits.
	needRows bool
	// exact is set when the histograms are float64 sums in XGBoost's
	// order (hist_f64.go), built by a single local shard; otherwise the
	// shards sum in fixed point (distributed training, the device) with
	// the scales scaleG and scaleH, and hists converts the sums.
	exact          bool
	scaleG, scaleH float64
	// sparse is set when the training data has missing values: XGBoost
	// then sums the root's gradients row by row instead of over a
	// feature's bins.
	sparse bool
	// threads is the number of goroutines for the split searches of a
	// level's nodes (at least 1), run by par (nil: goroutines per level).
	threads int
	par     *workers
	// free recycles node histograms and qfree the shards' fixed-point
	// ones (nil: allocate each).
	free  *histFree[fpair]
	qfree *histFree[gpair]
}

// release returns nd's histogram, no longer needed, to the free list.
func (gr *grower) release(nd *node) {
	gr.free.put(nd.hist)
	nd.hist = nil
}

// toFloat converts a fixed-point sum.
func (gr *grower) toFloat(p gpair) fpair {
	return fpair{float64(p.g) / gr.scaleG, float64(p.h) / gr.scaleH}
}

// featureSet returns the features sampled from parent with fraction frac,
// seeded by key; parent itself when frac is 1.
func (gr *grower) featureSet(parent []int, frac float64, key uint64) []int {
	if frac >= 1 || len(parent) <= 1 {
		return parent
	}
	n := max(1, int(frac*float64(len(parent))))
	rng := rand.New(rand.NewPCG(gr.cfg.Seed, key))
	p := slices.Clone(parent)
	rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	p = p[:n]
	slices.Sort(p)
	return p
}

// evaluate finds the best split of nd over the given features as XGBoost
// 1.7.4's hist evaluator does, with its sums and its order: feature by
// feature in ascending order, first forward (bins <= b left, b ascending,
// the left sum accumulated bin by bin and the right one the node's sum
// minus it), then, when the accumulated sum of all bins is not the node's
// sum (missing values, or only the rounding of float64 sums), backward
// (bins >= b right, b descending, accumulated the same way, ending with
// only the missing values left); of equal gains the first is kept. A gain
// that overflows float32 is skipped, as XGBoost skips it.
func (gr *grower) evaluate(nd *node, feats []int) {
	p := &gr.params
	parentGain := p.gain(nd.sum.g, nd.sum.h)
	best := split{feature: -1}
	try := func(f, b int, defLeft bool, left, right fpair, cond float32) {
		if left.h < p.mcw || right.h < p.mcw {
			return
		}
		chg := p.splitGain(left.g, left.h, right.g, right.h, parentGain)
		if math.IsInf(float64(chg), 0) {
			return
		}
		if float64(chg) > best.gain {
			best = split{gain: float64(chg), feature: f, bin: b, defaultLeft: defLeft, cond: cond, left: left, right: right}
		}
	}
	for _, f := range feats {
		cv := gr.cuts.vals[f]
		h := nd.hist[gr.cuts.off[f] : gr.cuts.off[f]+len(cv)]
		var acc fpair
		for b := range h {
			acc = acc.add(h[b])
			try(f, b, false, acc, nd.sum.sub(acc), cv[b])
		}
		if acc == nd.sum {
			continue
		}
		acc = fpair{}
		for b := len(h) - 1; b >= 0; b-- {
			acc = acc.add(h[b])
			left := nd.sum.sub(acc)
			if b > 0 {
				try(f, b-1, true, left, acc, cv[b-1])
			} else {
				try(f, -1, true, left, acc, gr.cuts.minVal[f])
			}
		}
	}
	nd.best = best
}

// valid reports whether nd's best split may be applied (XGBoost's
// ExpandEntry::IsValid without the leaf count, checked by the caller).
func (gr *grower) valid(nd *node) bool {
	b := &nd.best
	if b.feature < 0 || b.gain <= kRtEps || b.left.h == 0 || b.right.h == 0 || float32(b.gain) < float32(gr.params.gamma) {
		return false
	}
	return gr.cfg.MaxDepth == 0 || nd.depth < gr.cfg.MaxDepth
}

// leafValue is the leaf value of a node (learning rate applied), the
// float32 weight times the float32 learning rate, as XGBoost computes it.
func (gr *grower) leafValue(sum fpair) float32 {
	return gr.params.weight32(sum.g, sum.h) * float32(gr.params.eta)
}

// rootSum is the root's gradient sum as XGBoost 1.7.4 computes it: the
// sum of the first feature's bins, in bin order, for data without missing
// values, and the sum of every row's gradient, in row order, otherwise.
// With fixed-point histograms the first feature's slots (its missing
// slot included) hold every row exactly.
func (gr *grower) rootSum(ctx context.Context, hist []fpair) (fpair, error) {
	var sum fpair
	if gr.exact && gr.sparse {
		err := gr.cl.do(ctx, func(_ context.Context, _ int, s *shard) error {
			sum = s.gradSum()
			return nil
		})
		return sum, err
	}
	n := len(gr.cuts.vals[0])
	if !gr.exact {
		n++
	}
	for _, v := range hist[gr.cuts.off[0] : gr.cuts.off[0]+n] {
		sum = sum.add(v)
	}
	return sum, nil
}

// growTree builds the tree of group k in round `round` from the shards'
// quantised gradients; on return every shard's rows are grouped by leaf.
// It returns the tree and its leaf ids.
func (gr *grower) growTree(ctx context.Context, round, k int) (Tree, []int32, error) {
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

	hists, err := gr.hists(ctx, []int32{0})
	if err != nil {
		return Tree{}, nil, err
	}
	root := &node{id: 0, hist: hists[0]}
	if gr.nf > 0 {
		if root.sum, err = gr.rootSum(ctx, root.hist); err != nil {
			return Tree{}, nil, err
		}
	}
	tree := NewTree(gr.nf, gr.leafValue(root.sum), float32(root.sum.h))
	tree.BaseWeight[0] = gr.params.weight32(root.sum.g, root.sum.h) // the root's weight, as XGBoost records it
	if gr.nf == 0 {
		return tree, []int32{0}, nil
	}
	gr.evaluate(root, nodeFeats(root))
	leaves := 1
	stamp := 1

	// expand applies the splits of nodes (all valid) and returns the
	// children with their histograms and best splits.
	expand := func(nodes []*node) ([]*node, error) {
		reqs := make([]splitReq, len(nodes))
		for j, nd := range nodes {
			b := &nd.best
			l, r := gr.addSplit(&tree, nd)
			reqs[j] = splitReq{node: nd.id, left: int32(l), right: int32(r), feature: int32(b.feature),
				bin: int32(b.bin), defaultLeft: b.defaultLeft,
				final: !gr.needRows && cfg.MaxDepth > 0 && nd.depth+1 >= cfg.MaxDepth}
			leaves++
		}
		counts, err := gr.split(ctx, reqs, nodes)
		if err != nil {
			return nil, err
		}
		var small []int32
		var withHist []int // indices into nodes of parents whose children get histograms
		children := make([]*node, 0, 2*len(nodes))
		for j, nd := range nodes {
			l := &node{id: reqs[j].left, depth: nd.depth + 1, sum: nd.best.left, rows: counts[j], stamp: stamp}
			r := &node{id: reqs[j].right, depth: nd.depth + 1, sum: nd.best.right, rows: nd.rows - counts[j], stamp: stamp + 1}
			stamp += 2
			children = append(children, l, r)
			if !gr.childValid(nd, leaves) {
				gr.release(nd) // the children are leaves: no histograms needed
				continue
			}
			withHist = append(withHist, j)
			small = append(small, gr.buildChild(nd, l, r).id)
		}
		if len(small) == 0 {
			return children, nil
		}
		hs, err := gr.hists(ctx, small)
		if err != nil {
			return nil, err
		}
		// The features each child may split on are drawn here, in order;
		// the subtractions and split searches, independent per parent,
		// then run in parallel (each writes only its children).
		feats := make([][]int, 2*len(withHist))
		for s, j := range withHist {
			feats[2*s], feats[2*s+1] = nodeFeats(children[2*j]), nodeFeats(children[2*j+1])
		}
		gr.par.tasks(gr.threads, len(withHist), func(_, s int) {
			j := withHist[s]
			nd := nodes[j]
			l, r := children[2*j], children[2*j+1]
			big, other := r, l
			if small[s] == l.id {
				l.hist = hs[s]
			} else {
				r.hist = hs[s]
				big, other = l, r
			}
			big.hist = nd.hist // reuse the parent's buffer: parent − sibling
			for i := range big.hist {
				big.hist[i] = big.hist[i].sub(other.hist[i])
			}
			nd.hist = nil
			gr.evaluate(l, feats[2*s])
			gr.evaluate(r, feats[2*s+1])
		})
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

// schedule grows a tree from root by the grow policy, with expand
// splitting nodes into their children and *leaves counting the tree's
// leaves as expand adds them: lossguide expands the valid node of best
// gain first until max_leaves, depthwise expands each level's valid nodes
// (up to max_leaves). Nodes it does not expand give their histograms back.
// The CPU and device growers share it.
func (gr *grower) schedule(root *node, leaves *int, expand func([]*node) ([]*node, error)) error {
	maxLeaves := gr.cfg.MaxLeaves
	if gr.cfg.GrowPolicy == GrowLossguide {
		q := &nodeQueue{}
		if gr.valid(root) {
			heap.Push(q, root)
		}
		for q.Len() > 0 && (maxLeaves == 0 || *leaves < maxLeaves) {
			nd := heap.Pop(q).(*node)
			children, err := expand([]*node{nd})
			if err != nil {
				return err
			}
			for _, c := range children {
				if gr.valid(c) {
					heap.Push(q, c)
				} else {
					gr.release(c)
				}
			}
		}
		for _, nd := range *q {
			gr.release(nd)
		}
		return nil
	}
	level := []*node{root}
	for len(level) > 0 {
		var todo []*node
		for _, nd := range level {
			if gr.valid(nd) && (maxLeaves == 0 || *leaves+len(todo) < maxLeaves) {
				todo = append(todo, nd)
			} else {
				gr.release(nd)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		// XGBoost expands at most maxNodeBatch nodes of a level at once;
		// the batches decide which histograms are built together.
		var next []*node
		for len(todo) > 0 {
			batch := todo[:min(len(todo), maxNodeBatch)]
			todo = todo[len(batch):]
			children, err := expand(batch)
			if err != nil {
				return err
			}
			next = append(next, children...)
		}
		level = next
	}
	return nil
}

// maxNodeBatch is the number of nodes of a level XGBoost 1.7.4's driver
// expands at once (max_node_batch_size).
const maxNodeBatch = 256

// addSplit adds nd's best split to tree as XGBoost's ApplyTreeSplit does:
// the node's weight and hessian from the sum of its children's sums (not
// its own), each child's value from its sum. It returns the children's
// ids.
func (gr *grower) addSplit(tree *Tree, nd *node) (int, int) {
	b := &nd.best
	sum := b.left.add(b.right)
	return tree.AddSplit(int(nd.id), b.feature, b.cond, b.defaultLeft,
		gr.params.weight32(sum.g, sum.h), float32(b.gain),
		gr.leafValue(b.left), float32(b.left.h), gr.leafValue(b.right), float32(b.right.h))
}

// childValid reports whether the children of nd, just split with leaves
// leaves in the tree, may be split in turn and so need histograms
// (XGBoost's Driver::IsChildValid).
func (gr *grower) childValid(nd *node, leaves int) bool {
	if gr.cfg.MaxDepth > 0 && nd.depth+1 >= gr.cfg.MaxDepth {
		return false
	}
	return gr.cfg.MaxLeaves == 0 || leaves < gr.cfg.MaxLeaves
}

// buildChild returns the child of nd, split into l and r, whose histogram
// is built (the other's is the parent's minus it): the right one when its
// hessian sum is below the left one's, as XGBoost chooses.
func (gr *grower) buildChild(nd, l, r *node) *node {
	if nd.best.right.h < nd.best.left.h {
		return r
	}
	return l
}

// hists builds the histograms of the nodes: on the single local shard
// in XGBoost's order, or on every shard in fixed point, summed exactly and
// converted.
func (gr *grower) hists(ctx context.Context, nodes []int32) ([][]fpair, error) {
	if gr.exact {
		var out [][]fpair
		err := gr.cl.do(ctx, func(_ context.Context, _ int, s *shard) error {
			out = s.buildHistsF64(nodes, gr.free)
			return nil
		})
		return out, err
	}
	parts := make([][][]gpair, gr.cl.numShards())
	err := gr.cl.do(ctx, func(_ context.Context, i int, s *shard) error {
		parts[i] = s.buildHists(nodes, gr.qfree)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sum := parts[0]
	for _, p := range parts[1:] {
		for j := range sum {
			for b := range sum[j] {
				sum[j][b] = sum[j][b].add(p[j][b])
			}
			gr.qfree.put(p[j])
		}
	}
	out := make([][]fpair, len(sum))
	for j, q := range sum {
		out[j] = gr.free.get(len(q))
		for b, v := range q {
			out[j][b] = gr.toFloat(v)
		}
		gr.qfree.put(q)
	}
	return out, nil
}

// split applies the splits on every shard and returns the global number
// of rows sent left by each.
func (gr *grower) split(ctx context.Context, reqs []splitReq, nodes []*node) ([]int, error) {
	parts := make([][]int, gr.cl.numShards())
	err := gr.cl.do(ctx, func(_ context.Context, i int, s *shard) error {
		parts[i] = s.applySplits(reqs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	counts := make([]int, len(reqs))
	for _, p := range parts {
		for j, c := range p {
			counts[j] += c
		}
	}
	return counts, nil
}

// nodeQueue orders lossguide candidates by gain, then creation order.
type nodeQueue []*node

func (q nodeQueue) Len() int { return len(q) }
func (q nodeQueue) Less(i, j int) bool {
	if q[i].best.gain != q[j].best.gain {
		return q[i].best.gain > q[j].best.gain
	}
	return q[i].stamp < q[j].stamp
}
func (q nodeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}
