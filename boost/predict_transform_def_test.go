package boost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTransformFromDefinitions checks every objective's output transform
// against its definition in float64: the identity, the logistic
// function, exp, the hinge step, softmax and its argmax.
func TestTransformFromDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	const rows, k = 200, 3
	for _, obj := range ObjectiveNames() {
		t.Run(obj, func(t *testing.T) {
			groups := 1
			if obj == ObjMultiSoftmax || obj == ObjMultiSoftprob {
				groups = k
			}
			margin := make([]float32, rows*groups)
			for i := range margin {
				margin[i] = float32(rng.NormFloat64() * 3)
			}
			var want []float64
			for i := 0; i < rows; i++ {
				m := margin[i*groups : (i+1)*groups]
				switch obj {
				case ObjRegLogistic, ObjBinaryLogistic:
					want = append(want, 1/(1+math.Exp(-float64(m[0]))))
				case ObjCountPoisson, ObjRegGamma, ObjRegTweedie:
					want = append(want, math.Exp(float64(m[0])))
				case ObjBinaryHinge:
					want = append(want, b2f(m[0] > 0))
				case ObjMultiSoftprob, ObjMultiSoftmax:
					var z float64
					best := 0
					for j, v := range m {
						z += math.Exp(float64(v))
						if v > m[best] {
							best = j
						}
					}
					if obj == ObjMultiSoftmax {
						want = append(want, float64(best))
						continue
					}
					for _, v := range m {
						want = append(want, math.Exp(float64(v))/z)
					}
				default: // the regression objectives and binary:logitraw give the margin
					want = append(want, float64(m[0]))
				}
			}
			got := Transform(obj, margin, groups)
			if len(got) != len(want) {
				t.Fatalf("%d outputs, want %d", len(got), len(want))
			}
			for i := range got {
				if math.Abs(float64(got[i])-want[i]) > 3e-7*math.Max(1, math.Abs(want[i])) {
					t.Fatalf("output %d: %v, definition %v", i, got[i], want[i])
				}
			}
		})
	}
}
