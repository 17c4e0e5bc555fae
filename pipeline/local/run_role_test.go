package local_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// A local run needs no execution role: the problem Validate reports for
// SageMaker does not stop it, and the others still do.
func TestRunWithoutRole(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	e.Processing("Work", func(ctx context.Context, job *local.ProcessingJob) error { return nil })
	work := steps.Processing("Work", steps.Processor{ImageURI: params.Lit("image"), Command: []string{"python3"},
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)},
		steps.ProcessingJob{Code: "s3://bucket/code/work.py"})
	p := pipeline.New("no-role").Steps(work).Env(steps.Env{Bucket: "bucket", Region: "us-east-1"})
	if err := p.Validate(); !errors.Is(err, pipeline.ErrNoRole) {
		t.Fatalf("Validate = %v, want ErrNoRole", err)
	}
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Status != pipeline.ExecutionSucceeded {
		t.Errorf("status %s", ex.Status)
	}

	bad := pipeline.New("no-role").Steps(work, steps.Fail("Work", params.Lit("twice"))).Env(steps.Env{Bucket: "bucket"})
	if _, err := e.Run(ctxT(t), bad, local.RunOptions{}); !errors.Is(err, pipeline.ErrDuplicateName) {
		t.Errorf("duplicate step names: err = %v, want ErrDuplicateName", err)
	}
}
