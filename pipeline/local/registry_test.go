package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

const evaluationJSON = `{"regression_metrics": {"mae": {"value": 1.5, "standard_deviation": 2.0}, "rmse": {"value": 2.5, "standard_deviation": 2.0}}}`

// tuneEvaluateRegister is the seed's model half: a tuning step whose best
// model is evaluated and registered with the evaluation report as its
// model quality metrics.
func tuneEvaluateRegister(status params.Input[string]) *pipeline.Pipeline {
	return tuneEvaluateRegisterGroup(status, "housing-models")
}

func tuneEvaluateRegisterGroup(status params.Input[string], group string) *pipeline.Pipeline {
	tune := steps.Tuning("HPTuning", steps.Tuner{ObjectiveMetric: params.Lit("validation:rmse"), ObjectiveType: params.Lit("Minimize"),
		Estimator: steps.Estimator{ImageURI: params.Lit(xgbImage), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}},
		steps.TrainingInput{Channel: "train", S3Data: params.Lit("s3://bucket/train")})
	top := tune.TopModelS3URI(0, "bucket", "models")
	eval := processing("EvaluateModel", "s3://bucket/code/evaluate.py",
		[]steps.ProcessingInput{{Source: top, Destination: params.Lit("/opt/ml/processing/model")}},
		[]steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation"),
			Destination: params.Lit("s3://bucket/evaluation")}})
	reg := steps.RegisterModel("RegisterTrainedModel", steps.Model{ImageURI: params.Lit(xgbImage), ModelData: top, Framework: params.Lit("XGBOOST")},
		steps.Registration{
			ModelPackageGroupName: params.Lit(group),
			Description:           "XGBoost model to predict synthetic housing prices",
			Metrics: &steps.ModelMetrics{ModelStatistics: &steps.MetricsSource{ContentType: params.Lit("application/json"),
				S3URI: params.Lit("s3://bucket/evaluation/evaluation.json")}},
			ContentTypes: []params.Input[string]{params.Lit("text/csv")}, ResponseTypes: []params.Input[string]{params.Lit("application/json")},
			InferenceInstances: []params.Input[string]{params.Lit("ml.m5.xlarge")}, TransformInstances: []params.Input[string]{params.Lit("ml.m5.xlarge")},
			ApprovalStatus: status,
		}).DependsOn(eval)
	p := pipeline.New("tune-register").Steps(tune, eval, reg).Env(env)
	if ps, ok := status.(*params.Param[string]); ok {
		p = p.Parameters(ps)
	}
	return p
}

// cannedTuning stages a model where the best training job of a tuning
// step would have put it and cans the step's summaries.
func cannedTuning(t *testing.T, e *local.Engine, hm *housingModel) string {
	t.Helper()
	const uri = "s3://bucket/models/tune-abc-001-1a2b3c4d/output/model.tar.gz"
	if err := e.Stage(hm.tarGz, uri); err != nil {
		t.Fatal(err)
	}
	e.Canned("HPTuning", local.Canned{Properties: map[string]any{
		"BestTrainingJob.TrainingJobName": "tune-abc-001-1a2b3c4d",
		"TrainingJobSummaries": []any{
			map[string]any{"TrainingJobName": "tune-abc-001-1a2b3c4d", "TrainingJobStatus": "Completed"},
			map[string]any{"TrainingJobName": "tune-abc-002-5e6f7a8b", "TrainingJobStatus": "Completed"},
		},
	}})
	e.Processing("EvaluateModel", func(ctx context.Context, job *local.ProcessingJob) error {
		if _, err := os.Stat(filepath.Join(job.Inputs["input-1"].Dir, "model.tar.gz")); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(job.Outputs["evaluation"].Dir, "evaluation.json"), []byte(evaluationJSON), 0o644)
	})
	return uri
}

