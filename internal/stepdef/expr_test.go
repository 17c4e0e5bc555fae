package stepdef_test

import (
	"errors"
	"math"
	"testing"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

func TestMarshalExpressions(t *testing.T) {
	n := params.Integer("N")
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"literal float", params.Lit(15000.0), `15000.0`},
		{"parameter", n, `{"Get": "Parameters.N"}`},
		{"unset value", params.Value[string]{}, `null`},
		{"join", params.Join("/", "s3:/", n, params.PipelineExecutionID, 1e-05), `{"Std:Join": {"On": "/", "Values": ["s3:/", {"Get": "Parameters.N"}, {"Get": "Execution.PipelineExecutionId"}, 1e-05]}}`},
		{"json get of a property file", params.JsonGet[float64](params.StepName("Eval"), "Report", "a.b"), `{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"}, "Path": "a.b"}}`},
		{"json get of an S3 URI", params.JsonGetS3[int](params.Lit("s3://b/k"), "x"), `{"Std:JsonGet": {"S3Uri": "s3://b/k", "Path": "x"}}`},
		{"inside a tree", pyjson.NewObject().Set("a", []any{params.TrialName}), `{"a": [{"Get": "PipelineExperimentConfig.TrialName"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stepdef.Marshal(tt.v)
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
	if _, err := stepdef.Marshal(params.Join("", math.NaN())); !errors.Is(err, params.ErrNaN) {
		t.Errorf("NaN in a join: %v", err)
	}
	if _, err := pyjson.Marshal(n); err == nil {
		t.Error("plain pyjson writes an expression it does not know")
	}
}
