package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// entrypointEnv, set to 1, makes the test binary act as a SageMaker
// job's container entrypoint: TestMain hands it to local.Main with the
// bindings of entrypointEngine.
const entrypointEnv = "SAGEPIPE_TEST_ENTRYPOINT"

func TestMain(m *testing.M) {
	if os.Getenv(entrypointEnv) == "1" {
		local.Main(context.Background(), entrypointEngine(local.New(local.Config{Root: os.TempDir()})))
		fmt.Fprintln(os.Stderr, "local.Main returned: not started as an entrypoint")
		os.Exit(99)
	}
	os.Exit(m.Run())
}

// errBadRow is the failure of the Broken step.
var errBadRow = errors.New("bad row")

// entrypointEngine binds the functions the entrypoint tests run, both
// locally and in the fake containers.
func entrypointEngine(e *local.Engine) *local.Engine {
	e.Processing("prep.py", prepare)
	e.Processing("Broken", func(ctx context.Context, job *local.ProcessingJob) error {
		return fmt.Errorf("row 3 of %s: %w", job.Inputs["raw"].ContainerPath, errBadRow)
	})
	e.Processing("Panics", func(ctx context.Context, job *local.ProcessingJob) error { panic("index out of range") })
	e.Training("FailTrain", func(ctx context.Context, job *local.TrainingJob) error {
		return fmt.Errorf("channel train: %w", errBadRow)
	})
	e.Training("Hosts", func(ctx context.Context, job *local.TrainingJob) error {
		view := fmt.Sprintf("%d %v %s %s", job.InstanceCount, job.Hosts, job.Environment["SM_CURRENT_HOST"], job.Environment["SM_HOSTS"])
		return os.WriteFile(filepath.Join(job.ModelDir, "hosts.txt"), []byte(view), 0o644)
	})
	e.Training("train.py", func(ctx context.Context, job *local.TrainingJob) error {
		if err := boostTrain(false)(ctx, job); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(job.OutputDataDir, "view.txt"), []byte(trainingView(job)), 0o644)
	})
	return e
}

// prepare is a processing function as a user writes one: it scales the
// first column of every CSV row of the raw input by the --scale argument
// into part-<host>.csv, and describes its job view in view.txt.
func prepare(ctx context.Context, job *local.ProcessingJob) error {
	scale := "1"
	if i := slices.Index(job.Arguments, "--scale"); i >= 0 && i+1 < len(job.Arguments) {
		scale = job.Arguments[i+1]
	}
	var rows []string
	err := filepath.WalkDir(job.Inputs["raw"].Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(b)) {
			a, rest, _ := strings.Cut(strings.TrimSpace(line), ",")
			rows = append(rows, a+"*"+scale+","+rest)
		}
		return nil
	})
	if err != nil {
		return err
	}
	out := job.Outputs["train"].Dir
	if err := os.WriteFile(filepath.Join(out, "part-"+job.CurrentHost+".csv"), []byte(strings.Join(rows, "\n")), 0o644); err != nil {
		return err
	}
	var view strings.Builder
	fmt.Fprintf(&view, "step=%s job=%s image=%s type=%s count=%d hosts=%v\n", job.Step, job.Name, job.ImageURI,
		job.InstanceType, job.InstanceCount, job.Hosts)
	fmt.Fprintf(&view, "entrypoint=%q arguments=%q\n", job.Entrypoint, job.Arguments)
	for _, k := range slices.Sorted(maps.Keys(job.Environment)) {
		fmt.Fprintf(&view, "env %s=%s\n", k, job.Environment[k])
	}
	for _, k := range slices.Sorted(maps.Keys(job.Inputs)) {
		in := job.Inputs[k]
		fmt.Fprintf(&view, "input %s %s %s has-dir=%t\n", in.Name, in.ContainerPath, in.S3URI, in.Dir != "")
	}
	for _, k := range slices.Sorted(maps.Keys(job.Outputs)) {
		o := job.Outputs[k]
		fmt.Fprintf(&view, "output %s %s %s\n", o.Name, o.ContainerPath, o.S3URI)
	}
	return os.WriteFile(filepath.Join(job.Outputs["meta"].Dir, "view.txt"), []byte(view.String()), 0o644)
}

