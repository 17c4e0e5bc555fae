package boost

import (
	"errors"
	"fmt"
	"math"
)

// Model layout
//
// A Model mirrors the XGBoost 1.7 "gbtree" JSON model one to one, so that
// loading and saving are direct field mappings:
//
//   - Trees[i] is the i-th tree in boosting order; TreeInfo[i] is its output
//     group (class index for multi-class models, 0 otherwise). For a model
//     with G groups and P parallel trees, each boosting round appends G*P
//     trees, group by group.
//   - A Tree keeps XGBoost's struct-of-arrays layout: one slice per node field,
//     all of the same length (the node count), node 0 is the root. An inner
//     node n has children Left[n] and Right[n]; a leaf has Left[n] == -1 and
//     Right[n] == -1, and its value (learning rate already applied) is
//     SplitCond[n]. At an inner node a row goes left when
//     float32(x[SplitIndex[n]]) < SplitCond[n], right otherwise; a missing
//     value (NaN) goes left when DefaultLeft[n], right otherwise.
//   - Parent[0] is RootParent (2147483647, as XGBoost writes it); every other
//     reachable node's Parent is its real parent.
//   - XGBoost's own predictor assumes Right[n] == Left[n]+1. Trees built by
//     NewTree / AddSplit satisfy that; the savers renumber any tree that does
//     not (see Tree.Canonical), so a tree may be built in any node order.
//   - BaseScore is stored in output space, as XGBoost stores "base_score"
//     (a probability for binary:logistic, a mean for count:poisson, ...).
//     BaseMargin converts it to the margin that prediction starts from.
//
// A Model value is not safe for concurrent mutation, but any number of
// goroutines may predict with the same Model concurrently.

// RootParent is the parent id XGBoost writes for the root node.
const RootParent int32 = 2147483647

// Tree is one regression tree in XGBoost's array layout; node 0 is the root.
// All slices have one entry per node.
type Tree struct {
	// Left and Right are the child node ids; -1 at leaves.
	Left, Right []int32
	// Parent is the parent node id; RootParent for the root.
	Parent []int32
	// SplitIndex is the feature index of the split (0 at leaves).
	SplitIndex []int32
	// SplitCond is the split threshold at inner nodes (a row goes left when
	// x < SplitCond) and the leaf value, learning rate applied, at leaves.
	SplitCond []float32
	// DefaultLeft is the direction for missing values at inner nodes.
	DefaultLeft []bool
	// BaseWeight is the node weight -G/(H+lambda) (learning rate applied at
	// leaves, where it equals the leaf value). Prediction does not use it.
	BaseWeight []float32
	// LossChange is the split gain at inner nodes, 0 at leaves.
	LossChange []float32
	// SumHess is the sum of hessians (the cover) of the rows in the node.
	SumHess []float32
	// NumFeature is the tree's "num_feature" parameter; it equals the
	// model's NumFeature.
	NumFeature int
}

// Model is a trained gradient-boosted tree ensemble (XGBoost "gbtree").
type Model struct {
	// Objective is the objective name, e.g. ObjSquaredError.
	Objective string
	// ObjParams holds the objective's parameters as XGBoost writes them,
	// all values as strings: "scale_pos_weight" (reg:*, binary:logistic,
	// binary:logitraw), "huber_slope" (reg:pseudohubererror),
	// "max_delta_step" (count:poisson), "tweedie_variance_power"
	// (reg:tweedie), "num_class" (multi:*). The JSON section they live in
	// ("reg_loss_param", ...) follows from the objective (ObjectiveParamKey).
	// Nil means XGBoost's defaults.
	ObjParams map[string]string
	// BaseScore is XGBoost's "base_score", in output space.
	BaseScore float32
	// BoostFromAverage is XGBoost's "boost_from_average" flag (saved as "1"/"0").
	BoostFromAverage bool
	// NumFeature is the number of input features.
	NumFeature int
	// NumClass is the number of classes for multi:* objectives, 0 otherwise.
	NumClass int
	// NumTarget is XGBoost's "num_target"; 0 is read as 1.
	NumTarget int
	// NumParallelTree is the number of trees per group per round (1 unless
	// boosting random forests); 0 is read as 1.
	NumParallelTree int
	// Trees are the trees in boosting order.
	Trees []Tree
	// TreeInfo is the output group of each tree; len(TreeInfo) == len(Trees).
	TreeInfo []int32
	// FeatureNames and FeatureTypes are optional ("float", "int", "i", "q").
	FeatureNames, FeatureTypes []string
	// Attributes are the booster's string attributes ("best_iteration",
	// "best_score", "best_ntree_limit", ...).
	Attributes map[string]string
	// Version is the XGBoost version that wrote the model; zero means 1.7.4
	// when saving.
	Version [3]int
}

