package steps

import (
	"fmt"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// Scaling types of tuning ranges; the zero value renders "Auto".
const (
	ScalingAuto               = "Auto"
	ScalingLinear             = "Linear"
	ScalingLogarithmic        = "Logarithmic"
	ScalingReverseLogarithmic = "ReverseLogarithmic"
)

// Range is a hyperparameter range of a tuning job: ContinuousRange,
// IntegerRange or CategoricalRange.
type Range interface {
	// RangeName is the hyperparameter being tuned.
	RangeName() string
	kind() int
}

const (
	kindContinuous = iota
	kindCategorical
	kindInteger
)

// ContinuousRange tunes a real hyperparameter between Min and Max. Bounds
// are Go numbers (rendered with Python's str(): 1 → "1", 0.2 → "0.2",
// 1.0 → "1.0") or params values (rendered with to_string()).
type ContinuousRange struct {
	Name     string
	Min, Max any
	Scaling  params.Input[string]
}

// IntegerRange tunes an integer hyperparameter between Min and Max.
type IntegerRange struct {
	Name     string
	Min, Max any
	Scaling  params.Input[string]
}

// CategoricalRange tunes a hyperparameter over a set of values (Go
// literals, rendered with str(); for framework estimators additionally
// JSON-encoded).
type CategoricalRange struct {
	Name   string
	Values []any
}

// RangeName returns the hyperparameter name.
func (r ContinuousRange) RangeName() string { return r.Name }

// RangeName returns the hyperparameter name.
func (r IntegerRange) RangeName() string { return r.Name }

// RangeName returns the hyperparameter name.
func (r CategoricalRange) RangeName() string { return r.Name }

func (ContinuousRange) kind() int  { return kindContinuous }
func (IntegerRange) kind() int     { return kindInteger }
func (CategoricalRange) kind() int { return kindCategorical }

func renderMinMax(name string, lo, hi any, scaling params.Input[string]) *pyjson.Object {
	return pyjson.NewObject().
		Set("Name", name).
		Set("MinValue", pyString(lo)).
		Set("MaxValue", pyString(hi)).
		Set("ScalingType", orValue(scaling, ScalingAuto))
}

// Tuner describes a hyperparameter tuning job over one estimator.
type Tuner struct {
	Estimator Estimator
	// ObjectiveMetric is the metric to optimise; ObjectiveType defaults
	// to "Maximize".
	ObjectiveMetric params.Input[string]
	ObjectiveType   params.Input[string]
	// Ranges in order; they are emitted grouped as Continuous,
	// Categorical, Integer, each group keeping this order.
	Ranges []Range
	// MetricDefinitions of the tuner (the estimator's are not used).
	MetricDefinitions []MetricDefinition
	// Strategy defaults to "Bayesian" ("Random", "Hyperband", "Grid").
	Strategy params.Input[string]
	// MaxJobs and MaxParallelJobs default to 1.
	MaxJobs         params.Input[int]
	MaxParallelJobs params.Input[int]
	// MaxRuntimeInSeconds limits the whole tuning job when positive.
	MaxRuntimeInSeconds params.Input[int]
	// EarlyStoppingType defaults to "Off"; the string is passed through.
	EarlyStoppingType params.Input[string]
	// RandomSeed renders when non-nil.
	RandomSeed *int
	// Hyperband renders a StrategyConfig when non-nil.
	Hyperband *HyperbandConfig
	// CompleteOnConvergence, TargetObjectiveValue and
	// MaxJobsNotImproving render TuningJobCompletionCriteria.
	CompletionCriteria *CompletionCriteria
	// WarmStart renders a WarmStartConfig when non-nil.
	WarmStart *WarmStart
	// Tags of the tuning job.
	Tags []Tag
}

// HyperbandConfig is the Hyperband strategy's resource range.
type HyperbandConfig struct{ MinResource, MaxResource int }

// CompletionCriteria ends a tuning job early.
type CompletionCriteria struct {
	// MaxJobsNotImproving renders BestObjectiveNotImproving when positive.
	MaxJobsNotImproving int
	// TargetObjectiveValue renders when non-nil.
	TargetObjectiveValue *float64
	// CompleteOnConvergence renders ConvergenceDetected.
	CompleteOnConvergence bool
}

// WarmStart starts a tuning job from earlier ones.
type WarmStart struct {
	// Type is "IdenticalDataAndAlgorithm" or "TransferLearning".
	Type string
	// Parents are the parent tuning job names.
	Parents []params.Input[string]
}

// TuningStep runs a hyperparameter tuning job.
type TuningStep struct {
	common
	tuner  Tuner
	inputs []TrainingInput
}

// Tuning returns a tuning step named name that tunes t over inputs.
func Tuning(name string, t Tuner, inputs ...TrainingInput) *TuningStep {
	s := &TuningStep{common: newCommon(name), tuner: t.clone(), inputs: cloneInputs(inputs)}
	return s
}

func (s *TuningStep) clone() *TuningStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *TuningStep) DependsOn(es ...Entity) *TuningStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *TuningStep) DependsOnNames(names ...string) *TuningStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *TuningStep) DisplayName(v string) *TuningStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *TuningStep) Description(v string) *TuningStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Retry returns a copy of s with retry policies added.
func (s *TuningStep) Retry(ps ...RetryPolicy) *TuningStep {
	c := s.clone()
	c.addRetry(ps)
	return c
}

