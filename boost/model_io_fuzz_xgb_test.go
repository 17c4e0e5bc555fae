package boost

import (
	"os"
	"testing"
)

// referenceSeeds are the reference models XGBoost 1.7.4 wrote, cut to
// their first two trees (so that the fuzzer mutates small inputs) and
// written back in both formats, which TestSaveIdenticalToXGBoost shows
// to be byte for byte what XGBoost writes: they carry XGBoost's feature
// names, attributes and objective parameters.
func referenceSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"model.json", "model_logistic.ubj", "model_missing.json"} {
		data, err := os.ReadFile("testdata/xgb/" + name)
		if err != nil {
			f.Fatal(err)
		}
		m, err := DecodeModel(data)
		if err != nil {
			f.Fatal(err)
		}
		m.Trees, m.TreeInfo = m.Trees[:2], m.TreeInfo[:2]
		for _, format := range []Format{FormatJSON, FormatUBJSON} {
			b, err := m.Encode(format)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzDecodeModel feeds XGBoost's own files (JSON, UBJSON and binary),
// mutated, to the loader through format detection, with the property of checkDecoded.
func FuzzDecodeModel(f *testing.F) {
	for _, s := range referenceSeeds(f) {
		f.Add(s)
	}
	for _, s := range binarySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoded(t, data, DetectFormat(data)) })
}
