package gpu

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// TestGradSoftmaxMaximum checks that the softmax gradient takes its
// maximum from FLT_MIN up, as XGBoost does: margins all below FLT_MIN are
// not shifted, so rows whose margins all lie below expf's underflow
// threshold get XGBoost's 0/0 probabilities.
func TestGradSoftmaxMaximum(t *testing.T) {
	// want is the gradient computed from the margins unshifted
	// (m - FLT_MIN rounds to m for these).
	want := func(m []float32, y int) (g, h []float32) {
		var sum float64
		for _, v := range m {
			sum += float64(glibcf.Expf(v))
		}
		for j, v := range m {
			p := glibcf.Expf(v) / float32(sum)
			gj := p
			if j == y {
				gj = p - 1
			}
			g = append(g, gj)
			h = append(h, max(float32(2*p)*(1-p), 1e-16))
		}
		return g, h
	}
	for _, c := range []struct {
		name   string
		m      []float32
		y      int
		allNaN bool
	}{
		{name: "negative", m: []float32{-1, -2.5, -0.5, -7}, y: 2},
		{name: "negative and zero", m: []float32{0, -3, -0.25}, y: 0},
		{name: "below underflow", m: []float32{-200, -300, -250}, y: 1, allNaN: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := len(c.m)
			g, h := make([]float32, k), make([]float32, k)
			gradSoftmax(c.m, []float32{float32(c.y)}, nil, k, g, h)
			if c.allNaN {
				for j := range g {
					if g[j] == g[j] || h[j] == h[j] {
						t.Errorf("class %d: g %v, h %v; want NaN (0/0)", j, g[j], h[j])
					}
				}
				return
			}
			wg, wh := want(c.m, c.y)
			if diff := cmp.Diff(wg, g); diff != "" {
				t.Errorf("g (-unshifted +gradSoftmax):\n%s", diff)
			}
			if diff := cmp.Diff(wh, h); diff != "" {
				t.Errorf("h (-unshifted +gradSoftmax):\n%s", diff)
			}
		})
	}
}

// TestAdd64 checks that the kernels' two-word addition with carry is
// int64 addition, which the histogram reference uses.
func TestAdd64(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var words [2]uint32
	var sum int64
	vals := []int64{-1, 1, math.MaxUint32, -math.MaxUint32, 1 << 40, -(1 << 40), math.MaxInt64 / 4}
	for i := 0; i < 100000; i++ {
		vals = append(vals, int64(rng.Uint64())>>uint(rng.IntN(64)))
	}
	for _, v := range vals {
		add64(&words, v)
		sum += v
		if got := int64(uint64(words[1])<<32 | uint64(words[0])); got != sum {
			t.Fatalf("after adding %d: words give %d, int64 sum %d", v, got, sum)
		}
	}
}

func TestOrderKey(t *testing.T) {
	vs := []float32{float32(math.Inf(-1)), -3, -1e-30, 0, 1e-30, 2, 5, float32(math.Inf(1))}
	for i := range vs {
		if fromOrderKey(orderKey(vs[i])) != vs[i] {
			t.Errorf("round trip of %v", vs[i])
		}
		if i > 0 && !(orderKey(vs[i-1]) < orderKey(vs[i])) {
			t.Errorf("order of %v and %v", vs[i-1], vs[i])
		}
	}
}

// testData returns n rows of nf features with random bins (up to 255
// value bins per feature, some missing) and regression labels.
func testData(n, nf int, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 9))
	d := Data{Rows: n, Features: nf, Groups: 1, Bins: make([]uint8, n*nf), Offsets: make([]int32, nf+1),
		Values: make([]int32, nf), HasMissing: make([]bool, nf), Labels: make([]float32, n)}
	for f := 0; f < nf; f++ {
		d.Values[f] = int32(1 + rng.IntN(255))
		d.HasMissing[f] = f%2 == 0
		d.Offsets[f+1] = d.Offsets[f] + d.Values[f] + 1
	}
	for i := 0; i < n; i++ {
		for f := 0; f < nf; f++ {
			b := rng.IntN(int(d.Values[f]))
			if d.HasMissing[f] && rng.IntN(10) == 0 {
				b = int(d.Values[f])
			}
			d.Bins[i*nf+f] = uint8(b)
		}
		d.Labels[i] = float32(rng.NormFloat64())
	}
	return d
}

