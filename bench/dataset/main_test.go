package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
)

// TestGoEngine runs our engine end to end on a small generated set (no
// node or Python needed) and checks the splits and the scaled train CSV.
func TestGoEngine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := generate(ctx, data, 3000, 3, 400, 7, true); err != nil {
		t.Fatal(err)
	}
	if !generated(data, true) {
		t.Fatal("generated set not marked complete")
	}
	if tmp, _ := filepath.Glob(filepath.Join(data, ".housing.csv.tmp-*")); len(tmp) != 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
	if text, err := os.ReadFile(filepath.Join(data, "housing.csv")); err != nil || bytes.Count(text, []byte("\n")) != 3001 {
		t.Fatalf("housing.csv: %d lines, %v; want a header and 3000 rows", bytes.Count(text, []byte("\n")), err)
	}
	out := filepath.Join(dir, "out")
	if err := runGo(ctx, data, out, 0); err != nil {
		t.Fatal(err)
	}
	sys, err := actor.NewSystem(actor.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sys.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	want := map[string]int64{"train": 1800, "validation": 600, "test": 600}
	for name, n := range want {
		ds, err := dataset.ReadCSV(ctx, sys, []string{filepath.Join(out, name)}, dataset.CSVOptions{}, dataset.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ds.Count(ctx)
		if err != nil || got != n {
			t.Fatalf("%s: %d rows (%v), want %d", name, got, err, n)
		}
		cols, err := ds.Columns(ctx)
		if err != nil || len(cols) != len(features) {
			t.Fatalf("%s: columns %v (%v), want the %d features", name, cols, err, len(features))
		}
		if name != "train" {
			continue
		}
		for _, c := range features[1:] {
			m, err := ds.Mean(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			s, err := ds.Std(ctx, c, 0)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(m) > 1e-9 || math.Abs(s-1) > 1e-9 {
				t.Errorf("train %s: mean %v std %v, want 0 and 1", c, m, s)
			}
		}
	}
}

func TestEngineCmd(t *testing.T) {
	for _, e := range []string{"go", "polars", "duckdb", "pandas"} {
		if _, err := engineCmd(e, "self", "here", "data", "out", 0); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	if _, err := engineCmd("spark", "self", "here", "data", "out", 0); err == nil {
		t.Error("unknown engine accepted")
	}
}
