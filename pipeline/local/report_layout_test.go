package local

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// randomLayoutDAG returns a pipeline of n Lambda steps, each depending on up to
// three earlier ones, with a condition whose branches hold two more.
func randomLayoutDAG(n int, seed uint64) *pipeline.Graph {
	r := rand.New(rand.NewPCG(seed, 1))
	var all []steps.Entity
	var names []string
	for i := range n {
		s := steps.Lambda(fmt.Sprintf("s%03d", i), "arn:aws:lambda:us-east-1:111122223333:function:f", nil)
		if i > 0 {
			var deps []string
			for range r.IntN(4) {
				deps = append(deps, names[r.IntN(i)])
			}
			s = s.DependsOnNames(deps...)
		}
		names = append(names, s.Name())
		all = append(all, s)
	}
	yes := steps.Fail("Yes", params.Lit("yes"))
	no := steps.Fail("No", params.Lit("no"))
	all = append(all, steps.When("Check", steps.Equals[bool](params.Boolean("B").WithDefault(true), params.Lit(true))).
		DependsOnNames(names[n-1]).Then(yes).Else(no))
	return pipeline.New("p").Steps(all...).Graph()
}

// Every edge goes down at least one layer, a step's layer is the longest
// path to it, and no two boxes overlap.
func TestLayoutDAG(t *testing.T) {
	for _, n := range []int{1, 2, 10, 60} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			g := randomLayoutDAG(n, uint64(n))
			l := layoutDAG(g)
			if len(l.Nodes) != n+3 {
				t.Fatalf("%d nodes, want %d", len(l.Nodes), n+3)
			}
			longest := make([]int, len(l.Nodes))
			for range l.Nodes { // relax until fixed: n rounds suffice on a DAG
				for _, e := range l.Edges {
					longest[e.To] = max(longest[e.To], longest[e.From]+1)
				}
			}
			for i, nd := range l.Nodes {
				if nd.Layer != longest[i] {
					t.Errorf("%s is in layer %d, want %d", nd.Name, nd.Layer, longest[i])
				}
			}
			for _, e := range l.Edges {
				f, to := l.Nodes[e.From], l.Nodes[e.To]
				if to.Y <= f.Y {
					t.Errorf("edge %s -> %s does not go down", f.Name, to.Name)
				}
				if len(e.Via) != to.Layer-f.Layer-1 {
					t.Errorf("edge %s -> %s spans %d layers with %d lanes", f.Name, to.Name, to.Layer-f.Layer, len(e.Via))
				}
			}
			for i, a := range l.Nodes {
				if a.X < 0 || a.Y < 0 || a.X+dagNodeW > l.Width || a.Y+dagNodeH > l.Height {
					t.Errorf("%s lies outside the drawing", a.Name)
				}
				for _, b := range l.Nodes[i+1:] {
					if a.X < b.X+dagNodeW && b.X < a.X+dagNodeW && a.Y < b.Y+dagNodeH && b.Y < a.Y+dagNodeH {
						t.Errorf("%s and %s overlap", a.Name, b.Name)
					}
				}
			}
		})
	}
}

// The branch steps of a condition sit one layer below it, and edges keep
// their kinds.
func TestLayoutDAGBranches(t *testing.T) {
	l := layoutDAG(randomLayoutDAG(3, 7))
	layer := map[string]int{}
	for _, n := range l.Nodes {
		layer[n.Name] = n.Layer
	}
	if layer["Yes"] != layer["Check"]+1 || layer["No"] != layer["Check"]+1 {
		t.Errorf("branch steps in layers %d and %d, condition in %d", layer["Yes"], layer["No"], layer["Check"])
	}
	var kinds []string
	for _, e := range l.Edges {
		if l.Nodes[e.From].Name == "Check" {
			kinds = append(kinds, l.Nodes[e.To].Name+" "+e.Kind.String())
		}
	}
	if diff := cmp.Diff([]string{"Yes if", "No else"}, kinds); diff != "" {
		t.Errorf("branch edges (-want +got):\n%s", diff)
	}
	if layoutDAG(nil).Nodes != nil {
		t.Error("a nil graph has nodes")
	}
}

func BenchmarkWriteReport(b *testing.B) {
	for _, n := range []int{200, 1000} {
		g := randomLayoutDAG(n, 1)
		e := &pipeline.Execution{ID: "e", Pipeline: "p", Status: pipeline.ExecutionSucceeded}
		for _, nd := range g.Nodes {
			e.Steps = append(e.Steps, pipeline.StepRecord{Name: nd.Step.Name(), Type: string(nd.Step.Type()), Status: pipeline.StepSucceeded, Attempts: 1})
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if err := WriteReport(io.Discard, g, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
