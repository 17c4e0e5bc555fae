package boost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// ErrStopTraining is returned by a Callback to end training after the
// current round; Train then returns the model so far without error.
var ErrStopTraining = errors.New("boost: stop training")

// ErrTrain reports a training failure that is not a parameter or input
// problem (a callback error, a panic in a callback, a failed shard).
var ErrTrain = errors.New("boost: training failed")

// EvalSet is a named data set evaluated after every round, like one entry
// of XGBoost's evals list.
type EvalSet struct {
	Name string   // the name in log lines and Result.Evals, e.g. "validation"
	Data *DMatrix // features and labels to score
}

// EvalScore is one metric on one eval set after one round.
type EvalScore struct {
	Set, Metric string  // the EvalSet's name and the metric's name
	Value       float64 // the metric's value on the set after the round
}

// Progress is what the callback sees after every round.
type Progress struct {
	// Iteration is the round just finished, counted from 0 over the whole
	// model (continued training goes on from the initial model's rounds).
	Iteration int
	// Scores are the round's metrics, set by set in EvalSet order, metric
	// by metric in eval_metric order.
	Scores []EvalScore
	// BestIteration is the best round so far by the early-stopping metric
	// (-1 without eval sets).
	BestIteration int
}

// EvalsResult holds every round's metrics: set name → metric → values, as
// XGBoost's evals_result.
type EvalsResult map[string]map[string][]float64

// TrainOptions are the inputs of Train besides the parameters and data.
type TrainOptions struct {
	// Evals are evaluated after every round, in order; early stopping
	// watches the last metric of the last set.
	Evals []EvalSet
	// Log receives XGBoost's per-round line, e.g.
	// "[12]\tvalidation-rmse:29847.42188\n"; nil prints nothing.
	Log io.Writer
	// Callback, when set, is called after every round; returning
	// ErrStopTraining ends training, any other error aborts it.
	Callback func(ctx context.Context, p Progress) error
	// InitModel continues training from an existing model: its trees are
	// kept and new rounds are added (XGBoost's xgb_model).
	InitModel *Model
}

// Result is a trained model with its evaluation history.
type Result struct {
	// Model is the trained model, every round included (also those after
	// BestIteration when early stopping ended training).
	Model *Model
	// Evals are the per-round metrics of every eval set.
	Evals EvalsResult
	// BestIteration is the best round by the early-stopping metric when
	// early stopping is on, otherwise the last round; BestScore is the
	// watched metric's value there (NaN without eval sets).
	BestIteration int
	BestScore     float64
}

// Train trains a gradient-boosted tree model on dtrain with the hist
// method, for cfg.Rounds rounds or until early stopping.
func Train(ctx context.Context, cfg Config, dtrain *DMatrix, opt TrainOptions) (*Result, error) {
	return train(ctx, cfg, dtrain, opt, openCUDA)
}

// train is Train with the function that opens a device session when
// cfg.Device names one (tests pass one running the kernels' references).
func train(ctx context.Context, cfg Config, dtrain *DMatrix, opt TrainOptions, open deviceOpener) (*Result, error) {
	t, err := newTrainer(cfg, dtrain, opt)
	if err != nil {
		return nil, err
	}
	threads := t.threads()
	t.cuts = buildCuts(dtrain, cfg.MaxBin, threads)
	if cfg.onDevice() {
		return t.runDevice(ctx, open)
	}
	s := newShard(dtrain, 0, t.cuts, t.obj.groups, threads)
	t.par = newWorkers(threads)
	defer t.par.close()
	s.par = t.par
	s.setMargin(dtrain, t.base, t.trees, t.info)
	s.exact = true
	t.cl = localCluster{s}
	return t.run(ctx)
}

