// Command boost compares sagepipe's boost trainer with XGBoost 1.7.4 on
// seeded synthetic data (internal/synth: housing, HIGGS-like and
// low-cardinality), side by side in one run.
//
//	go run ./bench/boost                      # all three data sets, 1M and 4M rows, both objectives, 1 and 2 threads
//	go run ./bench/boost -data higgs -rows 1000000 -threads 2 -objectives reg:squarederror -repeat 3
//	go run ./bench/boost -data lowcard -rows 1000000 -threads 2 -cpuprofile /tmp/boost.prof
//
// For every configuration it generates the data once (synth), writes it
// as raw float32 files, and runs each engine in a fresh process, -repeat
// times, alternating: this binary with -engine go, and train_xgb.py under
// /usr/bin/python3. Each reports train seconds (validation set evaluated
// every round), train CPU seconds, the median predict seconds of the
// validation rows, the final validation metrics and its resident set; the
// driver adds the CPU time other processes used during the run. The table
// gives each engine's medians and the ratios ours/XGBoost. See README.md
// for the figures.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/dataset"
	"github.com/sagepipe/sagepipe/internal/synth"
)

func main() {
	engine := flag.String("engine", "", "internal: run one engine (go) on -dir and print JSON")
	dir := flag.String("dir", "", "internal: data directory for -engine")
	dataFlag := flag.String("data", strings.Join(synth.Names(), ","), "comma-separated data sets: "+strings.Join(synth.Names(), ", "))
	rowsFlag := flag.String("rows", "1000000,4000000", "comma-separated row counts")
	threadsFlag := flag.String("threads", "1,2", "comma-separated thread counts")
	objFlag := flag.String("objectives", "reg:squarederror,binary:logistic", "comma-separated objectives")
	objective := flag.String("objective", "reg:squarederror", "internal: objective for -engine")
	threads := flag.Int("nthread", 2, "internal: threads for -engine")
	rounds := flag.Int("rounds", 100, "boosting rounds")
	repeat := flag.Int("repeat", 1, "runs of each engine per configuration (alternating); the table gives medians")
	predRepeat := flag.Int("predict-repeat", 5, "predictions of the validation rows per run; the median is kept")
	seed := flag.Uint64("seed", 20240601, "data seed")
	py := flag.String("python", "/usr/bin/python3", "Python with xgboost 1.7.4")
	writeDir := flag.String("write-data", "", "write the data of the first -data, -rows and -objectives to this directory (for -engine go -dir) and exit")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of our training (and prediction) to this file; with several configurations, to FILE.<rows>.<objective>.<threads>")
	flag.Parse()
	if *engine == "go" {
		if err := runGo(*dir, *objective, *threads, *rounds, *predRepeat, *cpuprofile); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if *writeDir != "" {
		if err := writeFirst(*writeDir, *dataFlag, *rowsFlag, *objFlag, *seed); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	o := options{data: *dataFlag, rows: *rowsFlag, threads: *threadsFlag, objectives: *objFlag, rounds: *rounds, repeat: max(1, *repeat),
		predRepeat: max(1, *predRepeat), seed: *seed, python: *py, cpuprofile: *cpuprofile}
	if err := drive(o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// options are the driver's flags.
type options struct {
	data, rows, threads, objectives string
	rounds, repeat, predRepeat      int
	seed                            uint64
	python, cpuprofile              string
}

// report is one engine's measurements.
type report struct {
	DMatrixS  float64            `json:"dmatrix_s"`
	TrainS    float64            `json:"train_s"`
	TrainCPUS float64            `json:"train_cpu_s"`
	PredictS  float64            `json:"predict_s"`
	Metrics   map[string]float64 `json:"metrics"`
	BaseMB    float64            `json:"base_mb"`
	PeakMB    float64            `json:"peak_mb"`
	// OtherCPUS is the CPU time that other processes used on the machine
	// while this engine ran (set by the driver): a measure of interference.
	OtherCPUS float64 `json:"-"`
}

func drive(o options) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script, err := findScript()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "boostbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("# boost vs XGBoost 1.7.4: hist, max_depth 6, eta 0.3, max_bin 256, %d rounds, 80/20 split, validation evaluated every round\n", o.rounds)
	fmt.Printf("# %d CPUs, load average %s; medians of %d run(s) per engine, prediction median of %d\n",
		runtime.NumCPU(), loadAvg(), o.repeat, o.predRepeat)
	fmt.Println("| data | rows | objective | threads | engine | train s | train CPU s | predict s | peak RSS MB (over base) | valid metric | others' CPU s | train ratio | predict ratio | RSS ratio |")
	fmt.Println("| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
	rowList, err := ints(o.rows, "-rows")
	if err != nil {
		return err
	}
	threadList, err := ints(o.threads, "-threads")
	if err != nil {
		return err
	}
	dataList := strings.Split(o.data, ",")
	gens := make([]synth.Generator, len(dataList))
	for i, name := range dataList {
		dataList[i] = strings.TrimSpace(name)
		if gens[i], err = synth.Lookup(name); err != nil {
			return fmt.Errorf("-data: %w", err)
		}
	}
	multi := len(dataList)*len(rowList)*len(threadList)*len(strings.Split(o.objectives, ",")) > 1
	for di, name := range dataList {
		for _, n := range rowList {
			if err := runRows(o, self, script, tmp, name, gens[di], n, threadList, multi); err != nil {
				return err
			}
		}
	}
	fmt.Printf("# load average at the end: %s\n", loadAvg())
	return nil
}

// runRows generates n rows of one data set and runs every objective and
// thread count on them.
func runRows(o options, self, script, tmp, name string, gen synth.Generator, n int, threadList []int, multi bool) error {
	d := gen(n, o.seed)
	for _, obj := range strings.Split(o.objectives, ",") {
		obj = strings.TrimSpace(obj)
		if err := writeData(context.Background(), tmp, d, obj); err != nil {
			return err
		}
		for _, th := range threadList {
			args := []string{"-engine", "go", "-dir", tmp, "-objective", obj, "-nthread", strconv.Itoa(th),
				"-rounds", strconv.Itoa(o.rounds), "-predict-repeat", strconv.Itoa(o.predRepeat)}
			if o.cpuprofile != "" {
				prof := o.cpuprofile
				if multi {
					prof = fmt.Sprintf("%s.%s.%s.%s.%d", prof, name, human(n), strings.ReplaceAll(obj, ":", "_"), th)
				}
				args = append(args, "-cpuprofile", prof)
			}
			var ours, xgb []*report
			for range o.repeat {
				r, err := runEngine(exec.Command(self, args...))
				if err != nil {
					return fmt.Errorf("go engine: %w", err)
				}
				ours = append(ours, r)
				r, err = runEngine(exec.Command(o.python, script, tmp, obj, strconv.Itoa(th), strconv.Itoa(o.rounds), strconv.Itoa(o.predRepeat)))
				if err != nil {
					return fmt.Errorf("xgboost engine: %w", err)
				}
				xgb = append(xgb, r)
			}
			printRows(name, n, obj, th, medianReport(ours), medianReport(xgb))
		}
	}
	return nil
}

// printRows writes the two engines' table rows and the metric gap.
func printRows(data string, n int, obj string, th int, ours, xgb *report) {
	key := "rmse"
	if obj != boost.ObjSquaredError {
		key = "auc"
	}
	for _, e := range []struct {
		name string
		r    *report
	}{{"boost", ours}, {"xgboost", xgb}} {
		tr, pr, mr := "", "", ""
		if e.name == "boost" {
			tr = fmt.Sprintf("%.2f", ours.TrainS/xgb.TrainS)
			pr = fmt.Sprintf("%.2f", ours.PredictS/xgb.PredictS)
			mr = fmt.Sprintf("%.2f", ours.PeakMB/xgb.PeakMB)
		}
		fmt.Printf("| %s | %s | %s | %d | %s | %.2f | %.2f | %.3f | %.0f (+%.0f) | %s %.6g | %.1f | %s | %s | %s |\n",
			data, human(n), obj, th, e.name, e.r.TrainS, e.r.TrainCPUS, e.r.PredictS, e.r.PeakMB, e.r.PeakMB-e.r.BaseMB,
			key, e.r.Metrics[key], e.r.OtherCPUS, tr, pr, mr)
	}
	if key == "auc" {
		fmt.Printf("|  |  |  |  | metric gap |  |  |  |  | auc %+.5f (abs) |  |  |  |  |\n", ours.Metrics[key]-xgb.Metrics[key])
	} else {
		fmt.Printf("|  |  |  |  | metric gap |  |  |  |  | rmse %+.3f%% |  |  |  |  |\n", 100*(ours.Metrics[key]/xgb.Metrics[key]-1))
	}
}

// medianReport returns the field-by-field median of the runs (the metrics
// are deterministic and taken from the first run).
func medianReport(rs []*report) *report {
	pick := func(f func(r *report) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		return median(v)
	}
	return &report{
		DMatrixS:  pick(func(r *report) float64 { return r.DMatrixS }),
		TrainS:    pick(func(r *report) float64 { return r.TrainS }),
		TrainCPUS: pick(func(r *report) float64 { return r.TrainCPUS }),
		PredictS:  pick(func(r *report) float64 { return r.PredictS }),
		BaseMB:    pick(func(r *report) float64 { return r.BaseMB }),
		PeakMB:    pick(func(r *report) float64 { return r.PeakMB }),
		OtherCPUS: pick(func(r *report) float64 { return r.OtherCPUS }),
		Metrics:   rs[0].Metrics,
	}
}

func ints(list, flagName string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flagName, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// loadAvg returns the three load averages of /proc/loadavg.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// busyCPUSeconds is the CPU time all processes have used since boot
// (user, nice, system, irq, softirq, steal), from /proc/stat.
func busyCPUSeconds() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return math.NaN()
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return math.NaN()
	}
	var ticks float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		ticks += v
	}
	return ticks / 100 // USER_HZ
}

func human(n int) string {
	if n%1000000 == 0 {
		return fmt.Sprintf("%dM", n/1000000)
	}
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// findScript locates train_xgb.py beside the sources.
func findScript() (string, error) {
	for _, p := range []string{"bench/boost/train_xgb.py", "train_xgb.py"} {
		if _, err := os.Stat(p); err == nil {
			return filepath.Abs(p)
		}
	}
	return "", fmt.Errorf("train_xgb.py not found: run from the module root")
}

// runEngine runs one engine process and returns its JSON report, with the
// CPU time other processes used meanwhile.
func runEngine(cmd *exec.Cmd) (*report, error) {
	cmd.Stderr = os.Stderr
	busy0 := busyCPUSeconds()
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Path, err)
	}
	busy := busyCPUSeconds() - busy0
	var r report
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%s output %q: %w", cmd.Path, out, err)
	}
	own := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	r.OtherCPUS = max(0, busy-own)
	return &r, nil
}

