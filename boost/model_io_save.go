package boost

import (
	"fmt"
	"strconv"
)

// Canonical returns the tree with its nodes renumbered so that the two
// children of every inner node are consecutive (Right == Left+1), which
// XGBoost's predictor requires, in breadth-first order from the root. A
// tree that already has consecutive siblings is returned unchanged (the
// same slices), so trees built with NewTree/AddSplit keep their numbering.
// Unreachable nodes are dropped.
func (t *Tree) Canonical() Tree {
	ok := true
	for i := range t.Left {
		if t.Left[i] != -1 && t.Right[i] != t.Left[i]+1 {
			ok = false
			break
		}
	}
	if ok {
		return *t
	}
	n := len(t.Left)
	order := make([]int32, 0, n) // new id -> old id
	order = append(order, 0)
	for k := 0; k < len(order); k++ {
		if o := order[k]; t.Left[o] != -1 {
			order = append(order, t.Left[o], t.Right[o])
		}
	}
	newID := make([]int32, n)
	for i := range newID {
		newID[i] = -1
	}
	for nid, o := range order {
		newID[o] = int32(nid)
	}
	m := len(order)
	c := Tree{
		Left: make([]int32, m), Right: make([]int32, m), Parent: make([]int32, m),
		SplitIndex: make([]int32, m), SplitCond: make([]float32, m), DefaultLeft: make([]bool, m),
		BaseWeight: make([]float32, m), LossChange: make([]float32, m), SumHess: make([]float32, m),
		NumFeature: t.NumFeature,
	}
	for nid, o := range order {
		c.Left[nid], c.Right[nid] = -1, -1
		if t.Left[o] != -1 {
			c.Left[nid], c.Right[nid] = newID[t.Left[o]], newID[t.Right[o]]
		}
		if nid == 0 {
			c.Parent[nid] = RootParent
		} else {
			c.Parent[nid] = newID[t.Parent[o]]
		}
		c.SplitIndex[nid] = t.SplitIndex[o]
		c.SplitCond[nid] = t.SplitCond[o]
		c.DefaultLeft[nid] = t.DefaultLeft[o]
		c.BaseWeight[nid] = t.BaseWeight[o]
		c.LossChange[nid] = t.LossChange[o]
		c.SumHess[nid] = t.SumHess[o]
	}
	return c
}

// Validate checks the model's consistency: known objective, valid base
// score, one TreeInfo entry per tree with a valid group, a whole number of
// rounds and well-formed trees (see Tree.Validate).
func (m *Model) Validate() error {
	if !KnownObjective(m.Objective) {
		return fmt.Errorf("%w: unsupported objective %q", ErrModelFormat, m.Objective)
	}
	if _, err := m.BaseMargin(); err != nil {
		return err
	}
	if m.NumFeature < 0 || m.NumFeature > maxModelFeatures {
		return fmt.Errorf("%w: num_feature %d out of range [0, %d]", ErrModelFormat, m.NumFeature, maxModelFeatures)
	}
	if m.NumClass < 0 || m.NumClass > maxModelClasses {
		return fmt.Errorf("%w: num_class %d out of range [0, %d]", ErrModelFormat, m.NumClass, maxModelClasses)
	}
	if len(m.TreeInfo) != len(m.Trees) {
		return fmt.Errorf("%w: %d tree_info entries for %d trees", ErrModelFormat, len(m.TreeInfo), len(m.Trees))
	}
	for i, g := range m.TreeInfo {
		if g < 0 || int(g) >= m.NumGroups() {
			return fmt.Errorf("%w: tree %d: group %d out of range [0, %d)", ErrModelFormat, i, g, m.NumGroups())
		}
	}
	if len(m.FeatureNames) != 0 && len(m.FeatureNames) != m.NumFeature {
		return fmt.Errorf("%w: %d feature names for %d features", ErrModelFormat, len(m.FeatureNames), m.NumFeature)
	}
	if len(m.FeatureTypes) != 0 && len(m.FeatureTypes) != m.NumFeature {
		return fmt.Errorf("%w: %d feature types for %d features", ErrModelFormat, len(m.FeatureTypes), m.NumFeature)
	}
	for i := range m.Trees {
		t := m.Trees[i]
		if t.NumFeature == 0 {
			t.NumFeature = m.NumFeature
		}
		if t.NumFeature != m.NumFeature {
			return fmt.Errorf("%w: tree %d has num_feature %d, model %d", ErrModelFormat, i, t.NumFeature, m.NumFeature)
		}
		if err := t.Validate(); err != nil {
			return fmt.Errorf("tree %d: %w", i, err)
		}
	}
	return nil
}