// Cache returns a copy of s with the cache configuration set.
func (s *TuningStep) Cache(cc CacheConfig) *TuningStep {
	c := s.clone()
	c.setCache(cc)
	return c
}

// Type returns TypeTuning.
func (s *TuningStep) Type() Type { return TypeTuning }

// Steps returns the step itself.
func (s *TuningStep) Steps() []Step { return []Step{s} }

// defWarnings reports the estimator's local code that does not exist.
func (s *TuningStep) defWarnings() []error {
	if f := s.tuner.Estimator.Framework; f != nil {
		return localCodeProblems("framework estimator", f.entry(), f.SourceDir, f.Dependencies)
	}
	return nil
}

// defProblems reports an invalid estimator or tuner.
func (s *TuningStep) defProblems() []error {
	out := s.commonProblems()
	out = append(out, s.tuner.Estimator.problems()...)
	out = append(out, entrypointProblems(s.name, nil, s.tuner.Estimator.Environment)...)
	if _, ok := optional(s.tuner.ObjectiveMetric); !ok {
		out = append(out, fmt.Errorf("%w: tuner needs an ObjectiveMetric", ErrInvalid))
	}
	if len(s.tuner.Estimator.ContainerEntrypoint) > 0 || len(s.tuner.Estimator.ContainerArguments) > 0 {
		out = append(out, fmt.Errorf("%w: a tuning job's training definition has no ContainerEntrypoint or ContainerArguments", ErrInvalid))
	}
	for i, r := range s.tuner.Ranges {
		if r == nil || r.RangeName() == "" {
			out = append(out, fmt.Errorf("%w: range %d has no name", ErrInvalid, i))
		}
	}
	return out
}