// trainingView describes what a training function sees of its job,
// paths left out.
func trainingView(job *local.TrainingJob) string {
	var b strings.Builder
	fmt.Fprintf(&b, "step=%s job=%s image=%s mode=%s type=%s count=%d hosts=%v\n", job.Step, job.Name,
		job.ImageURI, job.InputMode, job.InstanceType, job.InstanceCount, job.Hosts)
	for _, k := range slices.Sorted(maps.Keys(job.HyperParameters)) {
		fmt.Fprintf(&b, "hp %s=%s\n", k, job.HyperParameters[k])
	}
	for _, k := range slices.Sorted(maps.Keys(job.Channels)) {
		c := job.Channels[k]
		fmt.Fprintf(&b, "channel %s %s %s %s %s %s %s\n", c.Name, c.ContainerPath, c.S3URI, c.ContentType,
			c.CompressionType, c.DistributionType, c.InputMode)
	}
	for _, k := range []string{"SM_HPS", "SM_CHANNELS", "SM_HOSTS", "SM_CURRENT_HOST", "TRAINING_JOB_NAME"} {
		fmt.Fprintf(&b, "env %s=%s\n", k, job.Environment[k])
	}
	return b.String()
}

// prepStep is a processing step running prep.py on the raw data, with
// instances copies, the raw input distributed as dist and the scale
// argument scale.
func prepStep(name string, instances int, dist string, scale params.Exprer) *steps.ProcessingStep {
	return steps.Processing(name, steps.Processor{
		ImageURI:      params.Lit("123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1"),
		Command:       []string{"python3"},
		Role:          params.Lit("role"),
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(instances),
		Environment:   []steps.Member{{Key: "MODE", Value: "full"}},
	}, steps.ProcessingJob{
		Code: "s3://bucket/code/prep.py",
		Inputs: []steps.ProcessingInput{{Name: params.Lit("raw"), Source: params.Lit("s3://bucket/raw"),
			Destination: params.Lit("/opt/ml/processing/raw"), DistributionType: params.Lit(dist)}},
		Outputs: []steps.ProcessingOutput{
			{Name: "train", Source: params.Lit("/opt/ml/processing/train"), Destination: params.Lit("s3://bucket/out/train")},
			{Name: "meta", Source: params.Lit("/opt/ml/processing/meta"), Destination: params.Lit("s3://bucket/out/meta")},
		},
		Arguments: []params.Exprer{params.Lit("--scale"), scale},
	})
}

// stageRaw puts two CSV objects under s3://bucket/raw.
func stageRaw(t *testing.T, e *local.Engine) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.csv"), "1,a\n2,b\n")
	writeFile(t, filepath.Join(dir, "b.csv"), "3,c\n")
	if err := e.Stage(dir, "s3://bucket/raw"); err != nil {
		t.Fatal(err)
	}
}

// runLocal runs p on e and returns the execution, failing on error.
func runLocal(t *testing.T, e *local.Engine, p *pipeline.Pipeline, opts ...local.RunOptions) *pipeline.Execution {
	t.Helper()
	ex, err := e.Run(ctxT(t), p, append(opts, local.RunOptions{})[0])
	if err != nil {
		t.Fatalf("%v: %+v", err, ex)
	}
	return ex
}

// properties decodes a step's property tree: its resolved request and
// Describe response, what SageMaker writes to processingjobconfig.json.
func properties(t *testing.T, ex *pipeline.Execution, step string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(ex.Step(step).Properties, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// underRoot returns the fake root's path for the container path p.
func underRoot(root, p string) string {
	return filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(p, local.DefaultMLRoot)))
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(b))
}

// layOutProcessing lays out root as SageMaker does for the processing job
// whose properties are props, running as host of hosts: the job config,
// the resource config, and each input's objects (those keep selects, all
// when nil) at its LocalPath.
func layOutProcessing(t *testing.T, e *local.Engine, root string, props map[string]any, host string, hosts []string, keep func(name string) bool) {
	t.Helper()
	writeJSON(t, filepath.Join(root, "config", "processingjobconfig.json"), props)
	writeJSON(t, filepath.Join(root, "config", "resourceconfig.json"),
		map[string]any{"current_host": host, "hosts": hosts, "network_interface_name": "eth0"})
	for _, in := range props["ProcessingInputs"].([]any) {
		s3 := in.(map[string]any)["S3Input"].(map[string]any)
		src := storePath(e.Root(), s3["S3Uri"].(string))
		if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
			continue // the code input: the Go function stands for it
		}
		copyTree(t, src, underRoot(root, s3["LocalPath"].(string)), keep)
	}
}

