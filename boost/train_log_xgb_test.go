package boost

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pyLogScript trains with eval sets and early stopping in XGBoost 1.7.4
// and returns its printed log, evals_result, best_iteration and round
// count.
const pyLogScript = `
import contextlib, io, json, sys, numpy as np, xgboost as xgb
out = []
for c in json.load(sys.stdin):
    dt = xgb.DMatrix(np.array(c["x"], dtype=np.float32), label=np.array(c["y"], dtype=np.float32))
    dv = xgb.DMatrix(np.array(c["vx"], dtype=np.float32), label=np.array(c["vy"], dtype=np.float32))
    res = {}
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        b = xgb.train(c["params"], dt, c["rounds"], evals=[(dt, "train"), (dv, "validation")], evals_result=res,
                      early_stopping_rounds=c["early"], verbose_eval=True)
    out.append({"log": buf.getvalue(), "evals": res, "best_iteration": b.best_iteration,
                "rounds": b.num_boosted_rounds(), "best_score": b.best_score})
print(json.dumps(out))
`

type pyLogCase struct {
	X      [][]float32    `json:"x"`
	Y      []float32      `json:"y"`
	VX     [][]float32    `json:"vx"`
	VY     []float32      `json:"vy"`
	Params map[string]any `json:"params"`
	Rounds int            `json:"rounds"`
	Early  int            `json:"early"`
}

// TestEvalLogAndEarlyStoppingMatchXGBoost trains the same model here and
// in XGBoost 1.7.4 (features with few distinct values, so that the cuts
// are the values in both) with two eval sets and early stopping, and
// requires XGBoost's log lines character for character, its
// evals_result, best_iteration, best_score and number of rounds.
func TestEvalLogAndEarlyStoppingMatchXGBoost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(71, 72))
	gen := func(n int) (x [][]float32, cols [][]float32, y []float32) {
		cols = make([][]float32, 3)
		for i := 0; i < n; i++ {
			row := []float32{float32(rng.IntN(12)), float32(rng.IntN(6)) / 2, float32(rng.IntN(3))}
			for j, v := range row {
				cols[j] = append(cols[j], v)
			}
			x = append(x, row)
			y = append(y, float32(math.Round((math.Sin(float64(row[0]))+float64(row[1]*row[2])+rng.NormFloat64())*1000)/1000))
		}
		return x, cols, y
	}
	var cases []pyLogCase
	type ours struct {
		log string
		res *Result
	}
	var got []ours
	for _, p := range []map[string]any{
		{"objective": ObjSquaredError, "eval_metric": []string{"mae", "rmse"}, "eta": 1.0, "max_depth": 6, "min_child_weight": 0},
		{"objective": ObjSquaredError, "eval_metric": []string{"rmse", "mae"}, "eta": 0.3, "max_depth": 3},
	} {
		x, cols, y := gen(400)
		vx, vcols, vy := gen(150)
		params := map[string]any{"tree_method": "hist", "nthread": 1}
		for k, v := range p {
			params[k] = v
		}
		c := pyLogCase{X: x, Y: y, VX: vx, VY: vy, Params: params, Rounds: 40, Early: 3}
		cases = append(cases, c)
		gp := map[string]any{"num_boost_round": c.Rounds, "early_stopping_rounds": c.Early}
		for k, v := range params {
			gp[k] = v
		}
		cfg, err := NewConfig(gp)
		if err != nil {
			t.Fatal(err)
		}
		dt, _ := NewDMatrix32(cols, y)
		dv, _ := NewDMatrix32(vcols, vy)
		var log strings.Builder
		res, err := Train(context.Background(), cfg, dt, TrainOptions{Evals: []EvalSet{{"train", dt}, {"validation", dv}}, Log: &log})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ours{log.String(), res})
	}
	var want []struct {
		Log           string      `json:"log"`
		Evals         EvalsResult `json:"evals"`
		BestIteration int         `json:"best_iteration"`
		Rounds        int         `json:"rounds"`
		BestScore     float64     `json:"best_score"`
	}
	pyXGB(t, pyLogScript, cases, &want)
	for i, g := range got {
		w := want[i]
		ourLog := g.log
		if strings.Count(w.Log, "\n") == strings.Count(ourLog, "\n")-1 {
			// XGBoost 1.7.4 keeps its callbacks in a set, so the order of
			// the log printer and early stopping varies from run to run;
			// when early stopping runs first it ends training before the
			// last round is printed. We always print it.
			ourLog = ourLog[:strings.LastIndex(strings.TrimSuffix(ourLog, "\n"), "\n")+1]
		}
		if diff := cmp.Diff(w.Log, ourLog); diff != "" {
			t.Errorf("case %d: log lines (-xgboost +ours):\n%s", i, diff)
		}
		if g.res.BestIteration != w.BestIteration || g.res.Model.NumRounds() != w.Rounds {
			t.Errorf("case %d: best_iteration %d after %d rounds; xgboost %d after %d", i, g.res.BestIteration,
				g.res.Model.NumRounds(), w.BestIteration, w.Rounds)
		}
		if w.Rounds == cases[i].Rounds {
			t.Errorf("case %d: early stopping did not stop; the case does not test it", i)
		}
		if math.Abs(g.res.BestScore-w.BestScore) > 1e-6*math.Abs(w.BestScore) {
			t.Errorf("case %d: best_score %v, xgboost %v", i, g.res.BestScore, w.BestScore)
		}
		approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) })
		if diff := cmp.Diff(w.Evals, g.res.Evals, approx); diff != "" {
			t.Errorf("case %d: evals_result (-xgboost +ours):\n%s", i, diff)
		}
	}
}
