package boost

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPartitionVector checks the vector partition kernels (where the
// processor has them) against a stable filter: ascending row lists of
// every length from 0 to 80 and of 5000 rows, thresholds from -1 (none
// left) to 255 (all left), and guards past the rows that no write may
// touch.
func TestPartitionVector(t *testing.T) { checkPartitionVector(t) }

func checkPartitionVector(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 20000
	col := make([]uint8, n)
	for i := range col {
		col[i] = uint8(rng.IntN(256))
	}
	const guard = 40
	lengths := append(slices.Collect(func(yield func(int) bool) {
		for m := 0; m <= 80; m++ {
			if !yield(m) {
				return
			}
		}
	}), 5000)
	for _, m := range lengths {
		var src []int32
		for i := 0; len(src) < m; i += 1 + rng.IntN(3) {
			src = append(src, int32(i))
		}
		for _, bin := range []int32{-1, 0, 1, 100, 127, 254, 255} {
			var wantL, wantR []int32
			for _, r := range src {
				if int32(col[r]) <= bin {
					wantL = append(wantL, r)
				} else {
					wantR = append(wantR, r)
				}
			}
			dst, dstR := make([]int32, m+guard), make([]int32, m+guard)
			for i := range dst {
				dst[i], dstR[i] = -7, -7
			}
			k, left := partitionVector(src, col, bin, dst[:m], dstR[:m])
			if k != 0 && k != m&^15 {
				t.Fatalf("%d rows: the kernel took %d", m, k)
			}
			name := fmt.Sprintf("%d rows, bin %d", m, bin)
			wl := 0
			for _, r := range src[:k] {
				wl += boolInt(int32(col[r]) <= bin)
			}
			if left != wl {
				t.Fatalf("%s: %d left, want %d", name, left, wl)
			}
			if diff := cmp.Diff(wantL[:left], dst[:left], cmpEmpty); diff != "" {
				t.Fatalf("%s: left rows (-want +got):\n%s", name, diff)
			}
			if diff := cmp.Diff(wantR[:k-left], dstR[:k-left], cmpEmpty); diff != "" {
				t.Fatalf("%s: right rows (-want +got):\n%s", name, diff)
			}
			for i := m; i < m+guard; i++ {
				if dst[i] != -7 || dstR[i] != -7 {
					t.Fatalf("%s: entry %d past the rows written", name, i)
				}
			}
		}
	}
}

// partitionShard returns a shard of n rows and nf features, one in three
// with missing values, on threads goroutines.
func partitionShard(t *testing.T, n, nf, threads, groups int) *shard {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), uint64(nf)))
	cols := make([][]float32, nf)
	for f := range cols {
		cols[f] = make([]float32, n)
		for i := range cols[f] {
			cols[f][i] = float32(rng.IntN(50 + 100*f))
			if f%3 == 2 && rng.IntN(7) == 0 {
				cols[f][i] = float32(math.NaN())
			}
		}
	}
	d, err := NewDMatrix32(cols, make([]float32, n))
	if err != nil {
		t.Fatal(err)
	}
	s := newShard(d, 0, buildCuts(d, 256, 1), groups, threads)
	s.lo, s.hi = []int32{0}, []int32{int32(n)}
	for i := range s.pos {
		s.pos[i] = int32(i)
	}
	return s
}

// goesLeft is the reference decision of a split for row r.
func (s *shard) goesLeft(r splitReq, row int32) bool {
	f := int(r.feature)
	b := s.colBins[f*s.n+int(row)]
	if s.cuts.hasMiss[f] && isMissing(b, s.cuts.missCode(f), s.cuts.aliased(f), s.d.cols[f], row) {
		return r.defaultLeft
	}
	return int32(b) <= r.bin
}

