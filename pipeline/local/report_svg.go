package local

// This file draws a laid-out DAG as inline SVG for the HTML report. Every
// piece of text that comes from the pipeline or the record goes through
// html.EscapeString; everything else is numbers and fixed class names.

import (
	"fmt"
	"html"
	"strings"

	"github.com/sagepipe/sagepipe/pipeline"
)

// svgNodeInfo is what the DAG drawing shows of a step besides its name.
type svgNodeInfo struct {
	Class  string // the status class: succeeded, failed, cached, ...
	Status string // the status as shown
	Detail string // a short line: duration, "cached", ...
	Anchor string // the id of the step's section in the page
}

// drawDAG renders l as an SVG element. info gives each node's status.
func drawDAG(l *dagLayout, info func(name string) svgNodeInfo) string {
	if len(l.Nodes) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="dag" role="img" aria-label="pipeline graph" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`,
		l.Width, l.Height, l.Width, l.Height)
	b.WriteString(`<defs>`)
	for _, k := range []string{"dependson", "data", "if", "else"} {
		fmt.Fprintf(&b, `<marker id="arrow-%s" class="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`, k, k)
	}
	b.WriteString(`</defs>`)
	for _, e := range l.Edges {
		drawEdge(&b, l, e)
	}
	for _, n := range l.Nodes {
		drawNode(&b, n, info(n.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func edgeClass(k pipeline.EdgeKind) string {
	switch k {
	case pipeline.DataEdge:
		return "data"
	case pipeline.IfEdge:
		return "if"
	case pipeline.ElseEdge:
		return "else"
	}
	return "dependson"
}

// drawEdge draws an edge as a chain of curves from the bottom of its
// source, down its lanes through the layers it crosses, to the top of its
// target; a branch edge carries its label ("if", "else") on its last curve.
func drawEdge(b *strings.Builder, l *dagLayout, e dagEdge) {
	f, t := l.Nodes[e.From], l.Nodes[e.To]
	cls := edgeClass(e.Kind)
	var d strings.Builder
	x1, y1 := f.X+dagNodeW/2, f.Y+dagNodeH
	x2, y2 := t.X+dagNodeW/2, t.Y
	if t.Layer <= f.Layer { // only on a cycle: go up, beside the steps
		x1, y1 = f.X+dagNodeW, f.Y+dagNodeH/2
		x2, y2 = t.X+dagNodeW, t.Y+dagNodeH/2
		dx := dagGapX
		fmt.Fprintf(&d, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1, x1+dx, y1, x2+dx, y2, x2, y2)
	} else {
		fmt.Fprintf(&d, "M%.1f,%.1f", x1, y1)
		for _, v := range e.Via {
			dagCurve(&d, x1, y1, v.X, v.Y)
			fmt.Fprintf(&d, " L%.1f,%.1f", v.X, v.Y+dagNodeH)
			x1, y1 = v.X, v.Y+dagNodeH
		}
		dagCurve(&d, x1, y1, x2, y2)
	}
	fmt.Fprintf(b, `<path class="edge edge-%s" d="%s" marker-end="url(#arrow-%s)"><title>%s → %s (%s)</title></path>`,
		cls, d.String(), cls, html.EscapeString(f.Name), html.EscapeString(t.Name), e.Kind)
	if (e.Kind == pipeline.IfEdge || e.Kind == pipeline.ElseEdge) && t.Layer > f.Layer {
		// The label sits at three quarters of the last curve, where the
		// edges of one condition have spread apart.
		dy := (y2 - y1) / 2
		lx := 0.15625*x1 + 0.84375*x2
		ly := 0.015625*y1 + 0.140625*(y1+dy) + 0.421875*(y2-dy) + 0.421875*y2
		fmt.Fprintf(b, `<g class="edge-label edge-label-%s"><rect x="%.1f" y="%.1f" width="30" height="16" rx="8"/><text x="%.1f" y="%.1f">%s</text></g>`,
			cls, lx-15, ly-8, lx, ly+4, e.Kind)
	}
}

// dagCurve appends a vertical S-curve from (x1, y1) down to (x2, y2).
func dagCurve(d *strings.Builder, x1, y1, x2, y2 float64) {
	dy := (y2 - y1) / 2
	fmt.Fprintf(d, " C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1+dy, x2, y2-dy, x2, y2)
}

// drawNode draws a step as a box (a hexagon for a condition) holding its
// name and a detail line, linked to the step's section.
func drawNode(b *strings.Builder, n dagNode, in svgNodeInfo) {
	fmt.Fprintf(b, `<a href="#%s" class="node status-%s">`, in.Anchor, in.Class)
	fmt.Fprintf(b, `<title>%s (%s): %s</title>`, html.EscapeString(n.Name), html.EscapeString(n.Type), html.EscapeString(in.Status))
	if n.Condition {
		const s = 14.0
		fmt.Fprintf(b, `<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f"/>`,
			n.X+s, n.Y, n.X+dagNodeW-s, n.Y, n.X+dagNodeW, n.Y+dagNodeH/2, n.X+dagNodeW-s, n.Y+dagNodeH, n.X+s, n.Y+dagNodeH, n.X, n.Y+dagNodeH/2)
	} else {
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" rx="8"/>`, n.X, n.Y, dagNodeW, dagNodeH)
	}
	fmt.Fprintf(b, `<text class="name" x="%.1f" y="%.1f">%s</text>`, n.X+dagNodeW/2, n.Y+22, html.EscapeString(truncateRunes(n.Name, 26)))
	detail := in.Status
	if in.Detail != "" {
		detail += " · " + in.Detail
	}
	fmt.Fprintf(b, `<text class="detail" x="%.1f" y="%.1f">%s</text>`, n.X+dagNodeW/2, n.Y+40, html.EscapeString(truncateRunes(detail, 36)))
	b.WriteString(`</a>`)
}

// truncateRunes shortens s to at most n runes, ending it with "…" when cut.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
