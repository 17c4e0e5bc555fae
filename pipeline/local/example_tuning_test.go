package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// A tuning step over a training function bound by its entry point. The
// function prints XGBoost-style eval lines, so SageMaker's XGBoost image
// finds the objective validation:rmse in its log; the best job's model is
// at the URI TopModelS3URI computes.
func ExampleEngine_Training() {
	root, err := os.MkdirTemp("", "sagepipe-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)
	engine := local.New(local.Config{Root: root, NewID: func() string { return "example1" }})

	// validation:rmse is (eta-0.3)² + 1/round, best at eta = 0.3.
	engine.Training("train.py", func(ctx context.Context, job *local.TrainingJob) error {
		eta, err := job.HyperParameters.Float("eta", 0)
		if err != nil {
			return err
		}
		for round := 1; round <= 10; round++ {
			fmt.Fprintf(job.Stdout, "[%d]\tvalidation-rmse:%.5f\n", round-1, (eta-0.3)*(eta-0.3)+1/float64(round))
		}
		return os.WriteFile(filepath.Join(job.ModelDir, "model.txt"), []byte(fmt.Sprint(eta)), 0o644)
	})

	seed := 1
	tune := steps.Tuning("Tune", steps.Tuner{
		Estimator: steps.Estimator{
			ImageURI:     params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
			InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
			OutputPath: params.Lit("s3://my-bucket/models/"),
			Framework:  steps.XGBoost("train.py", "s3://my-bucket/code/sourcedir.tar.gz"),
		},
		ObjectiveMetric: params.Lit("validation:rmse"), ObjectiveType: params.Lit("Minimize"),
		Ranges:   []steps.Range{steps.CategoricalRange{Name: "eta", Values: []any{0.1, 0.3, 0.5}}},
		Strategy: params.Lit("Grid"), MaxJobs: params.Lit[int](3), MaxParallelJobs: params.Lit[int](2), RandomSeed: &seed,
	})
	p := pipeline.New("tune").Steps(tune).Env(steps.Env{Bucket: "my-bucket", Region: "us-east-1", Role: "role"})
	ex, err := engine.Run(context.Background(), p, local.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var props struct {
		TrainingJobSummaries []struct {
			TrainingJobName                             string
			TunedHyperParameters                        map[string]string
			FinalHyperParameterTuningJobObjectiveMetric struct{ Value float64 }
		}
	}
	if err := json.Unmarshal(ex.Step("Tune").Properties, &props); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range props.TrainingJobSummaries {
		fmt.Printf("%s eta=%s rmse=%.2f\n", s.TrainingJobName, s.TunedHyperParameters["eta"], s.FinalHyperParameterTuningJobObjectiveMetric.Value)
	}
	best := props.TrainingJobSummaries[0].TrainingJobName
	_, err = os.Stat(filepath.Join(root, "s3", "my-bucket", "models", best, "output", "model.tar.gz"))
	fmt.Println("top model packed:", err == nil)
	// Output:
	// pipelines-example1-Tune-l31p2sfr4t-002-3c3aa5dc eta="0.3" rmse=0.10
	// pipelines-example1-Tune-l31p2sfr4t-001-9f83302f eta="0.1" rmse=0.14
	// pipelines-example1-Tune-l31p2sfr4t-003-1b907b78 eta="0.5" rmse=0.14
	// top model packed: true
}
