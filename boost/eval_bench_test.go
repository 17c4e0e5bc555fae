package boost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEvalSetTransformMatches checks the eval set's range-by-range,
// buffer-reusing transform against the one-call eval transform, bit for
// bit, calling it several times on one eval set as training does.
func TestEvalSetTransformMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	var e evalSetRows
	for _, tc := range []struct {
		obj    string
		groups int
		rows   int
	}{
		{ObjBinaryLogistic, 1, 50_000}, {ObjRegLogistic, 1, 100}, {ObjCountPoisson, 1, 50_000},
		{ObjMultiSoftmax, 3, 40_000}, {ObjMultiSoftprob, 3, 20}, {ObjSquaredError, 1, 50_000},
		{ObjBinaryLogistic, 1, 70_000},
	} {
		margin := make([]float32, tc.rows*tc.groups)
		for i := range margin {
			margin[i] = float32(r.NormFloat64() * 4)
		}
		want := evalTransform(tc.obj, margin, tc.groups)
		for _, threads := range []int{1, 2} {
			got := e.transform(threads, tc.obj, margin, tc.groups)
			if len(got) != len(want) {
				t.Fatalf("%s: %d values, want %d", tc.obj, len(got), len(want))
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s threads %d: value %d = %v, want %v", tc.obj, threads, i, got[i], want[i])
				}
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
	b.Run("fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			evalTransform(ObjBinaryLogistic, margin, 1)
		}
	})
	for _, threads := range []int{1, 2} {
		var e evalSetRows
		b.Run("reused/threads="+string(rune('0'+threads)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				e.transform(threads, ObjBinaryLogistic, margin, 1)
			}
		})
	}
}
