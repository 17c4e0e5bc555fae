package boost

import (
	"errors"
	"fmt"
	"math"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// ErrLabel reports a label (or weight) the objective cannot train on.
var ErrLabel = errors.New("boost: bad label")

// objective computes first and second order gradients of the loss with
// respect to the margin, the way XGBoost 1.7 does (in float32).
type objective struct {
	name   string
	groups int
	// grad fills g and h (rows × groups, row-major, like margin) for rows
	// [lo, hi). weight may be nil (all 1).
	grad func(margin, label, weight, g, h []float32, lo, hi int)
	// pairs, when set (one group), computes the same gradients as grad
	// into gh interleaved (gradient, hessian), the form float64
	// histograms read, saving a pass over the rows.
	pairs func(margin, label, weight, gh []float32, lo, hi int)
	// labelOK reports whether a label is valid; labelRange describes the
	// valid labels for the error message.
	labelOK    func(y float32) bool
	labelRange string
	// defaultMetric is XGBoost's default eval_metric for the objective.
	defaultMetric string
}

func wt(weight []float32, i int) float32 {
	if weight == nil {
		return 1
	}
	return weight[i]
}

// posWeight is row i's weight multiplied by scale_pos_weight when its
// label is 1, as XGBoost 1.7's RegLossObj weighs every objective it
// implements (squared error and squared log error too, not only the
// logistic ones).
func posWeight(weight, label []float32, i int, spw float32) float32 {
	w := wt(weight, i)
	if label[i] == 1 {
		w *= spw
	}
	return w
}

// newObjective returns the gradient code for c.Objective.
func newObjective(c *Config) (*objective, error) {
	o := &objective{name: c.Objective, groups: 1, labelOK: func(float32) bool { return true }, labelRange: "any number"}
	spw := float32(c.ScalePosWeight)
	logistic := func(margin, label, weight, g, h []float32, lo, hi int) {
		logisticGrad(spw, margin, label, weight, g, h, lo, hi)
	}
	unitLabel := func(y float32) bool { return y >= 0 && y <= 1 }
	switch c.Objective {
	case ObjSquaredError:
		o.defaultMetric = "rmse"
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			if spw != 1 {
				for i := lo; i < hi; i++ {
					w := posWeight(weight, label, i, spw)
					g[i] = (margin[i] - label[i]) * w
					h[i] = w
				}
				return
			}
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				g[i] = (margin[i] - label[i]) * w
				h[i] = w
			}
		}
		if spw == 1 {
			o.pairs = func(margin, label, weight, gh []float32, lo, hi int) {
				m, y, p := margin[lo:hi], label[lo:hi], gh[2*lo:2*hi]
				y = y[:len(m)]
				p = p[:2*len(m)]
				if weight == nil {
					for i, v := range m {
						p[2*i], p[2*i+1] = v-y[i], 1
					}
					return
				}
				w := weight[lo:hi]
				w = w[:len(m)]
				for i, v := range m {
					p[2*i], p[2*i+1] = (v-y[i])*w[i], w[i]
				}
			}
		}
	case ObjSquaredLogError:
		o.defaultMetric = "rmsle"
		o.labelOK, o.labelRange = func(y float32) bool { return y > -1 }, "(-1, inf)"
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := posWeight(weight, label, i, spw)
				p := max(margin[i], -1+1e-6)
				lp, ly := glibcf.Log1pf(p), glibcf.Log1pf(label[i])
				g[i] = (lp - ly) / (p + 1) * w
				// XGBoost divides by std::pow(p + 1, 2), a double: the
				// quotient is taken in float64 and rounded.
				p1 := float64(p + 1)
				hh := float32(float64(-lp+ly+1) / (p1 * p1))
				h[i] = max(hh, 1e-6) * w
			}
		}
	case ObjRegLogistic:
		o.defaultMetric = "rmse"
		o.labelOK, o.labelRange = unitLabel, "[0, 1]"
		o.grad = logistic
	case ObjBinaryLogistic, ObjBinaryLogitRaw:
		o.defaultMetric = "logloss"
		o.labelOK, o.labelRange = unitLabel, "[0, 1]"
		o.grad = logistic
	case ObjPseudoHuberError:
		o.defaultMetric = "mphe"
		slope := float32(c.HuberSlope)
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				z := margin[i] - label[i]
				sq := float32(math.Sqrt(float64(1 + (z*z)/(slope*slope))))
				g[i] = z / sq * w
				h[i] = slope * slope / ((slope*slope + z*z) * sq) * w
			}
		}
	case ObjAbsoluteError:
		o.defaultMetric = "mae"
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				d := margin[i] - label[i]
				var s float32
				switch {
				case d > 0:
					s = 1
				case d < 0:
					s = -1
				}
				g[i] = s * w
				h[i] = w
			}
		}
	case ObjBinaryHinge:
		o.defaultMetric = "error"
		o.labelOK, o.labelRange = unitLabel, "[0, 1]"
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				y := label[i]*2 - 1
				if margin[i]*y < 1 {
					g[i] = -y * w
					h[i] = w
				} else {
					g[i] = 0
					h[i] = math.SmallestNonzeroFloat32 * 0x1p23 // FLT_MIN
				}
			}
		}
	case ObjMultiSoftmax, ObjMultiSoftprob:
		k := c.NumClass
		o.groups = k
		o.defaultMetric = "mlogloss" // for multi:softmax too, in XGBoost 1.7.4
		o.labelOK = func(y float32) bool { return y >= 0 && y < float32(k) && y == float32(math.Trunc(float64(y))) }
		o.labelRange = fmt.Sprintf("integers in [0, %d)", k)
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			p := make([]float32, k)
			for r := lo / k; r < hi/k; r++ {
				// XGBoost's softmax objective takes the maximum from FLT_MIN up
				// (std::numeric_limits<float>::min()): margins all below it
				// are not shifted.
				softmaxFrom(p, margin[r*k:(r+1)*k], 0x1p-126)
				w := wt(weight, r)
				y := int(label[r])
				for j := 0; j < k; j++ {
					pj := p[j]
					gj := pj
					if j == y {
						gj = pj - 1
					}
					g[r*k+j] = gj * w
					h[r*k+j] = max(2*pj*(1-pj)*w, 1e-16)
				}
			}
		}
	case ObjCountPoisson:
		o.defaultMetric = "poisson-nloglik"
		o.labelOK, o.labelRange = func(y float32) bool { return y >= 0 }, "[0, inf)"
		mds := float32(c.PoissonMaxDeltaStep)
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				g[i] = (glibcf.Expf(margin[i]) - label[i]) * w
				h[i] = glibcf.Expf(margin[i]+mds) * w
			}
		}
	case ObjRegGamma:
		o.defaultMetric = "gamma-nloglik"
		o.labelOK, o.labelRange = func(y float32) bool { return y > 0 }, "(0, inf)"
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				e := glibcf.Expf(margin[i])
				g[i] = (1 - label[i]/e) * w
				h[i] = label[i] / e * w
			}
		}
	case ObjRegTweedie:
		rho := float32(c.TweedieVarPow)
		o.defaultMetric = fmt.Sprintf("tweedie-nloglik@%g", rho)
		o.labelOK, o.labelRange = func(y float32) bool { return y >= 0 }, "[0, inf)"
		o.grad = func(margin, label, weight, g, h []float32, lo, hi int) {
			for i := lo; i < hi; i++ {
				w := wt(weight, i)
				m, y := margin[i], label[i]
				a, b := glibcf.Expf((1-rho)*m), glibcf.Expf((2-rho)*m)
				g[i] = (-y*a + b) * w
				h[i] = (-y*(1-rho)*a + (2-rho)*b) * w
			}
		}
	default:
		return nil, &ParamError{Name: "objective", Value: c.Objective, Allowed: "one of the names in ObjectiveNames()"}
	}
	return o, nil
}

