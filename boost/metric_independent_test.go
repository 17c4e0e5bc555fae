package boost

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// The reference functions below compute each metric from its textbook
// definition, without sharing code with metric.go.

func wmean(n int, w []float32, f func(i int) float64) float64 {
	var s, ws float64
	for i := 0; i < n; i++ {
		wi := 1.0
		if w != nil {
			wi = float64(w[i])
		}
		s += wi * f(i)
		ws += wi
	}
	return s / ws
}

// refPRArea integrates precision over recall numerically along the
// Davis–Goadrich interpolation between the curve's points (one point per
// distinct score, scores descending).
func refPRArea(p, y, w []float32) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	weight := func(i int) float64 {
		if w == nil {
			return 1
		}
		return float64(w[i])
	}
	var pos float64
	for i := range y {
		pos += weight(i) * float64(y[i])
	}
	type pt struct{ tp, fp float64 }
	pts := []pt{{0, 0}}
	var tp, fp float64
	for k, i := range idx {
		tp += weight(i) * float64(y[i])
		fp += weight(i) * (1 - float64(y[i]))
		if k == len(idx)-1 || p[idx[k+1]] != p[i] {
			pts = append(pts, pt{tp, fp})
		}
	}
	var area float64
	for k := 1; k < len(pts); k++ {
		a, b := pts[k-1], pts[k]
		dtp := b.tp - a.tp
		if dtp == 0 {
			continue
		}
		slope := (b.fp - a.fp) / dtp
		const steps = 4000
		h := dtp / steps
		for s := 0; s < steps; s++ { // midpoint rule
			x := (float64(s) + 0.5) * h
			t := a.tp + x
			area += t / (t + a.fp + slope*x) * h / pos
		}
	}
	return area
}

func refArgmax(v []float32) int {
	best := 0
	for j := range v {
		if v[j] > v[best] {
			best = j
		}
	}
	return best
}

// TestMetricsFromDefinitions checks the metrics that
// TestMetricsIndependent does not, each on random data against its
// definition.
func TestMetricsFromDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	const n = 200
	vec := func(f func() float64) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(f())
		}
		return out
	}
	posv := func() float64 { return 0.05 + 3*rng.Float64() }
	w := vec(func() float64 { return 0.1 + rng.Float64() })
	yPos, pPos := vec(posv), vec(posv)
	yCnt := vec(func() float64 { return float64(rng.IntN(6)) })
	yReg, pReg := vec(rng.NormFloat64), vec(rng.NormFloat64)
	yBin := vec(func() float64 { return float64(rng.IntN(2)) })
	// Scores on a coarse grid, so that ties occur.
	pBin := vec(func() float64 { return math.Round(rng.Float64()*20) / 20 })
	const k = 3
	yCls := vec(func() float64 { return float64(rng.IntN(k)) })
	pCls := make([]float32, n*k)
	for i := 0; i < n; i++ {
		var s float64
		e := make([]float64, k)
		for j := range e {
			e[j] = math.Exp(rng.NormFloat64())
			s += e[j]
		}
		for j := range e {
			pCls[i*k+j] = float32(e[j] / s)
		}
	}
	f := func(v []float32, i int) float64 { return float64(v[i]) }
	const slope = 1.7
	tests := []struct {
		metric string
		pred   []float32
		label  []float32
		groups int
		want   func(w []float32) float64
	}{
		{"rmsle", pPos, yPos, 1, func(w []float32) float64 {
			return math.Sqrt(wmean(n, w, func(i int) float64 {
				d := math.Log(1+f(pPos, i)) - math.Log(1+f(yPos, i))
				return d * d
			}))
		}},
		{"mape", pPos, yPos, 1, func(w []float32) float64 {
			return wmean(n, w, func(i int) float64 { return math.Abs(f(yPos, i)-f(pPos, i)) / f(yPos, i) })
		}},
		{"mphe", pReg, yReg, 1, func(w []float32) float64 {
			// Pseudo-Huber loss δ²(√(1+(r/δ)²) − 1) with δ = huber_slope.
			return wmean(n, w, func(i int) float64 {
				r := f(yReg, i) - f(pReg, i)
				return slope * slope * (math.Sqrt(1+r*r/(slope*slope)) - 1)
			})
		}},
		{"error@0.3", pBin, yBin, 1, func(w []float32) float64 {
			return wmean(n, w, func(i int) float64 {
				if (f(pBin, i) > 0.3) == (yBin[i] == 1) {
					return 0
				}
				return 1
			})
		}},
		{"merror", pCls, yCls, k, func(w []float32) float64 {
			return wmean(n, w, func(i int) float64 {
				if refArgmax(pCls[i*k:(i+1)*k]) == int(yCls[i]) {
					return 0
				}
				return 1
			})
		}},
		{"mlogloss", pCls, yCls, k, func(w []float32) float64 {
			return wmean(n, w, func(i int) float64 { return -math.Log(f(pCls, i*k+int(yCls[i]))) })
		}},
		{"aucpr", pBin, yBin, 1, func(w []float32) float64 { return refPRArea(pBin, yBin, w) }},
		{"poisson-nloglik", pPos, yCnt, 1, func(w []float32) float64 {
			// −log(λ^y e^{−λ} / y!)
			return wmean(n, w, func(i int) float64 {
				lam, y := f(pPos, i), f(yCnt, i)
				fact := 1.0
				for j := 2.0; j <= y; j++ {
					fact *= j
				}
				return -math.Log(math.Pow(lam, y) * math.Exp(-lam) / fact)
			})
		}},
		{"gamma-nloglik", pPos, yPos, 1, func(w []float32) float64 {
			// Gamma with shape 1 (XGBoost's psi = 1) and mean μ: the
			// exponential density e^{−y/μ}/μ.
			return wmean(n, w, func(i int) float64 {
				mu, y := f(pPos, i), f(yPos, i)
				return -math.Log(math.Exp(-y/mu) / mu)
			})
		}},
		{"tweedie-nloglik@1.3", pPos, yCnt, 1, func(w []float32) float64 {
			// Tweedie deviance terms: −y μ^{1−ρ}/(1−ρ) + μ^{2−ρ}/(2−ρ).
			const rho = 1.3
			return wmean(n, w, func(i int) float64 {
				mu, y := f(pPos, i), f(yCnt, i)
				return -y*math.Pow(mu, 1-rho)/(1-rho) + math.Pow(mu, 2-rho)/(2-rho)
			})
		}},
	}
	cfg := DefaultConfig()
	cfg.HuberSlope = slope
	for _, tc := range tests {
		for _, weighted := range []bool{false, true} {
			var ww []float32
			if weighted {
				ww = w
			}
			got, err := Metric(tc.metric, tc.pred, tc.label, ww, tc.groups, &cfg)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want(ww)
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s weighted=%v: %.10g, definition %.10g", tc.metric, weighted, got, want)
			}
		}
	}
}

