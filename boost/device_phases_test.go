package boost

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/gpu"
)

// Phase-by-phase comparisons of the kernels' Go references (through a
// reference session) with the CPU path's shard: gradients, fixed-point
// histograms, split evaluation, partitions and margins.

// phaseRig is one training set up both ways: the CPU path's shard and
// grower, and a device session over the same bins.
type phaseRig struct {
	t    *trainer
	sh   *shard
	gr   *grower
	sess gpu.Session
	data gpu.Data
}

func newPhaseRig(tb testing.TB, d *DMatrix, params map[string]any, open deviceOpener) *phaseRig {
	tb.Helper()
	cfg, err := NewConfig(params)
	if err != nil {
		tb.Fatal(err)
	}
	if _, ok := params["max_bin"]; !ok {
		cfg.MaxBin = 255 // the device path refuses aliased bins (TestDeviceRefusesAliasedBins)
	}
	tr, err := newTrainer(cfg, d, TrainOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	threads := tr.threads()
	tr.cuts = buildCuts(d, cfg.MaxBin, threads)
	sh := newShard(d, 0, tr.cuts, tr.obj.groups, threads)
	sh.setMargin(d, tr.base, nil, nil)
	data := tr.deviceData()
	sess, err := open(context.Background(), 0, data)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sess.Close() })
	if err := sess.SetMargin(context.Background(), sh.margin); err != nil {
		tb.Fatal(err)
	}
	gr := &grower{cfg: &tr.cfg, cuts: tr.cuts, nf: tr.cuts.numFeatures(), total: d.rows, params: newSplitParams(&tr.cfg)}
	return &phaseRig{t: tr, sh: sh, gr: gr, sess: sess, data: data}
}

// startTree computes gradients on both sides, checks that the summaries
// and scales agree, and quantises group k for a tree.
func (r *phaseRig) startTree(tb testing.TB, k int, subsample float64) {
	tb.Helper()
	ctx := context.Background()
	obj, err := deviceObjective(&r.t.cfg)
	if err != nil {
		tb.Fatal(err)
	}
	cpu := r.sh.gradients(r.t.obj)
	dev, err := r.sess.Gradients(ctx, obj)
	if err != nil {
		tb.Fatal(err)
	}
	for g := range cpu {
		if cpu[g].maxH != dev[g].MaxAbsH || cpu[g].minH != dev[g].MinH || cpu[g].gExp != expCounts(dev[g].GExp) {
			tb.Fatalf("group %d summary: cpu %v/%v, device %v/%v (or exponent counts differ)", g, cpu[g].maxH, cpu[g].minH, dev[g].MaxAbsH, dev[g].MinH)
		}
	}
	sc, err := chooseScale(&cpu[k], r.sh.n)
	if err != nil {
		tb.Fatal(err)
	}
	thr := uint64(math.MaxUint64)
	if subsample < 1 {
		thr = uint64(subsample * (1 << 63) * 2)
	}
	const seed = 12345
	r.sh.beginTree(k, sc.scaleG, sc.scaleH, thr, seed, sc.packed)
	r.sh.hq = sc.hq
	r.gr.scaleG, r.gr.scaleH = sc.scaleG, sc.scaleH
	q := gpu.Quantiser{Group: k, ScaleG: sc.scaleG, ScaleH: sc.scaleH, SampleThreshold: thr, SampleSeed: seed}
	if err := r.sess.Quantise(ctx, q); err != nil {
		tb.Fatal(err)
	}
}

// hists builds the nodes' histograms both ways and checks they are equal.
// float converts a fixed-point histogram as the grower does.
func (r *phaseRig) float(h []gpair) []fpair {
	out := make([]fpair, len(h))
	for i, v := range h {
		out[i] = r.gr.toFloat(v)
	}
	return out
}

