// Command serve load-tests the local model server (package
// pipeline/local's Serve) on the loopback interface: a boost model of the
// seed's shape is registered, approved and served, and concurrent
// clients post text/csv requests of 1 row and of 1,000 rows, each test
// bounded by a request count and a duration. It prints requests/s,
// rows/s and the p50 and p99 latency of each.
//
//	go run ./bench/serve [-duration 3s] [-requests 20000] [-clients 1,4] [-runs 3] [-rounds 100] [-contributions] [-markdown]
//
// Each figure is the median over -runs runs, after a warm-up run.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	duration := flag.Duration("duration", 3*time.Second, "time bound of one run")
	requests := flag.Int("requests", 20000, "request bound of one 1-row run (1,000-row runs get a tenth)")
	clientList := flag.String("clients", "1,4", "concurrent clients, comma-separated")
	runs := flag.Int("runs", 3, "timed runs per figure (the median is reported)")
	rounds := flag.Int("rounds", 100, "boosting rounds of the served model")
	contribs := flag.Bool("contributions", false, "also answer each row's SHAP contributions")
	markdown := flag.Bool("markdown", false, "print a Markdown table")
	flag.Parse()
	var clients []int
	for _, s := range strings.Split(*clientList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bad -clients %q\n", *clientList)
			os.Exit(2)
		}
		clients = append(clients, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, clients, *duration, *requests, *runs, *rounds, *contribs, *markdown); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, clients []int, duration time.Duration, requests, runs, rounds int, contribs, markdown bool) error {
	root, err := os.MkdirTemp("", "serve-bench-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	srv, err := startServer(ctx, root, rounds, contribs)
	if err != nil {
		return err
	}
	var loads []load
	for _, rows := range []int{1, 1000} {
		bound := requests
		if rows > 1 {
			bound = max(1, requests/10)
		}
		for _, c := range clients {
			loads = append(loads, load{rows: rows, clients: c, maxRequests: bound, duration: duration})
		}
	}
	var results []result
	for _, l := range loads {
		warm := l
		warm.maxRequests = max(1, l.maxRequests/10)
		if _, err := warm.run(ctx, srv.url); err != nil {
			return fmt.Errorf("warm-up %d rows x %d clients: %w", l.rows, l.clients, err)
		}
		var rs []result
		for range runs {
			r, err := l.run(ctx, srv.url)
			if err != nil {
				return fmt.Errorf("%d rows x %d clients: %w", l.rows, l.clients, err)
			}
			rs = append(rs, r)
		}
		med := medianResult(rs)
		results = append(results, med)
		if !markdown {
			fmt.Fprintf(os.Stderr, "%5d rows x %d clients: %s\n", l.rows, l.clients, line(med, "  "))
		}
	}
	if err := srv.stop(); err != nil {
		return err
	}
	header := fmt.Sprintf("%s, GOMAXPROCS=%d, NumCPU=%d, %d trees of depth 6, %d features, contributions %v, %d runs of <= %v, median",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), rounds, features, contribs, runs, duration)
	if markdown {
		fmt.Printf("`%s`\n\n", header)
		fmt.Println("| rows/request | clients | requests/s | rows/s | p50 | p99 | requests per run |")
		fmt.Println("|--:|--:|--:|--:|--:|--:|--:|")
		for _, r := range results {
			fmt.Printf("| %s | %d | %s | %s | %s | %s | %d |\n", group(float64(r.rows)), r.clients, group(r.reqPerSec),
				group(r.rowsPerSec), round(r.p50), round(r.p99), r.requests)
		}
		return nil
	}
	fmt.Println(header)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "rows/request\tclients\trequests/s\trows/s\tp50\tp99\trequests\t")
	for _, r := range results {
		fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%s\t%d\t\n", r.rows, r.clients, group(r.reqPerSec), group(r.rowsPerSec),
			round(r.p50), round(r.p99), r.requests)
	}
	return w.Flush()
}

// medianResult returns the run with the median requests/s, with the
// median p50 and p99 of all runs.
func medianResult(rs []result) result {
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.reqPerSec, b.reqPerSec) })
	m := rs[len(rs)/2]
	med := func(f func(result) time.Duration) time.Duration {
		var ds []time.Duration
		for _, r := range rs {
			ds = append(ds, f(r))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	m.p50, m.p99 = med(func(r result) time.Duration { return r.p50 }), med(func(r result) time.Duration { return r.p99 })
	return m
}

func line(r result, sep string) string {
	return strings.Join([]string{group(r.reqPerSec) + " req/s", group(r.rowsPerSec) + " rows/s",
		"p50 " + round(r.p50).String(), "p99 " + round(r.p99).String(), strconv.Itoa(r.requests) + " requests"}, sep)
}

// round keeps three significant digits of a latency.
func round(d time.Duration) time.Duration {
	for unit := time.Duration(1); unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
	return d
}

// group writes n rounded to an integer with thousands separators.
func group(n float64) string {
	s := strconv.FormatInt(int64(n+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
