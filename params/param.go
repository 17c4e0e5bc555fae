package params

import (
	"fmt"
	"iter"
	"slices"
)

// Type is the SageMaker type of a parameter.
type Type string

// The four parameter types.
const (
	TypeString  Type = "String"
	TypeInteger Type = "Integer"
	TypeFloat   Type = "Float"
	TypeBoolean Type = "Boolean"
)

// Parameter is a pipeline parameter of any type, as a pipeline lists it.
type Parameter interface {
	// Name returns the parameter name.
	Name() string
	// Type returns the SageMaker type.
	Type() Type
	// Default returns the default in its canonical Go type (string, int64,
	// float64 or bool) and whether one was given.
	Default() (any, bool)
	// EnumValues returns the allowed values of a String parameter (nil
	// when none were given).
	EnumValues() []string
	// Problems returns what the builder calls recorded as wrong.
	Problems() []error
	// Expr returns {"Get": "Parameters.<Name>"}.
	Expr() Expr
}

// Param is a typed pipeline parameter. Builders return new values and leave
// the receiver unchanged.
type Param[T Primitive] struct {
	name     string
	typ      Type
	def      any
	hasDef   bool
	enum     []string
	problems []error
}

// String declares a String parameter.
func String(name string) *Param[string] { return &Param[string]{name: name, typ: TypeString} }

// Integer declares an Integer parameter.
func Integer(name string) *Param[int] { return &Param[int]{name: name, typ: TypeInteger} }

// Float declares a Float parameter. Its default is always written as a
// float: WithDefault(15000) prints 15000.0, WithDefault(math.Copysign(0, -1))
// prints -0.0 (the Go constant -0.0 is plain zero). A NaN or infinite
// default is recorded as a problem (ErrNaN), which Validate reports naming
// the parameter.
func Float(name string) *Param[float64] { return &Param[float64]{name: name, typ: TypeFloat} }

// Boolean declares a Boolean parameter.
func Boolean(name string) *Param[bool] { return &Param[bool]{name: name, typ: TypeBoolean} }

func (p *Param[T]) clone() *Param[T] {
	c := *p
	c.enum = slices.Clone(p.enum)
	c.problems = slices.Clip(p.problems)
	return &c
}

// WithDefault returns a copy of p with default v. Zero values are real
// defaults: Integer("n").WithDefault(0) writes "DefaultValue": 0.
func (p *Param[T]) WithDefault(v T) *Param[T] {
	c := p.clone()
	d, err := canonical(v)
	if err != nil {
		c.problems = append(c.problems, fmt.Errorf("parameter %q default: %w", p.name, err))
		return c
	}
	c.def, c.hasDef = d, true
	return c
}

// WithEnum returns a copy of p that allows only values. Only String
// parameters have enum values; on other types the call is recorded as a
// problem (ErrEnum).
func (p *Param[T]) WithEnum(values ...string) *Param[T] {
	c := p.clone()
	if p.typ != TypeString {
		c.problems = append(c.problems, fmt.Errorf("%w: parameter %q is %s", ErrEnum, p.name, p.typ))
		return c
	}
	c.enum = slices.Clone(values)
	if len(c.enum) == 0 {
		c.enum = nil
	}
	return c
}

// Name returns the parameter name.
func (p *Param[T]) Name() string { return p.name }

// Type returns the SageMaker type.
func (p *Param[T]) Type() Type { return p.typ }

// Default returns the default and whether one was given.
func (p *Param[T]) Default() (any, bool) { return p.def, p.hasDef }

// EnumValues returns the allowed values (a copy), or nil.
func (p *Param[T]) EnumValues() []string { return slices.Clone(p.enum) }

// Problems returns the problems recorded by the builder calls.
func (p *Param[T]) Problems() []error { return slices.Clone(p.problems) }

// Value returns {"Get": "Parameters.<Name>"} as a typed value.
func (p *Param[T]) Value() Value[T] { return Value[T]{e: p.Expr()} }

// Expr returns {"Get": "Parameters.<Name>"}. On a nil *Param it returns
// an Invalid node (ErrType), so the pipeline reports the nil parameter.
func (p *Param[T]) Expr() Expr {
	if p == nil {
		return Invalid(fmt.Errorf("%w: nil %T", ErrType, p))
	}
	return Get{ref: Ref{Kind: RefParameter, Param: p}}
}

// Refs yields the reference to the parameter.
func (p *Param[T]) Refs() iter.Seq[Ref] { return p.Expr().Refs() }

// String returns "Parameters.<Name>".
func (p *Param[T]) String() string {
	if p == nil {
		return "Parameters.<nil>"
	}
	return "Parameters." + p.name
}

// ExecutionVariable is a value SageMaker provides at run time, read with
// {"Get": "Execution.<name>"}. All are strings.
type ExecutionVariable string

// The execution variables.
const (
	StartDateTime        ExecutionVariable = "StartDateTime"
	CurrentDateTime      ExecutionVariable = "CurrentDateTime"
	PipelineName         ExecutionVariable = "PipelineName"
	PipelineArn          ExecutionVariable = "PipelineArn"
	PipelineExecutionID  ExecutionVariable = "PipelineExecutionId"
	PipelineExecutionArn ExecutionVariable = "PipelineExecutionArn"
	TrainingJobName      ExecutionVariable = "TrainingJobName"
	ProcessingJobName    ExecutionVariable = "ProcessingJobName"
)

// ExecutionVariables returns the eight execution variables in the order of
// the SageMaker documentation.
func ExecutionVariables() []ExecutionVariable {
	return []ExecutionVariable{StartDateTime, CurrentDateTime, PipelineName, PipelineArn,
		PipelineExecutionID, PipelineExecutionArn, TrainingJobName, ProcessingJobName}
}

// Expr returns {"Get": "Execution.<name>"}.
func (v ExecutionVariable) Expr() Expr {
	return Get{ref: Ref{Kind: RefExecution, Path: string(v)}}
}

// Value returns the variable as a string value.
func (v ExecutionVariable) Value() Value[string] { return Value[string]{e: v.Expr()} }

// ExperimentField is a field of the pipeline's experiment configuration,
// read with {"Get": "PipelineExperimentConfig.<field>"}.
type ExperimentField string

// The two experiment configuration fields.
const (
	ExperimentName ExperimentField = "ExperimentName"
	TrialName      ExperimentField = "TrialName"
)

// Expr returns {"Get": "PipelineExperimentConfig.<field>"}.
func (f ExperimentField) Expr() Expr {
	return Get{ref: Ref{Kind: RefExperiment, Path: string(f)}}
}

// Value returns the field as a string value.
func (f ExperimentField) Value() Value[string] { return Value[string]{e: f.Expr()} }
