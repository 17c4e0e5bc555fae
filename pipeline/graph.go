package pipeline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sagepipe/sagepipe/steps"
)

// EdgeKind tells why one step comes after another.
type EdgeKind int

// The kinds of edge.
const (
	// DependsOnEdge is an explicit DependsOn entry.
	DependsOnEdge EdgeKind = iota + 1
	// DataEdge is a data reference: a property, a JsonGet of a property
	// file, or a Join containing them.
	DataEdge
	// IfEdge leads from a condition to a step of its IfSteps.
	IfEdge
	// ElseEdge leads from a condition to a step of its ElseSteps.
	ElseEdge
)

// String returns "depends-on", "data", "if" or "else".
func (k EdgeKind) String() string {
	switch k {
	case DependsOnEdge:
		return "depends-on"
	case DataEdge:
		return "data"
	case IfEdge:
		return "if"
	case ElseEdge:
		return "else"
	}
	return "EdgeKind(" + strconv.Itoa(int(k)) + ")"
}

// Edge is one edge of the DAG: To runs after From.
type Edge struct {
	From, To string
	Kind     EdgeKind
}

// Node is one step of the DAG.
type Node struct {
	// Step is the step itself.
	Step steps.Step
	// Condition is the name of the condition step whose branch holds the
	// step ("" for a top-level step), Branch is IfEdge or ElseEdge there.
	Condition string
	Branch    EdgeKind
	// Appended is true for a step that was referenced but not listed, and
	// that the definition appends after the listed steps.
	Appended bool
}

// Graph is the DAG of a pipeline: every step, branch steps included, in
// definition order (a condition's branch steps right after it), and every
// edge in discovery order.
type Graph struct {
	Nodes []Node
	Edges []Edge
}

// Graph returns the pipeline's DAG. It is built even when the pipeline has
// problems (edges to unknown steps are left out, and a panic in a step's
// methods ends the walk there); Validate reports them.
func (p *Pipeline) Graph() *Graph {
	c, _ := p.compileSafe(false)
	return c.graph()
}

func (c *compiled) graph() *Graph {
	g := &Graph{Nodes: make([]Node, len(c.nodes)), Edges: append([]Edge(nil), c.edges...)}
	for i, n := range c.nodes {
		g.Nodes[i] = Node{Step: n.step, Branch: n.branch, Appended: n.appended}
		if n.parent != nil {
			g.Nodes[i].Condition = n.parent.step.Name()
		}
	}
	return g
}

// Order returns the step names in an order that respects every edge,
// preferring definition order among steps that are ready together (Kahn's
// algorithm). It fails with ErrCycle, naming the steps left over, when the
// graph has a cycle.
func (g *Graph) Order() ([]string, error) {
	index := map[string]int{}
	var names []string
	for _, n := range g.Nodes {
		if _, ok := index[n.Step.Name()]; !ok {
			index[n.Step.Name()] = len(names)
			names = append(names, n.Step.Name())
		}
	}
	indeg := make([]int, len(names))
	out := make([][]int, len(names))
	for _, e := range g.Edges {
		f, ok1 := index[e.From]
		t, ok2 := index[e.To]
		if ok1 && ok2 {
			out[f] = append(out[f], t)
			indeg[t]++
		}
	}
	// ready is kept sorted so that the lowest definition index goes first.
	var ready []int
	for i, d := range indeg {
		if d == 0 {
			ready = append(ready, i)
		}
	}
	order := make([]string, 0, len(names))
	for len(ready) > 0 {
		v := ready[0]
		ready = ready[1:]
		order = append(order, names[v])
		for _, w := range out[v] {
			if indeg[w]--; indeg[w] == 0 {
				i, _ := slices.BinarySearch(ready, w)
				ready = slices.Insert(ready, i, w)
			}
		}
	}
	if len(order) < len(names) {
		var left []string
		for i, d := range indeg {
			if d > 0 {
				left = append(left, names[i])
			}
		}
		return order, fmt.Errorf("%w: no order for %s", ErrCycle, strings.Join(left, ", "))
	}
	return order, nil
}

// checkCycles reports each strongly connected component of more than one
// step, and each step that depends on itself, as one cycle.
func (c *compiled) checkCycles() {
	index := make(map[string]int, len(c.nodes))
	order := make([]string, 0, len(c.nodes))
	for _, n := range c.nodes {
		if _, ok := index[n.step.Name()]; !ok {
			index[n.step.Name()] = len(order)
			order = append(order, n.step.Name())
		}
	}
	adj := make([][]int, len(order))
	self := make([]bool, len(order))
	for _, e := range c.edges {
		f, ok1 := index[e.From]
		t, ok2 := index[e.To]
		if !ok1 || !ok2 {
			continue
		}
		if f == t {
			self[f] = true
		}
		adj[f] = append(adj[f], t)
	}
	for _, comp := range tarjan(adj) {
		if len(comp) == 1 && !self[comp[0]] {
			continue
		}
		names := make([]string, len(comp))
		for i, v := range comp {
			names[i] = order[v]
		}
		c.refuse(stepErr(names[0], fmt.Errorf("%w: %s -> %s", ErrCycle, strings.Join(names, " -> "), names[0])))
	}
}

