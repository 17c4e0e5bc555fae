package gpu

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoGPU reports that no CUDA device can be used: the binary was built
// without the cuda build tag, or the requested device does not exist.
var ErrNoGPU = errors.New("gpu: no CUDA device (build with -tags cuda on a machine with an NVIDIA GPU)")

// BuildTag is the build tag that compiles the CUDA backend in.
const BuildTag = "cuda"

// Error is a failure of the CUDA driver during an operation of a
// session: a kernel launch or its execution, a copy, an allocation. It
// wraps the driver's error.
type Error struct {
	// Op is the operation: "launch", "run", "alloc", "copy", "load", ...
	Op string
	// Kernel names the kernel that was launched or running, or the
	// buffer that was allocated or copied.
	Kernel string
	// Err is the driver's error.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Kernel == "" {
		return fmt.Sprintf("gpu: %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("gpu: %s %s: %v", e.Op, e.Kernel, e.Err)
}

// Unwrap returns the driver's error.
func (e *Error) Unwrap() error { return e.Err }

// DeviceInfo describes a CUDA device.
type DeviceInfo struct {
	Ordinal         int    // the N of "cuda:N"
	Name            string // e.g. "NVIDIA H100 80GB HBM3"
	TotalMem        int64  // bytes
	Major, Minor    int    // compute capability
	Multiprocessors int
	DriverVersion   int // e.g. 13000 for CUDA 13.0
}

// Pair is a fixed-point gradient pair: the sums of quantised gradients
// and hessians. Sums of pairs are exact integers, so a histogram is the
// same whatever the order in which rows were added.
type Pair struct{ G, H int64 }

// Data is the binned training data a session uploads once.
type Data struct {
	Rows, Features int
	// Groups is the number of output groups (classes of softmax, 1
	// otherwise); margins and gradients are Rows × Groups, row-major.
	Groups int
	// Bins holds each row's bin per feature, row-major Rows × Features.
	Bins []uint8
	// Offsets holds the first histogram slot of each feature and, last,
	// the number of slots (Features+1 values). Feature f's slots are its
	// value bins 0 .. Values[f]-1 and then its missing-value slot.
	Offsets []int32
	// Values holds each feature's number of value bins; a bin equal to
	// it marks a missing value.
	Values []int32
	// HasMissing tells, per feature, whether missing values occur.
	HasMissing []bool
	// Labels holds one label per row; Weights one weight per row, or nil
	// for weight 1.
	Labels, Weights []float32
	// FirstRow is the global number of row 0, which subsampling hashes.
	FirstRow int64
}

// Validate checks that the fields agree with each other.
func (d *Data) Validate() error {
	switch {
	case d.Rows <= 0 || d.Features < 0 || d.Groups < 1:
		return fmt.Errorf("gpu: data has %d rows, %d features, %d groups", d.Rows, d.Features, d.Groups)
	case d.Rows >= 1<<31-1:
		return fmt.Errorf("gpu: data has %d rows, more than a row index holds", d.Rows)
	case len(d.Bins) != d.Rows*d.Features:
		return fmt.Errorf("gpu: data has %d bins for %d rows × %d features", len(d.Bins), d.Rows, d.Features)
	case len(d.Offsets) != d.Features+1 || len(d.Values) != d.Features || len(d.HasMissing) != d.Features:
		return fmt.Errorf("gpu: data has %d offsets, %d value counts, %d missing flags for %d features",
			len(d.Offsets), len(d.Values), len(d.HasMissing), d.Features)
	case len(d.Labels) != d.Rows || (d.Weights != nil && len(d.Weights) != d.Rows):
		return fmt.Errorf("gpu: data has %d labels, %d weights for %d rows", len(d.Labels), len(d.Weights), d.Rows)
	}
	for f := 0; f < d.Features; f++ {
		if d.Offsets[f+1]-d.Offsets[f] != d.Values[f]+1 || d.Values[f] > 256 {
			return fmt.Errorf("gpu: feature %d has slots %d..%d for %d value bins", f, d.Offsets[f], d.Offsets[f+1], d.Values[f])
		}
	}
	return nil
}

// slots is the histogram length.
func (d *Data) slots() int { return int(d.Offsets[d.Features]) }

// missCode is feature f's missing-value bin, or -1 when it has none (a
// feature with 256 value bins and no missing values uses every uint8).
func (d *Data) missCode(f int) int64 {
	if !d.HasMissing[f] {
		return -1
	}
	return int64(d.Values[f])
}

// ObjectiveKind names a gradient kernel.
type ObjectiveKind int

// The objectives with a gradient kernel.
const (
	// SquaredError is reg:squarederror: g = (margin-label)·w, h = w.
	SquaredError ObjectiveKind = iota + 1
	// Logistic is reg:logistic, binary:logistic and binary:logitraw.
	Logistic
	// Softmax is multi:softmax and multi:softprob over Data.Groups classes.
	Softmax
)

// Objective selects the gradient kernel and its parameter.
type Objective struct {
	Kind ObjectiveKind
	// ScalePosWeight multiplies the weight of rows labelled 1
	// (SquaredError and Logistic).
	ScalePosWeight float32
}

// GradSummary describes one output group's gradients, from which the
// fixed-point scale of a tree is chosen.
type GradSummary struct {
	MaxAbsH float64    // the largest |h|
	MinH    float64    // the smallest h
	GExp    [256]int64 // counts of |g| by float32 biased exponent
}

// Quantiser turns group Group's float gradients into fixed point:
// round-half-even(g·ScaleG), round-half-even(h·ScaleH); rows whose
// hash mix64(SampleSeed ^ row) is at least SampleThreshold get zero
// (no subsampling with the largest uint64).
type Quantiser struct {
	Group                       int
	ScaleG, ScaleH              float64
	SampleThreshold, SampleSeed uint64
}

// SplitParams are the regularisation parameters of split finding, as
// float64 holding float32 values.
type SplitParams struct {
	Lambda, Alpha, MinChildWeight, MaxDeltaStep float64
}

// EvalNode asks for the best split of a node whose rows sum to Sum, over
// Features (ascending; nil = every feature).
type EvalNode struct {
	Node     int32
	Sum      Pair
	Features []int32
}

// Split is the best split of a node. Rows whose bin of Feature is at
// most Bin go left (none with Bin -1), missing values go left when
// DefaultLeft. Feature is -1 when no split improves the loss.
type Split struct {
	Node        int32
	Gain        float32
	Feature     int32
	Bin         int32
	DefaultLeft bool
	Left        Pair
}

// PartitionSplit moves the rows of Node into its children Left and
// Right by the rule of Split.
type PartitionSplit struct {
	Node, Left, Right int32
	Feature, Bin      int32
	DefaultLeft       bool
}

// Subtraction derives Sibling's histogram as Parent's minus Built's.
type Subtraction struct{ Parent, Built, Sibling int32 }

// Session is one training run's state on a device: the binned data,
// margins, gradients, the rows of every node and the histograms of the
// nodes being grown. Every method runs one phase of a boosting round
// (one or a few kernel launches) and returns when it has finished.
// Methods must not be called concurrently. Open returns the CUDA one;
// NewReference one that runs the kernels' Go references.
type Session interface {
	// Info describes the device.
	Info() DeviceInfo
	// SetMargin uploads the margins (Rows × Groups); Margin downloads them.
	SetMargin(ctx context.Context, margin []float32) error
	Margin(ctx context.Context) ([]float32, error)
	// Gradients computes every group's float gradients from the margins
	// and summarises each group.
	Gradients(ctx context.Context, obj Objective) ([]GradSummary, error)
	// Quantise starts a tree: it quantises one group's gradients and puts
	// every row in node 0; every histogram is released.
	Quantise(ctx context.Context, q Quantiser) error
	// BuildHists builds the histograms of the given nodes.
	BuildHists(ctx context.Context, nodes []int32) error
	// Subtract makes each sibling's histogram its parent's minus the
	// built child's, in the parent's storage; the parents' histograms
	// are gone afterwards.
	Subtract(ctx context.Context, ops []Subtraction) error
	// Release frees a node's histogram.
	Release(node int32)
	// Hist downloads a node's histogram.
	Hist(ctx context.Context, node int32) ([]Pair, error)
	// Evaluate finds each node's best split from its histogram.
	Evaluate(ctx context.Context, p SplitParams, nodes []EvalNode) ([]Split, error)
	// Partition moves each split node's rows into its children and
	// returns the number of rows that went left, split by split.
	Partition(ctx context.Context, splits []PartitionSplit) ([]int64, error)
	// Rows downloads the rows of a node, in their order on the device.
	Rows(ctx context.Context, node int32) ([]int32, error)
	// AddLeaves adds values[i] to the margin of group of every row of
	// leaves[i].
	AddLeaves(ctx context.Context, group int, leaves []int32, values []float32) error
	// Close frees the device memory and ends the session.
	Close() error
}
