package steps

import (
	"fmt"
	"path"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// Layout chooses where the SDK stages a processing job's local code. The two
// layouts correspond to the two ways the SDK builds a ProcessingStep. In
// both, an output without destination goes to the Join of "s3:/", bucket,
// pipeline name, execution id, step name, "output" and the output name.
type Layout int

const (
	// LayoutPipeline (the zero value) is the step_args form
	// (processor.run under a PipelineSession): local code goes to
	// s3://<bucket>/<pipeline>/code/<content hash>/<file>.
	LayoutPipeline Layout = iota
	// LayoutJob is the deprecated processor= form: the job is named
	// <base job name>-<timestamp> and local code goes to
	// s3://<bucket>/<job>/input/code/<file>. (A notebook that reads the
	// step's arguments back before building the pipeline freezes an
	// output's destination at s3://<bucket>/<job>/output/<name>; pass that
	// as the output's Destination to reproduce it, see Env.JobName.)
	LayoutJob
)

// Processor describes the processing container and cluster: the SDK's
// Processor / ScriptProcessor / SKLearnProcessor settings.
type Processor struct {
	// ImageURI is the container image (see ImageURI for framework images).
	// Default job names derive from its repository name; for a variable
	// image, from a String parameter's default or else "processing-job",
	// as the SDK does.
	ImageURI params.Input[string]
	// Command is the interpreter a script runs with (["python3"] for
	// script and framework processors). With Code set, the container
	// entrypoint is Command followed by the code's container path.
	Command []string
	// Entrypoint is used as the container entrypoint when there is no
	// Code.
	Entrypoint []params.Input[string]
	// Role is the execution role; empty means Env.Role.
	Role params.Input[string]
	// InstanceType and InstanceCount size the cluster.
	InstanceType  params.Input[string]
	InstanceCount params.Input[int]
	// VolumeSizeInGB defaults to 30.
	VolumeSizeInGB params.Input[int]
	// VolumeKMSKeyID encrypts the volume when set.
	VolumeKMSKeyID params.Input[string]
	// OutputKMSKeyID encrypts the outputs when set.
	OutputKMSKeyID params.Input[string]
	// MaxRuntimeInSeconds adds a StoppingCondition when positive.
	MaxRuntimeInSeconds params.Input[int]
	// BaseJobName names the job in LayoutJob; empty means the image's
	// base name ("sagemaker-scikit-learn"), as the SDK does.
	BaseJobName string
	// Environment variables of the container, in order (nil: none).
	Environment []Member
	// Network adds a NetworkConfig when set.
	Network *NetworkConfig
	// Tags of the job.
	Tags []Tag
}

// NetworkConfig is a processing job's network configuration. A nil slice or
// pointer is left out; EnableNetworkIsolation is always written.
type NetworkConfig struct {
	EnableNetworkIsolation                params.Input[bool]
	EnableInterContainerTrafficEncryption params.Input[bool]
	SecurityGroupIDs                      []params.Input[string]
	Subnets                               []params.Input[string]
}

// object renders the config as the SDK does.
func (n NetworkConfig) object() *pyjson.Object {
	o := pyjson.NewObject()
	o.Set("EnableNetworkIsolation", orValue(n.EnableNetworkIsolation, false))
	if n.EnableInterContainerTrafficEncryption != nil {
		o.Set("EnableInterContainerTrafficEncryption", exprOf(n.EnableInterContainerTrafficEncryption))
	}
	if n.SecurityGroupIDs != nil || n.Subnets != nil {
		vpc := pyjson.NewObject()
		if n.SecurityGroupIDs != nil {
			vpc.Set("SecurityGroupIds", exprList(n.SecurityGroupIDs))
		}
		if n.Subnets != nil {
			vpc.Set("Subnets", exprList(n.Subnets))
		}
		o.Set("VpcConfig", vpc)
	}
	return o
}

// Tag is a resource tag.
type Tag struct{ Key, Value string }

// object renders {"Key": ..., "Value": ...}.
func (t Tag) object() *pyjson.Object {
	return pyjson.NewObject().Set("Key", t.Key).Set("Value", t.Value)
}

// ProcessingInput is one input of a processing job. Empty fields take the
// SDK defaults shown.
type ProcessingInput struct {
	// Name defaults to "input-<position>" (1-based).
	Name params.Input[string]
	// Source is the S3 URI to read.
	Source params.Input[string]
	// Destination is the container path.
	Destination params.Input[string]
	// DataType defaults to "S3Prefix".
	DataType params.Input[string]
	// InputMode defaults to "File".
	InputMode params.Input[string]
	// DistributionType defaults to "FullyReplicated".
	DistributionType params.Input[string]
	// CompressionType defaults to "None".
	CompressionType params.Input[string]
	// AppManaged is rendered as is (false by default).
	AppManaged params.Input[bool]
}

// ProcessingOutput is one output of a processing job.
type ProcessingOutput struct {
	// Name defaults to "output-<position>" (1-based, counting all outputs).
	Name string
	// Source is the container path the job writes.
	Source params.Input[string]
	// Destination is the S3 URI to upload to; nil means the SDK's default,
	// a location under the pipeline execution (see Layout).
	Destination params.Input[string]
	// UploadMode defaults to "EndOfJob".
	UploadMode params.Input[string]
	// AppManaged is rendered as is (false by default).
	AppManaged params.Input[bool]
}

// ProcessingJob is what one run of a processor takes (processor.run's
// arguments).
type ProcessingJob struct {
	Inputs  []ProcessingInput
	Outputs []ProcessingOutput
	// Code is the script: a local path (staged under a content hash or the
	// job name, see Layout) or an s3:// URI (used as is). Empty: no code
	// input, the processor's Entrypoint runs.
	Code string
	// Arguments are the container arguments. As in the SDK's
	// Processor.run, each may be a value of any type (a String, Integer or
	// Float parameter, a Join, a step property), written in place: an
	// Integer parameter is not turned into a string.
	Arguments []params.Exprer
	// Layout chooses code and default output locations.
	Layout Layout
}

// PropertyFile declares a JSON file among a processing step's outputs whose
// values JsonGet can read.
type PropertyFile struct {
	// Name is the PropertyFileName.
	Name string
	// OutputName is the name of the processing output holding the file.
	OutputName string
	// Path is the file's path relative to that output.
	Path string
}

// object renders {"PropertyFileName", "OutputName", "FilePath"}.
func (p PropertyFile) object() *pyjson.Object {
	return pyjson.NewObject().Set("PropertyFileName", p.Name).Set("OutputName", p.OutputName).Set("FilePath", p.Path)
}

// ProcessingStep runs a processing job.
type ProcessingStep struct {
	common
	proc Processor
	job  ProcessingJob
	pfs  []PropertyFile
	code *codeHash
}

// Processing returns a processing step named name that runs job on proc.
func Processing(name string, proc Processor, job ProcessingJob) *ProcessingStep {
	s := &ProcessingStep{common: newCommon(name), proc: proc.clone(), job: job.clone()}
	if job.Code != "" && isLocal(job.Code) && job.Layout == LayoutPipeline {
		s.code = newCodeHash(job.Code)
	}
	return s
}

func (s *ProcessingStep) clone() *ProcessingStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *ProcessingStep) DependsOn(es ...Entity) *ProcessingStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *ProcessingStep) DependsOnNames(names ...string) *ProcessingStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *ProcessingStep) DisplayName(v string) *ProcessingStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *ProcessingStep) Description(v string) *ProcessingStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Retry returns a copy of s with retry policies added.
func (s *ProcessingStep) Retry(ps ...RetryPolicy) *ProcessingStep {
	c := s.clone()
	c.addRetry(ps)
	return c
}

