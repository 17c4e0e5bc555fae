package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
)

// processing runs the step as the processing job SageMaker describes in
// /opt/ml/config/processingjobconfig.json (the job's
// CreateProcessingJob request, resolved) and resourceconfig.json beside
// it. Inputs are read where SageMaker put them (each input's LocalPath),
// outputs written to theirs, for SageMaker to upload.
//
// The shapes are those SageMaker documents and writes. The developer
// guide's "How Amazon SageMaker Processing Runs Your Processing Container
// Image" starts the image as docker run with ContainerEntrypoint as the
// entrypoint and ContainerArguments after it, so the program sees
// "step <StepName>" then the arguments; "How Amazon SageMaker Processing
// Configures Your Processing Container" puts the request (ProcessingJobName,
// AppSpecification, Environment, ProcessingInputs with S3Input.LocalPath,
// ProcessingOutputConfig.Outputs with S3Output.LocalPath,
// ProcessingResources.ClusterConfig) in processingjobconfig.json and
// {"current_host", "hosts"} in resourceconfig.json. The SDK's local mode
// writes the same two files (with null for an unset entrypoint or
// environment, read here as none), and scripts in the wild read
// current_host and the outputs' LocalPath from them as this does.
func (c *container) processing(ctx context.Context, e *Engine, step string) error {
	cfg, err := c.readJSON(false, "config", "processingjobconfig.json")
	if err != nil {
		return err
	}
	rc, err := c.readResources("config", "resourceconfig.json")
	if err != nil {
		return err
	}
	impl, err := c.implementation(e, processingExecutor{}, step, "Processing", cfg)
	if err != nil {
		return err
	}
	fn, ok := impl.(ProcessingFunc)
	if !ok {
		return fmt.Errorf("%w: the binding is a %T, not a ProcessingFunc", ErrEntrypoint, impl)
	}
	sys, release, err := c.system()
	if err != nil {
		return err
	}
	defer release()
	job := &ProcessingJob{Job: c.job(step, str(cfg, "ProcessingJobName"), sys),
		Inputs: map[string]Input{}, Outputs: map[string]Output{}, Environment: map[string]string{},
		Arguments: slices.Clone(c.args), Hosts: rc.Hosts, CurrentHost: rc.CurrentHost}
	if len(job.Arguments) == 0 {
		job.Arguments = nil
	}
	app := asObject(get(cfg, "AppSpecification"))
	job.ImageURI, _ = get(app, "ImageUri").(string)
	job.Entrypoint = stringList(get(app, "ContainerEntrypoint"))
	cluster := asObject(get(asObject(get(cfg, "ProcessingResources")), "ClusterConfig"))
	job.InstanceType, _ = get(cluster, "InstanceType").(string)
	if n, ok := number(get(cluster, "InstanceCount")); ok {
		job.InstanceCount = int(n)
	}
	if env := asObject(get(cfg, "Environment")); env != nil {
		for k, v := range env.Members() {
			job.Environment[k] = pyStr(v)
		}
	}
	for _, in := range asList(get(cfg, "ProcessingInputs")) {
		o := asObject(in)
		s3 := asObject(get(o, "S3Input"))
		name := str(o, "InputName")
		uri, _ := get(s3, "S3Uri").(string)
		cp := str(s3, "LocalPath")
		dir, err := c.local(cp)
		if err != nil {
			return fmt.Errorf("input %q: %w", name, err)
		}
		switch _, err := os.Stat(dir); {
		case errors.Is(err, os.ErrNotExist) && name == "code":
			dir = ""
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("%w: input %q: nothing at %s", ErrInput, name, cp)
		case err != nil:
			return fmt.Errorf("input %q: %w", name, err)
		}
		job.Inputs[name] = Input{Name: name, Dir: dir, ContainerPath: cp, S3URI: uri}
	}
	for _, out := range asList(get(asObject(get(cfg, "ProcessingOutputConfig")), "Outputs")) {
		o := asObject(out)
		s3 := asObject(get(o, "S3Output"))
		name := str(o, "OutputName")
		uri, _ := get(s3, "S3Uri").(string)
		cp := str(s3, "LocalPath")
		dir, err := c.local(cp)
		if err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
		job.Outputs[name] = Output{Name: name, Dir: dir, ContainerPath: cp, S3URI: uri}
	}
	return call(func() error { return fn(ctx, job) })
}
