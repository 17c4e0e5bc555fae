package local_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

// xgbImage is SageMaker's XGBoost image, whose predefined metrics
// (validation:rmse, ...) a tuning job finds in XGBoost's eval lines.
const xgbImage = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"

// writeSynthetic writes n rows of y = 3·x0 − 2·x1 + x2² + noise as CSV
// with a header, label first.
func writeSynthetic(t testing.TB, path string, n int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("y,x0,x1,x2\n")
	for range n {
		x0, x1, x2 := r.Float64()*4-2, r.Float64()*4-2, r.Float64()*4-2
		y := 3*x0 - 2*x1 + x2*x2 + r.NormFloat64()*0.1
		fmt.Fprintf(&b, "%g,%g,%g,%g\n", y, x0, x1, x2)
	}
	writeFile(t, path, b.String())
}

// stageData puts a training and a validation set into the engine's
// store at s3://bucket/data/{train,validation}/.
func stageData(t testing.TB, e *local.Engine) {
	t.Helper()
	dir := t.TempDir()
	writeSynthetic(t, filepath.Join(dir, "train", "train.csv"), 400, 1)
	writeSynthetic(t, filepath.Join(dir, "validation", "validation.csv"), 200, 2)
	for _, ch := range []string{"train", "validation"} {
		if err := e.Stage(filepath.Join(dir, ch), "s3://bucket/data/"+ch); err != nil {
			t.Fatal(err)
		}
	}
}

// channels are the training inputs of the staged data.
func channels() []steps.TrainingInput {
	return []steps.TrainingInput{
		{Channel: "train", S3Data: params.Lit("s3://bucket/data/train"), ContentType: params.Lit("text/csv")},
		{Channel: "validation", S3Data: params.Lit("s3://bucket/data/validation"), ContentType: params.Lit("text/csv")},
	}
}

// readCSVDir reads every CSV file in dir: label (first column) and
// feature columns.
func readCSVDir(dir string) (label []float64, cols [][]float64, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		return nil, nil, fmt.Errorf("no CSV files in %s: %v", dir, err)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, nil, err
		}
		recs, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			return nil, nil, err
		}
		for _, rec := range recs[1:] {
			if cols == nil {
				cols = make([][]float64, len(rec)-1)
			}
			for j, s := range rec {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", f, err)
				}
				if j == 0 {
					label = append(label, v)
				} else {
					cols[j-1] = append(cols[j-1], v)
				}
			}
		}
	}
	return label, cols, nil
}

func dmatrix(dir string) (*boost.DMatrix, error) {
	y, cols, err := readCSVDir(dir)
	if err != nil {
		return nil, err
	}
	return boost.NewDMatrix(cols, y)
}

// boostConfig reads XGBoost parameters from the job's hyperparameters.
func boostConfig(h local.HyperParameters) (boost.Config, error) {
	eta, err1 := h.Float("eta", 0.3)
	depth, err2 := h.Int("max_depth", 3)
	rounds, err3 := h.Int("num_round", 20)
	if err := errors.Join(err1, err2, err3); err != nil {
		return boost.Config{}, err
	}
	return boost.NewConfig(map[string]any{
		"objective": "reg:squarederror", "eta": eta, "max_depth": depth,
		"eval_metric": []string{"mae", "rmse"}, "num_boost_round": rounds,
	})
}

// boostTrain is a training function as a user writes one: boost on the
// train channel, XGBoost's eval lines on Stdout (which feed the metrics),
// the model saved as model.json in the model directory. A job its tuning
// job stops early ends training at once and keeps the model so far.
func boostTrain(distributed bool) local.TrainingFunc {
	return func(ctx context.Context, job *local.TrainingJob) error {
		cfg, err := boostConfig(job.HyperParameters)
		if err != nil {
			return err
		}
		dtrain, err := dmatrix(job.Channels["train"].Dir)
		if err != nil {
			return err
		}
		dvalid, err := dmatrix(job.Channels["validation"].Dir)
		if err != nil {
			return err
		}
		opt := boost.TrainOptions{
			Evals: []boost.EvalSet{{Name: "train", Data: dtrain}, {Name: "validation", Data: dvalid}},
			Log:   job.Stdout,
			Callback: func(ctx context.Context, p boost.Progress) error {
				if job.StoppedEarly() {
					return boost.ErrStopTraining
				}
				return nil
			},
		}
		var res *boost.Result
		if distributed {
			res, err = boost.TrainDistributed(ctx, job.System, cfg, dtrain,
				boost.DistOptions{NumActors: job.InstanceCount, Name: job.Name}, opt)
		} else {
			res, err = boost.Train(ctx, cfg, dtrain, opt)
		}
		if err != nil {
			return err
		}
		return res.Model.Save(context.WithoutCancel(ctx), filepath.Join(job.ModelDir, "model.json"))
	}
}

// untar extracts a model.tar.gz into dir.
func untar(t testing.TB, file, dir string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// storePath is the local path of an S3 URI in the store under root.
func storePath(root, uri string) string {
	return filepath.Join(root, "s3", filepath.FromSlash(strings.TrimPrefix(uri, "s3://")))
}

// checkXGBoostLoads loads the model.json packed in the model.tar.gz at
// file with XGBoost 1.7.4 and checks that it predicts the validation
// rows as boost does, bit for bit. It is skipped where XGBoost is absent.
func checkXGBoostLoads(t *testing.T, file string) {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import xgboost; assert xgboost.__version__ == '1.7.4'").CombinedOutput(); err != nil {
		t.Skipf("XGBoost 1.7.4 is not importable by %s (apt-get install python3-xgboost): %v %s", py, err, out)
	}
	dir := t.TempDir()
	untar(t, file, dir)
	modelPath := filepath.Join(dir, "model.json")
	m, err := boost.LoadModel(context.Background(), modelPath)
	if err != nil {
		t.Fatal(err)
	}
	vdir := filepath.Join(dir, "v")
	writeSynthetic(t, filepath.Join(vdir, "v.csv"), 50, 9)
	_, cols, err := readCSVDir(vdir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := boost.RowMajor(cols)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := m.NewPredictor(boost.PredictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := pr.Predict(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	script := `
import sys, numpy as np, xgboost as xgb
b = xgb.Booster()
b.load_model(sys.argv[1])
X = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, ndmin=2)[:, 1:]
for p in b.predict(xgb.DMatrix(X)):
    print(np.float32(p).view(np.uint32))
`
	out, err := exec.Command(py, "-c", script, modelPath, filepath.Join(vdir, "v.csv")).CombinedOutput()
	if err != nil {
		t.Fatalf("xgboost: %v\n%s", err, out)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(ours) {
		t.Fatalf("xgboost predicted %d rows, boost %d", len(lines), len(ours))
	}
	for i, l := range lines {
		bits, err := strconv.ParseUint(l, 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		if got := math.Float32frombits(uint32(bits)); got != ours[i] {
			t.Fatalf("row %d: xgboost %v, boost %v", i, got, ours[i])
		}
	}
}

// jobCounter counts calls per training job name.
type jobCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *jobCounter) add(name string, k int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[name] += k
}

func (c *jobCounter) get(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[name]
}

func (c *jobCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := 0
	for _, v := range c.n {
		s += v
	}
	return s
}
