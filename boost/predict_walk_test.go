package boost

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCleanWalkMatchesTreeWalk checks the walks taken by blocks without
// missing values (the vector walk where the processor has one, and the
// scalar walk for the rows after the last whole group of sixteen) against
// a plain tree walk, for every dense depth, with thresholds that rows
// often equal, and row counts that leave partial groups and blocks.
func TestCleanWalkMatchesTreeWalk(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(21, 22))
	for depth := 0; depth <= maxDenseDepth+1; depth++ {
		for _, rows := range []int{1, 15, 16, 17, 64, 100, 1000} {
			t.Run(fmt.Sprintf("depth=%d/rows=%d", depth, rows), func(t *testing.T) {
				m := randomModel(rng, ObjSquaredError, 9, 0, 6, depth)
				x := make([]float32, rows*m.NumFeature)
				for i := range x {
					if rng.IntN(2) == 0 {
						x[i] = gridValue(rng)
					} else {
						x[i] = float32(rng.NormFloat64())
					}
				}
				p, err := m.NewPredictor(PredictOptions{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				margin, err := p.Margin(ctx, x)
				if err != nil {
					t.Fatal(err)
				}
				leaves, err := p.Leaves(ctx, x)
				if err != nil {
					t.Fatal(err)
				}
				want, wantLeaves := walkModel(m, x)
				if diff := cmp.Diff(wantLeaves, leaves); diff != "" {
					t.Fatalf("leaves differ (-walk +predictor):\n%s", diff)
				}
				if diff := cmp.Diff(bitsOf(want), bitsOf(margin)); diff != "" {
					t.Fatalf("margins differ (-walk +predictor):\n%s", diff)
				}
			})
		}
	}
}
