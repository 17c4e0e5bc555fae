package boost

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// PredictOptions select the trees and the parallelism of a prediction.
type PredictOptions struct {
	// Threads is the number of goroutines used; 0 means runtime.GOMAXPROCS(0).
	Threads int
	// IterationBegin and IterationEnd select the boosting rounds
	// [IterationBegin, IterationEnd) as XGBoost's iteration_range does;
	// IterationEnd 0 means all rounds.
	IterationBegin, IterationEnd int
}

// pnode is a node of the sparse layout (see predict_walk.go). Trees are
// canonical, so the two children of an inner node are left and left+1, and
// a row moves to left + (x >= thr || (x is NaN && defRight)). A leaf points
// to itself with a NaN threshold and defRight 0, so that extra steps past
// it stay there.
type pnode struct {
	thr      float32 // threshold; NaN at a leaf
	left     int32   // left child; the node itself at a leaf
	feat     int32   // split feature
	defRight int32   // 1 when missing values go right
}

// Predictor is a model prepared for fast prediction: its trees flattened
// into node arrays (see predict_walk.go). It is immutable and safe for
// concurrent use; build a new one after changing the Model.
type Predictor struct {
	model     *Model
	dnodes    []dnode      // dense-layout nodes of all dense trees
	dright    []uint8      // 1 where a dense node sends missing values right
	dthr      []float32    // dense nodes' thresholds, then 32 padding entries
	dfeat     []uint32     // dense nodes' features, then 32 padding entries
	nodes     []pnode      // sparse-layout nodes of all sparse trees
	leafVal   []float32    // value of each leaf slot
	leafID    []int32      // canonical node id of each leaf slot
	trees     []treeLayout // the selected trees, in order
	groups    []int32      // output group of each selected tree
	treeIDs   []int        // index in model.Trees of each selected tree
	numGroups int
	numFeat   int
	base      float32
	threads   int
}

// NewPredictor prepares the model for prediction. The Predictor keeps a
// reference to m for SHAP values and output transforms; m must not be
// changed while the Predictor is in use.
func (m *Model) NewPredictor(opt PredictOptions) (*Predictor, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	base, err := m.BaseMargin()
	if err != nil {
		return nil, err
	}
	per := m.NumGroups() * m.parallelTrees()
	rounds := m.NumRounds()
	end := opt.IterationEnd
	if end == 0 {
		end = rounds
	}
	if opt.IterationBegin < 0 || end > rounds || opt.IterationBegin > end {
		return nil, fmt.Errorf("%w: iteration range [%d, %d) outside the model's %d rounds",
			ErrInput, opt.IterationBegin, opt.IterationEnd, rounds)
	}
	lo, hi := opt.IterationBegin*per, end*per
	if opt.IterationEnd == 0 {
		hi = len(m.Trees) // include a trailing partial round
	}
	p := &Predictor{model: m, numGroups: m.NumGroups(), numFeat: m.NumFeature, base: base, threads: opt.Threads}
	if p.threads <= 0 {
		p.threads = runtime.GOMAXPROCS(0)
	}
	for i := lo; i < hi; i++ {
		t := m.Trees[i].Canonical()
		depth := treeDepth(&t)
		var w treeLayout
		if depth <= maxDenseDepth {
			w = p.addDense(&t, depth)
		} else {
			w = p.addSparse(&t, depth)
		}
		p.trees = append(p.trees, w)
		p.groups = append(p.groups, m.TreeInfo[i])
		p.treeIDs = append(p.treeIDs, i)
	}
	// The vector walk reads 32 entries from the start of any level.
	p.dthr = append(p.dthr, make([]float32, 32)...)
	p.dfeat = append(p.dfeat, make([]uint32, 32)...)
	return p, nil
}

// NumGroups is the number of margin outputs per row.
func (p *Predictor) NumGroups() int { return p.numGroups }

// NumTrees is the number of trees the predictor uses.
func (p *Predictor) NumTrees() int { return len(p.trees) }

// rows checks the input shape and returns the row count.
func (p *Predictor) rows(x []float32) (int, error) {
	if p.numFeat == 0 {
		return 0, fmt.Errorf("%w: the model has no features", ErrInput)
	}
	if len(x)%p.numFeat != 0 {
		return 0, fmt.Errorf("%w: %d values are not whole rows of the model's %d features", ErrInput, len(x), p.numFeat)
	}
	return len(x) / p.numFeat, nil
}

// Matrix is a row-major float32 matrix that carries its column count
// (NaN = missing). The Predictor methods that take one check its width
// against the model's features: a flat slice cannot be checked, since
// rows of another width whose total happens to be a multiple of the
// model's feature count read as a different number of rows.
type Matrix struct {
	Values []float32 // rows × Cols values, row by row
	Cols   int
}

