package dataset

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// OpStats are one operator's figures from one execution.
type OpStats struct {
	// Name is the operator, e.g. "Read(ParquetDatasource)" or "MapBatches".
	Name string
	// Time is the time spent in the operator's own work, summed over the
	// tasks that ran it (so it can exceed the wall time).
	Time time.Duration
	// Blocks, Rows and Bytes count the operator's output.
	Blocks int
	Rows   int64
	Bytes  int64
}

// Stats are the figures of a dataset's last execution.
type Stats struct {
	// Ops lists the operators in plan order, source first.
	Ops []OpStats
	// Wall is the execution's wall-clock time.
	Wall time.Duration
	// PeakBytes is the most block bytes in flight at once in the streaming
	// executor (the figure bounded by Options.MemoryBudget). Inputs held by
	// barriers (shuffle, sort, repartition, splits) are not in flight and
	// are not counted.
	PeakBytes int64
	// MemoryBudget is the budget the execution ran under.
	MemoryBudget int64
}

// String renders the stats as a table, one operator per line.
func (s *Stats) String() string {
	if s == nil {
		return "no execution yet"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "wall %v, peak in flight %s of budget %s\n", s.Wall.Round(time.Microsecond), fmtBytes(s.PeakBytes), fmtBytes(s.MemoryBudget))
	for _, o := range s.Ops {
		fmt.Fprintf(&b, "  %-40s time %-12v blocks %-6d rows %-10d bytes %s\n", o.Name, o.Time.Round(time.Microsecond), o.Blocks, o.Rows, fmtBytes(o.Bytes))
	}
	return b.String()
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// execStats collects OpStats while an execution runs.
type execStats struct {
	mu    sync.Mutex
	ops   []OpStats
	index map[*node]int
}

func newExecStats() *execStats { return &execStats{index: map[*node]int{}} }

// op returns n's index, registering it on first use.
func (s *execStats) op(n *node) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[n]; ok {
		return i
	}
	s.ops = append(s.ops, OpStats{Name: n.name})
	s.index[n] = len(s.ops) - 1
	return len(s.ops) - 1
}

func (s *execStats) addTime(op int, d time.Duration) {
	s.mu.Lock()
	s.ops[op].Time += d
	s.mu.Unlock()
}

func (s *execStats) addOut(op int, b *Block) {
	n := b.SizeBytes()
	s.mu.Lock()
	o := &s.ops[op]
	o.Blocks++
	o.Rows += int64(b.NumRows())
	o.Bytes += n
	s.mu.Unlock()
}

func (s *execStats) snapshot() []OpStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]OpStats(nil), s.ops...)
}

// register adds the plan's operators in plan order, inputs first.
func (s *execStats) register(n *node) {
	for _, in := range n.in {
		s.register(in)
	}
	s.op(n)
}