// copyTree copies the files of src that keep selects (all when nil) to dst.
func copyTree(t *testing.T, src, dst string, keep func(string) bool) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if keep != nil && !keep(rel) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// entrypoint runs the test binary as the container entrypoint
// "<program> step <step> args..." on the fake root, with env added, and
// returns its exit code and output.
func entrypoint(t *testing.T, root string, env []string, step string, args ...string) (int, string) {
	t.Helper()
	code, out, err := startEntrypoint(root, env, step, args...)
	if err != nil {
		t.Fatalf("entrypoint: %v\n%s", err, out)
	}
	return code, out
}

// startEntrypoint is entrypoint for use off the test's goroutine.
func startEntrypoint(root string, env []string, step string, args ...string) (int, string, error) {
	return startProgram(root, env, append([]string{local.EntrypointCommand, step}, args...)...)
}

// startProgram runs the test binary as the container's program with
// args, on the fake root, with env added.
func startProgram(root string, env []string, args ...string) (int, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{entrypointEnv + "=1", local.MLRootEnv + "=" + root}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), nil
	}
	return 0, out.String(), err
}

// files returns the files under dir, relative path to content.
func files(t *testing.T, dir string) map[string]string {
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

func stringsOf(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestEntrypointProcessingMatchesRun(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	entrypointEngine(e)
	stageRaw(t, e)
	scale := params.String("Scale").WithDefault("2")
	ex := runLocal(t, e, pipeline.New("ep").Parameters(scale).Steps(prepStep("Prep", 1, "FullyReplicated", scale)).Env(env),
		local.RunOptions{Parameters: map[string]any{"Scale": "5"}})
	props := properties(t, ex, "Prep")
	root := t.TempDir()
	layOutProcessing(t, e, root, props, "algo-1", []string{"algo-1"}, nil)
	app := props["AppSpecification"].(map[string]any)
	args := stringsOf(app["ContainerArguments"])
	if diff := cmp.Diff([]string{"--scale", "5"}, args); diff != "" {
		t.Fatalf("resolved arguments (-want +got):\n%s", diff)
	}
	code, out := entrypoint(t, root, nil, "Prep", args...)
	if code != local.ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, o := range props["ProcessingOutputConfig"].(map[string]any)["Outputs"].([]any) {
		s3 := o.(map[string]any)["S3Output"].(map[string]any)
		want := files(t, storePath(e.Root(), s3["S3Uri"].(string)))
		got := files(t, underRoot(root, s3["LocalPath"].(string)))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("output %s: Run (-) and entrypoint (+) differ:\n%s", s3["S3Uri"], diff)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "output", "failure")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("failure file after success: %v", err)
	}
}

func TestEntrypointTrainingMatchesRun(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	entrypointEngine(e)
	stageData(t, e)
	train := steps.Training("Train", xgbEstimator(1,
		steps.Member{Key: "eta", Value: 0.3}, steps.Member{Key: "max_depth", Value: 3}, steps.Member{Key: "num_round", Value: 10}),
		channels()...)
	ex := runLocal(t, e, pipeline.New("ep").Steps(train).Env(env))
	props := properties(t, ex, "Train")

	// The container's files, from the job's resolved request, as
	// SageMaker writes them.
	root := t.TempDir()
	cfg := filepath.Join(root, "input", "config")
	writeJSON(t, filepath.Join(cfg, "hyperparameters.json"), props["HyperParameters"])
	mode := props["AlgorithmSpecification"].(map[string]any)["TrainingInputMode"]
	chans := map[string]any{}
	for _, c := range props["InputDataConfig"].([]any) {
		ch := c.(map[string]any)
		s3 := ch["DataSource"].(map[string]any)["S3DataSource"].(map[string]any)
		cc := map[string]any{"TrainingInputMode": mode, "S3DistributionType": s3["S3DataDistributionType"], "RecordWrapperType": "None"}
		if ct, ok := ch["ContentType"]; ok {
			cc["ContentType"] = ct
		}
		chans[ch["ChannelName"].(string)] = cc
		copyTree(t, storePath(e.Root(), s3["S3Uri"].(string)), filepath.Join(root, "input", "data", ch["ChannelName"].(string)), nil)
	}
	writeJSON(t, filepath.Join(cfg, "inputdataconfig.json"), chans)
	res := props["ResourceConfig"].(map[string]any)
	writeJSON(t, filepath.Join(cfg, "resourceconfig.json"), map[string]any{"current_host": "algo-1",
		"current_instance_type": res["InstanceType"], "hosts": []string{"algo-1"}, "network_interface_name": "eth0"})
	writeJSON(t, filepath.Join(cfg, "trainingjobconfig.json"), props)

	code, out := entrypoint(t, root, []string{"TRAINING_JOB_NAME=" + props["TrainingJobName"].(string)}, "Train")
	if code != local.ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "validation-rmse:") {
		t.Errorf("the job's stdout has no eval lines:\n%s", out)
	}
	for _, c := range []struct{ prop, dir string }{
		{props["ModelArtifacts"].(map[string]any)["S3ModelArtifacts"].(string), "model"},
		{strings.TrimSuffix(props["ModelArtifacts"].(map[string]any)["S3ModelArtifacts"].(string), "model.tar.gz") + "output.tar.gz", "output/data"},
	} {
		dir := t.TempDir()
		untar(t, storePath(e.Root(), c.prop), dir)
		if diff := cmp.Diff(files(t, dir), files(t, filepath.Join(root, filepath.FromSlash(c.dir)))); diff != "" {
			t.Errorf("%s: Run (-) and entrypoint (+) differ:\n%s", c.dir, diff)
		}
	}
}

