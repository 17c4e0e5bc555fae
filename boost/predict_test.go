package boost

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// walkTree is the plain definition of prediction, used to check the
// predictor: follow the tree from the root until a leaf.
func walkTree(t *Tree, x []float32) int32 {
	n := int32(0)
	for !t.IsLeaf(int(n)) {
		v := x[t.SplitIndex[n]]
		switch {
		case math.IsNaN(float64(v)):
			if t.DefaultLeft[n] {
				n = t.Left[n]
			} else {
				n = t.Right[n]
			}
		case v < t.SplitCond[n]:
			n = t.Left[n]
		default:
			n = t.Right[n]
		}
	}
	return n
}

// walkModel predicts the rows of x by walking every tree with walkTree,
// summing in float32 from the base margin 0.5 in tree order: the
// reference the predictor's walks are checked against. It returns the
// margins (rows x groups) and the leaf of every row in every tree.
func walkModel(m *Model, x []float32) (margin []float32, leaves []int32) {
	g, nt, nf := m.NumGroups(), len(m.Trees), m.NumFeature
	rows := len(x) / nf
	margin, leaves = make([]float32, rows*g), make([]int32, rows*nt)
	for r := range rows {
		row := x[r*nf : (r+1)*nf]
		for k := range g {
			margin[r*g+k] = 0.5
		}
		for ti := range m.Trees {
			leaf := walkTree(&m.Trees[ti], row)
			leaves[r*nt+ti] = leaf
			margin[r*g+int(m.TreeInfo[ti])] += m.Trees[ti].SplitCond[leaf]
		}
	}
	return margin, leaves
}

