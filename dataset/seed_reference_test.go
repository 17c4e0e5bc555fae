package dataset

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSeedPreprocessingAgainstPlainLoops recomputes the seed's
// preprocessing without the package, from the CSV parsed by encoding/csv:
// the rows are put in the shuffled order, cut 6000/2000/2000, the train
// mean and population std of every feature are computed with two plain
// passes, and every value of the three written splits is compared with
// (x - mean) / std. The only thing taken from the package is the shuffle's
// order, read off the store's record_id column (the row's index in the
// CSV), because the order is what RandomShuffle(42) defines.
func TestSeedPreprocessingAgainstPlainLoops(t *testing.T) {
	ctx := context.Background()
	store := filepath.Join(t.TempDir(), "offline-store")
	offlineStore(t, store)
	files, scaler, counts := seedPreprocess(t, store, t.TempDir(), Options{Parallelism: 2, BlockRows: 1500})
	if d := cmp.Diff([]int64{6000, 2000, 2000}, counts); d != "" {
		t.Fatal("split sizes:", d)
	}

	// The shuffled order of the store's rows.
	ds, err := ReadParquet(ctx, nil, []string{store}, ParquetOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inStore := collect(t, ds.SelectColumns("record_id")).Column(0).Int64s()
	for i, id := range inStore {
		if id != int64(i) {
			t.Fatalf("store row %d has record_id %d", i, id)
		}
	}
	order := collect(t, ds.SelectColumns("record_id").RandomShuffle(42)).Column(0).Int64s()

	header, orig := readCSVPlain(t, housingCSV)
	if len(orig) != 10000 || header[0] != "PRICE" {
		t.Fatalf("%d rows, header %v", len(orig), header)
	}
	shuffled := make([][]float64, len(orig))
	for k, id := range order {
		shuffled[k] = orig[id]
	}
	want := map[string][][]float64{"train": shuffled[:6000], "validation": shuffled[6000:8000], "test": shuffled[8000:]}

	// Reference statistics: two plain passes over the train rows.
	train := want["train"]
	nf := len(header) - 1
	mean := make([]float64, nf)
	std := make([]float64, nf)
	for j := range nf {
		var s float64
		for _, r := range train {
			s += r[j+1]
		}
		mean[j] = s / float64(len(train))
		var ss float64
		for _, r := range train {
			ss += (r[j+1] - mean[j]) * (r[j+1] - mean[j])
		}
		std[j] = math.Sqrt(ss / float64(len(train)))
		if std[j] == 0 {
			t.Fatalf("%s is constant on train", header[j+1])
		}
		if !near(float64(scaler.Mean[j]), mean[j], 1e-12) || !near(float64(scaler.Std[j]), std[j], 1e-12) {
			t.Errorf("%s: fitted mean %v std %v, reference %v %v", header[j+1], scaler.Mean[j], scaler.Std[j], mean[j], std[j])
		}
	}

	for _, name := range []string{"train", "validation", "test"} {
		h, got := readCSVPlain(t, files[name]...)
		if d := cmp.Diff(header, h); d != "" {
			t.Fatalf("%s header: %s", name, d)
		}
		if len(got) != len(want[name]) {
			t.Fatalf("%s: %d rows, want %d", name, len(got), len(want[name]))
		}
		bad := 0
		for i, r := range got {
			ref := want[name][i]
			if r[0] != ref[0] {
				t.Fatalf("%s row %d: PRICE %v, want %v (rows out of order?)", name, i, r[0], ref[0])
			}
			for j := range nf {
				w := (ref[j+1] - mean[j]) / std[j]
				if math.Abs(r[j+1]-w) > 1e-12*math.Max(1, math.Abs(w)) {
					if bad++; bad <= 5 {
						t.Errorf("%s row %d %s: %v, want %v", name, i, header[j+1], r[j+1], w)
					}
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d values differ from the reference", name, bad)
		}
	}

	// On train every scaled feature has mean 0 and population std 1.
	_, got := readCSVPlain(t, files["train"]...)
	for j := range nf {
		m, s := meanStd(column(got, j+1))
		if math.Abs(m) > 1e-12 || math.Abs(s-1) > 1e-12 {
			t.Errorf("%s: scaled train mean %v std %v", header[j+1], m, s)
		}
	}
}

// near reports whether a and b agree to rel relative error.
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}
