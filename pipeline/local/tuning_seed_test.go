package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// seedTrain is the seed's train/script.py in Go: boost over the job's
// three instances, the tuned eta, subsample, max_depth and
// min_child_weight, eval metrics mae and rmse printed as XGBoost prints
// them, the model saved in the model directory.
func seedTrain(ctx context.Context, job *local.TrainingJob) error {
	h := job.HyperParameters
	eta, err1 := h.Float("eta", 0.3)
	sub, err2 := h.Float("subsample", 1)
	depth, err3 := h.Int("max_depth", 6)
	mcw, err4 := h.Int("min_child_weight", 1)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return err
	}
	cfg, err := boost.NewConfig(map[string]any{
		"objective": "reg:squarederror", "eta": eta, "subsample": sub, "max_depth": depth,
		"min_child_weight": mcw, "eval_metric": []string{"mae", "rmse"}, "num_boost_round": 30, "seed": 47,
	})
	if err != nil {
		return err
	}
	dtrain, err := dmatrix(job.Channels["train"].Dir)
	if err != nil {
		return err
	}
	dvalid, err := dmatrix(job.Channels["validation"].Dir)
	if err != nil {
		return err
	}
	res, err := boost.TrainDistributed(ctx, job.System, cfg, dtrain,
		boost.DistOptions{NumActors: job.InstanceCount, Name: job.Name},
		boost.TrainOptions{Evals: []boost.EvalSet{{Name: "validation", Data: dvalid}}, Log: job.Stdout})
	if err != nil {
		return err
	}
	return res.Model.Save(ctx, filepath.Join(job.ModelDir, "model.json"))
}

// The seed pipeline, parsed from the SDK's JSON, runs with its tuning
// step for real: four trials of a 3-instance XGBoost job, objective
// validation:rmse from the XGBoost image's predefined metric, and
// EvaluateModel reading the top model through get_top_model_s3_uri's
// Join. Registration, which this package cannot run yet, is canned.
func TestSeedPipelineTunes(t *testing.T) {
	const bucket = "s3://sagemaker-us-east-1-111122223333/"
	p := parseSDK(t, "seed-pipeline.sdk-2.257.6.json").WithName("synthetic-housing-training-sm-pipeline-ray")
	sys, err := actor.NewSystem(actor.Config{CPUs: 12}) // 4 parallel trials × 3 actors
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Shutdown(context.Background()) })
	e, _ := testEngine(t, local.Config{System: sys})
	e.Canned("FeatureStoreIngestion", local.Canned{Log: []string{"ingested"}})
	e.Processing("PreprocessData", func(ctx context.Context, job *local.ProcessingJob) error {
		for i, out := range []string{"train", "validation", "test"} {
			writeSynthetic(t, filepath.Join(job.Outputs[out].Dir, out+".csv"), []int{400, 200, 200}[i], uint64(i+1))
		}
		return nil
	})
	e.Training("script.py", seedTrain)
	var modelURI string
	eval := evaluate(t)
	e.Processing("EvaluateModel", func(ctx context.Context, job *local.ProcessingJob) error {
		modelURI = job.Inputs["input-1"].S3URI
		job.Inputs = map[string]local.Input{"model": job.Inputs["input-1"], "validation": job.Inputs["input-2"]}
		if err := eval(ctx, job); err != nil {
			return err
		}
		path := filepath.Join(job.Outputs["evaluation"].Dir, "evaluation.json")
		var m map[string]float64
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		report, _ := json.Marshal(map[string]any{"regression_metrics": map[string]any{"rmse": map[string]float64{"value": m["rmse"]}}})
		return os.WriteFile(path, report, 0o644)
	})
	e.Canned("RegisterTrainedModel-RegisterModel", local.Canned{Properties: map[string]any{
		"ModelPackageArn": "arn:aws:sagemaker:us-east-1:111122223333:model-package/g/1"}})
	ex, err := e.Run(ctxT(t), p, local.RunOptions{Stage: map[string]string{
		bucket + "aws-sm-ray-pipeline-workshop/data/raw/house_pricing.csv": writeTemp(t, "PRICE\n1\n")}})
	if err != nil {
		t.Fatal(err)
	}
	props := tuningPropsOf(t, ex, "HPTuning")
	if len(props.TrainingJobSummaries) != 4 || props.TrainingJobStatusCounters["Completed"] != 4 {
		t.Fatalf("summaries: %+v", props.TrainingJobSummaries)
	}
	best := props.TrainingJobSummaries[0]
	want := bucket + "aws-sm-ray-pipeline-workshop/" + best.TrainingJobName + "/output/model.tar.gz"
	if modelURI != want {
		t.Errorf("EvaluateModel read %s, want %s", modelURI, want)
	}
	for _, k := range []string{"eta", "subsample", "max_depth", "min_child_weight"} {
		if best.TunedHyperParameters[k] == "" {
			t.Errorf("the best job has no %s: %v", k, best.TunedHyperParameters)
		}
	}
	if r := ex.Step("RegisterTrainedModel-RegisterModel"); r.Status != pipeline.StepSucceeded {
		t.Errorf("register: %s %s", r.Status, r.FailureReason)
	}
	if !strings.HasPrefix(best.TrainingJobName, props.HyperParameterTuningJobName) {
		t.Errorf("job %s of tuning job %s", best.TrainingJobName, props.HyperParameterTuningJobName)
	}
	checkXGBoostLoads(t, storePath(e.Root(), want))
}