// TestMultiClassAUCFromDefinition checks multi-class auc against the
// pairwise definition of one-vs-rest AUC, averaged with class weights.
func TestMultiClassAUCFromDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	const n, k = 150, 3
	pred := make([]float32, n*k)
	label := make([]float32, n)
	w := make([]float32, n)
	for i := range label {
		label[i] = float32(rng.IntN(k))
		w[i] = float32(0.2 + rng.Float64())
		for j := 0; j < k; j++ {
			pred[i*k+j] = float32(math.Round(rng.Float64()*10) / 10)
		}
	}
	var num, den float64
	for c := 0; c < k; c++ {
		var pairs, wins, pos float64
		for i := 0; i < n; i++ {
			if int(label[i]) != c {
				continue
			}
			pos += float64(w[i])
			for j := 0; j < n; j++ {
				if int(label[j]) == c {
					continue
				}
				pw := float64(w[i]) * float64(w[j])
				pairs += pw
				switch si, sj := pred[i*k+c], pred[j*k+c]; {
				case si > sj:
					wins += pw
				case si == sj:
					wins += pw / 2
				}
			}
		}
		num += wins / pairs * pos
		den += pos
	}
	got, err := Metric("auc", pred, label, w, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := num / den; math.Abs(got-want) > 1e-9 {
		t.Errorf("multi-class auc %v, definition %v", got, want)
	}
}

// TestMultiClassAUCPRFromDefinition checks that multi-class aucpr is the
// plain mean of the one-vs-rest areas (XGBoost 1.7 does not weight the
// classes for aucpr) and that a class absent from the labels makes both
// multi-class areas NaN, as in XGBoost.
func TestMultiClassAUCPRFromDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	const n, k = 120, 3
	pred := make([]float32, n*k)
	label := make([]float32, n)
	for i := range label {
		label[i] = float32(rng.IntN(k))
		for j := 0; j < k; j++ {
			pred[i*k+j] = float32(rng.Float64())
		}
	}
	var sum float64
	for c := 0; c < k; c++ {
		p, y := make([]float32, n), make([]float32, n)
		for i := range y {
			p[i] = pred[i*k+c]
			if int(label[i]) == c {
				y[i] = 1
			}
		}
		sum += refPRArea(p, y, nil)
	}
	got, err := Metric("aucpr", pred, label, nil, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := sum / k; math.Abs(got-want) > 1e-6 {
		t.Errorf("multi-class aucpr %v, mean of classes %v", got, want)
	}
	for i := range label {
		label[i] = float32(i % 2) // class 2 absent
	}
	for _, m := range []string{"auc", "aucpr"} {
		if v, _ := Metric(m, pred, label, nil, k, nil); !math.IsNaN(v) {
			t.Errorf("%s with an absent class = %v, want NaN", m, v)
		}
	}
}