func TestPredictorMatchesTreeWalk(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct {
		obj     string
		classes int
		depth   int
	}{{ObjSquaredError, 0, 6}, {ObjMultiSoftprob, 3, 6}, {ObjSquaredError, 0, 14}} {
		// Depth 14 gives trees deeper than maxDenseDepth: the sparse layout.
		m := randomModel(rng, c.obj, 7, c.classes, 20, c.depth)
		if c.depth > maxDenseDepth {
			deep := 0
			for ti := range m.Trees {
				if treeDepth(&m.Trees[ti]) > maxDenseDepth {
					deep++
				}
			}
			if deep == 0 {
				t.Fatal("no tree deeper than maxDenseDepth")
			}
		}
		x := randomRows(rng, 1000, m.NumFeature)
		var want1 []float32
		for _, threads := range []int{1, 2, 7} {
			p, err := m.NewPredictor(PredictOptions{Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			margin, err := p.Margin(ctx, x)
			if err != nil {
				t.Fatal(err)
			}
			leaves, err := p.Leaves(ctx, x)
			if err != nil {
				t.Fatal(err)
			}
			want, wantLeaves := walkModel(m, x)
			if diff := cmp.Diff(wantLeaves, leaves); diff != "" {
				t.Fatalf("%s threads=%d: leaves differ (-walk +predictor):\n%s", c.obj, threads, diff)
			}
			if diff := cmp.Diff(bitsOf(want), bitsOf(margin)); diff != "" {
				t.Fatalf("%s threads=%d: margins differ (-walk +predictor):\n%s", c.obj, threads, diff)
			}
			if want1 == nil {
				want1 = margin
			}
		}
	}
}

func TestIterationRange(t *testing.T) {
	ctx := context.Background()
	m := loadRef(t, "model.json")
	x, _ := refData(t, "pred_reg_valid100.csv", "prediction_f32_bits")
	full, err := m.PredictMargin(ctx, x, PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := m.PredictMargin(ctx, x, PredictOptions{IterationEnd: 40})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := m.PredictMargin(ctx, x, PredictOptions{IterationBegin: 40, IterationEnd: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := range full {
		// Both parts start from the base margin 0.5; float32 sums differ in
		// the order of addition, so compare with a tolerance.
		if d := math.Abs(float64(first[i]+rest[i]-0.5) - float64(full[i])); d > 1e-6*math.Abs(float64(full[i])) {
			t.Fatalf("row %d: %v + %v - 0.5 != %v", i, first[i], rest[i], full[i])
		}
	}
	for _, bad := range []PredictOptions{{IterationBegin: -1}, {IterationEnd: 101}, {IterationBegin: 50, IterationEnd: 40}} {
		if _, err := m.NewPredictor(bad); !errors.Is(err, ErrInput) {
			t.Errorf("%+v: error %v, want ErrInput", bad, err)
		}
	}
}

func TestPredictInputErrors(t *testing.T) {
	m := loadRef(t, "model.json")
	ctx := context.Background()
	if _, err := m.PredictMargin(ctx, make([]float32, 9), PredictOptions{}); !errors.Is(err, ErrInput) {
		t.Errorf("9 values for 8 features: %v, want ErrInput", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.PredictMargin(cancelled, make([]float32, 8*1000), PredictOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if _, err := RowMajor([][]float64{{1, 2}, {3}}); !errors.Is(err, ErrInput) {
		t.Errorf("ragged columns: %v, want ErrInput", err)
	}
	got, err := RowMajor([][]float64{{1, 2}, {3, math.NaN()}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 1 || got[1] != 3 || got[2] != 2 || !math.IsNaN(float64(got[3])) {
		t.Errorf("RowMajor = %v", got)
	}
	bad := *m
	bad.TreeInfo = bad.TreeInfo[:10]
	if _, err := bad.NewPredictor(PredictOptions{}); !errors.Is(err, ErrModelFormat) {
		t.Errorf("short tree_info: %v, want ErrModelFormat", err)
	}
}

func TestTransform(t *testing.T) {
	cases := []struct {
		obj    string
		groups int
		in     []float32
		want   []float32
	}{
		{ObjSquaredError, 1, []float32{-1, 2}, []float32{-1, 2}},
		{ObjBinaryLogitRaw, 1, []float32{-1, 2}, []float32{-1, 2}},
		{ObjBinaryHinge, 1, []float32{-1, 0, 2}, []float32{0, 0, 1}},
		{ObjBinaryLogistic, 1, []float32{0, 100}, []float32{0.5, 1}},
		{ObjCountPoisson, 1, []float32{0, 1}, []float32{1, float32(math.E)}},
		{ObjMultiSoftmax, 3, []float32{1, 3, 3, 0, -1, -2}, []float32{1, 0}},
		{ObjMultiSoftprob, 2, []float32{0, 0, 5, 5}, []float32{0.5, 0.5, 0.5, 0.5}},
	}
	// XGBoost clips the exponent at 88.7, so a very negative margin gives
	// a tiny positive probability, never 0.
	if a, b := Sigmoid(-100), Sigmoid(-88.7); a != b || a <= 0 {
		t.Errorf("Sigmoid(-100) = %v, Sigmoid(-88.7) = %v", a, b)
	}
	for _, c := range cases {
		t.Run(c.obj, func(t *testing.T) {
			if diff := cmp.Diff(c.want, Transform(c.obj, c.in, c.groups)); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestCanonical builds a tree whose siblings are not adjacent and checks
// that Canonical renumbers it without changing any prediction.
func TestCanonical(t *testing.T) {
	// Root splits feature 0 at 0: left is node 2 (a leaf), right is node 1,
	// which splits feature 1 at 1 into leaves 4 (left) and 3 (right).
	tr := Tree{
		Left:        []int32{2, 4, -1, -1, -1},
		Right:       []int32{1, 3, -1, -1, -1},
		Parent:      []int32{RootParent, 0, 0, 1, 1},
		SplitIndex:  []int32{0, 1, 0, 0, 0},
		SplitCond:   []float32{0, 1, 10, 30, 20},
		DefaultLeft: []bool{true, false, false, false, false},
		BaseWeight:  make([]float32, 5),
		LossChange:  make([]float32, 5),
		SumHess:     []float32{4, 3, 1, 2, 1},
		NumFeature:  2,
	}
	if err := tr.Validate(); err != nil {
		t.Fatal(err)
	}
	c := tr.Canonical()
	for n := range c.Left {
		if c.Left[n] != -1 && c.Right[n] != c.Left[n]+1 {
			t.Fatalf("node %d: children %d, %d", n, c.Left[n], c.Right[n])
		}
	}
	nan := float32(math.NaN())
	for _, x := range [][]float32{{-1, 0}, {0, 0}, {0, 1}, {nan, 5}, {1, nan}} {
		if a, b := tr.SplitCond[walkTree(&tr, x)], c.SplitCond[walkTree(&c, x)]; a != b {
			t.Errorf("x=%v: %v before, %v after", x, a, b)
		}
	}
	m := &Model{Objective: ObjSquaredError, NumFeature: 2, Trees: []Tree{tr}, TreeInfo: []int32{0}}
	data, err := m.Encode(FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeModel(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back.Trees[0]); diff != "" {
		t.Errorf("saved tree is not the canonical one:\n%s", diff)
	}
}

// TestCleanRowsAndLeafTrees predicts rows without missing values (the
// dense walk's fast path) for row counts around the block size, with
// single-leaf trees at the start and the end of the model.
func TestCleanRowsAndLeafTrees(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(17, 18))
	m := randomModel(rng, ObjSquaredError, 5, 0, 30, 8)
	m.Trees = append([]Tree{NewTree(5, 0.5, 10)}, append(m.Trees, NewTree(5, 0.25, 10))...)
	m.TreeInfo = append(m.TreeInfo, 0, 0)
	p, err := m.NewPredictor(PredictOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{1, 2, 3, 63, 64, 65, 1000} {
		x := randomRows(rng, rows, 5)
		for i, v := range x {
			if v != v {
				x[i] = gridValue(rng)
			}
		}
		leaves, err := p.Leaves(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		margin, err := p.Margin(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		nt := len(m.Trees)
		for r := 0; r < rows; r++ {
			want := float32(0.5)
			for ti := range m.Trees {
				leaf := walkTree(&m.Trees[ti], x[r*5:(r+1)*5])
				if got := leaves[r*nt+ti]; got != leaf {
					t.Fatalf("%d rows: row %d tree %d: leaf %d, want %d", rows, r, ti, got, leaf)
				}
				want += m.Trees[ti].SplitCond[leaf]
			}
			if margin[r] != want {
				t.Fatalf("%d rows: row %d: margin %v, want %v", rows, r, margin[r], want)
			}
		}
	}
}