func (r *phaseRig) hists(tb testing.TB, nodes []int32) [][]gpair {
	tb.Helper()
	cpu := r.sh.buildHists(nodes, nil)
	if err := r.sess.BuildHists(context.Background(), nodes); err != nil {
		tb.Fatal(err)
	}
	for j, nd := range nodes {
		dev, err := r.sess.Hist(context.Background(), nd)
		if err != nil {
			tb.Fatal(err)
		}
		conv := make([]gpair, len(dev))
		for i, p := range dev {
			conv[i] = gpair{p.G, p.H}
		}
		if diff := cmp.Diff(cpu[j], conv, cmp.AllowUnexported(gpair{})); diff != "" {
			tb.Fatalf("node %d histogram (-cpu +device):\n%s", nd, diff)
		}
	}
	return cpu
}

// TestDeviceGradientsMatchCPU compares the gradient kernels' references
// with the CPU objectives on margins over the whole float32 range that
// training meets, extreme ones included.
func TestDeviceGradientsMatchCPU(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n = 60000
	for _, tc := range []struct {
		obj    string
		groups int
		labels func(i int) float32
	}{
		{ObjSquaredError, 1, func(i int) float32 { return float32(rng.NormFloat64() * 100) }},
		{ObjBinaryLogistic, 1, func(i int) float32 { return float32(i % 2) }},
		{ObjRegLogistic, 1, func(i int) float32 { return rng.Float32() }},
		{ObjMultiSoftprob, 4, func(i int) float32 { return float32(i % 4) }},
	} {
		for _, weighted := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Objective, cfg.ScalePosWeight = tc.obj, 1.75
			if tc.groups > 1 {
				cfg.NumClass = tc.groups
			}
			o, err := newObjective(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			label := make([]float32, n)
			for i := range label {
				label[i] = tc.labels(i)
			}
			var weight []float32
			if weighted {
				weight = make([]float32, n)
				for i := range weight {
					weight[i] = rng.Float32() * 3
				}
			}
			margin := make([]float32, n*tc.groups)
			for i := range margin {
				switch i % 5 {
				case 0:
					margin[i] = float32(rng.NormFloat64())
				case 1:
					margin[i] = float32(rng.NormFloat64() * 30)
				case 2:
					margin[i] = float32(rng.Float64()*200 - 100) // beyond expf's table range
				default:
					margin[i] = float32(rng.NormFloat64() * 5)
				}
			}
			g, h := make([]float32, len(margin)), make([]float32, len(margin))
			o.grad(margin, label, weight, g, h, 0, len(margin))
			obj, err := deviceObjective(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			d := gpu.Data{Rows: n, Groups: tc.groups, Offsets: []int32{0}, Labels: label, Weights: weight}
			dg, dh, err := gpu.ReferenceGradients(&d, obj, margin)
			if err != nil {
				t.Fatal(err)
			}
			for i := range g {
				if math.Float32bits(g[i]) != math.Float32bits(dg[i]) || math.Float32bits(h[i]) != math.Float32bits(dh[i]) {
					t.Fatalf("%s weighted=%v element %d (margin %v): cpu (%v, %v), kernel reference (%v, %v)",
						tc.obj, weighted, i, margin[i], g[i], h[i], dg[i], dh[i])
				}
			}
		}
	}
}

// TestDevicePhasesMatchCPU builds a tree's first levels both ways and
// compares every phase's output.
func TestDevicePhasesMatchCPU(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kind      string
		nf        int
		params    map[string]any
		subsample float64
	}{
		{"squared error (packed histograms on the CPU)", "reg", 8, map[string]any{}, 1},
		{"logistic with missing values", "binary", 9, map[string]any{"objective": ObjBinaryLogistic}, 1},
		{"softmax subsampled", "multi", 5, map[string]any{"objective": ObjMultiSoftmax, "num_class": 3}, 0.6},
		{"regularised", "reg", 4, map[string]any{"alpha": 0.3, "max_delta_step": 0.5, "min_child_weight": 5}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := deviceTestData(t, 40000, tc.nf, 77, tc.kind, 0.08)
			r := newPhaseRig(t, d, tc.params, openReference)
			r.startTree(t, 0, tc.subsample)
			hs := r.hists(t, []int32{0})
			root := &node{id: 0, hist: r.float(hs[0]), rows: d.rows}
			for _, v := range hs[0][r.gr.cuts.off[0]:r.gr.cuts.off[1]] {
				root.qsum = root.qsum.add(v)
			}
			root.sum = r.gr.toFloat(root.qsum)
			level := []*node{root}
			next := int32(1)
			qsums := map[int32][2]gpair{} // the device's fixed-point child sums by parent
			for depth := 0; depth < 3; depth++ {
				var reqs []splitReq
				var dreqs []gpu.PartitionSplit
				var eval []gpu.EvalNode
				for _, nd := range level {
					eval = append(eval, gpu.EvalNode{Node: nd.id, Sum: gpu.Pair{G: nd.qsum.g, H: nd.qsum.h}})
				}
				out, err := r.sess.Evaluate(ctx, gpu.SplitParams{Lambda: r.gr.params.lambda, Alpha: r.gr.params.alpha,
					MinChildWeight: r.gr.params.mcw, MaxDeltaStep: r.gr.params.mds}, eval)
				if err != nil {
					t.Fatal(err)
				}
				var splitNodes []*node
				for j, nd := range level {
					r.gr.evaluate(nd, allFeatures(r.gr.nf))
					got := r.gr.fromDevice(nd, &out[j])
					qsums[nd.id] = [2]gpair{got.qleft, got.qright}
					got.qleft, got.qright = gpair{}, gpair{} // the CPU's split has only the float sums
					if diff := cmp.Diff(nd.best, got, cmp.AllowUnexported(split{}, fpair{}, gpair{})); diff != "" {
						t.Fatalf("depth %d node %d best split (-cpu +device):\n%s", depth, nd.id, diff)
					}
					if nd.best.feature < 0 {
						continue
					}
					b := nd.best
					reqs = append(reqs, splitReq{node: nd.id, left: next, right: next + 1, feature: int32(b.feature), bin: int32(b.bin), defaultLeft: b.defaultLeft})
					dreqs = append(dreqs, gpu.PartitionSplit{Node: nd.id, Left: next, Right: next + 1, Feature: int32(b.feature), Bin: int32(b.bin), DefaultLeft: b.defaultLeft})
					splitNodes = append(splitNodes, nd)
					next += 2
				}
				if len(reqs) == 0 {
					break
				}
				cpuCounts := r.sh.applySplits(reqs)
				devCounts, err := r.sess.Partition(ctx, dreqs)
				if err != nil {
					t.Fatal(err)
				}
				var children []int32
				var nextLevel []*node
				for j, rq := range reqs {
					if int64(cpuCounts[j]) != devCounts[j] {
						t.Fatalf("node %d: %d rows left on the CPU, %d on the device", rq.node, cpuCounts[j], devCounts[j])
					}
					for _, c := range []int32{rq.left, rq.right} {
						rows, err := r.sess.Rows(ctx, c)
						if err != nil {
							t.Fatal(err)
						}
						if diff := cmp.Diff(r.sh.pos[r.sh.lo[c]:r.sh.hi[c]], rows); diff != "" {
							t.Fatalf("node %d rows (-cpu +device):\n%s", c, diff)
						}
						children = append(children, c)
					}
					nd := splitNodes[j]
					nextLevel = append(nextLevel,
						&node{id: rq.left, sum: nd.best.left, qsum: qsums[nd.id][0], depth: depth + 1},
						&node{id: rq.right, sum: nd.best.right, qsum: qsums[nd.id][1], depth: depth + 1})
				}
				hs := r.hists(t, children)
				for i, nd := range nextLevel {
					nd.hist = r.float(hs[i])
				}
				level = nextLevel
			}
			// Margins after adding leaf values to the last level's nodes.
			var leaves []int32
			var values []float32
			for i, nd := range level {
				leaves = append(leaves, nd.id)
				values = append(values, float32(i)*0.125-0.3)
			}
			r.sh.addLeaves(0, leaves, values)
			if err := r.sess.AddLeaves(ctx, 0, leaves, values); err != nil {
				t.Fatal(err)
			}
			m, err := r.sess.Margin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r.sh.margin, m); diff != "" {
				t.Fatalf("margins (-cpu +device):\n%s", diff)
			}
		})
	}
}

func allFeatures(nf int) []int {
	out := make([]int, nf)
	for i := range out {
		out[i] = i
	}
	return out
}
