package boost

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"
)

// XGBoost's legacy binary model format
//
// XGBoost 1.x writes this format for save_model to any name not ending in
// ".json" or ".ubj" (and for Booster.save_raw("deprecated")); SageMaker's
// built-in XGBoost container saves its "xgboost-model" this way. All
// numbers are little-endian. The layout:
//
//	"binf"                      4-byte magic (absent in some older files)
//	learner parameters          136 bytes: base_score f32 (output space),
//	                            num_feature u32, num_class i32,
//	                            contain_extra_attrs i32, contain_eval_metrics i32,
//	                            major_version u32, minor_version u32,
//	                            num_target u32, boost_from_average i32,
//	                            25 reserved i32
//	objective name, booster name  strings (u64 length, then the bytes)
//	gbtree parameters           160 bytes: num_trees i32, num_parallel_tree i32,
//	                            num_feature i32 (deprecated), padding i32,
//	                            num_pbuffer i64, num_output_group i32
//	                            (both deprecated), size_leaf_vector i32,
//	                            32 reserved i32
//	num_trees trees, each:
//	  tree parameters           148 bytes: num_roots i32 (always 1),
//	                            num_nodes i32, num_deleted i32, max_depth i32
//	                            (deprecated), num_feature i32,
//	                            size_leaf_vector i32, 31 reserved i32
//	  num_nodes nodes           20 bytes each: parent i32 (bit 31 set for a
//	                            left child; -1 at the root), left i32,
//	                            right i32, split index u32 (bit 31: default
//	                            left), split condition or leaf value f32
//	  num_nodes statistics      16 bytes each: loss change f32,
//	                            sum of hessians f32, base weight f32,
//	                            leaf child count i32 (unused, 0)
//	tree_info                   num_trees i32
//	attributes                  when contain_extra_attrs: u64 count, then
//	                            (key, value) string pairs sorted by key
//
// XGBoost adds two attributes of its own: "objective", the objective's
// JSON configuration (its name and parameters, as in the JSON model), and
// "metrics", eval_metric names each followed by ";", which some writers
// add. The first is read into ObjParams; the second is configuration, not
// model, as in the JSON formats, and is dropped. Neither is among
// Model.Attributes. The format keeps no
// feature names or types, and XGBoost writes its own version (1.7) rather
// than the loaded one; a model decoded from it has a zero Version.

// binaryMagic opens every binary model XGBoost 1.x writes.
const binaryMagic = "binf"

// Sizes of the fixed-size records of the binary format.
const (
	binLearnerParamSize = 136
	binGBTreeParamSize  = 160
	binTreeParamSize    = 148
	binNodeSize         = 20
	binStatSize         = 16
	binStringHeader     = 8
)

// binaryVersion is the major and minor version XGBoost 1.7 writes.
var binaryVersion = [2]uint32{1, 7}

// binReader reads the little-endian fields of a binary model, checking
// every length against what is left of the input.
type binReader struct {
	data []byte
	off  int
}

func (r *binReader) errf(format string, args ...any) error {
	return fmt.Errorf("%w: binary model at byte %d: %s", ErrModelFormat, r.off, fmt.Sprintf(format, args...))
}

func (r *binReader) left() int { return len(r.data) - r.off }

// take returns the next n bytes.
func (r *binReader) take(n int, what string) ([]byte, error) {
	if n < 0 || n > r.left() {
		return nil, r.errf("%s: need %d bytes, %d left", what, n, r.left())
	}
	b := r.data[r.off : r.off+n]
	r.off += n
	return b, nil
}

// str reads a string: a u64 length, then the bytes.
func (r *binReader) str(what string) (string, error) {
	h, err := r.take(binStringHeader, what)
	if err != nil {
		return "", err
	}
	n := binary.LittleEndian.Uint64(h)
	if n > uint64(r.left()) {
		return "", r.errf("%s: length %d, but %d bytes left", what, n, r.left())
	}
	b, _ := r.take(int(n), what)
	return string(b), nil
}

// record is a fixed-size little-endian record being read field by field.
type record []byte

func (b record) i32(i int) int32   { return int32(binary.LittleEndian.Uint32(b[i:])) }
func (b record) u32(i int) uint32  { return binary.LittleEndian.Uint32(b[i:]) }
func (b record) f32(i int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b[i:])) }

