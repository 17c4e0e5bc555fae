package hpo

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// The Gaussian process surrogate. Inputs are feature vectors in the unit
// cube (Space.encode), outputs the standardised objective (minimised). The
// kernel is Matérn 5/2 with one length scale per feature column (ARD):
//
//	k(x, x') = σf² (1 + √5 r + 5r²/3) exp(-√5 r),  r² = Σ_d (x_d - x'_d)² / ℓ_d²
//
// plus σn² (noise) and a fixed jitter on the diagonal. Its hyperparameters
// θ = (log ℓ_1..log ℓ_D, log σf², log σn²) maximise the log marginal
// likelihood plus weak log-normal priors (which keep fits on a handful of
// points from running to degenerate length scales), by L-BFGS with the
// analytic gradient from a fixed start and gpRestarts random ones.

const (
	gpJitter   = 1e-8
	gpRestarts = 2

	priorLogLenMean   = -0.7 // ℓ ≈ 0.5 of the unit cube
	priorLogLenSD     = 1.0
	priorLogSignalSD  = 1.5  // around σf² = 1 on standardised outputs
	priorLogNoiseMean = -9.2 // σn² ≈ 1e-4
	priorLogNoiseSD   = 3.0
	gpThetaBound      = 12.0 // |θ| beyond this is penalised as infeasible
)

var sqrt5 = math.Sqrt(5)

// gpModel is a fitted Gaussian process.
type gpModel struct {
	x      [][]float64
	y      []float64 // standardised outputs of x
	theta  []float64
	ls     []float64 // length scales
	sf2    float64
	sn2    float64
	alpha  []float64
	kinv   *mat.SymDense
	yMean  float64
	yScale float64
}

// fitGP fits a GP to (x, y) with y in the caller's units.
func fitGP(ctx context.Context, x [][]float64, y []float64, r *rand.Rand) (*gpModel, error) {
	n, d := len(x), len(x[0])
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	sd := 0.0
	for _, v := range y {
		sd += (v - mean) * (v - mean)
	}
	sd = math.Sqrt(sd / float64(n))
	if !(sd > 1e-12) {
		sd = 1
	}
	ys := make([]float64, n)
	for i, v := range y {
		ys[i] = (v - mean) / sd
	}
	lik := newLikelihood(x, ys)

	starts := [][]float64{defaultTheta(d)}
	for range gpRestarts {
		th := make([]float64, d+2)
		for k := range d {
			th[k] = priorLogLenMean + priorLogLenSD*r.NormFloat64()
		}
		th[d] = priorLogSignalSD * 0.5 * r.NormFloat64()
		th[d+1] = priorLogNoiseMean + 0.5*priorLogNoiseSD*r.NormFloat64()
		starts = append(starts, th)
	}
	var best []float64
	bestF := math.Inf(1)
	for _, th0 := range starts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := optimize.Problem{Func: lik.value, Grad: lik.grad}
		res, err := optimize.Minimize(p, th0, &optimize.Settings{MajorIterations: 200, GradientThreshold: 1e-6}, &optimize.LBFGS{})
		if res == nil {
			continue
		}
		_ = err // a line search that stops early still leaves its best point
		if res.F < bestF && allFinite(res.X) {
			bestF, best = res.F, slices.Clone(res.X)
		}
	}
	if best == nil {
		best = defaultTheta(d)
	}
	m, err := newGPModel(x, ys, best)
	if err != nil {
		return nil, err
	}
	m.yMean, m.yScale = mean, sd
	return m, nil
}

