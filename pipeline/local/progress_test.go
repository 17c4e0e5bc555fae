package local_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

const fixtureExecID = "exec-20260102-030405-7f3a"

// fixtureEvents are the events of fixtureExecution, in the order an engine
// reports them.
func fixtureEvents() []pipeline.Event {
	ev := func(d time.Duration, step string, kind pipeline.EventKind, attempt int, msg string) pipeline.Event {
		return pipeline.Event{Time: fixtureAt(d), Execution: fixtureExecID, Step: step, Kind: kind, Attempt: attempt, Message: msg}
	}
	s, ms := time.Second, time.Millisecond
	return []pipeline.Event{
		ev(0, "", pipeline.EventStarted, 0, ""),
		ev(100*ms, "Preprocess", pipeline.EventStarted, 1, ""),
		ev(12*s, "Preprocess", pipeline.EventSucceeded, 1, ""),
		ev(12*s, "Baseline", pipeline.EventCached, 0, "exec-20260101-220000-11aa"),
		ev(12*s, "TrainModel", pipeline.EventStarted, 1, ""),
		ev(20*s, "TrainModel", pipeline.EventRetried, 1, "CAPACITY_ERROR"),
		ev(21*s, "TrainModel", pipeline.EventStarted, 2, ""),
		ev(30*s, "TrainModel", pipeline.EventRetried, 2, "CAPACITY_ERROR"),
		ev(32*s, "TrainModel", pipeline.EventStarted, 3, ""),
		ev(52*s, "TrainModel", pipeline.EventSucceeded, 3, ""),
		ev(52*s, "EvaluateModel", pipeline.EventStarted, 1, ""),
		ev(63*s, "EvaluateModel", pipeline.EventSucceeded, 1, ""),
		ev(63*s, "CheckRMSE", pipeline.EventStarted, 1, ""),
		ev(63*s+5*ms, "CheckRMSE", pipeline.EventSucceeded, 1, ""),
		ev(63*s+5*ms, "RegisterModel", pipeline.EventSkipped, 0, "if branch of CheckRMSE not taken"),
		ev(63*s+5*ms, hostileName, pipeline.EventSkipped, 0, "if branch of CheckRMSE not taken"),
		ev(63*s+5*ms, "RMSEFail", pipeline.EventStarted, 1, ""),
		ev(75*s, "RMSEFail", pipeline.EventFailed, 1, "Execution failed due to RMSE > 15000.0\n\x1b]0;pwned\a"),
		ev(75*s, "", pipeline.EventFailed, 0, "Step RMSEFail failed"),
	}
}

// Off a terminal, each event is one line and Close adds a summary; control
// characters in messages are escaped.
func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := local.NewProgress(&buf, fixturePipeline().Graph())
	for _, e := range fixtureEvents() {
		p.Event(e)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Event(fixtureEvents()[1]) // after Close: ignored
	want := `03:04:05.000 started   execution exec-20260102-030405-7f3a
03:04:05.100 started   Preprocess
03:04:17.000 succeeded Preprocess  11.9s
03:04:17.000 cached    Baseline  from exec-20260101-220000-11aa
03:04:17.000 started   TrainModel
03:04:25.000 retried   TrainModel  attempt 1: CAPACITY_ERROR
03:04:26.000 started   TrainModel  attempt 2
03:04:35.000 retried   TrainModel  attempt 2: CAPACITY_ERROR
03:04:37.000 started   TrainModel  attempt 3
03:04:57.000 succeeded TrainModel  40s: 3 attempts
03:04:57.000 started   EvaluateModel
03:05:08.000 succeeded EvaluateModel  11s
03:05:08.000 started   CheckRMSE
03:05:08.005 succeeded CheckRMSE  5ms
03:05:08.005 skipped   RegisterModel  if branch of CheckRMSE not taken
03:05:08.005 skipped   ` + hostileName + `  if branch of CheckRMSE not taken
03:05:08.005 started   RMSEFail
03:05:20.000 failed    RMSEFail  12s: Execution failed due to RMSE > 15000.0\n\x1b]0;pwned\a
03:05:20.000 failed    execution exec-20260102-030405-7f3a  1m15s: Step RMSEFail failed
execution exec-20260102-030405-7f3a failed in 1m15s: 4 succeeded, 1 cached, 1 failed, 2 not run
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("plain progress (-want +got):\n%s", diff)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

type progressFailingWriter struct{}

func (progressFailingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// A write error is kept and returned by Close.
func TestProgressPlainWriteError(t *testing.T) {
	p := local.NewProgress(progressFailingWriter{}, nil)
	p.Event(fixtureEvents()[0])
	if err := p.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v, want the write error", err)
	}
}

// Events may come from many goroutines at once (steps run concurrently):
// every one is written, whole, on its own line.
func TestProgressConcurrentEvents(t *testing.T) {
	var buf bytes.Buffer
	p := local.NewProgress(&buf, nil)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 50 {
				step := fmt.Sprintf("step-%02d", i)
				p.Event(pipeline.Event{Time: fixtureAt(time.Duration(k) * time.Millisecond), Execution: "e", Step: step, Kind: pipeline.EventStarted, Attempt: k + 1})
			}
		}()
	}
	wg.Wait()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 16*50+1 {
		t.Fatalf("%d lines, want %d", len(lines), 16*50+1)
	}
	re := regexp.MustCompile(`^03:04:05\.\d{3} started   step-\d\d( {2}attempt \d+)?$`)
	for _, l := range lines[:len(lines)-1] {
		if !re.MatchString(l) {
			t.Fatalf("line %q is not one whole event", l)
		}
	}
	if want := "execution e: 16 running"; lines[len(lines)-1] != want {
		t.Errorf("summary %q, want %q", lines[len(lines)-1], want)
	}
}