// tarjan returns the strongly connected components of a graph, each sorted
// by vertex number, ordered by their smallest vertex. It is iterative so
// that long chains do not grow the stack.
func tarjan(adj [][]int) [][]int {
	n := len(adj)
	idx := make([]int, n)
	low := make([]int, n)
	on := make([]bool, n)
	for i := range idx {
		idx[i] = -1
	}
	var stack []int
	var comps [][]int
	next := 0
	type frame struct{ v, i int }
	for root := range n {
		if idx[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		idx[root], low[root] = next, next
		next++
		stack = append(stack, root)
		on[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(adj[f.v]) {
				w := adj[f.v][f.i]
				f.i++
				if idx[w] < 0 {
					idx[w], low[w] = next, next
					next++
					stack = append(stack, w)
					on[w] = true
					call = append(call, frame{w, 0})
				} else if on[w] && idx[w] < low[f.v] {
					low[f.v] = idx[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				if u := call[len(call)-1].v; low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] == idx[v] {
				var comp []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					on[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				slices.Sort(comp)
				comps = append(comps, comp)
			}
		}
	}
	slices.SortFunc(comps, func(a, b []int) int { return a[0] - b[0] })
	return comps
}

// DOT renders the DAG in Graphviz DOT. Steps are boxes labelled with name
// and type, conditions diamonds, steps appended because they are only
// referenced gray; DependsOn edges are solid, data edges dashed, and a
// condition's edges to its branch steps labelled "if"/"else". The output is
// deterministic.
func (p *Pipeline) DOT() string { return p.Graph().DOT(p.name) }

// DOT renders g in Graphviz DOT under the given graph name.
func (g *Graph) DOT(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(name))
	b.WriteString("  rankdir=TB;\n  node [shape=box, style=rounded];\n")
	for _, n := range g.Nodes {
		label := n.Step.Name() + "\n" + string(n.Step.Type())
		attrs := "label=" + dotQuote(label)
		if n.Step.Type() == steps.TypeCondition {
			attrs += ", shape=diamond, style=solid"
		}
		if n.Appended {
			attrs += ", color=gray40"
		}
		fmt.Fprintf(&b, "  %s [%s];\n", dotQuote(n.Step.Name()), attrs)
	}
	for _, e := range g.Edges {
		var attrs string
		switch e.Kind {
		case DataEdge:
			attrs = " [style=dashed]"
		case IfEdge:
			attrs = ` [label="if"]`
		case ElseEdge:
			attrs = ` [label="else"]`
		}
		fmt.Fprintf(&b, "  %s -> %s%s;\n", dotQuote(e.From), dotQuote(e.To), attrs)
	}
	b.WriteString("}\n")
	return b.String()
}

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// Mermaid renders the DAG as a Mermaid flowchart: DependsOn edges as
// arrows, data edges as dotted arrows, branch edges labelled "if"/"else",
// conditions as rhombi. The output is deterministic.
func (p *Pipeline) Mermaid() string { return p.Graph().Mermaid() }

// Mermaid renders g as a Mermaid flowchart.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	ids := map[string]string{}
	for i, n := range g.Nodes {
		if _, ok := ids[n.Step.Name()]; ok {
			continue
		}
		id := "s" + strconv.Itoa(i)
		ids[n.Step.Name()] = id
		label := mermaidQuote(n.Step.Name() + "<br/>" + string(n.Step.Type()))
		if n.Step.Type() == steps.TypeCondition {
			fmt.Fprintf(&b, "  %s{%s}\n", id, label)
		} else {
			fmt.Fprintf(&b, "  %s[%s]\n", id, label)
		}
	}
	for _, e := range g.Edges {
		from, to := ids[e.From], ids[e.To]
		if from == "" || to == "" {
			continue
		}
		switch e.Kind {
		case DataEdge:
			fmt.Fprintf(&b, "  %s -.-> %s\n", from, to)
		case IfEdge, ElseEdge:
			fmt.Fprintf(&b, "  %s -->|%s| %s\n", from, e.Kind, to)
		default:
			fmt.Fprintf(&b, "  %s --> %s\n", from, to)
		}
	}
	return b.String()
}

func mermaidQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, "#quot;") + `"`
}