func defaultTheta(d int) []float64 {
	th := make([]float64, d+2)
	for k := range d {
		th[k] = priorLogLenMean
	}
	th[d+1] = priorLogNoiseMean
	return th
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

var errNotPD = errors.New("hpo: kernel matrix is not positive definite")

// newGPModel conditions a GP with hyperparameters theta on (x, y), y
// standardised.
func newGPModel(x [][]float64, y []float64, theta []float64) (*gpModel, error) {
	n, d := len(x), len(theta)-2
	m := &gpModel{x: x, y: y, theta: theta, ls: make([]float64, d), sf2: math.Exp(theta[d]), sn2: math.Exp(theta[d+1]), yScale: 1}
	for k := range d {
		m.ls[k] = math.Exp(theta[k])
	}
	K := mat.NewSymDense(n, nil)
	for i := range n {
		for j := 0; j <= i; j++ {
			v := m.sf2 * matern(m.dist(x[i], x[j]))
			if i == j {
				v += m.sn2 + gpJitter
			}
			K.SetSym(i, j, v)
		}
	}
	var ch mat.Cholesky
	for jitter := 1e-8; !ch.Factorize(K); jitter *= 10 {
		if jitter > 1e-2 {
			return nil, errNotPD
		}
		for i := range n {
			K.SetSym(i, i, K.At(i, i)+jitter)
		}
	}
	a := mat.NewVecDense(n, nil)
	if err := ch.SolveVecTo(a, mat.NewVecDense(n, slices.Clone(y))); err != nil {
		return nil, err
	}
	m.alpha = a.RawVector().Data
	m.kinv = mat.NewSymDense(n, nil)
	if err := ch.InverseTo(m.kinv); err != nil {
		return nil, err
	}
	return m, nil
}

func matern(r float64) float64 {
	s := sqrt5 * r
	return (1 + s + s*s/3) * math.Exp(-s)
}

func (m *gpModel) dist(a, b []float64) float64 {
	s := 0.0
	for k, l := range m.ls {
		d := (a[k] - b[k]) / l
		s += d * d
	}
	return math.Sqrt(s)
}

// predict returns the posterior mean and standard deviation at f, in
// standardised units.
func (m *gpModel) predict(f []float64, ks []float64) (mu, sigma float64) {
	n := len(m.x)
	ks = ks[:n]
	for i := range n {
		ks[i] = m.sf2 * matern(m.dist(f, m.x[i]))
	}
	for i := range n {
		mu += ks[i] * m.alpha[i]
	}
	q := 0.0
	raw := m.kinv.RawSymmetric()
	for i := range n {
		row := raw.Data[i*raw.Stride:]
		s := 0.0
		for j := range n {
			// The upper triangle is stored; mirror it.
			if j >= i {
				s += row[j] * ks[j]
			} else {
				s += raw.Data[j*raw.Stride+i] * ks[j]
			}
		}
		q += ks[i] * s
	}
	v := m.sf2 - q
	if v < 1e-12 {
		v = 1e-12
	}
	return mu, math.Sqrt(v)
}

// believe returns the model conditioned also on fantasies at fs whose
// outputs are the current posterior means (the kriging believer), with the
// same hyperparameters.
func (m *gpModel) believe(fs [][]float64) (*gpModel, error) {
	if len(fs) == 0 {
		return m, nil
	}
	x := slices.Clone(m.x)
	y := slices.Clone(m.y)
	ks := make([]float64, len(m.x))
	for _, f := range fs {
		mu, _ := m.predict(f, ks)
		x = append(x, f)
		y = append(y, mu)
	}
	b, err := newGPModel(x, y, m.theta)
	if err != nil {
		return nil, err
	}
	b.yMean, b.yScale = m.yMean, m.yScale
	return b, nil
}

// likelihood evaluates the negative log posterior of θ and its gradient,
// caching the last evaluation (gonum asks for both at the same point).
type likelihood struct {
	x     [][]float64
	y     []float64
	d2    [][]float64 // d2[k][i*n+j] = (x_ik - x_jk)²
	lastX []float64
	lastF float64
	lastG []float64
}

func newLikelihood(x [][]float64, y []float64) *likelihood {
	n, d := len(x), len(x[0])
	l := &likelihood{x: x, y: y, d2: make([][]float64, d)}
	for k := range d {
		l.d2[k] = make([]float64, n*n)
		for i := range n {
			for j := range n {
				v := x[i][k] - x[j][k]
				l.d2[k][i*n+j] = v * v
			}
		}
	}
	return l
}

func (l *likelihood) value(th []float64) float64 {
	l.eval(th)
	return l.lastF
}

func (l *likelihood) grad(g, th []float64) {
	l.eval(th)
	copy(g, l.lastG)
}

func (l *likelihood) eval(th []float64) {
	if l.lastX != nil && slices.Equal(th, l.lastX) {
		return
	}
	l.lastX = slices.Clone(th)
	l.lastF, l.lastG = l.compute(th)
}

func (l *likelihood) compute(th []float64) (float64, []float64) {
	n, d := len(l.x), len(l.d2)
	g := make([]float64, d+2)
	// Log priors (as penalties on the negative log posterior).
	f := 0.0
	for k := range d {
		z := (th[k] - priorLogLenMean) / priorLogLenSD
		f += 0.5 * z * z
		g[k] += z / priorLogLenSD
	}
	z := th[d] / priorLogSignalSD
	f += 0.5 * z * z
	g[d] += z / priorLogSignalSD
	z = (th[d+1] - priorLogNoiseMean) / priorLogNoiseSD
	f += 0.5 * z * z
	g[d+1] += z / priorLogNoiseSD
	for k, v := range th {
		if math.Abs(v) > gpThetaBound || math.IsNaN(v) {
			// Outside the box: a steep finite wall back towards it.
			p := math.Abs(v) - gpThetaBound
			if math.IsNaN(p) {
				p = 1
			}
			wall := make([]float64, d+2)
			wall[k] = 2e6 * p * math.Copysign(1, v)
			return 1e6 * (1 + p*p), wall
		}
	}

	inv2 := make([]float64, d)
	for k := range d {
		inv2[k] = math.Exp(-2 * th[k])
	}
	sf2, sn2 := math.Exp(th[d]), math.Exp(th[d+1])
	K := mat.NewSymDense(n, nil)
	r := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := 0.0
			for k := range d {
				s += l.d2[k][i*n+j] * inv2[k]
			}
			rr := math.Sqrt(s)
			r[i*n+j], r[j*n+i] = rr, rr
			v := sf2 * matern(rr)
			if i == j {
				v += sn2 + gpJitter
			}
			K.SetSym(i, j, v)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(K) {
		return 1e6, g
	}
	a := mat.NewVecDense(n, nil)
	if err := ch.SolveVecTo(a, mat.NewVecDense(n, slices.Clone(l.y))); err != nil {
		return 1e6, g
	}
	alpha := a.RawVector().Data
	yKy := 0.0
	for i := range n {
		yKy += l.y[i] * alpha[i]
	}
	f += 0.5*yKy + 0.5*ch.LogDet() + 0.5*float64(n)*math.Log(2*math.Pi)

	var kinv mat.SymDense
	if err := ch.InverseTo(&kinv); err != nil {
		return 1e6, g
	}
	// dF/dθ = -½ tr(W dK/dθ), W = ααᵀ - K⁻¹.
	for i := range n {
		for j := range n {
			w := alpha[i]*alpha[j] - kinv.At(i, j)
			rr := r[i*n+j]
			e := math.Exp(-sqrt5 * rr)
			base := sf2 * e * (5.0 / 3.0) * (1 + sqrt5*rr)
			for k := range d {
				g[k] -= 0.5 * w * base * l.d2[k][i*n+j] * inv2[k]
			}
			g[d] -= 0.5 * w * sf2 * matern(rr)
			if i == j {
				g[d+1] -= 0.5 * w * sn2
			}
		}
	}
	return f, g
}
