package boost

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzSeeds are small valid models in the given format and truncations of
// them.
func fuzzSeeds(f Format) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var seeds [][]byte
	for _, m := range []*Model{
		randomModel(rng, ObjSquaredError, 3, 0, 2, 2),
		randomModel(rng, ObjBinaryLogistic, 2, 0, 1, 3),
		randomModel(rng, ObjMultiSoftprob, 2, 3, 1, 1),
	} {
		b, err := m.Encode(f)
		if err != nil {
			panic(err)
		}
		seeds = append(seeds, b, b[:len(b)/2], b[:len(b)-1])
	}
	return seeds
}

// checkDecoded is the fuzz property: decoding never panics; a model that
// decodes is valid, predicts without error, and survives an encode/decode
// round trip in every format unchanged (but for what a format does not
// keep).
func checkDecoded(t *testing.T, data []byte, f Format) {
	m, err := decodeModel(data, f)
	if err != nil {
		if !errors.Is(err, ErrModelFormat) {
			t.Fatalf("error does not wrap ErrModelFormat: %v", err)
		}
		return
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("decoded model is invalid: %v", err)
	}
	if m.NumFeature > 0 && m.NumFeature <= 1024 && m.NumGroups() <= 64 {
		x := make([]float32, 2*m.NumFeature)
		if _, err := m.PredictMargin(context.Background(), x, PredictOptions{Threads: 1}); err != nil {
			t.Fatalf("predict: %v", err)
		}
	}
	for _, out := range []Format{FormatJSON, FormatUBJSON, FormatBinary} {
		b, err := m.Encode(out)
		if err != nil {
			t.Fatalf("encode %s: %v", out, err)
		}
		back, err := decodeModel(b, out)
		if err != nil {
			t.Fatalf("decode %s of an encoded model: %v", out, err)
		}
		// Encoding renumbers non-canonical trees; compare the canonical forms.
		canon := *m
		canon.Trees = make([]Tree, len(m.Trees))
		for i := range m.Trees {
			canon.Trees[i] = m.Trees[i].Canonical()
		}
		if canon.ObjParams == nil {
			canon.ObjParams = DefaultObjParams(m.Objective, m.NumClass)
		}
		if canon.Attributes == nil {
			canon.Attributes = map[string]string{}
		}
		if canon.Version == [3]int{} {
			canon.Version = [3]int{1, 7, 4}
		}
		if canon.NumTarget == 0 {
			canon.NumTarget = 1
		}
		if out == FormatBinary {
			// The binary format keeps no feature names or types and no
			// version, and its "objective" and "metrics" attributes are
			// XGBoost's own.
			canon.FeatureNames, canon.FeatureTypes, canon.Version = nil, nil, [3]int{}
			canon.Attributes = maps.Clone(canon.Attributes)
			delete(canon.Attributes, "objective")
			delete(canon.Attributes, "metrics")
		}
		if diff := cmp.Diff(&canon, back, cmp.Comparer(func(a, b float32) bool {
			return a == b || (a != a && b != b)
		})); diff != "" {
			t.Fatalf("%s round trip changed the model:\n%s", out, diff)
		}
	}
}

func FuzzLoadJSON(f *testing.F) {
	for _, s := range fuzzSeeds(FormatJSON) {
		f.Add(s)
	}
	f.Add([]byte(`{"learner":{}}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoded(t, data, FormatJSON) })
}

func FuzzLoadUBJSON(f *testing.F) {
	for _, s := range fuzzSeeds(FormatUBJSON) {
		f.Add(s)
	}
	f.Add([]byte("{L\x00\x00\x00\x00\x00\x00\x00\x07learner[$d#L\x7f\xff\xff\xff\xff\xff\xff\xff}"))
	f.Add([]byte("[$l#L\x00\x00\x00\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoded(t, data, FormatUBJSON) })
}

// TestHostileModels feeds malformed documents to the loader: each is an
// ErrModelFormat naming the problem, never a panic.
func TestHostileModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	good, err := randomModel(rng, ObjSquaredError, 3, 0, 2, 2).Encode(FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("seed has no %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	cases := []struct {
		name string
		data []byte
		f    Format
		want string
	}{
		{"empty", nil, FormatJSON, "json"},
		{"not an object", []byte(`[1,2]`), FormatJSON, "want an object"},
		{"unknown objective", edit(`"reg:squarederror"`, `"reg:nonsense"`), FormatJSON, "unsupported objective"},
		{"bad base score", edit(`"base_score":"5E-1"`, `"base_score":"NaN"`), FormatJSON, "base_score"},
		{"num_trees mismatch", edit(`"num_trees":"2"`, `"num_trees":"3"`), FormatJSON, "num_trees"},
		{"node count", edit(`"num_nodes":"`, `"num_nodes":"1`), FormatJSON, "num_nodes"},
		{"child out of range", edit(`"left_children":[1`, `"left_children":[99`), FormatJSON, "children"},
		{"self loop", edit(`"left_children":[1`, `"left_children":[0`), FormatJSON, "children"},
		{"wrong parent", edit(`"parents":[2147483647,0`, `"parents":[2147483647,1`), FormatJSON, "parent"},
		{"feature out of range", edit(`"split_indices":[`, `"split_indices":[7`), FormatJSON, "feature"},
		{"categorical", edit(`"split_type":[0`, `"split_type":[1`), FormatJSON, "categorical"},
		{"repeated tree id", edit(`"id":1`, `"id":0`), FormatJSON, "id"},
		{"dart", edit(`"name":"gbtree"`, `"name":"dart"`), FormatJSON, "unsupported booster"},
		{"ubjson huge typed array", []byte("{L\x00\x00\x00\x00\x00\x00\x00\x01x[$d#L\x00\x00\x00\x00\x7f\xff\xff\xff}"), FormatUBJSON, "out of range"},
		{"ubjson typed array overrun", []byte("[$d#i\x04\x00\x00\x00\x00"), FormatUBJSON, "overruns"},
		{"ubjson negative length", []byte("{L\xff\xff\xff\xff\xff\xff\xff\xffx}"), FormatUBJSON, "length"},
		{"ubjson deep nesting", []byte(strings.Repeat("[", 100)), FormatUBJSON, "nesting"},
		{"ubjson trailing bytes", []byte("{}x"), FormatUBJSON, "trailing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeModelFormat(c.data, c.f)
			if !errors.Is(err, ErrModelFormat) {
				t.Fatalf("error %v, want ErrModelFormat", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
	// Every truncation of a valid model, in both formats, is an error.
	for _, f := range []Format{FormatJSON, FormatUBJSON} {
		data, err := randomModel(rng, ObjBinaryLogistic, 2, 0, 1, 2).Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n++ {
			if _, err := DecodeModelFormat(data[:n], f); !errors.Is(err, ErrModelFormat) {
				t.Fatalf("%s truncated to %d of %d bytes: error %v", f, n, len(data), err)
			}
		}
	}
}
