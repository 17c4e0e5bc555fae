package boost

import (
	"fmt"
	"math"
	"strconv"
)

// Format is a model file format.
type Format int

const (
	// FormatJSON is XGBoost's JSON model format (".json").
	FormatJSON Format = iota
	// FormatUBJSON is XGBoost's Universal Binary JSON format (".ubj").
	FormatUBJSON
	// FormatBinary is XGBoost's legacy binary format, which XGBoost 1.x
	// writes for any other file name and SageMaker's XGBoost container
	// writes as "xgboost-model" (see DecodeBinary).
	FormatBinary
)

// String returns "json", "ubjson" or "binary".
func (f Format) String() string {
	switch f {
	case FormatUBJSON:
		return "ubjson"
	case FormatBinary:
		return "binary"
	}
	return "json"
}

// Limits on what a loaded model may declare. They keep a hostile file from
// making prediction allocate without bound; real models are far below them.
const (
	maxModelFeatures = 1 << 24
	maxModelClasses  = 1 << 16
)

// DetectFormat guesses the format of a model document from its first bytes,
// as XGBoost does: binary when it starts with "binf" (or, as in files
// from before that magic, with anything other than JSON white space or
// "{"); UBJSON when an object's first key starts with a UBJSON length
// marker; JSON otherwise.
func DetectFormat(data []byte) Format {
	if len(data) >= len(binaryMagic) && string(data[:len(binaryMagic)]) == binaryMagic {
		return FormatBinary
	}
	if len(data) >= binLearnerParamSize && data[0] != '{' && data[0] != ' ' && data[0] != '\t' &&
		data[0] != '\n' && data[0] != '\r' {
		return FormatBinary
	}
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if i+1 < len(data) && data[i] == '{' {
		switch data[i+1] {
		case 'i', 'U', 'I', 'l', 'L', '$', '#':
			return FormatUBJSON
		}
	}
	return FormatJSON
}

// DecodeModel parses an XGBoost 1.7 model in either format (see
// DetectFormat). Any problem, including a truncated or hostile document,
// is an error wrapping ErrModelFormat; memory use is bounded by a small
// multiple of len(data).
func DecodeModel(data []byte) (*Model, error) {
	return DecodeModelFormat(data, DetectFormat(data))
}

// DecodeModelFormat parses an XGBoost 1.7 model in the given format.
func DecodeModelFormat(data []byte, f Format) (*Model, error) {
	return decodeRecovered(f, func() (*Model, error) { return decodeModel(data, f) })
}

// decodeRecovered runs decode and turns a panic in it into an
// *actor.PanicError wrapping ErrModelFormat. The decoders check every bound they rely on; this
// turns a missed one into an error, with its stack, rather than a crash of
// the caller.
func decodeRecovered(f Format, decode func() (*Model, error)) (m *Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, newPanicError(ErrModelFormat, f.String()+" decoder", r)
		}
	}()
	return decode()
}

// decodeModel is DecodeModelFormat without the recover, for the fuzz tests.
func decodeModel(data []byte, f Format) (*Model, error) {
	if f == FormatBinary {
		return decodeBinary(data)
	}
	var doc any
	var err error
	if f == FormatUBJSON {
		doc, err = decodeUBJSON(data)
	} else {
		doc, err = decodeJSON(data)
	}
	if err != nil {
		return nil, err
	}
	return modelFromDoc(doc)
}

// Encode writes the model in the given format, byte for byte as XGBoost
// 1.7.4 writes the same model (sorted keys, shortest float32 text).
// Trees whose siblings are not numbered consecutively are renumbered on the
// way out (see Tree.Canonical); the Model itself is not changed.
//
// In FormatBinary, feature names and types are left out: the format has
// no place for them.
func (m *Model) Encode(f Format) ([]byte, error) {
	if f == FormatBinary {
		return m.encodeBinary()
	}
	doc, err := m.toDoc()
	if err != nil {
		return nil, err
	}
	if f == FormatUBJSON {
		return encodeUBJSON(doc)
	}
	return encodeJSON(doc)
}

