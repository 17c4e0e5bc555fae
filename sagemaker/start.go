package sagemaker

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
)

// StartOptions are the optional settings of Start.
type StartOptions struct {
	DisplayName string
	Description string
	// MaxParallelSteps overrides the pipeline's parallelism for this
	// execution when positive.
	MaxParallelSteps int
	// ClientToken makes the start idempotent; empty means a fresh token.
	ClientToken string
}

// Start starts an execution of the pipeline p, which must have been
// upserted, with values overriding parameter defaults. Each value is
// checked against p's declarations before any call: the name must be
// declared, a String takes a string (one of its enum values if it has
// some), an Integer any Go integer, a Float a Go float or integer, a
// Boolean a bool. Values are sent as the SDK sends them (Python's str()).
func (c *Client) Start(ctx context.Context, p *pipeline.Pipeline, values map[string]any, opts StartOptions) (*Execution, error) {
	name := p.Name()
	decl := map[string]params.Parameter{}
	for _, prm := range p.Params() {
		decl[prm.Name()] = prm
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var list []smtypes.Parameter
	for _, k := range keys {
		prm, ok := decl[k]
		if !ok {
			return nil, &pipeline.ParameterError{Parameter: k, Err: fmt.Errorf("%w: pipeline %s declares no such parameter", ErrParameter, name)}
		}
		s, err := render(prm, values[k])
		if err != nil {
			return nil, &pipeline.ParameterError{Parameter: k, Err: err}
		}
		list = append(list, smtypes.Parameter{Name: aws.String(k), Value: aws.String(s)})
	}
	in := &sm.StartPipelineExecutionInput{
		PipelineName:                 aws.String(name),
		PipelineParameters:           list,
		PipelineExecutionDisplayName: optString(opts.DisplayName),
		PipelineExecutionDescription: optString(opts.Description),
		ClientRequestToken:           aws.String(opts.ClientToken),
	}
	if opts.ClientToken == "" {
		in.ClientRequestToken = aws.String(token())
	}
	if opts.MaxParallelSteps > 0 {
		in.ParallelismConfiguration = &smtypes.ParallelismConfiguration{MaxParallelExecutionSteps: aws.Int32(int32(opts.MaxParallelSteps))}
	}
	c.log.DebugContext(ctx, "StartPipelineExecution", "pipeline", name, "parameters", len(list))
	out, err := c.api.StartPipelineExecution(ctx, in)
	if err != nil {
		return nil, opErr("StartPipelineExecution", name, err)
	}
	e, err := c.Execution(aws.ToString(out.PipelineExecutionArn))
	if err != nil {
		return nil, err
	}
	e.setDefinition(p)
	return e, nil
}

// render checks v against prm and renders it as Python's str() would.
func render(prm params.Parameter, v any) (string, error) {
	bad := func() error {
		return fmt.Errorf("%w: %s parameter given %T %v", ErrParameter, prm.Type(), v, v)
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return "", bad()
	}
	switch prm.Type() {
	case params.TypeString:
		if rv.Kind() != reflect.String {
			return "", bad()
		}
		s := rv.String()
		if enum := prm.EnumValues(); len(enum) > 0 && !slices.Contains(enum, s) {
			return "", fmt.Errorf("%w: %q is not one of %q", ErrParameter, s, enum)
		}
		if len(s) > 1024 {
			return "", fmt.Errorf("%w: value of %d characters (at most 1024)", ErrParameter, len(s))
		}
		return s, nil
	case params.TypeInteger:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return strconv.FormatInt(rv.Int(), 10), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return strconv.FormatUint(rv.Uint(), 10), nil
		}
	case params.TypeFloat:
		var f float64
		switch rv.Kind() {
		case reflect.Float32, reflect.Float64:
			f = rv.Float()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return strconv.FormatInt(rv.Int(), 10), nil // str(15000) is "15000"
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return strconv.FormatUint(rv.Uint(), 10), nil
		default:
			return "", bad()
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("%w: %v has no JSON form", ErrParameter, f)
		}
		b, err := pyjson.AppendFloat(nil, f)
		return string(b), err
	case params.TypeBoolean:
		if rv.Kind() == reflect.Bool {
			if rv.Bool() {
				return "True", nil
			}
			return "False", nil
		}
	}
	return "", bad()
}

// jsonValue turns a parameter's string value back into its JSON kind.
func jsonValue(t params.Type, s string) json.RawMessage {
	switch t {
	case params.TypeInteger:
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return json.RawMessage(s)
		}
	case params.TypeFloat:
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			if b, err := pyjson.AppendFloat(nil, f); err == nil {
				return json.RawMessage(b)
			}
		}
	case params.TypeBoolean:
		switch s {
		case "True", "true":
			return json.RawMessage("true")
		case "False", "false":
			return json.RawMessage("false")
		}
	}
	b, _ := json.Marshal(s)
	return b
}
