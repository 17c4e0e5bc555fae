package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
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

// entrypointEnv, set to 1, makes the test binary this program, started
// as SageMaker starts the image.
const entrypointEnv = "CONTAINER_TEST_ENTRYPOINT"

func TestMain(m *testing.M) {
	if os.Getenv(entrypointEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestImageEntrypoint runs the program as the image's entrypoint on a
// fake /opt/ml laid out from the local run's resolved job, and checks it
// writes what the local run wrote.
func TestImageEntrypoint(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "a.txt"), []byte("1\n2.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := bind(local.New(local.Config{Root: t.TempDir()}))
	if err := e.Stage(data, "s3://bucket/rows"); err != nil {
		t.Fatal(err)
	}
	ex, err := e.Run(ctx, build(), local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(e.Root(), "s3", "bucket", "scaled", "part-algo-1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		AppSpecification struct{ ContainerEntrypoint, ContainerArguments []string }
	}
	props := ex.Step("Scale").Properties
	if err := json.Unmarshal(props, &job); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for p, content := range map[string][]byte{
		"config/processingjobconfig.json": props,
		"config/resourceconfig.json":      []byte(`{"current_host": "algo-1", "hosts": ["algo-1"]}`),
		"processing/rows/a.txt":           []byte("1\n2.5\n"),
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The image runs ContainerEntrypoint then ContainerArguments; the
	// test binary stands for /container.
	args := append(job.AppSpecification.ContainerEntrypoint[1:], job.AppSpecification.ContainerArguments...)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), entrypointEnv+"=1", local.MLRootEnv+"="+root)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(root, "processing", "scaled", "part-algo-1.txt"))
	if err != nil || string(got) != string(want) {
		t.Errorf("entrypoint wrote %q (%v), the local run %q", got, err, want)
	}
}
