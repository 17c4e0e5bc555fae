package local

// The HTML report.
//
// WriteReport renders one execution record as a single self-contained HTML
// page: no external URL is fetched, the styles are inline CSS, the DAG and
// the metric charts inline SVG, and a few lines of inline script open a
// step's section when its box in the DAG is clicked (or the page is opened
// at "#step-N") and then mark the root element data-ready. The page shows the
// execution's status, times, parameters and failure reason; the DAG laid
// out in layers (a step's layer is the length of the longest path to it),
// each step coloured by its status, DependsOn edges solid, data edges
// dashed and a condition's branch edges labelled "if" and "else"; a table
// of every step with its status, attempts and a timeline bar; and for each
// step its times, attempts, the execution a cache hit came from, resolved
// arguments and properties as indented JSON, outputs, metrics (with a
// chart drawn by gonum.org/v1/plot for every metric reported more than
// once), failure reason and log. Everything taken from the pipeline or the
// record is escaped, so a step name or a log line holding markup is shown
// as text.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/pipeline"
)

// WriteReport writes a self-contained HTML report of the execution e of the
// pipeline whose DAG is g (as returned by [pipeline.Pipeline.Graph]). g may
// be nil: the page then has no DAG drawing. Steps are listed in the DAG's
// order; a step of g that e has no record of is shown as pending while e
// is executing and as not run once it is done.
func WriteReport(w io.Writer, g *pipeline.Graph, e *pipeline.Execution) error {
	if e == nil {
		return errors.New("local: report: no execution")
	}
	v, err := newReportView(g, e)
	if err != nil {
		return fmt.Errorf("local: report of execution %s: %w", e.ID, err)
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("local: report of execution %s: %w", e.ID, err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("local: report of execution %s: %w", e.ID, err)
	}
	return nil
}

// WriteReportFile writes the report of [WriteReport] to path atomically: a
// reader sees the previous file or the whole new report, never a part.
// The directory must exist.
func WriteReportFile(path string, g *pipeline.Graph, e *pipeline.Execution) error {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return fmt.Errorf("local: report: %w", err)
	}
	if err := WriteReport(f, g, e); err != nil {
		f.Abort()
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("local: report %s: %w", path, err)
	}
	return nil
}

// reportView is what the template shows.
type reportView struct {
	Title       string
	E           *pipeline.Execution
	StatusClass string
	Start, End  string
	Duration    string
	Params      []reportKV
	DAG         template.HTML
	Steps       []*reportStep
	Counts      []reportCount
	HasDAG      bool
}

type reportKV struct{ Key, Value string }

type reportCount struct {
	Class, Label string
	N            int
}

type reportStep struct {
	Anchor     string
	Name, Type string
	Status     string
	Class      string
	Start, End string
	StartTitle string
	EndTitle   string
	Duration   string
	Attempts   int
	CachedFrom string
	Arguments  string
	Properties string
	Outputs    []reportKV
	Metrics    []reportMetric
	Failure    string
	Log        string
	LogLines   int
	Open       bool
	// BarLeft and BarWidth place the step on the execution's timeline, in
	// percent.
	BarLeft, BarWidth template.CSS
	HasBar            bool
}

type reportMetric struct {
	Name  string
	Last  string
	Count int
	Chart template.HTML
}

// newReportView gathers what the page shows.
func newReportView(g *pipeline.Graph, e *pipeline.Execution) (*reportView, error) {
	v := &reportView{
		Title:       cmp.Or(e.Pipeline, "Pipeline execution"),
		E:           e,
		StatusClass: reportExecClass(e.Status),
		Start:       reportTime(e.Start),
		End:         reportTime(e.End),
	}
	if !e.Start.IsZero() && !e.End.IsZero() {
		v.Duration = shortDuration(e.End.Sub(e.Start))
	}
	for _, k := range slices.Sorted(maps.Keys(e.Parameters)) {
		v.Params = append(v.Params, reportKV{k, indentJSON(e.Parameters[k])})
	}

	layout := layoutDAG(g)
	// Steps in layout order first (the DAG's topological order), then any
	// the record holds that the graph does not.
	var names []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	if g != nil {
		order, _ := g.Order() // on a cycle, the steps left out follow
		for _, name := range order {
			add(name)
		}
		for _, n := range layout.Nodes {
			add(n.Name)
		}
	}
	for _, s := range e.Steps {
		add(s.Name)
	}
	byName := map[string]*reportStep{}
	counts := map[string]int{}
	for i, name := range names {
		sv, err := newReportStep(i, name, e)
		if err != nil {
			return nil, err
		}
		if i, ok := layout.index[name]; ok {
			sv.Type = layout.Nodes[i].Type
		}
		byName[name] = sv
		v.Steps = append(v.Steps, sv)
		counts[sv.Class]++
	}
	for _, c := range []reportCount{
		{Class: "succeeded", Label: "succeeded"}, {Class: "cached", Label: "cached"},
		{Class: "failed", Label: "failed"}, {Class: "executing", Label: "executing"},
		{Class: "stopped", Label: "stopped"}, {Class: "notrun", Label: "not run"},
		{Class: "pending", Label: "pending"},
	} {
		if c.N = counts[c.Class]; c.N > 0 {
			v.Counts = append(v.Counts, c)
		}
	}
	setTimeline(e, v.Steps)
	if len(layout.Nodes) > 0 {
		v.HasDAG = true
		// drawDAG escapes every text it writes.
		v.DAG = template.HTML(drawDAG(layout, func(name string) svgNodeInfo {
			sv := byName[name]
			detail := sv.Duration
			if sv.Attempts > 1 {
				detail = strings.TrimPrefix(detail+" · "+strconv.Itoa(sv.Attempts)+" attempts", " · ")
			}
			return svgNodeInfo{Class: sv.Class, Status: sv.Status, Detail: detail, Anchor: sv.Anchor}
		}))
	}
	return v, nil
}

