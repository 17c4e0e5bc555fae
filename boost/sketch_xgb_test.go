package boost

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// cutsJob is the input of testdata/xgb_cuts.py.
type cutsJob struct {
	Rows  int          `json:"rows"`
	Cols  int          `json:"cols"`
	X     string       `json:"x"`
	Y     *string      `json:"y"`
	W     *string      `json:"w"`
	Cuts  []cutsParams `json:"cuts"`
	Train []trainJob   `json:"train"`
}

type cutsParams struct {
	MaxBin  int `json:"max_bin"`
	Nthread int `json:"nthread"`
}

type trainJob struct {
	Params map[string]any `json:"params"`
	Rounds int            `json:"rounds"`
	Y      *string        `json:"y,omitempty"` // base64 float32 labels replacing the job's
	W      *string        `json:"w,omitempty"` // base64 float32 weights replacing the job's
	// GH, when set, is base64 float32 gradient/hessian pairs: XGBoost
	// trains one round on them as a custom objective.
	GH *string `json:"gh,omitempty"`
}

// xgbCuts is one set of XGBoost's cuts, float32 values as bits.
type xgbCuts struct {
	Values []uint32 `json:"values"`
	Ptrs   []uint32 `json:"ptrs"`
	Mins   []uint32 `json:"mins"`
}

type cutsResult struct {
	Cuts   []xgbCuts `json:"cuts"`
	Models []pyModel `json:"models"`
}

func f32base64(v []float32) *string {
	if v == nil {
		return nil
	}
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	s := base64.StdEncoding.EncodeToString(b)
	return &s
}

// runCutsJob asks XGBoost 1.7.4 (testdata/xgb_cuts.py) for the cuts and
// models of d's rows; the test is skipped without XGBoost.
func runCutsJob(t *testing.T, d *DMatrix, cuts []cutsParams, train []trainJob) cutsResult {
	t.Helper()
	requireXGBoost(t)
	job := cutsJob{Rows: d.rows, Cols: len(d.cols), X: *f32base64(d.RowMajor()), Y: f32base64(d.label),
		W: f32base64(d.weight), Cuts: cuts, Train: train}
	in, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(debianPython, "testdata/xgb_cuts.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xgb_cuts.py: %v\n%s", err, stderr.String())
	}
	var res cutsResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("xgb_cuts.py output: %v", err)
	}
	return res
}

// diffCuts returns the first difference between our cuts and XGBoost's,
// compared bit for bit, or "".
func diffCuts(c *cuts, x xgbCuts) string {
	if len(x.Ptrs) != len(c.vals)+1 {
		return fmt.Sprintf("%d features, xgboost %d", len(c.vals), len(x.Ptrs)-1)
	}
	for f, cv := range c.vals {
		want := x.Values[x.Ptrs[f]:x.Ptrs[f+1]]
		if len(cv) != len(want) {
			return fmt.Sprintf("feature %d: %d cuts, xgboost %d", f, len(cv), len(want))
		}
		for i, v := range cv {
			if math.Float32bits(v) != want[i] {
				return fmt.Sprintf("feature %d cut %d: %v, xgboost %v", f, i, v, math.Float32frombits(want[i]))
			}
		}
		if math.Float32bits(c.minVal[f]) != x.Mins[f] {
			return fmt.Sprintf("feature %d: min value %v, xgboost %v", f, c.minVal[f], math.Float32frombits(x.Mins[f]))
		}
	}
	return ""
}

// sketchCase is a data set for the cut comparisons.
type sketchCase struct {
	name    string
	cols    [][]float32
	weight  []float32
	maxBins []int
}

