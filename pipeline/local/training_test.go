package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// xgbEstimator is the seed's XGBoost framework estimator in script mode,
// its code already in S3 (so sagemaker_program is "train.py").
func xgbEstimator(count int, hps ...steps.Member) steps.Estimator {
	return steps.Estimator{
		ImageURI:        params.Lit(xgbImage),
		InstanceType:    params.Lit("ml.c5.xlarge"),
		InstanceCount:   params.Lit(count),
		OutputPath:      params.Lit("s3://bucket/models/"),
		HyperParameters: hps,
		Framework:       steps.XGBoost("train.py", "s3://bucket/code/sourcedir.tar.gz"),
	}
}

// evalStep is a processing step that reads a model.tar.gz and writes
// evaluation.json with the model's validation RMSE.
func evalStep(model params.Input[string]) *steps.ProcessingStep {
	return processing("Evaluate", "s3://bucket/code/evaluate.py",
		[]steps.ProcessingInput{
			{Name: params.Lit("model"), Source: model, Destination: params.Lit("/opt/ml/processing/model")},
			{Name: params.Lit("validation"), Source: params.Lit("s3://bucket/data/validation"), Destination: params.Lit("/opt/ml/processing/validation")},
		},
		[]steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation"), Destination: params.Lit("s3://bucket/evaluation")}})
}

// evaluate is the evaluation step's function: it unpacks the model
// given as model.tar.gz and scores it.
func evaluate(t testing.TB) local.ProcessingFunc {
	return func(ctx context.Context, job *local.ProcessingJob) error {
		files, err := filepath.Glob(filepath.Join(job.Inputs["model"].Dir, "*"))
		if err != nil || len(files) != 1 || filepath.Base(files[0]) != "model.tar.gz" {
			return errors.New("the model input is not one model.tar.gz")
		}
		dir, err := os.MkdirTemp("", "eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		untar(t, files[0], dir)
		m, err := boost.LoadModel(ctx, filepath.Join(dir, "model.json"))
		if err != nil {
			return err
		}
		y, cols, err := readCSVDir(job.Inputs["validation"].Dir)
		if err != nil {
			return err
		}
		x, err := boost.RowMajor(cols)
		if err != nil {
			return err
		}
		pr, err := m.NewPredictor(boost.PredictOptions{})
		if err != nil {
			return err
		}
		pred, err := pr.Predict(ctx, x)
		if err != nil {
			return err
		}
		label := make([]float32, len(y))
		for i, v := range y {
			label[i] = float32(v)
		}
		rmse, err := boost.Metric("rmse", pred, label, nil, 1, nil)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(map[string]float64{"rmse": rmse})
		return os.WriteFile(filepath.Join(job.Outputs["evaluation"].Dir, "evaluation.json"), b, 0o644)
	}
}

// Training → a processing step reading ModelArtifacts.S3ModelArtifacts:
// the model is packed where SageMaker puts it, XGBoost loads it, and the
// properties are DescribeTrainingJob's.
func TestTrainingModelArtifactsFeedProcessing(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	stageData(t, e)
	train := steps.Training("Train", xgbEstimator(1,
		steps.Member{Key: "eta", Value: 0.3}, steps.Member{Key: "max_depth", Value: 3}, steps.Member{Key: "num_round", Value: 15}),
		channels()...)
	eval := evalStep(train.Properties().ModelArtifacts().S3ModelArtifacts())
	p := pipeline.New("train-eval").Steps(train, eval).Env(env)
	var seen *local.TrainingJob
	e.Training("train.py", func(ctx context.Context, job *local.TrainingJob) error {
		seen = job
		return boostTrain(false)(ctx, job)
	})
	e.Processing("evaluate.py", evaluate(t))
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := ex.Step("Train")
	var props struct {
		TrainingJobName     string
		TrainingJobStatus   string
		ModelArtifacts      struct{ S3ModelArtifacts string }
		HyperParameters     map[string]string
		FinalMetricDataList []struct {
			MetricName string
			Value      float64
		}
	}
	if err := json.Unmarshal(r.Properties, &props); err != nil {
		t.Fatal(err)
	}
	want := "s3://bucket/models/" + props.TrainingJobName + "/output/model.tar.gz"
	if props.ModelArtifacts.S3ModelArtifacts != want || props.TrainingJobStatus != "Completed" {
		t.Errorf("properties: %+v, want model at %s", props, want)
	}
	if props.HyperParameters["sagemaker_program"] != `"train.py"` || props.HyperParameters["max_depth"] != "3" {
		t.Errorf("hyperparameters: %v", props.HyperParameters)
	}
	// The XGBoost image's predefined metrics come from the eval lines. As
	// on SageMaker, (\S+) takes everything up to the next blank, so only
	// the last metric of XGBoost's TAB-separated line parses.
	var names []string
	for _, m := range props.FinalMetricDataList {
		names = append(names, m.MetricName)
	}
	if diff := cmp.Diff([]string{"validation:rmse"}, names); diff != "" {
		t.Errorf("final metrics (-want +got):\n%s", diff)
	}
	var rmse float64
	for _, m := range r.Metrics {
		if m.Name == "validation:rmse" {
			rmse = m.Value
			if m.Step < 0 || m.Step > 14 {
				t.Errorf("metric step %d", m.Step)
			}
		}
	}
	if rmse <= 0 || len(props.FinalMetricDataList) == 0 || rmse != props.FinalMetricDataList[0].Value {
		t.Errorf("validation:rmse %v, final %v", rmse, props.FinalMetricDataList)
	}
	// What the function saw.
	if seen.Channels["train"].ContentType != "text/csv" || seen.Channels["train"].InputMode != "File" ||
		seen.Channels["validation"].ContainerPath != "/opt/ml/input/data/validation" ||
		seen.InstanceType != "ml.c5.xlarge" || seen.InstanceCount != 1 || seen.System == nil {
		t.Errorf("job: %+v", seen)
	}
	for k, want := range map[string]string{
		"SM_CHANNEL_TRAIN": seen.Channels["train"].Dir, "SM_MODEL_DIR": seen.ModelDir, "SM_HP_MAX_DEPTH": "3",
		"SM_HOSTS": `["algo-1"]`, "SM_CURRENT_HOST": "algo-1", "SM_CHANNELS": `["train","validation"]`,
		"SM_HPS": `{"eta":0.3,"max_depth":3,"num_round":15}`, "TRAINING_JOB_NAME": seen.Name,
	} {
		if got := seen.Environment[k]; got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// The evaluation read the packed model.
	var report map[string]float64
	if err := json.Unmarshal([]byte(readStore(t, e.Root(), "s3://bucket/evaluation/evaluation.json")), &report); err != nil {
		t.Fatal(err)
	}
	if d := report["rmse"] - rmse; d > 1e-3 || d < -1e-3 {
		t.Errorf("evaluation rmse %v, training's last validation-rmse %v", report["rmse"], rmse)
	}
	checkXGBoostLoads(t, storePath(e.Root(), want))
}

// A 3-instance job trains over 3 actors with boost.TrainDistributed on a
// small System; the model is the single-process one, byte for byte.
func TestTrainingDistributedOverInstances(t *testing.T) {
	sys, err := actor.NewSystem(actor.Config{CPUs: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Shutdown(context.Background()) })
	e, _ := testEngine(t, local.Config{System: sys})
	stageData(t, e)
	hps := []steps.Member{{Key: "max_depth", Value: 4}, {Key: "num_round", Value: 10}}
	p := pipeline.New("dist").Steps(steps.Training("Train", xgbEstimator(3, hps...), channels()...)).Env(env)
	var hosts []string
	e.Training("Train", func(ctx context.Context, job *local.TrainingJob) error {
		hosts = job.Hosts
		return boostTrain(true)(ctx, job)
	})
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"algo-1", "algo-2", "algo-3"}, hosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	var props struct {
		ModelArtifacts struct{ S3ModelArtifacts string }
	}
	if err := json.Unmarshal(ex.Step("Train").Properties, &props); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	untar(t, storePath(e.Root(), props.ModelArtifacts.S3ModelArtifacts), dir)
	got, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The same training in one process.
	single := local.HyperParameters{"max_depth": "4", "num_round": "10"}
	cfg, err := boostConfig(single)
	if err != nil {
		t.Fatal(err)
	}
	dtrain, err := dmatrix(filepath.Join(e.Root(), "s3", "bucket", "data", "train"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := boost.Train(context.Background(), cfg, dtrain, boost.TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(dir, "ref.json")
	if err := res.Model.Save(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("the 3-actor model differs from the single-process one")
	}
}

// MetricDefinitions regexes find values in the job's log (logger and
// Stdout, tabs as #011), LogMetric reports directly, and a bad regex
// fails the step naming the metric.
func TestTrainingMetricDefinitions(t *testing.T) {
	est := steps.Estimator{ImageURI: params.Lit("my-image"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1),
		OutputPath: params.Lit("s3://bucket/out"), MetricDefinitions: []steps.MetricDefinition{
			{Name: params.Lit("train:loss"), Regex: params.Lit(`loss=([0-9.eE+-]+)`)},
			{Name: params.Lit("acc"), Regex: params.Lit(`.*#011acc:(\S+)`)},
		}}
	e, _ := testEngine(t, local.Config{})
	e.Training("my-image", func(ctx context.Context, job *local.TrainingJob) error {
		job.Log.Info("epoch 1 loss=0.5")
		job.Log.Info("epoch 2 loss=0.25")
		if _, err := job.Stdout.Write([]byte("[1]\tacc:0.75\n[2]\tacc:0.8")); err != nil {
			return err
		}
		job.LogMetric("direct", 7, 3)
		return os.WriteFile(filepath.Join(job.ModelDir, "m.txt"), []byte("m"), 0o644)
	})
	p := pipeline.New("metrics").Steps(steps.Training("T", est)).Env(env)
	ex, err := e.Run(ctxT(t), p, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type metric struct {
		Name  string
		Value float64
		Step  int
	}
	var got []metric
	for _, m := range ex.Step("T").Metrics {
		got = append(got, metric{m.Name, m.Value, m.Step})
	}
	want := []metric{{"train:loss", 0.5, 0}, {"train:loss", 0.25, 1}, {"acc", 0.75, 0}, {"direct", 7, 3}, {"acc", 0.8, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	var props struct {
		FinalMetricDataList []struct {
			MetricName string
			Value      float64
		}
	}
	if err := json.Unmarshal(ex.Step("T").Properties, &props); err != nil {
		t.Fatal(err)
	}
	if len(props.FinalMetricDataList) != 3 || props.FinalMetricDataList[0].Value != 0.25 || props.FinalMetricDataList[1].Value != 0.8 {
		t.Errorf("FinalMetricDataList %+v", props.FinalMetricDataList)
	}

	bad := est
	bad.MetricDefinitions = []steps.MetricDefinition{{Name: params.Lit("broken"), Regex: params.Lit(`(unclosed`)}}
	p = pipeline.New("metrics").Steps(steps.Training("T", bad)).Env(env)
	ex, err = e.Run(ctxT(t), p, local.RunOptions{})
	if !errors.Is(err, local.ErrFailed) || !strings.Contains(ex.Step("T").FailureReason, `metric "broken"`) {
		t.Errorf("err = %v, reason %q", err, ex.Step("T").FailureReason)
	}
}

func TestHyperParametersAccessors(t *testing.T) {
	h := local.HyperParameters{
		"s": `"reg:squarederror"`, "plain": "abc", "f": "0.25", "fq": `"0.5"`, "i": "3", "i2": "4.0",
		"b": "true", "B": "True", "bad": "x", "sagemaker_program": `"train.py"`, "_tuning_objective_metric": "validation:rmse",
	}
	if got := h.String("s", ""); got != "reg:squarederror" {
		t.Errorf("String(s) = %q", got)
	}
	if got := h.String("plain", ""); got != "abc" {
		t.Errorf("String(plain) = %q", got)
	}
	if got := h.String("missing", "d"); got != "d" {
		t.Errorf("String(missing) = %q", got)
	}
	for _, c := range []struct {
		name string
		want float64
	}{{"f", 0.25}, {"fq", 0.5}, {"i", 3}, {"missing", 1.5}} {
		if got, err := h.Float(c.name, 1.5); err != nil || got != c.want {
			t.Errorf("Float(%s) = %v, %v", c.name, got, err)
		}
	}
	for _, c := range []struct {
		name string
		want int
	}{{"i", 3}, {"i2", 4}, {"missing", 9}} {
		if got, err := h.Int(c.name, 9); err != nil || got != c.want {
			t.Errorf("Int(%s) = %v, %v", c.name, got, err)
		}
	}
	for _, name := range []string{"b", "B"} {
		if got, err := h.Bool(name, false); err != nil || !got {
			t.Errorf("Bool(%s) = %v, %v", name, got, err)
		}
	}
	for _, f := range []func() error{
		func() error { _, err := h.Float("bad", 0); return err },
		func() error { _, err := h.Int("f", 0); return err },
		func() error { _, err := h.Bool("bad", false); return err },
	} {
		if err := f(); !errors.Is(err, local.ErrHyperParameter) || !strings.Contains(err.Error(), `"`) {
			t.Errorf("err = %v", err)
		}
	}
	user := h.User()
	if _, ok := user["sagemaker_program"]; ok {
		t.Error("User keeps sagemaker_program")
	}
	if _, ok := user["_tuning_objective_metric"]; ok {
		t.Error("User keeps _tuning_objective_metric")
	}
	if user["s"] != "reg:squarederror" || user["f"] != 0.25 {
		t.Errorf("User = %v", user)
	}
}
