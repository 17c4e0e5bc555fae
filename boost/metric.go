package boost

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MetricNames returns the evaluation metric names the package knows, in a
// fixed order, as a fresh slice the caller may change. "error" and
// "tweedie-nloglik" also take an "@value" suffix (the threshold and the
// variance power), as in "error@0.7".
func MetricNames() []string {
	return []string{
		"rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "merror",
		"mlogloss", "auc", "aucpr", "poisson-nloglik", "gamma-nloglik", "tweedie-nloglik",
	}
}

// metricsAllowed is the Allowed text of an unknown eval_metric's ParamError.
func metricsAllowed() string {
	return "one of " + strings.Join(MetricNames(), ", ") + `; "error" and "tweedie-nloglik" also take "@value"`
}

// metric evaluates predictions in output space (what XGBoost's
// EvalTransform gives: probabilities for multi:softmax too).
type metric struct {
	name string
	// higherBetter is true for auc and aucpr.
	higherBetter bool
	eval         func(pred, label, weight []float32, groups int) float64
	// loss and fin are set on pointwise metrics (see pointwise), whose
	// per-row losses evalParallel computes on several goroutines.
	loss func(y, p float64) float64
	fin  func(float64) float64
	// sum, when set, is the sum of loss over rows without weights, in
	// row order (the same float64 additions as eval's loop).
	sum func(pred, label []float32) float64
	// costly marks pointwise losses worth spreading over goroutines
	// (logarithms, square roots); terms is evalParallel's reused buffer.
	costly bool
	terms  []float64
	// curve is set on auc and aucpr: eval with the sort on up to threads
	// goroutines.
	curve func(threads int, pred, label, weight []float32, groups int) float64
}

// Metric evaluates the named metric on predictions in output space (rows ×
// groups, row-major; class probabilities for multi-class objectives),
// labels and optional weights (nil = all 1), as XGBoost 1.7 does. cfg
// supplies huber_slope for "mphe"; nil means the defaults.
func Metric(name string, pred, label, weight []float32, groups int, cfg *Config) (float64, error) {
	if cfg == nil {
		d := DefaultConfig()
		cfg = &d
	}
	m, err := newMetric(name, cfg)
	if err != nil {
		return 0, err
	}
	if groups < 1 {
		groups = 1
	}
	if len(pred) != len(label)*groups || (weight != nil && len(weight) != len(label)) {
		return 0, fmt.Errorf("%w: metric %s: %d predictions, %d weights for %d labels × %d groups",
			ErrInput, name, len(pred), len(weight), len(label), groups)
	}
	return m.eval(pred, label, weight, groups), nil
}

// pointwise builds a metric that is the weighted mean of loss(y, p),
// finished by fin (e.g. sqrt).
func pointwise(name string, loss func(y, p float64) float64, fin func(float64) float64) *metric {
	m := &metric{name: name, loss: loss, fin: fin}
	m.eval = func(pred, label, weight []float32, _ int) float64 {
		if weight == nil && m.sum != nil {
			// Without weights every w is 1: w*loss is loss and the
			// weights sum to the row count, exactly.
			return finishPointwise(m.sum(pred[:len(label)], label), float64(len(label)), fin)
		}
		var sum, wsum float64
		for i, y := range label {
			w := float64(wt(weight, i))
			sum += w * loss(float64(y), float64(pred[i]))
			wsum += w
		}
		return finishPointwise(sum, wsum, fin)
	}
	return m
}

// unweighted sets m's sum, the row-order sum of its losses without
// weights: the loop of eval with the loss inlined (the metrics of every
// round's evaluation, which call it hundreds of thousands of times).
func unweighted(m *metric, sum func(pred, label []float32) float64) *metric {
	m.sum = sum
	return m
}

// costly marks m as worth evaluating on several goroutines.
func costly(m *metric) *metric {
	m.costly = true
	return m
}

func finishPointwise(sum, wsum float64, fin func(float64) float64) float64 {
	v := sum
	if wsum > 0 {
		v = sum / wsum
	}
	if fin != nil {
		v = fin(v)
	}
	return v
}

