package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

func TestRunLocally(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "a.txt"), []byte("1\n2.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := bind(local.New(local.Config{Root: t.TempDir()}))
	var out bytes.Buffer
	if err := run(ctx, e, []string{"-data", data}, &out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(e.Root(), "s3", "bucket", "scaled", "part-algo-1.txt"))
	if err != nil || string(b) != "2\n5\n" {
		t.Errorf("scaled %q, %v", b, err)
	}
	if !strings.Contains(out.String(), "Succeeded") {
		t.Errorf("summary %q", out.String())
	}
}

func TestScaleReportsTheBadLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rows.txt"), []byte("1\nx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	job := &local.ProcessingJob{Job: local.Job{Step: "Scale"}, CurrentHost: "algo-1",
		Inputs:  map[string]local.Input{"rows": {Name: "rows", Dir: dir}},
		Outputs: map[string]local.Output{"scaled": {Name: "scaled", Dir: out}}}
	err := scale(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), "rows.txt:2") {
		t.Errorf("error %v, want one naming rows.txt:2", err)
	}
}
