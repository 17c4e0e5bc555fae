package local

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/sagepipe/sagepipe/boost"
)

// ErrBadInput reports inference input a model cannot take: a CSV row
// that does not parse, rows of different widths, a width the model does
// not take, a content type that is not supported.
var ErrBadInput = errors.New("local: bad inference input")

// Batch is a batch of rows of numeric features, row-major: row i is
// Values[i*Cols : (i+1)*Cols]. A missing value is NaN.
type Batch struct {
	Values     []float32
	Rows, Cols int
}

// Row returns row i.
func (b Batch) Row(i int) []float32 { return b.Values[i*b.Cols : (i+1)*b.Cols] }

// Predictions are a batch's predictions: Width values per row (one for a
// regression, one per class for multi:softprob), row-major.
type Predictions struct {
	Values      []float32
	Rows, Width int
}

// Row returns row i's values.
func (p Predictions) Row(i int) []float32 { return p.Values[i*p.Width : (i+1)*p.Width] }

// Predictor predicts batches of rows. It must be safe for concurrent use:
// a server calls it from every request's goroutine.
type Predictor interface {
	Predict(ctx context.Context, b Batch) (Predictions, error)
}

// Explainer is a Predictor that also explains its predictions, as
// XGBoost's pred_contribs does: for each row and output group, every
// feature's contribution to the margin, then the bias (Cols+1 values per
// group).
type Explainer interface {
	Predictor
	Contributions(ctx context.Context, b Batch) (Predictions, error)
}

// LoadFunc loads a model into a Predictor: c is the model's container
// (image, environment) and dir holds its artifacts, unpacked from
// model.tar.gz as SageMaker unpacks them into /opt/ml/model. dir is
// removed after LoadFunc returns, so the Predictor must not keep reading
// it.
type LoadFunc func(ctx context.Context, c Container, dir string) (Predictor, error)

// predictorBinding is the binding type of predictors.
const predictorBinding = "Predictor"

// Predictor binds load to the transform steps selected by key: a
// Transform step's name, a model name (a CreateModel step's ModelName) or
// an image URI, tried in that order when a transform starts. Without a
// binding a transform runs LoadBoost, which serves XGBoost models.
func (e *Engine) Predictor(key string, load LoadFunc) { e.bind(predictorBinding, key, load) }

// predictorFor returns the loader bound to the first of keys, or
// LoadBoost.
func (e *Engine) predictorFor(keys ...string) LoadFunc {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range keys {
		if fn, ok := e.bindings[predictorBinding][k].(LoadFunc); ok && k != "" {
			return fn
		}
	}
	return LoadBoost
}

// LoadBoost is the built-in LoadFunc for XGBoost models, as SageMaker's
// XGBoost container loads them: every file in dir whose name does not
// start with a dot is tried as an XGBoost 1.7 model (JSON, UBJSON or the binary format);
// several models make an ensemble whose prediction is their mean. The
// Predictor is an Explainer (TreeSHAP contributions).
func LoadBoost(ctx context.Context, c Container, dir string) (Predictor, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModelData, err)
	}
	var bp boostPredictor
	var tried []string
	var firstErr error
	for _, ent := range ents {
		if strings.HasPrefix(ent.Name(), ".") || !ent.Type().IsRegular() {
			continue
		}
		tried = append(tried, ent.Name())
		m, err := boost.LoadModel(ctx, filepath.Join(dir, ent.Name()))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		p, err := m.NewPredictor(boost.PredictOptions{})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrModelData, ent.Name(), err)
		}
		if len(bp.preds) > 0 && (m.NumFeature != bp.features || p.NumGroups() != bp.preds[0].NumGroups()) {
			return nil, fmt.Errorf("%w: %s: an ensemble's models must take the same features and outputs", ErrModelData, ent.Name())
		}
		bp.preds, bp.features = append(bp.preds, p), m.NumFeature
	}
	if len(bp.preds) == 0 {
		if firstErr != nil {
			return nil, fmt.Errorf("%w: no XGBoost JSON or UBJSON model among %q (image %s): %w", ErrModelData, tried, c.Image, firstErr)
		}
		return nil, fmt.Errorf("%w: the model artifacts hold no files (image %s)", ErrModelData, c.Image)
	}
	return &bp, nil
}

// boostPredictor predicts with one boost model or the mean of several.
type boostPredictor struct {
	preds    []*boost.Predictor
	features int
}

func (p *boostPredictor) check(b Batch) error {
	if b.Rows > 0 && b.Cols != p.features {
		return fmt.Errorf("%w: rows have %d values, the model takes %d features", ErrBadInput, b.Cols, p.features)
	}
	return nil
}

func (p *boostPredictor) Predict(ctx context.Context, b Batch) (Predictions, error) {
	return p.mean(ctx, b, (*boost.Predictor).Predict)
}

func (p *boostPredictor) Contributions(ctx context.Context, b Batch) (Predictions, error) {
	return p.mean(ctx, b, (*boost.Predictor).Contribs)
}

// mean runs f on every model of the ensemble and averages the results.
func (p *boostPredictor) mean(ctx context.Context, b Batch,
	f func(*boost.Predictor, context.Context, []float32) ([]float32, error)) (Predictions, error) {
	if err := p.check(b); err != nil {
		return Predictions{}, err
	}
	if b.Rows == 0 {
		return Predictions{}, nil
	}
	var sum []float32
	for _, bp := range p.preds {
		out, err := f(bp, ctx, b.Values)
		if err != nil {
			return Predictions{}, err
		}
		if sum == nil {
			sum = out
			continue
		}
		for i, v := range out {
			sum[i] += v
		}
	}
	if n := float32(len(p.preds)); n > 1 {
		for i := range sum {
			sum[i] /= n
		}
	}
	return Predictions{Values: sum, Rows: b.Rows, Width: len(sum) / b.Rows}, nil
}

// loadModel unpacks the container's model data from the store into a
// temporary directory and loads it with load; the directory is removed
// afterwards.
func loadModel(ctx context.Context, st store, c Container, load LoadFunc) (Predictor, error) {
	if c.ModelDataURL == "" {
		return nil, fmt.Errorf("%w: the container (image %s) has no ModelDataUrl", ErrModelData, c.Image)
	}
	tmp, err := st.tmpDir("model-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := unpackModel(ctx, st, c.ModelDataURL, tmp); err != nil {
		return nil, err
	}
	c.Environment = maps.Clone(c.Environment)
	p, err := load(ctx, c, tmp)
	if err != nil {
		return nil, fmt.Errorf("loading model %s: %w", c.ModelDataURL, err)
	}
	if p == nil {
		return nil, fmt.Errorf("loading model %s: the LoadFunc returned no Predictor", c.ModelDataURL)
	}
	return p, nil
}