func TestEntrypointFailure(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	stageRaw(t, e)
	e.Processing("Broken", func(ctx context.Context, job *local.ProcessingJob) error { return nil })
	e.Processing("prep.py", prepare)
	ex := runLocal(t, e, pipeline.New("ep").Steps(prepStep("Broken", 1, "FullyReplicated", params.Lit("2"))).Env(env))
	props := properties(t, ex, "Broken")
	tests := []struct {
		name, step string
		layOut     string // "job", "bare" (a job config naming no code), "training" or none
		code       int
		failure    string
	}{
		{"function error", "Broken", "job", local.ExitFailed, "step Broken: row 3 of /opt/ml/processing/raw: bad row"},
		{"no binding", "Nothing", "bare", local.ExitEntrypoint, "step Nothing: local: cannot run the container's job: no Processing binding for the step"},
		{"panic", "Panics", "bare", local.ExitFailed, "step Panics: local: step function panicked: index out of range"},
		{"training function error", "FailTrain", "training", local.ExitFailed, "step FailTrain: channel train: bad row"},
		{"no job files", "Broken", "", local.ExitEntrypoint, "step Broken: local: cannot run the container's job: neither"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			switch tt.layOut {
			case "job":
				layOutProcessing(t, e, root, props, "algo-1", []string{"algo-1"}, nil)
			case "training":
				writeJSON(t, filepath.Join(root, "input", "config", "hyperparameters.json"), map[string]string{})
			case "bare":
				writeJSON(t, filepath.Join(root, "config", "processingjobconfig.json"), map[string]any{"ProcessingJobName": "x"})
			}
			code, out := entrypoint(t, root, nil, tt.step)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			b, err := os.ReadFile(filepath.Join(root, "output", "failure"))
			if err != nil || !strings.HasPrefix(string(b), tt.failure) {
				t.Errorf("failure file %q (%v), want prefix %q", b, err, tt.failure)
			}
		})
	}
}

