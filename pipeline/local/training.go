package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// TrainingFunc is the Go implementation of a training job, standing for
// the training container: it reads job.Channels, writes the model to
// job.ModelDir (and other files to job.OutputDataDir) and returns nil on
// success. It should return when ctx is done. What it writes to
// job.Stdout or logs with job.Log is the job's log, which SageMaker's
// metric definitions are applied to.
type TrainingFunc func(ctx context.Context, job *TrainingJob) error

// TrainingJob is the resolved training job a TrainingFunc runs: what a
// SageMaker training container gets.
type TrainingJob struct {
	Job
	// Channels are the input channels by name (/opt/ml/input/data/<name>),
	// each materialised as a local directory. Treat them as read-only.
	Channels map[string]Channel
	// HyperParameters are the hyperparameters as SageMaker passes them,
	// strings, with typed accessors; a tuning job's trial has its tuned
	// values and _tuning_objective_metric among them.
	HyperParameters HyperParameters
	// ModelDir (/opt/ml/model) is an empty directory whose content
	// becomes <output path>/<job name>/output/model.tar.gz.
	ModelDir string
	// OutputDataDir (/opt/ml/output/data) is an empty directory whose
	// content becomes output.tar.gz beside the model.
	OutputDataDir string
	// ImageURI is the training image; InputMode the job's
	// TrainingInputMode (File, Pipe, FastFile).
	ImageURI  string
	InputMode string
	// InstanceType and InstanceCount size the cluster. Hosts names its
	// instances as SageMaker does (algo-1, ..., algo-n): a distributed
	// job runs one actor per host on Job.System (for boost,
	// DistOptions{NumActors: job.InstanceCount, Name: job.Name}).
	InstanceType  string
	InstanceCount int
	Hosts         []string
	// Environment holds the container's environment variables: the
	// definition's, and those SageMaker's training toolkit sets
	// (SM_MODEL_DIR, SM_CHANNEL_<NAME>, SM_HPS, SM_HP_<NAME>, SM_HOSTS,
	// SM_CURRENT_HOST, SM_NUM_CPUS, TRAINING_JOB_NAME, ...) with the
	// job's local paths.
	Environment map[string]string
	// Stdout is the container's standard output: every line written to
	// it goes to the job's log and is scanned for metrics, so passing it
	// as boost's TrainOptions.Log reports XGBoost's eval metrics.
	Stdout io.Writer
	// TuningJobName names the tuning job when the job is one of its
	// training jobs.
	TuningJobName string

	stoppedEarly func() bool
}

// StoppedEarly reports whether the tuning job stopped this training job
// early (early stopping Auto, or Hyperband): its context is then
// cancelled with ErrStoppedEarly as the cause. What the model directory
// holds when the function returns is still packed, as SageMaker keeps
// the model of a job it stopped; a function that wants a model there
// saves it when it sees the stop (for boost, a Callback returning
// boost.ErrStopTraining once ctx is done, then a save with
// context.WithoutCancel).
func (j *TrainingJob) StoppedEarly() bool { return j.stoppedEarly != nil && j.stoppedEarly() }

// ErrStoppedEarly is the cause of the context cancellation of a training
// job its tuning job stops early.
var ErrStoppedEarly = errors.New("local: training job stopped early by its tuning job")

// Channel is one input channel of a training job.
type Channel struct {
	// Name is the channel's name.
	Name string
	// Dir is the local directory holding the channel's files.
	Dir string
	// ContainerPath is where the container would see it
	// (/opt/ml/input/data/<name>).
	ContainerPath string
	// S3URI is where the channel was read from.
	S3URI string
	// ContentType, CompressionType and DistributionType (FullyReplicated,
	// ShardedByS3Key) are as the channel declares them; InputMode is the
	// channel's, or the job's when the channel has none.
	ContentType      string
	CompressionType  string
	DistributionType string
	InputMode        string
}

// Training binds fn to training steps, and to the training jobs of
// tuning steps. key selects the steps: a step name, the entry point a
// framework estimator runs (the sagemaker_program hyperparameter,
// "script.py"), the S3 URI of its source (sagemaker_submit_directory), or
// the training image URI. A binding by step name wins over the others.
func (e *Engine) Training(key string, fn TrainingFunc) {
	e.bind("Training", key, fn)
	e.bind("Tuning", key, fn)
}

type trainingExecutor struct{}

func (trainingExecutor) cacheable() bool { return true }

func (trainingExecutor) keys(s *stepDef) []string {
	a := asObject(s.args)
	return append([]string{s.name}, codeKeys(get(a, "HyperParameters"), get(a, "AlgorithmSpecification"))...)
}

