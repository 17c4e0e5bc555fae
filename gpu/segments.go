package gpu

import "fmt"

// segments records which part of the row index holds each node's rows:
// node k's rows are ridx[lo[k]:hi[k]]. Both sessions keep it on the host.
type segments struct {
	lo, hi []int64
	known  []bool
}

// reset puts all rows in node 0.
func (s *segments) reset(rows int) {
	s.lo, s.hi, s.known = s.lo[:0], s.hi[:0], s.known[:0]
	s.set(0, 0, int64(rows))
}

func (s *segments) set(node int32, lo, hi int64) {
	for len(s.lo) <= int(node) {
		s.lo, s.hi, s.known = append(s.lo, 0), append(s.hi, 0), append(s.known, false)
	}
	s.lo[node], s.hi[node], s.known[node] = lo, hi, true
}

// get returns node's segment.
func (s *segments) get(node int32) (lo, hi int64, err error) {
	if node < 0 || int(node) >= len(s.known) || !s.known[node] {
		return 0, 0, fmt.Errorf("gpu: node %d has no rows in this tree", node)
	}
	return s.lo[node], s.hi[node], nil
}

// checkSplits checks that the nodes to split have rows and the children
// are new.
func (s *segments) checkSplits(d *Data, splits []PartitionSplit) error {
	for _, sp := range splits {
		if _, _, err := s.get(sp.Node); err != nil {
			return err
		}
		if sp.Feature < 0 || int(sp.Feature) >= d.Features {
			return fmt.Errorf("gpu: split of node %d on feature %d of %d", sp.Node, sp.Feature, d.Features)
		}
		if sp.Left < 0 || sp.Right < 0 {
			return fmt.Errorf("gpu: split of node %d into children %d, %d", sp.Node, sp.Left, sp.Right)
		}
	}
	return nil
}

// featureMask converts a feature list to a mask (nil for all features).
func featureMask(nf int, feats []int32) ([]bool, error) {
	if feats == nil {
		return nil, nil
	}
	m := make([]bool, nf)
	for _, f := range feats {
		if f < 0 || int(f) >= nf {
			return nil, fmt.Errorf("gpu: feature %d of %d", f, nf)
		}
		m[f] = true
	}
	return m, nil
}

// tableChunk is the number of rows one block of the histogram and leaf
// kernels covers; partitions use partChunk, the kernels' PART_CHUNK.
const (
	tableChunk = 4096
	partChunk  = 512
)

// segmentTable describes work over node segments as (index, start, end)
// triples of at most chunk rows, the tables the kernels read.
func segmentTable(table []int64, index int, lo, hi int64, chunk int64) []int64 {
	for a := lo; a < hi; a += chunk {
		table = append(table, int64(index), a, min(a+chunk, hi))
	}
	return table
}