// evalParallel is eval with a pointwise metric's losses computed on up to
// threads goroutines. The terms are then summed in row order, so the value
// is the same, bit for bit, as eval's.
func (m *metric) evalParallel(threads int, pred, label, weight []float32, groups int) float64 {
	if m.curve != nil {
		return m.curve(threads, pred, label, weight, groups)
	}
	if m.loss == nil || !m.costly || threads <= 1 || len(label) < 1<<14 {
		return m.eval(pred, label, weight, groups)
	}
	if cap(m.terms) < len(label) {
		m.terms = make([]float64, len(label))
	}
	terms := m.terms[:len(label)]
	parallelRange(threads, len(label), 1<<13, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			terms[i] = float64(wt(weight, i)) * m.loss(float64(label[i]), float64(pred[i]))
		}
	})
	var sum, wsum float64
	for i, t := range terms {
		sum += t
		wsum += float64(wt(weight, i))
	}
	return finishPointwise(sum, wsum, m.fin)
}

func newMetric(name string, c *Config) (*metric, error) {
	base, arg, hasArg := strings.Cut(name, "@")
	var argv float64
	if hasArg {
		var err error
		argv, err = strconv.ParseFloat(arg, 64)
		if err != nil || (base != "error" && base != "tweedie-nloglik") {
			return nil, &ParamError{Name: "eval_metric", Value: name, Allowed: metricsAllowed()}
		}
	}
	const eps = 1e-16
	switch base {
	case "rmse":
		return unweighted(pointwise(name, func(y, p float64) float64 { return (y - p) * (y - p) }, math.Sqrt),
			func(pred, label []float32) float64 {
				var sum float64
				for i, y := range label {
					d := float64(y) - float64(pred[i])
					sum += d * d
				}
				return sum
			}), nil
	case "rmsle":
		return costly(pointwise(name, func(y, p float64) float64 {
			d := math.Log1p(p) - math.Log1p(y)
			return d * d
		}, math.Sqrt)), nil
	case "mae":
		return unweighted(pointwise(name, func(y, p float64) float64 { return math.Abs(y - p) }, nil),
			func(pred, label []float32) float64 {
				var sum float64
				for i, y := range label {
					sum += math.Abs(float64(y) - float64(pred[i]))
				}
				return sum
			}), nil
	case "mape":
		return pointwise(name, func(y, p float64) float64 { return math.Abs((y - p) / y) }, nil), nil
	case "mphe":
		s := c.HuberSlope
		return costly(pointwise(name, func(y, p float64) float64 {
			z := (y - p) / s
			return s * s * (math.Sqrt(1+z*z) - 1)
		}, nil)), nil
	case "logloss":
		// As XGBoost: only the term whose probability is below eps is
		// clipped, so raw margins (binary:logitraw) outside [0, 1] give
		// XGBoost's values, negative ones included.
		return costly(pointwise(name, func(y, p float64) float64 {
			pneg := 1 - p
			switch {
			case p < eps:
				return -y*math.Log(eps) - (1-y)*math.Log(pneg)
			case pneg < eps:
				return -y*math.Log(p) - (1-y)*math.Log(eps)
			}
			// For a 0 or 1 label one logarithm is multiplied by zero:
			// skip it (the term is the same, but for the sign of a
			// zero, which does not change a sum that starts at +0).
			switch y {
			case 0:
				return -math.Log(pneg)
			case 1:
				return -math.Log(p)
			}
			return -y*math.Log(p) - (1-y)*math.Log(pneg)
		}, nil)), nil
	case "error":
		t := 0.5
		if hasArg {
			t = argv
		}
		return unweighted(pointwise(name, func(y, p float64) float64 {
			if (p > t) != (y > 0.5) {
				return 1
			}
			return 0
		}, nil), func(pred, label []float32) float64 {
			var sum float64
			for i, y := range label {
				sum += float64(boolInt((float64(pred[i]) > t) != (y > 0.5)))
			}
			return sum
		}), nil
	case "poisson-nloglik":
		return costly(pointwise(name, func(y, p float64) float64 {
			p = max(p, eps)
			lg, _ := math.Lgamma(y + 1)
			return lg + p - math.Log(p)*y
		}, nil)), nil
	case "gamma-nloglik":
		return costly(pointwise(name, func(y, p float64) float64 {
			// psi = 1: -((y*theta - b)/a + c) with theta = -1/p, b = log p, c = 0.
			return y/p + math.Log(p)
		}, nil)), nil
	case "tweedie-nloglik":
		rho := c.TweedieVarPow
		if hasArg {
			rho = argv
		}
		if !(rho > 1 && rho < 2) {
			return nil, &ParamError{Name: "eval_metric", Value: name, Allowed: "tweedie-nloglik@rho with rho in (1, 2)"}
		}
		m := pointwise("", func(y, p float64) float64 {
			a := y * math.Exp((1-rho)*math.Log(p)) / (1 - rho)
			b := math.Exp((2-rho)*math.Log(p)) / (2 - rho)
			return -a + b
		}, nil)
		m.name = "tweedie-nloglik@" + strconv.FormatFloat(rho, 'g', -1, 64)
		return costly(m), nil
	case "merror":
		return &metric{name: name, eval: func(pred, label, weight []float32, k int) float64 {
			var sum, wsum float64
			for i, y := range label {
				w := float64(wt(weight, i))
				if k > 1 {
					if argmax(pred[i*k:(i+1)*k]) != int(y) {
						sum += w
					}
				} else if pred[i] != y {
					sum += w
				}
				wsum += w
			}
			return sum / wsum
		}}, nil
	case "mlogloss":
		return &metric{name: name, eval: func(pred, label, weight []float32, k int) float64 {
			var sum, wsum float64
			for i, y := range label {
				w := float64(wt(weight, i))
				p := float64(pred[i*k+int(y)])
				sum -= w * math.Log(max(p, eps))
				wsum += w
			}
			return sum / wsum
		}}, nil
	case "auc":
		return curveMetric(name, false), nil
	case "aucpr":
		return curveMetric(name, true), nil
	}
	return nil, &ParamError{Name: "eval_metric", Value: name, Allowed: metricsAllowed()}
}

