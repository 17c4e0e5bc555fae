package pipeline

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// definitionVersion is the only definition version SageMaker knows.
const definitionVersion = "2020-12-01"

// experimentRegions are the regions where SDK 2.257.6 keeps the default
// experiment configuration; elsewhere it writes null.
var experimentRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"eu-south-1", "eu-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-south-1", "ap-east-1",
	"sa-east-1", "af-south-1", "me-south-1", "il-central-1", "cn-north-1", "cn-northwest-1",
}

// Definition returns the pipeline definition JSON exactly as the SageMaker
// Python SDK 2.257.6 writes it for the same pipeline. It is as permissive
// as the SDK: it refuses what the SDK refuses or what cannot be encoded
// (empty or duplicate step names, DependsOn on unknown steps, cycles, NaN
// and infinite numbers, values of unsupported Go types, builder misuse),
// and returns all such problems at once. Validate checks more.
func (p *Pipeline) Definition() ([]byte, error) {
	c, err := p.compileSafe(true)
	if err != nil {
		return nil, err
	}
	if err := c.errors(false); err != nil {
		return nil, err
	}
	return p.encode(c)
}

// Validate returns every problem of the pipeline at once (an errors.Join of
// *StepError and *ParameterError values wrapping the package's sentinels),
// or nil: everything Definition refuses, plus references to steps that are
// not in the pipeline, JsonGet on property files the step does not
// declare, property files on outputs the step lacks, parameters used but
// not declared (or used with another type), property paths the referenced
// step's type does not have (steps.ErrUnknownProperty), and what the
// service refuses although the SDK writes it: step, parameter and pipeline
// names it does not accept, enum defaults outside the enum values, repeated
// enum values, String defaults over 4096 characters, empty execution roles
// (ErrNoRole). Engines call it before they run anything. A panic raised by a
// step's methods is returned as a *StepError holding a *PanicError.
func (p *Pipeline) Validate() error {
	c, err := p.compileSafe(false)
	if err != nil {
		return err
	}
	return c.errors(true)
}

// stepSep separates the step objects of the definition's Steps list.
const stepSep = ", "

// headDoc returns the definition's document with ss as its Steps.
func (p *Pipeline) headDoc(region string, ss []any) *pyjson.Object {
	ps := make([]any, 0, len(p.params.items()))
	for _, prm := range p.params.items() {
		if isNil(prm) {
			continue
		}
		ps = append(ps, p.parameterObject(prm))
	}
	return pyjson.NewObject().
		Set("Version", definitionVersion).
		Set("Metadata", p.metadataObject()).
		Set("Parameters", ps).
		Set("PipelineExperimentConfig", p.experimentObject(region)).
		Set("Steps", ss)
}

// head returns the definition up to the first step object: the document
// with an empty Steps list, less its closing "]}".
func (p *Pipeline) head(region string) ([]byte, error) {
	b, err := stepdef.Append(nil, p.headDoc(region, []any{}))
	if err != nil {
		return nil, err
	}
	h, ok := bytes.CutSuffix(b, []byte("]}"))
	if !ok {
		return nil, fmt.Errorf("%w: the definition does not end with its steps", ErrInvalidValue)
	}
	return h, nil
}

// inPlace reports whether c's arena holds the whole definition but its
// closing "]}": the head, then every top-level step object in order,
// separated by stepSep, and nothing else.
func (c *compiled) inPlace() bool {
	if c.head == 0 {
		return false
	}
	at := c.head
	for i, n := range c.top {
		if n.json == nil || n.pending || n.parent != nil {
			return false
		}
		if i > 0 {
			if !bytes.HasPrefix(c.arena[at:], []byte(stepSep)) {
				return false
			}
			at += len(stepSep)
		}
		if n.off != at {
			return false
		}
		at += len(n.json)
	}
	return at == len(c.arena)
}

func (p *Pipeline) encode(c *compiled) ([]byte, error) {
	if c.inPlace() {
		return append(c.arena, "]}"...), nil
	}
	size := 1024
	ss := make([]any, len(c.top))
	for i, n := range c.top {
		if n.json == nil || n.pending {
			err := n.encErr
			if err == nil {
				err = fmt.Errorf("%w: a branch step cannot be written", ErrInvalidValue)
			}
			return nil, stepErr(n.step.Name(), encodeErr(err))
		}
		ss[i] = pyjson.RawJSON(n.json)
		size += len(n.json) + 2
	}
	doc := p.headDoc(c.env.Region, ss)
	b, err := stepdef.Append(make([]byte, 0, size), doc)
	if err != nil {
		return nil, p.encodeError(err)
	}
	return b, nil
}

// encodeError turns err, the failure to encode the definition's header,
// into a problem naming the parameter that cannot be written.
func (p *Pipeline) encodeError(err error) error {
	for _, prm := range p.params.items() {
		if isNil(prm) {
			continue
		}
		if _, e := stepdef.Marshal(p.parameterObject(prm)); e != nil {
			return &ParameterError{Parameter: prm.Name(), Err: encodeErr(e)}
		}
	}
	return encodeErr(err)
}

// metadataObject returns the definition's Metadata: {} as the SDK writes
// it, or the members a parsed definition had.
func (p *Pipeline) metadataObject() *pyjson.Object {
	o := pyjson.NewObject()
	for _, m := range p.metadata {
		o.Set(m.Key, m.Value)
	}
	return o
}

func (p *Pipeline) experimentObject(region string) any {
	switch p.exp.mode {
	case experimentNone:
		return nil
	case experimentExplicit:
		return pyjson.NewObject().Set("ExperimentName", p.exp.name).Set("TrialName", p.exp.trial)
	}
	if region != "" && !slices.Contains(experimentRegions, region) {
		return nil
	}
	return pyjson.NewObject().
		Set("ExperimentName", params.PipelineName.Value()).
		Set("TrialName", params.PipelineExecutionID.Value())
}
