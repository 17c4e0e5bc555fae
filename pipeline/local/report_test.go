package local_test

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

func renderFixture(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := local.WriteReport(&buf, fixturePipeline().Graph(), fixtureExecution()); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Names, logs, parameters, outputs and metric names holding markup are
// shown as text: the page has one script, ours, and no element that came
// from the record.
func TestReportEscapesEverything(t *testing.T) {
	page := renderFixture(t)
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("the page has %d <script elements, want only its own", n)
	}
	for _, bad := range []string{"<img", "<b>", "</title><script", `"><script`, "</pre><script"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	for _, s := range []string{
		template.HTMLEscapeString(hostileName),
		template.HTMLEscapeString(`</pre><script>alert("log")</script>`),
		template.HTMLEscapeString(`</title><script>alert("metric")</script>`),
		template.HTMLEscapeString(`<script>alert(3)</script>`),
		template.HTMLEscapeString("nightly <b>retrain</b>"),
	} {
		if !strings.Contains(page, s) {
			t.Errorf("the page does not show %q as text", s)
		}
	}
}

// The page fetches nothing: no external script, style sheet, image or font.
func TestReportIsSelfContained(t *testing.T) {
	page := renderFixture(t)
	for _, re := range []string{`(?i)<[a-z][^>]*\ssrc\s*=`, `(?i)<link\b`, `(?i)@import`, `(?i)url\(\s*['"]?(https?:|//)`, `(?i)<[a-z][^>]*href\s*=\s*['"]?(https?:|//)`} {
		if m := regexp.MustCompile(re).FindString(page); m != "" {
			t.Errorf("the page refers outside itself: %q matches %s", m, re)
		}
	}
}

// Every step is listed with its status, attempts, cache source and
// failure reason; the DAG has a box per step, an edge per dependency and
// labelled branch edges; the metrics reported over iterations are charted.
func TestReportContent(t *testing.T) {
	page := renderFixture(t)
	g := fixturePipeline().Graph()
	for _, n := range g.Nodes {
		name := template.HTMLEscapeString(n.Step.Name())
		if !strings.Contains(page, `<span class="step-name">`+name+`</span>`) {
			t.Errorf("no section for step %q", n.Step.Name())
		}
	}
	checks := []struct{ what, want string }{
		{"execution status", `id="execution-status">Failed</span>`},
		{"execution failure", "Step RMSEFail failed: Execution failed due to RMSE &gt; 15000.0"},
		{"cache source", "<code>exec-20260101-220000-11aa</code>"},
		{"attempts", "<dt>Attempts</dt><dd>3</dd>"},
		{"duration", `<span class="dur">40s</span>`},
		{"parameter", "<td class=\"name\">RMSEThreshold</td><td><code>15000</code></td>"},
		{"output", "s3://bucket/housing/exec-20260102-030405-7f3a/TrainModel/output/model"},
		{"pretty arguments", "\n  &#34;ProcessingResources&#34;: {\n"},
		{"log line", "[29]\ttrain-rmse:"},
		{"metric with one value", `<td class="name">test:rmse</td><td class="num">18250.5</td><td class="num">1</td>`},
		{"if edge", `class="edge-label edge-label-if"`},
		{"else edge", `class="edge-label edge-label-else"`},
		{"data edge", `class="edge edge-data"`},
		{"depends-on edge", `class="edge edge-dependson"`},
		{"condition shape", "<polygon"},
		{"failed box", `class="node status-failed"`},
		{"cached box", `class="node status-cached"`},
		{"not-run box", `class="node status-notrun"`},
		{"failed step open", `<details class="step failed" id="step-7" open>`},
	}
	for _, c := range checks {
		if !strings.Contains(page, c.want) {
			t.Errorf("%s: the page lacks %q", c.what, c.want)
		}
	}
	if got := strings.Count(page, `<a href="#step-`); got != 2*len(g.Nodes) {
		t.Errorf("%d links to step sections, want %d (one from the DAG, one from the table, per step)", got, 2*len(g.Nodes))
	}
	if got := strings.Count(page, `<path class="edge `); got != len(g.Edges) {
		t.Errorf("%d edges drawn, want %d", got, len(g.Edges))
	}
	// Two metrics of TrainModel have 30 values each: two charts. The
	// metric reported once has none.
	if got := strings.Count(page, `<figure class="chart">`); got != 2 {
		t.Errorf("%d charts, want 2", got)
	}
	for _, m := range []string{"train:rmse", "validation:rmse"} {
		if !strings.Contains(page, `<figure class="chart"><h4>`+m+`</h4><svg`) {
			t.Errorf("no chart of %s", m)
		}
	}
}

// A report with no graph lists the record's steps; a step of the graph the
// record does not have is pending while the execution runs.
func TestReportPartial(t *testing.T) {
	e := fixtureExecution()
	e.Status = pipeline.ExecutionExecuting
	e.Steps = e.Steps[:2]
	e.Steps[1].End = e.Steps[1].End.AddDate(-1, 0, 0) // an end before the start is not drawn negative
	var buf bytes.Buffer
	if err := local.WriteReport(&buf, fixturePipeline().Graph(), e); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), `<span class="badge pending">Pending</span>`); got != 2*6 {
		t.Errorf("%d pending badges, want 12 (6 steps in table and sections)", got)
	}
	buf.Reset()
	if err := local.WriteReport(&buf, nil, e); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "<svg") || !strings.Contains(buf.String(), `<span class="step-name">Baseline</span>`) {
		t.Errorf("a report without a graph should list the record's steps and draw no DAG")
	}
	if err := local.WriteReport(&buf, nil, nil); err == nil {
		t.Error("WriteReport of no execution succeeded")
	}
}

func TestWriteReportFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := local.WriteReportFile(path, fixturePipeline().Graph(), fixtureExecution()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != renderFixture(t) {
		t.Error("the file differs from WriteReport's output")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the report", len(entries))
	}
	err = local.WriteReportFile(filepath.Join(dir, "missing", "report.html"), nil, fixtureExecution())
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("writing into a missing directory: got %v, want an fs.ErrNotExist naming it", err)
	}
}