// codeKeys returns the binding keys of a training job's code: its
// sagemaker_program, that file's base name, sagemaker_submit_directory and
// the training image.
func codeKeys(hps, alg any) []string {
	var keys []string
	h := asObject(hps)
	for _, k := range []string{"sagemaker_program", "sagemaker_submit_directory"} {
		if s, ok := get(h, k).(string); ok {
			v := HyperParameters{k: s}.String(k, "")
			keys = append(keys, v, path.Base(v))
		}
	}
	if img, ok := get(asObject(alg), "TrainingImage").(string); ok {
		keys = append(keys, img)
	}
	return slices.Compact(slices.DeleteFunc(keys, func(k string) bool { return k == "" || k == "." || k == "/" }))
}

func (trainingExecutor) cacheKey(args *pyjson.Object) (any, []string) {
	fields := pyjson.NewObject()
	for _, k := range []string{"AlgorithmSpecification", "CheckpointConfig", "DebugHookConfig",
		"DebugRuleConfigurations", "Environment", "HyperParameters", "InputDataConfig"} {
		if v, ok := args.Get(k); ok {
			fields.Set(k, v)
		}
	}
	return fields, channelURIs(get(args, "InputDataConfig"))
}

func channelURIs(cfg any) []string {
	var uris []string
	for _, c := range asList(cfg) {
		if uri, ok := get(asObject(get(asObject(get(asObject(c), "DataSource")), "S3DataSource")), "S3Uri").(string); ok {
			uris = append(uris, uri)
		}
	}
	return uris
}

func (trainingExecutor) canned(c Canned) any { return c }

// trainingSpec is the resolved definition of a training job (a training
// step's request, or a tuning step's TrainingJobDefinition).
type trainingSpec struct {
	alg           *pyjson.Object
	image         string
	inputMode     string
	hps           *pyjson.Object
	inputs        any
	outputPath    string
	instanceType  string
	instanceCount int
	env           map[string]string
	maxRuntime    time.Duration
	defs          []metricDef
}

// parseTrainingSpec reads a training job definition; resources names its
// ResourceConfig member and hps its hyperparameters member.
func parseTrainingSpec(def *pyjson.Object, resources, hps string) (*trainingSpec, error) {
	sp := &trainingSpec{alg: asObject(get(def, "AlgorithmSpecification")), env: map[string]string{}}
	sp.image, _ = get(sp.alg, "TrainingImage").(string)
	sp.inputMode, _ = get(sp.alg, "TrainingInputMode").(string)
	if sp.inputMode == "" {
		sp.inputMode = "File"
	}
	sp.hps = asObject(get(def, hps))
	if sp.hps == nil {
		sp.hps = pyjson.NewObject()
	}
	for k, v := range sp.hps.Members() {
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("%w: hyperparameter %q is not a string", ErrDefinition, k)
		}
	}
	sp.inputs = get(def, "InputDataConfig")
	var ok bool
	if sp.outputPath, ok = get(asObject(get(def, "OutputDataConfig")), "S3OutputPath").(string); !ok {
		return nil, fmt.Errorf("%w: the training job has no OutputDataConfig.S3OutputPath", ErrDefinition)
	}
	res := asObject(get(def, resources))
	if res == nil {
		res = asObject(get(def, "ResourceConfig"))
	}
	sp.instanceType, _ = get(res, "InstanceType").(string)
	sp.instanceCount = 1
	if n, ok := number(get(res, "InstanceCount")); ok {
		sp.instanceCount = int(n)
	}
	if sp.instanceCount < 1 {
		return nil, fmt.Errorf("%w: InstanceCount %d", ErrDefinition, sp.instanceCount)
	}
	putEnv(sp.env, get(def, "Environment"))
	if n, ok := number(get(asObject(get(def, "StoppingCondition")), "MaxRuntimeInSeconds")); ok && n > 0 {
		sp.maxRuntime = time.Duration(n * float64(time.Second))
	}
	defs, err := metricDefs(sp.alg)
	if err != nil {
		return nil, err
	}
	sp.defs = defs
	return sp, nil
}

// hyperParameters returns the definition's hyperparameters as strings.
func (sp *trainingSpec) hyperParameters() HyperParameters {
	h := HyperParameters{}
	for k, v := range sp.hps.Members() {
		h[k], _ = v.(string)
	}
	return h
}

// channels materialises the job's input channels.
func (a *attempt) channels(sp *trainingSpec) (map[string]Channel, error) {
	out := map[string]Channel{}
	for i, c := range asList(sp.inputs) {
		o := asObject(c)
		src := asObject(get(asObject(get(o, "DataSource")), "S3DataSource"))
		name := str(o, "ChannelName")
		uri, _ := get(src, "S3Uri").(string)
		dir, err := a.materialise("channel "+name, i, uri, false)
		if err != nil {
			return nil, err
		}
		ch := Channel{Name: name, Dir: dir, ContainerPath: "/opt/ml/input/data/" + name, S3URI: uri,
			ContentType: str(o, "ContentType"), CompressionType: str(o, "CompressionType"),
			DistributionType: str(src, "S3DataDistributionType"), InputMode: str(o, "InputMode")}
		if ch.InputMode == "" {
			ch.InputMode = sp.inputMode
		}
		out[name] = ch
	}
	return out, nil
}

