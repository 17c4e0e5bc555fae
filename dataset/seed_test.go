package dataset

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// seedBookkeeping are the columns the seed drops after reading the feature
// store's offline store: five written by the store and four Hive partition
// keys that the reader adds from the directory names.
var seedBookkeeping = []string{"record_id", "event_time", "write_time", "api_invocation_time", "is_deleted",
	"year", "month", "day", "hour"}

// offlineStore writes the housing rows as a feature store offline store
// would: parquet files under year=/month=/day=/hour= directories, with the
// store's bookkeeping columns.
func offlineStore(t *testing.T, root string) {
	t.Helper()
	ctx := context.Background()
	ds, err := ReadCSV(ctx, nil, []string{housingCSV}, CSVOptions{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := collect(t, ds)
	n := all.NumRows()
	base := time.Date(2023, 11, 28, 5, 0, 0, 0, time.UTC)
	const parts = 4
	for h := range parts {
		lo, hi := h*n/parts, (h+1)*n/parts
		b := all.Slice(lo, hi)
		m := hi - lo
		id := make([]int64, m)
		ev := make([]float64, m)
		wt := make([]string, m)
		deleted := make([]bool, m)
		for i := range id {
			id[i] = int64(lo + i)
			ev[i] = float64(base.Unix() + int64(lo+i))
			wt[i] = base.Add(time.Duration(lo+i) * time.Second).Format("2006-01-02 15:04:05.000")
		}
		for _, c := range []struct {
			name string
			col  *Column
		}{
			{"record_id", NewInt64Column(id, nil)},
			{"event_time", NewFloat64Column(ev, nil)},
			{"write_time", NewStringColumn(wt, nil)},
			{"api_invocation_time", NewStringColumn(slices.Clone(wt), nil)},
			{"is_deleted", NewBoolColumn(deleted, nil)},
		} {
			if b, err = b.WithColumn(c.name, c.col); err != nil {
				t.Fatal(err)
			}
		}
		dir := filepath.Join(root, "year=2023", "month=11", "day=28", fmt.Sprintf("hour=%02d", 5+h))
		// Two row groups per file, so reads split below the file level.
		if _, err := NewParquetWriter(dir, WriteOptions{RowGroupRows: m/2 + 1}).WriteBlock(ctx, 0, b); err != nil {
			t.Fatal(err)
		}
	}
}

// seedPreprocess is the seed's preprocessing step written with this API.
// It returns the files written per split and the fitted scaler.
func seedPreprocess(t *testing.T, store, out string, exec Options) (map[string][]string, *StandardScaler, []int64) {
	t.Helper()
	ctx := context.Background()
	ds, err := ReadParquet(ctx, nil, []string{store}, ParquetOptions{}, exec)
	if err != nil {
		t.Fatal(err)
	}
	ds = ds.DropColumns(seedBookkeeping...)
	if _, err := ds.Count(ctx); err != nil {
		t.Fatal(err)
	}
	splits, err := ds.RandomShuffle(42).SplitProportionately(ctx, []float64{0.6, 0.2})
	if err != nil {
		t.Fatal(err)
	}
	var counts []int64
	for _, s := range splits {
		n, err := s.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, n)
	}
	cols, err := splits[0].Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	features := slices.DeleteFunc(cols, func(c string) bool { return c == "PRICE" })
	scaler := NewStandardScaler(features...)
	train, err := scaler.FitTransform(ctx, splits[0])
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]string{}
	for name, d := range map[string]*Dataset{
		"train": train, "validation": scaler.Transform(splits[1]), "test": scaler.Transform(splits[2]),
	} {
		if files[name], err = d.WriteCSV(ctx, filepath.Join(out, name), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return files, scaler, counts
}

// readCSVPlain parses CSV files with encoding/csv into rows of floats: the
// reference reader.
func readCSVPlain(t *testing.T, paths ...string) (header []string, rows [][]float64) {
	t.Helper()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		header = recs[0]
		for _, r := range recs[1:] {
			row := make([]float64, len(r))
			for i, s := range r {
				if row[i], err = strconv.ParseFloat(s, 64); err != nil {
					t.Fatal(err)
				}
			}
			rows = append(rows, row)
		}
	}
	return header, rows
}

// TestSeedPreprocessing runs the seed's preprocessing on an offline store
// built from the housing data and checks it against a reference computed
// with plain loops: the split sizes, that the splits partition the input,
// the scaler's statistics, the scaled values, and that the output files
// are byte-identical whatever the parallelism.
func TestSeedPreprocessing(t *testing.T) {
	store := filepath.Join(t.TempDir(), "offline-store")
	offlineStore(t, store)

	var first map[string][]byte
	for _, par := range []int{1, 2, 8} {
		t.Run(fmt.Sprint("parallelism ", par), func(t *testing.T) {
			out := t.TempDir()
			files, scaler, counts := seedPreprocess(t, store, out, Options{Parallelism: par, BlockRows: 1024})
			if d := cmp.Diff([]int64{6000, 2000, 2000}, counts); d != "" {
				t.Fatal("split sizes:", d)
			}
			bytesOf := map[string][]byte{}
			for name, ps := range files {
				var all []byte
				for _, p := range ps {
					b, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					all = append(all, b...)
				}
				bytesOf[name] = all
			}
			if first == nil {
				first = bytesOf
			} else {
				for name := range first {
					if string(first[name]) != string(bytesOf[name]) {
						t.Errorf("%s split differs from the parallelism 1 run", name)
					}
				}
			}
			if par != 1 {
				return
			}
			checkSeedReference(t, files, scaler)
		})
	}
}

func checkSeedReference(t *testing.T, files map[string][]string, scaler *StandardScaler) {
	t.Helper()
	origHeader, orig := readCSVPlain(t, housingCSV)
	splitRows := map[string][][]float64{}
	var header []string
	for name, ps := range files {
		header, splitRows[name] = readCSVPlain(t, ps...)
	}
	if d := cmp.Diff(origHeader, header); d != "" {
		t.Fatal("column order:", d)
	}
	features := header[1:]
	if d := cmp.Diff(features, scaler.Columns); d != "" {
		t.Fatal(d)
	}
	// Reference statistics of the train split, unscaled: the scaled value
	// times the fitted std plus the fitted mean gives the input back, and
	// the plain mean/std of those inputs must be the fitted ones.
	train := splitRows["train"]
	for k, f := range features {
		col := k + 1
		var ref []float64
		for _, r := range train {
			ref = append(ref, r[col]*float64(scaler.Std[k])+float64(scaler.Mean[k]))
		}
		m, s := meanStd(ref)
		if math.Abs(m-float64(scaler.Mean[k])) > 1e-9*math.Abs(m) || math.Abs(s-float64(scaler.Std[k])) > 1e-9*s {
			t.Errorf("%s: reference mean %v std %v, fitted %v %v", f, m, s, scaler.Mean[k], scaler.Std[k])
		}
		scaledMean, scaledStd := meanStd(column(train, col))
		if math.Abs(scaledMean) > 1e-9 || math.Abs(scaledStd-1) > 1e-9 {
			t.Errorf("%s: scaled train mean %v std %v", f, scaledMean, scaledStd)
		}
	}
	// The three splits, unscaled, are a permutation of the input rows.
	key := func(r []float64) string {
		var b strings.Builder
		for _, v := range r {
			fmt.Fprintf(&b, "%.6g,", v)
		}
		return b.String()
	}
	var want, got []string
	for _, r := range orig {
		want = append(want, key(r))
	}
	for _, name := range []string{"train", "validation", "test"} {
		for _, r := range splitRows[name] {
			u := slices.Clone(r)
			for k := range features {
				u[k+1] = r[k+1]*float64(scaler.Std[k]) + float64(scaler.Mean[k])
			}
			got = append(got, key(u))
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if d := cmp.Diff(want, got); d != "" {
		t.Error("the splits do not partition the input:", d)
	}
}

func column(rows [][]float64, k int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[k]
	}
	return out
}
