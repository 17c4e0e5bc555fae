package local_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// WriteReportFile writes an execution's record as one HTML page that needs
// nothing else to be read: the DAG coloured by status, every step's times,
// arguments, outputs, metrics and log.
func ExampleWriteReportFile() {
	check := steps.When("Check", steps.Equals[bool](params.Boolean("Go").WithDefault(true), params.Lit(true)))
	stop := steps.Fail("Stop", params.Lit("too bad"))
	g := pipeline.New("p").Steps(check.Else(stop)).Graph()
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := &pipeline.Execution{
		ID: "e1", Pipeline: "p", Status: pipeline.ExecutionFailed, FailureReason: "too bad",
		Start: t, End: t.Add(3 * time.Millisecond),
		Steps: []pipeline.StepRecord{
			{Name: "Check", Type: "Condition", Status: pipeline.StepSucceeded, Start: t, End: t.Add(2 * time.Millisecond), Attempts: 1,
				Properties: []byte(`{"Outcome": false}`)},
			{Name: "Stop", Type: "Fail", Status: pipeline.StepFailed, Start: t.Add(2 * time.Millisecond), End: t.Add(3 * time.Millisecond), Attempts: 1,
				FailureReason: "too bad"},
		},
	}
	dir, err := os.MkdirTemp("", "report")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "e1.html")
	if err := local.WriteReportFile(path, g, e); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("wrote", filepath.Base(path))
	// Output: wrote e1.html
}
