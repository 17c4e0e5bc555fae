package boost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEvalTransformParallelMatches checks the per-range in-place eval
// transform against the one-call transform, bit for bit.
func TestEvalTransformParallelMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for _, tc := range []struct {
		obj    string
		groups int
	}{{ObjBinaryLogistic, 1}, {ObjCountPoisson, 1}, {ObjMultiSoftmax, 3}, {ObjMultiSoftprob, 3}, {ObjSquaredError, 1}} {
		margin := make([]float32, 50_000*tc.groups)
		for i := range margin {
			margin[i] = float32(r.NormFloat64() * 4)
		}
		want := evalTransform(tc.obj, margin, tc.groups)
		got := evalTransformParallel(2, tc.obj, margin, tc.groups)
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", tc.obj, len(got), len(want))
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s: value %d = %v, want %v", tc.obj, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkEvalTransform(b *testing.B) {
	const n = 200_000
	r := rand.New(rand.NewPCG(9, 9))
	margin := make([]float32, n)
	for i := range margin {
		margin[i] = float32(r.NormFloat64() * 3)
	}
	for _, threads := range []int{1, 2} {
		b.Run("threads="+string(rune('0'+threads)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				evalTransformParallel(threads, ObjBinaryLogistic, margin, 1)
			}
		})
	}
}
