// Command dataset benchmarks the seed's preprocessing step on a seeded
// synthetic offline store with this module's dataset package, Polars
// (nodejs-polars), DuckDB (@duckdb/node-api) and pandas (Debian
// python3-pandas, CSV input), each in a fresh process, and prints wall
// time and peak memory (max RSS) per engine with ratios. See README.md.
//
//	go run ./bench/dataset -rows 10000000 -dir /tmp/sagepipe-bench
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	rows := flag.Int("rows", 10_000_000, "rows of the synthetic data set")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "sagepipe-bench-dataset"), "where the data and outputs go")
	engines := flag.String("engines", "go,polars,duckdb,pandas", "engines to run, in order")
	runs := flag.Int("runs", 3, "runs per engine, round-robin (the median is shown)")
	seed := flag.Uint64("seed", 1, "data seed")
	budget := flag.Int64("budget", 0, "memory budget of our executor in bytes (0: default)")
	engine := flag.String("engine", "", "internal: run one engine in this process")
	out := flag.String("out", "", "internal: output directory")
	flag.Parse()
	ctx := context.Background()
	if *engine == "go" {
		if err := runGo(ctx, *dir, *out, *budget); err != nil {
			log.Fatal(err)
		}
		return
	}
	data := filepath.Join(*dir, fmt.Sprintf("rows%d_seed%d", *rows, *seed))
	withCSV := strings.Contains(*engines, "pandas")
	if !generated(data, withCSV) {
		t := time.Now()
		log.Printf("generating %d rows in %s", *rows, data)
		os.RemoveAll(data)
		if err := generate(ctx, data, *rows, 10, 256<<10, *seed, withCSV); err != nil {
			log.Fatal(err)
		}
		log.Printf("generated in %v", time.Since(t).Round(time.Millisecond))
	}
	loadBefore := loadAvg()
	here, err := benchDir()
	if err != nil {
		log.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	type row struct {
		name      string
		wall, rss []float64
		res       result
	}
	// Runs go round-robin (every engine once, then again), so a burst of
	// load on the shared machine spreads over the engines.
	names := strings.Split(*engines, ",")
	table := make([]row, len(names))
	for k := range *runs {
		for i, e := range names {
			r := &table[i]
			r.name = e
			outDir := filepath.Join(*dir, "out", e)
			os.RemoveAll(outDir)
			cmd, err := engineCmd(e, self, here, data, outDir, *budget)
			if err != nil {
				log.Fatal(err)
			}
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
			cmd.Dir = here
			t := time.Now()
			if err := cmd.Run(); err != nil {
				log.Fatalf("%s: %v\n%s", e, err, stdout.String())
			}
			wall := time.Since(t).Seconds()
			rss := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024 // KiB → MiB
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r.res); err != nil {
				log.Fatalf("%s: bad result line %q: %v", e, lines[len(lines)-1], err)
			}
			r.wall, r.rss = append(r.wall, wall), append(r.rss, rss)
			log.Printf("%s run %d: %.2f s, %.0f MiB, splits %v, phases %v", e, k+1, wall, rss, r.res.Splits, r.res.Phases)
		}
	}
	// The kept data in memory: PRICE (int64) and eight float64 columns,
	// 8 bytes per value, no nulls.
	dataMiB := float64(*rows) * 9 * 8 / (1 << 20)
	ref := map[string][2]float64{}
	for _, r := range table {
		ref[r.name] = [2]float64{median(r.wall), median(r.rss)}
	}
	ratio := func(v float64, base string, k int) string {
		b, ok := ref[base]
		if !ok || b[k] == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f×", v/b[k])
	}
	fmt.Printf("\nseed preprocessing, %d rows (9 kept columns = %d × 9 × 8 B = %.0f MiB in memory), %d CPUs, median of %d run(s)\n",
		*rows, *rows, dataMiB, runtime.NumCPU(), *runs)
	fmt.Printf("load average (1, 5, 15 min): %s before, %s after\n\n", loadBefore, loadAvg())
	fmt.Println("| engine | wall s | peak RSS MiB | RSS / data | time vs go | time vs polars | RSS vs go | RSS vs polars | splits |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range table {
		w, m := median(r.wall), median(r.rss)
		fmt.Printf("| %s | %.2f | %.0f | %.2f | %s | %s | %s | %s | %v |\n", r.name, w, m, m/dataMiB,
			ratio(w, "go", 0), ratio(w, "polars", 0), ratio(m, "go", 1), ratio(m, "polars", 1), r.res.Splits)
	}
}

// loadAvg returns the first three fields of /proc/loadavg ("?" elsewhere).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// engineCmd is the command running engine e on the data in data, writing
// to out.
func engineCmd(e, self, here, data, out string, budget int64) (*exec.Cmd, error) {
	switch e {
	case "go":
		return exec.Command(self, "-engine", "go", "-dir", data, "-out", out, "-budget", fmt.Sprint(budget)), nil
	case "polars":
		return exec.Command("node", filepath.Join(here, "anchors", "polars.mjs"), data, out), nil
	case "duckdb":
		return exec.Command("node", filepath.Join(here, "anchors", "duckdb.mjs"), data, out), nil
	case "pandas":
		return exec.Command("/usr/bin/python3", filepath.Join(here, "anchors", "pandas_prep.py"), data, out), nil
	}
	return nil, fmt.Errorf("unknown engine %q (want go, polars, duckdb or pandas)", e)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// benchDir finds bench/dataset (where the anchor scripts and node_modules
// are) from the working directory.
func benchDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for _, c := range []string{wd, filepath.Join(wd, "bench", "dataset")} {
		if _, err := os.Stat(filepath.Join(c, "anchors", "polars.mjs")); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("run from the module root or bench/dataset (anchors/ not found under %s)", wd)
}