// DecodeBinary parses a model in XGBoost's legacy binary format, with or
// without the "binf" magic. Any problem, including a truncated or hostile
// file, is an error wrapping ErrModelFormat; memory use is bounded by a
// small multiple of len(data).
func DecodeBinary(data []byte) (*Model, error) {
	return DecodeModelFormat(data, FormatBinary)
}

// decodeBinary is DecodeBinary without the recover, for the fuzz tests.
func decodeBinary(data []byte) (*Model, error) {
	r := &binReader{data: data}
	if len(data) >= len(binaryMagic) && string(data[:len(binaryMagic)]) == binaryMagic {
		r.off = len(binaryMagic)
	}
	hb, err := r.take(binLearnerParamSize, "learner parameters")
	if err != nil {
		return nil, err
	}
	h := record(hb)
	m := &Model{BaseScore: h.f32(0)}
	if nf := h.u32(4); nf > maxModelFeatures {
		return nil, r.errf("num_feature %d out of range [0, %d]", nf, maxModelFeatures)
	} else {
		m.NumFeature = int(nf)
	}
	if nc := h.i32(8); nc < 0 || nc > maxModelClasses {
		return nil, r.errf("num_class %d out of range [0, %d]", nc, maxModelClasses)
	} else {
		m.NumClass = int(nc)
	}
	// contain_eval_metrics (h.i32(16)) is not needed: XGBoost reads the
	// metrics from the "metrics" attribute alone.
	hasAttrs := h.i32(12) != 0
	if major := h.u32(20); major < 1 {
		return nil, r.errf("written by XGBoost %d.%d; models from before 1.0 (base_score in margin space) are not supported", major, h.u32(24))
	}
	switch nt := h.u32(28); nt {
	case 0, 1:
		m.NumTarget = 1
	default:
		return nil, r.errf("num_target %d (multi-target models are not supported)", nt)
	}
	switch bfa := h.i32(32); bfa {
	case 0, 1:
		m.BoostFromAverage = bfa == 1
	default:
		return nil, r.errf("boost_from_average %d, want 0 or 1", bfa)
	}
	if m.Objective, err = r.str("objective name"); err != nil {
		return nil, err
	}
	if !KnownObjective(m.Objective) {
		return nil, r.errf("unsupported objective %q", m.Objective)
	}
	if f := float64(m.BaseScore); math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, r.errf("base_score is not a finite number: %v", m.BaseScore)
	}
	if _, err := m.BaseMargin(); err != nil {
		return nil, err
	}
	booster, err := r.str("booster name")
	if err != nil {
		return nil, err
	}
	if booster != "gbtree" {
		return nil, r.errf("unsupported booster %q (only gbtree)", booster)
	}
	if err := m.treesFromBinary(r); err != nil {
		return nil, err
	}
	if hasAttrs {
		if err := m.attributesFromBinary(r); err != nil {
			return nil, err
		}
	}
	if r.left() != 0 {
		return nil, r.errf("%d trailing bytes", r.left())
	}
	return m, nil
}

func (m *Model) treesFromBinary(r *binReader) error {
	gb, err := r.take(binGBTreeParamSize, "gbtree parameters")
	if err != nil {
		return err
	}
	g := record(gb)
	nt := g.i32(0)
	// Each tree takes at least its parameters and one node.
	if minTree := binTreeParamSize + binNodeSize + binStatSize; nt < 0 || int64(nt) > int64(r.left()/minTree) {
		return r.errf("num_trees %d does not fit the %d bytes left", nt, r.left())
	}
	npt := g.i32(4)
	if npt < 1 || npt > 1<<20 {
		return r.errf("num_parallel_tree %d out of range [1, %d]", npt, 1<<20)
	}
	m.NumParallelTree = int(npt)
	if slv := g.i32(28); slv != 0 {
		return r.errf("size_leaf_vector %d (vector leaves are not supported)", slv)
	}
	m.Trees = make([]Tree, nt)
	for i := range m.Trees {
		if err := m.Trees[i].fromBinary(r, m.NumFeature); err != nil {
			return fmt.Errorf("tree %d: %w", i, err)
		}
	}
	ib, err := r.take(4*int(nt), "tree_info")
	if err != nil {
		return err
	}
	m.TreeInfo = make([]int32, nt)
	groups := int32(m.NumGroups())
	for i := range m.TreeInfo {
		gi := record(ib).i32(4 * i)
		if gi < 0 || gi >= groups {
			return r.errf("tree_info[%d]: group %d out of range [0, %d)", i, gi, groups)
		}
		m.TreeInfo[i] = gi
	}
	return nil
}

