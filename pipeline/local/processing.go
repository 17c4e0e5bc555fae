package local

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// ProcessingFunc is the Go implementation of a processing step: it reads
// job.Inputs, writes job.Outputs and returns nil on success. It should
// return when ctx is done. Returning an error that wraps one of the
// exception types (ErrCapacity, ...) lets the step's retry policies retry
// it; any other error fails the step.
type ProcessingFunc func(ctx context.Context, job *ProcessingJob) error

// ProcessingJob is the resolved processing job a ProcessingFunc runs.
type ProcessingJob struct {
	Job
	// Inputs are the job's inputs by input name, each materialised as a
	// local directory. Treat them as read-only: they may be the artifact
	// store's own directories. The "code" input's Dir is empty when the
	// code was not staged in the store (the function stands for it).
	Inputs map[string]Input
	// Outputs are the job's outputs by output name, each an empty
	// directory that becomes the output's S3 URI when the job succeeds.
	Outputs map[string]Output
	// Arguments are the container arguments, resolved.
	Arguments []string
	// Entrypoint is the container entrypoint, resolved.
	Entrypoint []string
	// ImageURI is the container image.
	ImageURI string
	// Environment holds the container's environment variables.
	Environment map[string]string
	// InstanceType and InstanceCount size the cluster.
	InstanceType  string
	InstanceCount int
	// Hosts names the job's instances as SageMaker does (algo-1, ...,
	// algo-n) and CurrentHost the one running this copy of the function.
	// Locally one copy runs, as algo-1, with every input whole; in a
	// SageMaker container (RunEntrypoint) each instance runs a copy, and
	// a ShardedByS3Key input holds only that instance's share of the
	// objects, so a copy names what it writes after CurrentHost to keep
	// the copies' outputs apart.
	Hosts       []string
	CurrentHost string
}

// Input is one input of a job.
type Input struct {
	// Name is the input's name.
	Name string
	// Dir is the local directory holding the input's files.
	Dir string
	// ContainerPath is where the container would see it
	// (/opt/ml/processing/input, ...).
	ContainerPath string
	// S3URI is where the input was read from.
	S3URI string
}

// Output is one output of a job.
type Output struct {
	// Name is the output's name.
	Name string
	// Dir is the empty local directory to write the output to.
	Dir string
	// ContainerPath is where the container would write it.
	ContainerPath string
	// S3URI is where the output goes when the job succeeds.
	S3URI string
}

// Processing binds fn to processing steps. key selects the steps: a step
// name, the S3 URI of the code a step runs, or the code's file name
// ("preprocess.py", also matched against the container entrypoint's last
// element), so that one binding serves every step that runs a script. A
// binding by step name wins over one by code.
func (e *Engine) Processing(key string, fn ProcessingFunc) { e.bind("Processing", key, fn) }

type processingExecutor struct{}

func (processingExecutor) cacheable() bool { return true }

func (processingExecutor) keys(s *stepDef) []string {
	keys := []string{s.name}
	a, _ := s.args.(*pyjson.Object)
	for _, in := range asList(get(a, "ProcessingInputs")) {
		o, _ := in.(*pyjson.Object)
		if str(o, "InputName") != "code" {
			continue
		}
		if uri, ok := get(asObject(get(o, "S3Input")), "S3Uri").(string); ok {
			keys = append(keys, uri, path.Base(uri))
		}
	}
	if ep := asList(get(asObject(get(a, "AppSpecification")), "ContainerEntrypoint")); len(ep) > 0 {
		if last, ok := ep[len(ep)-1].(string); ok {
			keys = append(keys, path.Base(last))
		}
	}
	return slices.Compact(keys)
}

func asObject(v any) *pyjson.Object {
	o, _ := v.(*pyjson.Object)
	return o
}

func (processingExecutor) cacheKey(args *pyjson.Object) (any, []string) {
	fields := pyjson.NewObject()
	for _, k := range []string{"AppSpecification", "Environment", "ProcessingInputs"} {
		if v, ok := args.Get(k); ok {
			fields.Set(k, v)
		}
	}
	var uris []string
	for _, in := range asList(get(args, "ProcessingInputs")) {
		o := asObject(in)
		if str(o, "InputName") == "code" {
			continue
		}
		if uri, ok := get(asObject(get(o, "S3Input")), "S3Uri").(string); ok {
			uris = append(uris, uri)
		}
	}
	return fields, uris
}