func TestEntrypointShardedProcessing(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	entrypointEngine(e)
	stageRaw(t, e)
	ex := runLocal(t, e, pipeline.New("ep").Steps(prepStep("Prep", 2, "ShardedByS3Key", params.Lit("2"))).Env(env))
	props := properties(t, ex, "Prep")
	whole := files(t, storePath(e.Root(), "s3://bucket/out/train"))["part-algo-1.csv"]
	args := stringsOf(props["AppSpecification"].(map[string]any)["ContainerArguments"])
	hosts := []string{"algo-1", "algo-2"}
	shards := map[string]string{"algo-1": "a.csv", "algo-2": "b.csv"}
	type run struct {
		code int
		out  string
		err  error
	}
	roots, done := map[string]string{}, map[string]chan run{}
	for _, h := range hosts {
		roots[h] = t.TempDir()
		layOutProcessing(t, e, roots[h], props, h, hosts, func(name string) bool { return name == shards[h] })
		done[h] = make(chan run, 1)
		go func(root string, done chan<- run) {
			code, out, err := startEntrypoint(root, nil, "Prep", args...)
			done <- run{code, out, err}
		}(roots[h], done[h])
	}
	var rows []string
	for _, h := range hosts {
		r := <-done[h]
		if r.err != nil || r.code != local.ExitOK {
			t.Fatalf("%s: exit %d (%v)\n%s", h, r.code, r.err, r.out)
		}
		got := files(t, filepath.Join(roots[h], "processing", "train"))
		want := map[string]string{"a.csv": "1*2,a\n2*2,b", "b.csv": "3*2,c"}[shards[h]]
		if diff := cmp.Diff(map[string]string{"part-" + h + ".csv": want}, got); diff != "" {
			t.Errorf("%s sees more than its shard (-want +got):\n%s", h, diff)
		}
		view := files(t, filepath.Join(roots[h], "processing", "meta"))["view.txt"]
		if !strings.Contains(view, "count=2 hosts=[algo-1 algo-2]") {
			t.Errorf("%s: view %s", h, view)
		}
		rows = append(rows, strings.Split(got["part-"+h+".csv"], "\n")...)
	}
	slices.Sort(rows)
	wantRows := strings.Split(whole, "\n")
	slices.Sort(wantRows)
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("the shards' rows are not the whole run's (-want +got):\n%s", diff)
	}
}

func TestRunEntrypointIgnoresOtherArguments(t *testing.T) {
	e := local.New(local.Config{Root: t.TempDir()})
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{nil, {"step"}, {"-aws"}, {"run", "Prep"}, {"train"}} {
		ran, err := e.RunEntrypoint(ctxT(t), local.Entrypoint{Root: t.TempDir(), Args: args, Getenv: noEnv})
		if ran || err != nil {
			t.Errorf("%q: ran %t, %v", args, ran, err)
		}
	}
}

