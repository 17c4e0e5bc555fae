package pipeline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// TestDefinitionInPlace checks that the definition assembled in the
// compiler's arena is the one the document encoder writes.
func TestDefinitionInPlace(t *testing.T) {
	proc := steps.Processor{ImageURI: params.Lit("img"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}
	count := params.Integer("Count").WithDefault(2)
	prep := steps.Processing("Prep", proc, steps.ProcessingJob{
		Code:    "s3://b/code.py",
		Outputs: []steps.ProcessingOutput{{Name: "out", Source: params.Lit("/opt/ml/processing/out")}},
	})
	train := steps.Processing("Train", proc, steps.ProcessingJob{
		Code:   "s3://b/train.py",
		Inputs: []steps.ProcessingInput{{Source: prep.Properties().Output("out").S3URI(), Destination: params.Lit("/in")}},
	})
	fail := steps.Fail("Fail", params.Join(" ", "bad", prep.Properties().Output("out").S3URI()))
	inner := steps.When("Inner", steps.Equals[int](count, params.Lit(3))).Else(fail)
	outer := steps.When("Outer", steps.Equals[int](count, params.Lit(2))).Then(inner)
	env := steps.Env{Bucket: "b", Region: "us-east-1", Role: "r"}
	tests := []struct {
		name    string
		p       *Pipeline
		inPlace bool
	}{
		{"no steps", New("p").Env(env), true},
		{"chain", New("p").Parameters(count).Steps(prep, train).Env(env), true},
		{"referenced step appended", New("p").Steps(train).Env(env), true},
		{"nested conditions", New("p").Parameters(count).Steps(prep, outer).Env(env), true},
		{"condition before its branch's reference", New("p").Parameters(count).Steps(outer, prep).Env(env), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.p.compileSafe(true)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.errors(false); err != nil {
				t.Fatal(err)
			}
			if got := c.inPlace(); got != tt.inPlace {
				t.Errorf("inPlace() = %v, want %v", got, tt.inPlace)
			}
			got, err := tt.p.encode(c)
			if err != nil {
				t.Fatal(err)
			}
			c.head = 0 // the document encoder's way
			want, err := tt.p.encode(c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("definition (-encoder +in place):\n%s", diff)
			}
		})
	}
}
