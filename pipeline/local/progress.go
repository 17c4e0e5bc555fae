package local

// The live progress view.
//
// A Progress shows an execution's steps as its events arrive. On a
// terminal it keeps one view redrawn in place: a header with the
// execution, its status and elapsed time, then every step of the DAG in
// topological order, indented by its layer (the length of the longest path
// to it), with a mark, its state, its duration (ticking while it runs) and
// a note (the attempt, where a cache hit came from, why it failed or was
// skipped). When the steps do not fit the terminal's height, the view lists
// the running and failed ones and counts the others. Drawing in place,
// truncating to the terminal's width and following its resizes is left to
// Bubble Tea (github.com/charmbracelet/bubbletea), colours to Lip Gloss;
// golang.org/x/term tells whether the writer is a terminal.
//
// Anywhere else (a file, a pipe, a CI log) it writes one plain line per
// event, and a summary line when closed:
//
//	03:04:05.100 started   Preprocess
//	03:04:17.000 succeeded Preprocess  11.9s
//	03:04:17.000 cached    Baseline  from exec-20260101-220000-11aa
//
// Step names and messages are written with control characters escaped, so
// a hostile name cannot move the cursor or recolour the terminal.

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/sagepipe/sagepipe/pipeline"
)

// Progress shows an execution's progress on a writer, from the events an
// engine reports: its Event method fits an engine's event callback. Its
// methods are safe for concurrent use. Close it when the execution ends:
// on a terminal it draws the final view, shows the cursor again and stops
// its goroutines. While it draws on a terminal, nothing else should write
// to that terminal (send logs to a file or another stream), or the view
// and the other lines overwrite each other.
type Progress struct {
	mu     sync.Mutex
	closed bool
	err    error
	once   sync.Once

	w     io.Writer
	state *progressState
	live  *liveView // nil in plain mode
}

// NewProgress returns a Progress that writes to w and knows the steps of
// the DAG g (which may be nil: steps then appear as their events arrive).
// When w is a terminal (an *os.File on a terminal, and TERM is not "dumb")
// the view is redrawn in place; otherwise each event is one line. To get
// plain lines on a terminal, pass a writer that is not an *os.File.
func NewProgress(w io.Writer, g *pipeline.Graph) *Progress {
	p := &Progress{w: w, state: newProgressState(g)}
	if isTerminalWriter(w) {
		p.live = startLiveView(w.(*os.File), p.state)
	}
	return p
}

