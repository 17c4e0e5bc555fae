package steps

import (
	"fmt"
	"path"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// Model describes a model's serving container, as the SDK's Model (and
// framework models such as XGBoostModel) render it.
type Model struct {
	// ImageURI is the inference image.
	ImageURI string
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
	// ContainerLogLevel defaults to 20.
	ContainerLogLevel int
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

// container renders the container definition.
func (m *Model) container(env *Env, register bool) *pyjson.Object {
	c := pyjson.NewObject().Set("Image", m.ImageURI)
	if !m.NoEnvironment {
		e := pyjson.NewObject()
		for _, kv := range m.Environment {
			e.Set(kv.Key, anyValue(kv.Value))
		}
		if m.EntryPoint != "" {
			dir := m.SourceDir
			if dir == "" || isLocal(dir) {
				dir = env.s3(env.JobName(BaseNameFromImage(m.ImageURI)), "sourcedir.tar.gz")
			}
			e.Set("SAGEMAKER_PROGRAM", path.Base(m.EntryPoint))
			e.Set("SAGEMAKER_SUBMIT_DIRECTORY", dir)
			e.Set("SAGEMAKER_CONTAINER_LOG_LEVEL", strconv.Itoa(orInt(m.ContainerLogLevel, 20)))
			e.Set("SAGEMAKER_REGION", env.Region)
		}
		c.Set("Environment", e)
	}
	if m.ModelData != nil {
		c.Set("ModelDataUrl", exprOf(m.ModelData))
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
// SDK's ModelStep). It expands to one step, "<name>-CreateModel" (Type
// Model) or "<name>-RegisterModel" (Type RegisterModel); DependsOn,
// DisplayName and Description apply to that step. Its properties are those
// of that step.
type ModelStep struct {
	name string
	sub  *modelSubStep
}

// modelSubStep is the single step a ModelStep expands to.
type modelSubStep struct {
	common
	typ   Type
	model Model
	reg   Registration
}

// RegisterModel returns a model step named name that registers m as a new
// model package version (model.register(...)).
func RegisterModel(name string, m Model, r Registration) *ModelStep {
	return newModelStep(name, TypeRegisterModel, "-RegisterModel", m, r)
}

// CreateModel returns a model step named name that creates m as a
// SageMaker model (model.create(...)).
func CreateModel(name string, m Model) *ModelStep {
	return newModelStep(name, TypeModel, "-CreateModel", m, Registration{})
}

func newModelStep(name string, typ Type, suffix string, m Model, r Registration) *ModelStep {
	sub := &modelSubStep{common: newCommon(name + suffix), typ: typ, model: m.clone(), reg: r.clone()}
	return &ModelStep{name: name, sub: sub}
}

func (s *ModelStep) with(f func(*modelSubStep)) *ModelStep {
	sub := *s.sub
	f(&sub)
	return &ModelStep{name: s.name, sub: &sub}
}

// Name returns the collection's name.
func (s *ModelStep) Name() string { return s.name }

// Steps returns the step the collection expands to.
func (s *ModelStep) Steps() []Step { return []Step{s.sub} }

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

// defWarnings reports the model's local code that does not exist.
func (m *modelSubStep) defWarnings() []error {
	if m.model.EntryPoint != "" {
		return localCodeProblems("model", m.model.EntryPoint, m.model.SourceDir, nil)
	}
	return nil
}

func (m *modelSubStep) defProblems() []error {
	out := m.commonProblems()
	if m.model.ImageURI == "" {
		out = append(out, fmt.Errorf("%w: model needs an ImageURI", ErrInvalid))
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
	md := &m.model
	a := pyjson.NewObject().
		Set("ExecutionRoleArn", orString(md.Role, env.Role)).
		Set("PrimaryContainer", md.container(env, false))
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
	spec := pyjson.NewObject().Set("Containers", []any{m.model.container(env, true)})
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
