package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// testEngine returns an engine on a temporary root with a virtual clock
// and execution ids exec-1, exec-2, ...
func testEngine(t testing.TB, cfg local.Config) (*local.Engine, *local.VirtualClock) {
	t.Helper()
	clock := local.NewVirtualClock(t0)
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock
	}
	var mu sync.Mutex
	n := 0
	if cfg.NewID == nil {
		cfg.NewID = func() string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("exec%d", n)
		}
	}
	return local.New(cfg), clock
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// statuses returns step name -> status.
func statuses(ex *pipeline.Execution) map[string]pipeline.StepStatus {
	out := map[string]pipeline.StepStatus{}
	for _, s := range ex.Steps {
		out[s.Name] = s.Status
	}
	return out
}

func readStore(t testing.TB, root, uri string) string {
	t.Helper()
	const prefix = "s3://"
	b, err := os.ReadFile(filepath.Join(root, "s3", filepath.FromSlash(uri[len(prefix):])))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// processing returns a processing step running code with the given
// inputs and outputs.
func processing(name, code string, inputs []steps.ProcessingInput, outputs []steps.ProcessingOutput, args ...params.Exprer) *steps.ProcessingStep {
	return steps.Processing(name, steps.Processor{
		ImageURI:      params.Lit("image"),
		Command:       []string{"python3"},
		Role:          params.Lit("role"),
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{Inputs: inputs, Outputs: outputs, Code: code, Arguments: args})
}
