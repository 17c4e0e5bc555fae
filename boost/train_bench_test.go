package boost

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sagepipe/sagepipe/internal/synth"
)

// benchHousing draws n rows of eight housing-like features (a mix of
// continuous and low-cardinality columns, like bench/boost's generator)
// and a price, from a PCG source seeded with seed.
func benchHousing(n int, seed uint64) (cols [][]float32, price []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	cols = make([][]float32, 8)
	for j := range cols {
		cols[j] = make([]float32, n)
	}
	price = make([]float32, n)
	for i := 0; i < n; i++ {
		year := math.Max(1880, 2023-math.Floor(18*(rng.ExpFloat64()+rng.ExpFloat64())))
		bed := float64(1 + rng.IntN(6))
		sqft := math.Min(12000, math.Round(420*bed+math.Exp(6.5+0.5*rng.NormFloat64())))
		baths := math.Max(1, math.Round(2*(0.5+0.45*bed+0.5*rng.NormFloat64()))/2)
		lot := math.Round(math.Exp(math.Log(0.22)+0.8*rng.NormFloat64())*100) / 100
		garage := float64(rng.IntN(5))
		porch := float64(rng.IntN(2))
		deck := float64(rng.IntN(2))
		p := 40000 + 95*sqft + 18000*baths + 6000*bed + 60000*math.Log1p(lot) + 9000*garage + 7000*porch +
			11000*deck - 900*math.Min(2024-year, 60)
		p = p*math.Exp(0.08*rng.NormFloat64()) + 15000*rng.NormFloat64()
		for j, v := range []float64{year, sqft, bed, baths, lot, garage, porch, deck} {
			cols[j][i] = float32(v)
		}
		price[i] = float32(p)
	}
	return cols, price
}

// benchSplit returns the first 80% of n generated rows as training data and
// the rest as validation data; binary labels are price > its mean.
func benchSplit(b *testing.B, n int, objective string) (*DMatrix, *DMatrix) {
	b.Helper()
	cols, price := benchHousing(n, 20240601)
	label := price
	if objective == ObjBinaryLogistic {
		var mean float64
		for _, p := range price {
			mean += float64(p) / float64(n)
		}
		label = make([]float32, n)
		for i, p := range price {
			if float64(p) > mean {
				label[i] = 1
			}
		}
	}
	split := n * 8 / 10
	cut := func(lo, hi int) *DMatrix {
		c := make([][]float32, len(cols))
		for j := range cols {
			c[j] = cols[j][lo:hi]
		}
		d, err := NewDMatrix32(c, label[lo:hi])
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	return cut(0, split), cut(split, n)
}

// BenchmarkTrain trains the baseline configuration of bench/boost (hist,
// max_depth 6, eta 0.3, max_bin 256, 100 rounds, validation set evaluated
// every round) on 1M generated rows × 8 features. Run with -benchtime 1x or
// a few x; it reports CPU seconds per training beside the wall time, the
// steadier figure on a shared machine.
func BenchmarkTrain(b *testing.B) {
	for _, obj := range []string{ObjSquaredError, ObjBinaryLogistic} {
		dtrain, dvalid := benchSplit(b, 1_000_000, obj)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/rows=1M/threads=%d", obj, threads), func(b *testing.B) {
				cfg, err := NewConfig(map[string]any{"max_depth": 6, "eta": 0.3, "max_bin": 256, "nthread": threads,
					"objective": obj, "num_boost_round": 100})
				if err != nil {
					b.Fatal(err)
				}
				opt := TrainOptions{Evals: []EvalSet{{Name: "valid", Data: dvalid}}}
				b.ResetTimer()
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if _, err := Train(context.Background(), cfg, dtrain, opt); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			})
		}
	}
}

// benchShard bins n generated housing rows and quantises squared-error
// gradients at margin 0, as the first round of training does.
func benchShard(b *testing.B, n, threads int, packed bool) *shard {
	b.Helper()
	cols, price := benchHousing(n, 7)
	return benchShardOf(b, cols, price, threads, packed)
}

