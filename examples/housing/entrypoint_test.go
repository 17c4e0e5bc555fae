package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// mainEnv, set to 1, makes the test binary run this program's main, as
// the image's entrypoint does.
const mainEnv = "HOUSING_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main() // exits
	}
	os.Exit(m.Run())
}

// TestImageEntrypointMatchesLocalRun runs the -image pipeline with the
// local engine, then runs this program's main as SageMaker starts the
// image, once per Go step, on a fake /opt/ml laid out from the step's
// resolved job in the local run's record: the processing steps as
// "/container step <StepName> <ContainerArguments>" (the feature-store
// steps against the loopback SageMaker Feature Store and an S3 fake), one
// training job of HPTuning as "/container train" with the definition's
// environment. Each writes exactly the bytes the local run wrote.
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
	// The feature-store steps run against the loopback SageMaker Feature
	// Store (featurestore_test.go), EvaluateModel on the local run's files.
	t.Run("FeatureStore", func(t *testing.T) { testFeatureStoreOnLoopback(t, s, root, ex) })
	t.Run("EvaluateModel", func(t *testing.T) {
		job, ml := processingTree(t, ex, "EvaluateModel")
		for _, in := range job.ProcessingInputs {
			download(t, root, in.S3Input.S3Uri, underML(ml, in.S3Input.LocalPath))
		}
		runProcessing(t, job, ml, nil)
		sameOutputs(t, root, job, ml)
	})
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

// processingTree lays out a fake /opt/ml for the processing step's job
// in ex (its processingjobconfig.json and a one-host resourceconfig.json)
// and returns the job and the tree's root; the caller downloads inputs.
func processingTree(t *testing.T, ex *pipeline.Execution, step string) (processingConfig, string) {
	t.Helper()
	props := ex.Step(step).Properties
	var job processingConfig
	if err := json.Unmarshal(props, &job); err != nil {
		t.Fatal(err)
	}
	ml := t.TempDir()
	writeTo(t, filepath.Join(ml, "config", "processingjobconfig.json"), props)
	writeTo(t, filepath.Join(ml, "config", "resourceconfig.json"),
		[]byte(`{"current_host": "algo-1", "hosts": ["algo-1"]}`))
	return job, ml
}

// runProcessing starts main as the job's container on the tree ml with
// env added, and fails the test unless it exits 0.
func runProcessing(t *testing.T, job processingConfig, ml string, env []string) string {
	t.Helper()
	app := job.AppSpecification
	args := append(slices.Clone(app.ContainerEntrypoint[1:]), app.ContainerArguments...)
	code, log := startMain(t, ml, env, args...)
	if code != 0 {
		t.Fatalf("%q exited %d\n%s", args, code, log)
	}
	return log
}

// sameOutputs checks that the job wrote under ml exactly the files the
// local run rooted at root wrote for each of its outputs.
func sameOutputs(t *testing.T, root string, job processingConfig, ml string) {
	t.Helper()
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
