package boost

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// curveRef is the area under the ROC (pr=false) or precision-recall curve
// the plain way: a comparison sort of the row indices by descending score,
// ties in row order, then the same walk as binaryCurve.
func curveRef(pred, label, weight []float32, stride, off int, pr bool) float64 {
	idx := make([]int, len(label))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) uint32 { return scoreKey(pred[i*stride+off]) }
	sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) < key(idx[b]) })
	var totalPos float64
	for i, y := range label {
		totalPos += float64(wt(weight, i)) * float64(y)
	}
	area := rocArea
	if pr {
		area = prArea
	}
	var auc, tp, fp, tpPrev, fpPrev float64
	for j, i := range idx {
		if j > 0 && pred[i*stride+off] != pred[idx[j-1]*stride+off] {
			auc += area(fpPrev, fp, tpPrev, tp, totalPos)
			tpPrev, fpPrev = tp, fp
		}
		w := float64(wt(weight, i))
		y := float64(label[i])
		tp += w * y
		fp += w * (1 - y)
	}
	auc += area(fpPrev, fp, tpPrev, tp, totalPos)
	if tp <= 0 || fp <= 0 {
		return math.NaN()
	}
	if pr {
		return auc
	}
	return auc / (tp * fp)
}

func TestScoreKeyRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 1<<16; i++ {
		b := r.Uint32()
		if got := math.Float32bits(keyScore(scoreKey(math.Float32frombits(b)))); got != b {
			t.Fatalf("bits %#08x -> %#08x", b, got)
		}
	}
	// Descending scores give ascending keys.
	vs := []float32{float32(math.Inf(1)), 3, 1, 0, float32(math.Copysign(0, -1)), -1e-40, -2, float32(math.Inf(-1))}
	for i := 1; i < len(vs); i++ {
		if scoreKey(vs[i-1]) >= scoreKey(vs[i]) {
			t.Errorf("key(%v) >= key(%v)", vs[i-1], vs[i])
		}
	}
}

// curveInput draws scores with many ties (a few hundred distinct values),
// some ±0 and NaN, 0/1 labels and weights.
func curveInput(n, k int, seed uint64) (pred, label, weight []float32) {
	r := rand.New(rand.NewPCG(seed, 5))
	pred, label, weight = make([]float32, n*k), make([]float32, n), make([]float32, n)
	for i := range pred {
		switch r.IntN(50) {
		case 0:
			pred[i] = 0
		case 1:
			pred[i] = float32(math.Copysign(0, -1))
		case 2:
			pred[i] = float32(math.NaN())
		default:
			pred[i] = float32(r.IntN(300)) / 299
			if r.IntN(2) == 0 {
				pred[i] = r.Float32()
			}
		}
	}
	for i := range label {
		label[i] = float32(r.IntN(k))
		weight[i] = r.Float32() * 2
	}
	return pred, label, weight
}

func TestCurveMatchesComparisonSort(t *testing.T) {
	for _, tc := range []struct {
		name string
		n, k int
	}{
		{"small", 500, 1},
		{"two chunks", 1 << 17, 1},
		{"multiclass", 3000, 3},
		{"one row", 1, 1},
	} {
		for _, weighted := range []bool{false, true} {
			pred, label, weight := curveInput(tc.n, tc.k, uint64(tc.n))
			if !weighted {
				weight = nil
			}
			for _, name := range []string{"auc", "aucpr"} {
				pr := name == "aucpr"
				var want float64
				if tc.k == 1 {
					want = curveRef(pred, label, weight, 1, 0, pr)
				}
				m, err := newMetric(name, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, threads := range []int{1, 2, 3} {
					got := m.evalParallel(threads, pred, label, weight, tc.k)
					if tc.k > 1 {
						// One-vs-rest: each class's curve against the reference.
						var s scoreSorter
						bin := make([]float32, len(label))
						for c := 0; c < tc.k; c++ {
							for i, y := range label {
								bin[i] = 0
								if int(y) == c {
									bin[i] = 1
								}
							}
							g, w := binaryCurve(&s, threads, pred, bin, weight, tc.k, c, pr), curveRef(pred, bin, weight, tc.k, c, pr)
							if math.Float64bits(g) != math.Float64bits(w) {
								t.Errorf("%s/%s weighted=%v class %d threads %d: %v, want %v", tc.name, name, weighted, c, threads, g, w)
							}
						}
						if again := m.eval(pred, label, weight, tc.k); math.Float64bits(again) != math.Float64bits(got) {
							t.Errorf("%s/%s: eval %v != evalParallel %v", tc.name, name, again, got)
						}
						continue
					}
					if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
						t.Errorf("%s/%s weighted=%v threads %d: %v, want %v", tc.name, name, weighted, threads, got, want)
					}
				}
			}
		}
	}
}

func BenchmarkAUC(b *testing.B) {
	// 200k validation probabilities of a trained model: distinct values,
	// some ties.
	const n = 200_000
	r := rand.New(rand.NewPCG(9, 9))
	pred, label := make([]float32, n), make([]float32, n)
	for i := range pred {
		label[i] = float32(r.IntN(2))
		pred[i] = Sigmoid(float32(r.NormFloat64()*2 + 3*float64(label[i]) - 1.5))
	}
	for _, threads := range []int{1, 2} {
		m, _ := newMetric("auc", nil)
		b.Run("radix/threads="+string(rune('0'+threads)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m.evalParallel(threads, pred, label, nil, 1)
			}
		})
	}
	b.Run("comparisonSort", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			curveRef(pred, label, nil, 1, 0, false)
		}
	})
}