// Errors returned by the package. Failures wrap one of them with the file,
// field, tree or parameter named.
var (
	// ErrModelFormat reports a model file that is malformed, truncated,
	// inconsistent or uses a feature this package does not support.
	ErrModelFormat = errors.New("boost: model format")
	// ErrInput reports prediction input that does not fit the model.
	ErrInput = errors.New("boost: bad input")
)

// NumGroups is the number of outputs per row of the margin: NumClass for
// multi-class models, otherwise 1.
func (m *Model) NumGroups() int {
	if m.NumClass > 1 {
		return m.NumClass
	}
	return 1
}

// parallelTrees returns NumParallelTree with 0 read as 1.
func (m *Model) parallelTrees() int {
	if m.NumParallelTree > 1 {
		return m.NumParallelTree
	}
	return 1
}

// NumRounds is the number of boosting rounds the model holds.
func (m *Model) NumRounds() int {
	per := m.NumGroups() * m.parallelTrees()
	return len(m.Trees) / per
}

// NumNodes is the node count of the tree.
func (t *Tree) NumNodes() int { return len(t.Left) }

// IsLeaf reports whether node n is a leaf.
func (t *Tree) IsLeaf(n int) bool { return t.Left[n] == -1 }

// NewTree returns a tree holding only a root leaf with the given value,
// base weight and hessian sum.
func NewTree(numFeature int, leaf, sumHess float32) Tree {
	return Tree{
		Left:        []int32{-1},
		Right:       []int32{-1},
		Parent:      []int32{RootParent},
		SplitIndex:  []int32{0},
		SplitCond:   []float32{leaf},
		DefaultLeft: []bool{false},
		BaseWeight:  []float32{leaf},
		LossChange:  []float32{0},
		SumHess:     []float32{sumHess},
		NumFeature:  numFeature,
	}
}

// AddSplit turns leaf n into an inner node splitting on feature at threshold
// cond (rows with x < cond go left) and appends its two children as new
// leaves, left then right, so that Right == Left+1. weight is the node's
// unscaled weight and gain its split gain; the children get the given leaf
// values (learning rate applied), which also become their base weights, and
// hessian sums. It returns the ids of the two children. n must be a node of
// t (0 <= n < NumNodes); like an index out of range, anything else panics.
func (t *Tree) AddSplit(n int, feature int, cond float32, defaultLeft bool, weight, gain float32,
	leftLeaf, leftHess, rightLeaf, rightHess float32) (left, right int) {
	left = len(t.Left)
	right = left + 1
	t.Left[n], t.Right[n] = int32(left), int32(right)
	t.SplitIndex[n] = int32(feature)
	t.SplitCond[n] = cond
	t.DefaultLeft[n] = defaultLeft
	t.BaseWeight[n] = weight
	t.LossChange[n] = gain
	for _, c := range [2]struct{ v, h float32 }{{leftLeaf, leftHess}, {rightLeaf, rightHess}} {
		t.Left = append(t.Left, -1)
		t.Right = append(t.Right, -1)
		t.Parent = append(t.Parent, int32(n))
		t.SplitIndex = append(t.SplitIndex, 0)
		t.SplitCond = append(t.SplitCond, c.v)
		t.DefaultLeft = append(t.DefaultLeft, false)
		t.BaseWeight = append(t.BaseWeight, c.v)
		t.LossChange = append(t.LossChange, 0)
		t.SumHess = append(t.SumHess, c.h)
	}
	return left, right
}

// BaseMargin returns the margin prediction starts from: BaseScore mapped
// from output space to margin space by the objective, as XGBoost 1.7 does
// (the logit for logistic objectives, the log for count:poisson, reg:gamma
// and reg:tweedie, the identity otherwise), in float32.
func (m *Model) BaseMargin() (float32, error) {
	return ProbToMargin(m.Objective, m.BaseScore)
}

// ProbToMargin maps a base score in output space to margin space for the
// named objective, in float32 as XGBoost 1.7 does.
func ProbToMargin(objective string, baseScore float32) (float32, error) {
	switch objectiveLink(objective) {
	case linkLogit:
		if !(baseScore > 0 && baseScore < 1) {
			return 0, fmt.Errorf("%w: base_score %v must be in (0, 1) for %s", ErrModelFormat, baseScore, objective)
		}
		return -logf(1/baseScore - 1), nil
	case linkLog:
		if !(baseScore > 0) {
			return 0, fmt.Errorf("%w: base_score %v must be positive for %s", ErrModelFormat, baseScore, objective)
		}
		return logf(baseScore), nil
	}
	return baseScore, nil
}

// logf emulates C's logf: the float64 log rounded to float32.
func logf(x float32) float32 { return float32(math.Log(float64(x))) }

func itoa(n int) string { return fmt.Sprint(n) }
