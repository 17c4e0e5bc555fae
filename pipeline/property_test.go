package pipeline_test

import (
	"errors"
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// TestValidatePropertyPaths checks every kind of property reference
// against the referenced step's property model: Validate reports
// steps.ErrUnknownProperty (naming the referring step) for paths the step
// type does not have, and accepts the ones it has.
func TestValidatePropertyPaths(t *testing.T) {
	proc := steps.Processor{ImageURI: params.Lit("img"), Role: params.Lit("r"),
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}
	prep := steps.Processing("Prep", proc, steps.ProcessingJob{
		Outputs: []steps.ProcessingOutput{{Name: "train", Source: params.Lit("/opt/ml/processing/train")}},
		Layout:  steps.LayoutJob,
	})
	lambda := steps.Lambda("Fn", "arn:aws:lambda:us-west-2:1:function:f", nil, steps.OutputParameter{Name: "out"})
	callback := steps.Callback("Cb", "https://sqs.example/q", nil, steps.OutputParameter{Name: "done"})
	fail := steps.Fail("Stop", params.Lit("no"))
	cond := steps.When("Check", steps.Equals[int](params.Lit(1), params.Lit(1))).Then(fail)

	tests := []struct {
		name string
		ref  params.Value[string]
		ok   bool
	}{
		{"processing output by name", prep.Properties().Output("train").S3URI(), true},
		{"processing output by index", prep.Properties().OutputAt(0).S3URI(), true},
		{"processing member", prep.Properties().ProcessingJobName(), true},
		{"processing unknown output", prep.Properties().Output("nope").S3URI(), false},
		{"processing index out of range", prep.Properties().OutputAt(1).S3URI(), false},
		{"processing unknown member", steps.Property[string](prep, "NoSuchMember"), false},
		{"Outcome on a processing step", steps.Property[string](prep, "Outcome"), false},
		{"lambda declared output", steps.Output[string](lambda, "out"), true},
		{"lambda undeclared output", steps.Output[string](lambda, "nope"), false},
		{"lambda other property", steps.Property[string](lambda, "FunctionArn"), false},
		{"callback declared output", steps.Output[string](callback, "done"), true},
		{"callback undeclared output", steps.Output[string](callback, "nope"), false},
		{"condition outcome", steps.Property[string](cond, "Outcome"), true},
		{"condition other property", steps.Property[string](cond, "Result"), false},
		{"fail step property", steps.Property[string](fail, "ErrorMessage"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			use := steps.Fail("Use", tt.ref)
			p := pipeline.New("P").Steps(prep, lambda, callback, cond, use).Env(testEnv())
			err := p.Validate()
			var se *pipeline.StepError
			switch {
			case tt.ok && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case !tt.ok && !errors.Is(err, steps.ErrUnknownProperty):
				t.Errorf("Validate = %v, want steps.ErrUnknownProperty", err)
			case !tt.ok && (!errors.As(err, &se) || se.Step != "Use"):
				t.Errorf("Validate = %v, want a problem of step Use", err)
			}
			if _, err := p.Definition(); err != nil {
				t.Errorf("Definition = %v: the SDK writes the reference", err)
			}
		})
	}
}

// TestValidatePropertyPathsParsed checks property paths in a parsed
// definition against the parsed steps' declared outputs.
func TestValidatePropertyPathsParsed(t *testing.T) {
	doc := func(path string) string {
		return `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [` +
			`{"Name": "Fn", "Type": "Lambda", "Arguments": {}, "FunctionArn": "arn", "OutputParameters": [{"OutputName": "o", "OutputType": "String"}]}, ` +
			`{"Name": "Prep", "Type": "Processing", "Arguments": {"ProcessingOutputConfig": {"Outputs": [{"OutputName": "train"}]}}}, ` +
			`{"Name": "Use", "Type": "Fail", "Arguments": {"ErrorMessage": {"Get": "Steps.` + path + `"}}}]}`
	}
	tests := []struct {
		path string
		ok   bool
	}{
		{"Fn.OutputParameters['o']", true},
		{"Fn.OutputParameters['nope']", false},
		{"Fn.Outcome", false},
		{"Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri", true},
		{"Prep.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri", true},
		{"Prep.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri", false},
		{"Prep.ProcessingOutputConfig.Outputs[1].S3Output.S3Uri", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := pipeline.Parse([]byte(doc(tt.path)))
			if err != nil {
				t.Fatal(err)
			}
			err = p.WithName("P").Validate()
			if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, steps.ErrUnknownProperty)) {
				t.Errorf("Validate = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
