package local_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// evaluationPipeline evaluates a model and registers it (here: calls a
// Lambda) when its RMSE is at most a threshold, or fails.
func evaluationPipeline() *pipeline.Pipeline {
	threshold := params.Float("RMSEThreshold").WithDefault(15000)
	report := steps.PropertyFile{Name: "EvaluationReport", OutputName: "evaluation", Path: "evaluation.json"}
	evaluate := steps.Processing("EvaluateModel",
		steps.Processor{ImageURI: params.Lit("sklearn"), Command: []string{"python3"}, InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)},
		steps.ProcessingJob{
			Code:    "s3://my-bucket/code/evaluate.py",
			Outputs: []steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation")}},
		}).PropertyFiles(report).
		Retry(steps.RetryPolicy{ExceptionTypes: []string{steps.JobCapacityError}, IntervalSeconds: 60, MaxAttempts: 3})
	rmse := steps.JsonGet[float64](evaluate, report, "regression_metrics.rmse.value")
	register := steps.Lambda("Register", "arn:aws:lambda:us-east-1:111122223333:function:register", nil)
	fail := steps.Fail("RMSEFail", params.Join(" ", "Execution failed due to RMSE >", threshold))
	check := steps.When("CheckEvaluation", steps.LessThanOrEqualTo[float64](rmse, threshold)).Then(register).Else(fail)
	return pipeline.New("housing").Parameters(threshold).Steps(evaluate, check).
		Env(steps.Env{Bucket: "my-bucket", Region: "us-east-1", Role: "arn:aws:iam::111122223333:role/pipeline"})
}

// A test of a pipeline's Fail branch, as it would sit in a user's
// repository: the evaluation step gets a canned report (after a capacity
// error on its first attempt), the run uses a virtual clock so the
// 60-second retry interval takes no time, and the test asserts on the
// execution record.
func Example_testFailBranch() {
	root, err := os.MkdirTemp("", "sagepipe-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)

	clock := local.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	engine := local.New(local.Config{Root: root, Clock: clock, NewID: func() string { return "test1" }})
	engine.Canned("EvaluateModel", local.Canned{
		Errors: map[int]error{1: local.ErrCapacity},
		Outputs: map[string]local.Files{"evaluation": {
			"evaluation.json": []byte(`{"regression_metrics": {"rmse": {"value": 21000.5}}}`),
		}},
	})
	engine.Canned("Register", local.Canned{})

	ex, err := engine.Run(context.Background(), evaluationPipeline(), local.RunOptions{})
	fmt.Println(errors.Is(err, local.ErrFailed), ex.Status)
	fmt.Println(ex.FailureReason)
	for _, s := range ex.Steps {
		fmt.Printf("%s %s attempts=%d\n", s.Name, s.Status, s.Attempts)
	}
	fmt.Println("virtual time spent:", clock.Now().Sub(ex.Start))

	// The report the condition read is where the record says.
	uri := ex.Step("EvaluateModel").Outputs["evaluation"]
	fmt.Println(uri)
	_, err = os.Stat(filepath.Join(root, "s3", "my-bucket", "housing", ex.ID, "EvaluateModel", "output", "evaluation", "evaluation.json"))
	fmt.Println(err == nil)
	// Output:
	// true Failed
	// Execution failed due to RMSE > 15000.0
	// EvaluateModel Succeeded attempts=2
	// CheckEvaluation Succeeded attempts=1
	// Register NotRun attempts=0
	// RMSEFail Failed attempts=1
	// virtual time spent: 1m0s
	// s3://my-bucket/housing/test1/EvaluateModel/output/evaluation
	// true
}
