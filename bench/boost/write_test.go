package main

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWriteF32Atomic writes a file, reads it back, and requires the
// directory to hold only that file (no temporary left behind); a cancelled
// write leaves no file at all.
func TestWriteF32Atomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.f32")
	want := []float32{1.5, -2, float32(math.Inf(1)), 0}
	if err := writeF32(context.Background(), path, want); err != nil {
		t.Fatal(err)
	}
	got, err := readF32(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("read back (-want +got):\n%s", d)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "x.f32" {
		t.Errorf("directory holds %v, want only x.f32", ents)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	other := filepath.Join(dir, "y.f32")
	if err := writeF32(ctx, other, want); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled write: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(other); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cancelled write left %s: %v", other, err)
	}
}
