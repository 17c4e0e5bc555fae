//go:build cuda

package gpu

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests run only in a cuda build, on a machine with a GPU: a
// binary linking gorgonia.org/cu exits at start without one.

func TestDevices(t *testing.T) {
	devs, err := Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) == 0 {
		t.Fatal("no device")
	}
	for _, d := range devs {
		t.Logf("cuda:%d %s, %d MiB, compute %d.%d, %d SMs, driver %d", d.Ordinal, d.Name, d.TotalMem>>20,
			d.Major, d.Minor, d.Multiprocessors, d.DriverVersion)
	}
	_, err = Open(context.Background(), len(devs)+5, testData(10, 2, 1))
	if !errors.Is(err, ErrNoGPU) {
		t.Errorf("Open of a missing device: %v, want ErrNoGPU", err)
	}
}

// pairOfSessions opens the device and the reference session on d with
// the same margins.
func pairOfSessions(t *testing.T, d Data, margin []float32) (dev, ref Session) {
	t.Helper()
	ctx := context.Background()
	dev, err := Open(ctx, 0, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Error(err)
		}
	})
	ref, err = NewReference(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Session{dev, ref} {
		if err := s.SetMargin(ctx, margin); err != nil {
			t.Fatal(err)
		}
	}
	return dev, ref
}

// TestKernelsMatchReference runs every phase on the device and on the
// reference and compares the results exactly, over a few levels of a
// tree, for each objective.
func TestKernelsMatchReference(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rows   int
		nf     int
		groups int
		obj    Objective
		sample float64
	}{
		{"squared error, 28 features in 3 shared-memory groups", 300000, 28, 1, Objective{Kind: SquaredError, ScalePosWeight: 1}, 1},
		{"logistic, weighted, subsampled", 200000, 9, 1, Objective{Kind: Logistic, ScalePosWeight: 2}, 0.7},
		{"softmax", 100000, 5, 3, Objective{Kind: Softmax, ScalePosWeight: 1}, 1},
		{"many features", 20000, 70, 1, Objective{Kind: SquaredError, ScalePosWeight: 1}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := testData(tc.rows, tc.nf, 5)
			d.Groups = tc.groups
			rng := rand.New(rand.NewPCG(8, 8))
			for i := range d.Labels {
				switch tc.obj.Kind {
				case Logistic:
					d.Labels[i] = float32(rng.IntN(2))
				case Softmax:
					d.Labels[i] = float32(rng.IntN(tc.groups))
				}
			}
			if tc.obj.ScalePosWeight != 1 {
				d.Weights = make([]float32, tc.rows)
				for i := range d.Weights {
					d.Weights[i] = rng.Float32() * 2
				}
			}
			margin := make([]float32, tc.rows*tc.groups)
			for i := range margin {
				margin[i] = float32(rng.NormFloat64() * 3)
			}
			dev, ref := pairOfSessions(t, d, margin)
			sd, err := dev.Gradients(ctx, tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			sr, err := ref.Gradients(ctx, tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sr, sd); diff != "" {
				t.Fatalf("gradient summaries (-reference +device):\n%s", diff)
			}
			thr := uint64(math.MaxUint64)
			if tc.sample < 1 {
				thr = uint64(tc.sample * (1 << 63) * 2)
			}
			q := Quantiser{Group: tc.groups - 1, ScaleG: 1 << 36, ScaleH: 1 << 38, SampleThreshold: thr, SampleSeed: 99}
			both := func(f func(s Session) error) {
				t.Helper()
				for _, s := range []Session{dev, ref} {
					if err := f(s); err != nil {
						t.Fatal(err)
					}
				}
			}
			sameHist := func(nodes ...int32) {
				t.Helper()
				for _, nd := range nodes {
					hd, err := dev.Hist(ctx, nd)
					if err != nil {
						t.Fatal(err)
					}
					hr, _ := ref.Hist(ctx, nd)
					if diff := cmp.Diff(hr, hd); diff != "" {
						t.Fatalf("node %d histogram (-reference +device):\n%s", nd, diff)
					}
				}
			}
			both(func(s Session) error { return s.Quantise(ctx, q) })
			both(func(s Session) error { return s.BuildHists(ctx, []int32{0}) })
			sameHist(0)
			root, _ := ref.Hist(ctx, 0)
			var sum Pair
			for _, p := range root[d.Offsets[0]:d.Offsets[1]] {
				sum.G, sum.H = sum.G+p.G, sum.H+p.H
			}
			sums := map[int32]Pair{0: sum}
			level := []int32{0}
			next := int32(1)
			params := SplitParams{Lambda: 1, Alpha: 0.1, MinChildWeight: 1}
			for depth := 0; depth < 4 && len(level) > 0; depth++ {
				var eval []EvalNode
				for i, nd := range level {
					en := EvalNode{Node: nd, Sum: sums[nd]}
					if i%2 == 1 { // a feature subset for every other node
						for f := 0; f < d.Features; f += 2 {
							en.Features = append(en.Features, int32(f))
						}
					}
					eval = append(eval, en)
				}
				ed, err := dev.Evaluate(ctx, params, eval)
				if err != nil {
					t.Fatal(err)
				}
				er, _ := ref.Evaluate(ctx, params, eval)
				if diff := cmp.Diff(er, ed); diff != "" {
					t.Fatalf("depth %d splits (-reference +device):\n%s", depth, diff)
				}
				var splits []PartitionSplit
				for _, s := range er {
					if s.Feature >= 0 {
						splits = append(splits, PartitionSplit{Node: s.Node, Left: next, Right: next + 1,
							Feature: s.Feature, Bin: s.Bin, DefaultLeft: s.DefaultLeft})
						sums[next] = s.Left
						sums[next+1] = Pair{sums[s.Node].G - s.Left.G, sums[s.Node].H - s.Left.H}
						next += 2
					}
				}
				if len(splits) == 0 {
					break
				}
				cd, err := dev.Partition(ctx, splits)
				if err != nil {
					t.Fatal(err)
				}
				cr, _ := ref.Partition(ctx, splits)
				if diff := cmp.Diff(cr, cd); diff != "" {
					t.Fatalf("depth %d left counts (-reference +device):\n%s", depth, diff)
				}
				level = level[:0]
				var small []int32
				for _, sp := range splits {
					for _, c := range []int32{sp.Left, sp.Right} {
						rd, err := dev.Rows(ctx, c)
						if err != nil {
							t.Fatal(err)
						}
						rr, _ := ref.Rows(ctx, c)
						if diff := cmp.Diff(rr, rd); diff != "" {
							t.Fatalf("node %d rows (-reference +device):\n%s", c, diff)
						}
					}
					level = append(level, sp.Left, sp.Right)
					small = append(small, sp.Left)
				}
				both(func(s Session) error { return s.BuildHists(ctx, small) })
				var subs []Subtraction
				for _, sp := range splits {
					subs = append(subs, Subtraction{Parent: sp.Node, Built: sp.Left, Sibling: sp.Right})
				}
				both(func(s Session) error { return s.Subtract(ctx, subs) })
				sameHist(level...)
			}
			values := make([]float32, len(level))
			for i := range values {
				values[i] = float32(i)*0.01 - 0.2
			}
			both(func(s Session) error { return s.AddLeaves(ctx, q.Group, level, values) })
			md, err := dev.Margin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mr, _ := ref.Margin(ctx)
			if diff := cmp.Diff(mr, md); diff != "" {
				t.Fatalf("margins (-reference +device):\n%s", diff)
			}
		})
	}
}