// newReportStep gathers one step's section.
func newReportStep(i int, name string, e *pipeline.Execution) (*reportStep, error) {
	sv := &reportStep{Anchor: "step-" + strconv.Itoa(i), Name: name}
	r := e.Step(name)
	if r == nil {
		sv.Class, sv.Status = "pending", "Pending"
		if e.Status.Done() {
			sv.Class, sv.Status = "notrun", "Not run"
		}
		return sv, nil
	}
	sv.Type = r.Type
	sv.Class, sv.Status = reportStepClass(r)
	sv.Start = reportOffset(e.Start, r.Start)
	sv.StartTitle = reportTime(r.Start)
	sv.End = reportOffset(e.Start, r.End)
	sv.EndTitle = reportTime(r.End)
	if !r.Start.IsZero() && !r.End.IsZero() {
		sv.Duration = shortDuration(r.End.Sub(r.Start))
	}
	sv.Attempts = r.Attempts
	sv.CachedFrom = r.CachedFrom
	sv.Arguments = indentJSON(r.Arguments)
	sv.Properties = indentJSON(r.Properties)
	for _, k := range slices.Sorted(maps.Keys(r.Outputs)) {
		sv.Outputs = append(sv.Outputs, reportKV{k, r.Outputs[k]})
	}
	for _, s := range groupMetrics(r.Metrics) {
		chart, err := chartSVG(s)
		if err != nil {
			return nil, fmt.Errorf("step %q: %w", name, err)
		}
		sv.Metrics = append(sv.Metrics, reportMetric{
			Name:  s.Name,
			Last:  strconv.FormatFloat(s.Values[len(s.Values)-1].Value, 'g', 6, 64),
			Count: len(s.Values),
			// gonum's SVG canvas escapes its text, which here is numbers
			// and the axis name.
			Chart: template.HTML(chart),
		})
	}
	sv.Failure = r.FailureReason
	sv.Log = strings.Join(r.Log, "\n")
	sv.LogLines = len(r.Log)
	sv.Open = sv.Class == "failed" || sv.Class == "stopped"
	return sv, nil
}

// setTimeline places each step that ran on the span from the execution's
// start to its end (or to the last step's end while it runs).
func setTimeline(e *pipeline.Execution, steps []*reportStep) {
	t0, t1 := e.Start, e.End
	for _, s := range e.Steps {
		if t0.IsZero() || (!s.Start.IsZero() && s.Start.Before(t0)) {
			t0 = s.Start
		}
		if s.End.After(t1) {
			t1 = s.End
		}
	}
	span := t1.Sub(t0)
	if t0.IsZero() || span <= 0 {
		return
	}
	for _, sv := range steps {
		r := e.Step(sv.Name)
		if r == nil || r.Start.IsZero() {
			continue
		}
		end := r.End
		if end.IsZero() {
			end = t1
		}
		left := float64(r.Start.Sub(t0)) / float64(span) * 100
		width := max(float64(end.Sub(r.Start))/float64(span)*100, 0.5)
		sv.HasBar = true
		sv.BarLeft = template.CSS(strconv.FormatFloat(left, 'f', 2, 64) + "%")
		sv.BarWidth = template.CSS(strconv.FormatFloat(min(width, 100-left), 'f', 2, 64) + "%")
	}
}

// reportStepClass returns a step's CSS class and status label.
func reportStepClass(r *pipeline.StepRecord) (class, label string) {
	switch r.Status {
	case pipeline.StepSucceeded:
		if r.CachedFrom != "" {
			return "cached", "Cached"
		}
		return "succeeded", "Succeeded"
	case pipeline.StepFailed:
		return "failed", "Failed"
	case pipeline.StepStarting, pipeline.StepExecuting:
		return "executing", string(r.Status)
	case pipeline.StepStopping, pipeline.StepStopped:
		return "stopped", string(r.Status)
	case pipeline.StepNotRun:
		return "notrun", "Not run"
	}
	return "pending", string(r.Status)
}

func reportExecClass(s pipeline.ExecutionStatus) string {
	switch s {
	case pipeline.ExecutionSucceeded:
		return "succeeded"
	case pipeline.ExecutionFailed:
		return "failed"
	case pipeline.ExecutionStopping, pipeline.ExecutionStopped:
		return "stopped"
	}
	return "executing"
}

// indentJSON indents a JSON value; what is not valid JSON is shown as is.
func indentJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

func reportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.000 UTC")
}

// reportOffset writes t as an offset from the execution's start.
func reportOffset(start, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if start.IsZero() {
		return reportTime(t)
	}
	return "+" + shortDuration(t.Sub(start))
}

// shortDuration rounds d for people: milliseconds under a second, tenths
// of a second under a minute, seconds above.
func shortDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + shortDuration(-d)
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
