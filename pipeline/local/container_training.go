package local

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// channelConfig is one channel of SageMaker's inputdataconfig.json.
type channelConfig struct {
	ContentType        string `json:"ContentType"`
	TrainingInputMode  string `json:"TrainingInputMode"`
	S3DistributionType string `json:"S3DistributionType"`
	CompressionType    string `json:"CompressionType"`
}

// The training files follow what SageMaker writes, per the developer
// guide's "How Amazon SageMaker AI Provides Training Information" and what
// the training toolkit reads: hyperparameters.json maps each
// hyperparameter to a string (the API's HyperParameters are a string to
// string map, so a value of another JSON kind is refused);
// inputdataconfig.json maps each channel to its ContentType (when set),
// TrainingInputMode, S3DistributionType and RecordWrapperType (and
// CompressionType when set); resourceconfig.json has current_host, hosts
// (algo-1 ... algo-n), network_interface_name and, on current instances,
// current_instance_type, current_group_name and instance_groups. A job
// without a container entrypoint is started with the one argument
// "train" (so the SDK's local mode starts training containers too),
// which Main accepts with SAGEPIPE_STEP naming the step.

// training runs the step as the training job SageMaker describes under
// /opt/ml/input/config: hyperparameters.json, inputdataconfig.json,
// resourceconfig.json, and, when present, trainingjobconfig.json (the
// job's request: training image, input mode, environment, channel URIs).
// Channels are read from /opt/ml/input/data/<channel>, the model written
// to /opt/ml/model and other output to /opt/ml/output/data, for SageMaker
// to pack and upload.
func (c *container) training(ctx context.Context, e *Engine, step string) error {
	hpObj, err := c.readJSON(false, "input", "config", "hyperparameters.json")
	if err != nil {
		return err
	}
	hps := HyperParameters{}
	for k, v := range hpObj.Members() {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: hyperparameter %q is not a string", ErrEntrypoint, k)
		}
		hps[k] = s
	}
	var chans map[string]channelConfig
	if b, err := os.ReadFile(c.path("input", "config", "inputdataconfig.json")); err == nil {
		if err := json.Unmarshal(b, &chans); err != nil {
			return fmt.Errorf("%w: inputdataconfig.json: %w", ErrEntrypoint, err)
		}
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("%w: %w", ErrEntrypoint, err)
	}
	rc, err := c.readResources("input", "config", "resourceconfig.json")
	if err != nil {
		return err
	}
	tj, err := c.readJSON(true, "input", "config", "trainingjobconfig.json")
	if err != nil {
		return err
	}
	// The binding keys: the step name, then the code or image the job
	// runs, as Run finds them.
	keyArgs := pyjson.NewObject().Set("HyperParameters", hpObj)
	if alg := get(tj, "AlgorithmSpecification"); alg != nil {
		keyArgs.Set("AlgorithmSpecification", alg)
	}
	impl, err := c.implementation(e, trainingExecutor{}, step, "Training", keyArgs)
	if err != nil {
		return err
	}
	fn, ok := impl.(TrainingFunc)
	if !ok {
		return fmt.Errorf("%w: the binding is a %T, not a TrainingFunc", ErrEntrypoint, impl)
	}
	sys, release, err := c.system()
	if err != nil {
		return err
	}
	defer release()

	name := c.Getenv("TRAINING_JOB_NAME")
	if name == "" {
		name = str(tj, "TrainingJobName")
	}
	alg := asObject(get(tj, "AlgorithmSpecification"))
	job := &TrainingJob{Job: c.job(step, name, sys), Channels: map[string]Channel{}, HyperParameters: hps,
		ModelDir: c.path("model"), OutputDataDir: c.path("output", "data"),
		InstanceType: rc.CurrentInstanceType, InstanceCount: len(rc.Hosts), Hosts: slices.Clone(rc.Hosts),
		Stdout: c.Stdout, Environment: map[string]string{}}
	job.ImageURI, _ = get(alg, "TrainingImage").(string)
	job.InputMode, _ = get(alg, "TrainingInputMode").(string)
	if job.InputMode == "" {
		job.InputMode = "File"
	}
	if t, ok := get(asObject(get(tj, "ResourceConfig")), "InstanceType").(string); ok && job.InstanceType == "" {
		job.InstanceType = t
	}
	putEnv(job.Environment, get(tj, "Environment"))
	uris := map[string]string{}
	for _, ch := range asList(get(tj, "InputDataConfig")) {
		o := asObject(ch)
		uri, _ := get(asObject(get(asObject(get(o, "DataSource")), "S3DataSource")), "S3Uri").(string)
		uris[str(o, "ChannelName")] = uri
	}
	for _, n := range slices.Sorted(maps.Keys(chans)) {
		cc := chans[n]
		cp := DefaultMLRoot + "/input/data/" + n
		dir, err := c.local(cp)
		if err != nil {
			return fmt.Errorf("channel %q: %w", n, err)
		}
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("%w: channel %q: %w", ErrInput, n, err)
		}
		mode := cc.TrainingInputMode
		if mode == "" {
			mode = job.InputMode
		}
		job.Channels[n] = Channel{Name: n, Dir: dir, ContainerPath: cp, S3URI: uris[n],
			ContentType: cc.ContentType, CompressionType: cc.CompressionType,
			DistributionType: cc.S3DistributionType, InputMode: mode}
	}
	for _, d := range []string{job.ModelDir, job.OutputDataDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if _, ok := job.Environment["SM_CURRENT_HOST"]; !ok {
		job.Environment["SM_CURRENT_HOST"] = rc.CurrentHost
	}
	toolkitEnv(job, float64(runtime.NumCPU()), 0)
	return call(func() error { return fn(ctx, job) })
}
