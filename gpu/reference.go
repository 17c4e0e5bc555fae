package gpu

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// reference is a Session that runs the kernels' Go references in host
// memory. It is the oracle of the device tests and lets the training
// loop that drives a session be tested without a GPU.
type reference struct {
	profile
	d       Data
	margin  []float32
	g, h    []float32
	gp      []Pair
	ridx    []int32
	tmp     []int32
	seg     segments
	hists   map[int32][]Pair
	scaleG  float64
	scaleH  float64
	started bool
	closed  bool
}

// NewReference returns a Session that runs every kernel's Go reference
// on the host, in one goroutine. Its results are those the kernels must
// produce, bit for bit.
func NewReference(d Data) (Session, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	n := d.Rows * d.Groups
	return &reference{d: d, margin: make([]float32, n), g: make([]float32, n), h: make([]float32, n),
		gp: make([]Pair, d.Rows), ridx: make([]int32, d.Rows), tmp: make([]int32, d.Rows),
		hists: map[int32][]Pair{}}, nil
}

var errClosed = errors.New("gpu: session is closed")

var _ Profiler = (*reference)(nil)

func (r *reference) check(ctx context.Context) error {
	if r.closed {
		return errClosed
	}
	return ctx.Err()
}

func (r *reference) checkTree() error {
	if !r.started {
		return errors.New("gpu: no tree started (call Quantise first)")
	}
	return nil
}

func (r *reference) Info() DeviceInfo { return DeviceInfo{Ordinal: -1, Name: "Go reference"} }

func (r *reference) SetMargin(ctx context.Context, margin []float32) error {
	defer r.since("SetMargin", time.Now())
	if err := r.check(ctx); err != nil {
		return err
	}
	if len(margin) != len(r.margin) {
		return fmt.Errorf("gpu: %d margins for %d rows × %d groups", len(margin), r.d.Rows, r.d.Groups)
	}
	copy(r.margin, margin)
	return nil
}

func (r *reference) Margin(ctx context.Context) ([]float32, error) {
	defer r.since("Margin", time.Now())
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(r.margin), nil
}

func (r *reference) Gradients(ctx context.Context, obj Objective) ([]GradSummary, error) {
	defer r.since("Gradients", time.Now())
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	if err := checkObjective(&r.d, obj); err != nil {
		return nil, err
	}
	switch obj.Kind {
	case SquaredError:
		gradSquared(r.margin, r.d.Labels, r.d.Weights, obj.ScalePosWeight, r.g, r.h)
	case Logistic:
		gradLogistic(r.margin, r.d.Labels, r.d.Weights, obj.ScalePosWeight, r.g, r.h)
	case Softmax:
		gradSoftmax(r.margin, r.d.Labels, r.d.Weights, r.d.Groups, r.g, r.h)
	}
	out := make([]GradSummary, r.d.Groups)
	for k := range out {
		out[k] = gradSummary(r.g, r.h, r.d.Groups, k)
	}
	return out, nil
}

// checkObjective checks that obj's kernel fits the data's groups.
func checkObjective(d *Data, obj Objective) error {
	switch obj.Kind {
	case SquaredError, Logistic:
		if d.Groups != 1 {
			return fmt.Errorf("gpu: objective kind %d needs 1 output group, data has %d", obj.Kind, d.Groups)
		}
	case Softmax:
		if d.Groups < 2 {
			return fmt.Errorf("gpu: softmax needs at least 2 classes, data has %d", d.Groups)
		}
	default:
		return fmt.Errorf("gpu: no gradient kernel for objective kind %d", obj.Kind)
	}
	return nil
}

func (r *reference) Quantise(ctx context.Context, q Quantiser) error {
	defer r.since("Quantise", time.Now())
	if err := r.check(ctx); err != nil {
		return err
	}
	if q.Group < 0 || q.Group >= r.d.Groups {
		return fmt.Errorf("gpu: group %d of %d", q.Group, r.d.Groups)
	}
	quantise(r.g, r.h, r.d.Groups, q, r.d.FirstRow, r.gp, r.ridx)
	r.scaleG, r.scaleH = q.ScaleG, q.ScaleH
	r.seg.reset(r.d.Rows)
	clear(r.hists)
	r.started = true
	return nil
}

func (r *reference) BuildHists(ctx context.Context, nodes []int32) error {
	defer r.since("BuildHists", time.Now())
	if err := r.check(ctx); err != nil {
		return err
	}
	if err := r.checkTree(); err != nil {
		return err
	}
	for _, nd := range nodes {
		lo, hi, err := r.seg.get(nd)
		if err != nil {
			return err
		}
		h := make([]Pair, r.d.slots())
		buildHist(r.d.Bins, r.d.Features, r.d.Offsets, r.gp, r.ridx[lo:hi], h)
		r.hists[nd] = h
	}
	return nil
}