// NewMatrix returns the Matrix of values with cols columns, checking that
// the values make whole rows.
func NewMatrix(values []float32, cols int) (Matrix, error) {
	if cols < 1 || len(values)%cols != 0 {
		return Matrix{}, fmt.Errorf("%w: %d values are not whole rows of %d columns", ErrInput, len(values), cols)
	}
	return Matrix{Values: values, Cols: cols}, nil
}

// Matrix returns d's features as a Matrix.
func (d *DMatrix) Matrix() Matrix { return Matrix{Values: d.RowMajor(), Cols: len(d.cols)} }

// matrix checks x's shape against the model and returns its values.
func (p *Predictor) matrix(x Matrix) ([]float32, error) {
	if x.Cols != p.numFeat {
		return nil, fmt.Errorf("%w: the input has %d columns, the model %d features", ErrInput, x.Cols, p.numFeat)
	}
	if x.Cols > 0 && len(x.Values)%x.Cols != 0 {
		return nil, fmt.Errorf("%w: %d values are not whole rows of %d columns", ErrInput, len(x.Values), x.Cols)
	}
	return x.Values, nil
}

// MarginMatrix is Margin with the input's width checked.
func (p *Predictor) MarginMatrix(ctx context.Context, x Matrix) ([]float32, error) {
	v, err := p.matrix(x)
	if err != nil {
		return nil, err
	}
	return p.Margin(ctx, v)
}

// PredictMatrix is Predict with the input's width checked.
func (p *Predictor) PredictMatrix(ctx context.Context, x Matrix) ([]float32, error) {
	v, err := p.matrix(x)
	if err != nil {
		return nil, err
	}
	return p.Predict(ctx, v)
}

// LeavesMatrix is Leaves with the input's width checked.
func (p *Predictor) LeavesMatrix(ctx context.Context, x Matrix) ([]int32, error) {
	v, err := p.matrix(x)
	if err != nil {
		return nil, err
	}
	return p.Leaves(ctx, v)
}

// ContribsMatrix is Contribs with the input's width checked.
func (p *Predictor) ContribsMatrix(ctx context.Context, x Matrix) ([]float32, error) {
	v, err := p.matrix(x)
	if err != nil {
		return nil, err
	}
	return p.Contribs(ctx, v)
}

// predictBlockRows is the number of rows each tree is applied to at a time, so
// that a tree's nodes stay in cache while a block is processed.
const predictBlockRows = 128

// checkWork is the amount of work (in node visits, about a nanosecond
// each) after which prediction checks whether ctx is done: cancellation
// is noticed within a fraction of a millisecond of work per goroutine,
// however costly a row is.
const checkWork = 1 << 18

// workMeter tells a long computation when to check its context: after
// every checkWork units of work spent.
type workMeter struct {
	ctx  context.Context
	left int
}

func newWorkMeter(ctx context.Context) workMeter { return workMeter{ctx: ctx, left: checkWork} }

// spend counts n units of work and reports whether ctx is done, checking
// it only when checkWork units have been spent since the last check.
func (m *workMeter) spend(n int) bool {
	m.left -= n
	if m.left > 0 {
		return false
	}
	m.left = checkWork
	return m.ctx.Err() != nil
}

// walkCost is the work of walking one row through every tree.
func (p *Predictor) walkCost() int {
	c := 0
	for t := range p.trees {
		c += int(p.trees[t].depth) + 1
	}
	return c
}

// parallel runs fn over [0, rows) in blocks of predictBlockRows, on p.threads
// goroutines, and stops early when ctx is done, which it checks after
// every checkWork units of work; rowCost is the work of one row. An fn
// whose rows are costly checks ctx itself (see workMeter) and may return
// early when it is done.
func (p *Predictor) parallel(ctx context.Context, rows, rowCost int, fn func(lo, hi int)) error {
	nblocks := (rows + predictBlockRows - 1) / predictBlockRows
	threads := min(p.threads, nblocks)
	blockCost := max(1, rowCost) * predictBlockRows
	if threads <= 1 {
		return runBlocks(ctx, 0, nblocks, rows, blockCost, fn)
	}
	// Contiguous ranges of blocks per goroutine; each checks ctx as it goes.
	errs := make([]error, threads)
	var wg sync.WaitGroup
	for t := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[t] = runBlocks(ctx, nblocks*t/threads, nblocks*(t+1)/threads, rows, blockCost, fn)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if isPanic(err) {
			return err
		}
	}
	return ctx.Err()
}

