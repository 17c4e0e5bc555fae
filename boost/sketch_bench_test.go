package boost

import (
	"fmt"
	"testing"

	"github.com/sagepipe/sagepipe/internal/synth"
)

// BenchmarkSketch measures building the cuts of 4M rows of the housing
// generator's 8 features (max_bin 256) on 2 threads, unweighted (the radix
// sort path) and weighted (the std::sort replica). Set -benchtime=3x; one
// iteration sketches 32M values.
func BenchmarkSketch(b *testing.B) {
	const rows = 4_000_000
	data := synth.Housing(rows, 1)
	d, err := NewDMatrix32(data.Cols, data.Target)
	if err != nil {
		b.Fatal(err)
	}
	w := make([]float32, rows)
	for i := range w {
		w[i] = 0.5 + float32(i%7)*0.25
	}
	for _, weighted := range []bool{false, true} {
		b.Run(fmt.Sprintf("weighted=%v", weighted), func(b *testing.B) {
			dd := *d
			if weighted {
				dd.weight = w
			}
			b.ReportAllocs()
			for range b.N {
				buildCuts(&dd, 256, 2)
			}
			b.ReportMetric(float64(rows*len(d.cols))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mvalues/s")
		})
	}
}
