package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
)

// parseParams reads -param Name=value overrides, each typed as the
// pipeline declares the parameter: Integer, Float, Boolean or String.
// An unknown name or a value that is not of the type is an error naming
// the parameter.
func parseParams(p *pipeline.Pipeline, flags []string) (map[string]any, error) {
	decl := map[string]params.Parameter{}
	var names []string
	for _, d := range p.Params() {
		decl[d.Name()] = d
		names = append(names, d.Name())
	}
	out := map[string]any{}
	var errs []error
	for _, f := range flags {
		name, val, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			errs = append(errs, fmt.Errorf("-param %q: want Name=value", f))
			continue
		}
		d, ok := decl[name]
		if !ok {
			errs = append(errs, fmt.Errorf("-param %s: no such parameter (the pipeline has %s)", name, strings.Join(names, ", ")))
			continue
		}
		v, err := typed(d.Type(), val)
		if err != nil {
			errs = append(errs, fmt.Errorf("-param %s=%s: parameter %s is %s: %w", name, val, name, d.Type(), err))
			continue
		}
		out[name] = v
	}
	return out, errors.Join(errs...)
}

// typed converts s to the Go type of a parameter of type t.
func typed(t params.Type, s string) (any, error) {
	switch t {
	case params.TypeInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errors.New("not an integer")
		}
		return n, nil
	case params.TypeFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errors.New("not a number")
		}
		return f, nil
	case params.TypeBoolean:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, errors.New("not a boolean")
		}
		return b, nil
	default:
		return s, nil
	}
}

// failure is the error of an execution that did not succeed: its failure
// message.
func failure(o *outcome) error {
	reason := o.Execution.FailureReason
	if reason == "" {
		reason = o.Err.Error()
	}
	return fmt.Errorf("execution %s %s: %s", o.Execution.ID, o.Execution.Status, reason)
}

// printOutcome writes the tuning trials table and the closing summary.
func printOutcome(w io.Writer, o *outcome) error {
	var b strings.Builder
	ts, err := trials(o.Execution)
	if err != nil {
		return err
	}
	if len(ts) > 0 {
		writeTrials(&b, ts)
	}
	ex := o.Execution
	fmt.Fprintf(&b, "\nexecution %s: %s in %s (wall time of the whole run)\n", ex.ID, ex.Status, o.Wall.Round(time.Millisecond))
	if ex.FailureReason != "" {
		fmt.Fprintf(&b, "  failure          %s\n", ex.FailureReason)
	}
	threshold := string(ex.Parameters["RMSEThreshold"])
	if o.Evaluation != "" {
		mae, rmse, std, err := readEvaluation(o.Evaluation)
		if err != nil {
			return err
		}
		cmp := "vs"
		if t, err := strconv.ParseFloat(threshold, 64); err == nil {
			cmp = "<="
			if rmse > t {
				cmp = "> "
			}
		}
		fmt.Fprintf(&b, "  test RMSE        %.1f %s threshold %s   (MAE %.1f, residual std %.1f)\n", rmse, cmp, threshold, mae, std)
	}
	if p := o.Package; p != nil {
		fmt.Fprintf(&b, "  registered       %s version %d, %s\n", p.GroupName, p.Version, p.ApprovalStatus)
		fmt.Fprintf(&b, "  model file       %s\n", rel(p.ModelFile))
	}
	fmt.Fprintf(&b, "  report           %s\n", rel(o.Report))
	for _, r := range ex.Steps {
		if r.CachedFrom != "" {
			fmt.Fprintf(&b, "  cached           %s (from execution %s)\n", r.Name, r.CachedFrom)
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// writeTrials writes the tuning step's training jobs as a table, best
// first and marked.
func writeTrials(b *strings.Builder, ts []trial) {
	b.WriteString("\nHPTuning trials (Bayesian, objective validation:rmse, minimised):\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\ttraining job\teta\tsubsample\tmax_depth\tmin_child_weight\tvalidation:rmse\t")
	sorted := append([]trial(nil), ts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	best := ts[0].Name
	for _, t := range sorted {
		mark := ""
		if t.Name == best {
			mark = "best →"
		}
		obj := t.Status
		if t.Final != nil {
			obj = strconv.FormatFloat(t.Final.Value, 'f', 1, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", mark, t.Name,
			short(t.Tuned["eta"]), short(t.Tuned["subsample"]), t.Tuned["max_depth"], t.Tuned["min_child_weight"], obj)
	}
	tw.Flush()
}

// short prints a tuned continuous value with four decimals.
func short(s string) string {
	f, err := strconv.ParseFloat(strings.Trim(s, `"`), 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'f', 4, 64)
}

// rel shows path relative to the working directory when it is under it.
func rel(path string) string {
	if path == "" {
		return ""
	}
	if wd, err := filepath.Abs("."); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}
