// Command hpo compares the tuning strategies of internal/hpo with each
// other and with Optuna 3.1's TPE sampler on functions with known optima.
//
//	go run ./bench/hpo                       # 20 seeds, budgets 10, 20, 50
//	go run ./bench/hpo -seeds 5 -functions branin
//
// For each function and seed it runs Random and Bayesian (sequentially,
// MaxParallelTrainingJobs 1) for the largest budget and records the best
// value found after each budget's number of trials; tpe.py runs Optuna's
// TPESampler(seed) on the same function and space under /usr/bin/python3.
// The table gives the medians over seeds and each strategy's mean
// suggestion time per trial. A second table compares Hyperband with Random
// on the same functions given learning curves: the resource units
// Hyperband spends to reach the best value Random finds. See README.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/internal/hpo"
)

func main() {
	seeds := flag.Int("seeds", 20, "seeds per function and strategy")
	budgetsFlag := flag.String("budgets", "10,20,50", "comma-separated numbers of trials")
	funcsFlag := flag.String("functions", "branin,hartmann6,mixed", "comma-separated functions")
	python := flag.String("python", "/usr/bin/python3", "Python with Optuna 3.1 (Debian python3-optuna)")
	noTPE := flag.Bool("no-tpe", false, "skip Optuna")
	hbTrials := flag.Int("hyperband-trials", 50, "Random trials in the Hyperband comparison (0 skips it)")
	hbMax := flag.Int("hyperband-max", 27, "MaxResource of the Hyperband comparison")
	parallel := flag.Int("parallel", 1, "MaxParallelTrainingJobs of our strategies (trials still end in index order)")
	flag.Parse()

	budgets, err := parseInts(*budgetsFlag)
	if err != nil || len(budgets) == 0 {
		fail(fmt.Errorf("-budgets: %v", err))
	}
	trials := slices.Max(budgets)
	want := map[string]bool{}
	for _, f := range strings.Split(*funcsFlag, ",") {
		want[strings.TrimSpace(f)] = true
	}
	ctx := context.Background()
	fmt.Printf("hpo bench: %d seeds, budgets %v, MaxParallel %d, GOMAXPROCS %d, %s\n\n", *seeds, budgets, *parallel, runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))

	type row struct {
		fn      string
		n       int
		med     map[string]float64
		suggest map[string]float64
	}
	var rows []row
	for _, p := range problems() {
		if !want[p.name] {
			continue
		}
		curves := map[string][][]float64{}
		perTrial := map[string][]float64{}
		for _, st := range []hpo.Strategy{hpo.Random, hpo.Bayesian} {
			for seed := range *seeds {
				vals, d, err := runOurs(ctx, p, st, trials, *parallel, int64(seed))
				if err != nil {
					fail(err)
				}
				curves[string(st)] = append(curves[string(st)], vals)
				perTrial[string(st)] = append(perTrial[string(st)], d.Seconds()/float64(trials))
			}
			fmt.Fprintf(os.Stderr, "%s %s done\n", p.name, st)
		}
		if !*noTPE {
			vals, ask, err := runTPE(*python, p.name, *seeds, trials)
			if err != nil {
				fail(err)
			}
			curves["TPE"] = vals
			perTrial["TPE"] = ask
			fmt.Fprintf(os.Stderr, "%s TPE done\n", p.name)
		}
		for _, n := range budgets {
			r := row{fn: p.name, n: n, med: map[string]float64{}, suggest: map[string]float64{}}
			for k, cs := range curves {
				var bests []float64
				for _, c := range cs {
					bests = append(bests, slices.Min(c[:n]))
				}
				r.med[k] = median(bests)
				r.suggest[k] = median(perTrial[k])
			}
			rows = append(rows, r)
		}
	}

	fmt.Println("Median over seeds of the best value after N trials (lower is better):")
	fmt.Println()
	fmt.Println("| function | N | Random | Bayesian (ours) | Optuna TPE | Bayesian < Random | Bayesian <= TPE |")
	fmt.Println("|---|---:|---:|---:|---:|:---:|:---:|")
	for _, r := range rows {
		tpe, vsTPE := "—", "—"
		if v, ok := r.med["TPE"]; ok {
			tpe = fmt.Sprintf("%.4f", v)
			vsTPE = yes(r.med["Bayesian"] <= v)
			if r.n < 20 {
				vsTPE += " (no target)"
			}
		}
		fmt.Printf("| %s | %d | %.4f | %.4f | %s | %s | %s |\n", r.fn, r.n, r.med["Random"], r.med["Bayesian"], tpe, yes(r.med["Bayesian"] < r.med["Random"]), vsTPE)
	}
	fmt.Println()
	fmt.Println("Suggestion time per trial (median over seeds of each run's mean, ms):")
	fmt.Println()
	fmt.Println("| function | Random | Bayesian (ours) | Optuna TPE (ask + suggest) |")
	fmt.Println("|---|---:|---:|---:|")
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.fn] {
			continue
		}
		seen[r.fn] = true
		tpe := "—"
		if v, ok := r.suggest["TPE"]; ok {
			tpe = fmt.Sprintf("%.2f", v*1e3)
		}
		fmt.Printf("| %s | %.3f | %.2f | %s |\n", r.fn, r.suggest["Random"]*1e3, r.suggest["Bayesian"]*1e3, tpe)
	}

	if *hbTrials > 0 {
		fmt.Println()
		fmt.Printf("Hyperband (MinResource 1, MaxResource %d, eta 3) against Random with every trial run to %d units: the resource units Hyperband spends until its best value is at least as good as Random's best after %d trials (medians over seeds; Hyperband may run up to %d trials):\n\n", *hbMax, *hbMax, *hbTrials, 4**hbTrials)
		fmt.Println("| function | Random units | Random best | Hyperband units to that best | ratio | seeds reaching it | Hyperband trials |")
		fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
		for _, p := range problems() {
			if !want[p.name] {
				continue
			}
			var rdBest, hbUnits, hbTrialsUsed []float64
			reached := 0
			for seed := range *seeds {
				rb, _, _, err := runCurves(ctx, p, hpo.Random, *hbTrials, *hbMax, int64(seed), math.Inf(-1))
				if err != nil {
					fail(err)
				}
				_, units, n, err := runCurves(ctx, p, hpo.Hyperband, 4**hbTrials, *hbMax, int64(seed), rb)
				if err != nil {
					fail(err)
				}
				rdBest = append(rdBest, rb)
				if n > 0 {
					reached++
					hbUnits = append(hbUnits, float64(units))
					hbTrialsUsed = append(hbTrialsUsed, float64(n))
				}
			}
			rdUnits := float64(*hbTrials * *hbMax)
			hu, ht := math.NaN(), math.NaN()
			if len(hbUnits) > 0 {
				hu, ht = median(hbUnits), median(hbTrialsUsed)
			}
			fmt.Printf("| %s | %.0f | %.4f | %.0f | %.2f | %d/%d | %.0f |\n", p.name, rdUnits, median(rdBest), hu, hu/rdUnits, reached, *seeds, ht)
		}
	}
}