// isTerminalWriter reports whether w is a terminal that understands cursor
// movement.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// Event records one event and shows it. Events after Close are ignored.
func (p *Progress) Event(e pipeline.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if p.live != nil {
		p.live.send(e)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	line := p.state.apply(e)
	if _, err := io.WriteString(p.w, line); err != nil && p.err == nil {
		p.err = fmt.Errorf("local: progress: %w", err)
	}
}

// Close ends the view: on a terminal it draws the final state and waits
// for the drawing to stop; in plain mode it writes a summary line. It
// returns the first error met writing. Calling it again returns the same.
func (p *Progress) Close() error {
	p.once.Do(func() {
		if p.live != nil {
			if err := p.live.close(); err != nil {
				p.err = fmt.Errorf("local: progress: %w", err)
			}
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.closed = true
		if line := p.state.summaryLine(); line != "" {
			if _, err := io.WriteString(p.w, line); err != nil && p.err == nil {
				p.err = fmt.Errorf("local: progress: %w", err)
			}
		}
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// progressStep is what the view knows of one step.
type progressStep struct {
	name    string // escaped for display
	layer   int
	kind    pipeline.EventKind // the last event; "" when none yet
	attempt int
	start   time.Time // the first start
	end     time.Time // when it finished
	note    string
}

// progressState is the state both views show. It is not safe for
// concurrent use: Progress holds its lock, or the live view's event loop
// owns it.
type progressState struct {
	execution string
	execKind  pipeline.EventKind
	execStart time.Time
	execEnd   time.Time
	execNote  string
	steps     []*progressStep
	index     map[string]*progressStep
	nameWidth int
	// lastEvent is the latest event time seen and lastWall the wall-clock
	// time it was seen at: running durations are measured on the events'
	// clock, which need not be the wall clock (a test's virtual clock).
	lastEvent, lastWall time.Time
}

// clock returns the events' clock's time at wall-clock time wall.
func (s *progressState) clock(wall time.Time) time.Time {
	if s.lastEvent.IsZero() {
		return wall
	}
	return s.lastEvent.Add(wall.Sub(s.lastWall))
}

func newProgressState(g *pipeline.Graph) *progressState {
	s := &progressState{index: map[string]*progressStep{}}
	l := layoutDAG(g)
	var order []string
	if g != nil {
		order, _ = g.Order()
	}
	for _, n := range l.Nodes { // steps left out of the order by a cycle
		if _, ok := l.index[n.Name]; ok && !slices.Contains(order, n.Name) {
			order = append(order, n.Name)
		}
	}
	for _, name := range order {
		st := s.add(name)
		st.layer = l.Nodes[l.index[name]].Layer
	}
	return s
}

// add appends a step to the view.
func (s *progressState) add(name string) *progressStep {
	st := &progressStep{name: escapeControl(name)}
	s.steps = append(s.steps, st)
	s.index[name] = st
	s.nameWidth = min(max(s.nameWidth, utf8.RuneCountInString(st.name)), 40)
	return st
}

// apply records e and returns its plain line.
func (s *progressState) apply(e pipeline.Event) string {
	if s.execution == "" {
		s.execution = escapeControl(e.Execution)
	}
	if s.execStart.IsZero() {
		s.execStart = e.Time
	}
	if e.Time.After(s.lastEvent) {
		s.lastEvent, s.lastWall = e.Time, time.Now()
	}
	msg := escapeControl(e.Message)
	if e.Step == "" {
		s.execKind = e.Kind
		if e.Kind != pipeline.EventStarted && e.Kind != pipeline.EventRetried {
			s.execEnd = e.Time
		}
		s.execNote = msg
		return progressLine(e.Time, e.Kind, "execution "+s.execution, joinNote(progressDuration(s.execStart, e.Time, e.Kind), msg))
	}
	st := s.index[e.Step]
	if st == nil {
		st = s.add(e.Step)
	}
	st.kind = e.Kind
	if e.Attempt > 0 {
		st.attempt = e.Attempt
	}
	var detail string
	switch e.Kind {
	case pipeline.EventStarted:
		if st.start.IsZero() {
			st.start = e.Time
		}
		st.end = time.Time{}
		st.note = ""
		if e.Attempt > 1 {
			st.note = "attempt " + strconv.Itoa(e.Attempt)
		}
		detail = joinNote(st.note, msg)
	case pipeline.EventRetried:
		st.note = joinNote("attempt "+strconv.Itoa(st.attempt), msg)
		detail = st.note
	case pipeline.EventCached:
		st.start, st.end = e.Time, e.Time
		st.note = ""
		if msg != "" {
			st.note = "from " + msg
		}
		detail = st.note
	case pipeline.EventSkipped:
		st.note = msg
		detail = msg
	default: // succeeded, failed, stopped
		st.end = e.Time
		st.note = msg
		if st.attempt > 1 {
			st.note = joinNote(strconv.Itoa(st.attempt)+" attempts", msg)
		}
		detail = joinNote(progressDuration(st.start, st.end, e.Kind), st.note)
	}
	return progressLine(e.Time, e.Kind, st.name, detail)
}

// progressDuration formats the time from start to end, or "" when it has none.
func progressDuration(start, end time.Time, kind pipeline.EventKind) string {
	if start.IsZero() || end.IsZero() || kind == pipeline.EventStarted {
		return ""
	}
	return shortDuration(end.Sub(start))
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}

func progressLine(t time.Time, kind pipeline.EventKind, who, detail string) string {
	line := t.Format("15:04:05.000") + " " + fmt.Sprintf("%-9s", kind) + " " + who
	if detail != "" {
		line += "  " + detail
	}
	return line + "\n"
}

// class sorts a step for counting: succeeded, cached, failed,
// stopped, not run, running, pending.
func (st *progressStep) class() string {
	switch st.kind {
	case pipeline.EventSucceeded:
		return "succeeded"
	case pipeline.EventCached:
		return "cached"
	case pipeline.EventFailed:
		return "failed"
	case pipeline.EventStopped:
		return "stopped"
	case pipeline.EventSkipped:
		return "not run"
	case pipeline.EventStarted, pipeline.EventRetried:
		return "running"
	}
	return "pending"
}

// progressClasses is the order counts are written in.
var progressClasses = []string{"succeeded", "cached", "failed", "stopped", "not run", "running", "pending"}

// counts returns "4 succeeded, 1 cached, ..." over every step.
func (s *progressState) counts() string {
	n := map[string]int{}
	for _, st := range s.steps {
		n[st.class()]++
	}
	var parts []string
	for _, c := range progressClasses {
		if n[c] > 0 {
			parts = append(parts, strconv.Itoa(n[c])+" "+c)
		}
	}
	return strings.Join(parts, ", ")
}

// summaryLine is the plain mode's last line, or "" when no event came.
func (s *progressState) summaryLine() string {
	if s.execStart.IsZero() {
		return ""
	}
	line := "execution " + s.execution
	if s.execKind != "" && s.execKind != pipeline.EventStarted {
		line += " " + string(s.execKind)
	}
	if d := progressDuration(s.execStart, s.execEnd, s.execKind); d != "" {
		line += " in " + d
	}
	return line + ": " + s.counts() + "\n"
}

// clean escapes control characters (a newline, an escape sequence) so that
// s stays on one line and cannot drive the terminal.
func escapeControl(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