// TestEntrypointTrainingHosts starts the program both ways SageMaker
// starts a training image: with the definition's entrypoint
// "step Hosts", and as "train" (a tuning job's training job, which has no
// entrypoint) with SAGEPIPE_STEP=Hosts from the job's environment.
func TestEntrypointTrainingHosts(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  []string
		args []string
	}{
		{"step", nil, []string{local.EntrypointCommand, "Hosts"}},
		{"train", []string{local.StepEnv + "=Hosts"}, []string{local.TrainCommand}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			cfg := filepath.Join(root, "input", "config")
			writeJSON(t, filepath.Join(cfg, "hyperparameters.json"), map[string]string{"num_round": "3"})
			writeJSON(t, filepath.Join(cfg, "resourceconfig.json"), map[string]any{"current_host": "algo-2",
				"hosts": []string{"algo-1", "algo-2"}, "network_interface_name": "eth0"})
			code, out, err := startProgram(root, tt.env, tt.args...)
			if err != nil || code != local.ExitOK {
				t.Fatalf("exit %d (%v)\n%s", code, err, out)
			}
			got := files(t, filepath.Join(root, "model"))
			want := map[string]string{"hosts.txt": `2 [algo-1 algo-2] algo-2 ["algo-1","algo-2"]`}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("model dir (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMainReturnsOnTrainWithoutStep checks that "train" alone, with no
// SAGEPIPE_STEP, is not taken for a job: Main returns.
func TestMainReturnsOnTrainWithoutStep(t *testing.T) {
	code, out, err := startProgram(t.TempDir(), []string{local.StepEnv + "="}, local.TrainCommand)
	if err != nil || code != 99 || !strings.Contains(out, "local.Main returned") {
		t.Errorf("exit %d (%v), want 99 from TestMain after Main returned\n%s", code, err, out)
	}
}

// TestEntrypointReadsSDKLocalModeFiles reads a processing container's
// files in the shape the SDK's local mode writes them (null for an unset
// entrypoint, arguments and environment; a null volume key) and a
// training container's resourceconfig.json as SageMaker writes it today
// (instance groups beside the hosts).
func TestEntrypointReadsSDKLocalModeFiles(t *testing.T) {
	e := local.New(local.Config{Root: t.TempDir()})
	var views []string
	e.Processing("Shape", func(ctx context.Context, job *local.ProcessingJob) error {
		views = append(views, fmt.Sprintf("%s %q %q %v %s %s %d %v %s", job.Name, job.Entrypoint, job.Arguments, job.Environment,
			job.Inputs["data"].ContainerPath, job.Outputs["out"].ContainerPath, job.InstanceCount, job.Hosts, job.CurrentHost))
		return nil
	})
	e.Training("Shape", func(ctx context.Context, job *local.TrainingJob) error {
		views = append(views, fmt.Sprintf("%s %d %v %s %s", job.InstanceType, job.InstanceCount, job.Hosts,
			job.Environment["SM_CURRENT_HOST"], job.Channels["train"].ContentType))
		return nil
	})
	proc := t.TempDir()
	writeFile(t, filepath.Join(proc, "config", "processingjobconfig.json"), `{"ProcessingJobArn": "shape-1", "ProcessingJobName": "shape-1", `+
		`"AppSpecification": {"ImageUri": "img", "ContainerEntrypoint": null, "ContainerArguments": null}, "Environment": null, `+
		`"ProcessingInputs": [{"InputName": "data", "S3Input": {"S3Uri": "s3://b/data", "LocalPath": "/opt/ml/processing/data"}}], `+
		`"ProcessingOutputConfig": {"Outputs": [{"OutputName": "out", "S3Output": {"S3Uri": "s3://b/out", "LocalPath": "/opt/ml/processing/out", "S3UploadMode": "EndOfJob"}}]}, `+
		`"ProcessingResources": {"ClusterConfig": {"InstanceCount": 2, "InstanceType": "local", "VolumeSizeInGB": 30, "VolumeKmsKeyId": null}}, `+
		`"RoleArn": "<no_role>", "StoppingCondition": {"MaxRuntimeInSeconds": 86400}}`)
	writeFile(t, filepath.Join(proc, "config", "resourceconfig.json"), `{"current_host": "algo-2", "hosts": ["algo-1", "algo-2"]}`)
	writeFile(t, filepath.Join(proc, "processing", "data", "a.csv"), "1\n")

	train := t.TempDir()
	cfg := filepath.Join(train, "input", "config")
	writeFile(t, filepath.Join(cfg, "hyperparameters.json"), `{"eta": "0.3"}`)
	writeFile(t, filepath.Join(cfg, "inputdataconfig.json"), `{"train": {"ContentType": "text/csv", "TrainingInputMode": "File", `+
		`"S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}}`)
	writeFile(t, filepath.Join(cfg, "resourceconfig.json"), `{"current_host": "algo-1", "current_instance_type": "ml.c5.xlarge", `+
		`"current_group_name": "homogeneousCluster", "hosts": ["algo-1", "algo-2", "algo-3"], "instance_groups": [{"instance_group_name": `+
		`"homogeneousCluster", "instance_type": "ml.c5.xlarge", "hosts": ["algo-1", "algo-2", "algo-3"]}], "network_interface_name": "eth0"}`)
	writeFile(t, filepath.Join(train, "input", "data", "train", "a.csv"), "1\n")

	noEnv := func(string) string { return "" }
	for _, root := range []string{proc, train} {
		ran, err := e.RunEntrypoint(ctxT(t), local.Entrypoint{Root: root, Args: []string{"step", "Shape"}, Getenv: noEnv, Stdout: io.Discard})
		if !ran || err != nil {
			t.Fatalf("%s: ran %t, %v", root, ran, err)
		}
	}
	want := []string{
		`shape-1 [] [] map[] /opt/ml/processing/data /opt/ml/processing/out 2 [algo-1 algo-2] algo-2`,
		`ml.c5.xlarge 3 [algo-1 algo-2 algo-3] algo-1 text/csv`,
	}
	if diff := cmp.Diff(want, views); diff != "" {
		t.Errorf("job views (-want +got):\n%s", diff)
	}
}
