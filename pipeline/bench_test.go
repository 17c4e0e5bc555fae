package pipeline_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// generated builds a pipeline of n steps: a chain of processing steps, each
// reading the previous step's output and waiting for the one before that,
// with a condition and a fail step at the end reading the last output.
func generated(n int) *pipeline.Pipeline {
	count := params.Integer("InstanceCount").WithDefault(1)
	threshold := params.Float("Threshold").WithDefault(0.5)
	proc := steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: count,
	}
	var es []steps.Entity
	var prev, prev2 *steps.ProcessingStep
	for i := range n - 2 {
		job := steps.ProcessingJob{
			Code:    fmt.Sprintf("s3://bucket/code/step-%d/script.py", i),
			Outputs: []steps.ProcessingOutput{{Name: "out", Source: params.Lit("/opt/ml/processing/out")}},
			Arguments: []params.Exprer{
				params.Lit("--index"), params.Lit(fmt.Sprint(i)),
				params.Lit("--threshold"), threshold.Value().ToString(),
			},
		}
		if prev != nil {
			job.Inputs = []steps.ProcessingInput{{Source: prev.Properties().Output("out").S3URI(), Destination: params.Lit("/opt/ml/processing/in")}}
		}
		s := steps.Processing(fmt.Sprintf("Step-%04d", i), proc, job).Cache(steps.CacheConfig{Enabled: true, ExpireAfter: "PT1H"})
		if prev2 != nil {
			s = s.DependsOn(prev2)
		}
		es = append(es, s)
		prev2, prev = prev, s
	}
	fail := steps.Fail("Fail", params.Join(" ", "output", prev.Properties().Output("out").S3URI()))
	cond := steps.When("Check", steps.Equals[string](prev.Properties().Output("out").S3URI(), params.Lit("s3://x"))).Else(fail)
	es = append(es, cond)
	return pipeline.New("generated").Parameters(count, threshold).Steps(es...).Env(steps.Env{
		Bucket: "bucket", Region: "us-east-1", Role: "arn:aws:iam::111122223333:role/r",
		Now: steps.FrozenClock(time.Unix(1701129600, 0)),
	})
}

// BenchmarkDefinition1000 compiles a generated 1,000-step pipeline to its
// definition JSON.
func BenchmarkDefinition1000(b *testing.B) {
	p := generated(1000)
	def, err := p.Definition()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(def)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Definition(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate1000 runs the strict checks on the same pipeline.
func BenchmarkValidate1000(b *testing.B) {
	p := generated(1000)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse1000 parses the definition of the same pipeline.
func BenchmarkParse1000(b *testing.B) {
	def, err := generated(1000).Definition()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(def)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pipeline.Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGenerated(t *testing.T) {
	p := generated(50)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	def, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	q, err := pipeline.Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	again, err := q.Definition()
	if err != nil || string(again) != string(def) {
		t.Fatalf("parse round trip of a built pipeline differs (%v)", err)
	}
	if got := len(q.Graph().Nodes); got != 50 {
		t.Errorf("%d nodes, want 50", got)
	}
}

// TestConcurrentDefinition compiles one pipeline value from several
// goroutines at once: a Pipeline is immutable, so the results agree (run
// with -race to check for data races in compilation and rendering).
func TestConcurrentDefinition(t *testing.T) {
	p := generated(40)
	want, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := p.Definition()
			if err == nil && string(got) != string(want) {
				err = fmt.Errorf("definitions differ")
			}
			if err == nil {
				err = p.Validate()
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkStepsOneByOne adds 16,384 steps with one Steps call each, as a
// loop building a pipeline does: the cost must grow linearly.
func BenchmarkStepsOneByOne(b *testing.B) {
	const n = 16384
	ss := make([]steps.Entity, n)
	for i := range ss {
		ss[i] = steps.Fail(fmt.Sprintf("F%d", i), nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		p := pipeline.New("P")
		for _, s := range ss {
			p = p.Steps(s)
		}
		if len(p.Entities()) != n {
			b.Fatal("steps lost")
		}
	}
}