// Arguments renders the CreateHyperParameterTuningJob request minus the
// job name.
func (s *TuningStep) defArguments(env *Env) any {
	env = orEmpty(env)
	t := &s.tuner
	e := &t.Estimator

	cfg := pyjson.NewObject().Set("Strategy", orValue(t.Strategy, "Bayesian"))
	limits := pyjson.NewObject().
		Set("MaxNumberOfTrainingJobs", orValue(t.MaxJobs, 1)).
		Set("MaxParallelTrainingJobs", orValue(t.MaxParallelJobs, 1))
	setOpt(limits, "MaxRuntimeInSeconds", t.MaxRuntimeInSeconds)
	cfg.Set("ResourceLimits", limits)
	cfg.Set("TrainingJobEarlyStoppingType", orValue(t.EarlyStoppingType, "Off"))
	if t.RandomSeed != nil {
		cfg.Set("RandomSeed", *t.RandomSeed)
	}
	cfg.Set("HyperParameterTuningJobObjective", pyjson.NewObject().
		Set("Type", orValue(t.ObjectiveType, "Maximize")).
		Set("MetricName", exprOf(t.ObjectiveMetric)))
	cont, cat, ints := []any{}, []any{}, []any{}
	tuned := map[string]bool{}
	for _, r := range t.Ranges {
		if r == nil {
			continue
		}
		tuned[r.RangeName()] = true
		switch x := r.(type) {
		case ContinuousRange:
			cont = append(cont, renderMinMax(x.Name, x.Min, x.Max, x.Scaling))
		case IntegerRange:
			ints = append(ints, renderMinMax(x.Name, x.Min, x.Max, x.Scaling))
		case CategoricalRange:
			vals := make([]any, len(x.Values))
			for i, v := range x.Values {
				if e.Framework != nil {
					vals[i] = jsonString(pyString(v))
				} else {
					vals[i] = pyString(v)
				}
			}
			cat = append(cat, pyjson.NewObject().Set("Name", x.Name).Set("Values", vals))
		}
	}
	cfg.Set("ParameterRanges", pyjson.NewObject().
		Set("ContinuousParameterRanges", cont).
		Set("CategoricalParameterRanges", cat).
		Set("IntegerParameterRanges", ints))
	if t.Hyperband != nil {
		cfg.Set("StrategyConfig", pyjson.NewObject().Set("HyperbandStrategyConfig",
			pyjson.NewObject().Set("MinResource", t.Hyperband.MinResource).Set("MaxResource", t.Hyperband.MaxResource)))
	}
	if c := t.CompletionCriteria; c != nil {
		cc := pyjson.NewObject()
		if c.MaxJobsNotImproving > 0 {
			cc.Set("BestObjectiveNotImproving", pyjson.NewObject().Set("MaxNumberOfTrainingJobsNotImproving", c.MaxJobsNotImproving))
		}
		if c.TargetObjectiveValue != nil {
			cc.Set("TargetObjectiveMetricValue", *c.TargetObjectiveValue)
		}
		if c.CompleteOnConvergence {
			cc.Set("ConvergenceDetected", pyjson.NewObject().Set("CompleteOnConvergence", "Enabled"))
		}
		cfg.Set("TuningJobCompletionCriteria", cc)
	}

	def := pyjson.NewObject()
	var hps *pyjson.Object
	if f := e.Framework; f != nil {
		job := env.JobName(e.baseJobName())
		dir := f.SourceDir
		if dir == "" || isLocal(dir) {
			dir = env.s3(job, "source", "sourcedir.tar.gz")
		}
		hps = e.hyperParameters(env, tuned, dir, job)
		hps.Set("sagemaker_estimator_class_name", jsonString(f.EstimatorClass))
		hps.Set("sagemaker_estimator_module", jsonString(f.EstimatorModule))
	} else {
		hps = e.hyperParameters(env, tuned, "", "")
	}
	def.Set("StaticHyperParameters", hps)
	def.Set("RoleArn", e.role(env))
	def.Set("OutputDataConfig", e.outputDataConfig(env))
	def.Set("StoppingCondition", e.stoppingCondition())
	res := pyjson.NewObject()
	setOpt(res, "VolumeKmsKeyId", e.VolumeKMSKeyID)
	res.Set("InstanceCount", exprOf(e.InstanceCount)).
		Set("InstanceType", exprOf(e.InstanceType)).
		Set("VolumeSizeInGB", orValue(e.VolumeSizeInGB, 30))
	def.Set("HyperParameterTuningResourceConfig", res)
	alg := pyjson.NewObject().Set("TrainingInputMode", orValue(e.InputMode, "File"))
	if len(t.MetricDefinitions) > 0 {
		md := make([]any, len(t.MetricDefinitions))
		for i, m := range t.MetricDefinitions {
			md[i] = m.object()
		}
		alg.Set("MetricDefinitions", md)
	}
	alg.Set("TrainingImage", exprOf(e.ImageURI))
	def.Set("AlgorithmSpecification", alg)
	if len(s.inputs) > 0 {
		def.Set("InputDataConfig", renderInputs(s.inputs))
	}
	if vpc := e.vpcConfig(); vpc != nil {
		def.Set("VpcConfig", vpc)
	}
	setOpt(def, "EnableNetworkIsolation", e.EnableNetworkIsolation)
	setOpt(def, "EnableInterContainerTrafficEncryption", e.EncryptInterContainerTraffic)
	if v, ok := e.spot(); ok {
		def.Set("EnableManagedSpotTraining", v)
	}
	if cp := e.checkpointConfig(); cp != nil {
		def.Set("CheckpointConfig", cp)
	}
	if v, ok := optional(e.MaxRetryAttempts); ok {
		def.Set("RetryStrategy", pyjson.NewObject().Set("MaximumRetryAttempts", v))
	}
	if e.Environment != nil {
		def.Set("Environment", membersObject(e.Environment))
	}

	a := pyjson.NewObject().
		Set("HyperParameterTuningJobConfig", cfg).
		Set("TrainingJobDefinition", def)
	if w := t.WarmStart; w != nil {
		parents := make([]any, len(w.Parents))
		for i, p := range w.Parents {
			parents[i] = pyjson.NewObject().Set("HyperParameterTuningJobName", exprOf(p))
		}
		a.Set("WarmStartConfig", pyjson.NewObject().
			Set("WarmStartType", w.Type).
			Set("ParentHyperParameterTuningJobs", parents))
	}
	if t.Tags != nil {
		a.Set("Tags", tagList(t.Tags))
	}
	return a
}