// Cache returns a copy of s with the cache configuration set.
func (s *ProcessingStep) Cache(cc CacheConfig) *ProcessingStep {
	c := s.clone()
	c.setCache(cc)
	return c
}

// PropertyFiles returns a copy of s that declares the property files.
func (s *ProcessingStep) PropertyFiles(pfs ...PropertyFile) *ProcessingStep {
	c := s.clone()
	c.pfs = append(cloneSlice(s.pfs), pfs...)
	return c
}

// propertyFiles returns the property files the step declares and the names
// of its outputs, defaults applied.
func (s *ProcessingStep) propertyFiles() ([]PropertyFile, []string) {
	return cloneSlice(s.pfs), s.outputNames()
}

// Type returns TypeProcessing.
func (s *ProcessingStep) Type() Type { return TypeProcessing }

// Steps returns the step itself.
func (s *ProcessingStep) Steps() []Step { return []Step{s} }

func (s *ProcessingStep) outputNames() []string {
	out := make([]string, len(s.job.Outputs))
	for i, o := range s.job.Outputs {
		out[i] = outputName(o, i)
	}
	return out
}

func outputName(o ProcessingOutput, i int) string {
	if o.Name != "" {
		return o.Name
	}
	return "output-" + strconv.Itoa(i+1)
}

