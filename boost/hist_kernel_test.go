package boost

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHistCompact checks the compact-layout histogram loops (histRows,
// histRange and their packed forms, used when wide buffers would be too
// large) against a plain loop over the same rows, with values of both
// signs and large magnitudes.
func TestHistCompact(t *testing.T) {
	const n = 5000
	cols, price := benchHousing(n, 3)
	d, err := NewDMatrix32(cols, price)
	if err != nil {
		t.Fatal(err)
	}
	c := buildCuts(d, 256, 1)
	s := newShard(d, 0, c, 1, 1)
	rng := rand.New(rand.NewPCG(5, 6))
	s.gp = make([]gpair, n)
	for i := range s.gp {
		s.gp[i] = gpair{rng.Int64N(1<<50) - 1<<49, rng.Int64N(1 << 50)}
	}
	s.gq = make([]int64, n)
	for i := range s.gq {
		s.gq[i] = rng.Int64N(1<<50) - 1<<49
	}
	slots := c.totalSlots()
	naive := func(rows []int32) []gpair {
		h := make([]gpair, slots)
		for _, r := range rows {
			for f := 0; f < 8; f++ {
				e := &h[c.off[f]+int(s.bins[int(r)*8+f])]
				e.g += s.gp[r].g
				e.h += s.gp[r].h
			}
		}
		return h
	}
	naivePacked := func(rows []int32) []int64 {
		h := make([]int64, slots)
		for _, r := range rows {
			for f := 0; f < 8; f++ {
				h[c.off[f]+int(s.bins[int(r)*8+f])] += s.gq[r]
			}
		}
		return h
	}
	var scattered []int32
	for i := 0; i < n; i++ {
		if rng.IntN(3) == 0 {
			scattered = append(scattered, int32(i))
		}
	}
	tests := []struct {
		name string
		rows []int32
	}{
		{"none", nil},
		{"one", []int32{n - 1}},
		{"scattered", scattered},
	}
	for _, tc := range tests {
		t.Run("rows/"+tc.name, func(t *testing.T) {
			got := make([]gpair, slots)
			s.histRows(got, tc.rows)
			if diff := cmp.Diff(naive(tc.rows), got, cmp.AllowUnexported(gpair{})); diff != "" {
				t.Errorf("histRows (-want +got):\n%s", diff)
			}
			gotP := make([]int64, slots)
			s.histRowsPacked(gotP, tc.rows)
			if diff := cmp.Diff(naivePacked(tc.rows), gotP); diff != "" {
				t.Errorf("histRowsPacked (-want +got):\n%s", diff)
			}
		})
	}
	for _, r := range [][2]int{{0, n}, {17, 18}, {100, 4321}, {n, n}} {
		t.Run("range", func(t *testing.T) {
			rows := make([]int32, 0, r[1]-r[0])
			for i := r[0]; i < r[1]; i++ {
				rows = append(rows, int32(i))
			}
			got := make([]gpair, slots)
			s.histRange(got, r[0], r[1])
			if diff := cmp.Diff(naive(rows), got, cmp.AllowUnexported(gpair{})); diff != "" {
				t.Errorf("histRange(%d, %d) (-want +got):\n%s", r[0], r[1], diff)
			}
			gotP := make([]int64, slots)
			s.histRangePacked(gotP, r[0], r[1])
			if diff := cmp.Diff(naivePacked(rows), gotP); diff != "" {
				t.Errorf("histRangePacked(%d, %d) (-want +got):\n%s", r[0], r[1], diff)
			}
		})
	}
}

// TestWideHistMatchesCompact builds the histograms of the root and of
// scattered child nodes in the wide layout (hist_wide.go: assembly
// kernels on amd64, groups of 8, 4, 2 and 1 features) and in the compact
// one, for feature counts that use every group size, with packed and
// general gradient pairs of both signs and large magnitudes, and
// requires the same sums.
func TestWideHistMatchesCompact(t *testing.T) {
	const n = 3000
	for _, nf := range []int{1, 2, 3, 5, 7, 8, 9, 13, 28} {
		for _, threads := range []int{1, 2} {
			rng := rand.New(rand.NewPCG(uint64(nf), 9))
			cols := make([][]float32, nf)
			for f := range cols {
				cols[f] = make([]float32, n)
				card := []int{2, 5, 300, 1000}[f%4] // few values to more than 256
				for i := range cols[f] {
					cols[f][i] = float32(rng.IntN(card))
					if f%5 == 4 && rng.IntN(10) == 0 {
						cols[f][i] = float32(math.NaN())
					}
				}
			}
			d, err := NewDMatrix32(cols, make([]float32, n))
			if err != nil {
				t.Fatal(err)
			}
			c := buildCuts(d, 256, 1)
			for _, packed := range []bool{true, false} {
				s := newShard(d, 0, c, 1, threads)
				s.gp = make([]gpair, n)
				s.gq = make([]int64, n)
				for i := range n {
					s.gp[i] = gpair{rng.Int64N(1<<50) - 1<<49, rng.Int64N(1 << 50)}
					s.gq[i] = (rng.Int64N(1<<30)-1<<29)<<countBits | 1
				}
				s.packed, s.hq = packed, 3
				s.lo, s.hi = []int32{0}, []int32{n}
				s.finals = nil
				build := func(wide bool, nodes []int32) [][]gpair {
					s.wide = wide
					return s.buildHists(nodes, nil)
				}
				name := fmt.Sprintf("nf=%d/threads=%d/packed=%v", nf, threads, packed)
				if diff := cmp.Diff(build(false, []int32{0}), build(true, []int32{0}), cmp.AllowUnexported(gpair{})); diff != "" {
					t.Fatalf("%s: root (-compact +wide):\n%s", name, diff)
				}
				s.applySplits([]splitReq{{node: 0, left: 1, right: 2, feature: int32(nf - 1), bin: 1}})
				if diff := cmp.Diff(build(false, []int32{1, 2}), build(true, []int32{1, 2}), cmp.AllowUnexported(gpair{})); diff != "" {
					t.Fatalf("%s: children (-compact +wide):\n%s", name, diff)
				}
			}
		}
	}
}

// TestBinColumnMatchesBinOf bins values around every cut, below the
// first, above the last, signed zeros and NaN with binner and with
// cuts.binOf, for cut lists of several lengths.
//
// The cuts are spread over several binades, or packed within a few ulps
// of 1000, where binner's table on the top bits of a value puts all of
// them in one bucket.
func TestBinColumnMatchesBinOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, spread := range []struct {
		from, step float32
	}{{-3, 0.25}, {1000, 1.0 / 512}} {
		t.Run(fmt.Sprint(spread.from), func(t *testing.T) { binnerCase(t, rng, spread.from, spread.step) })
	}
}

