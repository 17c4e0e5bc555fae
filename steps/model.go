package steps

import (
	"fmt"
	"path"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// Model describes a model's serving container, as the SDK's Model (and
// framework models such as XGBoostModel) render it.
type Model struct {
	// ImageURI is the inference image. A framework model's code is staged
	// under its repository name and a timestamp; for a variable image,
	// under model_code/<epoch seconds>, as the SDK does.
	ImageURI params.Input[string]
	// ModelData is the S3 URI of model.tar.gz.
	ModelData params.Input[string]
	// Role is the execution role of CreateModel; empty means Env.Role.
	Role string
	// Environment variables of the container, in order. The container's
	// "Environment" is always rendered ({} when empty) unless
	// NoEnvironment is set (the deprecated RegisterModel collection built
	// from an estimator renders none).
	Environment   []Member
	NoEnvironment bool
	// EntryPoint makes this a framework model in script mode: the
	// container gets SAGEMAKER_PROGRAM (the entry point's base name),
	// SAGEMAKER_SUBMIT_DIRECTORY (sourcedir.tar.gz, staged under
	// s3://<bucket>/<image base name>-<timestamp>/ unless SourceDir is an
	// s3:// URI), SAGEMAKER_CONTAINER_LOG_LEVEL and SAGEMAKER_REGION after
	// the Environment entries.
	EntryPoint string
	SourceDir  string
	// ContainerLogLevel (SAGEMAKER_CONTAINER_LOG_LEVEL) defaults to 20.
	ContainerLogLevel params.Input[int]
	// Repack packs the code into the model archive at run time, as the
	// SDK does for an SKLearnModel or XGBoostModel with network isolation
	// and for a plain Model with an entry point and a source dir: the
	// model step is preceded by a training step "<name>-RepackModel-<i>"
	// (i the model's index) that reads ModelData and the local SourceDir,
	// and the container reads that step's artifacts with
	// SAGEMAKER_SUBMIT_DIRECTORY /opt/ml/model/code. It needs an
	// EntryPoint, a local SourceDir and ModelData from a pipeline
	// variable (the SDK repacks literal model data before it writes the
	// definition, which this package does not do).
	Repack bool
	// Framework, FrameworkVersion and NearestModelName describe the
	// container of a registered model package (e.g. "XGBOOST").
	Framework        params.Input[string]
	FrameworkVersion params.Input[string]
	NearestModelName params.Input[string]
	// Subnets and SecurityGroupIDs render a VpcConfig of CreateModel.
	Subnets          []params.Input[string]
	SecurityGroupIDs []params.Input[string]
	// EnableNetworkIsolation renders in CreateModel when true.
	EnableNetworkIsolation params.Input[bool]
	// Tags of CreateModel.
	Tags []Tag
}

// container renders the container definition; rp is the step that
// repacks the model, nil if none.
func (m *Model) container(env *Env, register bool, rp *repackStep) *pyjson.Object {
	c := pyjson.NewObject().Set("Image", exprOf(m.ImageURI))
	data := m.ModelData
	if rp != nil {
		data = rp.repackedData()
	}
	if !m.NoEnvironment {
		e := pyjson.NewObject()
		for _, kv := range m.Environment {
			e.Set(kv.Key, anyValue(kv.Value))
		}
		if m.EntryPoint != "" {
			dir := m.SourceDir
			if rp != nil {
				dir = repackedCodeDir
			} else if dir == "" || isLocal(dir) {
				dir = env.s3(modelCodePrefix(env, m.ImageURI), "sourcedir.tar.gz")
			}
			e.Set("SAGEMAKER_PROGRAM", path.Base(m.EntryPoint))
			e.Set("SAGEMAKER_SUBMIT_DIRECTORY", dir)
			e.Set("SAGEMAKER_CONTAINER_LOG_LEVEL", logLevel(m.ContainerLogLevel))
			e.Set("SAGEMAKER_REGION", env.Region)
		}
		c.Set("Environment", e)
	}
	if data != nil {
		c.Set("ModelDataUrl", exprOf(data))
	}
	if register {
		setOpt(c, "Framework", m.Framework)
		setOpt(c, "FrameworkVersion", m.FrameworkVersion)
		setOpt(c, "NearestModelName", m.NearestModelName)
	}
	return c
}

// MetricsSource is a metrics file of a model package:
// {"ContentType", "S3Uri", "ContentDigest"?}.
type MetricsSource struct {
	ContentType   params.Input[string]
	S3URI         params.Input[string]
	ContentDigest params.Input[string]
}

// object renders the source.
func (m MetricsSource) object() *pyjson.Object {
	o := pyjson.NewObject().Set("ContentType", exprOf(m.ContentType)).Set("S3Uri", exprOf(m.S3URI))
	setOpt(o, "ContentDigest", m.ContentDigest)
	return o
}

// FileSource is a file of drift check baselines:
// {"S3Uri", "ContentDigest"?, "ContentType"?}.
type FileSource struct {
	S3URI         params.Input[string]
	ContentDigest params.Input[string]
	ContentType   params.Input[string]
}

// object renders the source.
func (f FileSource) object() *pyjson.Object {
	o := pyjson.NewObject().Set("S3Uri", exprOf(f.S3URI))
	setOpt(o, "ContentDigest", f.ContentDigest)
	setOpt(o, "ContentType", f.ContentType)
	return o
}

// ModelMetrics are the quality reports attached to a model package. Bias
// and Explainability are always rendered, empty when unset, as the SDK
// does.
type ModelMetrics struct {
	ModelStatistics, ModelConstraints         *MetricsSource
	ModelDataStatistics, ModelDataConstraints *MetricsSource
	Bias, BiasPreTraining, BiasPostTraining   *MetricsSource
	Explainability                            *MetricsSource
}

func setIf[S any, P interface {
	*S
	object() *pyjson.Object
}](o *pyjson.Object, key string, v P) {
	if v != nil {
		o.Set(key, v.object())
	}
}

// object renders the metrics.
func (m ModelMetrics) object() *pyjson.Object {
	o := pyjson.NewObject()
	q := pyjson.NewObject()
	setIf(q, "Statistics", m.ModelStatistics)
	setIf(q, "Constraints", m.ModelConstraints)
	if q.Len() > 0 {
		o.Set("ModelQuality", q)
	}
	d := pyjson.NewObject()
	setIf(d, "Statistics", m.ModelDataStatistics)
	setIf(d, "Constraints", m.ModelDataConstraints)
	if d.Len() > 0 {
		o.Set("ModelDataQuality", d)
	}
	b := pyjson.NewObject()
	setIf(b, "Report", m.Bias)
	setIf(b, "PreTrainingReport", m.BiasPreTraining)
	setIf(b, "PostTrainingReport", m.BiasPostTraining)
	o.Set("Bias", b)
	x := pyjson.NewObject()
	setIf(x, "Report", m.Explainability)
	o.Set("Explainability", x)
	return o
}

// DriftCheckBaselines are the baselines drift checks compare against. Only
// the groups that are set are rendered.
type DriftCheckBaselines struct {
	ModelStatistics, ModelConstraints         *MetricsSource
	ModelDataStatistics, ModelDataConstraints *MetricsSource
	BiasConfigFile                            *FileSource
	BiasPreTrainingConstraints                *MetricsSource
	BiasPostTrainingConstraints               *MetricsSource
	ExplainabilityConstraints                 *MetricsSource
	ExplainabilityConfigFile                  *FileSource
}

// object renders the baselines.
func (m DriftCheckBaselines) object() *pyjson.Object {
	o := pyjson.NewObject()
	group := func(key string, fill func(*pyjson.Object)) {
		g := pyjson.NewObject()
		fill(g)
		if g.Len() > 0 {
			o.Set(key, g)
		}
	}
	group("ModelQuality", func(g *pyjson.Object) {
		setIf(g, "Statistics", m.ModelStatistics)
		setIf(g, "Constraints", m.ModelConstraints)
	})
	group("ModelDataQuality", func(g *pyjson.Object) {
		setIf(g, "Statistics", m.ModelDataStatistics)
		setIf(g, "Constraints", m.ModelDataConstraints)
	})
	group("Bias", func(g *pyjson.Object) {
		setIf(g, "ConfigFile", m.BiasConfigFile)
		setIf(g, "PreTrainingConstraints", m.BiasPreTrainingConstraints)
		setIf(g, "PostTrainingConstraints", m.BiasPostTrainingConstraints)
	})
	group("Explainability", func(g *pyjson.Object) {
		setIf(g, "Constraints", m.ExplainabilityConstraints)
		setIf(g, "ConfigFile", m.ExplainabilityConfigFile)
	})
	return o
}

// Registration is what model.register(...) takes: where and how a model
// package is registered.
type Registration struct {
	// ModelPackageGroupName is the group to register a new version in.
	ModelPackageGroupName params.Input[string]
	// Description is the ModelPackageDescription.
	Description string
	Tags        []Tag
	Metrics     *ModelMetrics
	DriftCheck  *DriftCheckBaselines
	// CustomerMetadata renders CustomerMetadataProperties when non-nil.
	CustomerMetadata []Member
	// Domain, SamplePayloadURL, Task and SourceURI render when set.
	Domain           params.Input[string]
	SamplePayloadURL params.Input[string]
	Task             params.Input[string]
	SourceURI        params.Input[string]
	// ContentTypes, ResponseTypes, InferenceInstances and
	// TransformInstances fill the InferenceSpecification (each rendered
	// when non-nil).
	ContentTypes       []params.Input[string]
	ResponseTypes      []params.Input[string]
	InferenceInstances []params.Input[string]
	TransformInstances []params.Input[string]
	// ApprovalStatus defaults to "PendingManualApproval".
	ApprovalStatus params.Input[string]
	// SkipModelValidation defaults to the string "None".
	SkipModelValidation params.Input[string]
}

// ModelStep is a step collection that creates or registers a model (the
// SDK's ModelStep). It expands to the repack steps of its models with
// Model.Repack set, then one step, "<name>-CreateModel" (Type Model) or
// "<name>-RegisterModel" (Type RegisterModel). DependsOn and Retry apply
// to all of them, DisplayName and Description to the last. Its properties
// are those of the last step.
type ModelStep struct {
	name string
	sub  *modelSubStep
}

// modelSubStep is the create or register step a ModelStep expands to.
type modelSubStep struct {
	common
	typ    Type
	models []Model
	reg    Registration
	// repacks holds the repack step of each model (nil where the model is
	// not repacked).
	repacks []*repackStep
	// stepName is the model step's name, the prefix of its repack steps.
	stepName string
}

// withRepacks sets the repack steps of m's models, sharing m's
// dependencies and retry policies.
func (m *modelSubStep) withRepacks() {
	m.repacks = nil
	for i, md := range m.models {
		if md.Repack {
			if m.repacks == nil {
				m.repacks = make([]*repackStep, len(m.models))
			}
			m.repacks[i] = newRepackStep(m.stepName, i, md, m)
		}
	}
}

// repack returns the repack step of model i, nil if none.
func (m *modelSubStep) repack(i int) *repackStep {
	if m.repacks == nil {
		return nil
	}
	return m.repacks[i]
}

// RegisterModel returns a model step named name that registers m as a new
// model package version (model.register(...)).
func RegisterModel(name string, m Model, r Registration) *ModelStep {
	return newModelStep(name, TypeRegisterModel, "-RegisterModel", []Model{m}, r)
}

// RegisterPipelineModel returns a model step named name that registers the
// inference pipeline of models, called in order, as a new model package
// version (PipelineModel(models).register(...)): one container per model.
func RegisterPipelineModel(name string, models []Model, r Registration) *ModelStep {
	s := newModelStep(name, TypeRegisterModel, "-RegisterModel", models, r)
	if len(models) == 0 {
		s.sub.problem(fmt.Errorf("%w: a pipeline model needs at least one model", ErrInvalid))
	}
	return s
}

// CreateModel returns a model step named name that creates m as a
// SageMaker model (model.create(...)).
func CreateModel(name string, m Model) *ModelStep {
	return newModelStep(name, TypeModel, "-CreateModel", []Model{m}, Registration{})
}

func newModelStep(name string, typ Type, suffix string, ms []Model, r Registration) *ModelStep {
	models := make([]Model, len(ms))
	for i, m := range ms {
		models[i] = m.clone()
	}
	sub := &modelSubStep{common: newCommon(name + suffix), typ: typ, models: models, reg: r.clone(), stepName: name}
	sub.withRepacks()
	return &ModelStep{name: name, sub: sub}
}

func (s *ModelStep) with(f func(*modelSubStep)) *ModelStep {
	sub := *s.sub
	f(&sub)
	sub.withRepacks()
	return &ModelStep{name: s.name, sub: &sub}
}

// Name returns the collection's name.
func (s *ModelStep) Name() string { return s.name }

// Steps returns the steps the collection expands to: the repack steps,
// then the create or register step.
func (s *ModelStep) Steps() []Step {
	out := make([]Step, 0, 1+len(s.sub.repacks))
	for _, r := range s.sub.repacks {
		if r != nil {
			out = append(out, r)
		}
	}
	return append(out, s.sub)
}

// DependsOn returns a copy of s whose step also depends on the entities.
func (s *ModelStep) DependsOn(es ...Entity) *ModelStep {
	return s.with(func(m *modelSubStep) { m.addDependsOn(es) })
}

// DependsOnNames returns a copy of s whose step also depends on the named
// steps.
func (s *ModelStep) DependsOnNames(names ...string) *ModelStep {
	return s.with(func(m *modelSubStep) { m.addDependsOnNames(names) })
}

// DisplayName returns a copy of s with the display name set.
func (s *ModelStep) DisplayName(v string) *ModelStep {
	return s.with(func(m *modelSubStep) { m.env.displayName = v })
}

// Description returns a copy of s with the description set.
func (s *ModelStep) Description(v string) *ModelStep {
	return s.with(func(m *modelSubStep) { m.env.description = v })
}

// Retry returns a copy of s with retry policies added.
func (s *ModelStep) Retry(ps ...RetryPolicy) *ModelStep {
	return s.with(func(m *modelSubStep) { m.addRetry(ps) })
}

func (m *modelSubStep) Type() Type    { return m.typ }
func (m *modelSubStep) Steps() []Step { return []Step{m} }

// defWarnings reports the models' local code that does not exist.
func (m *modelSubStep) defWarnings() []error {
	var out []error
	for _, md := range m.models {
		if md.EntryPoint != "" {
			out = append(out, localCodeProblems("model", md.EntryPoint, md.SourceDir, nil)...)
		}
	}
	return out
}

func (m *modelSubStep) defProblems() []error {
	out := m.commonProblems()
	for _, md := range m.models {
		if _, ok := optional(md.ImageURI); !ok {
			out = append(out, fmt.Errorf("%w: model needs an ImageURI", ErrInvalid))
			break
		}
	}
	if m.typ == TypeRegisterModel && m.reg.ModelPackageGroupName == nil {
		out = append(out, fmt.Errorf("%w: registration needs a ModelPackageGroupName", ErrInvalid))
	}
	return out
}

func (m *modelSubStep) defTrailer(env *Env) []stepdef.Member { return nil }

func (m *modelSubStep) defArguments(env *Env) any {
	env = orEmpty(env)
	if m.typ == TypeModel {
		return m.createArgs(env)
	}
	return m.registerArgs(env)
}

func (m *modelSubStep) createArgs(env *Env) *pyjson.Object {
	md := &m.models[0]
	a := pyjson.NewObject().
		Set("ExecutionRoleArn", orString(md.Role, env.Role)).
		Set("PrimaryContainer", md.container(env, false, m.repack(0)))
	if md.Tags != nil {
		a.Set("Tags", tagList(md.Tags))
	}
	if len(md.Subnets) > 0 && len(md.SecurityGroupIDs) > 0 {
		a.Set("VpcConfig", pyjson.NewObject().
			Set("Subnets", exprList(md.Subnets)).
			Set("SecurityGroupIds", exprList(md.SecurityGroupIDs)))
	}
	setOpt(a, "EnableNetworkIsolation", md.EnableNetworkIsolation)
	return a
}

func (m *modelSubStep) registerArgs(env *Env) *pyjson.Object {
	r := &m.reg
	a := pyjson.NewObject()
	a.Set("ModelPackageGroupName", exprOf(r.ModelPackageGroupName))
	if r.Description != "" {
		a.Set("ModelPackageDescription", r.Description)
	}
	if r.Tags != nil {
		a.Set("Tags", tagList(r.Tags))
	}
	if r.Metrics != nil {
		a.Set("ModelMetrics", r.Metrics.object())
	}
	if r.DriftCheck != nil && r.DriftCheck.object().Len() > 0 {
		a.Set("DriftCheckBaselines", r.DriftCheck.object())
	}
	if r.CustomerMetadata != nil {
		a.Set("CustomerMetadataProperties", membersObject(r.CustomerMetadata))
	}
	setOpt(a, "Domain", r.Domain)
	setOpt(a, "SamplePayloadUrl", r.SamplePayloadURL)
	setOpt(a, "Task", r.Task)
	setOpt(a, "SourceUri", r.SourceURI)
	containers := make([]any, len(m.models))
	for i := range m.models {
		containers[i] = m.models[i].container(env, true, m.repack(i))
	}
	spec := pyjson.NewObject().Set("Containers", containers)
	for _, kv := range []struct {
		k string
		v []params.Input[string]
	}{
		{"SupportedContentTypes", r.ContentTypes},
		{"SupportedResponseMIMETypes", r.ResponseTypes},
		{"SupportedRealtimeInferenceInstanceTypes", r.InferenceInstances},
		{"SupportedTransformInstanceTypes", r.TransformInstances},
	} {
		if kv.v != nil {
			spec.Set(kv.k, exprList(kv.v))
		}
	}
	a.Set("InferenceSpecification", spec)
	if r.ApprovalStatus != nil {
		a.Set("ModelApprovalStatus", exprOf(r.ApprovalStatus))
	} else {
		a.Set("ModelApprovalStatus", "PendingManualApproval")
	}
	a.Set("SkipModelValidation", orValue(r.SkipModelValidation, "None"))
	return a
}

// ModelStepProperties is the property model of a model step: that of
// DescribeModelPackageOutput for a registering step, DescribeModelOutput
// for a creating one.
type ModelStepProperties struct{ e Entity }

// Properties returns the property model of the step.
func (s *ModelStep) Properties() ModelStepProperties { return ModelStepProperties{s} }

// ModelPackageArn is the registered package's ARN.
func (p ModelStepProperties) ModelPackageArn() params.Value[string] {
	return Property[string](p.e, "ModelPackageArn")
}

// ModelPackageName is the registered package's name.
func (p ModelStepProperties) ModelPackageName() params.Value[string] {
	return Property[string](p.e, "ModelPackageName")
}

// ModelPackageGroupName is the group the package was registered in.
func (p ModelStepProperties) ModelPackageGroupName() params.Value[string] {
	return Property[string](p.e, "ModelPackageGroupName")
}

// ModelApprovalStatus is the package's approval status.
func (p ModelStepProperties) ModelApprovalStatus() params.Value[string] {
	return Property[string](p.e, "ModelApprovalStatus")
}

// ModelName is the created model's name.
func (p ModelStepProperties) ModelName() params.Value[string] {
	return Property[string](p.e, "ModelName")
}

// ModelArn is the created model's ARN.
func (p ModelStepProperties) ModelArn() params.Value[string] {
	return Property[string](p.e, "ModelArn")
}