// artifactURI returns where a training job's packed directory goes:
// <output path>/<job name>/output/<file>.
func artifactURI(outputPath, jobName, file string) string {
	return strings.TrimRight(outputPath, "/") + "/" + jobName + "/output/" + file
}

// trainRun is one training job being run.
type trainRun struct {
	a        *attempt // the job's attempt (a tuning step's trial has its own)
	sp       *trainingSpec
	channels map[string]Channel
	name     string
	hps      HyperParameters
	dir      string // private directory for model/ and output/
	log      *metricLog
	tuning   string
	stopped  func() bool
}

// train runs fn as the job and packs its model and output directories
// into model.tar.gz and output.tar.gz under r.dir. The error is the
// function's (or the packing's).
func (r *trainRun) train(ctx context.Context, fn TrainingFunc) (model, output string, err error) {
	modelDir, outDir := filepath.Join(r.dir, "model"), filepath.Join(r.dir, "output", "data")
	for _, d := range []string{modelDir, outDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", err
		}
	}
	job := &TrainingJob{Job: r.a.job(), Channels: r.channels, HyperParameters: r.hps,
		ModelDir: modelDir, OutputDataDir: outDir, ImageURI: r.sp.image, InputMode: r.sp.inputMode,
		InstanceType: r.sp.instanceType, InstanceCount: r.sp.instanceCount,
		TuningJobName: r.tuning, stoppedEarly: r.stopped}
	for i := range r.sp.instanceCount {
		job.Hosts = append(job.Hosts, "algo-"+strconv.Itoa(i+1))
	}
	job.Environment = maps.Clone(r.sp.env)
	res := r.a.x.sys.Resources()
	toolkitEnv(job, res["CPU"], res["GPU"])
	job.Log = slog.New(r.log.handler(r.a.log.Handler()))
	stdout := &lineWriter{log: job.Log}
	job.Stdout = stdout
	if r.sp.maxRuntime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, r.sp.maxRuntime,
			fmt.Errorf("training job %s: MaxRuntimeInSeconds (%s) exceeded", r.name, r.sp.maxRuntime))
		defer cancel()
	}
	err = fn(ctx, job)
	stdout.Close()
	if err != nil && !r.StoppedEarly() {
		return "", "", err
	}
	model, output = filepath.Join(r.dir, "model.tar.gz"), filepath.Join(r.dir, "output.tar.gz")
	if perr := tarGz(modelDir, model); perr != nil {
		return "", "", fmt.Errorf("packing the model: %w", perr)
	}
	if perr := tarGz(outDir, output); perr != nil {
		return "", "", fmt.Errorf("packing the output data: %w", perr)
	}
	return model, output, err
}

// StoppedEarly reports whether the run's tuning job stopped it.
func (r *trainRun) StoppedEarly() bool { return r.stopped != nil && r.stopped() }

func (x trainingExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	if c, ok := impl.(Canned); ok {
		return cannedExecutor{}.run(ctx, a, c)
	}
	fn, ok := impl.(TrainingFunc)
	if !ok {
		return nil, fmt.Errorf("%w: the binding is a %T, not a TrainingFunc", ErrUnbound, impl)
	}
	sp, err := parseTrainingSpec(a.args, "ResourceConfig", "HyperParameters")
	if err != nil {
		return nil, err
	}
	chans, err := a.channels(sp)
	if err != nil {
		return nil, err
	}
	scratch, err := a.scratchDir()
	if err != nil {
		return nil, err
	}
	modelURI, outURI := artifactURI(sp.outputPath, a.jobName, "model.tar.gz"), artifactURI(sp.outputPath, a.jobName, "output.tar.gz")
	for _, u := range []string{modelURI, outURI} {
		if _, err := a.x.store.path(u); err != nil {
			return nil, fmt.Errorf("output path: %w", err)
		}
	}
	ml := newMetricLog(sp.defs, a.metric)
	a.onMetric = func(m pipeline.Metric) { ml.add(m) }
	r := &trainRun{a: a, sp: sp, channels: chans, name: a.jobName, hps: sp.hyperParameters(),
		dir: filepath.Join(scratch, "job"), log: ml}
	model, output, err := r.train(ctx, fn)
	if err != nil {
		return nil, err
	}
	a.commits = append(a.commits, commit{dir: model, uri: modelURI}, commit{dir: output, uri: outURI})
	props := pyjson.NewObject()
	props.Set("TrainingJobName", a.jobName)
	props.Set("TrainingJobArn", a.x.arn("training-job/"+strings.ToLower(a.jobName)))
	props.Set("ModelArtifacts", pyjson.NewObject().Set("S3ModelArtifacts", modelURI))
	props.Set("TrainingJobStatus", "Completed")
	props.Set("SecondaryStatus", "Completed")
	for k, v := range a.args.Members() {
		props.Set(k, v)
	}
	props.Set("FinalMetricDataList", ml.final())
	return &result{properties: props, outputs: map[string]string{"model": modelURI, "output": outURI}}, nil
}