func modelFromDoc(doc any) (*Model, error) {
	root, err := docObject(doc, "$")
	if err != nil {
		return nil, err
	}
	m := &Model{}
	if v, ok := root["version"]; ok {
		vs, err := docInt32s(v, "version")
		if err != nil {
			return nil, err
		}
		if len(vs) != 3 {
			return nil, docErr("version", "want 3 numbers, have %d", len(vs))
		}
		m.Version = [3]int{int(vs[0]), int(vs[1]), int(vs[2])}
	}
	ln, err := docObjectField(root, "learner", "$")
	if err != nil {
		return nil, err
	}
	const lp = "learner"
	mp, err := docObjectField(ln, "learner_model_param", lp)
	if err != nil {
		return nil, err
	}
	const mpp = lp + ".learner_model_param"
	bs, err := docStringField(mp, "base_score", mpp)
	if err != nil {
		return nil, err
	}
	base, err := strconv.ParseFloat(bs, 32)
	if err != nil || math.IsNaN(base) || math.IsInf(base, 0) {
		return nil, docErr(mpp+".base_score", "not a finite number: %q", bs)
	}
	m.BaseScore = float32(base)
	nf, err := docIntParam(mp, "num_feature", mpp, 0, maxModelFeatures)
	if err != nil {
		return nil, err
	}
	m.NumFeature = int(nf)
	nc, err := docIntParam(mp, "num_class", mpp, 0, maxModelClasses)
	if err != nil {
		return nil, err
	}
	m.NumClass = int(nc)
	if _, ok := mp["num_target"]; ok {
		nt, err := docIntParam(mp, "num_target", mpp, 0, 1)
		if err != nil {
			return nil, fmt.Errorf("%w (multi-target models are not supported)", err)
		}
		m.NumTarget = int(nt)
	}
	if _, ok := mp["boost_from_average"]; ok {
		bfa, err := docIntParam(mp, "boost_from_average", mpp, 0, 1)
		if err != nil {
			return nil, err
		}
		m.BoostFromAverage = bfa == 1
	}

	obj, err := docObjectField(ln, "objective", lp)
	if err != nil {
		return nil, err
	}
	if m.Objective, err = docStringField(obj, "name", lp+".objective"); err != nil {
		return nil, err
	}
	if !KnownObjective(m.Objective) {
		return nil, docErr(lp+".objective.name", "unsupported objective %q", m.Objective)
	}
	if _, err := m.BaseMargin(); err != nil {
		return nil, err
	}
	if err := m.objParamsFromDoc(obj, lp+".objective"); err != nil {
		return nil, err
	}

	if v, ok := ln["attributes"]; ok {
		ao, err := docObject(v, lp+".attributes")
		if err != nil {
			return nil, err
		}
		m.Attributes = make(map[string]string, len(ao))
		for k, av := range ao {
			if m.Attributes[k], err = docString(av, lp+".attributes."+k); err != nil {
				return nil, err
			}
		}
	}
	if v, ok := ln["feature_names"]; ok {
		if m.FeatureNames, err = docStrings(v, lp+".feature_names"); err != nil {
			return nil, err
		}
		if len(m.FeatureNames) != 0 && len(m.FeatureNames) != m.NumFeature {
			return nil, docErr(lp+".feature_names", "%d names for %d features", len(m.FeatureNames), m.NumFeature)
		}
	}
	if v, ok := ln["feature_types"]; ok {
		if m.FeatureTypes, err = docStrings(v, lp+".feature_types"); err != nil {
			return nil, err
		}
		if len(m.FeatureTypes) != 0 && len(m.FeatureTypes) != m.NumFeature {
			return nil, docErr(lp+".feature_types", "%d types for %d features", len(m.FeatureTypes), m.NumFeature)
		}
		for i, t := range m.FeatureTypes {
			if t == "c" {
				return nil, docErr(fmt.Sprintf("%s.feature_types[%d]", lp, i), "categorical features are not supported")
			}
		}
	}
	if len(m.FeatureNames) == 0 {
		m.FeatureNames = nil
	}
	if len(m.FeatureTypes) == 0 {
		m.FeatureTypes = nil
	}

	gb, err := docObjectField(ln, "gradient_booster", lp)
	if err != nil {
		return nil, err
	}
	const gbp = lp + ".gradient_booster"
	name, err := docStringField(gb, "name", gbp)
	if err != nil {
		return nil, err
	}
	if name != "gbtree" {
		return nil, docErr(gbp+".name", "unsupported booster %q (only gbtree)", name)
	}
	gm, err := docObjectField(gb, "model", gbp)
	if err != nil {
		return nil, err
	}
	if err := m.treesFromDoc(gm, gbp+".model"); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Model) treesFromDoc(gm map[string]any, path string) error {
	gp, err := docObjectField(gm, "gbtree_model_param", path)
	if err != nil {
		return err
	}
	gpp := path + ".gbtree_model_param"
	tv, err := docField(gm, "trees", path)
	if err != nil {
		return err
	}
	trees, ok := tv.([]any)
	if !ok {
		return docErr(path+".trees", "want an array, have %s", docKind(tv))
	}
	nt, err := docIntParam(gp, "num_trees", gpp, 0, int64(len(trees)))
	if err != nil {
		return err
	}
	if int(nt) != len(trees) {
		return docErr(gpp+".num_trees", "%d, but %d trees", nt, len(trees))
	}
	npt, err := docIntParam(gp, "num_parallel_tree", gpp, 1, 1<<20)
	if err != nil {
		return err
	}
	m.NumParallelTree = int(npt)
	if _, ok := gp["size_leaf_vector"]; ok {
		if _, err := docIntParam(gp, "size_leaf_vector", gpp, 0, 0); err != nil {
			return fmt.Errorf("%w (vector leaves are not supported)", err)
		}
	}
	tiv, err := docField(gm, "tree_info", path)
	if err != nil {
		return err
	}
	info, err := docInt32s(tiv, path+".tree_info")
	if err != nil {
		return err
	}
	if len(info) != len(trees) {
		return docErr(path+".tree_info", "%d entries for %d trees", len(info), len(trees))
	}
	groups := int32(m.NumGroups())
	for i, g := range info {
		if g < 0 || g >= groups {
			return docErr(fmt.Sprintf("%s.tree_info[%d]", path, i), "group %d out of range [0, %d)", g, groups)
		}
	}
	m.TreeInfo = info
	m.Trees = make([]Tree, len(trees))
	seen := make([]bool, len(trees))
	for i, tv := range trees {
		tp := fmt.Sprintf("%s.trees[%d]", path, i)
		t, id, err := treeFromDoc(tv, tp, m.NumFeature)
		if err != nil {
			return err
		}
		if id < 0 || id >= int64(len(trees)) || seen[id] {
			return docErr(tp+".id", "id %d is out of range or repeated", id)
		}
		seen[id] = true
		m.Trees[id] = t
	}
	return nil
}

