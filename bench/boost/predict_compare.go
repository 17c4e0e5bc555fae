package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/sagepipe/sagepipe/boost"
)

// predictResult compares our prediction with XGBoost 1.7.4's for one model
// and one set of rows. Times are medians over the repeats; CPU times count
// every thread, and are the steadier figure on a busy machine.
type predictResult struct {
	Rows, Outputs    int
	Threads, Repeats int
	OursS, OursCPUS  float64 // boost: Predictor.Predict
	XGBS, XGBCPUS    float64 // XGBoost: Booster.predict on a DMatrix
	XGBDMatrixS      float64 // XGBoost: building that DMatrix (not in XGBS)
	Exact            int     // outputs with the same float32 bits
	MaxULP           int64   // largest difference of the others, in ulp
}

// findPredictScript locates predict_xgb.py from the module root or from
// bench/boost.
func findPredictScript() (string, error) {
	for _, p := range []string{"bench/boost/predict_xgb.py", "predict_xgb.py"} {
		if _, err := os.Stat(p); err == nil {
			return filepath.Abs(p)
		}
	}
	return "", fmt.Errorf("predict_xgb.py not found: run from the module root")
}

// comparePredict saves m into dir, then predicts the rows x (row-major,
// m.NumFeature columns, NaN = missing) repeats times with our Predictor on
// threads goroutines and, in one run of predict_xgb.py under py, repeats
// times with XGBoost at nthread=threads, and compares the two outputs bit
// for bit.
func comparePredict(ctx context.Context, py, dir string, m *boost.Model, x []float32, threads, repeats int) (*predictResult, error) {
	script, err := findPredictScript()
	if err != nil {
		return nil, err
	}
	modelPath := filepath.Join(dir, "predict_model.ubj")
	if err := m.Save(ctx, modelPath); err != nil {
		return nil, err
	}
	rowsPath := filepath.Join(dir, "predict_rows.f32")
	if err := writeF32(ctx, rowsPath, x); err != nil {
		return nil, err
	}
	p, err := m.NewPredictor(boost.PredictOptions{Threads: threads})
	if err != nil {
		return nil, err
	}
	res := &predictResult{Rows: len(x) / m.NumFeature, Threads: threads, Repeats: repeats}
	var ours []float32
	wall, cpu := make([]float64, repeats), make([]float64, repeats)
	for i := range repeats {
		c0, t0 := cpuSeconds(), time.Now()
		if ours, err = p.Predict(ctx, x); err != nil {
			return nil, err
		}
		wall[i], cpu[i] = time.Since(t0).Seconds(), cpuSeconds()-c0
	}
	res.OursS, res.OursCPUS = median(wall), median(cpu)
	res.Outputs = len(ours)

	outPath := filepath.Join(dir, "predict_xgb.f32")
	cmd := exec.CommandContext(ctx, py, script, modelPath, rowsPath, strconv.Itoa(m.NumFeature),
		strconv.Itoa(threads), strconv.Itoa(repeats), outPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("predict_xgb.py: %w", err)
	}
	var xr struct {
		DMatrixWallS float64 `json:"dmatrix_wall_s"`
		PredictWallS float64 `json:"predict_wall_s"`
		PredictCPUS  float64 `json:"predict_cpu_s"`
	}
	if err := json.Unmarshal(out, &xr); err != nil {
		return nil, fmt.Errorf("predict_xgb.py output %q: %w", out, err)
	}
	res.XGBS, res.XGBCPUS, res.XGBDMatrixS = xr.PredictWallS, xr.PredictCPUS, xr.DMatrixWallS
	theirs, err := readF32(outPath)
	if err != nil {
		return nil, err
	}
	if len(theirs) != len(ours) {
		return nil, fmt.Errorf("XGBoost returned %d outputs, we %d", len(theirs), len(ours))
	}
	for i := range ours {
		d := int64(math.Float32bits(ours[i])) - int64(math.Float32bits(theirs[i]))
		if d == 0 {
			res.Exact++
		}
		res.MaxULP = max(res.MaxULP, d, -d)
	}
	return res, nil
}

// median returns the middle value of v (the mean of the two middle ones
// for an even count).
func median(v []float64) float64 {
	s := slices.Clone(v)
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

// printPredict writes one Markdown table row pair for a comparison: each
// engine's median wall and CPU seconds, and ours/XGBoost.
func printPredict(label string, r *predictResult) {
	fmt.Printf("| %s | %d | %d | boost | %.3f | %.3f | %.2f | %.2f | %d/%d exact, max %d ulp |\n",
		label, r.Rows, r.Threads, r.OursS, r.OursCPUS, r.OursS/r.XGBS, r.OursCPUS/r.XGBCPUS, r.Exact, r.Outputs, r.MaxULP)
	fmt.Printf("| %s | %d | %d | xgboost | %.3f | %.3f |  |  | (+%.3f s DMatrix) |\n",
		label, r.Rows, r.Threads, r.XGBS, r.XGBCPUS, r.XGBDMatrixS)
}
