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
	runs := flag.Int("runs", 1, "runs per engine (the median is shown)")
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
	if _, err := os.Stat(filepath.Join(data, "housing.csv")); err != nil {
		t := time.Now()
		log.Printf("generating %d rows in %s", *rows, data)
		os.RemoveAll(data)
		if err := generate(ctx, data, *rows, 10, 256<<10, *seed, strings.Contains(*engines, "pandas")); err != nil {
			log.Fatal(err)
		}
		log.Printf("generated in %v", time.Since(t).Round(time.Millisecond))
	}
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
	var table []row
	for _, e := range strings.Split(*engines, ",") {
		r := row{name: e}
		for k := range *runs {
			outDir := filepath.Join(*dir, "out", e)
			os.RemoveAll(outDir)
			var cmd *exec.Cmd
			switch e {
			case "go":
				cmd = exec.Command(self, "-engine", "go", "-dir", data, "-out", outDir, "-budget", fmt.Sprint(*budget))
			case "polars":
				cmd = exec.Command("node", filepath.Join(here, "anchors", "polars.mjs"), data, outDir)
			case "duckdb":
				cmd = exec.Command("node", filepath.Join(here, "anchors", "duckdb.mjs"), data, outDir)
			case "pandas":
				cmd = exec.Command("/usr/bin/python3", filepath.Join(here, "anchors", "pandas_prep.py"), data, outDir)
			default:
				log.Fatalf("unknown engine %q", e)
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
		table = append(table, r)
	}
	dataMiB := float64(*rows) * 9 * 8 / (1 << 20)
	var goWall, goRSS float64
	for _, r := range table {
		if r.name == "go" {
			goWall, goRSS = median(r.wall), median(r.rss)
		}
	}
	fmt.Printf("\nseed preprocessing, %d rows (9 kept columns = %.0f MiB in memory), %d CPUs, median of %d run(s)\n\n",
		*rows, dataMiB, runtime.NumCPU(), *runs)
	fmt.Println("| engine | wall s | peak RSS MiB | RSS / data | time vs go | RSS vs go | splits |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range table {
		w, m := median(r.wall), median(r.rss)
		tv, mv := "–", "–"
		if goWall > 0 {
			tv, mv = fmt.Sprintf("%.2f×", w/goWall), fmt.Sprintf("%.2f×", m/goRSS)
		}
		fmt.Printf("| %s | %.2f | %.0f | %.2f | %s | %s | %v |\n", r.name, w, m, m/dataMiB, tv, mv, r.res.Splits)
	}
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