// trainer is the driver state of one training run.
type trainer struct {
	cfg     Config
	obj     *objective
	dtrain  *DMatrix
	opt     TrainOptions
	metrics []*metric
	cuts    *cuts
	cl      cluster
	base    float32 // base margin
	score   float32 // base_score in output space

	trees []Tree
	info  []int32
	first int // rounds in the initial model

	evalMargin [][]float32
	evalRows   []*evalSetRows // eval sets prepared for the block walk
	result     EvalsResult
	best       int
	bestScore  float64
	lastScore  float64
	stale      int

	// par runs the parallel sections of single-process training.
	par *workers

	// restore, when set, is called after a failed round to rebuild the
	// cluster; training then resumes from the last checkpoint.
	restore         func(ctx context.Context, err error) error
	checkpointEvery int

	// pending is the evaluation of the last round while it runs beside
	// the next round's tree growth (see startEval); nil when none.
	pending *pendingEval

	// free and qfree recycle node histograms from tree to tree.
	free  histFree[fpair]
	qfree histFree[gpair]
}

func (t *trainer) threads() int {
	if t.cfg.NThread > 0 {
		return t.cfg.NThread
	}
	return runtime.GOMAXPROCS(0)
}

func newTrainer(cfg Config, dtrain *DMatrix, opt TrainOptions) (*trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if dtrain == nil || dtrain.label == nil {
		return nil, fmt.Errorf("%w: training data needs labels", ErrInput)
	}
	if dtrain.rows == 0 {
		return nil, fmt.Errorf("%w: training data has no rows", ErrInput)
	}
	if cfg.EarlyStoppingRounds > 0 && len(opt.Evals) == 0 {
		// XGBoost: "Must have at least 1 validation dataset for early stopping."
		return nil, &ParamError{Name: "early_stopping_rounds", Value: cfg.EarlyStoppingRounds,
			Allowed: "0 without eval sets (early stopping watches TrainOptions.Evals)"}
	}
	if err := uniqueNames(dtrain.names); err != nil {
		return nil, err
	}
	obj, err := newObjective(&cfg)
	if err != nil {
		return nil, err
	}
	if err := obj.checkLabels(dtrain.label, dtrain.weight); err != nil {
		return nil, err
	}
	if err := dtrain.checkFinite(); err != nil {
		return nil, err
	}
	t := &trainer{cfg: cfg, obj: obj, dtrain: dtrain, opt: opt, result: EvalsResult{}, best: -1, bestScore: math.NaN()}
	names := cfg.EvalMetric
	if len(names) == 0 {
		names = []string{obj.defaultMetric}
	}
	for _, n := range names {
		m, err := newMetric(n, &cfg)
		if err != nil {
			return nil, err
		}
		t.metrics = append(t.metrics, m)
	}
	for _, e := range opt.Evals {
		if e.Data == nil || e.Data.label == nil {
			return nil, fmt.Errorf("%w: eval set %q needs data with labels", ErrInput, e.Name)
		}
		if len(e.Data.cols) != len(dtrain.cols) {
			return nil, fmt.Errorf("%w: eval set %q has %d features, training data %d", ErrInput, e.Name, len(e.Data.cols), len(dtrain.cols))
		}
		if err := obj.checkLabels(e.Data.label, e.Data.weight); err != nil {
			return nil, fmt.Errorf("eval set %q: %w", e.Name, err)
		}
		if err := e.Data.checkFinite(); err != nil {
			return nil, fmt.Errorf("eval set %q: %w", e.Name, err)
		}
	}
	score := cfg.BaseScore
	if m := opt.InitModel; m != nil {
		if err := initModelFits(m, &cfg, obj.groups, len(dtrain.cols)); err != nil {
			return nil, err
		}
		if err := m.Validate(); err != nil {
			return nil, err
		}
		// A base_score given with the parameters replaces the initial
		// model's, as in XGBoost, where it is a learner parameter.
		if math.IsNaN(score) {
			score = float64(m.BaseScore)
		}
		for i := range m.Trees {
			t.trees = append(t.trees, m.Trees[i].Canonical())
		}
		t.info = append(t.info, m.TreeInfo...)
		t.first = m.NumRounds()
	} else if math.IsNaN(score) {
		score = obj.defaultBaseScore(dtrain.label, dtrain.weight)
	}
	t.score = float32(score)
	t.base, err = ProbToMargin(cfg.Objective, t.score)
	if err != nil {
		return nil, &ParamError{Name: "base_score", Value: score, Allowed: "a value in the objective's output range"}
	}
	return t, nil
}