// benchShardOf is benchShard for the given columns and labels.
func benchShardOf(b *testing.B, cols [][]float32, label []float32, threads int, packed bool) *shard {
	b.Helper()
	n := len(label)
	d, err := NewDMatrix32(cols, label)
	if err != nil {
		b.Fatal(err)
	}
	c := buildCuts(d, 256, threads)
	s := newShard(d, 0, c, 1, threads)
	cfg, err := NewConfig(map[string]any{"objective": ObjSquaredError})
	if err != nil {
		b.Fatal(err)
	}
	obj, err := newObjective(&cfg)
	if err != nil {
		b.Fatal(err)
	}
	sum := s.gradients(obj)[0]
	maxH := sum.maxH
	bound := sum.gExp.sumBound()
	scaleG, scaleH := boundScale(bound, 61), fixedScale(maxH, n)
	if packed {
		scaleG = boundScale(bound, 61-countBits)
	}
	s.beginTree(0, scaleG, scaleH, math.MaxUint64, 0, packed)
	s.hq = int64(math.RoundToEven(maxH * scaleH))
	return s
}

// BenchmarkBuildHist times building the histograms of 800,000 rows of
// the housing data (8 features, 1,280 bins) and of the HIGGS-like data
// of internal/synth (28 features, 256 bins each): the root (all rows in
// order) and the four nodes of depth 2 (rows reached through the
// partition), with packed (constant-hessian) and general gradient pairs,
// in the wide and the compact layout of the workers'
// buffers.
func BenchmarkBuildHist(b *testing.B) {
	const n = 800_000
	higgs := synth.Higgs(n, 7)
	data := []struct {
		name  string
		cols  [][]float32
		label []float32
		wide  []bool
	}{
		{"housing", nil, nil, []bool{true, false}},
		{"higgs", higgs.Cols, higgs.Target, []bool{true, false}},
	}
	data[0].cols, data[0].label = benchHousing(n, 7)
	for _, dt := range data {
		for _, packed := range []bool{true, false} {
			for _, threads := range []int{1, 2} {
				s := benchShardOf(b, dt.cols, dt.label, threads, packed)
				for _, wide := range dt.wide {
					s.beginTree(0, 1, 1, math.MaxUint64, 0, packed)
					s.wide = wide
					name := fmt.Sprintf("%s/packed=%v/wide=%v/threads=%d", dt.name, packed, wide, threads)
					b.Run("root/"+name, func(b *testing.B) {
						b.SetBytes(int64(n * len(dt.cols)))
						cpu0 := cpuTime()
						for i := 0; i < b.N; i++ {
							s.buildHists([]int32{0}, nil)
						}
						b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
					})
					s.applySplits([]splitReq{{node: 0, left: 1, right: 2, feature: 1, bin: 128}})
					s.applySplits([]splitReq{{node: 1, left: 3, right: 4, feature: 0, bin: 100}, {node: 2, left: 5, right: 6, feature: 4, bin: 60}})
					b.Run("depth2/"+name, func(b *testing.B) {
						b.SetBytes(int64(n * len(dt.cols)))
						cpu0 := cpuTime()
						for i := 0; i < b.N; i++ {
							s.buildHists([]int32{3, 4, 5, 6}, nil)
						}
						b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
					})
				}
			}
		}
	}
}

// BenchmarkApplySplits times partitioning 800,000 rows at the root and then
// at the two nodes of depth 1, as one tree's first two levels do.
func BenchmarkApplySplits(b *testing.B) {
	const n = 800_000
	for _, threads := range []int{1, 2} {
		s := benchShard(b, n, threads, true)
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			b.SetBytes(2 * n * 4)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s.beginTree(0, 1, 1, math.MaxUint64, 0, true)
				b.StartTimer()
				s.applySplits([]splitReq{{node: 0, left: 1, right: 2, feature: 1, bin: 128}})
				s.applySplits([]splitReq{{node: 1, left: 3, right: 4, feature: 0, bin: 100}, {node: 2, left: 5, right: 6, feature: 4, bin: 60}})
			}
		})
	}
}