func treeFromDoc(v any, path string, numFeature int) (Tree, int64, error) {
	var t Tree
	o, err := docObject(v, path)
	if err != nil {
		return t, 0, err
	}
	idv, err := docField(o, "id", path)
	if err != nil {
		return t, 0, err
	}
	id, err := docInt(idv, path+".id")
	if err != nil {
		return t, 0, err
	}
	tp, err := docObjectField(o, "tree_param", path)
	if err != nil {
		return t, 0, err
	}
	tpp := path + ".tree_param"
	// Every node has an entry in left_children, so the array bounds the count.
	lc, err := docField(o, "left_children", path)
	if err != nil {
		return t, 0, err
	}
	nn, err := docIntParam(tp, "num_nodes", tpp, 1, int64(max(docArrayLen(lc), 1)))
	if err != nil {
		return t, 0, err
	}
	n := int(nn)
	if _, ok := tp["size_leaf_vector"]; ok {
		if _, err := docIntParam(tp, "size_leaf_vector", tpp, 0, 0); err != nil {
			return t, 0, fmt.Errorf("%w (vector leaves are not supported)", err)
		}
	}
	if _, ok := tp["num_deleted"]; ok {
		if _, err := docIntParam(tp, "num_deleted", tpp, 0, 0); err != nil {
			return t, 0, fmt.Errorf("%w (trees with deleted nodes are not supported)", err)
		}
	}
	if _, ok := tp["num_feature"]; ok {
		if _, err := docIntParam(tp, "num_feature", tpp, int64(numFeature), int64(numFeature)); err != nil {
			return t, 0, err
		}
	}
	t.NumFeature = numFeature
	ints := func(key string, dst *[]int32) error {
		v, err := docField(o, key, path)
		if err != nil {
			return err
		}
		if *dst, err = docInt32s(v, path+"."+key); err != nil {
			return err
		}
		if len(*dst) != n {
			return docErr(path+"."+key, "%d entries for %d nodes", len(*dst), n)
		}
		return nil
	}
	floats := func(key string, dst *[]float32) error {
		v, err := docField(o, key, path)
		if err != nil {
			return err
		}
		if *dst, err = docFloat32s(v, path+"."+key); err != nil {
			return err
		}
		if len(*dst) != n {
			return docErr(path+"."+key, "%d entries for %d nodes", len(*dst), n)
		}
		return nil
	}
	for _, f := range []struct {
		key string
		dst *[]int32
	}{{"left_children", &t.Left}, {"right_children", &t.Right}, {"parents", &t.Parent}, {"split_indices", &t.SplitIndex}} {
		if err := ints(f.key, f.dst); err != nil {
			return t, 0, err
		}
	}
	for _, f := range []struct {
		key string
		dst *[]float32
	}{{"split_conditions", &t.SplitCond}, {"base_weights", &t.BaseWeight}, {"loss_changes", &t.LossChange}, {"sum_hessian", &t.SumHess}} {
		if err := floats(f.key, f.dst); err != nil {
			return t, 0, err
		}
	}
	dl, err := docField(o, "default_left", path)
	if err != nil {
		return t, 0, err
	}
	if t.DefaultLeft, err = docBools(dl, path+".default_left"); err != nil {
		return t, 0, err
	}
	if len(t.DefaultLeft) != n {
		return t, 0, docErr(path+".default_left", "%d entries for %d nodes", len(t.DefaultLeft), n)
	}
	if st, ok := o["split_type"]; ok {
		types, err := docInt32s(st, path+".split_type")
		if err != nil {
			return t, 0, err
		}
		if len(types) != n {
			return t, 0, docErr(path+".split_type", "%d entries for %d nodes", len(types), n)
		}
		for i, ty := range types {
			if ty != 0 {
				return t, 0, docErr(fmt.Sprintf("%s.split_type[%d]", path, i), "categorical splits are not supported")
			}
		}
	}
	if err := t.Validate(); err != nil {
		return t, 0, fmt.Errorf("%s: %w", path, err)
	}
	return t, id, nil
}