// defTrailer returns CacheConfig when set.
func (s *TuningStep) defTrailer(env *Env) []stepdef.Member { return s.cacheTrailer() }

// TopModelS3URI returns the S3 URI of the model.tar.gz of the k-th best
// training job (0 = best), the SDK's get_top_model_s3_uri: the Join of
// "s3:/", bucket, prefix (left out when empty), the job name of
// TrainingJobSummaries[k] and "output/model.tar.gz", for an estimator
// whose output path is s3://<bucket>/<prefix>/.
//
// With an empty bucket the location is taken from the estimator's
// OutputPath, which the SDK cannot see: a literal s3://<bucket>/<prefix>/
// gives the same Join as passing bucket and prefix; a variable output path
// (which should not end in "/") gives the Join of it, the job name and
// "output/model.tar.gz". An unset OutputPath means the session's default
// bucket, which is known only when the pipeline is compiled: then the
// bucket must be given, and the value records the problem for Validate.
func (s *TuningStep) TopModelS3URI(k int, bucket, prefix string) params.Value[string] {
	job := s.Properties().TrainingJobSummaries(k).TrainingJobName()
	if bucket == "" {
		var out params.Expr
		if s.tuner.Estimator.OutputPath != nil {
			out = s.tuner.Estimator.OutputPath.Value().Expr()
		}
		if lit, ok := out.(params.Literal); ok {
			str, _ := lit.Value().(string)
			rest, ok := strings.CutPrefix(str, "s3://")
			if !ok {
				return params.Unchecked[string](params.Invalid(fmt.Errorf("%w: step %q: TopModelS3URI: the estimator's output path %q is not an s3:// URI", ErrInvalid, s.name, str)))
			}
			bucket, prefix, _ = strings.Cut(strings.Trim(rest, "/"), "/")
		} else if out != nil {
			return params.Join("/", out, job, "output/model.tar.gz")
		} else {
			return params.Unchecked[string](params.Invalid(fmt.Errorf("%w: step %q: TopModelS3URI: the estimator has no OutputPath, so the bucket must be given", ErrInvalid, s.name)))
		}
	}
	vals := []any{"s3:/", bucket}
	if prefix != "" {
		vals = append(vals, prefix)
	}
	vals = append(vals, job, "output/model.tar.gz")
	return params.Join("/", vals...)
}
