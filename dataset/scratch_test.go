package dataset

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOwnPooled(t *testing.T) {
	pooled := func(v ...float64) *Column {
		c := NewFloat64Column(v, nil)
		c.pooled = true
		return c
	}
	passed, made, plain := pooled(1, 2), pooled(3, 4), NewFloat64Column([]float64{5, 6}, nil)
	in, err := NewBlockFromColumns([]string{"a", "p"}, []*Column{passed, plain})
	if err != nil {
		t.Fatal(err)
	}
	out, err := NewBlockFromColumns([]string{"a", "p", "m", "m2"}, []*Column{passed, plain, made, made})
	if err != nil {
		t.Fatal(err)
	}
	ownPooled(in, out)
	if len(out.owned) != 1 || out.owned[0] != made {
		t.Fatalf("owned = %v, want only the column made by the transform, once", out.owned)
	}
	ownPooled(in, in)
	if in.owned != nil {
		t.Fatal("a block returned unchanged must not own anything")
	}
}

// TestTransformWriteRecycles writes a scaled dataset of many blocks with
// several writers at once (scratch columns recycled between blocks) and
// checks every value read back; and checks that a pooled column held by
// the caller and passed through a transform is left alone.
func TestTransformWriteRecycles(t *testing.T) {
	ctx := context.Background()
	const n = 20 * 500
	a, b, id := make([]float64, n), make([]float64, n), make([]int64, n)
	for i := range n {
		a[i], b[i], id[i] = float64(i%97), float64(3*i%101)/7, int64(i)
	}
	ds, err := FromColumns(sys(t), []string{"id", "a", "b"},
		[]*Column{NewInt64Column(id, nil), NewFloat64Column(a, nil), NewFloat64Column(b, nil)},
		Options{BlockRows: 500, Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	sc := NewStandardScaler("a", "b")
	if err := sc.Fit(ctx, ds); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for round := range 2 { // the second round draws from a filled pool
		out := filepath.Join(dir, string(rune('x'+round)))
		if _, err := sc.Transform(ds).WriteCSV(ctx, out, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCSV(ctx, sys(t), []string{out}, CSVOptions{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := back.collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		blk, err := Concat(blocks...)
		if err != nil || blk.NumRows() != n {
			t.Fatalf("read back %v rows: %v", blk.NumRows(), err)
		}
		gotID, _ := blk.Column(0).AsFloat64()
		gotA, _ := blk.Column(1).AsFloat64()
		gotB, _ := blk.Column(2).AsFloat64()
		for i := range n {
			j := int(gotID[i])
			wa := (a[j] - float64(sc.Mean[0])) / float64(sc.Std[0])
			wb := (b[j] - float64(sc.Mean[1])) / float64(sc.Std[1])
			if math.Abs(gotA[i]-wa) > 1e-12 || math.Abs(gotB[i]-wb) > 1e-12 {
				t.Fatalf("round %d row %d (id %d): got %v, %v want %v, %v", round, i, j, gotA[i], gotB[i], wa, wb)
			}
		}
	}

	// A caller's own TransformBatch output, passed through another
	// transform and written, keeps its values.
	first, err := NewBlockFromColumns([]string{"a", "b"},
		[]*Column{NewFloat64Column(a[:500], nil), NewFloat64Column(b[:500], nil)})
	if err != nil {
		t.Fatal(err)
	}
	held, err := sc.TransformBatch(first)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(held.Column(0).Float64s())
	heldDS, err := FromBlocks(sys(t), []*Block{held}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	onlyB := NewStandardScaler("b")
	if err := onlyB.Fit(ctx, heldDS); err != nil {
		t.Fatal(err)
	}
	if _, err := onlyB.Transform(heldDS).WriteCSV(ctx, filepath.Join(dir, "held"), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		s := newScratchF64(500)
		for i := range s {
			s[i] = math.NaN()
		}
	}
	if diff := cmp.Diff(want, held.Column(0).Float64s()); diff != "" {
		t.Fatalf("held column changed (-want +got):\n%s", diff)
	}
}