func (t *Tree) fromBinary(r *binReader, numFeature int) error {
	pb, err := r.take(binTreeParamSize, "tree parameters")
	if err != nil {
		return err
	}
	p := record(pb)
	nn := p.i32(4)
	if nn < 1 || int64(nn) > int64(r.left()/(binNodeSize+binStatSize)) {
		return r.errf("num_nodes %d does not fit the %d bytes left", nn, r.left())
	}
	if nd := p.i32(8); nd != 0 {
		return r.errf("num_deleted %d (trees with deleted nodes are not supported)", nd)
	}
	if nf := p.i32(16); int64(nf) != int64(numFeature) {
		return r.errf("num_feature %d, model %d", nf, numFeature)
	}
	if slv := p.i32(20); slv != 0 {
		return r.errf("size_leaf_vector %d (vector leaves are not supported)", slv)
	}
	n := int(nn)
	*t = Tree{
		Left: make([]int32, n), Right: make([]int32, n), Parent: make([]int32, n),
		SplitIndex: make([]int32, n), SplitCond: make([]float32, n), DefaultLeft: make([]bool, n),
		BaseWeight: make([]float32, n), LossChange: make([]float32, n), SumHess: make([]float32, n),
		NumFeature: numFeature,
	}
	nb, _ := r.take(n*binNodeSize, "nodes")
	for i := 0; i < n; i++ {
		nr := record(nb[i*binNodeSize:])
		// The parent's low 31 bits are its id (all ones at the root,
		// which is RootParent); bit 31 marks a left child and follows
		// from the structure, which Validate checks.
		t.Parent[i] = int32(nr.u32(0) &^ (1 << 31))
		t.Left[i], t.Right[i] = nr.i32(4), nr.i32(8)
		si := nr.u32(12)
		t.SplitIndex[i] = int32(si &^ (1 << 31))
		t.DefaultLeft[i] = si>>31 != 0
		t.SplitCond[i] = nr.f32(16)
	}
	sb, _ := r.take(n*binStatSize, "node statistics")
	for i := 0; i < n; i++ {
		sr := record(sb[i*binStatSize:])
		t.LossChange[i], t.SumHess[i], t.BaseWeight[i] = sr.f32(0), sr.f32(4), sr.f32(8)
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Parent[0] != RootParent {
		return r.errf("root has parent %d", t.Parent[0])
	}
	return nil
}

func (m *Model) attributesFromBinary(r *binReader) error {
	cb, err := r.take(binStringHeader, "attribute count")
	if err != nil {
		return err
	}
	// Each attribute takes at least its two string lengths.
	count := binary.LittleEndian.Uint64(cb)
	if count > uint64(r.left()/(2*binStringHeader)) {
		return r.errf("%d attributes do not fit the %d bytes left", count, r.left())
	}
	m.Attributes = make(map[string]string, count)
	for i := uint64(0); i < count; i++ {
		k, err := r.str("attribute key")
		if err != nil {
			return err
		}
		v, err := r.str("attribute " + k)
		if err != nil {
			return err
		}
		if _, dup := m.Attributes[k]; dup {
			return r.errf("attribute %q repeated", k)
		}
		m.Attributes[k] = v
	}
	if doc, ok := m.Attributes["objective"]; ok {
		delete(m.Attributes, "objective")
		if err := m.objectiveFromBinary(doc); err != nil {
			return err
		}
	}
	// XGBoost turns "metrics" into its eval_metric setting, which is
	// configuration, not model: the JSON model does not hold it either.
	delete(m.Attributes, "metrics")
	return nil
}

// objectiveFromBinary reads the "objective" attribute, the objective's
// JSON configuration.
func (m *Model) objectiveFromBinary(doc string) error {
	const path = "attributes.objective"
	v, err := decodeJSON([]byte(doc))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	o, err := docObject(v, path)
	if err != nil {
		return err
	}
	name, err := docStringField(o, "name", path)
	if err != nil {
		return err
	}
	if name != m.Objective {
		return docErr(path+".name", "%q, but the model's objective is %q", name, m.Objective)
	}
	return m.objParamsFromDoc(o, path)
}

// binWriter appends little-endian fields.
type binWriter struct{ b []byte }

func (w *binWriter) u32(v uint32)  { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *binWriter) i32(v int32)   { w.u32(uint32(v)) }
func (w *binWriter) f32(v float32) { w.u32(math.Float32bits(v)) }
func (w *binWriter) zeros(n int)   { w.b = append(w.b, make([]byte, n)...) }
func (w *binWriter) str(s string) {
	w.b = binary.LittleEndian.AppendUint64(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

// encodeBinary writes the model as XGBoost 1.7.4's Booster.save_raw
// ("deprecated") would: feature names and types are not part of the
// format and are left out.
func (m *Model) encodeBinary() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	objDoc, err := encodeJSON(m.objectiveDoc())
	if err != nil {
		return nil, err
	}
	attrs := maps.Clone(m.Attributes)
	if attrs == nil {
		attrs = make(map[string]string, 2)
	}
	attrs["objective"] = string(objDoc)
	w := &binWriter{b: make([]byte, 0, m.binarySizeHint())}
	w.b = append(w.b, binaryMagic...)
	w.f32(m.BaseScore)
	w.u32(uint32(m.NumFeature))
	w.i32(int32(m.NumClass))
	w.i32(1) // contain_extra_attrs: XGBoost always writes the objective
	w.i32(0) // contain_eval_metrics
	w.u32(binaryVersion[0])
	w.u32(binaryVersion[1])
	w.u32(1) // num_target
	w.i32(boolInt32(m.BoostFromAverage))
	w.zeros(25 * 4)
	w.str(m.Objective)
	w.str("gbtree")

	w.i32(int32(len(m.Trees)))
	w.i32(int32(m.parallelTrees()))
	w.zeros(binGBTreeParamSize - 8)
	for i := range m.Trees {
		t := m.Trees[i].Canonical()
		n := t.NumNodes()
		w.i32(1) // num_roots
		w.i32(int32(n))
		w.zeros(8) // num_deleted, max_depth
		w.i32(int32(m.NumFeature))
		w.zeros(binTreeParamSize - 20)
		for j := 0; j < n; j++ {
			parent := uint32(0xffffffff)
			if j != 0 {
				parent = uint32(t.Parent[j])
				if t.Left[t.Parent[j]] == int32(j) {
					parent |= 1 << 31
				}
			}
			w.u32(parent)
			w.i32(t.Left[j])
			w.i32(t.Right[j])
			si := uint32(t.SplitIndex[j])
			if t.DefaultLeft[j] {
				si |= 1 << 31
			}
			w.u32(si)
			w.f32(t.SplitCond[j])
		}
		for j := 0; j < n; j++ {
			w.f32(t.LossChange[j])
			w.f32(t.SumHess[j])
			w.f32(t.BaseWeight[j])
			w.i32(0)
		}
	}
	for _, g := range m.TreeInfo {
		w.i32(g)
	}
	w.b = binary.LittleEndian.AppendUint64(w.b, uint64(len(attrs)))
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		w.str(k)
		w.str(attrs[k])
	}
	return w.b, nil
}

// binarySizeHint is the encoded size without the attributes.
func (m *Model) binarySizeHint() int {
	n := len(binaryMagic) + binLearnerParamSize + 2*binStringHeader + len(m.Objective) + len("gbtree") +
		binGBTreeParamSize + 4*len(m.Trees) + 256
	for i := range m.Trees {
		n += binTreeParamSize + m.Trees[i].NumNodes()*(binNodeSize+binStatSize)
	}
	return n
}

// objectiveDoc is the objective's configuration as XGBoost saves it in
// the JSON model's "objective" field and in the binary model's
// "objective" attribute.
func (m *Model) objectiveDoc() map[string]any {
	objParams := m.ObjParams
	if objParams == nil {
		objParams = DefaultObjParams(m.Objective, m.NumClass)
	}
	obj := map[string]any{"name": m.Objective}
	if key := ObjectiveParamKey(m.Objective); key != "" {
		obj[key] = docStrMap(objParams)
	}
	return obj
}

func boolInt32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
