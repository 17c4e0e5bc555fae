package local

// This file lays a pipeline's DAG out in layers for the HTML report and the
// progress view: a step's layer is the length of the longest path that
// leads to it, and the steps of a layer are ordered by a few sweeps of the
// barycenter heuristic to keep edges from crossing.

import (
	"cmp"
	"slices"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// dagNode is one step placed in the layout.
type dagNode struct {
	Name      string
	Type      string
	Condition bool
	Layer     int
	// X and Y are the top-left corner of the step's box.
	X, Y float64
}

// dagEdge is one edge of the layout, between node indexes.
type dagEdge struct {
	From, To int
	Kind     pipeline.EdgeKind
	// Via holds, for an edge that spans several layers, the top of its
	// lane through each layer in between.
	Via []layoutPoint
}

// layoutPoint is a position in the layout.
type layoutPoint struct{ X, Y float64 }

// dagLayout is a laid-out DAG, in pixels.
type dagLayout struct {
	Nodes         []dagNode
	Edges         []dagEdge
	Width, Height float64
	// index maps a step name to its node.
	index map[string]int
}

// The geometry of the layout, in pixels.
const (
	dagNodeW = 210.0
	dagNodeH = 54.0
	dagGapX  = 30.0
	// dagLaneW is the width of an edge's lane through a layer.
	dagLaneW   = 8.0
	dagLaneGap = 12.0
	dagGapY    = 70.0
	dagPad     = 16.0
)

// layoutDAG places every step of g. Steps come in definition order; a step
// listed twice is placed once. Edges to steps the graph does not hold are
// left out. A cycle does not stop the layout: the steps on it are placed
// after the others.
func layoutDAG(g *pipeline.Graph) *dagLayout {
	l := &dagLayout{index: map[string]int{}}
	if g == nil {
		return l
	}
	for _, n := range g.Nodes {
		if n.Step == nil {
			continue
		}
		name := n.Step.Name()
		if _, ok := l.index[name]; ok {
			continue
		}
		l.index[name] = len(l.Nodes)
		l.Nodes = append(l.Nodes, dagNode{Name: name, Type: string(n.Step.Type()), Condition: n.Step.Type() == steps.TypeCondition})
	}
	seen := map[[2]int]bool{}
	for _, e := range g.Edges {
		f, ok1 := l.index[e.From]
		t, ok2 := l.index[e.To]
		if !ok1 || !ok2 || f == t || seen[[2]int{f, t}] {
			continue
		}
		seen[[2]int{f, t}] = true
		l.Edges = append(l.Edges, dagEdge{From: f, To: t, Kind: e.Kind})
	}
	l.assignLayers(g)
	l.place()
	return l
}

// assignLayers gives each node the length of the longest path to it,
// following the graph's topological order.
func (l *dagLayout) assignLayers(g *pipeline.Graph) {
	order, _ := g.Order() // on a cycle, the steps left over come last
	done := make([]bool, len(l.Nodes))
	var seq []int
	for _, name := range order {
		if i, ok := l.index[name]; ok && !done[i] {
			done[i] = true
			seq = append(seq, i)
		}
	}
	for i := range l.Nodes {
		if !done[i] {
			seq = append(seq, i)
		}
	}
	pos := make([]int, len(l.Nodes))
	for k, i := range seq {
		pos[i] = k
	}
	preds := make([][]int, len(l.Nodes))
	for _, e := range l.Edges {
		preds[e.To] = append(preds[e.To], e.From)
	}
	for _, i := range seq {
		for _, p := range preds[i] {
			if pos[p] < pos[i] && l.Nodes[p].Layer+1 > l.Nodes[i].Layer {
				l.Nodes[i].Layer = l.Nodes[p].Layer + 1
			}
		}
	}
}

// place orders the nodes within their layers and gives them coordinates.
// An edge that spans several layers gets a narrow virtual node in each
// layer it crosses, so that the ordering keeps it clear of the steps there
// and the drawing can route it between them (as Sugiyama's method does).
func (l *dagLayout) place() {
	n := len(l.Nodes)
	if n == 0 {
		return
	}
	// Items are the real nodes, then the virtual ones.
	type item struct {
		layer int
		w, x  float64
	}
	items := make([]item, n)
	nLayers := 0
	for i, nd := range l.Nodes {
		items[i] = item{layer: nd.Layer, w: dagNodeW}
		nLayers = max(nLayers, nd.Layer+1)
	}
	preds := make([][]int, n)
	succs := make([][]int, n)
	link := func(a, b int) {
		for len(preds) <= max(a, b) {
			preds, succs = append(preds, nil), append(succs, nil)
		}
		preds[b] = append(preds[b], a)
		succs[a] = append(succs[a], b)
	}
	chains := make([][]int, len(l.Edges))
	for k, e := range l.Edges {
		from, to := l.Nodes[e.From].Layer, l.Nodes[e.To].Layer
		if to <= from { // on a cycle: drawn beside the steps, not ordered
			continue
		}
		prev := e.From
		for layer := from + 1; layer < to; layer++ {
			items = append(items, item{layer: layer, w: dagLaneW})
			v := len(items) - 1
			chains[k] = append(chains[k], v)
			link(prev, v)
			prev = v
		}
		link(prev, e.To)
	}
	for len(preds) < len(items) {
		preds, succs = append(preds, nil), append(succs, nil)
	}
	rows := make([][]int, nLayers)
	for i, it := range items {
		rows[it.layer] = append(rows[it.layer], i)
	}
	gap := func(a, b int) float64 {
		if items[a].w == dagNodeW && items[b].w == dagNodeW {
			return dagGapX
		}
		return dagLaneGap
	}
	rowWidth := func(r []int) float64 {
		var w float64
		for k, i := range r {
			if k > 0 {
				w += gap(r[k-1], i)
			}
			w += items[i].w
		}
		return w
	}
	var total float64
	for _, r := range rows {
		total = max(total, rowWidth(r))
	}
	setX := func(r []int) {
		x := dagPad + (total-rowWidth(r))/2
		for k, i := range r {
			if k > 0 {
				x += gap(r[k-1], i)
			}
			items[i].x = x + items[i].w/2
			x += items[i].w
		}
	}
	for _, r := range rows {
		setX(r)
	}
	// Barycenter sweeps: down by predecessors, up by successors.
	sweep := func(r []int, adj [][]int) {
		bary := make(map[int]float64, len(r))
		for _, i := range r {
			if len(adj[i]) == 0 {
				bary[i] = items[i].x
				continue
			}
			var s float64
			for _, j := range adj[i] {
				s += items[j].x
			}
			bary[i] = s / float64(len(adj[i]))
		}
		slices.SortStableFunc(r, func(a, b int) int { return cmp.Compare(bary[a], bary[b]) })
		setX(r)
	}
	for range 4 {
		for k := 1; k < nLayers; k++ {
			sweep(rows[k], preds)
		}
		for k := nLayers - 2; k >= 0; k-- {
			sweep(rows[k], succs)
		}
	}
	layerY := func(layer int) float64 { return dagPad + float64(layer)*(dagNodeH+dagGapY) }
	for i := range l.Nodes {
		l.Nodes[i].X = items[i].x - dagNodeW/2
		l.Nodes[i].Y = layerY(l.Nodes[i].Layer)
	}
	for k, chain := range chains {
		for _, v := range chain {
			l.Edges[k].Via = append(l.Edges[k].Via, layoutPoint{items[v].x, layerY(items[v].layer)})
		}
	}
	l.Width = total + 2*dagPad
	l.Height = float64(nLayers)*dagNodeH + float64(nLayers-1)*dagGapY + 2*dagPad
}