// BenchmarkBinColumn bins 1M uniformly spread values among 255 cuts, as
// training's binning does for a continuous feature, with binner (its
// table built each time) and, for comparison, value by value with
// cuts.binOf.
func BenchmarkBinColumn(b *testing.B) {
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(3, 4))
	cv := make([]float32, 255)
	for i := range cv {
		cv[i] = float32(i+1) / 256
	}
	col := make([]float32, n)
	for i := range col {
		col[i] = rng.Float32()
	}
	out := make([]uint8, n)
	b.Run("binner", func(b *testing.B) {
		for range b.N {
			newBinner(cv).bin(out, col)
		}
	})
	c := &cuts{vals: [][]float32{cv}}
	b.Run("binOf", func(b *testing.B) {
		for range b.N {
			for i, x := range col {
				out[i] = c.binOf(0, x)
			}
		}
	})
}

// BenchmarkBuildHistF64 times building float64 histograms in XGBoost's
// order (single-process training) on the data of BenchmarkBuildHist: the
// root and the four nodes of depth 2.
func BenchmarkBuildHistF64(b *testing.B) {
	const n = 800_000
	higgs := synth.Higgs(n, 7)
	cols, label := benchHousing(n, 7)
	for _, dt := range []struct {
		name  string
		cols  [][]float32
		label []float32
	}{{"housing", cols, label}, {"higgs", higgs.Cols, higgs.Target}} {
		for _, threads := range []int{1, 2} {
			s := benchShardOf(b, dt.cols, dt.label, threads, false)
			s.exact = true
			s.beginTree(0, 1, 1, math.MaxUint64, 0, false)
			name := fmt.Sprintf("%s/threads=%d", dt.name, threads)
			b.Run("root/"+name, func(b *testing.B) {
				b.SetBytes(int64(n * len(dt.cols)))
				for i := 0; i < b.N; i++ {
					s.buildHistsF64([]int32{0}, nil)
				}
			})
			s.applySplits([]splitReq{{node: 0, left: 1, right: 2, feature: 1, bin: 128}})
			s.applySplits([]splitReq{{node: 1, left: 3, right: 4, feature: 0, bin: 100}, {node: 2, left: 5, right: 6, feature: 4, bin: 60}})
			b.Run("depth2/"+name, func(b *testing.B) {
				b.SetBytes(int64(n * len(dt.cols)))
				for i := 0; i < b.N; i++ {
					s.buildHistsF64([]int32{3, 4, 5, 6}, nil)
				}
			})
			// Two more levels, then every other node of depth 4: half the
			// rows, scattered (a node holds about every 16th row), as the
			// smaller children of deep levels are.
			var reqs []splitReq
			for nd := int32(3); nd <= 6; nd++ {
				reqs = append(reqs, splitReq{node: nd, left: 2*nd + 1, right: 2*nd + 2, feature: nd % int32(len(dt.cols)), bin: 128})
			}
			s.applySplits(reqs)
			reqs = reqs[:0]
			for nd := int32(7); nd <= 14; nd++ {
				reqs = append(reqs, splitReq{node: nd, left: 2*nd + 1, right: 2*nd + 2, feature: (nd + 5) % int32(len(dt.cols)), bin: 128})
			}
			s.applySplits(reqs)
			deep := []int32{15, 18, 19, 22, 23, 26, 27, 30}
			rows := 0
			for _, nd := range deep {
				rows += int(s.hi[nd] - s.lo[nd])
			}
			b.Run("depth4/"+name, func(b *testing.B) {
				b.SetBytes(int64(rows * len(dt.cols)))
				for i := 0; i < b.N; i++ {
					s.buildHistsF64(deep, nil)
				}
			})
		}
	}
}