func docStrMap(m map[string]string) map[string]any {
	o := make(map[string]any, len(m))
	for k, v := range m {
		o[k] = v
	}
	return o
}

func docStrSlice(s []string) []any {
	o := make([]any, len(s))
	for i, v := range s {
		o[i] = v
	}
	return o
}

func docBoolsU8(b []bool) []uint8 {
	o := make([]uint8, len(b))
	for i, v := range b {
		if v {
			o[i] = 1
		}
	}
	return o
}

func docBoolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// toDoc builds the generic document XGBoost 1.7.4 writes for the model.
func (m *Model) toDoc() (map[string]any, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	version := m.Version
	if version == [3]int{} {
		version = [3]int{1, 7, 4}
	}
	obj := m.objectiveDoc()
	numTarget := m.NumTarget
	if numTarget == 0 {
		numTarget = 1
	}
	trees := make([]any, len(m.Trees))
	info := make([]any, len(m.Trees))
	for i := range m.Trees {
		t := m.Trees[i].Canonical()
		n := t.NumNodes()
		trees[i] = map[string]any{
			"base_weights":        t.BaseWeight,
			"categories":          []int32{},
			"categories_nodes":    []int32{},
			"categories_segments": []int64{},
			"categories_sizes":    []int64{},
			"default_left":        docBoolsU8(t.DefaultLeft),
			"id":                  int64(i),
			"left_children":       t.Left,
			"loss_changes":        t.LossChange,
			"parents":             t.Parent,
			"right_children":      t.Right,
			"split_conditions":    t.SplitCond,
			"split_indices":       t.SplitIndex,
			"split_type":          make([]uint8, n),
			"sum_hessian":         t.SumHess,
			"tree_param": map[string]any{
				"num_deleted":      "0",
				"num_feature":      strconv.Itoa(m.NumFeature),
				"num_nodes":        strconv.Itoa(n),
				"size_leaf_vector": "0",
			},
		}
		info[i] = int64(m.TreeInfo[i])
	}
	learner := map[string]any{
		"attributes":    docStrMap(m.Attributes),
		"feature_names": docStrSlice(m.FeatureNames),
		"feature_types": docStrSlice(m.FeatureTypes),
		"gradient_booster": map[string]any{
			"model": map[string]any{
				"gbtree_model_param": map[string]any{
					"num_parallel_tree": strconv.Itoa(m.parallelTrees()),
					"num_trees":         strconv.Itoa(len(m.Trees)),
					"size_leaf_vector":  "0",
				},
				"tree_info": info,
				"trees":     trees,
			},
			"name": "gbtree",
		},
		"learner_model_param": map[string]any{
			"base_score":         string(formatFloat32(nil, m.BaseScore)),
			"boost_from_average": docBoolStr(m.BoostFromAverage),
			"num_class":          strconv.Itoa(m.NumClass),
			"num_feature":        strconv.Itoa(m.NumFeature),
			"num_target":         strconv.Itoa(numTarget),
		},
		"objective": obj,
	}
	return map[string]any{
		"learner": learner,
		"version": []any{int64(version[0]), int64(version[1]), int64(version[2])},
	}, nil
}
