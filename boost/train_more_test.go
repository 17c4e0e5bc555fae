package boost

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/actor"
)

func TestEarlyStopping(t *testing.T) {
	d := synthetic(t, 1500, 5, ObjSquaredError, false, 21)
	v := synthetic(t, 300, 5, ObjSquaredError, false, 22)
	// A large learning rate and deep trees overfit quickly.
	cfg, err := NewConfig(map[string]any{"eta": 1.0, "max_depth": 10, "min_child_weight": 0, "num_boost_round": 200,
		"early_stopping_rounds": 5, "eval_metric": []string{"mae", "rmse"}})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := Train(context.Background(), cfg, d, TrainOptions{Evals: []EvalSet{{"train", d}, {"validation", v}}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	rmse := res.Evals["validation"]["rmse"]
	rounds := res.Model.NumRounds()
	if rounds == 200 || len(rmse) != rounds {
		t.Fatalf("trained %d rounds with %d evals: early stopping did not stop", rounds, len(rmse))
	}
	best := 0
	for i, x := range rmse {
		if x < rmse[best] {
			best = i
		}
	}
	if res.BestIteration != best || rounds != best+1+5 || res.BestScore != rmse[best] {
		t.Errorf("best %d (%v), %d rounds; want best %d (%v), %d rounds", res.BestIteration, res.BestScore, rounds, best, rmse[best], best+6)
	}
	a := res.Model.Attributes
	if a["best_iteration"] != itoa(best) || a["best_ntree_limit"] != itoa(best+1) || a["best_score"] == "" {
		t.Errorf("attributes %v", a)
	}
	first := strings.SplitN(log.String(), "\n", 2)[0]
	if !strings.HasPrefix(first, "[0]\ttrain-mae:") || !strings.Contains(first, "\tvalidation-rmse:") {
		t.Errorf("log line %q", first)
	}
	// Metric values print with five decimals, like XGBoost's Python log.
	if f := strings.Split(first, "\t")[4]; len(f) < 7 || f[len(f)-6] != '.' {
		t.Errorf("log field %q", f)
	}
}

func TestCallbackStopsAndErrors(t *testing.T) {
	d := synthetic(t, 500, 3, ObjSquaredError, false, 1)
	cfg, _ := NewConfig(map[string]any{"num_boost_round": 20})
	var seen []int
	res, err := Train(context.Background(), cfg, d, TrainOptions{Callback: func(_ context.Context, p Progress) error {
		seen = append(seen, p.Iteration)
		if p.Iteration == 3 {
			return ErrStopTraining
		}
		return nil
	}})
	if err != nil || res.Model.NumRounds() != 4 || len(seen) != 4 {
		t.Fatalf("stop: err %v, %d rounds, seen %v", err, res.Model.NumRounds(), seen)
	}
	boom := errors.New("boom")
	_, err = Train(context.Background(), cfg, d, TrainOptions{Callback: func(context.Context, Progress) error { return boom }})
	if !errors.Is(err, boom) || !errors.Is(err, ErrTrain) {
		t.Errorf("callback error: %v", err)
	}
	_, err = Train(context.Background(), cfg, d, TrainOptions{Callback: func(context.Context, Progress) error { panic("bad") }})
	var pe *actor.PanicError
	if !errors.As(err, &pe) || pe.Value != "bad" || len(pe.Stack) == 0 {
		t.Errorf("callback panic: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, cfg, d, TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// TestContinuation trains 10 rounds, then 10 more from that model, and
// requires the same model as 20 rounds at once.
func TestContinuation(t *testing.T) {
	for _, obj := range []string{ObjSquaredError, ObjBinaryLogistic} {
		t.Run(obj, func(t *testing.T) {
			d := synthetic(t, 2000, 4, obj, true, 31)
			cfg, _ := NewConfig(map[string]any{"objective": obj, "num_boost_round": 20, "subsample": 0.8, "seed": 4})
			whole, err := Train(context.Background(), cfg, d, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cfg.Rounds = 10
			half, err := Train(context.Background(), cfg, d, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// Through a saved file, as a user would continue.
			data, err := half.Model.Encode(FormatUBJSON)
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := DecodeModel(data)
			if err != nil {
				t.Fatal(err)
			}
			rest, err := Train(context.Background(), cfg, d, TrainOptions{InitModel: loaded})
			if err != nil {
				t.Fatal(err)
			}
			if rest.Model.NumRounds() != 20 || !bytes.Equal(modelJSON(t, rest.Model), modelJSON(t, whole.Model)) {
				t.Error("10 + 10 rounds differ from 20 rounds")
			}
		})
	}
	d := synthetic(t, 100, 4, ObjSquaredError, false, 1)
	cfg, _ := NewConfig(map[string]any{"objective": ObjSquaredError})
	m := &Model{Objective: ObjBinaryLogistic, NumFeature: 4, BaseScore: 0.5}
	if _, err := Train(context.Background(), cfg, d, TrainOptions{InitModel: m}); !errors.Is(err, ErrInput) {
		t.Errorf("mismatched initial model: %v", err)
	}
}

// TestSampleWeights checks that an integer weight acts like repeating the
// row.
func TestSampleWeights(t *testing.T) {
	cols := [][]float64{{1, 2, 3, 4, 5, 6}}
	label := []float64{1, 1, 1, 5, 5, 9}
	d, _ := NewDMatrix(cols, label)
	if err := d.SetWeight([]float64{1, 1, 1, 1, 1, 3}); err != nil {
		t.Fatal(err)
	}
	rep, _ := NewDMatrix([][]float64{{1, 2, 3, 4, 5, 6, 6, 6}}, []float64{1, 1, 1, 5, 5, 9, 9, 9})
	cfg, _ := NewConfig(map[string]any{"num_boost_round": 3, "min_child_weight": 0})
	a, err := Train(context.Background(), cfg, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(context.Background(), cfg, rep, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Model.Trees {
		ta, tb := a.Model.Trees[i], b.Model.Trees[i]
		if ta.NumNodes() != tb.NumNodes() {
			t.Fatalf("tree %d: %d vs %d nodes", i, ta.NumNodes(), tb.NumNodes())
		}
		for n := range ta.SplitCond {
			if math.Abs(float64(ta.SplitCond[n]-tb.SplitCond[n])) > 1e-5 {
				t.Errorf("tree %d node %d: %v vs %v", i, n, ta.SplitCond[n], tb.SplitCond[n])
			}
		}
	}
	if err := d.SetWeight([]float64{1, 1, 1, -1, 1, 1}); !errors.Is(err, ErrInput) {
		t.Errorf("negative weight: %v", err)
	}
}

func TestTrainInputErrors(t *testing.T) {
	d := synthetic(t, 50, 2, ObjSquaredError, false, 1)
	cfg := DefaultConfig()
	bad := cfg
	bad.Eta = -1
	var pe *ParamError
	if _, err := Train(context.Background(), bad, d, TrainOptions{}); !errors.As(err, &pe) || pe.Name != "eta" {
		t.Errorf("bad eta: %v", err)
	}
	v := synthetic(t, 50, 3, ObjSquaredError, false, 1)
	if _, err := Train(context.Background(), cfg, d, TrainOptions{Evals: []EvalSet{{"v", v}}}); !errors.Is(err, ErrInput) {
		t.Errorf("eval set with another width: %v", err)
	}
	cfg.Objective = ObjBinaryLogistic
	if _, err := Train(context.Background(), cfg, d, TrainOptions{}); !errors.Is(err, ErrLabel) {
		t.Errorf("regression labels for binary:logistic: %v", err)
	}
	if _, err := NewDMatrix([][]float64{{1, 2}, {1}}, nil); !errors.Is(err, ErrInput) {
		t.Errorf("ragged columns: %v", err)
	}
}

// TestEvaluationBesideNextRound covers the evaluation that runs beside
// the next round's tree growth: a stop or an error from the callback at
// round 3 takes effect as if the evaluation had run in line (the
// speculative fifth tree is dropped), and the log and callbacks come in
// round order.
func TestEvaluationBesideNextRound(t *testing.T) {
	d := synthetic(t, 2000, 4, ObjSquaredError, false, 1)
	v := synthetic(t, 500, 4, ObjSquaredError, false, 2)
	cfg, _ := NewConfig(map[string]any{"num_boost_round": 20})
	evals := []EvalSet{{"valid", v}}
	var seen []int
	var log strings.Builder
	res, err := Train(context.Background(), cfg, d, TrainOptions{Evals: evals, Log: &log, Callback: func(_ context.Context, p Progress) error {
		seen = append(seen, p.Iteration)
		if p.Iteration == 3 {
			return ErrStopTraining
		}
		return nil
	}})
	if err != nil || res.Model.NumRounds() != 4 || !slices.Equal(seen, []int{0, 1, 2, 3}) {
		t.Fatalf("stop: err %v, %d rounds, seen %v", err, res.Model.NumRounds(), seen)
	}
	if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[3], "[3]\t") {
		t.Errorf("log %q", log.String())
	}
	short, _ := NewConfig(map[string]any{"num_boost_round": 4})
	want, err := Train(context.Background(), short, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := diffTreeSets(res.Model.Trees, want.Model.Trees); diff != "" {
		t.Errorf("stopped model differs from 4 rounds: %s", diff)
	}
	boom := errors.New("boom")
	res, err = Train(context.Background(), cfg, d, TrainOptions{Evals: evals, Callback: func(_ context.Context, p Progress) error {
		if p.Iteration == 3 {
			return boom
		}
		return nil
	}})
	if !errors.Is(err, boom) || res != nil {
		t.Errorf("callback error: %v", err)
	}
	_, err = Train(context.Background(), cfg, d, TrainOptions{Evals: evals, Callback: func(_ context.Context, p Progress) error {
		if p.Iteration == 2 {
			panic("bad")
		}
		return nil
	}})
	var pe *actor.PanicError
	if !errors.As(err, &pe) || pe.Value != "bad" {
		t.Errorf("callback panic: %v", err)
	}
}

// TestNonFiniteGradientFails trains reg:gamma on a label so large that its
// gradient overflows float32: training fails with ErrTrain naming the
// cause, in one process and on actors.
func TestNonFiniteGradientFails(t *testing.T) {
	d := synthetic(t, 300, 3, ObjSquaredError, false, 1)
	for i := range d.label {
		d.label[i] = 1 + float32(i%7)
	}
	d.label[137] = 3e38
	cfg, _ := NewConfig(map[string]any{"objective": ObjRegGamma, "num_boost_round": 3})
	_, err := Train(context.Background(), cfg, d, TrainOptions{})
	if !errors.Is(err, ErrTrain) || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("Train: %v", err)
	}
	_, err = TrainDistributed(context.Background(), newSystem(t, 2), cfg, d, DistOptions{NumActors: 2}, TrainOptions{})
	if !errors.Is(err, ErrTrain) || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("TrainDistributed: %v", err)
	}

	// Squared error writes its pairs itself; a weight of 3e38 on a
	// residual of about 10 overflows the gradient and the hessian.
	w := synthetic(t, 300, 3, ObjSquaredError, false, 1)
	w.weight = make([]float32, w.rows)
	for i := range w.weight {
		w.weight[i] = 1
	}
	w.label[42], w.weight[42] = -10, 3e38
	cfg, _ = NewConfig(map[string]any{"objective": ObjSquaredError, "num_boost_round": 3})
	if _, err = Train(context.Background(), cfg, w, TrainOptions{}); !errors.Is(err, ErrTrain) || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("Train, squared error: %v", err)
	}
}
