package local

import (
	"context"
	"log/slog"
	"strings"

	"github.com/sagepipe/sagepipe/pipeline"
)

// emit reports an event to Config.OnEvent and to the engine's logger, one
// event at a time.
func (x *execution) emit(ev pipeline.Event) {
	ev.Time = x.e.cfg.Clock.Now().UTC()
	ev.Execution = x.rec.id
	x.emitMu.Lock()
	defer x.emitMu.Unlock()
	if x.ended {
		return // a step function left behind by a stop returned late
	}
	if x.e.cfg.OnEvent != nil {
		x.e.cfg.OnEvent(ev)
	}
	lvl := slog.LevelInfo
	if ev.Kind == pipeline.EventFailed {
		lvl = slog.LevelError
	}
	log := x.e.cfg.Logger
	if !log.Enabled(context.Background(), lvl) {
		return
	}
	attrs := []any{"execution", ev.Execution}
	if ev.Step != "" {
		attrs = append(attrs, "step", ev.Step)
	}
	if ev.Attempt > 0 {
		attrs = append(attrs, "attempt", ev.Attempt)
	}
	if ev.Message != "" {
		attrs = append(attrs, "message", ev.Message)
	}
	log.Log(context.Background(), lvl, string(ev.Kind), attrs...)
}

// stepLogger returns a logger whose lines, in logfmt without the time,
// are appended to step s's log in the record, and which also go to the
// engine's logger with the execution and step as attributes.
func (x *execution) stepLogger(s *stepDef) *slog.Logger {
	w := &logWriter{x: x, i: s.index}
	rec := slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	eng := x.e.cfg.Logger.Handler().WithAttrs([]slog.Attr{slog.String("execution", x.rec.id), slog.String("step", s.name)})
	return slog.New(fanout{rec, eng})
}

// fanout sends each record to every handler that takes its level.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}

// logWriter appends each write (one record of a text handler) to a
// step's log.
type logWriter struct {
	x *execution
	i int
}

func (w *logWriter) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	w.x.rec.update(func(ex *pipeline.Execution) {
		ex.Steps[w.i].Log = append(ex.Steps[w.i].Log, line)
	})
	return len(p), nil
}
