package steps

import (
	"fmt"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// OutputType is the type of a Lambda or Callback output parameter.
type OutputType string

// The output parameter types.
const (
	OutputString  OutputType = "String"
	OutputInteger OutputType = "Integer"
	OutputBoolean OutputType = "Boolean"
	OutputFloat   OutputType = "Float"
)

// OutputParameter declares an output of a Lambda or Callback step.
type OutputParameter struct {
	Name string
	// Type defaults to OutputString.
	Type OutputType
}

// object renders {"OutputName", "OutputType"}.
func (o OutputParameter) object() *pyjson.Object {
	return pyjson.NewObject().Set("OutputName", o.Name).Set("OutputType", string(orOutputType(o.Type)))
}

func orOutputType(t OutputType) OutputType {
	if t == "" {
		return OutputString
	}
	return t
}

// Output refers to output parameter name of a Lambda or Callback step:
// {"Get": "Steps.<step>.OutputParameters['<name>']"}.
func Output[T params.Primitive](e Entity, name string) params.Value[T] {
	return Property[T](e, "OutputParameters"+quoted(name))
}

// callStep is what Lambda and Callback steps share: user inputs rendered
// verbatim as Arguments and declared outputs.
type callStep struct {
	common
	typ     Type
	target  string // FunctionArn or SqsQueueUrl
	inputs  []Member
	outputs []OutputParameter
}

func (c *callStep) arguments() *pyjson.Object { return membersObject(c.inputs) }

func (c *callStep) trailer(key string) []stepdef.Member {
	out := c.cacheTrailer()
	outs := make([]any, len(c.outputs))
	for i, o := range c.outputs {
		outs[i] = o.object()
	}
	return append(out, stepdef.Member{Key: key, Value: c.target}, stepdef.Member{Key: "OutputParameters", Value: outs})
}

func (c *callStep) problems(what string) []error {
	out := c.commonProblems()
	if c.target == "" {
		out = append(out, fmt.Errorf("%w: %s is empty", ErrInvalid, what))
	}
	seen := map[string]bool{}
	for _, o := range c.outputs {
		if o.Name == "" || seen[o.Name] {
			out = append(out, fmt.Errorf("%w: output parameter %q is empty or repeated", ErrInvalid, o.Name))
		}
		seen[o.Name] = true
	}
	return out
}

// LambdaStep invokes an AWS Lambda function.
type LambdaStep struct{ callStep }

// Lambda returns a Lambda step named name that calls functionARN with
// inputs (rendered verbatim as Arguments; values are Go literals or params
// values) and declares outputs.
func Lambda(name, functionARN string, inputs []Member, outputs ...OutputParameter) *LambdaStep {
	return &LambdaStep{callStep{common: newCommon(name), typ: TypeLambda, target: functionARN,
		inputs: cloneMembers(inputs), outputs: cloneSlice(outputs)}}
}

func (s *LambdaStep) clone() *LambdaStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *LambdaStep) DependsOn(es ...Entity) *LambdaStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *LambdaStep) DependsOnNames(names ...string) *LambdaStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *LambdaStep) DisplayName(v string) *LambdaStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *LambdaStep) Description(v string) *LambdaStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Cache returns a copy of s with the cache configuration set.
func (s *LambdaStep) Cache(cc CacheConfig) *LambdaStep {
	c := s.clone()
	c.setCache(cc)
	return c
}

// Type returns TypeLambda.
func (s *LambdaStep) Type() Type { return TypeLambda }

// Steps returns the step itself.
func (s *LambdaStep) Steps() []Step { return []Step{s} }

// defProblems reports an empty function ARN or bad outputs.
func (s *LambdaStep) defProblems() []error { return s.problems("FunctionArn") }

// defArguments renders the inputs.
func (s *LambdaStep) defArguments(env *Env) any { return s.arguments() }

// defTrailer returns CacheConfig (when set), FunctionArn and OutputParameters.
func (s *LambdaStep) defTrailer(env *Env) []stepdef.Member { return s.trailer("FunctionArn") }

// CallbackStep sends a message to an SQS queue and waits for a callback.
type CallbackStep struct{ callStep }

// Callback returns a Callback step named name that sends inputs to the SQS
// queue at queueURL and declares outputs.
func Callback(name, queueURL string, inputs []Member, outputs ...OutputParameter) *CallbackStep {
	return &CallbackStep{callStep{common: newCommon(name), typ: TypeCallback, target: queueURL,
		inputs: cloneMembers(inputs), outputs: cloneSlice(outputs)}}
}

func (s *CallbackStep) clone() *CallbackStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *CallbackStep) DependsOn(es ...Entity) *CallbackStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *CallbackStep) DependsOnNames(names ...string) *CallbackStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *CallbackStep) DisplayName(v string) *CallbackStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *CallbackStep) Description(v string) *CallbackStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Cache returns a copy of s with the cache configuration set.
func (s *CallbackStep) Cache(cc CacheConfig) *CallbackStep {
	c := s.clone()
	c.setCache(cc)
	return c
}

// Type returns TypeCallback.
func (s *CallbackStep) Type() Type { return TypeCallback }

// Steps returns the step itself.
func (s *CallbackStep) Steps() []Step { return []Step{s} }

// defProblems reports an empty queue URL or bad outputs.
func (s *CallbackStep) defProblems() []error { return s.problems("SqsQueueUrl") }

// defArguments renders the inputs.
func (s *CallbackStep) defArguments(env *Env) any { return s.arguments() }

// defTrailer returns CacheConfig (when set), SqsQueueUrl and OutputParameters.
func (s *CallbackStep) defTrailer(env *Env) []stepdef.Member { return s.trailer("SqsQueueUrl") }
