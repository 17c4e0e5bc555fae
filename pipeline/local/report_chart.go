package local

// This file turns a step's metrics into what the HTML report shows: a
// table of each metric's last value and, for every metric reported more
// than once, a line chart drawn with gonum.org/v1/plot as SVG.

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/sagepipe/sagepipe/pipeline"
)

// metricSeries is every value of one metric, in the order reported.
type metricSeries struct {
	Name   string
	Values []pipeline.Metric
}

// groupMetrics groups ms by name, in the order each name first appears.
func groupMetrics(ms []pipeline.Metric) []metricSeries {
	var out []metricSeries
	index := map[string]int{}
	for _, m := range ms {
		i, ok := index[m.Name]
		if !ok {
			i = len(out)
			index[m.Name] = i
			out = append(out, metricSeries{Name: m.Name})
		}
		out[i].Values = append(out[i].Values, m)
	}
	return out
}

// axis chooses the x of each value: the iteration when every value has
// one, else the seconds since the first value when every value has a
// time, else the value's position.
func (s metricSeries) axis() (xs []float64, label string) {
	xs = make([]float64, len(s.Values))
	steps, times := true, true
	for _, m := range s.Values {
		steps = steps && m.Step >= 0
		times = times && !m.Time.IsZero()
	}
	for i, m := range s.Values {
		switch {
		case steps:
			xs[i] = float64(m.Step)
		case times:
			xs[i] = m.Time.Sub(s.Values[0].Time).Seconds()
		default:
			xs[i] = float64(i)
		}
	}
	switch {
	case steps:
		return xs, "iteration"
	case times:
		return xs, "seconds"
	}
	return xs, "report"
}

// chartSVG draws the series as a line chart and returns the <svg> element
// without the XML prolog, ready to inline in HTML. Non-finite values are
// left out; a series with fewer than two finite values has no chart.
func chartSVG(s metricSeries) (string, error) {
	xs, label := s.axis()
	var pts plotter.XYs
	for i, m := range s.Values {
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: xs[i], Y: m.Value})
	}
	if len(pts) < 2 {
		return "", nil
	}
	p := plot.New()
	p.X.Label.Text = label
	p.X.Label.TextStyle.Font.Size = vg.Points(10)
	p.X.Tick.Marker = compactTicks{}
	p.Y.Tick.Marker = compactTicks{}
	p.Add(plotter.NewGrid())
	line, err := plotter.NewLine(pts)
	if err != nil {
		return "", fmt.Errorf("chart of metric %q: %w", s.Name, err)
	}
	line.Color = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}
	line.Width = vg.Points(1.5)
	p.Add(line)
	if len(pts) <= 40 {
		dots, err := plotter.NewScatter(pts)
		if err != nil {
			return "", fmt.Errorf("chart of metric %q: %w", s.Name, err)
		}
		dots.GlyphStyle = draw.GlyphStyle{Color: line.Color, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
		p.Add(dots)
	}
	c := vgsvg.New(5*vg.Inch, 2.4*vg.Inch)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("chart of metric %q: %w", s.Name, err)
	}
	out := buf.String()
	if i := strings.Index(out, "<svg"); i >= 0 {
		out = out[i:]
	}
	return out, nil
}

// compactTicks are gonum's default ticks labelled in the shortest form
// ("25", not "25.00").
type compactTicks struct{}

func (compactTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}