func binnerCase(t *testing.T, rng *rand.Rand, from, step float32) {
	for _, k := range []int{1, 2, 3, 7, 9, 64, 255, 256} {
		cv := make([]float32, 0, k)
		v := from
		for range k {
			v += float32(rng.IntN(4)+1) * step
			cv = append(cv, v)
		}
		if k == 7 && from < 0 {
			cv[2] = 0 // a cut at zero, for the signed zeros
		}
		c := &cuts{vals: [][]float32{cv}}
		col := []float32{float32(math.NaN()), float32(math.Inf(-1)), float32(math.Inf(1)), 0, float32(math.Copysign(0, -1)),
			cv[0] - 1, cv[k-1] + 1}
		for _, x := range cv {
			col = append(col, x, math.Nextafter32(x, -10), math.Nextafter32(x, 10))
		}
		for range 500 {
			col = append(col, cv[0]-1+rng.Float32()*(cv[k-1]-cv[0]+2))
		}
		got := make([]uint8, len(col))
		newBinner(cv).bin(got, col)
		for i, x := range col {
			if want := c.binOf(0, x); got[i] != want {
				t.Errorf("%d cuts: bin of %v = %d, binOf gives %d", k, x, got[i], want)
			}
		}
	}
}

// TestNewShardBinsWideData checks both bin layouts of newShard against
// binOf on data of 28 features (rows padded to 32 bytes) and of
// 2*binBatch+5 features, with NaNs: the wide data bins in three batches,
// and a batch that used another batch's binner would put wrong bins.
func TestNewShardBinsWideData(t *testing.T) {
	const n = 3000
	for _, nf := range []int{28, 2*binBatch + 5} {
		rng := rand.New(rand.NewPCG(7, uint64(nf)))
		cols := make([][]float32, nf)
		for f := range cols {
			cols[f] = make([]float32, n)
			for i := range cols[f] {
				cols[f][i] = float32(rng.NormFloat64()) * float32(f+1)
				if rng.IntN(50) == 0 {
					cols[f][i] = float32(math.NaN())
				}
			}
		}
		d, err := NewDMatrix32(cols, make([]float32, n))
		if err != nil {
			t.Fatal(err)
		}
		c := buildCuts(d, 64, 2)
		s := newShard(d, 0, c, 1, 2)
		if s.stride != binStride(nf) || len(s.bins) != n*s.stride {
			t.Fatalf("nf=%d: stride %d, %d bins; want stride %d", nf, s.stride, len(s.bins), binStride(nf))
		}
		for f := range cols {
			for i, x := range cols[f] {
				want := c.binOf(f, x)
				if got := s.bins[i*s.stride+f]; got != want {
					t.Fatalf("nf=%d feature %d row %d (%v): bin %d, binOf %d", nf, f, i, x, got, want)
				}
				if got := s.colBins[f*n+i]; got != want {
					t.Fatalf("nf=%d feature %d row %d (%v): column bin %d, binOf %d", nf, f, i, x, got, want)
				}
			}
		}
	}
}

// TestBinStride checks the row padding of the row-major bins: a power of
// two from 17 to 64 features, no padding otherwise.
func TestBinStride(t *testing.T) {
	for nf, want := range map[int]int{1: 1, 8: 8, 9: 9, 16: 16, 17: 32, 28: 32, 32: 32, 33: 64, 50: 64, 64: 64, 65: 65, 200: 200} {
		if got := binStride(nf); got != want {
			t.Errorf("binStride(%d) = %d, want %d", nf, got, want)
		}
	}
}

// TestAllFinite puts each kind of float at every position of slices of
// 0 to 19 values, aligned and not, and checks allFinite against a plain
// loop: only an infinity or a NaN makes it false.
func TestAllFinite(t *testing.T) {
	kinds := []float32{0, float32(math.Copysign(0, -1)), 1, -3.5, math.MaxFloat32, -math.MaxFloat32,
		math.SmallestNonzeroFloat32, math.Float32frombits(0x007fffff), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001)}
	buf := make([]float32, 21)
	for _, shift := range []int{0, 1} {
		for n := 0; n <= 19; n++ {
			v := buf[shift : shift+n]
			for pos := range n {
				for _, k := range kinds {
					for i := range v {
						v[i] = float32(i) - 7.25
					}
					v[pos] = k
					want := !math.IsInf(float64(k), 0) && !math.IsNaN(float64(k))
					if got := allFinite(v); got != want {
						t.Fatalf("shift %d, %d values, %v at %d: allFinite = %v, want %v", shift, n, k, pos, got, want)
					}
				}
			}
			for i := range v {
				v[i] = float32(i) * 1e30
			}
			if !allFinite(v) {
				t.Fatalf("shift %d, %d finite values: allFinite = false", shift, n)
			}
		}
	}
}