// writeData writes the 80/20 split of d as raw float32 files: features
// row-major, and the label of the objective (the class for
// binary:logistic, the target otherwise).
func writeData(ctx context.Context, dir string, d *synth.Data, objective string) error {
	n := d.Rows()
	label := d.Label(objective == boost.ObjBinaryLogistic)
	split := n * 8 / 10
	files := map[string][]float32{
		"x_train.f32": d.RowMajor(0, split), "x_valid.f32": d.RowMajor(split, n),
		"y_train.f32": label[:split], "y_valid.f32": label[split:],
	}
	for name, v := range files {
		if err := writeF32(ctx, filepath.Join(dir, name), v); err != nil {
			return err
		}
	}
	return nil
}

// writeFirst writes the first configuration's data to dir, so that one engine
// can be run and profiled on it again and again with -engine go -dir.
func writeFirst(dir, data, rows, objectives string, seed uint64) error {
	gen, err := synth.Lookup(strings.TrimSpace(strings.Split(data, ",")[0]))
	if err != nil {
		return fmt.Errorf("-data: %w", err)
	}
	n, err := ints(strings.Split(rows, ",")[0], "-rows")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeData(context.Background(), dir, gen(n[0], seed), strings.TrimSpace(strings.Split(objectives, ",")[0]))
}