func (r *reference) Subtract(ctx context.Context, ops []Subtraction) error {
	defer r.since("Subtract", time.Now())
	if err := r.check(ctx); err != nil {
		return err
	}
	for _, op := range ops {
		p, ok1 := r.hists[op.Parent]
		b, ok2 := r.hists[op.Built]
		if !ok1 || !ok2 {
			return fmt.Errorf("gpu: subtract: node %d or %d has no histogram", op.Parent, op.Built)
		}
		subtractHist(p, b)
		delete(r.hists, op.Parent)
		r.hists[op.Sibling] = p
	}
	return nil
}

func (r *reference) Release(node int32) { delete(r.hists, node) }

func (r *reference) Hist(ctx context.Context, node int32) ([]Pair, error) {
	defer r.since("Hist", time.Now())
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	h, ok := r.hists[node]
	if !ok {
		return nil, fmt.Errorf("gpu: node %d has no histogram", node)
	}
	return slices.Clone(h), nil
}

func (r *reference) Evaluate(ctx context.Context, p SplitParams, nodes []EvalNode) ([]Split, error) {
	defer r.since("Evaluate", time.Now())
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	if err := r.checkTree(); err != nil {
		return nil, err
	}
	out := make([]Split, len(nodes))
	for j, en := range nodes {
		h, ok := r.hists[en.Node]
		if !ok {
			return nil, fmt.Errorf("gpu: evaluate: node %d has no histogram", en.Node)
		}
		mask, err := featureMask(r.d.Features, en.Features)
		if err != nil {
			return nil, err
		}
		out[j] = evaluateNode(&r.d, &p, r.scaleG, r.scaleH, h, en.Sum, mask)
		out[j].Node = en.Node
	}
	return out, nil
}

func (r *reference) Partition(ctx context.Context, splits []PartitionSplit) ([]int64, error) {
	defer r.since("Partition", time.Now())
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	if err := r.checkTree(); err != nil {
		return nil, err
	}
	if err := r.seg.checkSplits(&r.d, splits); err != nil {
		return nil, err
	}
	counts := make([]int64, len(splits))
	for j := range splits {
		sp := &splits[j]
		lo, hi, _ := r.seg.get(sp.Node)
		n := int64(partition(&r.d, r.ridx[lo:hi], r.tmp[lo:hi], sp))
		counts[j] = n
	}
	for j, sp := range splits {
		lo, hi, _ := r.seg.get(sp.Node)
		r.seg.set(sp.Left, lo, lo+counts[j])
		r.seg.set(sp.Right, lo+counts[j], hi)
	}
	return counts, nil
}

func (r *reference) Rows(ctx context.Context, node int32) ([]int32, error) {
	defer r.since("Rows", time.Now())
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	lo, hi, err := r.seg.get(node)
	if err != nil {
		return nil, err
	}
	return slices.Clone(r.ridx[lo:hi]), nil
}

func (r *reference) AddLeaves(ctx context.Context, group int, leaves []int32, values []float32) error {
	defer r.since("AddLeaves", time.Now())
	if err := r.check(ctx); err != nil {
		return err
	}
	if len(leaves) != len(values) || group < 0 || group >= r.d.Groups {
		return fmt.Errorf("gpu: %d leaves, %d values, group %d of %d", len(leaves), len(values), group, r.d.Groups)
	}
	for i, l := range leaves {
		lo, hi, err := r.seg.get(l)
		if err != nil {
			return err
		}
		addLeaf(r.ridx[lo:hi], values[i], r.margin, r.d.Groups, group)
	}
	return nil
}

func (r *reference) Close() error {
	r.closed = true
	return nil
}

// ReferenceGradients returns the float gradients and hessians (Rows ×
// Groups) that the gradient kernel of obj computes from margin, by its Go
// reference.
func ReferenceGradients(d *Data, obj Objective, margin []float32) (g, h []float32, err error) {
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	if err := checkObjective(d, obj); err != nil {
		return nil, nil, err
	}
	if len(margin) != d.Rows*d.Groups {
		return nil, nil, fmt.Errorf("gpu: %d margins for %d rows × %d groups", len(margin), d.Rows, d.Groups)
	}
	g, h = make([]float32, len(margin)), make([]float32, len(margin))
	switch obj.Kind {
	case SquaredError:
		gradSquared(margin, d.Labels, d.Weights, obj.ScalePosWeight, g, h)
	case Logistic:
		gradLogistic(margin, d.Labels, d.Weights, obj.ScalePosWeight, g, h)
	case Softmax:
		gradSoftmax(margin, d.Labels, d.Weights, d.Groups, g, h)
	}
	return g, h, nil
}
