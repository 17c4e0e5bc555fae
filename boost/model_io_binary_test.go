package boost

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// binaryRefFiles are models XGBoost 1.7.4 wrote with save_model("….xgb")
// (testdata/xgb_binary.py).
var binaryRefFiles = []string{"model_binary_logistic.xgb", "model_binary_poisson.xgb"}

// TestBinaryReferenceFiles loads XGBoost's binary files without Python:
// the objective, its parameters and the attributes come through, and the
// save is XGBoost's file byte for byte.
func TestBinaryReferenceFiles(t *testing.T) {
	want := map[string]struct {
		objective string
		base      float32
		params    map[string]string
	}{
		"model_binary_logistic.xgb": {ObjBinaryLogistic, 0.5, map[string]string{"scale_pos_weight": "1"}},
		"model_binary_poisson.xgb":  {ObjCountPoisson, 1.5, map[string]string{"max_delta_step": "0.699999988"}},
	}
	for _, name := range binaryRefFiles {
		t.Run(name, func(t *testing.T) {
			file, err := os.ReadFile(filepath.Join("testdata", "xgb", name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := DecodeBinary(file)
			if err != nil {
				t.Fatal(err)
			}
			w := want[name]
			if m.Objective != w.objective || m.BaseScore != w.base || m.NumFeature != 5 || len(m.Trees) != 2 {
				t.Errorf("objective %q base %v features %d trees %d", m.Objective, m.BaseScore, m.NumFeature, len(m.Trees))
			}
			if diff := cmp.Diff(w.params, m.ObjParams); diff != "" {
				t.Errorf("objective parameters (-want +got):\n%s", diff)
			}
			wantAttrs := map[string]string{"best_iteration": "1", "best_ntree_limit": "2", "source": "sagemaker"}
			if diff := cmp.Diff(wantAttrs, m.Attributes); diff != "" {
				t.Errorf("attributes (-want +got):\n%s", diff)
			}
			got, err := m.Encode(FormatBinary)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, file) {
				t.Fatalf("encoding differs from XGBoost's file at byte %d", firstDiff(got, file))
			}
			// Save picks the binary format for SageMaker's file name, and
			// LoadModel detects it.
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "xgboost-model")
			if err := m.Save(ctx, path); err != nil {
				t.Fatal(err)
			}
			saved, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(saved, file) {
				t.Fatalf("saved file differs from XGBoost's at byte %d", firstDiff(saved, file))
			}
			back, err := LoadModel(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(m, back); diff != "" {
				t.Errorf("LoadModel of the saved file (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBinaryFromJSONReferences converts the JSON reference models to the
// binary format and back: the model is unchanged but for what the format
// does not keep (feature names and types, the version).
func TestBinaryFromJSONReferences(t *testing.T) {
	for _, name := range []string{"model.json", "model_missing.ubj", "model_logistic.json"} {
		t.Run(name, func(t *testing.T) {
			m := loadRef(t, name)
			b, err := m.Encode(FormatBinary)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeModel(b)
			if err != nil {
				t.Fatal(err)
			}
			m.FeatureNames, m.FeatureTypes, m.Version = nil, nil, [3]int{}
			if diff := cmp.Diff(m, back); diff != "" {
				t.Errorf("round trip changed the model (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatForPath(t *testing.T) {
	for _, c := range []struct {
		path string
		want Format
	}{
		{"model.json", FormatJSON},
		{"dir/MODEL.JSON", FormatJSON},
		{"model.ubj", FormatUBJSON},
		{"model.UBJ", FormatUBJSON},
		{"model.xgb", FormatBinary},
		{"xgboost-model", FormatBinary},
		{"model.bin", FormatBinary},
		{"model.json.bak", FormatBinary},
	} {
		if got := FormatForPath(c.path); got != c.want {
			t.Errorf("FormatForPath(%q) = %v, want %v", c.path, got, c.want)
		}
	}
}

func TestDetectFormatBinary(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	b, err := randomModel(rng, ObjSquaredError, 2, 0, 1, 2).Encode(FormatBinary)
	if err != nil {
		t.Fatal(err)
	}
	headerless := b[len(binaryMagic):]
	for _, c := range []struct {
		name string
		data []byte
		want Format
	}{
		{"binf", b, FormatBinary},
		{"without magic", headerless, FormatBinary},
		{"json", []byte(`{"learner":{}}`), FormatJSON},
		{"json after space", []byte("\n {\"learner\":{}}"), FormatJSON},
		{"ubjson", []byte("{L\x00\x00\x00\x00\x00\x00\x00\x07learner{}}"), FormatUBJSON},
		{"short junk", []byte("xyz"), FormatJSON},
	} {
		if got := DetectFormat(c.data); got != c.want {
			t.Errorf("%s: DetectFormat = %v, want %v", c.name, got, c.want)
		}
	}
	// XGBoost reads files without the magic; so does the loader.
	m, err := DecodeModel(headerless)
	if err != nil {
		t.Fatal(err)
	}
	again, err := m.Encode(FormatBinary)
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("headerless file did not round trip to the file with its magic (%v)", err)
	}
}

// Offsets in the binary encoding of a reg:squarederror model (a 16-byte
// objective name).
const (
	offNumFeature   = 8
	offNumClass     = 12
	offMajor        = 24
	offNumTarget    = 32
	offBFA          = 36
	offObjLen       = 140
	offBoosterName  = offObjLen + 8 + 16 + 8
	offNumTrees     = offBoosterName + 6
	offParallel     = offNumTrees + 4
	offGBLeafVec    = offNumTrees + 28
	offTree0        = offNumTrees + binGBTreeParamSize
	offTreeNodes    = offTree0 + 4
	offTreeDeleted  = offTree0 + 8
	offTreeFeatures = offTree0 + 16
	offTreeLeafVec  = offTree0 + 20
	offNode0        = offTree0 + binTreeParamSize
)

// TestHostileBinaryModels feeds malformed binary files to the loader: each
// is an ErrModelFormat naming the problem, never a panic, and lengths that
// claim more than the file holds allocate nothing for them.
func TestHostileBinaryModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	good, err := randomModel(rng, ObjSquaredError, 3, 0, 2, 2).Encode(FormatBinary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeBinary(good); err != nil {
		t.Fatal(err)
	}
	patch := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	patch64 := func(off int, v uint64) []byte {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint64(b[off:], v)
		return b
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("seed has no %q", old)
		}
		b := bytes.Replace(good, []byte(old), []byte(new), 1)
		// Keep the length prefix of the string that starts with old right.
		i := bytes.Index(b, []byte(new))
		n := binary.LittleEndian.Uint64(b[i-8:])
		binary.LittleEndian.PutUint64(b[i-8:], n+uint64(len(new)-len(old)))
		return b
	}
	attrs := bytes.LastIndex(good, []byte("objective")) - 8 - 8 // the attribute count
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "learner parameters"},
		{"magic only", []byte(binaryMagic), "learner parameters"},
		{"huge num_feature", patch(offNumFeature, 1<<31), "num_feature"},
		{"negative num_class", patch(offNumClass, 0xffffffff), "num_class"},
		{"before 1.0", patch(offMajor, 0), "before 1.0"},
		{"multi-target", patch(offNumTarget, 2), "num_target"},
		{"boost_from_average", patch(offBFA, 7), "boost_from_average"},
		{"NaN base_score", patch(4, math.Float32bits(float32(math.NaN()))), "base_score"},
		{"huge objective length", patch64(offObjLen, 1<<62), "objective name"},
		{"unknown objective", replace("reg:squarederror", "reg:nonsense0000"), "unsupported objective"},
		{"dart", replace("gbtree", "dart00"), "unsupported booster"},
		{"huge num_trees", patch(offNumTrees, 1<<30), "num_trees"},
		{"negative num_trees", patch(offNumTrees, 0xffffffff), "num_trees"},
		{"num_parallel_tree 0", patch(offParallel, 0), "num_parallel_tree"},
		{"vector leaves", patch(offGBLeafVec, 2), "size_leaf_vector"},
		{"huge num_nodes", patch(offTreeNodes, 1<<30), "num_nodes"},
		{"zero num_nodes", patch(offTreeNodes, 0), "num_nodes"},
		{"deleted nodes", patch(offTreeDeleted, 1), "num_deleted"},
		{"tree num_feature", patch(offTreeFeatures, 9), "num_feature"},
		{"tree vector leaves", patch(offTreeLeafVec, 1), "size_leaf_vector"},
		{"child out of range", patch(offNode0+4, 99), "children"},
		{"self loop", patch(offNode0+4, 0), "children"},
		{"split feature out of range", patch(offNode0+12, 7), "feature"},
		{"non-finite split", patch(offNode0+16, math.Float32bits(float32(math.Inf(1)))), "non-finite"},
		{"tree_info out of range", patch(attrs-8, 5), "tree_info"},
		{"huge attribute count", patch64(attrs, 1<<60), "attributes do not fit"},
		{"objective attribute not JSON", replace(`{"name":"reg:squarederror"`, `{"name":"reg:squarederror"}`), "objective"},
		{"objective attribute for another objective", replace(`{"name":"reg:squarederror"`, `{"name":"reg:squaredlogerror"`), "objective"},
		{"trailing bytes", append(bytes.Clone(good), 0), "trailing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := DecodeModelFormat(c.data, FormatBinary)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrModelFormat) {
				t.Fatalf("error %v, want ErrModelFormat", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte file", n, len(c.data))
			}
		})
	}
	// Every truncation of a valid model is an error.
	data, err := randomModel(rng, ObjMultiSoftprob, 2, 3, 2, 2).Encode(FormatBinary)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(data); n++ {
		if _, err := DecodeModelFormat(data[:n], FormatBinary); !errors.Is(err, ErrModelFormat) {
			t.Fatalf("truncated to %d of %d bytes: error %v", n, len(data), err)
		}
	}
}

// TestBinaryLeftChildBit checks the parent field's bit 31, which XGBoost
// sets for left children: a file with it wrong still loads (prediction
// does not use it) and is saved with it right, as XGBoost saves a model
// it loaded from JSON.
func TestBinaryLeftChildBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	good, err := randomModel(rng, ObjSquaredError, 3, 0, 1, 2).Encode(FormatBinary)
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.Clone(good)
	p := offNode0 + binNodeSize // node 1, the root's left child
	if got := binary.LittleEndian.Uint32(b[p:]); got != 1<<31 {
		t.Fatalf("node 1 parent field %#x, want %#x", got, uint32(1<<31))
	}
	binary.LittleEndian.PutUint32(b[p:], 0)
	m, err := DecodeBinary(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := m.Encode(FormatBinary)
	if err != nil || !bytes.Equal(again, good) {
		t.Errorf("left-child bit not restored (%v)", err)
	}
}

// binarySeeds are XGBoost's binary files, the JSON reference models cut
// to two trees in the binary format, and small random models with
// truncations.
func binarySeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, name := range binaryRefFiles {
		data, err := os.ReadFile(filepath.Join("testdata", "xgb", name))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	for _, s := range referenceSeeds(f) {
		m, err := DecodeModel(s)
		if err != nil {
			f.Fatal(err)
		}
		b, err := m.Encode(FormatBinary)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return append(seeds, fuzzSeeds(FormatBinary)...)
}

// FuzzLoadBinary feeds XGBoost's binary files, mutated, to the binary
// loader, with the property of checkDecoded.
func FuzzLoadBinary(f *testing.F) {
	for _, s := range binarySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoded(t, data, FormatBinary) })
}

// ExampleDecodeBinary loads a model SageMaker's XGBoost container would
// save as "xgboost-model" (XGBoost's binary format) and predicts with it.
func ExampleDecodeBinary() {
	data, err := os.ReadFile("testdata/xgb/model_binary_logistic.xgb")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := DecodeBinary(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Objective, len(m.Trees), "trees,", m.NumFeature, "features")
	p, err := m.Predict(context.Background(), []float32{1, 0, 0, 0, 0, -1, 0, 0, 0, 0}, PredictOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f %.4f\n", p[0], p[1])
	// Output:
	// binary:logistic 2 trees, 5 features
	// 0.8042 0.1449
}