// Problems reports invalid settings: missing sizes, inputs without source,
// unreadable local code. (Whether each property file names one of the
// step's outputs is checked by pipeline validation, through
// the rendering protocol, since the SDK does not refuse it.)
func (s *ProcessingStep) defProblems() []error {
	out := s.commonProblems()
	if s.proc.InstanceType == nil || s.proc.InstanceCount == nil {
		out = append(out, fmt.Errorf("%w: processor needs InstanceType and InstanceCount", ErrInvalid))
	}
	if _, ok := optional(s.proc.ImageURI); !ok {
		out = append(out, fmt.Errorf("%w: processor needs an ImageURI", ErrInvalid))
	}
	out = append(out, entrypointProblems(s.name, s.proc.Entrypoint, s.proc.Environment)...)
	if s.job.Code != "" && isLocal(s.job.Code) {
		if err := checkExists(s.job.Code); err != nil {
			out = append(out, err)
		} else if s.code != nil {
			if _, err := s.code.get(); err != nil {
				out = append(out, err)
			}
		}
	}
	for i, in := range s.job.Inputs {
		if in.Source == nil {
			out = append(out, fmt.Errorf("%w: input %d has no source", ErrInvalid, i+1))
		}
	}
	return out
}

// jobName is the job name of the LayoutJob form.
func (s *ProcessingStep) jobName(env *Env) string {
	base := s.proc.BaseJobName
	if base == "" {
		base = imageBase(s.proc.ImageURI, "processing-job")
	}
	return env.JobName(base)
}

// Values every processing step renders, built once: they are immutable.
var (
	codeDestination = params.Lit("/opt/ml/processing/input/code")
	executionID     = params.PipelineExecutionID.Value()
)

