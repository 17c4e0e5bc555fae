package local

// The terminal side of Progress: a Bubble Tea program whose model is the
// progress state, fed with the engine's events and redrawn in place.

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/sagepipe/sagepipe/pipeline"
)

// liveTick is how often the view refreshes running steps' durations.
const liveTick = 250 * time.Millisecond

// liveView runs the Bubble Tea program that draws the view.
type liveView struct {
	prog *tea.Program

	mu     sync.Mutex
	closed bool

	stop     chan struct{} // closed by close: stops the ticker
	tickDone chan struct{} // closed when the ticker has stopped
	done     chan struct{} // closed when the program has returned
	runErr   error
}

type (
	liveEventMsg pipeline.Event
	liveTickMsg  struct{}
	liveCloseMsg struct{}
)

// startLiveView starts drawing s on the terminal f. The program reads no
// input and leaves signals to the caller (the engine stops on its
// context).
func startLiveView(f *os.File, s *progressState) *liveView {
	m := &liveModel{state: s, now: time.Now, styles: newLiveStyles(lipgloss.NewRenderer(f))}
	v := &liveView{
		prog: tea.NewProgram(m, tea.WithOutput(f), tea.WithInput(nil),
			tea.WithoutSignalHandler(), tea.WithoutBracketedPaste(), tea.WithFPS(20)),
		stop:     make(chan struct{}),
		tickDone: make(chan struct{}),
		done:     make(chan struct{}),
	}
	go func() {
		defer close(v.done)
		_, v.runErr = v.prog.Run()
	}()
	go v.tick()
	return v
}

// tick asks for a redraw now and then, so that durations move.
func (v *liveView) tick() {
	defer close(v.tickDone)
	t := time.NewTicker(liveTick)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-v.done:
			return
		case <-t.C:
			v.prog.Send(liveTickMsg{})
		}
	}
}

// send hands an event to the program; after close it is dropped.
func (v *liveView) send(e pipeline.Event) {
	v.mu.Lock()
	closed := v.closed
	v.mu.Unlock()
	if !closed {
		v.prog.Send(liveEventMsg(e)) // returns at once once the program has ended
	}
}

// close draws the final view and waits for the ticker and the program to
// end.
func (v *liveView) close() error {
	v.mu.Lock()
	v.closed = true
	v.mu.Unlock()
	close(v.stop)
	<-v.tickDone
	v.prog.Send(liveCloseMsg{})
	<-v.done
	return v.runErr
}

// liveStyles colour the view.
type liveStyles struct {
	bold, dim                        lipgloss.Style
	ok, cached, failed, stopped, run lipgloss.Style
	retry, pending                   lipgloss.Style
}

func newLiveStyles(r *lipgloss.Renderer) liveStyles {
	c := func(ansi string) lipgloss.Style { return r.NewStyle().Foreground(lipgloss.Color(ansi)) }
	return liveStyles{
		bold: r.NewStyle().Bold(true), dim: c("8"),
		ok: c("2"), cached: c("6"), failed: c("1"), stopped: c("3"), run: c("4"),
		retry: c("3"), pending: c("8"),
	}
}

// liveModel is the Bubble Tea model. Its event loop is the only goroutine
// that touches it.
type liveModel struct {
	state         *progressState
	now           func() time.Time
	styles        liveStyles
	width, height int
	closing       bool
}

func (m *liveModel) Init() tea.Cmd { return nil }

func (m *liveModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case liveEventMsg:
		m.state.apply(pipeline.Event(msg))
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case liveCloseMsg:
		m.closing = true
		return m, tea.Quit
	}
	return m, nil
}

