package boost

import (
	"fmt"
	"math"
)

// diffTreeSets returns the first difference between two models' trees,
// every array compared bit for bit, or "".
func diffTreeSets(ours, want []Tree) string { return diffTreeSetsULP(ours, want, 0) }

// ulpDiff is the distance between two float32 values in units in the
// last place.
func ulpDiff(a, b float32) uint32 {
	ka, kb := orderedBits(a), orderedBits(b)
	if ka > kb {
		return ka - kb
	}
	return kb - ka
}

// diffTreeSetsULP is diffTreeSets with the structure (children, features,
// split conditions, default directions) compared bit for bit and the
// loss changes, weights, leaf values and hessian sums within ulps units
// in the last place.
func diffTreeSetsULP(ours, want []Tree, ulps uint32) string {
	if len(ours) != len(want) {
		return fmt.Sprintf("%d trees, want %d", len(ours), len(want))
	}
	for k := range ours {
		a, b := &ours[k], &want[k]
		if len(a.Left) != len(b.Left) {
			return fmt.Sprintf("tree %d: %d nodes, want %d", k, len(a.Left), len(b.Left))
		}
		for n := range a.Left {
			leaf := a.IsLeaf(n)
			switch {
			case a.Left[n] != b.Left[n] || a.Right[n] != b.Right[n]:
				return fmt.Sprintf("tree %d node %d: children %d/%d, want %d/%d", k, n, a.Left[n], a.Right[n], b.Left[n], b.Right[n])
			case !leaf && a.SplitIndex[n] != b.SplitIndex[n]:
				return fmt.Sprintf("tree %d node %d: feature %d, want %d", k, n, a.SplitIndex[n], b.SplitIndex[n])
			case !leaf && math.Float32bits(a.SplitCond[n]) != math.Float32bits(b.SplitCond[n]),
				leaf && ulpDiff(a.SplitCond[n], b.SplitCond[n]) > ulps:
				return fmt.Sprintf("tree %d node %d (leaf %v): split condition %v, want %v", k, n, leaf, a.SplitCond[n], b.SplitCond[n])
			case !leaf && a.DefaultLeft[n] != b.DefaultLeft[n]:
				return fmt.Sprintf("tree %d node %d: default left %v, want %v", k, n, a.DefaultLeft[n], b.DefaultLeft[n])
			case ulpDiff(a.LossChange[n], b.LossChange[n]) > ulps:
				return fmt.Sprintf("tree %d node %d: loss change %v, want %v", k, n, a.LossChange[n], b.LossChange[n])
			case ulpDiff(a.BaseWeight[n], b.BaseWeight[n]) > ulps:
				return fmt.Sprintf("tree %d node %d: base weight %v, want %v", k, n, a.BaseWeight[n], b.BaseWeight[n])
			case ulpDiff(a.SumHess[n], b.SumHess[n]) > ulps:
				return fmt.Sprintf("tree %d node %d: sum hessian %v, want %v", k, n, a.SumHess[n], b.SumHess[n])
			}
		}
	}
	return ""
}