func sketchCases() []sketchCase {
	r := rand.New(rand.NewPCG(7, 16))
	col := func(n int, f func(i int) float32) []float32 {
		c := make([]float32, n)
		for i := range c {
			c[i] = f(i)
		}
		return c
	}
	nan := float32(math.NaN())
	normal := func(i int) float32 { return float32(r.NormFloat64()) }
	big := 200_000
	weights := func(n int) []float32 { return col(n, func(int) float32 { return float32(r.ExpFloat64()) }) }
	return []sketchCase{
		{name: "small", cols: [][]float32{{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}, {0.5, 0.25, 0.5, 0.25, 1}}, maxBins: []int{2, 3, 256}},
		{name: "ties", cols: [][]float32{col(3000, func(i int) float32 { return float32(i % 7) }), col(3000, func(i int) float32 { return float32(i/500) * 0.1 })}, maxBins: []int{2, 4, 7, 256}},
		{name: "heavy duplicates", cols: [][]float32{col(50_000, func(i int) float32 {
			if r.IntN(10) < 9 {
				return 1
			}
			return float32(r.IntN(1000))
		})}, maxBins: []int{16, 256}},
		{name: "constant", cols: [][]float32{col(1000, func(int) float32 { return 3.5 }), col(1000, func(int) float32 { return -2 }), col(1000, func(int) float32 { return 0 })}, maxBins: []int{256}},
		{name: "nan", cols: [][]float32{
			col(20_000, func(i int) float32 {
				if i%3 == 0 {
					return nan
				}
				return float32(r.NormFloat64())
			}),
			col(20_000, func(int) float32 { return nan }),
			col(20_000, func(i int) float32 {
				if i < 19_990 {
					return nan
				}
				return float32(i)
			})}, maxBins: []int{256, 32}},
		{name: "negative", cols: [][]float32{col(30_000, func(int) float32 { return -float32(r.ExpFloat64()) * 1000 }), col(30_000, func(i int) float32 { return float32(-(i % 300)) })}, maxBins: []int{256, 100}},
		{name: "extremes", cols: [][]float32{
			col(5000, func(i int) float32 { return [...]float32{3e38, -3e38, 1e-45, -1e-45, 1e-40, 0, 1}[i%7] }),
			col(5000, func(i int) float32 { return float32(max(-3.4, min(3.4, r.NormFloat64())) * 1e38) }),
			col(5000, func(i int) float32 { return float32(r.NormFloat64()) * 1e-39 }),
			col(5000, func(int) float32 { return 3.4e38 }),
			col(5000, func(int) float32 { return -3.4e38 })}, maxBins: []int{256, 5}},
		{name: "signed zeros", cols: [][]float32{col(40_000, func(i int) float32 {
			switch i % 3 {
			case 0:
				return float32(math.Copysign(0, -1))
			case 1:
				return 0
			}
			return float32(r.IntN(2000))
		})}, maxBins: []int{256}},
		{name: "weights", cols: [][]float32{col(60_000, normal), col(60_000, func(i int) float32 { return float32(r.IntN(50)) })}, weight: weights(60_000), maxBins: []int{256, 64}},
		{name: "zero weights", cols: [][]float32{col(10_000, normal)}, weight: col(10_000, func(i int) float32 { return float32(i % 3) }), maxBins: []int{256}},
		{name: "large", cols: [][]float32{col(big, normal), col(big, func(int) float32 { return float32(r.ExpFloat64()) }), col(big, func(int) float32 { return float32(r.IntN(1000)) }),
			col(big, func(i int) float32 { return float32(i) })}, maxBins: []int{256, 255, 64, 2}},
		{name: "large weighted", cols: [][]float32{col(big, normal), col(big, func(int) float32 { return float32(r.IntN(300)) })}, weight: weights(big), maxBins: []int{256}},
	}
}

// TestCutsMatchXGBoost compares the cuts (cut_values, cut_ptrs, min_vals)
// with those XGBoost 1.7.4's hist method builds for the same data,
// weights and max_bin, bit for bit.
func TestCutsMatchXGBoost(t *testing.T) {
	for _, tc := range sketchCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := NewDMatrix32(tc.cols, nil)
			if err != nil {
				t.Fatal(err)
			}
			d.weight = tc.weight
			var params []cutsParams
			for _, b := range tc.maxBins {
				params = append(params, cutsParams{MaxBin: b, Nthread: 1}, cutsParams{MaxBin: b, Nthread: 2})
			}
			res := runCutsJob(t, d, params, nil)
			for i, p := range params {
				// XGBoost's cuts do not depend on its thread count, nor ours.
				for _, threads := range []int{1, 3} {
					if diff := diffCuts(buildCuts(d, p.MaxBin, threads), res.Cuts[i]); diff != "" {
						t.Errorf("max_bin %d, %d threads (xgboost nthread %d): %s", p.MaxBin, threads, p.Nthread, diff)
					}
				}
			}
		})
	}
}

// distCuts returns the cuts boost's distributed training computes for d
// split into shards of the given row counts.
func distCuts(t *testing.T, d *DMatrix, shards []int, maxBin int) *cuts {
	t.Helper()
	var parts [][]featSummary
	lo := 0
	for _, n := range shards {
		s, err := d.Slice(lo, lo+n)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, sketchShard(s, maxBin, 2))
		lo += n
	}
	return mergeSketches(parts, len(d.cols), maxBin, 2)
}

// TestDistributedCutsMatchXGBoost compares the cuts of distributed
// training with those XGBoost 1.7.4's distributed sketch computes when
// each of its Rabit workers (local processes) holds one shard, bit for
// bit.
func TestDistributedCutsMatchXGBoost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Rabit tracker and worker processes")
	}
	requireXGBoost(t)
	for _, tc := range sketchCases() {
		if len(tc.cols[0]) < 1000 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDMatrix32(tc.cols, nil)
			if err != nil {
				t.Fatal(err)
			}
			d.weight = tc.weight
			n := d.rows
			for _, shards := range [][]int{{n / 2, n - n/2}, {n / 5, n / 2, n - n/5 - n/2}} {
				var params []cutsParams
				for _, b := range tc.maxBins {
					params = append(params, cutsParams{MaxBin: b, Nthread: 1})
				}
				job := cutsJob{Rows: d.rows, Cols: len(d.cols), X: *f32base64(d.RowMajor()), W: f32base64(d.weight), Cuts: params}
				var res struct {
					Cuts []xgbCuts `json:"cuts"`
				}
				runPyFile(t, "testdata/xgb_dist_cuts.py", struct {
					cutsJob
					Shards []int `json:"shards"`
				}{job, shards}, &res)
				for i, p := range params {
					if diff := diffCuts(distCuts(t, d, shards, p.MaxBin), res.Cuts[i]); diff != "" {
						t.Errorf("shards %v, max_bin %d: %s", shards, p.MaxBin, diff)
					}
				}
			}
		})
	}
}

// runPyFile runs a script of testdata under Debian's Python with job as
// JSON on stdin and decodes its JSON output into out.
func runPyFile(t *testing.T, script string, job, out any) {
	t.Helper()
	in, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(debianPython, script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("%s output: %v", script, err)
	}
}
