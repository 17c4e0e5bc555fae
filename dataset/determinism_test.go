package dataset

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// detRun is one execution setting of the determinism tests: an actor
// system with cpus CPU slots and the dataset options.
type detRun struct {
	cpus int
	opts Options
}

func (r detRun) String() string {
	return fmt.Sprintf("cpus%d_par%d_rows%d", r.cpus, r.opts.Parallelism, r.opts.BlockRows)
}

// detRuns crosses 1, 2 and 8 workers with three block sizes (429, 12 and
// 1 block for detRows rows), and adds a run whose parallelism comes from
// the actor system's CPUs rather than Options.Parallelism.
func detRuns() []detRun {
	var out []detRun
	for _, w := range []int{1, 2, 8} {
		for _, br := range []int{7, 250, 1 << 16} {
			out = append(out, detRun{cpus: w, opts: Options{Parallelism: w, BlockRows: br}})
		}
	}
	return append(out, detRun{cpus: 8, opts: Options{BlockRows: 100}})
}

const detRows = 3000

// detInput is Range(detRows) with a nullable string column and a nullable
// float column derived from id, so that shuffles move typed, nullable
// columns (not only the fast number path) and alignment can be checked.
func detInput(t *testing.T, r detRun) *Dataset {
	t.Helper()
	return Range(sysN(t, r.cpus), detRows, r.opts).
		AddColumn("s", func(ctx context.Context, b *Block) (*Column, error) {
			id := b.Column(0).Int64s()
			v := make([]string, len(id))
			ok := make([]bool, len(id))
			for i, x := range id {
				v[i], ok[i] = "r"+strconv.FormatInt(x, 10), x%7 != 0
			}
			return NewStringColumn(v, ok), nil
		}).
		AddColumn("f", func(ctx context.Context, b *Block) (*Column, error) {
			id := b.Column(0).Int64s()
			v := make([]float64, len(id))
			ok := make([]bool, len(id))
			for i, x := range id {
				v[i], ok[i] = float64(x)/4, x%5 != 0
			}
			return NewFloat64Column(v, ok), nil
		})
}

// alignedIDs returns the ids of blocks, checking that each row's s and f
// still belong to its id.
func alignedIDs(t *testing.T, blocks []*Block) []int64 {
	t.Helper()
	var out []int64
	for _, b := range blocks {
		id, err := b.ColumnByName("id")
		if err != nil {
			t.Fatal(err)
		}
		s, _ := b.ColumnByName("s")
		f, _ := b.ColumnByName("f")
		for i, x := range id.Int64s() {
			if s != nil && (s.IsNull(i) != (x%7 == 0) || !s.IsNull(i) && s.Strings()[i] != "r"+strconv.FormatInt(x, 10)) {
				t.Fatalf("row %d: s = %v", x, s.Value(i))
			}
			if f != nil && (f.IsNull(i) != (x%5 == 0) || !f.IsNull(i) && f.Float64s()[i] != float64(x)/4) {
				t.Fatalf("row %d: f = %v", x, f.Value(i))
			}
		}
		out = append(out, id.Int64s()...)
	}
	return out
}