// logisticGrad is the logistic loss's gradient for rows [lo, hi):
// p = Sigmoid(margin), g = (p - y)·w, h = max(p(1-p), 1e-16)·w, with w
// multiplied by scale_pos_weight for positive labels. The exponentials of
// the sigmoid are computed a block at a time into g (see expfBlock), then
// read back. The
// weight is chosen without a branch: labels come in no order, and a
// mispredicted branch per row costs as much as the sigmoid.
func logisticGrad(spw float32, margin, label, weight, g, h []float32, lo, hi int) {
	const block = 512
	one := math.Float32bits(1)
	flip := one ^ math.Float32bits(spw) // one^flip = spw
	for b := lo; b < hi; b += block {
		e := min(b+block, hi)
		ps := g[b:e]
		expfBlock(ps, margin[b:e], true)
		ys, hs := label[b:e], h[b:e]
		hs = hs[:len(ps)]
		ys = ys[:len(ps)]
		switch {
		case weight == nil && spw == 1:
			// w = 1: multiplying by it changes nothing.
			for i, ex := range ps {
				p := sigmoidFromExp(ex)
				ps[i] = p - ys[i]
				hs[i] = max(p*(1-p), 1e-16)
			}
		case weight == nil:
			for i, ex := range ps {
				p := sigmoidFromExp(ex)
				y := ys[i]
				w := math.Float32frombits(one ^ flip&mask32(y == 1))
				ps[i] = (p - y) * w
				hs[i] = max(p*(1-p), 1e-16) * w
			}
		default:
			ws := weight[b:e]
			ws = ws[:len(ps)]
			for i, ex := range ps {
				p := sigmoidFromExp(ex)
				y := ys[i]
				w := ws[i]
				// w·1 = w, so multiplying every row gives w·spw only
				// where y == 1.
				w *= math.Float32frombits(one ^ flip&mask32(y == 1))
				ps[i] = (p - y) * w
				hs[i] = max(p*(1-p), 1e-16) * w
			}
		}
	}
}

// mask32 is all ones when c holds and zero otherwise (a conditional move,
// not a branch).
func mask32(c bool) uint32 {
	var m uint32
	if c {
		m = ^uint32(0)
	}
	return m
}

// checkLabels validates labels and weights for the objective.
func (o *objective) checkLabels(label, weight []float32) error {
	for i, y := range label {
		if math.IsInf(float64(y), 0) {
			// XGBoost: "Label contains NaN, infinity or a value too large."
			return fmt.Errorf("%w: label %v at row %d: labels must be finite", ErrLabel, y, i)
		}
		if math.IsNaN(float64(y)) || !o.labelOK(y) {
			return fmt.Errorf("%w: label %v at row %d: %s needs %s", ErrLabel, y, i, o.name, o.labelRange)
		}
	}
	for i, w := range weight {
		if !(w >= 0) || math.IsInf(float64(w), 1) {
			return fmt.Errorf("%w: weight %v at row %d must be finite and >= 0", ErrLabel, w, i)
		}
	}
	return nil
}

// defaultBaseScore is the base score XGBoost 1.7.4 starts from when the
// user gives none: 0.5, except reg:absoluteerror, which starts from the
// weighted median of the labels.
func (o *objective) defaultBaseScore(label, weight []float32) float64 {
	if o.name == ObjAbsoluteError && len(label) > 0 {
		return weightedQuantile(label, weight, 0.5)
	}
	return 0.5
}