// defArguments renders the CreateProcessingJob request minus the job name.
func (s *ProcessingStep) defArguments(env *Env) any {
	env = orEmpty(env)
	var job string
	if s.job.Layout == LayoutJob {
		job = s.jobName(env)
	}
	p := s.proc
	a := pyjson.NewObject()
	cluster := pyjson.NewObject().
		Set("InstanceType", exprOf(p.InstanceType)).
		Set("InstanceCount", exprOf(p.InstanceCount)).
		Set("VolumeSizeInGB", orValue(p.VolumeSizeInGB, 30))
	setOpt(cluster, "VolumeKmsKeyId", p.VolumeKMSKeyID)
	a.Set("ProcessingResources", pyjson.NewObject().Set("ClusterConfig", cluster))

	app := pyjson.NewObject().Set("ImageUri", exprOf(p.ImageURI))
	if len(s.job.Arguments) > 0 {
		args := make([]any, len(s.job.Arguments))
		for i, x := range s.job.Arguments {
			args[i] = exprOfAny(x)
		}
		app.Set("ContainerArguments", args)
	}
	if s.job.Code != "" {
		ep := make([]string, len(p.Command), len(p.Command)+1)
		copy(ep, p.Command)
		ep = append(ep, "/opt/ml/processing/input/code/"+path.Base(s.job.Code))
		app.Set("ContainerEntrypoint", ep)
	} else if len(p.Entrypoint) > 0 {
		app.Set("ContainerEntrypoint", exprList(p.Entrypoint))
	}
	a.Set("AppSpecification", app)
	a.Set("RoleArn", orValue(p.Role, env.Role))

	inputs := make([]any, 0, len(s.job.Inputs)+1)
	for i, in := range s.job.Inputs {
		name, ok := optional(in.Name)
		if !ok {
			name = "input-" + strconv.Itoa(i+1)
		}
		inputs = append(inputs, processingInput(name, exprOf(in.Source), in))
	}
	if s.job.Code != "" {
		inputs = append(inputs, processingInput("code", s.codeURI(env, job), ProcessingInput{
			Destination: codeDestination,
		}))
	}
	if len(inputs) > 0 {
		a.Set("ProcessingInputs", inputs)
	}
	if len(s.job.Outputs) > 0 {
		outs := make([]any, len(s.job.Outputs))
		for i, o := range s.job.Outputs {
			name := outputName(o, i)
			var dest any
			switch {
			case o.Destination != nil:
				dest = exprOf(o.Destination)
			default:
				vals := append(env.bucketValues(5), env.PipelineName,
					executionID, s.name, "output", name)
				dest = params.Join("/", vals...).Expr()
			}
			s3 := pyjson.NewObject().
				Set("S3Uri", dest).
				Set("LocalPath", exprOf(o.Source)).
				Set("S3UploadMode", orValue(o.UploadMode, "EndOfJob"))
			outs[i] = pyjson.NewObject().
				Set("OutputName", name).
				Set("AppManaged", orValue(o.AppManaged, false)).
				Set("S3Output", s3)
		}
		cfg := pyjson.NewObject().Set("Outputs", outs)
		setOpt(cfg, "KmsKeyId", p.OutputKMSKeyID)
		a.Set("ProcessingOutputConfig", cfg)
	}
	if p.Environment != nil {
		a.Set("Environment", membersObject(p.Environment))
	}
	if p.Network != nil {
		a.Set("NetworkConfig", p.Network.object())
	}
	if v, ok := optional(p.MaxRuntimeInSeconds); ok {
		a.Set("StoppingCondition", pyjson.NewObject().Set("MaxRuntimeInSeconds", v))
	}
	if p.Tags != nil {
		a.Set("Tags", tagList(p.Tags))
	}
	return a
}

func processingInput(name any, uri any, in ProcessingInput) *pyjson.Object {
	s3 := pyjson.NewObject().
		Set("S3Uri", uri).
		Set("LocalPath", exprOf(in.Destination)).
		Set("S3DataType", orValue(in.DataType, "S3Prefix")).
		Set("S3InputMode", orValue(in.InputMode, "File")).
		Set("S3DataDistributionType", orValue(in.DistributionType, "FullyReplicated")).
		Set("S3CompressionType", orValue(in.CompressionType, "None"))
	return pyjson.NewObject().
		Set("InputName", name).
		Set("AppManaged", orValue(in.AppManaged, false)).
		Set("S3Input", s3)
}

// codeURI is where the code input is read from.
func (s *ProcessingStep) codeURI(env *Env, job string) any {
	code := s.job.Code
	if !isLocal(code) {
		return code
	}
	if s.job.Layout == LayoutJob {
		return env.s3(job, "input", "code", path.Base(code))
	}
	sum, err := s.code.get()
	if err != nil {
		return err // the encoder reports it; Problems names it too
	}
	return env.s3(env.PipelineName, "code", sum, path.Base(code))
}

// defTrailer returns CacheConfig and PropertyFiles when set.
func (s *ProcessingStep) defTrailer(env *Env) []stepdef.Member {
	out := s.cacheTrailer()
	if len(s.pfs) > 0 {
		pfs := make([]any, len(s.pfs))
		for i, p := range s.pfs {
			pfs[i] = p.object()
		}
		out = append(out, stepdef.Member{Key: "PropertyFiles", Value: pfs})
	}
	return out
}