func TestTuningRegisterModelPipeline(t *testing.T) {
	e, _ := testEngine(t, local.Config{Region: "us-east-1", Account: "111122223333"})
	hm := newHousingModel(t)
	modelURI := cannedTuning(t, e, hm)
	p := tuneEvaluateRegister(nil)
	reg := e.Registry()

	for run := 1; run <= 2; run++ {
		ex, err := e.Run(ctxT(t), p, local.RunOptions{})
		if err != nil {
			t.Fatalf("run %d: %v\n%v", run, err, statuses(ex))
		}
		var props struct {
			ModelPackageArn, ModelPackageGroupName, ModelApprovalStatus string
			ModelPackageVersion                                         int
		}
		if err := json.Unmarshal(ex.Step("RegisterTrainedModel-RegisterModel").Properties, &props); err != nil {
			t.Fatal(err)
		}
		want := "arn:aws:sagemaker:us-east-1:111122223333:model-package/housing-models/" + string(rune('0'+run))
		if props.ModelPackageArn != want || props.ModelPackageVersion != run ||
			props.ModelApprovalStatus != "PendingManualApproval" || props.ModelPackageGroupName != "housing-models" {
			t.Errorf("run %d: properties %+v, want ARN %s", run, props, want)
		}
	}

	groups, err := reg.Groups(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].Name != "housing-models" ||
		groups[0].Arn != "arn:aws:sagemaker:us-east-1:111122223333:model-package-group/housing-models" {
		t.Fatalf("groups %+v", groups)
	}
	vs, err := reg.Versions(ctxT(t), "housing-models")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 2 {
		t.Fatalf("versions %+v", vs)
	}
	p1 := vs[0]
	wantSpec := local.InferenceSpecification{
		Containers:                              []local.Container{{Image: xgbImage, ModelDataURL: modelURI, Framework: "XGBOOST"}},
		SupportedContentTypes:                   []string{"text/csv"},
		SupportedResponseMIMETypes:              []string{"application/json"},
		SupportedRealtimeInferenceInstanceTypes: []string{"ml.m5.xlarge"},
		SupportedTransformInstanceTypes:         []string{"ml.m5.xlarge"},
	}
	if diff := cmp.Diff(wantSpec, p1.InferenceSpecification); diff != "" {
		t.Errorf("inference specification (-want +got):\n%s", diff)
	}
	m, ok := p1.Metric("ModelQuality.Statistics")
	if !ok || m.S3URI != "s3://bucket/evaluation/evaluation.json" || m.ContentType != "application/json" || string(m.Content) != evaluationJSON {
		t.Errorf("model quality report %+v (content %q)", m, m.Content)
	}
	if p1.Description != "XGBoost model to predict synthetic housing prices" || p1.Status != "Completed" || p1.GeneratedBy == "" {
		t.Errorf("package %+v", p1)
	}

	// The report's content is the registry's own copy.
	writeFile(t, filepath.Join(e.Root(), "s3", "bucket", "evaluation", "evaluation.json"), "{}")
	again, err := reg.Package(ctxT(t), "housing-models", 1)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := again.Metric("ModelQuality.Statistics"); string(m.Content) != evaluationJSON {
		t.Errorf("registered report changed with the store: %q", m.Content)
	}
}