func blocksOf(t *testing.T, d *Dataset) []*Block {
	t.Helper()
	var out []*Block
	for b, err := range d.Blocks(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// sameUnderEveryRun runs fn under every detRun and fails if any run's
// result differs from the first one's. It returns the first result.
func sameUnderEveryRun[T any](t *testing.T, fn func(t *testing.T, r detRun) T) T {
	t.Helper()
	var first T
	var firstRun detRun
	for i, r := range detRuns() {
		t.Run(r.String(), func(t *testing.T) {
			got := fn(t, r)
			if i == 0 {
				first, firstRun = got, r
				return
			}
			if d := cmp.Diff(first, got); d != "" {
				t.Fatalf("differs from %v: %s", firstRun, d)
			}
		})
	}
	return first
}

func isPermutation(t *testing.T, got []int64, n int) {
	t.Helper()
	s := slices.Clone(got)
	slices.Sort(s)
	if !slices.Equal(s, seq(0, int64(n))) {
		t.Fatalf("not a permutation of 0…%d (%d rows)", n-1, len(got))
	}
	if slices.Equal(got, seq(0, int64(n))) {
		t.Fatal("rows were not reordered")
	}
}

func TestDeterministicRandomShuffle(t *testing.T) {
	got := sameUnderEveryRun(t, func(t *testing.T, r detRun) []int64 {
		return alignedIDs(t, blocksOf(t, detInput(t, r).RandomShuffle(42)))
	})
	isPermutation(t, got, detRows)
	// A shuffle of a shuffle is still a function of the rows and seeds.
	twice := sameUnderEveryRun(t, func(t *testing.T, r detRun) []int64 {
		return alignedIDs(t, blocksOf(t, detInput(t, r).RandomShuffle(42).Filter(func(row Row) (bool, error) {
			return row["id"].(int64)%3 != 0, nil
		}).RandomShuffle(7)))
	})
	if len(twice) != 2000 {
		t.Fatalf("%d rows", len(twice))
	}
}

// TestDeterministicShuffleOfFiles reads the same rows from parquet sets cut
// into different files and row groups (so different read tasks and block
// counts) and checks that the shuffle is the one of the in-memory rows.
func TestDeterministicShuffleOfFiles(t *testing.T) {
	ctx := context.Background()
	want := alignedIDs(t, blocksOf(t, detInput(t, detRun{cpus: 1, opts: Options{Parallelism: 1}}).RandomShuffle(42)))
	root := t.TempDir()
	layouts := []struct {
		name  string
		files int
		rg    int // rows per row group
	}{{"one file", 1, 0}, {"three files", 3, 0}, {"row groups of 128", 2, 128}}
	for _, l := range layouts {
		dir := filepath.Join(root, filepath.FromSlash(l.name))
		in := detInput(t, detRun{cpus: 2, opts: Options{BlockRows: detRows / l.files}})
		if _, err := in.WriteParquet(ctx, dir, WriteOptions{RowGroupRows: l.rg}); err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{1, 2, 8} {
			for _, br := range []int{0, 100} {
				t.Run(fmt.Sprintf("%s/par%d_rows%d", l.name, w, br), func(t *testing.T) {
					d, err := ReadParquet(ctx, sysN(t, w), []string{dir}, ParquetOptions{ReadOptions{BlockRows: br}}, Options{Parallelism: w})
					if err != nil {
						t.Fatal(err)
					}
					got := alignedIDs(t, blocksOf(t, d.RandomShuffle(42)))
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatal(diff)
					}
				})
			}
		}
	}
}

// TestDeterministicRandomizeBlockOrder: the block order is drawn over the
// block count, so it is the same whatever the parallelism for a given
// block layout. A different block count is a different input to it (as in
// Ray), so across block sizes only the invariants are checked.
func TestDeterministicRandomizeBlockOrder(t *testing.T) {
	for _, br := range []int{7, 250} {
		t.Run(fmt.Sprint("rows", br), func(t *testing.T) {
			var first [][]int64
			for _, w := range []int{1, 2, 8} {
				var got [][]int64
				for _, b := range blocksOf(t, Range(sysN(t, w), detRows, Options{Parallelism: w, BlockRows: br}).RandomizeBlockOrder(5)) {
					got = append(got, alignedIDs(t, []*Block{b}))
				}
				var flat []int64
				for _, g := range got {
					if g[len(g)-1]-g[0] != int64(len(g)-1) || g[0]%int64(br) != 0 {
						t.Fatalf("rows inside a block moved: %v", g)
					}
					flat = append(flat, g...)
				}
				isPermutation(t, flat, detRows)
				if first == nil {
					first = got
				} else if d := cmp.Diff(first, got); d != "" {
					t.Fatalf("parallelism %d changed the block order: %s", w, d)
				}
			}
		})
	}
}

// splitIDs returns the ids of each part.
func splitIDs(t *testing.T, parts []*Dataset) [][]int64 {
	t.Helper()
	var out [][]int64
	for _, p := range parts {
		out = append(out, alignedIDs(t, blocksOf(t, p)))
	}
	return out
}

func TestDeterministicSplits(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		split func(d *Dataset) ([]*Dataset, error)
		sizes []int
	}{
		{"Split(3)", func(d *Dataset) ([]*Dataset, error) { return d.Split(ctx, 3, false) }, []int{1000, 1000, 1000}},
		{"Split(7)", func(d *Dataset) ([]*Dataset, error) { return d.Split(ctx, 7, false) }, []int{429, 429, 429, 429, 428, 428, 428}},
		{"Split(7, equal)", func(d *Dataset) ([]*Dataset, error) { return d.Split(ctx, 7, true) }, []int{428, 428, 428, 428, 428, 428, 428}},
		{"SplitAt", func(d *Dataset) ([]*Dataset, error) { return d.SplitAt(ctx, 1, 999, 2500) }, []int{1, 998, 1501, 500}},
		{"SplitProportionately", func(d *Dataset) ([]*Dataset, error) {
			return d.SplitProportionately(ctx, []float64{0.6, 0.2})
		}, []int{1800, 600, 600}},
		{"TrainTestSplit", func(d *Dataset) ([]*Dataset, error) {
			train, test, err := d.TrainTestSplit(ctx, 0.25, SplitOptions{Shuffle: true, Seed: 11})
			return []*Dataset{train, test}, err
		}, []int{2250, 750}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := sameUnderEveryRun(t, func(t *testing.T, r detRun) [][]int64 {
				d := detInput(t, r)
				if tc.name != "TrainTestSplit" {
					d = d.RandomShuffle(3)
				}
				parts, err := tc.split(d)
				if err != nil {
					t.Fatal(err)
				}
				return splitIDs(t, parts)
			})
			var sizes []int
			var all []int64
			for _, p := range got {
				sizes = append(sizes, len(p))
				all = append(all, p...)
			}
			if d := cmp.Diff(tc.sizes, sizes); d != "" {
				t.Fatal("part sizes:", d)
			}
			if tc.name != "Split(7, equal)" {
				isPermutation(t, all, detRows)
			}
		})
	}
}