// initModelFits checks that training can continue m with cfg on data with
// features columns; the error lists every property that differs.
func initModelFits(m *Model, cfg *Config, groups, features int) error {
	var diffs []string
	if m.Objective != cfg.Objective {
		diffs = append(diffs, fmt.Sprintf("objective %s, training %s", m.Objective, cfg.Objective))
	}
	if m.NumFeature != features {
		diffs = append(diffs, fmt.Sprintf("%d features, training data %d", m.NumFeature, features))
	}
	if m.NumGroups() != groups {
		diffs = append(diffs, fmt.Sprintf("%d output groups, training %d", m.NumGroups(), groups))
	}
	if n := m.parallelTrees(); n != 1 {
		diffs = append(diffs, fmt.Sprintf("num_parallel_tree %d, training grows 1 tree per group and round (a boosted forest cannot be continued)", n))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: the initial model does not fit the training: %s", ErrInput, strings.Join(diffs, "; "))
	}
	return nil
}

// checkpoint is the part of the driver state that a restart rolls back to.
type checkpoint struct {
	round, trees, best, stale int
	bestScore                 float64
	evalLen                   int
}

func (t *trainer) snapshot(round int) checkpoint {
	n := 0
	for _, m := range t.result {
		for _, v := range m {
			n = len(v)
			break
		}
		break
	}
	return checkpoint{round: round, trees: len(t.trees), best: t.best, stale: t.stale, bestScore: t.bestScore, evalLen: n}
}

func (t *trainer) rollback(c checkpoint) {
	t.trees, t.info = t.trees[:c.trees], t.info[:c.trees]
	t.best, t.stale, t.bestScore = c.best, c.stale, c.bestScore
	for _, m := range t.result {
		for k, v := range m {
			m[k] = v[:c.evalLen]
		}
	}
	t.resetEvalMargins()
}

func (t *trainer) resetEvalMargins() {
	g := t.obj.groups
	t.evalMargin = make([][]float32, len(t.opt.Evals))
	if t.evalRows == nil {
		t.evalRows = make([]*evalSetRows, len(t.opt.Evals))
		// The trees grown here walk the eval sets binned with the
		// training's cuts, except where the AVX-512 walk of the float
		// rows runs (faster still).
		c := t.cuts
		if hasVectorWalk {
			c = nil
		}
		for e, es := range t.opt.Evals {
			t.evalRows[e] = newEvalSetRows(es.Data, c, t.threads())
		}
	}
	for e, es := range t.opt.Evals {
		m := make([]float32, es.Data.rows*g)
		for i := range m {
			m[i] = t.base
		}
		t.evalRows[e].addTrees(t.threads(), t.trees, t.info, g, m)
		t.evalMargin[e] = m
	}
}

// run trains the rounds against t.cl and builds the result.
func (t *trainer) run(ctx context.Context) (*Result, error) {
	t.resetEvalMargins()
	cp := t.snapshot(0)
	for round := 0; round < t.cfg.Rounds; round++ {
		stop, err := t.round(ctx, round)
		if err != nil {
			// The last round's evaluation came first: its error or early
			// stop takes precedence, as it would have in line.
			if pstop, perr := t.joinEval(); perr != nil {
				return nil, perr
			} else if pstop {
				break
			}
			if t.restore == nil || ctx.Err() != nil || errors.Is(err, ErrParam) || errors.Is(err, ErrTrain) {
				return nil, err
			}
			if rerr := t.restore(ctx, err); rerr != nil {
				return nil, rerr
			}
			t.rollback(cp)
			if err := t.resetShardMargins(ctx); err != nil {
				return nil, err
			}
			round = cp.round - 1
			continue
		}
		if stop {
			break
		}
		if t.checkpointEvery > 0 && (round+1)%t.checkpointEvery == 0 {
			cp = t.snapshot(round + 1)
		}
	}
	if _, err := t.joinEval(); err != nil {
		return nil, err
	}
	return t.finish(), nil
}

// pendingEval is a round's evaluation running in its own goroutine.
type pendingEval struct {
	done chan struct{}
	stop bool
	err  error
}