// View draws the header and a line per step, or, when they do not fit the
// terminal's height, the steps that are running or did not succeed and a
// count of the others.
func (m *liveModel) View() string {
	s := m.state
	now := s.clock(m.now())
	var b strings.Builder
	b.WriteString(m.header(now))
	shown := s.steps
	hidden := 0
	if m.height > 0 && len(s.steps)+2 > m.height {
		room := max(m.height-3, 0)
		shown = nil
		for _, st := range s.steps {
			switch st.class() {
			case "running", "failed", "stopped":
				if len(shown) < room {
					shown = append(shown, st)
					continue
				}
			}
			hidden++
		}
	}
	maxIndent := 0
	for _, st := range shown {
		maxIndent = max(maxIndent, liveIndent(st))
	}
	for _, st := range shown {
		b.WriteString("\n")
		b.WriteString(m.stepLine(st, now, maxIndent))
	}
	if hidden > 0 {
		b.WriteString("\n" + m.styles.dim.Render("  … "+strconv.Itoa(hidden)+" more steps"))
	}
	if m.closing {
		b.WriteString("\n") // the final view ends with its last line intact
	}
	return b.String()
}

func (m *liveModel) header(now time.Time) string {
	s := m.state
	state := "Waiting"
	switch s.execKind {
	case pipeline.EventStarted, pipeline.EventRetried:
		state = "Executing"
	case pipeline.EventSucceeded:
		state = m.styles.ok.Render("Succeeded")
	case pipeline.EventFailed:
		state = m.styles.failed.Render("Failed")
	case pipeline.EventStopped:
		state = m.styles.stopped.Render("Stopped")
	case "":
		if !s.execStart.IsZero() {
			state = "Executing"
		}
	default:
		state = string(s.execKind)
	}
	line := m.styles.bold.Render("execution "+liveOrDash(s.execution)) + "  " + state
	if !s.execStart.IsZero() {
		end := s.execEnd
		if end.IsZero() {
			end = now
		}
		line += "  " + shortDuration(end.Sub(s.execStart))
	}
	if c := s.counts(); c != "" {
		line += m.styles.dim.Render("  (" + c + ")")
	}
	if s.execNote != "" && !s.execEnd.IsZero() {
		line += "  " + s.execNote
	}
	return line
}

func liveOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// liveIndent is a step's indentation: two spaces a layer, at most 16.
func liveIndent(st *progressStep) int { return 2 * min(st.layer, 8) }

// stepLine draws one step: mark, name, state, duration and note, in
// columns.
func (m *liveModel) stepLine(st *progressStep, now time.Time, maxIndent int) string {
	mark, label, style := "·", "Pending", m.styles.pending
	switch st.class() {
	case "succeeded":
		mark, label, style = "✓", "Succeeded", m.styles.ok
	case "cached":
		mark, label, style = "✓", "Cached", m.styles.cached
	case "failed":
		mark, label, style = "✗", "Failed", m.styles.failed
	case "stopped":
		mark, label, style = "■", "Stopped", m.styles.stopped
	case "not run":
		mark, label, style = "–", "Not run", m.styles.dim
	case "running":
		mark, label, style = "●", "Executing", m.styles.run
		if st.kind == pipeline.EventRetried {
			mark, label, style = "↻", "Retrying", m.styles.retry
		}
	}
	indent := liveIndent(st)
	name := st.name
	if n := utf8.RuneCountInString(name); n > m.state.nameWidth {
		name = truncateRunes(name, m.state.nameWidth)
	}
	pad := m.state.nameWidth + maxIndent - indent - utf8.RuneCountInString(name)
	var dur string
	if !st.start.IsZero() {
		end := st.end
		if end.IsZero() {
			end = now
		}
		dur = shortDuration(end.Sub(st.start))
	}
	line := strings.Repeat(" ", indent) + style.Render(mark) + " " + name + strings.Repeat(" ", max(pad, 0)) +
		"  " + style.Render(livePadRight(label, 9)) + "  " + livePadLeft(dur, 7)
	if st.note != "" {
		line += "  " + m.styles.dim.Render(st.note)
	}
	return line
}

func livePadRight(s string, n int) string {
	return s + strings.Repeat(" ", max(n-utf8.RuneCountInString(s), 0))
}

func livePadLeft(s string, n int) string {
	return strings.Repeat(" ", max(n-utf8.RuneCountInString(s), 0)) + s
}