// runOurs runs one strategy for trials trials and returns the objective of
// each trial in index order and the time spent in Suggest.
func runOurs(ctx context.Context, p problem, st hpo.Strategy, trials, parallel int, seed int64) ([]float64, time.Duration, error) {
	space, err := hpo.NewSpace(p.ranges)
	if err != nil {
		return nil, 0, err
	}
	tu, err := hpo.New(hpo.Config{Space: space, Strategy: st, Objective: hpo.Minimize, MaxJobs: trials, MaxParallel: parallel, Seed: seed})
	if err != nil {
		return nil, 0, err
	}
	var vals []float64
	var spent time.Duration
	for !tu.Done() {
		start := time.Now()
		ts, err := tu.Suggest(ctx)
		spent += time.Since(start)
		if err != nil {
			return nil, 0, err
		}
		for _, t := range ts {
			v := p.f(t.Params)
			vals = append(vals, v)
			if err := tu.Complete(t.Index, v); err != nil {
				return nil, 0, err
			}
		}
	}
	return vals, spent, nil
}

// runCurves runs trials with learning curves of maxStep units. It returns
// the best final value, and — once the best value reaches target — the
// units spent and trials run until then (n = 0 if never).
func runCurves(ctx context.Context, p problem, st hpo.Strategy, trials, maxStep int, seed int64, target float64) (best float64, units, n int, err error) {
	space, err := hpo.NewSpace(p.ranges)
	if err != nil {
		return 0, 0, 0, err
	}
	cfg := hpo.Config{Space: space, Strategy: st, Objective: hpo.Minimize, MaxJobs: trials, MaxParallel: 1, Seed: seed}
	if st == hpo.Hyperband {
		cfg.Hyperband = &hpo.HyperbandConfig{MinResource: 1, MaxResource: maxStep}
	}
	tu, err := hpo.New(cfg)
	if err != nil {
		return 0, 0, 0, err
	}
	best = math.Inf(1)
	spent := 0
	for !tu.Done() {
		ts, err := tu.Suggest(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		for _, t := range ts {
			final := p.f(t.Params)
			last := 0.0
			for s := 1; s <= maxStep; s++ {
				last = learningCurve(final, t.Params, s, maxStep)
				spent++
				stop, err := tu.ShouldStop(t.Index, s, last)
				if err != nil {
					return 0, 0, 0, err
				}
				if stop {
					break
				}
			}
			if err := tu.Complete(t.Index, last); err != nil {
				return 0, 0, 0, err
			}
			best = min(best, last)
			if best <= target {
				return best, spent, t.Index + 1, nil
			}
		}
	}
	return best, spent, 0, nil
}

type tpeLine struct {
	Seed   int       `json:"seed"`
	Values []float64 `json:"values"`
	AskS   []float64 `json:"ask_s"`
}

// runTPE runs tpe.py and returns each seed's values and mean ask time.
func runTPE(python, fn string, seeds, trials int) ([][]float64, []float64, error) {
	script := filepath.Join(sourceDir(), "tpe.py")
	cmd := exec.Command(python, script, fn, strconv.Itoa(seeds), strconv.Itoa(trials))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("starting %s %s: %w", python, script, err)
	}
	var vals [][]float64
	var ask []float64
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l tpeLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, nil, fmt.Errorf("tpe.py output %q: %w", sc.Text(), err)
		}
		if len(l.Values) != trials {
			return nil, nil, fmt.Errorf("tpe.py seed %d: %d values, want %d", l.Seed, len(l.Values), trials)
		}
		vals = append(vals, l.Values)
		sum := 0.0
		for _, a := range l.AskS {
			sum += a
		}
		ask = append(ask, sum/float64(len(l.AskS)))
	}
	if err := cmd.Wait(); err != nil {
		return nil, nil, fmt.Errorf("tpe.py %s: %w", fn, err)
	}
	if len(vals) != seeds {
		return nil, nil, fmt.Errorf("tpe.py %s: %d seeds, want %d", fn, len(vals), seeds)
	}
	return vals, ask, nil
}

// sourceDir is this package's directory (bench/hpo), found from the
// working directory as go run leaves it: the module root or bench/hpo.
func sourceDir() string {
	for _, d := range []string{"bench/hpo", "."} {
		if _, err := os.Stat(filepath.Join(d, "tpe.py")); err == nil {
			return d
		}
	}
	return "bench/hpo"
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hpo bench:", err)
	os.Exit(1)
}