// startEval evaluates round iter's trees (the last groups) in a goroutine
// while the next round grows its trees: the evaluation touches only the
// eval sets' margins, the metrics and the log, which the next round does
// not, and that round joins it (joinEval) before it changes the model, so
// that early stopping and errors take effect exactly as if the
// evaluation had run first. Single-process training pipelines so; with
// restore set (distributed training, whose checkpoints record the
// evaluation) round evaluates in line.
func (t *trainer) startEval(ctx context.Context, iter int) {
	trees, info := t.lastRound()
	p := &pendingEval{done: make(chan struct{})}
	t.pending = p
	go func() {
		defer close(p.done)
		defer func() {
			if r := recover(); r != nil {
				p.err = newPanicError(ErrTrain, fmt.Sprintf("evaluating round %d", iter), r)
			}
		}()
		p.stop, p.err = t.evaluate(ctx, iter, trees, info)
	}()
}

// joinEval waits for the pending evaluation, if any, and returns its
// result. The evaluation is bounded work (a pass over the eval sets), so
// the wait ends without a context.
func (t *trainer) joinEval() (bool, error) {
	p := t.pending
	if p == nil {
		return false, nil
	}
	<-p.done
	t.pending = nil
	return p.stop, p.err
}

// resetShardMargins recomputes every shard's margins from the trees.
func (t *trainer) resetShardMargins(ctx context.Context) error {
	return t.cl.do(ctx, func(_ context.Context, _ int, s *shard) error {
		s.setMargin(s.data(), t.base, t.trees, t.info)
		return nil
	})
}

// round trains one boosting round (one tree per group) and evaluates it;
// it reports whether training should stop.
func (t *trainer) round(ctx context.Context, round int) (bool, error) {
	cfg := &t.cfg
	groups := t.obj.groups
	nShards := t.cl.numShards()
	sums := make([][]gradSummary, nShards)
	total := make([]int, nShards)
	err := t.cl.do(ctx, func(_ context.Context, i int, s *shard) error {
		sums[i] = s.gradients(t.obj)
		total[i] = s.n
		return nil
	})
	if err != nil {
		return false, err
	}
	rows := 0
	for _, n := range total {
		rows += n
	}
	iter := t.first + round
	sampleThr := uint64(math.MaxUint64)
	if cfg.Subsample < 1 {
		sampleThr = uint64(cfg.Subsample * (1 << 63) * 2)
	}
	sampleSeed := mix64(cfg.Seed ^ mix64(uint64(iter)+0x5bd1e995))
	gr := &grower{cfg: cfg, cuts: t.cuts, cl: t.cl, nf: t.cuts.numFeatures(), total: rows, needRows: t.obj.name == ObjAbsoluteError,
		params: newSplitParams(cfg), threads: t.threads(), par: t.par, free: &t.free, qfree: &t.qfree,
		sparse: slices.Contains(t.cuts.hasMiss, true)}
	if lc, ok := t.cl.(localCluster); ok && len(lc) == 1 && lc[0].exact {
		gr.exact = true
	}
	for k := 0; k < groups; k++ {
		var sc gradScale
		if !gr.exact {
			sum := sums[0][k]
			for i := 1; i < nShards; i++ {
				sum.merge(&sums[i][k])
			}
			if sc, err = chooseScale(&sum, rows); err != nil {
				return false, fmt.Errorf("round %d: %w", iter, err)
			}
			gr.scaleG, gr.scaleH = sc.scaleG, sc.scaleH
		}
		err = t.cl.do(ctx, func(_ context.Context, _ int, s *shard) error {
			s.beginTree(k, sc.scaleG, sc.scaleH, sampleThr, sampleSeed, sc.packed)
			s.hq = sc.hq
			if s.exact && s.nonFinite {
				return fmt.Errorf("round %d: %w", iter, errNonFinite)
			}
			return nil
		})
		if err != nil {
			return false, err
		}
		tree, leaves, err := gr.growTree(ctx, iter, k)
		if err != nil {
			return false, err
		}
		values := make([]float32, len(leaves))
		for j, l := range leaves {
			values[j] = tree.SplitCond[l]
		}
		if t.obj.name == ObjAbsoluteError {
			if err := t.medianLeaves(ctx, k, &tree, leaves, values); err != nil {
				return false, err
			}
		}
		if err := finiteTree(&tree); err != nil {
			return false, fmt.Errorf("round %d: %w", iter, err)
		}
		if k == 0 {
			// The last round's evaluation decides whether this round is
			// kept: join it before the model changes.
			if stop, err := t.joinEval(); err != nil || stop {
				return stop, err
			}
		}
		err = t.cl.do(ctx, func(_ context.Context, _ int, s *shard) error {
			s.addLeaves(k, leaves, values)
			return nil
		})
		if err != nil {
			return false, err
		}
		t.trees = append(t.trees, tree)
		t.info = append(t.info, int32(k))
	}
	if len(t.opt.Evals) > 0 && t.restore == nil {
		t.startEval(ctx, iter)
		return false, nil
	}
	trees, info := t.lastRound()
	return t.evaluate(ctx, iter, trees, info)
}

