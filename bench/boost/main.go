// Command boost compares sagepipe's boost trainer with XGBoost 1.7.4 on
// seeded synthetic housing data, side by side in one run.
//
//	go run ./bench/boost                      # 1M and 4M rows, both objectives, 1 and 2 threads
//	go run ./bench/boost -rows 1000000 -threads 2 -objectives reg:squarederror
//
// For every configuration it generates the data once (Gen), writes it as
// raw float32 files, and runs each engine in a fresh process: this binary
// with -engine go, and train_xgb.py under /usr/bin/python3. Each reports
// DMatrix, train and predict seconds, train CPU seconds, the final
// validation metrics and its resident set; the table gives ours, XGBoost's
// and the ratio ours/XGBoost. See README.md for the figures.
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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sagepipe/sagepipe/boost"
)

func main() {
	engine := flag.String("engine", "", "internal: run one engine (go) on -dir and print JSON")
	dir := flag.String("dir", "", "internal: data directory for -engine")
	rowsFlag := flag.String("rows", "1000000,4000000", "comma-separated row counts")
	threadsFlag := flag.String("threads", "1,2", "comma-separated thread counts")
	objFlag := flag.String("objectives", "reg:squarederror,binary:logistic", "comma-separated objectives")
	objective := flag.String("objective", "reg:squarederror", "internal: objective for -engine")
	threads := flag.Int("nthread", 2, "internal: threads for -engine")
	rounds := flag.Int("rounds", 100, "boosting rounds")
	seed := flag.Uint64("seed", 20240601, "data seed")
	py := flag.String("python", "/usr/bin/python3", "Python with xgboost 1.7.4")
	flag.Parse()
	if *engine == "go" {
		if err := runGo(*dir, *objective, *threads, *rounds); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := drive(*rowsFlag, *threadsFlag, *objFlag, *rounds, *seed, *py); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
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
}

func drive(rowsFlag, threadsFlag, objFlag string, rounds int, seed uint64, py string) error {
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
	fmt.Printf("# boost vs XGBoost 1.7.4: hist, max_depth 6, eta 0.3, max_bin 256, %d rounds, 80/20 split, GOMAXPROCS=%d\n",
		rounds, runtime.GOMAXPROCS(0))
	fmt.Println("| rows | objective | threads | engine | train s | train CPU s | predict s | peak RSS MB (over base) | valid metric | train ratio | predict ratio |")
	fmt.Println("| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
	for _, rs := range strings.Split(rowsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(rs))
		if err != nil {
			return fmt.Errorf("-rows: %w", err)
		}
		for _, obj := range strings.Split(objFlag, ",") {
			if err := writeData(tmp, n, seed, obj); err != nil {
				return err
			}
			for _, ts := range strings.Split(threadsFlag, ",") {
				th, err := strconv.Atoi(strings.TrimSpace(ts))
				if err != nil {
					return fmt.Errorf("-threads: %w", err)
				}
				args := []string{"-engine", "go", "-dir", tmp, "-objective", obj, "-nthread", ts, "-rounds", strconv.Itoa(rounds)}
				ours, err := runEngine(exec.Command(self, args...), th)
				if err != nil {
					return fmt.Errorf("go engine: %w", err)
				}
				xgb, err := runEngine(exec.Command(py, script, tmp, obj, ts, strconv.Itoa(rounds)), th)
				if err != nil {
					return fmt.Errorf("xgboost engine: %w", err)
				}
				key := "rmse"
				if obj != "reg:squarederror" {
					key = "auc"
				}
				for _, e := range []struct {
					name string
					r    *report
				}{{"boost", ours}, {"xgboost", xgb}} {
					tr, pr := "", ""
					if e.name == "boost" {
						tr = fmt.Sprintf("%.2f", ours.TrainS/xgb.TrainS)
						pr = fmt.Sprintf("%.2f", ours.PredictS/xgb.PredictS)
					}
					fmt.Printf("| %s | %s | %d | %s | %.2f | %.2f | %.3f | %.0f (+%.0f) | %s %.5g | %s | %s |\n",
						human(n), obj, th, e.name, e.r.TrainS, e.r.TrainCPUS, e.r.PredictS, e.r.PeakMB, e.r.PeakMB-e.r.BaseMB,
						key, e.r.Metrics[key], tr, pr)
				}
				d := ours.Metrics[key]/xgb.Metrics[key] - 1
				if key == "auc" {
					fmt.Printf("|  |  |  | metric gap |  |  |  |  | auc %+.5f (abs) |  |  |\n", ours.Metrics[key]-xgb.Metrics[key])
				} else {
					fmt.Printf("|  |  |  | metric gap |  |  |  |  | rmse %+.3f%% |  |  |\n", 100*d)
				}
			}
		}
	}
	return nil
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

// runEngine runs one engine process, pinned to the first th CPUs when
// taskset exists is not assumed; it returns its JSON report.
func runEngine(cmd *exec.Cmd, _ int) (*report, error) {
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Path, err)
	}
	var r report
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%s output %q: %w", cmd.Path, out, err)
	}
	return &r, nil
}

// writeData generates n rows and writes the 80/20 split as raw float32.
func writeData(dir string, n int, seed uint64, objective string) error {
	h := Generate(n, seed)
	label := h.Price
	if objective == boost.ObjBinaryLogistic {
		label = medianLabels(h.Price)
	}
	split := n * 8 / 10
	rowMajor := func(lo, hi int) []float32 {
		out := make([]float32, 0, (hi-lo)*len(h.Cols))
		for i := lo; i < hi; i++ {
			for _, c := range h.Cols {
				out = append(out, c[i])
			}
		}
		return out
	}
	files := map[string][]float32{
		"x_train.f32": rowMajor(0, split), "x_valid.f32": rowMajor(split, n),
		"y_train.f32": label[:split], "y_valid.f32": label[split:],
	}
	for name, v := range files {
		if err := writeF32(filepath.Join(dir, name), v); err != nil {
			return err
		}
	}
	return nil
}

// medianLabels returns 1 where price is above the median price, else 0.
func medianLabels(price []float32) []float32 {
	s := append([]float32(nil), price...)
	sortF32(s)
	med := s[len(s)/2]
	out := make([]float32, len(price))
	for i, p := range price {
		if p > med {
			out[i] = 1
		}
	}
	return out
}

func writeF32(path string, v []float32) error {
	buf := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
	}
	return os.WriteFile(path, buf, 0o644)
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
func runGo(dir, objective string, threads, rounds int) error {
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
		nf := len(Features)
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
	runtime.GC()
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
	c0, t0 := cpuSeconds(), time.Now()
	res, err := boost.Train(ctx, cfg, dtrain, boost.TrainOptions{Evals: []boost.EvalSet{{Name: "valid", Data: dvalid}}})
	if err != nil {
		return err
	}
	trainS, trainCPU := time.Since(t0).Seconds(), cpuSeconds()-c0
	t0 = time.Now()
	if _, err := res.Model.Predict(ctx, xvalid, boost.PredictOptions{Threads: threads}); err != nil {
		return err
	}
	predS := time.Since(t0).Seconds()
	r := report{TrainS: trainS, TrainCPUS: trainCPU, PredictS: predS, Metrics: map[string]float64{},
		BaseMB: base, PeakMB: rssMB("VmHWM")}
	for k, v := range res.Evals["valid"] {
		r.Metrics[k] = v[len(v)-1]
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}
