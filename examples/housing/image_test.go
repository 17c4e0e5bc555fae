package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

var update = flag.Bool("update", false, "rewrite the -image golden definition")

// testImage is the image of the -image tests.
const testImage = "111122223333.dkr.ecr.us-east-1.amazonaws.com/sagepipe-housing:v1"

// imageGolden is the -image definition of the default configuration.
const imageGolden = "testdata/seed-pipeline.image.json"

// mainEnv, set to 1, makes the test binary run this program's main, as
// the image's entrypoint does.
const mainEnv = "HOUSING_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main() // exits
	}
	os.Exit(m.Run())
}

// imageSeed builds the seed with every Go step in testImage.
func imageSeed(t *testing.T) *Seed {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Image = testImage
	s, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImageDefinition checks the -image definition against its golden
// file, and what makes each Go step run the image: the user's image with
// the entrypoint "/container step <StepName>" for a processing step, and
// for the tuning step the image with SAGEPIPE_STEP naming it and the
// objective's metric defined (a custom image has none predefined), no
// script, no code input and nothing to upload.
func TestImageDefinition(t *testing.T) {
	s := imageSeed(t)
	got, err := s.Pipeline.Definition()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(imageGolden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(imageGolden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("-image definition differs from %s (-want +got):\n%s", imageGolden, diff)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-definition", "-image", testImage}, &out); err != nil || !bytes.Equal(out.Bytes(), got) {
		t.Errorf("-definition -image printed another definition (%v)", err)
	}

	var def struct {
		Steps []struct {
			Name      string
			Arguments struct {
				AppSpecification struct {
					ImageUri            string
					ContainerEntrypoint []string
				}
				ProcessingInputs      []struct{ InputName string }
				TrainingJobDefinition struct {
					StaticHyperParameters  map[string]string
					AlgorithmSpecification struct {
						TrainingImage     string
						MetricDefinitions []struct{ Name, Regex string }
					}
					Environment map[string]string
				}
			}
		}
	}
	if err := json.Unmarshal(got, &def); err != nil {
		t.Fatal(err)
	}
	type goStep struct {
		Image      string
		Entrypoint []string
		Inputs     []string
		Env        map[string]string
		Static     []string
		Metrics    []string
	}
	gotSteps := map[string]goStep{}
	for _, st := range def.Steps {
		a := st.Arguments
		g := goStep{Image: a.AppSpecification.ImageUri, Entrypoint: a.AppSpecification.ContainerEntrypoint}
		for _, in := range a.ProcessingInputs {
			g.Inputs = append(g.Inputs, in.InputName)
		}
		if td := a.TrainingJobDefinition; td.AlgorithmSpecification.TrainingImage != "" {
			g.Image, g.Env = td.AlgorithmSpecification.TrainingImage, td.Environment
			for k := range td.StaticHyperParameters {
				g.Static = append(g.Static, k)
			}
			slices.Sort(g.Static)
			for _, m := range td.AlgorithmSpecification.MetricDefinitions {
				g.Metrics = append(g.Metrics, m.Name)
			}
		}
		if g.Image != "" {
			gotSteps[st.Name] = g
		}
	}
	wantSteps := map[string]goStep{
		"FeatureStoreIngestion": {Image: testImage, Entrypoint: []string{"/container", "step", "FeatureStoreIngestion"}, Inputs: []string{"input-1"}},
		"PreprocessData":        {Image: testImage, Entrypoint: []string{"/container", "step", "PreprocessData"}, Inputs: []string{"feature-store"}},
		"HPTuning": {Image: testImage, Env: map[string]string{"SAGEPIPE_STEP": "HPTuning"},
			Static: []string{"region", "role_arn"}, Metrics: []string{"validation:rmse"}},
		"EvaluateModel": {Image: testImage, Entrypoint: []string{"/container", "step", "EvaluateModel"}, Inputs: []string{"input-1", "input-2"}},
	}
	if diff := cmp.Diff(wantSteps, gotSteps); diff != "" {
		t.Errorf("Go steps (-want +got):\n%s", diff)
	}

	// Nothing to upload, and no local code missing: -aws -image needs
	// only the image.
	if got := stagedCode(s); len(got) != 0 {
		t.Errorf("the -image pipeline stages code: %q", got)
	}
	if missing, err := validate(s); len(missing) > 0 || err != nil {
		t.Errorf("Validate: missing %v, %v", missing, err)
	}
	scripts, err := Build(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := stagedCode(scripts); len(got) == 0 {
		t.Error("the script pipeline stages no code: the check above checks nothing")
	}
}

// stagedCode lists the uploads of local code the AWS engine would make
// for s's pipeline before upserting it.
func stagedCode(s *Seed) []string {
	proto := stepdef.Get[steps.Step, steps.Env]()
	env := s.Pipeline.Environment()
	var out []string
	for _, n := range s.Pipeline.Graph().Nodes {
		for _, u := range proto.Uploads(n.Step, &env) {
			out = append(out, n.Step.Name()+": "+u.URI)
		}
	}
	return out
}

// TestImageEntrypointMatchesLocalRun runs the -image pipeline with the
// local engine, then runs this program's main as SageMaker starts the
// image, once per Go step, on a fake /opt/ml laid out from the step's
// resolved job in the local run's record: PreprocessData and EvaluateModel
// as "/container step <StepName> <ContainerArguments>", one training job
// of HPTuning as "/container train" with the definition's environment.
// Each writes exactly the bytes the local run wrote.
func TestImageEntrypointMatchesLocalRun(t *testing.T) {
	ctx := ctxT(t)
	root := t.TempDir()
	s := imageSeed(t)
	out, err := runLocal(ctx, s, localRun{Workdir: root, Account: "111122223333", Region: "us-east-1",
		Progress: io.Discard, NewID: testIDs()})
	if err != nil {
		t.Fatal(err)
	}
	if out.Err != nil {
		t.Fatalf("local run: %v", out.Err)
	}
	ex := out.Execution
	for _, step := range []string{"PreprocessData", "EvaluateModel"} {
		t.Run(step, func(t *testing.T) {
			props := ex.Step(step).Properties
			var job processingConfig
			if err := json.Unmarshal(props, &job); err != nil {
				t.Fatal(err)
			}
			ml := t.TempDir()
			writeTo(t, filepath.Join(ml, "config", "processingjobconfig.json"), props)
			writeTo(t, filepath.Join(ml, "config", "resourceconfig.json"),
				[]byte(`{"current_host": "algo-1", "hosts": ["algo-1"]}`))
			for _, in := range job.ProcessingInputs {
				download(t, root, in.S3Input.S3Uri, underML(ml, in.S3Input.LocalPath))
			}
			app := job.AppSpecification
			args := append(slices.Clone(app.ContainerEntrypoint[1:]), app.ContainerArguments...)
			if code, log := startMain(t, ml, nil, args...); code != 0 {
				t.Fatalf("%q exited %d\n%s", args, code, log)
			}
			for _, o := range job.ProcessingOutputConfig.Outputs {
				want := treeFiles(t, mustStore(t, root, o.S3Output.S3Uri))
				got := treeFiles(t, underML(ml, o.S3Output.LocalPath))
				if len(want) == 0 {
					t.Errorf("output %s: the local run wrote nothing", o.OutputName)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("output %s: local run (-) and container (+) differ:\n%s", o.OutputName, diff)
				}
			}
		})
	}
	t.Run("HPTuning", func(t *testing.T) {
		var tuning struct {
			TrainingJobDefinition struct {
				StaticHyperParameters              map[string]string
				OutputDataConfig                   struct{ S3OutputPath string }
				AlgorithmSpecification             struct{ TrainingInputMode string }
				HyperParameterTuningResourceConfig struct {
					InstanceCount int
					InstanceType  string
				}
				InputDataConfig []struct {
					ChannelName string
					ContentType string
					DataSource  struct {
						S3DataSource struct{ S3Uri, S3DataDistributionType string }
					}
				}
				Environment map[string]string
			}
			HyperParameterTuningJobConfig struct {
				HyperParameterTuningJobObjective struct{ MetricName string }
			}
			TrainingJobSummaries []struct {
				TrainingJobName                             string
				TunedHyperParameters                        map[string]string
				FinalHyperParameterTuningJobObjectiveMetric *struct{ Value float64 }
			}
		}
		if err := json.Unmarshal(ex.Step("HPTuning").Properties, &tuning); err != nil {
			t.Fatal(err)
		}
		// The tuner's metric definition (rmseRegex) read every trial's
		// objective from boost's eval lines.
		for _, tr := range tuning.TrainingJobSummaries {
			if m := tr.FinalHyperParameterTuningJobObjectiveMetric; m == nil || !(m.Value > 0) {
				t.Errorf("%s: no validation:rmse read from its log", tr.TrainingJobName)
			}
		}
		def := tuning.TrainingJobDefinition
		trial := tuning.TrainingJobSummaries[0]
		ml := t.TempDir()
		cfg := filepath.Join(ml, "input", "config")
		hps := map[string]string{"_tuning_objective_metric": tuning.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName}
		for _, m := range []map[string]string{def.StaticHyperParameters, trial.TunedHyperParameters} {
			for k, v := range m {
				hps[k] = v
			}
		}
		writeJSONTo(t, filepath.Join(cfg, "hyperparameters.json"), hps)
		chans := map[string]any{}
		for _, c := range def.InputDataConfig {
			chans[c.ChannelName] = map[string]string{"ContentType": c.ContentType,
				"TrainingInputMode":  def.AlgorithmSpecification.TrainingInputMode,
				"S3DistributionType": c.DataSource.S3DataSource.S3DataDistributionType, "RecordWrapperType": "None"}
			download(t, root, c.DataSource.S3DataSource.S3Uri, filepath.Join(ml, "input", "data", c.ChannelName))
		}
		writeJSONTo(t, filepath.Join(cfg, "inputdataconfig.json"), chans)
		res := def.HyperParameterTuningResourceConfig
		var hosts []string
		for i := range res.InstanceCount {
			hosts = append(hosts, fmt.Sprintf("algo-%d", i+1))
		}
		writeJSONTo(t, filepath.Join(cfg, "resourceconfig.json"), map[string]any{
			"current_host": "algo-1", "current_instance_type": res.InstanceType, "current_group_name": "homogeneousCluster",
			"hosts": hosts, "instance_groups": []any{map[string]any{"instance_group_name": "homogeneousCluster",
				"instance_type": res.InstanceType, "hosts": hosts}},
			"network_interface_name": "eth0"})
		// The training job's environment: the definition's, and the job's
		// name, as SageMaker sets them.
		env := []string{"TRAINING_JOB_NAME=" + trial.TrainingJobName}
		for k, v := range def.Environment {
			env = append(env, k+"="+v)
		}
		code, log := startMain(t, ml, env, local.TrainCommand)
		if code != 0 {
			t.Fatalf("train exited %d\n%s", code, log)
		}
		if !strings.Contains(log, "validation-rmse:") {
			t.Errorf("the job's log has no eval lines:\n%s", log)
		}
		want := t.TempDir()
		tarball := mustStore(t, root, def.OutputDataConfig.S3OutputPath+trial.TrainingJobName+"/output/model.tar.gz")
		if err := untar(tarball, want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(treeFiles(t, want), treeFiles(t, filepath.Join(ml, "model"))); diff != "" {
			t.Errorf("model: local run (-) and container (+) differ:\n%s", diff)
		}
	})
}

// TestImageEntrypointFailure starts main as a job whose function fails:
// it exits non-zero and writes the failure file SageMaker reads.
func TestImageEntrypointFailure(t *testing.T) {
	ml := t.TempDir()
	writeTo(t, filepath.Join(ml, "config", "processingjobconfig.json"), []byte(`{"ProcessingJobName": "p"}`))
	code, log := startMain(t, ml, nil, local.EntrypointCommand, "PreprocessData", "--train_size", "0.6")
	if code != local.ExitFailed {
		t.Errorf("exit %d, want %d\n%s", code, local.ExitFailed, log)
	}
	b, err := os.ReadFile(filepath.Join(ml, "output", "failure"))
	if want := "step PreprocessData: the following arguments are required: --val_size"; err != nil || string(b) != want {
		t.Errorf("failure file %q (%v), want %q", b, err, want)
	}
}

// processingConfig is what the tests read of processingjobconfig.json.
type processingConfig struct {
	AppSpecification struct{ ContainerEntrypoint, ContainerArguments []string }
	ProcessingInputs []struct {
		S3Input struct{ S3Uri, LocalPath string }
	}
	ProcessingOutputConfig struct {
		Outputs []struct {
			OutputName string
			S3Output   struct{ S3Uri, LocalPath string }
		}
	}
}

// startMain runs the test binary's main with args, SAGEPIPE_ML_ROOT=ml and
// env added, and returns its exit code and output.
func startMain(t *testing.T, ml string, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctxT(t), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{mainEnv + "=1", local.MLRootEnv + "=" + ml}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		return exit.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return 0, out.String()
}

// underML returns the fake root's path of the container path p.
func underML(ml, p string) string {
	return filepath.Join(ml, filepath.FromSlash(strings.TrimPrefix(p, local.DefaultMLRoot)))
}

func mustStore(t *testing.T, root, uri string) string {
	t.Helper()
	p, err := storePath(root, uri)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// download copies what SageMaker downloads for the S3Prefix uri from the
// local run's store to dir: every object under the prefix, or the one
// object it names, under its base name.
func download(t *testing.T, root, uri, dir string) {
	t.Helper()
	src := mustStore(t, root, uri)
	fi, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		writeTo(t, filepath.Join(dir, filepath.Base(src)), b)
		return
	}
	for rel, content := range treeFiles(t, src) {
		writeTo(t, filepath.Join(dir, filepath.FromSlash(rel)), []byte(content))
	}
}

// treeFiles returns the files under dir, slash path to content.
func treeFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeTo(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSONTo(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeTo(t, path, b)
}

// TestStoreOfJob checks where the feature-store steps keep the store: the
// engine's for a job without a feature-store directory, the job's
// directory otherwise, named after the job's role and region, and never
// one written by several ingestion instances.
func TestStoreOfJob(t *testing.T) {
	args := scriptArgs{"role_arn": "arn:aws:iam::444455556666:role/R", "region": "eu-west-1"}
	dir := t.TempDir()
	out := map[string]local.Output{featureStore: {Name: featureStore, Dir: dir, S3URI: "s3://my-bucket/p/feature-store/abc"}}
	engine := &impl{root: "/engine", bucket: "b", account: "111122223333", region: "us-east-1"}
	tests := []struct {
		name string
		s    *impl
		job  *local.ProcessingJob
		want *impl // nil: an error
	}{
		{"engine's store", engine, &local.ProcessingJob{}, engine},
		{"container, no store", &impl{}, &local.ProcessingJob{}, nil},
		{"job's output", &impl{}, &local.ProcessingJob{Outputs: out, Hosts: []string{"algo-1"}},
			&impl{root: dir, bucket: "my-bucket", account: "444455556666", region: "eu-west-1"}},
		{"job's input", engine, &local.ProcessingJob{Inputs: map[string]local.Input{featureStore: {Dir: dir, S3URI: "s3://other/x"}}},
			&impl{root: dir, bucket: "other", account: "444455556666", region: "eu-west-1"}},
		{"two ingestion instances", &impl{}, &local.ProcessingJob{Outputs: out, Hosts: []string{"algo-1", "algo-2"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.store(tt.job, args)
			if tt.want == nil {
				if err == nil {
					t.Errorf("store = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(impl{}), cmpopts.IgnoreFields(impl{}, "now")); diff != "" {
				t.Errorf("store (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImageDefinitionKeysAsSDK checks that the -image definition's Go
// steps are written as SDK 2.257.6 writes a custom-image job: the members
// of a processing step's arguments and AppSpecification, and of a tuning
// step's training definition and AlgorithmSpecification, come in the
// order of the SDK's own definitions of a bring-your-own-container
// Processor (steps/testdata/sdk/byoc) and of a tuner over a generic
// Estimator with an environment (steps/testdata/sdk/tuning-generic).
func TestImageDefinitionKeysAsSDK(t *testing.T) {
	sdkStep := func(file, name string) *pyjson.Object {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "..", "steps", "testdata", "sdk", file))
		if err != nil {
			t.Fatal(err)
		}
		return stepObject(t, b, name)
	}
	def, err := imageSeed(t).Pipeline.Definition()
	if err != nil {
		t.Fatal(err)
	}
	byoc := sdkStep("byoc.sdk-2.257.6.json", "Prep")
	tuner := sdkStep("tuning-generic.sdk-2.257.6.json", "Tune")
	checks := []struct {
		step string
		sdk  *pyjson.Object
		path []string
	}{
		{"FeatureStoreIngestion", byoc, []string{"Arguments"}},
		{"FeatureStoreIngestion", byoc, []string{"Arguments", "AppSpecification"}},
		{"PreprocessData", byoc, []string{"Arguments", "AppSpecification"}},
		{"EvaluateModel", byoc, []string{"Arguments", "AppSpecification"}},
		{"HPTuning", tuner, []string{"Arguments", "TrainingJobDefinition"}},
		{"HPTuning", tuner, []string{"Arguments", "TrainingJobDefinition", "AlgorithmSpecification"}},
	}
	for _, c := range checks {
		ours, sdk := keysAt(t, stepObject(t, def, c.step), c.path), keysAt(t, c.sdk, c.path)
		// Ours may leave out members the SDK's job sets; what it has
		// comes in the SDK's order.
		var want []string
		for _, k := range sdk {
			if slices.Contains(ours, k) {
				want = append(want, k)
			}
		}
		if diff := cmp.Diff(want, ours); diff != "" {
			t.Errorf("%s %v: members not in the SDK's order %q (-want +got):\n%s", c.step, c.path, sdk, diff)
		}
	}
}

// stepObject returns the step named name of the definition def, its
// members in file order.
func stepObject(t *testing.T, def []byte, name string) *pyjson.Object {
	t.Helper()
	v, err := pyjson.Unmarshal(def)
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := v.(*pyjson.Object).Get("Steps")
	for _, s := range steps.([]any) {
		o := s.(*pyjson.Object)
		if n, _ := o.Get("Name"); n == name {
			return o
		}
	}
	t.Fatalf("no step %s", name)
	return nil
}

// keysAt returns the member names of the object at path under o.
func keysAt(t *testing.T, o *pyjson.Object, path []string) []string {
	t.Helper()
	for _, k := range path {
		v, ok := o.Get(k)
		if o, ok = v.(*pyjson.Object); !ok {
			t.Fatalf("no object at %v", path)
		}
	}
	return o.Keys()
}
