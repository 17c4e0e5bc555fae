package local_test

import (
	"fmt"
	"os"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// A Progress shows an execution's events as they come. Written to a file
// or a pipe it prints one line per event and a summary when closed; on a
// terminal it draws the DAG's steps and redraws them in place.
func ExampleNewProgress() {
	check := steps.When("Check", steps.Equals[bool](params.Boolean("Go").WithDefault(true), params.Lit(true)))
	stop := steps.Fail("Stop", params.Lit("too bad"))
	g := pipeline.New("p").Steps(check.Else(stop)).Graph()

	p := local.NewProgress(os.Stdout, g)
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p.Event(pipeline.Event{Time: t, Execution: "e1", Kind: pipeline.EventStarted})
	p.Event(pipeline.Event{Time: t, Execution: "e1", Step: "Check", Kind: pipeline.EventStarted, Attempt: 1})
	p.Event(pipeline.Event{Time: t.Add(2 * time.Millisecond), Execution: "e1", Step: "Check", Kind: pipeline.EventSucceeded, Attempt: 1})
	p.Event(pipeline.Event{Time: t.Add(3 * time.Millisecond), Execution: "e1", Step: "Stop", Kind: pipeline.EventFailed, Attempt: 1, Message: "too bad"})
	p.Event(pipeline.Event{Time: t.Add(3 * time.Millisecond), Execution: "e1", Kind: pipeline.EventFailed, Message: "too bad"})
	if err := p.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 03:04:05.000 started   execution e1
	// 03:04:05.000 started   Check
	// 03:04:05.002 succeeded Check  2ms
	// 03:04:05.003 failed    Stop  too bad
	// 03:04:05.003 failed    execution e1  3ms: too bad
	// execution e1 failed in 3ms: 1 succeeded, 1 failed
}