// runBlocks runs fn over blocks [b0, b1) on the calling goroutine,
// checking ctx before the first block and after every checkWork units of
// work (blockCost per block); a panic in fn is returned as a
// *actor.PanicError (wrapped in ErrPredict).
func runBlocks(ctx context.Context, b0, b1, rows, blockCost int, fn func(lo, hi int)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(ErrPredict, "predict worker", r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return err
	}
	m := newWorkMeter(ctx)
	for b := b0; b < b1; b++ {
		fn(b*predictBlockRows, min((b+1)*predictBlockRows, rows))
		if m.spend(blockCost) {
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// Margin returns the untransformed prediction of every row of x, a
// row-major matrix with the model's NumFeature columns (NaN = missing):
// rows × NumGroups values, row-major. Each value is the base margin plus
// the trees' leaf values added one tree at a time in float32, as XGBoost
// does, so results match XGBoost bit for bit.
func (p *Predictor) Margin(ctx context.Context, x []float32) ([]float32, error) {
	rows, err := p.rows(x)
	if err != nil {
		return nil, err
	}
	out := make([]float32, rows*p.numGroups)
	err = p.parallel(ctx, rows, p.walkCost(), func(lo, hi int) { p.marginBlock(x, out, lo, hi) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Predictor) marginBlock(x, out []float32, lo, hi int) {
	g := p.numGroups
	for i := lo * g; i < hi*g; i++ {
		out[i] = p.base
	}
	var buf [predictBlockRows]int32
	pos := buf[:hi-lo]
	clean := blockClean(x[lo*p.numFeat : hi*p.numFeat])
	for t := range p.trees {
		w := &p.trees[t]
		p.walkBlock(w, x, lo, pos, clean)
		vals := p.leafVal[w.leafBase:]
		if g == 1 {
			acc := out[lo:hi]
			for r, n := range pos {
				acc[r] += vals[n]
			}
			continue
		}
		grp := int(p.groups[t])
		for r, n := range pos {
			out[(lo+r)*g+grp] += vals[n]
		}
	}
}

// Predict returns the transformed prediction of every row (see Transform):
// probabilities for logistic objectives, class indices for multi:softmax
// (one value per row), class probabilities for multi:softprob (NumGroups
// per row), exp(margin) for count:poisson, reg:gamma and reg:tweedie, the
// margin otherwise.
func (p *Predictor) Predict(ctx context.Context, x []float32) ([]float32, error) {
	obj, g := p.model.Objective, p.numGroups
	if obj == ObjMultiSoftmax && g > 1 {
		margin, err := p.Margin(ctx, x)
		if err != nil {
			return nil, err
		}
		return Transform(obj, margin, g), nil
	}
	// The output has the margin's shape: transform each block in place
	// while it is in cache, on the prediction goroutines.
	rows, err := p.rows(x)
	if err != nil {
		return nil, err
	}
	out := make([]float32, rows*g)
	err = p.parallel(ctx, rows, p.walkCost(), func(lo, hi int) {
		p.marginBlock(x, out, lo, hi)
		transformInPlace(obj, out[lo*g:hi*g], g)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Leaves returns, for every row, the id of the leaf each tree sends it to:
// rows × NumTrees values, row-major, as XGBoost's pred_leaf.
func (p *Predictor) Leaves(ctx context.Context, x []float32) ([]int32, error) {
	rows, err := p.rows(x)
	if err != nil {
		return nil, err
	}
	nt := len(p.trees)
	out := make([]int32, rows*nt)
	err = p.parallel(ctx, rows, p.walkCost(), func(lo, hi int) {
		var buf [predictBlockRows]int32
		pos := buf[:hi-lo]
		clean := blockClean(x[lo*p.numFeat : hi*p.numFeat])
		for t := range p.trees {
			w := &p.trees[t]
			p.walkBlock(w, x, lo, pos, clean)
			ids := p.leafID[w.leafBase:]
			for r, n := range pos {
				out[(lo+r)*nt+t] = ids[n]
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PredictMargin is NewPredictor(opt) followed by Margin.
func (m *Model) PredictMargin(ctx context.Context, x []float32, opt PredictOptions) ([]float32, error) {
	p, err := m.NewPredictor(opt)
	if err != nil {
		return nil, err
	}
	return p.Margin(ctx, x)
}

// Predict is NewPredictor(opt) followed by Predict.
func (m *Model) Predict(ctx context.Context, x []float32, opt PredictOptions) ([]float32, error) {
	p, err := m.NewPredictor(opt)
	if err != nil {
		return nil, err
	}
	return p.Predict(ctx, x)
}

// PredictLeaves is NewPredictor(opt) followed by Leaves.
func (m *Model) PredictLeaves(ctx context.Context, x []float32, opt PredictOptions) ([]int32, error) {
	p, err := m.NewPredictor(opt)
	if err != nil {
		return nil, err
	}
	return p.Leaves(ctx, x)
}

// RowMajor converts feature columns (one slice per feature, all of the same
// length, NaN = missing) into the row-major float32 matrix the predictor
// takes, rounding each value to float32 as XGBoost does.
func RowMajor(cols [][]float64) ([]float32, error) {
	if len(cols) == 0 {
		return nil, nil
	}
	rows := len(cols[0])
	for j, c := range cols {
		if len(c) != rows {
			return nil, fmt.Errorf("%w: column %d has %d rows, column 0 has %d", ErrInput, j, len(c), rows)
		}
	}
	nf := len(cols)
	out := make([]float32, rows*nf)
	for j, c := range cols {
		for i, v := range c {
			out[i*nf+j] = float32(v)
		}
	}
	return out, nil
}
