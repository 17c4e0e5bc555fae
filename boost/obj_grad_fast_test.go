package boost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// logisticGradRef is the logistic gradient one row at a time, the plain
// form that logisticGrad must reproduce bit for bit.
func logisticGradRef(spw float32, margin, label, weight, g, h []float32, lo, hi int) {
	for i := lo; i < hi; i++ {
		p := Sigmoid(margin[i])
		w := wt(weight, i)
		if label[i] == 1 {
			w *= spw
		}
		g[i] = (p - label[i]) * w
		h[i] = max(p*(1-p), 1e-16) * w
	}
}

func logisticGradInput(n int, seed uint64) (margin, label, weight []float32) {
	r := rand.New(rand.NewPCG(seed, 7))
	margin, label, weight = make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range margin {
		switch r.IntN(20) {
		case 0:
			margin[i] = math.Float32frombits(r.Uint32()) // any value: huge, NaN, subnormal
		case 1:
			margin[i] = float32(r.NormFloat64() * 100)
		default:
			margin[i] = float32(r.NormFloat64() * 4)
		}
		label[i] = float32(r.IntN(2))
		if r.IntN(10) == 0 {
			label[i] = r.Float32()
		}
		weight[i] = r.Float32() * 3
	}
	return margin, label, weight
}

func TestLogisticGradMatchesRowByRow(t *testing.T) {
	const n = 5000
	margin, label, weight := logisticGradInput(n, 1)
	for _, tc := range []struct {
		name   string
		spw    float32
		weight []float32
		lo, hi int
	}{
		{"unweighted", 1, nil, 0, n},
		{"weighted", 1, weight, 0, n},
		{"scale_pos_weight", 2.5, nil, 0, n},
		{"weighted scale_pos_weight", 0.3, weight, 0, n},
		{"sub-range", 1.7, weight, 123, 4321},
		{"empty", 1, nil, 10, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, h := make([]float32, n), make([]float32, n)
			wg, wh := make([]float32, n), make([]float32, n)
			logisticGrad(tc.spw, margin, label, tc.weight, g, h, tc.lo, tc.hi)
			logisticGradRef(tc.spw, margin, label, tc.weight, wg, wh, tc.lo, tc.hi)
			for i := range g {
				if math.Float32bits(g[i]) != math.Float32bits(wg[i]) || math.Float32bits(h[i]) != math.Float32bits(wh[i]) {
					t.Fatalf("row %d (margin %v): got g=%v h=%v, want g=%v h=%v", i, margin[i], g[i], h[i], wg[i], wh[i])
				}
			}
		})
	}
}

func TestSigmoidsMatchesSigmoid(t *testing.T) {
	x, _, _ := logisticGradInput(20000, 2)
	x = append(x, 0, float32(math.Inf(1)), float32(math.Inf(-1)), -88.7, 88.7, 87.3, -87.3, 87.31, 103.98, 200)
	got := make([]float32, len(x))
	sigmoids(got, x)
	for i, v := range x {
		if want := Sigmoid(v); math.Float32bits(got[i]) != math.Float32bits(want) {
			t.Fatalf("sigmoids at %v = %v, want %v", v, got[i], want)
		}
	}
}

func BenchmarkLogisticGrad(b *testing.B) {
	const n = 800_000
	// Margins as in training: a few units around zero; labels 0 or 1.
	r := rand.New(rand.NewPCG(3, 9))
	margin, label := make([]float32, n), make([]float32, n)
	for i := range margin {
		margin[i] = float32(r.NormFloat64() * 3)
		label[i] = float32(r.IntN(2))
	}
	g, h := make([]float32, n), make([]float32, n)
	b.Run("block", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			logisticGrad(1, margin, label, nil, g, h, 0, n)
		}
	})
	b.Run("rowByRow", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			logisticGradRef(1, margin, label, nil, g, h, 0, n)
		}
	})
}