func (processingExecutor) canned(c Canned) any {
	return ProcessingFunc(func(ctx context.Context, job *ProcessingJob) error {
		if err := c.apply(&job.Job); err != nil {
			return err
		}
		for name, out := range job.Outputs {
			if err := c.writeOutput(name, out.Dir); err != nil {
				return err
			}
		}
		return c.unknownOutputs(job.Outputs)
	})
}

func (processingExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	fn, ok := impl.(ProcessingFunc)
	if !ok {
		return nil, fmt.Errorf("%w: the binding is a %T, not a ProcessingFunc", ErrUnbound, impl)
	}
	args := a.args
	job := &ProcessingJob{Job: a.job(), Inputs: map[string]Input{}, Outputs: map[string]Output{},
		Environment: map[string]string{}}
	app := asObject(get(args, "AppSpecification"))
	job.ImageURI, _ = get(app, "ImageUri").(string)
	job.Arguments = stringList(get(app, "ContainerArguments"))
	job.Entrypoint = stringList(get(app, "ContainerEntrypoint"))
	cluster := asObject(get(asObject(get(args, "ProcessingResources")), "ClusterConfig"))
	job.InstanceType, _ = get(cluster, "InstanceType").(string)
	if n, ok := number(get(cluster, "InstanceCount")); ok {
		job.InstanceCount = int(n)
	}
	for i := range max(job.InstanceCount, 1) {
		job.Hosts = append(job.Hosts, "algo-"+strconv.Itoa(i+1))
	}
	job.CurrentHost = job.Hosts[0]
	putEnv(job.Environment, get(args, "Environment"))
	for i, in := range asList(get(args, "ProcessingInputs")) {
		o := asObject(in)
		s3 := asObject(get(o, "S3Input"))
		name := str(o, "InputName")
		uri, _ := get(s3, "S3Uri").(string)
		dir, err := a.materialise(name, i, uri, name == "code")
		if err != nil {
			return nil, err
		}
		job.Inputs[name] = Input{Name: name, Dir: dir, ContainerPath: str(s3, "LocalPath"), S3URI: uri}
	}
	outs := map[string]string{}
	for i, out := range asList(get(asObject(get(args, "ProcessingOutputConfig")), "Outputs")) {
		o := asObject(out)
		s3 := asObject(get(o, "S3Output"))
		name := str(o, "OutputName")
		uri, ok := get(s3, "S3Uri").(string)
		if !ok {
			return nil, fmt.Errorf("%w: output %q has no S3Uri", ErrResolve, name)
		}
		if _, err := a.x.store.path(uri); err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		scratch, err := a.scratchDir()
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(scratch, "output", strconv.Itoa(i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		job.Outputs[name] = Output{Name: name, Dir: dir, ContainerPath: str(s3, "LocalPath"), S3URI: uri}
		a.commits = append(a.commits, commit{dir: dir, uri: uri})
		outs[name] = uri
	}
	if err := fn(ctx, job); err != nil {
		return nil, err
	}
	props := pyjson.NewObject()
	props.Set("ProcessingJobName", a.jobName)
	props.Set("ProcessingJobArn", a.x.arn("processing-job/"+a.jobName))
	props.Set("ProcessingJobStatus", "Completed")
	for k, v := range args.Members() {
		props.Set(k, v)
	}
	return &result{properties: props, outputs: outs}, nil
}

// stringList returns the resolved list as strings (values rendered as Python
// str() renders them).
func stringList(v any) []string {
	l := asList(v)
	if l == nil {
		return nil
	}
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = pyStr(x)
	}
	return out
}

// materialise returns a local directory holding the input at uri: the
// store's directory itself, or a directory holding a link to the file
// stored there. A missing input fails the step, except the code input,
// which the Go function replaces: its Dir is then empty.
func (a *attempt) materialise(name string, i int, uri string, optional bool) (string, error) {
	p, err := a.x.store.path(uri)
	if err != nil {
		return "", fmt.Errorf("input %q: %w", name, err)
	}
	info, err := os.Stat(p)
	switch {
	case err == nil && info.IsDir():
		return p, nil
	case os.IsNotExist(err) && optional:
		return "", nil
	case os.IsNotExist(err):
		return "", fmt.Errorf("%w: input %q: nothing at %s", ErrInput, name, uri)
	case err != nil:
		return "", fmt.Errorf("input %q: %w", name, err)
	}
	scratch, err := a.scratchDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(scratch, "input", strconv.Itoa(i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := linkOrCopy(p, filepath.Join(dir, filepath.Base(p))); err != nil {
		return "", fmt.Errorf("input %q: %w", name, err)
	}
	return dir, nil
}