// lastRound returns the trees of the last round (one per output group)
// and their groups.
func (t *trainer) lastRound() ([]Tree, []int32) {
	g := t.obj.groups
	return t.trees[len(t.trees)-g:], t.info[len(t.info)-g:]
}

// finiteTree checks that a new tree holds only finite values, so that the
// model can be saved and used: a leaf weight or a statistic beyond
// float32's range fails training rather than the model later.
func finiteTree(tree *Tree) error {
	for _, a := range [...]struct {
		name string
		v    []float32
	}{{"leaf value or threshold", tree.SplitCond}, {"weight", tree.BaseWeight}, {"gain", tree.LossChange}, {"hessian sum", tree.SumHess}} {
		for n, v := range a.v {
			if math.IsInf(float64(v), 0) || v != v {
				return fmt.Errorf("%w: node %d's %s is %v, beyond float32's range (labels or weights too large; scale them down)", ErrTrain, n, a.name, v)
			}
		}
	}
	return nil
}

// medianLeaves sets each leaf of an absolute-error tree to the median
// residual of its rows. XGBoost 1.7 does not scale this refreshed leaf by
// the learning rate (2.0 does), and neither do we, to train the same model.
func (t *trainer) medianLeaves(ctx context.Context, k int, tree *Tree, leaves []int32, values []float32) error {
	nShards := t.cl.numShards()
	res, wts := make([][][]float32, nShards), make([][][]float32, nShards)
	err := t.cl.do(ctx, func(_ context.Context, i int, s *shard) error {
		res[i], wts[i] = s.residuals(k, leaves)
		return nil
	})
	if err != nil {
		return err
	}
	for j, l := range leaves {
		var r, w []float32
		for i := range res {
			r = append(r, res[i][j]...)
			w = append(w, wts[i][j]...)
		}
		if len(r) == 0 {
			continue
		}
		if t.dtrain.weight == nil {
			w = nil
		}
		q := weightedQuantile(r, w, 0.5)
		values[j] = float32(q)
		tree.SplitCond[l] = values[j] // XGBoost's SetLeaf keeps the base weight
	}
	return nil
}

