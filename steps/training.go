package steps

import (
	"fmt"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
)

// TrainingStep runs a training job.
type TrainingStep struct {
	common
	est    Estimator
	inputs []TrainingInput
	code   *codeHash
	layout Layout
}

// Training returns a training step named name that trains est on inputs
// (the SDK's TrainingStep with step_args = estimator.fit(inputs)).
func Training(name string, est Estimator, inputs ...TrainingInput) *TrainingStep {
	s := &TrainingStep{common: newCommon(name), est: est.clone(), inputs: cloneInputs(inputs)}
	if f := s.est.Framework; f != nil {
		if ps := f.codePaths(); ps != nil {
			s.code = newCodeHash(ps...)
		}
	}
	return s
}

func (s *TrainingStep) clone() *TrainingStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *TrainingStep) DependsOn(es ...Entity) *TrainingStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *TrainingStep) DependsOnNames(names ...string) *TrainingStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *TrainingStep) DisplayName(v string) *TrainingStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *TrainingStep) Description(v string) *TrainingStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Retry returns a copy of s with retry policies added.
func (s *TrainingStep) Retry(ps ...RetryPolicy) *TrainingStep {
	c := s.clone()
	c.addRetry(ps)
	return c
}

// Cache returns a copy of s with the cache configuration set.
func (s *TrainingStep) Cache(cc CacheConfig) *TrainingStep {
	c := s.clone()
	c.setCache(cc)
	return c
}

// Layout returns a copy of s whose framework code is staged as l says:
// LayoutPipeline (the default, the step_args form) under
// s3://<bucket>/<pipeline>/code/<content hash>/sourcedir.tar.gz,
// LayoutJob (the deprecated estimator= form) under
// s3://<bucket>/<base job name>-<timestamp>/source/sourcedir.tar.gz.
func (s *TrainingStep) Layout(l Layout) *TrainingStep {
	c := s.clone()
	c.layout = l
	return c
}

// Type returns TypeTraining.
func (s *TrainingStep) Type() Type { return TypeTraining }

// Steps returns the step itself.
func (s *TrainingStep) Steps() []Step { return []Step{s} }

// defWarnings reports a local entry point missing from its source dir.
func (s *TrainingStep) defWarnings() []error {
	if f := s.est.Framework; f != nil && (s.code == nil || checkExists(s.code.paths...) == nil) {
		return localCodeProblems("framework estimator", f.entry(), f.SourceDir, f.Dependencies)
	}
	return nil
}

// defProblems reports missing sizes and unreadable local code.
func (s *TrainingStep) defProblems() []error {
	out := s.commonProblems()
	out = append(out, s.est.problems()...)
	out = append(out, entrypointProblems(s.name, s.est.ContainerEntrypoint, s.est.Environment)...)
	if s.code != nil {
		if err := checkExists(s.code.paths...); err != nil {
			out = append(out, err)
		} else if _, err := s.code.get(); s.layout == LayoutPipeline && err != nil {
			out = append(out, err)
		}
	}
	return out
}

func (e *Estimator) problems() []error {
	var out []error
	if e.InstanceType == nil || e.InstanceCount == nil {
		out = append(out, fmt.Errorf("%w: estimator needs InstanceType and InstanceCount", ErrInvalid))
	}
	if _, ok := optional(e.ImageURI); !ok {
		out = append(out, fmt.Errorf("%w: estimator needs an ImageURI", ErrInvalid))
	}
	if f := e.Framework; f != nil {
		if _, ok := optional(f.EntryPoint); !ok {
			out = append(out, fmt.Errorf("%w: framework estimator needs an EntryPoint", ErrInvalid))
		} else if isVariable(f.EntryPoint) && (f.SourceDir == "" || isLocal(f.SourceDir)) {
			out = append(out, fmt.Errorf("%w: framework estimator: the EntryPoint may be a pipeline variable only with an s3:// SourceDir", ErrInvalid))
		}
	}
	return out
}

// submitDir is a training step's sagemaker_submit_directory.
func (s *TrainingStep) submitDir(env *Env) any {
	f := s.est.Framework
	if f.SourceDir != "" && !isLocal(f.SourceDir) {
		return f.SourceDir
	}
	if s.code == nil {
		return f.entry()
	}
	if s.layout == LayoutJob {
		return env.s3(env.JobName(s.est.baseJobName()), "source", "sourcedir.tar.gz")
	}
	sum, err := s.code.get()
	if err != nil {
		return err
	}
	return env.s3(env.PipelineName, "code", sum, "sourcedir.tar.gz")
}

