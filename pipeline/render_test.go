package pipeline

import (
	"testing"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// TestStepObjectMatchesRender guards the compiler's one-pass rendering: it
// must write every step exactly as the protocol's Render does.
func TestStepObjectMatchesRender(t *testing.T) {
	proc := steps.Processor{ImageURI: params.Lit("img"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)}
	prep := steps.Processing("Prep", proc, steps.ProcessingJob{
		Code:    "s3://b/code.py",
		Outputs: []steps.ProcessingOutput{{Name: "report", Source: params.Lit("/opt/ml/processing/report")}},
	}).Cache(steps.CacheConfig{Enabled: true, ExpireAfter: "PT1H"}).
		PropertyFiles(steps.PropertyFile{Name: "Report", OutputName: "report", Path: "report.json"}).
		DisplayName("Prepare").Description("prepares")
	fail := steps.Fail("Fail", params.Join(" ", "rmse", steps.JsonGet[float64](prep, steps.PropertyFile{Name: "Report"}, "rmse")))
	cond := steps.When("Check", steps.Equals[int](params.Lit(1), params.Lit(2))).Else(fail).DependsOn(prep)
	p := New("p").Steps(prep, cond).Env(steps.Env{Bucket: "b", Region: "us-east-1", Role: "r"})
	c := p.compile()
	if err := c.errors(true); err != nil {
		t.Fatal(err)
	}
	for _, n := range c.top {
		got, err1 := n.json, n.encErr
		want, err2 := stepdef.Marshal(c.proto.Render(n.step, &c.env))
		if err1 != nil || err2 != nil || string(got) != string(want) {
			t.Errorf("step %s:\n got %s (%v)\nwant %s (%v)", n.step.Name(), got, err1, want, err2)
		}
	}
}
