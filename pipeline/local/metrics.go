package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// ErrMetric reports a metric definition whose regular expression does not
// compile or has no capture group.
var ErrMetric = errors.New("local: bad metric definition")

// metricDef is a metric SageMaker scrapes from a training job's log.
type metricDef struct {
	name string
	re   *regexp.Regexp
}

// xgboostMetrics lists the metrics of SageMaker's XGBoost algorithm image,
// each found in the log as ".*\[[0-9]+\].*#011validation-<m>:(\S+)" (the
// eval lines XGBoost prints, TAB shown as #011 as the log stream has it).
// The image defines validation metrics only.
var xgboostMetrics = []string{
	"accuracy", "auc", "aucpr", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "map", "ndcg",
	"precision", "precision_macro", "precision_micro", "r2", "recall", "recall_macro", "recall_micro",
	"aft-nloglik", "cox-nloglik", "error", "gamma-deviance", "gamma-nloglik",
	"interval-regression-accuracy", "logloss", "mae", "mape", "merror", "mlogloss", "mphe", "mse",
	"poisson-nloglik", "rmse", "rmsle", "tweedie-nloglik",
}

// isXGBoostImage reports whether image is SageMaker's XGBoost image
// (".../sagemaker-xgboost:1.7-1", or the legacy ".../xgboost:1"), whose
// predefined metrics a tuning job can use without MetricDefinitions.
func isXGBoostImage(image string) bool {
	repo, _, _ := strings.Cut(path.Base(image), ":")
	repo, _, _ = strings.Cut(repo, "@")
	return repo == "sagemaker-xgboost" || repo == "xgboost"
}

// metricDefs returns the metric definitions of a training job: those of
// its AlgorithmSpecification, then the image's predefined ones that are
// not redefined there.
func metricDefs(alg *pyjson.Object) ([]metricDef, error) {
	var defs []metricDef
	seen := map[string]bool{}
	var errs []error
	for _, v := range asList(get(alg, "MetricDefinitions")) {
		o := asObject(v)
		name, expr := str(o, "Name"), str(o, "Regex")
		re, err := regexp.Compile(expr)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%w: metric %q: %w", ErrMetric, name, err))
			continue
		case re.NumSubexp() < 1:
			errs = append(errs, fmt.Errorf("%w: metric %q: the regex %q has no capture group", ErrMetric, name, expr))
			continue
		}
		defs = append(defs, metricDef{name: name, re: re})
		seen[name] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if image, _ := get(alg, "TrainingImage").(string); isXGBoostImage(image) {
		for _, m := range xgboostMetrics {
			name := "validation:" + m
			if !seen[name] {
				defs = append(defs, metricDef{name: name,
					re: regexp.MustCompile(`.*\[[0-9]+\].*#011validation-` + regexp.QuoteMeta(m) + `:(\S+)`)})
			}
		}
	}
	return defs, nil
}

// logStreamLine renders a log line as SageMaker's log stream holds it, the
// text its metric regexes are written against: control characters other
// than newlines become #ooo octal escapes (a TAB is #011).
func logStreamLine(line string) string {
	if !strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return line
	}
	var b strings.Builder
	for _, r := range line {
		if r < 0x20 || r == 0x7f {
			fmt.Fprintf(&b, "#%03o", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scan finds the metric values in one log line, in definition order: the
// first capture group of every definition that matches, parsed as Python's
// float() parses it. Values that do not parse are skipped, as SageMaker
// skips them.
func scan(defs []metricDef, line string) []pipeline.Metric {
	var out []pipeline.Metric
	if len(defs) == 0 {
		return nil
	}
	l := logStreamLine(line)
	for _, d := range defs {
		m := d.re.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(m[1]), 64)
		if err != nil {
			continue
		}
		out = append(out, pipeline.Metric{Name: d.name, Value: v, Step: -1})
	}
	return out
}

// metricLog is the log of one training job: every line (from its logger
// or its Stdout) is scanned with the job's metric definitions, and every
// value found or logged goes to record, numbered per metric.
type metricLog struct {
	defs   []metricDef
	record func(m pipeline.Metric)

	mu     sync.Mutex
	order  []string                   // metric names in order of first value
	last   map[string]pipeline.Metric // latest value by name
	counts map[string]int             // values so far by name
}

func newMetricLog(defs []metricDef, record func(pipeline.Metric)) *metricLog {
	return &metricLog{defs: defs, record: record, last: map[string]pipeline.Metric{}, counts: map[string]int{}}
}

// line scans one line of the job's log.
func (l *metricLog) line(s string) {
	for _, part := range strings.Split(s, "\n") {
		for _, m := range scan(l.defs, part) {
			l.mu.Lock()
			m.Step = l.counts[m.Name] // the value's index among the metric's values
			l.mu.Unlock()
			l.record(m)
		}
	}
}

// add notes a metric value (called by record's implementation) and returns
// how many values of the metric there are with it, from 1.
func (l *metricLog) add(m pipeline.Metric) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.last[m.Name]; !ok {
		l.order = append(l.order, m.Name)
	}
	l.last[m.Name] = m
	l.counts[m.Name]++
	return l.counts[m.Name]
}

// final returns FinalMetricDataList: the latest value of every metric, in
// the order the metrics first appeared.
func (l *metricLog) final() []any {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]any, 0, len(l.order))
	for _, name := range l.order {
		m := l.last[name]
		o := pyjson.NewObject().Set("MetricName", name).Set("Value", m.Value)
		if !m.Time.IsZero() {
			o.Set("Timestamp", formatTime(m.Time))
		}
		out = append(out, o)
	}
	return out
}

// handler wraps h so that every record's message is scanned for metrics.
func (l *metricLog) handler(h slog.Handler) slog.Handler { return scanHandler{h: h, l: l} }

type scanHandler struct {
	h slog.Handler
	l *metricLog
}

func (s scanHandler) Enabled(ctx context.Context, lv slog.Level) bool { return true }

func (s scanHandler) Handle(ctx context.Context, r slog.Record) error {
	s.l.line(r.Message)
	if !s.h.Enabled(ctx, r.Level) {
		return nil
	}
	return s.h.Handle(ctx, r)
}

func (s scanHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return scanHandler{h: s.h.WithAttrs(as), l: s.l}
}

func (s scanHandler) WithGroup(name string) slog.Handler {
	return scanHandler{h: s.h.WithGroup(name), l: s.l}
}

// lineWriter is a job's standard output: it cuts what is written into
// lines and logs each with log at level Info (so that it is scanned for
// metrics and lands in the step's log). A partial last line is held
// until the next newline or Close.
type lineWriter struct {
	log *slog.Logger

	mu  sync.Mutex
	buf []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := string(bytes.TrimSuffix(w.buf[:i], []byte("\r")))
		w.buf = w.buf[i+1:]
		w.log.Info(line)
	}
	if len(w.buf) == 0 {
		w.buf = nil
	}
	return len(p), nil
}

// Close logs a partial last line.
func (w *lineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.log.Info(string(w.buf))
		w.buf = nil
	}
	return nil
}
