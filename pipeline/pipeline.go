package pipeline

import (
	"slices"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// Pipeline is an immutable description of a SageMaker pipeline: a name,
// parameters, steps and an experiment configuration, plus the compile
// environment (bucket, region, role, clock) the SDK would take from its
// session. Every builder method returns a new Pipeline and leaves its
// receiver unchanged.
type Pipeline struct {
	name     string
	params   list[params.Parameter]
	entities list[steps.Entity]
	exp      experiment
	env      steps.Env
	// Read from a parsed definition, written back as read: the Metadata
	// members and the form of parameters the SDK would write otherwise.
	metadata []stepdef.Member
	forms    map[params.Parameter]paramForm
}

type experimentMode int

const (
	experimentDefault experimentMode = iota
	experimentNone
	experimentExplicit
)

type experiment struct {
	mode        experimentMode
	name, trial params.Value[string]
}

// New returns an empty pipeline named name.
func New(name string) *Pipeline { return &Pipeline{name: name} }

func (p *Pipeline) clone() *Pipeline {
	c := *p
	return &c
}

// WithName returns a copy of p with another name (a parsed definition has
// none: the name is not part of the JSON).
func (p *Pipeline) WithName(name string) *Pipeline {
	c := p.clone()
	c.name = name
	return c
}

// Parameters returns a copy of p with ps appended to its parameter list. The
// definition lists parameters in this order.
func (p *Pipeline) Parameters(ps ...params.Parameter) *Pipeline {
	c := p.clone()
	c.params = c.params.with(ps...)
	return c
}

// Steps returns a copy of p with es appended to its step list. A step
// collection stands for its steps in order. Condition branch steps must not
// be listed: they appear only inside their condition. Steps that are
// referenced (by DependsOn or by a property) but not listed are appended to
// the definition after the listed ones, as SDK 2.257.6 does.
func (p *Pipeline) Steps(es ...steps.Entity) *Pipeline {
	c := p.clone()
	c.entities = c.entities.with(es...)
	return c
}

// ExperimentConfig returns a copy of p with an explicit experiment
// configuration. Without one the definition carries the SDK default
// (experiment = pipeline name, trial = execution id), which SDK 2.257.6
// replaces by null outside the regions where SageMaker Experiments exists.
// A nil name is written as null, as the SDK writes None; Validate reports
// it.
func (p *Pipeline) ExperimentConfig(experimentName, trialName params.Input[string]) *Pipeline {
	c := p.clone()
	c.exp = experiment{mode: experimentExplicit}
	if experimentName != nil {
		c.exp.name = experimentName.Value()
	}
	if trialName != nil {
		c.exp.trial = trialName.Value()
	}
	return c
}

// NoExperimentConfig returns a copy of p whose definition has
// "PipelineExperimentConfig": null.
func (p *Pipeline) NoExperimentConfig() *Pipeline {
	c := p.clone()
	c.exp = experiment{mode: experimentNone}
	return c
}

// Env returns a copy of p compiled in env. An empty env.PipelineName is
// taken from the pipeline's name.
func (p *Pipeline) Env(env steps.Env) *Pipeline {
	c := p.clone()
	c.env = env
	return c
}

// Name returns the pipeline name.
func (p *Pipeline) Name() string { return p.name }

// Params returns the declared parameters in order.
func (p *Pipeline) Params() []params.Parameter { return slices.Clone(p.params.items()) }

// Entities returns the listed steps and step collections in order.
func (p *Pipeline) Entities() []steps.Entity { return slices.Clone(p.entities.items()) }

// Environment returns the compile environment, with PipelineName filled in.
func (p *Pipeline) Environment() steps.Env {
	env := p.env
	if env.PipelineName == "" {
		env.PipelineName = p.name
	}
	return env
}
