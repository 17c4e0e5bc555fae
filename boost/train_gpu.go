package boost

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/sagepipe/sagepipe/gpu"
)

// Training on a CUDA device
//
// With device "cuda" (or "cuda:N", or tree_method "gpu_hist") the rows
// live on the device: gradients, their fixed-point form, histograms,
// split evaluation, row partitioning and the margins of the training rows
// are computed there by package gpu, phase by phase. The host keeps the
// quantile cuts (sketched as on the CPU path), decides the fixed-point
// scale from the device's gradient summary with the CPU path's rule
// (chooseScale), and builds each tree from the best splits the device
// returns with the CPU path's rules (validity, max_leaves, lossguide
// order, colsample feature sets, leaf values). Every quantity the device
// computes is the CPU path's to the bit (see package gpu), so the trees
// are the same.

// runDevice trains t, whose cuts are set, on the device open opens.
func (t *trainer) runDevice(ctx context.Context, open deviceOpener) (*Result, error) {
	dev, err := parseDevice(t.cfg.Device)
	if err != nil {
		return nil, err
	}
	obj, err := deviceObjective(&t.cfg)
	if err != nil {
		return nil, err
	}
	if err := t.deviceBins(); err != nil {
		return nil, err
	}
	d := t.dtrain
	data := t.deviceData()
	// The initial margins: the base margin plus the initial model's trees.
	ms := &shard{n: d.rows, groups: t.obj.groups, threads: t.threads(), margin: make([]float32, d.rows*t.obj.groups)}
	ms.setMargin(d, t.base, t.trees, t.info)
	sess, err := open(ctx, dev.ordinal, data)
	if err != nil {
		if errors.Is(err, gpu.ErrNoGPU) {
			return nil, fmt.Errorf("boost: device %s: %w", t.cfg.Device, err)
		}
		return nil, fmt.Errorf("%w: device %s: %w", ErrTrain, t.cfg.Device, err)
	}
	defer sess.Close()
	if err := sess.SetMargin(ctx, ms.margin); err != nil {
		return nil, t.deviceErr(err)
	}
	t.resetEvalMargins()
	for round := 0; round < t.cfg.Rounds; round++ {
		stop, err := t.deviceRound(ctx, sess, obj, round)
		if err != nil {
			return nil, t.deviceErr(err)
		}
		if stop {
			break
		}
	}
	return t.finish(), nil
}

// deviceBins refuses cuts the device cannot bin: a feature with max_bin
// (256) cuts and missing values shares its missing code with its top bin
// (see cuts.aliased), which the CPU path tells apart by the value itself
// and the device kernels do not. With max_bin at most 255 no feature is
// aliased.
func (t *trainer) deviceBins() error {
	for f := range t.cuts.vals {
		if t.cuts.aliased(f) {
			name := fmt.Sprintf("f%d", f)
			if f < len(t.dtrain.names) && t.dtrain.names[f] != "" {
				name = t.dtrain.names[f]
			}
			return &ParamError{Name: "max_bin", Value: t.cfg.MaxBin,
				Allowed: fmt.Sprintf("at most %d on device %s when a feature has missing values and %d distinct cuts (feature %s)",
					aliasCode, t.cfg.Device, len(t.cuts.vals[f]), name)}
		}
	}
	return nil
}

// deviceErr marks a device failure as a training failure; parameter
// errors, ErrTrain and cancellation pass as they are.
func (t *trainer) deviceErr(err error) error {
	var ge *gpu.Error
	if errors.As(err, &ge) && !errors.Is(err, ErrTrain) {
		return fmt.Errorf("%w: device %s: %w", ErrTrain, t.cfg.Device, err)
	}
	return err
}

// deviceData bins the training rows with t.cuts, row-major, as newShard
// does, and describes them for the device.
func (t *trainer) deviceData() gpu.Data {
	d, c := t.dtrain, t.cuts
	n, nf := d.rows, len(d.cols)
	bins := make([]uint8, n*nf)
	parallelRange(t.threads(), n, 1<<14, func(lo, hi int) {
		for f, col := range d.cols {
			for i := lo; i < hi; i++ {
				bins[i*nf+f] = c.binOf(f, col[i])
			}
		}
	})
	off := make([]int32, nf+1)
	vals := make([]int32, nf)
	for f := 0; f <= nf; f++ {
		off[f] = int32(c.off[f])
		if f < nf {
			vals[f] = int32(len(c.vals[f]))
		}
	}
	return gpu.Data{Rows: n, Features: nf, Groups: t.obj.groups, Bins: bins, Offsets: off, Values: vals,
		HasMissing: append([]bool(nil), c.hasMiss...), Labels: d.label, Weights: d.weight}
}

// deviceRound is round on the device: one tree per group, then the
// evaluation.
func (t *trainer) deviceRound(ctx context.Context, sess gpu.Session, obj gpu.Objective, round int) (bool, error) {
	cfg := &t.cfg
	sums, err := sess.Gradients(ctx, obj)
	if err != nil {
		return false, err
	}
	rows := t.dtrain.rows
	iter := t.first + round
	sampleThr := uint64(math.MaxUint64)
	if cfg.Subsample < 1 {
		sampleThr = uint64(cfg.Subsample * (1 << 63) * 2)
	}
	sampleSeed := mix64(cfg.Seed ^ mix64(uint64(iter)+0x5bd1e995))
	gr := &grower{cfg: cfg, cuts: t.cuts, nf: t.cuts.numFeatures(), total: rows, params: newSplitParams(cfg)}
	for k := 0; k < t.obj.groups; k++ {
		sum := gradSummary{maxH: sums[k].MaxAbsH, minH: sums[k].MinH, gExp: expCounts(sums[k].GExp)}
		sc, err := chooseScale(&sum, rows)
		if err != nil {
			return false, fmt.Errorf("round %d: %w", iter, err)
		}
		gr.scaleG, gr.scaleH = sc.scaleG, sc.scaleH
		q := gpu.Quantiser{Group: k, ScaleG: sc.scaleG, ScaleH: sc.scaleH, SampleThreshold: sampleThr, SampleSeed: sampleSeed}
		if err := sess.Quantise(ctx, q); err != nil {
			return false, err
		}
		tree, leaves, err := gr.growTreeDevice(ctx, sess, iter, k)
		if err != nil {
			return false, err
		}
		values := make([]float32, len(leaves))
		for j, l := range leaves {
			values[j] = tree.SplitCond[l]
		}
		if err := finiteTree(&tree); err != nil {
			return false, fmt.Errorf("round %d: %w", iter, err)
		}
		if err := sess.AddLeaves(ctx, k, leaves, values); err != nil {
			return false, err
		}
		t.trees = append(t.trees, tree)
		t.info = append(t.info, int32(k))
	}
	trees, info := t.lastRound()
	return t.evaluate(ctx, iter, trees, info)
}