// curveMetric builds auc or aucpr (pr set): one-vs-rest over classes for
// several groups. Its sort buffers are reused from one evaluation to the
// next.
func curveMetric(name string, pr bool) *metric {
	var s scoreSorter
	curve := func(threads int, pred, label, weight []float32, k int) float64 {
		if k > 1 {
			return multiOVR(&s, threads, pred, label, weight, k, pr)
		}
		return binaryCurve(&s, threads, pred, label, weight, 1, 0, pr)
	}
	return &metric{name: name, higherBetter: true, curve: curve, eval: func(pred, label, weight []float32, k int) float64 {
		return curve(1, pred, label, weight, k)
	}}
}

// rocArea is the area of one segment of the ROC curve between the points
// (fpPrev, tpPrev) and (fp, tp).
func rocArea(fpPrev, fp, tpPrev, tp, _ float64) float64 {
	return math.Abs(fp-fpPrev) * (tp + tpPrev) / 2
}

// prArea integrates precision over recall between two points with the
// interpolation of Davis and Goadrich, as XGBoost's aucpr does.
func prArea(fpPrev, fp, tpPrev, tp, totalPos float64) float64 {
	prPrev, pr := tpPrev/totalPos, tp/totalPos
	a, b := 1.0, 0.0
	if tp != tpPrev {
		h := (fp - fpPrev) / (tp - tpPrev)
		a = 1 + h
		b = (fpPrev - h*tpPrev) / totalPos
	}
	if b != 0 {
		return (pr - prPrev - b/a*(math.Log(a*pr+b)-math.Log(a*prPrev+b))) / a
	}
	return (pr - prPrev) / a
}

// multiOVR averages one-vs-rest binary areas over classes as XGBoost 1.7
// does: auc weights each class by the weight of its positives, aucpr
// takes the plain mean, and a class without positives or negatives makes
// the result NaN.
func multiOVR(s *scoreSorter, threads int, pred, label, weight []float32, k int, pr bool) float64 {
	bin := make([]float32, len(label))
	var num, den float64
	for c := 0; c < k; c++ {
		var pos float64
		for i, y := range label {
			bin[i] = 0
			if int(y) == c {
				bin[i] = 1
				pos += float64(wt(weight, i))
			}
		}
		a := binaryCurve(s, threads, pred, bin, weight, k, c, pr)
		if math.IsNaN(a) {
			return math.NaN()
		}
		if pr {
			pos = 1
		}
		num += a * pos
		den += pos
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// evalTransform maps margins to what the objective's metrics see:
// Transform's output, except multi:softmax, which gives probabilities.
func evalTransform(objective string, margin []float32, groups int) []float32 {
	if objective == ObjMultiSoftmax {
		objective = ObjMultiSoftprob
	}
	return Transform(objective, margin, groups)
}