func TestRegisterModelApprovalStatusParameter(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	cannedTuning(t, e, newHousingModel(t))
	status := params.String("ModelApprovalStatus").WithDefault("PendingManualApproval")
	p := tuneEvaluateRegister(status)

	ex, err := e.Run(ctxT(t), p, local.RunOptions{Parameters: map[string]any{"ModelApprovalStatus": "Approved"}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	latest, err := e.Registry().Latest(ctxT(t), "housing-models", local.Approved)
	if err != nil || latest.Version != 1 {
		t.Fatalf("latest approved = %+v, %v", latest, err)
	}

	// A group named by its ARN is the group of that name.
	pa := tuneEvaluateRegisterGroup(status, "arn:aws:sagemaker:local:000000000000:model-package-group/housing-models")
	if _, err := e.Run(ctxT(t), pa, local.RunOptions{}); err != nil {
		t.Fatalf("run with a group ARN: %v", err)
	}
	if vs, err := e.Registry().Versions(ctxT(t), "housing-models"); err != nil || len(vs) != 2 || vs[1].ApprovalStatus != local.PendingManualApproval {
		t.Fatalf("versions after registering by group ARN: %+v, %v", vs, err)
	}

	ex, err = e.Run(ctxT(t), p, local.RunOptions{Parameters: map[string]any{"ModelApprovalStatus": "Maybe"}})
	if !errors.Is(err, local.ErrFailed) {
		t.Fatalf("run with a bad status: %v", err)
	}
	if r := ex.Step("RegisterTrainedModel-RegisterModel"); r.Status != pipeline.StepFailed || !strings.Contains(r.FailureReason, "Maybe") {
		t.Errorf("register step %+v", r)
	}
}

func TestRegistryApprovalFlow(t *testing.T) {
	ctx := ctxT(t)
	reg := local.OpenRegistry(t.TempDir())
	pkg := local.ModelPackage{GroupName: "churn",
		InferenceSpecification: local.InferenceSpecification{Containers: []local.Container{{Image: xgbImage, ModelDataURL: "s3://b/m.tar.gz"}}},
		Metrics: []local.MetricsReport{{Kind: "ModelQuality.Statistics",
			MetricsSource: local.MetricsSource{ContentType: "application/json", S3URI: "s3://b/eval.json"}, Content: []byte(`{"auc": 0.9}`)}},
	}
	for range 3 {
		if _, err := reg.Register(ctx, pkg); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.Latest(ctx, "churn", local.Approved); !errors.Is(err, local.ErrNoModelPackage) {
		t.Fatalf("latest approved before any approval: %v", err)
	}
	p2, err := reg.Approve(ctx, "churn", 2, "good AUC")
	if err != nil {
		t.Fatal(err)
	}
	if p2.ApprovalStatus != local.Approved || p2.ApprovalDescription != "good AUC" || p2.LastModifiedTime.IsZero() {
		t.Errorf("approved package %+v", p2)
	}
	if _, err := reg.Reject(ctx, "churn", 3, "drift"); err != nil {
		t.Fatal(err)
	}
	latest, err := reg.Latest(ctx, "churn", local.Approved)
	if err != nil || latest.Version != 2 {
		t.Fatalf("latest approved = %+v, %v", latest, err)
	}
	vs, err := reg.Versions(ctx, "churn")
	if err != nil {
		t.Fatal(err)
	}
	var got []local.ApprovalStatus
	for _, v := range vs {
		got = append(got, v.ApprovalStatus)
	}
	if diff := cmp.Diff([]local.ApprovalStatus{local.PendingManualApproval, local.Approved, local.Rejected}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// Any status may change to any other, as SageMaker allows.
	if p, err := reg.SetApproval(ctx, "churn", 2, local.Rejected, "rolled back"); err != nil || p.ApprovalStatus != local.Rejected {
		t.Errorf("reject an approved package: %+v, %v", p, err)
	}
	if _, err := reg.SetApproval(ctx, "churn", 1, "Approve", ""); !errors.Is(err, local.ErrApprovalStatus) {
		t.Errorf("bad status: %v", err)
	}
	if _, err := reg.Approve(ctx, "churn", 9, ""); !errors.Is(err, local.ErrNoModelPackage) {
		t.Errorf("missing version: %v", err)
	}
	if _, err := reg.Package(ctx, "nope", 1); !errors.Is(err, local.ErrNoModelPackage) {
		t.Errorf("missing group: %v", err)
	}
	byArn, err := reg.PackageByArn(ctx, vs[0].Arn)
	if err != nil || byArn.Version != 1 {
		t.Errorf("PackageByArn(%s) = %+v, %v", vs[0].Arn, byArn, err)
	}
	if m, ok := byArn.Metric("ModelQuality.Statistics"); !ok || string(m.Content) != `{"auc": 0.9}` {
		t.Errorf("metrics %+v", byArn.Metrics)
	}
}

func TestRegistryConcurrentRegistrations(t *testing.T) {
	ctx := ctxT(t)
	root := t.TempDir()
	pkg := local.ModelPackage{GroupName: "g",
		InferenceSpecification: local.InferenceSpecification{Containers: []local.Container{{Image: "img"}}}}
	const n = 24
	var wg sync.WaitGroup
	got := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Separate Registry values, as separate processes would have.
			p, err := local.OpenRegistry(root).Register(ctx, pkg)
			if err == nil {
				got[i] = p.Version
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("versions %v, want 1..%d", got, n)
		}
	}
	vs, err := local.OpenRegistry(root).Versions(ctx, "g")
	if err != nil || len(vs) != n {
		t.Fatalf("%d versions listed, %v", len(vs), err)
	}
	// Concurrent approval changes leave one of them whole.
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := []local.ApprovalStatus{local.Approved, local.Rejected}[i%2]
			_, errs[i] = local.OpenRegistry(root).SetApproval(ctx, "g", 1, st, string(st))
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	p, err := local.OpenRegistry(root).Package(ctx, "g", 1)
	if err != nil || string(p.ApprovalStatus) != p.ApprovalDescription {
		t.Errorf("after concurrent changes: %+v, %v", p, err)
	}
}