// TestReferenceSession drives a reference session through one tree and
// checks its bookkeeping: node sums, subtraction, stable partitions and
// the margins.
func TestReferenceSession(t *testing.T) {
	ctx := context.Background()
	d := testData(5000, 5, 1)
	s, err := NewReference(d)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Gradients(ctx, Objective{Kind: SquaredError, ScalePosWeight: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.BuildHists(ctx, []int32{0}); err == nil {
		t.Error("BuildHists before Quantise succeeded")
	}
	q := Quantiser{ScaleG: 1 << 40, ScaleH: 1 << 40, SampleThreshold: math.MaxUint64}
	if err := s.Quantise(ctx, q); err != nil {
		t.Fatal(err)
	}
	if err := s.BuildHists(ctx, []int32{0}); err != nil {
		t.Fatal(err)
	}
	root, _ := s.Hist(ctx, 0)
	// Every feature's slots add up to the node's sum.
	var sum Pair
	for _, p := range root[d.Offsets[0]:d.Offsets[1]] {
		sum.G, sum.H = sum.G+p.G, sum.H+p.H
	}
	for f := 1; f < d.Features; f++ {
		var fs Pair
		for _, p := range root[d.Offsets[f]:d.Offsets[f+1]] {
			fs.G, fs.H = fs.G+p.G, fs.H+p.H
		}
		if fs != sum {
			t.Errorf("feature %d sums to %v, feature 0 to %v", f, fs, sum)
		}
	}
	if sum.H != int64(d.Rows)<<40 {
		t.Errorf("hessian sum %d, want %d", sum.H, int64(d.Rows)<<40)
	}
	sp, err := s.Evaluate(ctx, SplitParams{Lambda: 1, MinChildWeight: 1}, []EvalNode{{Node: 0, Sum: sum}})
	if err != nil {
		t.Fatal(err)
	}
	if sp[0].Feature < 0 {
		t.Fatal("no split of the root")
	}
	ps := PartitionSplit{Node: 0, Left: 1, Right: 2, Feature: sp[0].Feature, Bin: sp[0].Bin, DefaultLeft: sp[0].DefaultLeft}
	counts, err := s.Partition(ctx, []PartitionSplit{ps})
	if err != nil {
		t.Fatal(err)
	}
	left, _ := s.Rows(ctx, 1)
	right, _ := s.Rows(ctx, 2)
	if int64(len(left)) != counts[0] || len(left)+len(right) != d.Rows {
		t.Fatalf("%d left (counted %d), %d right of %d", len(left), counts[0], len(right), d.Rows)
	}
	// Stable: each side ascending, as the identity was.
	if !slices.IsSorted(left) || !slices.IsSorted(right) {
		t.Error("partition is not stable")
	}
	for _, r := range left {
		if !goesLeft(&d, r, &ps) {
			t.Fatalf("row %d went left", r)
		}
	}
	if err := s.BuildHists(ctx, []int32{1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Subtract(ctx, []Subtraction{{Parent: 0, Built: 1, Sibling: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Hist(ctx, 0); err == nil {
		t.Error("the parent's histogram survived the subtraction")
	}
	h1, _ := s.Hist(ctx, 1)
	h2, _ := s.Hist(ctx, 2)
	direct := make([]Pair, d.slots())
	r := s.(*reference)
	buildHist(d.Bins, d.Features, d.Offsets, r.gp, right, direct)
	if diff := cmp.Diff(direct, h2); diff != "" {
		t.Errorf("subtracted histogram differs from the direct one (-direct +subtracted):\n%s", diff)
	}
	for i := range h1 {
		if h1[i].G+h2[i].G != root[i].G || h1[i].H+h2[i].H != root[i].H {
			t.Fatalf("slot %d: children %v + %v, parent %v", i, h1[i], h2[i], root[i])
		}
	}
	before, _ := s.Margin(ctx)
	if err := s.AddLeaves(ctx, 0, []int32{1, 2}, []float32{0.5, -0.25}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Margin(ctx)
	for _, rr := range left {
		if after[rr] != before[rr]+0.5 {
			t.Fatalf("row %d margin %v, want %v", rr, after[rr], before[rr]+0.5)
		}
	}
	for _, rr := range right {
		if after[rr] != before[rr]-0.25 {
			t.Fatalf("row %d margin %v, want %v", rr, after[rr], before[rr]-0.25)
		}
	}
	prof := s.(Profiler).Profile()
	calls := map[string]int{}
	for _, p := range prof {
		calls[p.Phase] = p.Calls
	}
	if calls["BuildHists"] != 3 || calls["Partition"] != 1 || calls["Hist"] != 4 {
		t.Errorf("profile %+v: want 3 BuildHists (one refused), 1 Partition, 4 Hist (one refused)", prof)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.BuildHists(ctx, []int32{0}); !errors.Is(err, errClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// TestEvaluateOrder checks the candidate order on a hand-made
// histogram: equal gains keep the lowest feature and, within a feature,
// the forward candidate before the backward one.
func TestEvaluateOrder(t *testing.T) {
	d := Data{Rows: 1, Features: 2, Groups: 1, Bins: []uint8{0, 0}, Offsets: []int32{0, 3, 6},
		Values: []int32{2, 2}, HasMissing: []bool{true, true}, Labels: []float32{0}}
	p := SplitParams{Lambda: 1}
	// Both features: bin 0 (g=-4,h=2), bin 1 (g=4,h=2), no missing.
	h := []Pair{{-4, 2}, {4, 2}, {0, 0}, {-4, 2}, {4, 2}, {0, 0}}
	s := evaluateNode(&d, &p, 1, 1, h, Pair{0, 4}, nil)
	if s.Feature != 0 || s.Bin != 0 || s.DefaultLeft {
		t.Errorf("tie: got %+v, want feature 0 bin 0 forward", s)
	}
	// Masking feature 0 leaves feature 1.
	s = evaluateNode(&d, &p, 1, 1, h, Pair{0, 4}, []bool{false, true})
	if s.Feature != 1 {
		t.Errorf("masked: got %+v, want feature 1", s)
	}
	// A node without a gain: no split.
	flat := []Pair{{0, 2}, {0, 2}, {0, 0}, {0, 2}, {0, 2}, {0, 0}}
	if s := evaluateNode(&d, &p, 1, 1, flat, Pair{0, 4}, nil); s.Feature != -1 || s.Gain != 0 {
		t.Errorf("flat: got %+v, want no split", s)
	}
	// Missing values that belong with bin 0: the backward pass wins.
	miss := []Pair{{4, 2}, {-4, 2}, {4, 2}, {0, 2}, {0, 2}, {4, 2}}
	s = evaluateNode(&d, &p, 1, 1, miss, Pair{4, 6}, nil)
	if s.Feature != 0 || s.Bin != 0 || !s.DefaultLeft || s.Left != (Pair{8, 4}) {
		t.Errorf("missing: got %+v, want feature 0, bin 0, missing left", s)
	}
}

func TestDataValidate(t *testing.T) {
	good := testData(10, 3, 2)
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(d *Data){
		"bins":    func(d *Data) { d.Bins = d.Bins[1:] },
		"labels":  func(d *Data) { d.Labels = d.Labels[1:] },
		"weights": func(d *Data) { d.Weights = make([]float32, 3) },
		"offsets": func(d *Data) { d.Offsets[2]++ },
		"groups":  func(d *Data) { d.Groups = 0 },
	} {
		d := testData(10, 3, 2)
		mut(&d)
		if err := d.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := NewReference(d); err == nil {
			t.Errorf("%s: NewReference accepted the data", name)
		}
	}
}