// Validate checks that the tree is well formed: all per-node slices have
// the same, non-zero length; every inner node has two children that are
// valid node ids; every node other than the root is the child of exactly
// one node and names it as its Parent; every node is reachable from the
// root; split features are below NumFeature; all values are finite. Prediction relies on these
// properties, so a tree that fails them must not be used.
func (t *Tree) Validate() error {
	n := len(t.Left)
	if n == 0 {
		return fmt.Errorf("%w: tree has no nodes", ErrModelFormat)
	}
	if len(t.Right) != n || len(t.Parent) != n || len(t.SplitIndex) != n || len(t.SplitCond) != n ||
		len(t.DefaultLeft) != n || len(t.BaseWeight) != n || len(t.LossChange) != n || len(t.SumHess) != n {
		return fmt.Errorf("%w: tree node arrays differ in length", ErrModelFormat)
	}
	refs := 0
	seen := make([]bool, n)
	for i := 0; i < n; i++ {
		l, r := t.Left[i], t.Right[i]
		if l == -1 && r == -1 {
			continue
		}
		if l < 1 || int(l) >= n || r < 1 || int(r) >= n || l == r {
			return fmt.Errorf("%w: node %d has children %d and %d (nodes: %d)", ErrModelFormat, i, l, r, n)
		}
		for _, c := range [2]int32{l, r} {
			if seen[c] {
				return fmt.Errorf("%w: node %d is the child of two nodes", ErrModelFormat, c)
			}
			seen[c] = true
			if t.Parent[c] != int32(i) {
				return fmt.Errorf("%w: node %d has parent %d, but is a child of node %d", ErrModelFormat, c, t.Parent[c], i)
			}
		}
		refs += 2
		if f := t.SplitIndex[i]; f < 0 || (t.NumFeature > 0 && int(f) >= t.NumFeature) {
			return fmt.Errorf("%w: node %d splits on feature %d (features: %d)", ErrModelFormat, i, f, t.NumFeature)
		}
	}
	for _, a := range [4][]float32{t.SplitCond, t.BaseWeight, t.LossChange, t.SumHess} {
		for i, v := range a {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: node %d holds the non-finite value %v", ErrModelFormat, i, v)
			}
		}
	}
	// n-1 distinct non-root nodes each with one parent: the graph is a
	// tree exactly when it is connected, i.e. has no cycle apart from the root.
	if refs != n-1 {
		return fmt.Errorf("%w: %d nodes, but %d of them are children (want %d)", ErrModelFormat, n, refs, n-1)
	}
	// With every non-root node referenced exactly once and the root never
	// (seen[0] is impossible since children are >= 1), following parents
	// from any node must reach the root within n steps unless it is on a cycle.
	depth := make([]int32, n) // 0: unknown; otherwise depth+1
	depth[0] = 1
	stack := make([]int32, 0, 64)
	for i := 1; i < n; i++ {
		stack = stack[:0]
		j := int32(i)
		for depth[j] == 0 {
			stack = append(stack, j)
			if len(stack) > n {
				return fmt.Errorf("%w: node %d is not reachable from the root", ErrModelFormat, i)
			}
			j = t.Parent[j]
		}
		d := depth[j]
		for k := len(stack) - 1; k >= 0; k-- {
			d++
			depth[stack[k]] = d
		}
	}
	return nil
}

// objParamsFromDoc reads ObjParams from obj, the objective's configuration
// at path (its "reg_loss_param" or the like, when the objective has one and
// obj holds it).
func (m *Model) objParamsFromDoc(obj map[string]any, path string) error {
	key := ObjectiveParamKey(m.Objective)
	if key == "" {
		return nil
	}
	v, ok := obj[key]
	if !ok {
		return nil
	}
	po, err := docObject(v, path+"."+key)
	if err != nil {
		return err
	}
	m.ObjParams = make(map[string]string, len(po))
	for k, pv := range po {
		if m.ObjParams[k], err = docString(pv, path+"."+key+"."+k); err != nil {
			return err
		}
	}
	return nil
}