// evaluate updates the eval margins with the round's trees, computes and
// logs the metrics, tracks early stopping and calls the callback. trees
// are the round's trees (one per output group) and info their groups.
func (t *trainer) evaluate(ctx context.Context, iter int, trees []Tree, info []int32) (bool, error) {
	groups := len(trees)
	var scores []EvalScore
	for e, es := range t.opt.Evals {
		m := t.evalMargin[e]
		d := es.Data
		t.evalRows[e].addTrees(t.threads(), trees, info, groups, m)
		pred := t.evalRows[e].transform(t.threads(), t.cfg.Objective, m, groups)
		for _, mt := range t.metrics {
			v := mt.evalParallel(t.threads(), pred, d.label, d.weight, groups)
			scores = append(scores, EvalScore{Set: es.Name, Metric: mt.name, Value: v})
			if t.result[es.Name] == nil {
				t.result[es.Name] = map[string][]float64{}
			}
			t.result[es.Name][mt.name] = append(t.result[es.Name][mt.name], v)
		}
	}
	if t.opt.Log != nil && len(scores) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "[%d]", iter)
		for _, s := range scores {
			fmt.Fprintf(&b, "\t%s-%s:%.5f", s.Set, s.Metric, s.Value)
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(t.opt.Log, b.String()); err != nil {
			return false, fmt.Errorf("%w: writing the log: %w", ErrTrain, err)
		}
	}
	stop := false
	if len(scores) > 0 {
		last := scores[len(scores)-1]
		t.lastScore = last.Value
		higher := t.metrics[len(t.metrics)-1].higherBetter
		improved := t.best < 0 || (higher && last.Value > t.bestScore) || (!higher && last.Value < t.bestScore)
		if improved {
			t.best, t.bestScore, t.stale = iter, last.Value, 0
		} else {
			t.stale++
		}
		if t.cfg.EarlyStoppingRounds > 0 && t.stale >= t.cfg.EarlyStoppingRounds {
			stop = true
		}
	}
	if cb := t.opt.Callback; cb != nil {
		err := callSafely(ctx, cb, Progress{Iteration: iter, Scores: scores, BestIteration: t.best})
		if errors.Is(err, ErrStopTraining) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
	return stop, nil
}

func callSafely(ctx context.Context, cb func(context.Context, Progress) error, p Progress) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(ErrTrain, fmt.Sprintf("callback at round %d", p.Iteration), r)
		}
	}()
	if err := cb(ctx, p); err != nil && !errors.Is(err, ErrStopTraining) {
		return fmt.Errorf("%w: callback at round %d: %w", ErrTrain, p.Iteration, err)
	} else if err != nil {
		return err
	}
	return nil
}

// finish builds the Result.
func (t *trainer) finish() *Result {
	cfg := &t.cfg
	m := &Model{
		Objective: cfg.Objective, BaseScore: t.score, BoostFromAverage: true,
		NumFeature: len(t.dtrain.cols), NumTarget: 1, NumParallelTree: 1,
		Trees: t.trees, TreeInfo: t.info, Attributes: map[string]string{},
		FeatureNames: append([]string(nil), t.dtrain.names...),
	}
	if t.obj.groups > 1 {
		m.NumClass = t.obj.groups
	}
	m.ObjParams = DefaultObjParams(cfg.Objective, cfg.NumClass)
	f32 := func(v float64) string { return strconv.FormatFloat(float64(float32(v)), 'g', 9, 64) }
	switch ObjectiveParamKey(cfg.Objective) {
	case "reg_loss_param":
		m.ObjParams["scale_pos_weight"] = f32(cfg.ScalePosWeight)
	case "pseudo_huber_param":
		m.ObjParams["huber_slope"] = f32(cfg.HuberSlope)
	case "poisson_regression_param":
		m.ObjParams["max_delta_step"] = f32(cfg.PoissonMaxDeltaStep)
	case "tweedie_regression_param":
		m.ObjParams["tweedie_variance_power"] = f32(cfg.TweedieVarPow)
	}
	if opt := t.opt.InitModel; opt != nil {
		m.FeatureNames = append([]string(nil), opt.FeatureNames...)
		m.FeatureTypes = append([]string(nil), opt.FeatureTypes...)
	}
	res := &Result{Model: m, Evals: t.result, BestIteration: t.best, BestScore: t.bestScore}
	rounds := m.NumRounds()
	if t.best >= 0 && cfg.EarlyStoppingRounds > 0 {
		m.Attributes["best_iteration"] = strconv.Itoa(t.best)
		m.Attributes["best_score"] = strconv.FormatFloat(t.bestScore, 'g', -1, 64)
		m.Attributes["best_ntree_limit"] = strconv.Itoa(t.best + 1)
	} else {
		res.BestIteration = rounds - 1
		res.BestScore = math.NaN()
		if t.best >= 0 {
			res.BestScore = t.lastScore
		}
		m.Attributes["best_iteration"] = strconv.Itoa(rounds - 1)
		m.Attributes["best_ntree_limit"] = strconv.Itoa(rounds)
	}
	return res
}
