//go:build unix

package local_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// onTerminal runs use with a Progress on a pseudo-terminal of the given
// size, closes it, checks that no goroutine is left, and returns what the
// terminal received.
func onTerminal(t *testing.T, rows, cols uint16, g *pipeline.Graph, use func(*local.Progress)) string {
	t.Helper()
	t.Setenv("TERM", "xterm-256color")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		io.Copy(&out, ptmx) // ends when the terminal side is closed
	}()
	// The first signal.Notify in a process starts the runtime's signal
	// loop for good; start it now so that it is not counted as left over
	// by the view, which watches for resizes.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	signal.Stop(sig)
	before := runtime.NumGoroutine()

	p := local.NewProgress(tty, g)
	use(p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Event(pipeline.Event{Step: "late", Kind: pipeline.EventStarted}) // after Close: dropped, does not block

	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left after Close:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
	tty.Close()
	select {
	case <-readDone:
	case <-time.After(5 * time.Second):
		t.Fatal("reading the terminal did not end")
	}
	return out.String()
}

// On a terminal the view is drawn by Bubble Tea and redrawn in place
// (cursor up, lines rewritten); the last drawing of each step's line shows
// its final state; control characters in names are escaped; Close leaves
// no goroutine behind.
func TestProgressTerminal(t *testing.T) {
	const evil = "evil\x1b[2J\x1b]0;title\a"
	raw := onTerminal(t, 40, 140, fixturePipeline().Graph(), func(p *local.Progress) {
		for i, e := range fixtureEvents() {
			p.Event(e)
			if i == 5 {
				// Let a frame with TrainModel retrying be drawn.
				time.Sleep(150 * time.Millisecond)
			}
		}
		p.Event(pipeline.Event{Time: fixtureAt(80 * time.Second), Execution: fixtureExecID, Step: evil, Kind: pipeline.EventStarted, Attempt: 1})
	})
	if !regexp.MustCompile(`\x1b\[\d*A`).MatchString(raw) {
		t.Errorf("the view was not redrawn in place (no cursor-up sequence):\n%q", raw)
	}
	if strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b]0;title") {
		t.Errorf("a step name's escape sequence reached the terminal")
	}
	text := ansi.Strip(raw)
	lines := regexp.MustCompile(`\r\n|\r|\n`).Split(text, -1)
	// last returns the last line drawn for the step whose name starts
	// with prefix.
	last := func(prefix string) string {
		re := regexp.MustCompile(`^\s*[✓✗●↻■–·] ` + regexp.QuoteMeta(prefix))
		var found string
		for _, l := range lines {
			if re.MatchString(l) {
				found = l
			}
		}
		return found
	}
	for _, c := range []struct{ step, want string }{
		{"Preprocess", `✓ Preprocess\s+Succeeded\s+11\.9s$`},
		{"Baseline", `✓ Baseline\s+Cached\s+0s\s+from exec-20260101-220000-11aa$`},
		{"TrainModel", `✓ TrainModel\s+Succeeded\s+40s\s+3 attempts$`},
		{"EvaluateModel", `✓ EvaluateModel\s+Succeeded\s+11s$`},
		{"CheckRMSE", `✓ CheckRMSE\s+Succeeded\s+5ms$`},
		{"RegisterModel", `– RegisterModel\s+Not run\s+if branch of CheckRMSE not taken$`},
		{"RMSEFail", `✗ RMSEFail\s+Failed\s+12s\s+Execution failed due to RMSE > 15000.0\\n\\x1b]0;pwned\\a$`},
		{hostileName[:39], `– ` + regexp.QuoteMeta(hostileName[:39]) + `…\s+Not run`},
		{`evil\x1b[2J`, `● evil\\x1b\[2J\\x1b]0;title\\a\s+Executing`},
	} {
		l := last(c.step)
		if !regexp.MustCompile(c.want).MatchString(strings.TrimRight(l, " ")) {
			t.Errorf("step %q: last line drawn %q, want it to match %s", c.step, l, c.want)
		}
	}
	if !regexp.MustCompile(`↻ TrainModel\s+Retrying\s+\S+\s+attempt 1: CAPACITY_ERROR`).MatchString(text) {
		t.Errorf("TrainModel was never drawn retrying")
	}
	var header string
	for _, l := range lines {
		if strings.HasPrefix(l, "execution "+fixtureExecID) {
			header = l
		}
	}
	if !strings.Contains(header, "Failed  1m15s") {
		t.Errorf("header %q does not say the execution failed after 1m15s", header)
	}
	// The steps are indented by layer: the condition's branch steps sit
	// deeper than the condition.
	if !regexp.MustCompile(`\n {6}✓ CheckRMSE`).MatchString("\n"+strings.Join(lines, "\n")) ||
		!regexp.MustCompile(`\n {8}– RegisterModel`).MatchString("\n"+strings.Join(lines, "\n")) {
		t.Errorf("steps are not indented by layer:\n%s", text)
	}
}

// When the steps do not fit the terminal, the view lists the running and
// failed ones and counts the others.
func TestProgressTerminalCompact(t *testing.T) {
	raw := onTerminal(t, 8, 100, nil, func(p *local.Progress) {
		for i := range 30 {
			p.Event(pipeline.Event{Time: fixtureAt(0), Execution: "e", Step: fmt.Sprintf("step-%02d", i), Kind: pipeline.EventStarted, Attempt: 1})
		}
		for i := range 30 {
			kind := pipeline.EventSucceeded
			if i == 7 {
				kind = pipeline.EventFailed
			}
			if i < 28 {
				p.Event(pipeline.Event{Time: fixtureAt(time.Second), Execution: "e", Step: fmt.Sprintf("step-%02d", i), Kind: kind, Attempt: 1, Message: "x"})
			}
		}
	})
	// Lines are redrawn only when they change, and a step's state only
	// moves forward, so the last line drawn for each thing is its final
	// state.
	lines := regexp.MustCompile(`\r\n|\r|\n`).Split(ansi.Strip(raw), -1)
	for _, c := range []struct{ prefix, want string }{
		{"execution e", `^execution e  Executing  \S+  \(27 succeeded, 1 failed, 2 running\)$`},
		{"✗ step-07", `^✗ step-07\s+Failed\s+1s\s+x$`},
		{"● step-28", `^● step-28\s+Executing\s+\S+$`},
		{"● step-29", `^● step-29\s+Executing\s+\S+$`},
		{"  … ", `^  … 27 more steps$`},
	} {
		var last string
		for _, l := range lines {
			if strings.HasPrefix(l, c.prefix) {
				last = l
			}
		}
		if !regexp.MustCompile(c.want).MatchString(strings.TrimRight(last, " ")) {
			t.Errorf("last line drawn starting %q is %q, want it to match %s", c.prefix, last, c.want)
		}
	}
	// The view never held more lines than the terminal (8): no frame
	// moved the cursor up more than 7 lines.
	for _, m := range regexp.MustCompile(`\x1b\[(\d+)A`).FindAllStringSubmatch(raw, -1) {
		if n, _ := strconv.Atoi(m[1]); n > 7 {
			t.Errorf("a frame of %d lines on an 8-line terminal", n+1)
		}
	}
}
