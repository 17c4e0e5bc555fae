package steps

import (
	"fmt"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// Transformer describes a batch transform job (the SDK's Transformer plus
// the arguments of transformer.transform).
type Transformer struct {
	// ModelName is the model to run, typically a CreateModel step's
	// ModelName property.
	ModelName params.Input[string]
	// Data is the S3 URI of the input; DataType defaults to "S3Prefix".
	Data     params.Input[string]
	DataType params.Input[string]
	// ContentType, CompressionType and SplitType of the input render when
	// set.
	ContentType     params.Input[string]
	CompressionType params.Input[string]
	SplitType       params.Input[string]
	// OutputPath is the S3OutputPath; KMSKeyID, AssembleWith and Accept
	// render when set.
	OutputPath   params.Input[string]
	KMSKeyID     params.Input[string]
	AssembleWith params.Input[string]
	Accept       params.Input[string]
	// InstanceType and InstanceCount size the job.
	InstanceType  params.Input[string]
	InstanceCount params.Input[int]
	// VolumeKMSKeyID encrypts the instances' volumes when set.
	VolumeKMSKeyID params.Input[string]
	// Strategy, MaxConcurrentTransforms and MaxPayloadInMB render when set.
	Strategy                params.Input[string]
	MaxConcurrentTransforms params.Input[int]
	MaxPayloadInMB          params.Input[int]
	// Environment renders when non-nil.
	Environment []Member
	Tags        []Tag
	// InputFilter, OutputFilter and JoinSource render a DataProcessing.
	InputFilter  params.Input[string]
	OutputFilter params.Input[string]
	JoinSource   params.Input[string]
}

// TransformStep runs a batch transform job.
type TransformStep struct {
	common
	t Transformer
}

// Transform returns a transform step named name.
func Transform(name string, t Transformer) *TransformStep {
	t.Environment = cloneMembers(t.Environment)
	t.Tags = cloneSlice(t.Tags)
	return &TransformStep{common: newCommon(name), t: t}
}

func (s *TransformStep) clone() *TransformStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *TransformStep) DependsOn(es ...Entity) *TransformStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *TransformStep) DependsOnNames(names ...string) *TransformStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *TransformStep) DisplayName(v string) *TransformStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *TransformStep) Description(v string) *TransformStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Retry returns a copy of s with retry policies added.
func (s *TransformStep) Retry(ps ...RetryPolicy) *TransformStep {
	c := s.clone()
	c.addRetry(ps)
	return c
}

// Cache returns a copy of s with the cache configuration set.
func (s *TransformStep) Cache(cc CacheConfig) *TransformStep {
	c := s.clone()
	c.setCache(cc)
	return c
}

// Type returns TypeTransform.
func (s *TransformStep) Type() Type { return TypeTransform }

// Steps returns the step itself.
func (s *TransformStep) Steps() []Step { return []Step{s} }

// defProblems reports missing required settings.
func (s *TransformStep) defProblems() []error {
	out := s.commonProblems()
	t := &s.t
	for _, f := range []struct {
		ok   bool
		name string
	}{
		{t.ModelName != nil, "ModelName"}, {t.Data != nil, "Data"}, {t.OutputPath != nil, "OutputPath"},
		{t.InstanceType != nil, "InstanceType"}, {t.InstanceCount != nil, "InstanceCount"},
	} {
		if !f.ok {
			out = append(out, fmt.Errorf("%w: transformer needs %s", ErrInvalid, f.name))
		}
	}
	return out
}

// defArguments renders the CreateTransformJob request minus the job name.
func (s *TransformStep) defArguments(env *Env) any {
	t := &s.t
	in := pyjson.NewObject().Set("DataSource", pyjson.NewObject().Set("S3DataSource",
		pyjson.NewObject().Set("S3DataType", orValue(t.DataType, "S3Prefix")).Set("S3Uri", exprOf(t.Data))))
	setOpt(in, "ContentType", t.ContentType)
	setOpt(in, "CompressionType", t.CompressionType)
	setOpt(in, "SplitType", t.SplitType)
	out := pyjson.NewObject().Set("S3OutputPath", exprOf(t.OutputPath))
	setOpt(out, "KmsKeyId", t.KMSKeyID)
	setOpt(out, "AssembleWith", t.AssembleWith)
	setOpt(out, "Accept", t.Accept)
	a := pyjson.NewObject().
		Set("ModelName", exprOf(t.ModelName)).
		Set("TransformInput", in).
		Set("TransformOutput", out).
		Set("TransformResources", t.resources())
	setOpt(a, "BatchStrategy", t.Strategy)
	setOpt(a, "MaxConcurrentTransforms", t.MaxConcurrentTransforms)
	setOpt(a, "MaxPayloadInMB", t.MaxPayloadInMB)
	if t.Environment != nil {
		a.Set("Environment", membersObject(t.Environment))
	}
	if t.Tags != nil {
		a.Set("Tags", tagList(t.Tags))
	}
	dp := pyjson.NewObject()
	setOpt(dp, "InputFilter", t.InputFilter)
	setOpt(dp, "OutputFilter", t.OutputFilter)
	setOpt(dp, "JoinSource", t.JoinSource)
	if dp.Len() > 0 {
		a.Set("DataProcessing", dp)
	}
	return a
}

// defTrailer returns CacheConfig when set.
func (s *TransformStep) defTrailer(env *Env) []stepdef.Member { return s.cacheTrailer() }

// TransformProperties is the property model of a transform step
// (DescribeTransformJobResponse).
type TransformProperties struct{ e Entity }

// Properties returns the step's property model.
func (s *TransformStep) Properties() TransformProperties { return TransformProperties{s} }

// TransformJobName is the job's name.
func (p TransformProperties) TransformJobName() params.Value[string] {
	return Property[string](p.e, "TransformJobName")
}

// TransformJobArn is the job's ARN.
func (p TransformProperties) TransformJobArn() params.Value[string] {
	return Property[string](p.e, "TransformJobArn")
}

// OutputPath is where the results were written.
func (p TransformProperties) OutputPath() params.Value[string] {
	return Property[string](p.e, "TransformOutput.S3OutputPath")
}

// resources renders TransformResources.
func (t *Transformer) resources() *pyjson.Object {
	r := pyjson.NewObject().
		Set("InstanceCount", exprOf(t.InstanceCount)).
		Set("InstanceType", exprOf(t.InstanceType))
	setOpt(r, "VolumeKmsKeyId", t.VolumeKMSKeyID)
	return r
}