// TestGradientKernels compares the float gradients through the
// summaries and quantised histograms of extreme margins, which take the
// special paths of the kernels' expf as well as its main path
// (underflow, glibc's may-underflow range, 88 <= x <= 88.7).
func TestGradientKernels(t *testing.T) {
	ctx := context.Background()
	const n = 1 << 20
	d := testData(n, 1, 3)
	rng := rand.New(rand.NewPCG(4, 4))
	margin := make([]float32, n)
	for i := range margin {
		margin[i] = float32(rng.Float64()*240 - 120)
		d.Labels[i] = float32(i % 2)
	}
	dev, ref := pairOfSessions(t, d, margin)
	obj := Objective{Kind: Logistic, ScalePosWeight: 1}
	sd, err := dev.Gradients(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	sr, _ := ref.Gradients(ctx, obj)
	if diff := cmp.Diff(sr, sd); diff != "" {
		t.Errorf("summaries (-reference +device):\n%s", diff)
	}
	q := Quantiser{ScaleG: 1 << 40, ScaleH: 1 << 40, SampleThreshold: math.MaxUint64}
	for _, s := range []Session{dev, ref} {
		if err := s.Quantise(ctx, q); err != nil {
			t.Fatal(err)
		}
		if err := s.BuildHists(ctx, []int32{0}); err != nil {
			t.Fatal(err)
		}
	}
	hd, _ := dev.Hist(ctx, 0)
	hr, _ := ref.Hist(ctx, 0)
	if diff := cmp.Diff(hr, hd); diff != "" {
		t.Errorf("histogram of the quantised gradients (-reference +device):\n%s", diff)
	}
}

// TestCancelledCall checks that a call with a cancelled context returns
// at once with its error.
func TestCancelledCall(t *testing.T) {
	d := testData(1000, 3, 1)
	s, err := Open(context.Background(), 0, d)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Gradients(ctx, Objective{Kind: SquaredError, ScalePosWeight: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call: %v", err)
	}
}