// Arguments renders the CreateTrainingJob request minus the job name, with
// sagemaker_job_name left out of the hyperparameters.
func (s *TrainingStep) defArguments(env *Env) any {
	env = orEmpty(env)
	e := &s.est
	a := pyjson.NewObject()
	alg := pyjson.NewObject().
		Set("TrainingInputMode", orValue(e.InputMode, "File")).
		Set("TrainingImage", exprOf(e.ImageURI))
	if len(e.ContainerEntrypoint) > 0 {
		alg.Set("ContainerEntrypoint", exprList(e.ContainerEntrypoint))
	}
	if len(e.ContainerArguments) > 0 {
		alg.Set("ContainerArguments", exprList(e.ContainerArguments))
	}
	if len(e.MetricDefinitions) > 0 {
		alg.Set("MetricDefinitions", e.metricDefinitions())
	}
	if e.EnableSageMakerMetrics != nil {
		alg.Set("EnableSageMakerMetricsTimeSeries", exprOf(e.EnableSageMakerMetrics))
	}
	a.Set("AlgorithmSpecification", alg)
	a.Set("OutputDataConfig", e.outputDataConfig(env))
	a.Set("StoppingCondition", e.stoppingCondition())
	res := pyjson.NewObject().Set("VolumeSizeInGB", orValue(e.VolumeSizeInGB, 30))
	setOpt(res, "VolumeKmsKeyId", e.VolumeKMSKeyID)
	if e.KeepAlivePeriodInSeconds != nil {
		res.Set("KeepAlivePeriodInSeconds", exprOf(e.KeepAlivePeriodInSeconds))
	}
	res.Set("InstanceCount", exprOf(e.InstanceCount)).Set("InstanceType", exprOf(e.InstanceType))
	a.Set("ResourceConfig", res)
	a.Set("RoleArn", e.role(env))
	if len(s.inputs) > 0 {
		a.Set("InputDataConfig", renderInputs(s.inputs))
	}
	var code string
	hps := (*pyjson.Object)(nil)
	if e.Framework != nil {
		dir := s.submitDir(env)
		if str, ok := dir.(string); ok {
			code = str
			hps = e.hyperParameters(env, nil, code, "")
		} else {
			hps = e.hyperParameters(env, nil, "", "")
			hps.Set("sagemaker_submit_directory", dir)
		}
	} else {
		hps = e.hyperParameters(env, nil, "", "")
	}
	if hps.Len() > 0 {
		a.Set("HyperParameters", hps)
	}
	if e.Environment != nil {
		a.Set("Environment", membersObject(e.Environment))
	}
	if e.Tags != nil {
		a.Set("Tags", tagList(e.Tags))
	}
	if vpc := e.vpcConfig(); vpc != nil {
		a.Set("VpcConfig", vpc)
	}
	setOpt(a, "EnableNetworkIsolation", e.EnableNetworkIsolation)
	setOpt(a, "EnableInterContainerTrafficEncryption", e.EncryptInterContainerTraffic)
	if v, ok := e.spot(); ok {
		a.Set("EnableManagedSpotTraining", v)
	}
	if cp := e.checkpointConfig(); cp != nil {
		a.Set("CheckpointConfig", cp)
	}
	if !e.DisableDebugHook {
		a.Set("DebugHookConfig", pyjson.NewObject().
			Set("S3OutputPath", e.outputPath(env)).
			Set("CollectionConfigurations", []any{}))
	}
	if !e.DisableProfiler {
		a.Set("ProfilerConfig", pyjson.NewObject().
			Set("S3OutputPath", e.outputPath(env)).
			Set("DisableProfiler", false))
	}
	if v, ok := optional(e.MaxRetryAttempts); ok {
		a.Set("RetryStrategy", pyjson.NewObject().Set("MaximumRetryAttempts", v))
	}
	return a
}

// defTrailer returns CacheConfig when set.
func (s *TrainingStep) defTrailer(env *Env) []stepdef.Member { return s.cacheTrailer() }
