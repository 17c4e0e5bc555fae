package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/internal/atomicfile"
)

// features are the seed's nine housing columns, PRICE first.
var features = []string{"PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS",
	"LOT_ACRES", "GARAGE_SPACES", "FRONT_PORCH", "DECK"}

// bookkeeping are the nine columns the seed drops: five stored by the
// feature store and four Hive partition keys taken from the directories.
var bookkeeping = []string{"record_id", "event_time", "write_time", "api_invocation_time", "is_deleted",
	"year", "month", "day", "hour"}

// genBlock makes rows [lo, hi) of the synthetic offline store: the nine
// features as short decimals and the five stored bookkeeping columns. Row
// i's values depend only on seed and i.
func genBlock(seed uint64, lo, hi int) (*dataset.Block, error) {
	n := hi - lo
	price := make([]int64, n)
	f := make([][]float64, 8)
	for k := range f {
		f[k] = make([]float64, n)
	}
	id := make([]int64, n)
	ev := make([]float64, n)
	wt := make([]string, n)
	at := make([]string, n)
	del := make([]bool, n)
	base := time.Date(2023, 11, 28, 0, 0, 0, 0, time.UTC)
	for r := range n {
		i := lo + r
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		price[r] = 100000 + rng.Int64N(900000)
		f[0][r] = float64(1950 + rng.IntN(71))        // YEAR_BUILT
		f[1][r] = float64(10000+rng.IntN(40000)) / 10 // SQUARE_FEET
		f[2][r] = float64(1 + rng.IntN(6))            // NUM_BEDROOMS
		f[3][r] = float64(2+rng.IntN(7)) / 2          // NUM_BATHROOMS
		f[4][r] = float64(10+rng.IntN(290)) / 100     // LOT_ACRES
		f[5][r] = float64(rng.IntN(4))                // GARAGE_SPACES
		f[6][r] = float64(rng.IntN(2))                // FRONT_PORCH
		f[7][r] = float64(rng.IntN(2))                // DECK
		id[r] = int64(i)
		t := base.Add(time.Duration(i) * 3 * time.Millisecond)
		ev[r] = float64(t.UnixMilli()) / 1000
		wt[r] = t.Add(time.Duration(rng.IntN(1000)) * time.Millisecond).Format("2006-01-02 15:04:05.000")
		at[r] = t.Format("2006-01-02 15:04:05.000")
	}
	names := append(append([]string(nil), features...), bookkeeping[:5]...)
	cols := []*dataset.Column{dataset.NewInt64Column(price, nil)}
	for k := range f {
		cols = append(cols, dataset.NewFloat64Column(f[k], nil))
	}
	cols = append(cols, dataset.NewInt64Column(id, nil), dataset.NewFloat64Column(ev, nil),
		dataset.NewStringColumn(wt, nil), dataset.NewStringColumn(at, nil), dataset.NewBoolColumn(del, nil))
	return dataset.NewBlockFromColumns(names, cols)
}

// generate writes rows rows as the feature store's offline store would:
// files parquet/year=2023/month=11/day=28/hour=HH/part-00000.parquet, one
// per million rows, row groups of rowGroup rows; and the same rows (all 18
// columns) as one CSV file for pandas.
func generate(ctx context.Context, dir string, rows, files, rowGroup int, seed uint64, withCSV bool) error {
	var csvw *bufio.Writer
	var csvf *atomicfile.File
	if withCSV {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		var err error
		// A temporary file of its own in the same directory, renamed over
		// housing.csv once synced: a cut run never leaves a partial file
		// under the final name, and two runs never share a temporary.
		if csvf, err = atomicfile.Create(filepath.Join(dir, "housing.csv"), 0o644); err != nil {
			return err
		}
		defer func() {
			if csvf != nil {
				csvf.Abort()
			}
		}()
		csvw = bufio.NewWriterSize(csvf, 1<<20)
		for i, c := range append(append([]string(nil), features...), bookkeeping...) {
			if i > 0 {
				csvw.WriteByte(',')
			}
			csvw.WriteString(c)
		}
		csvw.WriteByte('\n')
	}
	for h := range files {
		lo, hi := h*rows/files, (h+1)*rows/files
		b, err := genBlock(seed, lo, hi)
		if err != nil {
			return err
		}
		part := filepath.Join(dir, "parquet", "year=2023", "month=11", "day=28", fmt.Sprintf("hour=%02d", h))
		w := dataset.NewParquetWriter(part, dataset.WriteOptions{RowGroupRows: rowGroup})
		if _, err := w.WriteBlock(ctx, 0, b); err != nil {
			return err
		}
		if csvw != nil {
			if err := appendCSV(csvw, b, []string{"2023", "11", "28", strconv.Itoa(h)}); err != nil {
				return err
			}
		}
	}
	if csvw != nil {
		if err := commitCSV(csvw, csvf); err != nil {
			return err
		}
		csvf = nil
	}
	return os.WriteFile(filepath.Join(dir, "parquet", doneMarker), nil, 0o644)
}

// commitCSV flushes w and commits f; f's temporary file is removed if
// either fails.
func commitCSV(w *bufio.Writer, f *atomicfile.File) error {
	err := w.Flush()
	if err == nil {
		err = f.Commit()
	} else {
		f.Abort()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", f.Path(), err)
	}
	return nil
}

// doneMarker is written last into the parquet directory, so a set cut
// short is generated again.
const doneMarker = ".complete"

// generated reports whether dir holds a whole generated set (and the CSV
// copy if withCSV).
func generated(dir string, withCSV bool) bool {
	if _, err := os.Stat(filepath.Join(dir, "parquet", doneMarker)); err != nil {
		return false
	}
	if withCSV {
		if _, err := os.Stat(filepath.Join(dir, "housing.csv")); err != nil {
			return false
		}
	}
	return true
}

func appendCSV(w *bufio.Writer, b *dataset.Block, parts []string) error {
	var buf []byte
	for r := 0; r < b.NumRows(); r++ {
		buf = buf[:0]
		for c := 0; c < b.NumColumns(); c++ {
			if c > 0 {
				buf = append(buf, ',')
			}
			col := b.Column(c)
			switch col.Type() {
			case dataset.Int64:
				buf = strconv.AppendInt(buf, col.Int64s()[r], 10)
			case dataset.Float64:
				buf = strconv.AppendFloat(buf, col.Float64s()[r], 'f', -1, 64)
			case dataset.String:
				buf = append(buf, col.Strings()[r]...)
			case dataset.Bool:
				buf = strconv.AppendBool(buf, col.Bools()[r])
			}
		}
		for _, p := range parts {
			buf = append(append(buf, ','), p...)
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
