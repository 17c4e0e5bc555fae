// Command actor runs Ray's microbenchmark suite against package actor and
// prints each figure beside Ray's published one (Ray 2.22.0, one AWS
// m5.16xlarge) with the ratio Go/Ray.
//
//	go run ./bench/actor [-duration 1s] [-runs 4] [-run regexp] [-cpus n] [-markdown]
//
// Each figure is the median of -runs timed runs of about -duration each,
// after a warm-up; the machine's other load shows in the spread, which is
// printed too.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/sagepipe/sagepipe/actor"
)

// result is one workload's measured figures.
type result struct {
	w           workload
	median      float64
	lo, hi      float64
	err         error
	unitsPerRun int
}

func main() {
	duration := flag.Duration("duration", time.Second, "length of one timed run")
	runs := flag.Int("runs", 4, "timed runs per figure (the median is reported)")
	only := flag.String("run", "", "regexp selecting workloads by Ray metric name")
	cpus := flag.Float64("cpus", 0, "System CPUs (0: runtime.NumCPU())")
	markdown := flag.Bool("markdown", false, "print a Markdown table")
	flag.Parse()
	re, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var results []result
	for _, w := range suite {
		if !re.MatchString(w.name) {
			continue
		}
		r := measure(w, *cpus, *duration, *runs)
		results = append(results, r)
		if !*markdown {
			fmt.Fprintf(os.Stderr, "%-48s %s\n", w.name, format(r.median, w.unit))
		}
	}
	header := fmt.Sprintf("%s, GOMAXPROCS=%d, NumCPU=%d, %d runs of %v, median", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), *runs, *duration)
	if *markdown {
		printMarkdown(os.Stdout, header, results)
	} else {
		printTable(os.Stdout, header, results)
	}
	for _, r := range results {
		if r.err != nil {
			os.Exit(1)
		}
	}
}

// measure runs w on a fresh System: setup, warm-up, calibration, then the
// timed runs.
func measure(w workload, cpus float64, d time.Duration, runs int) result {
	res := result{w: w}
	ctx := context.Background()
	sys, err := actor.NewSystem(actor.Config{CPUs: cpus})
	if err != nil {
		res.err = err
		return res
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := sys.Shutdown(sctx); err != nil && res.err == nil {
			res.err = err
		}
	}()
	run, err := w.setup(ctx, sys)
	if err != nil {
		res.err = err
		return res
	}
	// Calibrate: double n until a run takes a tenth of d (this is also the
	// warm-up), then size runs to last about d.
	n := 1
	for {
		start := time.Now()
		if res.err = run(n); res.err != nil {
			return res
		}
		el := time.Since(start)
		if el >= d/10 || n >= 1<<30 {
			n = max(1, int(float64(n)*float64(d)/float64(max(el, time.Microsecond))))
			break
		}
		n *= 2
	}
	runtime.GC()
	rates := make([]float64, 0, runs)
	for range runs {
		start := time.Now()
		if res.err = run(n); res.err != nil {
			return res
		}
		rate := float64(n) / time.Since(start).Seconds()
		if w.unit == "GB/s" {
			rate *= float64(w.bytes) / 1e9
		}
		rates = append(rates, rate)
	}
	slices.Sort(rates)
	res.unitsPerRun = n
	res.lo, res.hi = rates[0], rates[len(rates)-1]
	if k := len(rates); k%2 == 1 {
		res.median = rates[k/2]
	} else {
		res.median = (rates[k/2-1] + rates[k/2]) / 2
	}
	return res
}

func format(v float64, unit string) string {
	switch {
	case unit == "GB/s":
		return fmt.Sprintf("%.1f GB/s", v)
	case v >= 100:
		return fmt.Sprintf("%s /s", group(v))
	default:
		return fmt.Sprintf("%.2f /s", v)
	}
}

// group renders v rounded with thousands separators.
func group(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func ratio(r result) string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	if x := r.median / r.w.ray; x < 10 {
		return fmt.Sprintf("%.2fx", x)
	}
	return fmt.Sprintf("%.0fx", r.median/r.w.ray)
}

func printTable(out io.Writer, header string, results []result) {
	fmt.Fprintln(out, header)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tGo (median)\tmin-max\tRay 2.22.0\tGo/Ray\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s - %s\t%s\t%s\t\n", r.w.name, format(r.median, r.w.unit),
			format(r.lo, r.w.unit), format(r.hi, r.w.unit), format(r.w.ray, r.w.unit), ratio(r))
	}
	tw.Flush()
}

func printMarkdown(out io.Writer, header string, results []result) {
	fmt.Fprintf(out, "%s\n\n", header)
	fmt.Fprintln(out, "| Ray metric | Go (median) | Go min-max | Ray 2.22.0 | Go/Ray | shape |")
	fmt.Fprintln(out, "|---|--:|--:|--:|--:|---|")
	for _, r := range results {
		fmt.Fprintf(out, "| %s | %s | %s - %s | %s | %s | %s |\n", r.w.name, format(r.median, r.w.unit),
			format(r.lo, r.w.unit), format(r.hi, r.w.unit), format(r.w.ray, r.w.unit), ratio(r), r.w.note)
	}
}