// writeF32 writes v as little-endian float32 values to path atomically (a
// temporary file in the same directory, fsynced, then renamed), so a reader
// never sees a partly written file.
func writeF32(ctx context.Context, path string, v []float32) error {
	buf := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
	}
	w, err := dataset.LocalFS{}.Create(ctx, path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := w.Write(buf); err != nil {
		w.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return w.Commit()
}

func readF32(path string) ([]float32, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v := make([]float32, len(buf)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
	}
	return v, nil
}

// rssMB reads a field (VmRSS, VmHWM) of /proc/self/status in MB.
func rssMB(field string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return math.NaN()
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return math.NaN()
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// runGo is the Go engine: the same steps as train_xgb.py.
func runGo(dir, objective string, threads, rounds, predRepeat int, cpuprofile string) error {
	ctx := context.Background()
	load := func(x, y string) (*boost.DMatrix, []float32, error) {
		xs, err := readF32(filepath.Join(dir, x))
		if err != nil {
			return nil, nil, err
		}
		ys, err := readF32(filepath.Join(dir, y))
		if err != nil {
			return nil, nil, err
		}
		if len(ys) == 0 || len(xs)%len(ys) != 0 {
			return nil, nil, fmt.Errorf("%s: %d values are not a whole number of rows for %d labels", x, len(xs), len(ys))
		}
		nf := len(xs) / len(ys)
		cols := make([][]float32, nf)
		for j := range cols {
			cols[j] = make([]float32, len(ys))
			for i := range ys {
				cols[j][i] = xs[i*nf+j]
			}
		}
		d, err := boost.NewDMatrix32(cols, ys)
		return d, xs, err
	}
	dtrain, _, err := load("x_train.f32", "y_train.f32")
	if err != nil {
		return err
	}
	dvalid, xvalid, err := load("x_valid.f32", "y_valid.f32")
	if err != nil {
		return err
	}
	// The row-major training file read by load is garbage now: return it
	// to the system, so that the base is the loaded data and the peak
	// counts from there.
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	base := rssMB("VmRSS")
	metrics := []string{"rmse", "mae"}
	if objective != boost.ObjSquaredError {
		metrics = []string{"logloss", "auc", "error"}
	}
	cfg, err := boost.NewConfig(map[string]any{"tree_method": "hist", "max_depth": 6, "eta": 0.3, "max_bin": 256,
		"nthread": threads, "seed": 0, "objective": objective, "eval_metric": metrics, "num_boost_round": rounds})
	if err != nil {
		return err
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	c0, t0 := cpuSeconds(), time.Now()
	res, err := boost.Train(ctx, cfg, dtrain, boost.TrainOptions{Evals: []boost.EvalSet{{Name: "valid", Data: dvalid}}})
	if err != nil {
		return err
	}
	trainS, trainCPU := time.Since(t0).Seconds(), cpuSeconds()-c0
	pred, err := res.Model.NewPredictor(boost.PredictOptions{Threads: threads})
	if err != nil {
		return err
	}
	// Collect training's garbage first so that a background collection
	// does not run during the timed predictions.
	runtime.GC()
	times := make([]float64, max(1, predRepeat))
	for i := range times {
		t0 = time.Now()
		if _, err := pred.Predict(ctx, xvalid); err != nil {
			return err
		}
		times[i] = time.Since(t0).Seconds()
	}
	predS := median(times)
	r := report{TrainS: trainS, TrainCPUS: trainCPU, PredictS: predS, Metrics: map[string]float64{},
		BaseMB: base, PeakMB: rssMB("VmHWM")}
	for k, v := range res.Evals["valid"] {
		r.Metrics[k] = v[len(v)-1]
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}
