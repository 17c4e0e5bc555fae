package local

import "html/template"

// reportTemplate is the HTML report's page. html/template escapes every
// value by its context; the DAG and chart SVG come in as template.HTML
// built from escaped text.
var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.E.ID}} · {{.E.Status}}</title>
<style>
:root { --succeeded: #2e7d32; --cached: #00838f; --failed: #c62828; --executing: #1565c0; --stopped: #ef6c00; --notrun: #9e9e9e; --pending: #757575; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0; color: #212121; background: #fafafa; }
header { padding: 20px 28px 12px; background: #fff; border-bottom: 1px solid #e0e0e0; }
main { padding: 8px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 6px; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 26px 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; vertical-align: middle; white-space: nowrap; }
.badge.succeeded { background: var(--succeeded); } .badge.cached { background: var(--cached); } .badge.failed { background: var(--failed); }
.badge.executing { background: var(--executing); } .badge.stopped { background: var(--stopped); } .badge.notrun { background: var(--notrun); } .badge.pending { background: var(--pending); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; }
dl.facts dt { color: #616161; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.reason { margin: 10px 0 0; padding: 8px 12px; background: #ffebee; border-left: 4px solid var(--failed); white-space: pre-wrap; overflow-wrap: anywhere; }
.reason.notrun, .reason.pending { background: #f5f5f5; border-left-color: var(--notrun); }
.reason.stopped { background: #fff3e0; border-left-color: var(--stopped); }
.counts span { margin-right: 10px; }
table { border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: 600; color: #424242; background: #f5f5f5; }
td.name { overflow-wrap: anywhere; max-width: 360px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.timeline { position: relative; width: 260px; height: 14px; background: #f1f1f1; border-radius: 3px; margin-top: 3px; }
.timeline .bar { position: absolute; top: 0; bottom: 0; border-radius: 3px; }
.bar.succeeded { background: var(--succeeded); } .bar.cached { background: var(--cached); } .bar.failed { background: var(--failed); }
.bar.executing { background: var(--executing); } .bar.stopped { background: var(--stopped); } .bar.notrun, .bar.pending { background: var(--notrun); }
.dag-wrap { overflow: auto; background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; max-height: 80vh; }
svg.dag { display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.dag .node rect, svg.dag .node polygon { stroke-width: 2; }
svg.dag .node text { text-anchor: middle; fill: #212121; }
svg.dag .node text.name { font-size: 13px; font-weight: 600; }
svg.dag .node text.detail { font-size: 11px; fill: #424242; }
svg.dag .node:hover rect, svg.dag .node:hover polygon { stroke-width: 3.5; }
.status-succeeded rect, .status-succeeded polygon { fill: #e8f5e9; stroke: var(--succeeded); }
.status-cached rect, .status-cached polygon { fill: #e0f7fa; stroke: var(--cached); stroke-dasharray: 7 3; }
.status-failed rect, .status-failed polygon { fill: #ffebee; stroke: var(--failed); }
.status-executing rect, .status-executing polygon { fill: #e3f2fd; stroke: var(--executing); }
.status-stopped rect, .status-stopped polygon { fill: #fff3e0; stroke: var(--stopped); }
.status-notrun rect, .status-notrun polygon { fill: #f5f5f5; stroke: var(--notrun); stroke-dasharray: 3 3; }
.status-notrun text { opacity: .65; }
.status-pending rect, .status-pending polygon { fill: #fff; stroke: var(--pending); }
.edge { fill: none; stroke-width: 1.6; }
.edge-dependson { stroke: #546e7a; } .edge-data { stroke: #90a4ae; stroke-dasharray: 6 4; }
.edge-if { stroke: #5e35b1; stroke-width: 2; } .edge-else { stroke: #8d6e63; stroke-width: 2; stroke-dasharray: 10 3 2 3; }
.arrow-dependson { fill: #546e7a; } .arrow-data { fill: #90a4ae; } .arrow-if { fill: #5e35b1; } .arrow-else { fill: #8d6e63; }
.edge-label text { font-size: 11px; font-weight: 600; fill: #fff; text-anchor: middle; }
.edge-label-if rect { fill: #5e35b1; } .edge-label-else rect { fill: #8d6e63; }
.legend { margin: 8px 0 0; font-size: 12px; color: #616161; }
.legend span { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 4px; border: 2px solid; }
.swatch.succeeded { background: #e8f5e9; border-color: var(--succeeded); } .swatch.cached { background: #e0f7fa; border-color: var(--cached); }
.swatch.failed { background: #ffebee; border-color: var(--failed); } .swatch.executing { background: #e3f2fd; border-color: var(--executing); }
.swatch.stopped { background: #fff3e0; border-color: var(--stopped); } .swatch.notrun { background: #f5f5f5; border-color: var(--notrun); }
.line { display: inline-block; width: 26px; height: 0; vertical-align: middle; margin-right: 4px; border-top: 2px solid; }
.line.dependson { border-color: #546e7a; } .line.data { border-color: #90a4ae; border-top-style: dashed; }
.line.if { border-color: #5e35b1; } .line.else { border-color: #8d6e63; border-top-style: dotted; }
details.step { background: #fff; border: 1px solid #e0e0e0; border-left: 5px solid var(--pending); border-radius: 6px; margin: 10px 0; padding: 0 14px; }
details.step.succeeded { border-left-color: var(--succeeded); } details.step.cached { border-left-color: var(--cached); }
details.step.failed { border-left-color: var(--failed); } details.step.executing { border-left-color: var(--executing); }
details.step.stopped { border-left-color: var(--stopped); } details.step.notrun { border-left-color: var(--notrun); }
details.step > summary { cursor: pointer; padding: 10px 0; font-weight: 600; overflow-wrap: anywhere; }
details.step > summary .type { color: #757575; font-weight: 400; margin-left: 6px; }
details.step > summary .dur { color: #616161; font-weight: 400; margin-left: 8px; }
details.step[open] > summary { border-bottom: 1px solid #eee; }
pre { background: #f6f8fa; border: 1px solid #eaecef; border-radius: 4px; padding: 8px 10px; margin: 4px 0 10px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 420px; overflow: auto; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { margin: 0; background: #fff; border: 1px solid #eee; border-radius: 4px; padding: 4px 6px; }
.chart h4 { margin: 2px 4px; font-size: 12px; overflow-wrap: anywhere; }
.chart svg { display: block; max-width: 100%; height: auto; }
.muted { color: #9e9e9e; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
</style>
</head>
<body>
<header>
<h1>{{.Title}} <span class="badge {{.StatusClass}}" id="execution-status">{{.E.Status}}</span></h1>
<dl class="facts">
<dt>Execution</dt><dd><code>{{.E.ID}}</code>{{with .E.DisplayName}} · {{.}}{{end}}</dd>
{{with .E.ARN}}<dt>ARN</dt><dd><code>{{.}}</code></dd>{{end}}
{{with .E.RetryOf}}<dt>Retry of</dt><dd><code>{{.}}</code></dd>{{end}}
{{with .Start}}<dt>Started</dt><dd>{{.}}</dd>{{end}}
{{with .End}}<dt>Ended</dt><dd>{{.}}</dd>{{end}}
{{with .Duration}}<dt>Duration</dt><dd>{{.}}</dd>{{end}}
<dt>Steps</dt><dd class="counts">{{range .Counts}}<span><span class="badge {{.Class}}">{{.N}}</span> {{.Label}}</span>{{end}}</dd>
</dl>
{{with .E.FailureReason}}<div class="reason">{{.}}</div>{{end}}
</header>
<main>
{{if .Params}}<h2>Parameters</h2>
<table><tr><th>Name</th><th>Value</th></tr>
{{range .Params}}<tr><td class="name">{{.Key}}</td><td><code>{{.Value}}</code></td></tr>
{{end}}</table>{{end}}
{{if .HasDAG}}<h2>Graph</h2>
<div class="dag-wrap">{{.DAG}}</div>
<div class="legend">
<span><i class="swatch succeeded"></i>succeeded</span><span><i class="swatch cached"></i>cached</span><span><i class="swatch failed"></i>failed</span><span><i class="swatch executing"></i>executing</span><span><i class="swatch stopped"></i>stopped</span><span><i class="swatch notrun"></i>not run</span>
<span><i class="line dependson"></i>depends on</span><span><i class="line data"></i>data</span><span><i class="line if"></i>if branch</span><span><i class="line else"></i>else branch</span>
</div>{{end}}
<h2>Steps</h2>
<table class="summary">
<tr><th>Step</th><th>Type</th><th>Status</th><th>Start</th><th>Duration</th><th>Attempts</th><th>Timeline</th></tr>
{{range .Steps}}<tr><td class="name"><a href="#{{.Anchor}}">{{.Name}}</a></td><td>{{.Type}}</td><td><span class="badge {{.Class}}">{{.Status}}</span></td><td class="num" title="{{.StartTitle}}">{{.Start}}</td><td class="num">{{.Duration}}</td><td class="num">{{if .Attempts}}{{.Attempts}}{{end}}</td><td>{{if .HasBar}}<div class="timeline"><div class="bar {{.Class}}" style="left: {{.BarLeft}}; width: {{.BarWidth}}"></div></div>{{end}}</td></tr>
{{end}}</table>
{{range .Steps}}
<details class="step {{.Class}}" id="{{.Anchor}}"{{if .Open}} open{{end}}>
<summary><span class="badge {{.Class}}">{{.Status}}</span> <span class="step-name">{{.Name}}</span><span class="type">{{.Type}}</span>{{with .Duration}}<span class="dur">{{.}}</span>{{end}}</summary>
<dl class="facts">
{{with .StartTitle}}<dt>Started</dt><dd>{{.}}</dd>{{end}}
{{with .EndTitle}}<dt>Ended</dt><dd>{{.}}</dd>{{end}}
{{with .Duration}}<dt>Duration</dt><dd>{{.}}</dd>{{end}}
{{if .Attempts}}<dt>Attempts</dt><dd>{{.Attempts}}</dd>{{end}}
{{with .CachedFrom}}<dt>Cached from</dt><dd><code>{{.}}</code></dd>{{end}}
</dl>
{{if .Failure}}<div class="reason {{.Class}}">{{.Failure}}</div>{{end}}
{{if .Outputs}}<h3>Outputs</h3>
<table><tr><th>Output</th><th>URI</th></tr>
{{range .Outputs}}<tr><td class="name">{{.Key}}</td><td><code>{{.Value}}</code></td></tr>
{{end}}</table>{{end}}
{{if .Metrics}}<h3>Metrics</h3>
<table><tr><th>Metric</th><th>Last value</th><th>Values</th></tr>
{{range .Metrics}}<tr><td class="name">{{.Name}}</td><td class="num">{{.Last}}</td><td class="num">{{.Count}}</td></tr>
{{end}}</table>
<div class="charts">{{range .Metrics}}{{if .Chart}}<figure class="chart"><h4>{{.Name}}</h4>{{.Chart}}</figure>{{end}}{{end}}</div>{{end}}
{{with .Arguments}}<h3>Arguments</h3><pre>{{.}}</pre>{{end}}
{{with .Properties}}<h3>Properties</h3><pre>{{.}}</pre>{{end}}
{{if .Log}}<h3>Log <span class="muted">({{.LogLines}} lines)</span></h3><pre class="log">{{.Log}}</pre>{{end}}
</details>
{{end}}
</main>
<script>
(function () {
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  document.documentElement.setAttribute("data-ready", "");
})();
</script>
</body>
</html>
`))