func TestDeterministicLocalShuffle(t *testing.T) {
	for _, tc := range []struct {
		size int
		o    IterOptions
	}{
		{16, IterOptions{LocalShuffleBufferSize: 40, LocalShuffleSeed: 9}},
		{100, IterOptions{LocalShuffleBufferSize: 1000, LocalShuffleSeed: 1, DropLast: true}},
		{64, IterOptions{LocalShuffleBufferSize: 10, LocalShuffleSeed: 2}},
	} {
		t.Run(fmt.Sprint(tc.size, "_", tc.o.LocalShuffleBufferSize), func(t *testing.T) {
			type result struct {
				Sizes []int
				IDs   []int64
			}
			got := sameUnderEveryRun(t, func(t *testing.T, r detRun) result {
				var res result
				for b, err := range detInput(t, r).Batches(context.Background(), tc.size, tc.o) {
					if err != nil {
						t.Fatal(err)
					}
					res.Sizes = append(res.Sizes, b.NumRows())
					res.IDs = append(res.IDs, alignedIDs(t, []*Block{b})...)
				}
				return res
			})
			for _, s := range got.Sizes[:len(got.Sizes)-1] {
				if s != tc.size {
					t.Fatalf("batch sizes %v", got.Sizes)
				}
			}
			if tc.o.DropLast {
				if len(got.IDs) != detRows/tc.size*tc.size {
					t.Fatalf("%d rows with DropLast", len(got.IDs))
				}
			} else {
				isPermutation(t, got.IDs, detRows)
			}
			// A local shuffle moves a row at most about a buffer away.
			far := 0
			for i, x := range got.IDs {
				if d := int(x) - i; d > 10*(tc.o.LocalShuffleBufferSize+tc.size) || -d > 10*(tc.o.LocalShuffleBufferSize+tc.size) {
					far++
				}
			}
			if far > len(got.IDs)/100 {
				t.Errorf("%d rows moved further than a few buffers", far)
			}
		})
	}
	// Rows with a local shuffle follow the same rule.
	sameUnderEveryRun(t, func(t *testing.T, r detRun) []int64 {
		var out []int64
		for row, err := range detInput(t, r).Rows(context.Background(), IterOptions{LocalShuffleBufferSize: 50, LocalShuffleSeed: 4}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, row["id"].(int64))
		}
		isPermutation(t, out, detRows)
		return out
	})
}
