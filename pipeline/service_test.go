package pipeline_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// nested returns "x" inside depth lists.
func nested(depth int) any {
	var v any = "x"
	for range depth {
		v = []any{v}
	}
	return v
}

// TestValidateServiceLimits checks what the service refuses although the
// SDK writes it: Validate reports each case with its sentinel, and
// accepts the values just inside the limits.
func TestValidateServiceLimits(t *testing.T) {
	ok := steps.Fail("Stop", params.Lit("stop"))
	proc := steps.Processor{ImageURI: params.Lit("img"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}
	noRole := steps.Processing("Prep", proc, steps.ProcessingJob{Layout: steps.LayoutJob})
	deep := func(depth int) steps.Entity {
		return steps.Lambda("Fn", "arn:aws:lambda:us-west-2:1:function:f", []steps.Member{{Key: "in", Value: nested(depth)}})
	}
	tests := []struct {
		name string
		p    *pipeline.Pipeline
		want error // nil: valid
	}{
		{"name with hyphens", pipeline.New("my--pipeline-1").Steps(ok), nil},
		{"name of 256", pipeline.New(strings.Repeat("a", 256)).Steps(ok), nil},
		{"name of 257", pipeline.New(strings.Repeat("a", 257)).Steps(ok), pipeline.ErrInvalidName},
		{"name with underscore", pipeline.New("my_pipeline").Steps(ok), pipeline.ErrInvalidName},
		{"name starting with a hyphen", pipeline.New("-p").Steps(ok), pipeline.ErrInvalidName},
		{"name ending with a hyphen", pipeline.New("p-").Steps(ok), pipeline.ErrInvalidName},
		{"parameter name", pipeline.New("P").Parameters(params.String("bad name")).Steps(ok), pipeline.ErrInvalidName},
		{"parameter name of 65", pipeline.New("P").Parameters(params.Integer(strings.Repeat("n", 65))).Steps(ok), pipeline.ErrInvalidName},
		{"enum default inside", pipeline.New("P").Parameters(params.String("S").WithEnum("a", "b").WithDefault("b")).Steps(ok), nil},
		{"enum default outside", pipeline.New("P").Parameters(params.String("S").WithEnum("a", "b").WithDefault("c")).Steps(ok), pipeline.ErrInvalidValue},
		{"duplicate enum values", pipeline.New("P").Parameters(params.String("S").WithEnum("a", "b", "a")).Steps(ok), pipeline.ErrInvalidValue},
		{"string default of 4096", pipeline.New("P").Parameters(params.String("S").WithDefault(strings.Repeat("é", 4096))).Steps(ok), nil},
		{"string default of 4097", pipeline.New("P").Parameters(params.String("S").WithDefault(strings.Repeat("x", 4097))).Steps(ok), pipeline.ErrInvalidValue},
		{"no role", pipeline.New("P").Steps(noRole).Env(steps.Env{Bucket: "b", Region: "us-west-2"}), pipeline.ErrNoRole},
		{"role from Env", pipeline.New("P").Steps(noRole).Env(testEnv()), nil},
		{"nesting the encoder writes", pipeline.New("P").Steps(deep(998)).Env(testEnv()), nil},
		{"nesting the encoder refuses", pipeline.New("P").Steps(deep(999)).Env(testEnv()), pipeline.ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				if _, err := tt.p.Definition(); err != nil {
					t.Fatalf("Definition = %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
			if len(err.Error()) > 600 {
				t.Errorf("Validate's message is %d bytes long: %.600s...", len(err.Error()), err)
			}
			// What Definition refuses, Validate reports; and it says so
			// briefly.
			if _, derr := tt.p.Definition(); derr != nil && len(derr.Error()) > 600 {
				t.Errorf("Definition's message is %d bytes long", len(derr.Error()))
			}
		})
	}
}

// TestValidateNullExperimentConfig: ExperimentConfig(nil, nil) is written
// with nulls as the SDK writes None, and Validate reports each null, also
// in a parsed definition.
func TestValidateNullExperimentConfig(t *testing.T) {
	ok := steps.Fail("Stop", params.Lit("stop"))
	p := pipeline.New("P").Steps(ok).ExperimentConfig(nil, nil)
	def, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"PipelineExperimentConfig": {"ExperimentName": null, "TrialName": null}`; !strings.Contains(string(def), want) {
		t.Errorf("definition %s lacks %s", def, want)
	}
	parsed, err := pipeline.Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*pipeline.Pipeline{p, parsed.WithName("P")} {
		err := p.Validate()
		if !errors.Is(err, pipeline.ErrInvalidValue) || !strings.Contains(err.Error(), "ExperimentName is null") || !strings.Contains(err.Error(), "TrialName is null") {
			t.Errorf("Validate = %v, want both nulls reported", err)
		}
	}
	if err := pipeline.New("P").Steps(ok).ExperimentConfig(params.Lit("e"), nil).Validate(); err == nil {
		t.Error("Validate accepts a null TrialName")
	}
}