// randomLevels splits the shard's nodes level by level (levels times)
// with random features and bins, the last level's splits final when
// final is set, checking every partition against a stable filter of its
// parent's rows. It returns the leaves.
func randomLevels(t *testing.T, s *shard, rng *rand.Rand, levels int, final bool) []int32 {
	t.Helper()
	level := []int32{0}
	next := int32(1)
	var leaves []int32
	for d := 0; d < levels; d++ {
		var reqs []splitReq
		var nextLevel []int32
		for _, nd := range level {
			if rng.IntN(6) == 0 { // a leaf before the last level
				leaves = append(leaves, nd)
				continue
			}
			r := splitReq{node: nd, left: next, right: next + 1, feature: int32(rng.IntN(s.nf)),
				bin: int32(rng.IntN(60)) - 1, defaultLeft: rng.IntN(2) == 0, final: final && d == levels-1}
			reqs = append(reqs, r)
			next += 2
		}
		parents := map[int32][]int32{}
		for _, r := range reqs {
			parents[r.node] = slices.Clone(s.pos[s.lo[r.node]:s.hi[r.node]])
		}
		counts := s.applySplits(reqs)
		for j, r := range reqs {
			if r.final {
				leaves = append(leaves, r.left, r.right)
				continue
			}
			var wantL, wantR []int32
			for _, row := range parents[r.node] {
				if s.goesLeft(r, row) {
					wantL = append(wantL, row)
				} else {
					wantR = append(wantR, row)
				}
			}
			if counts[j] != len(wantL) {
				t.Fatalf("level %d node %d: %d rows left, want %d", d, r.node, counts[j], len(wantL))
			}
			if diff := cmp.Diff(wantL, s.pos[s.lo[r.left]:s.hi[r.left]], cmpEmpty); diff != "" {
				t.Fatalf("level %d node %d left rows (-want +got):\n%s", d, r.node, diff)
			}
			if diff := cmp.Diff(wantR, s.pos[s.lo[r.right]:s.hi[r.right]], cmpEmpty); diff != "" {
				t.Fatalf("level %d node %d right rows (-want +got):\n%s", d, r.node, diff)
			}
			nextLevel = append(nextLevel, r.left, r.right)
		}
		level = nextLevel
	}
	return append(leaves, level...)
}

// cmpEmpty makes nil and empty row lists equal.
var cmpEmpty = cmp.Comparer(func(a, b []int32) bool { return slices.Equal(a, b) })

// TestApplySplitsStable splits random nodes for five levels, on data
// with and without missing values, with 1 and 2 threads, and checks
// every child's rows, in order, against a stable filter of its
// parent's: the vector kernels, their scalar tails, the missing-value
// path and the merge of the tasks' parts.
func TestApplySplitsStable(t *testing.T) {
	for _, n := range []int{1, 15, 16, 17, 1000, 3*partChunk + 77} {
		for _, threads := range []int{1, 2} {
			t.Run(fmt.Sprintf("n=%d/threads=%d", n, threads), func(t *testing.T) {
				s := partitionShard(t, n, 4, threads, 1)
				randomLevels(t, s, rand.New(rand.NewPCG(uint64(n), 1)), 5, false)
			})
		}
	}
}

// TestAddLeavesByRowMatchesByNode adds leaf values to the margins of
// random trees, with final splits on features with and without missing
// values, for one and for three output groups, row by row and node by
// node: the margins must agree bit for bit.
func TestAddLeavesByRowMatchesByNode(t *testing.T) {
	for _, n := range []int{1, 100, 3*leafRowsChunk + 5} {
		for _, groups := range []int{1, 3} {
			t.Run(fmt.Sprintf("n=%d/groups=%d", n, groups), func(t *testing.T) {
				s := partitionShard(t, n, 4, 2, groups)
				rng := rand.New(rand.NewPCG(uint64(n), uint64(groups)))
				for i := range s.margin {
					s.margin[i] = float32(rng.NormFloat64())
				}
				s.margin[0] = float32(math.Copysign(0, -1))
				leaves := randomLevels(t, s, rng, 4, true)
				values := make([]float32, len(leaves))
				for i := range values {
					values[i] = float32(rng.NormFloat64())
				}
				before := slices.Clone(s.margin)
				want := slices.Clone(s.margin)
				s.margin, want = want, s.margin
				s.addLeavesByNode(groups-1, leaves, values)
				s.margin, want = want, s.margin
				s.addLeavesByRow(groups-1, leaves, values)
				if !slices.EqualFunc(want, s.margin, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
					t.Fatal("the margins differ")
				}
				// Every row of group groups-1 got a leaf's value.
				for i := range n {
					for k := range groups {
						j := i*groups + k
						if changed := math.Float32bits(before[j]) != math.Float32bits(want[j]); changed != (k == groups-1) {
							t.Fatalf("row %d group %d: %v -> %v", i, k, before[j], want[j])
						}
					}
				}
			})
		}
	}
}
