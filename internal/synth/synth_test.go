package synth

import (
	"math"
	"slices"
	"testing"
)

func TestGeneratorsAreSeeded(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			g, err := Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			a, b, c := g(2000, 7), g(2000, 7), g(2000, 8)
			if !equal(a, b) {
				t.Error("seed 7 gave different data twice")
			}
			if slices.EqualFunc(a.Cols, c.Cols, slices.Equal[[]float32]) || slices.Equal(a.Target, c.Target) {
				t.Error("seeds 7 and 8 gave the same data")
			}
			// Rows are drawn in order: a shorter draw is a prefix.
			short := g(500, 7)
			for j := range a.Cols {
				if !slices.Equal(short.Cols[j], a.Cols[j][:500]) {
					t.Errorf("column %s of 500 rows is not the prefix of 2000 rows", a.Names[j])
				}
			}
			if !slices.Equal(short.Target, a.Target[:500]) {
				t.Error("target of 500 rows is not the prefix of 2000 rows")
			}
		})
	}
}

// equal reports whether a and b hold the same names and values.
func equal(a, b *Data) bool {
	return a.Name == b.Name && slices.Equal(a.Names, b.Names) && slices.EqualFunc(a.Cols, b.Cols, slices.Equal[[]float32]) &&
		slices.Equal(a.Target, b.Target) && slices.Equal(a.Class, b.Class)
}

func TestShape(t *testing.T) {
	const n = 20000
	tests := []struct {
		name      string
		features  int
		classFrac [2]float64 // bounds on the share of class 1
	}{
		{"housing", 8, [2]float64{0.45, 0.55}},
		{"higgs", 28, [2]float64{0.5, 0.58}},
		{"lowcard", 9, [2]float64{0.45, 0.55}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Lookup(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			d := g(n, 1)
			if d.Name != tt.name || d.Rows() != n || len(d.Names) != tt.features || len(d.Cols) != tt.features {
				t.Fatalf("%s: name %q, %d rows, %d names, %d columns; want %d rows and %d features",
					tt.name, d.Name, d.Rows(), len(d.Names), len(d.Cols), n, tt.features)
			}
			for j, c := range d.Cols {
				if len(c) != n {
					t.Errorf("column %s has %d values, want %d", d.Names[j], len(c), n)
				}
				for _, v := range c {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Fatalf("column %s holds %v", d.Names[j], v)
					}
				}
			}
			var ones float64
			for _, c := range d.Class {
				if c != 0 && c != 1 {
					t.Fatalf("class %v is not 0 or 1", c)
				}
				ones += float64(c)
			}
			if f := ones / n; f < tt.classFrac[0] || f > tt.classFrac[1] {
				t.Errorf("share of class 1 = %.3f, want in %v", f, tt.classFrac)
			}
			if !slices.Equal(d.Label(true), d.Class) || !slices.Equal(d.Label(false), d.Target) {
				t.Error("Label does not pick Class and Target")
			}
			x := d.RowMajor(10, 12)
			if len(x) != 2*tt.features || x[tt.features+1] != d.Cols[1][11] {
				t.Errorf("RowMajor(10, 12) = %v", x)
			}
		})
	}
}

// col returns the column called name.
func col(t *testing.T, d *Data, name string) []float32 {
	t.Helper()
	i := slices.Index(d.Names, name)
	if i < 0 {
		t.Fatalf("%s has no column %s", d.Name, name)
	}
	return d.Cols[i]
}

// distinct returns the sorted distinct values of c.
func distinct(c []float32) []float32 {
	s := slices.Clone(c)
	slices.Sort(s)
	return slices.Compact(s)
}

func meanMedian(c []float32) (mean, median float64) {
	for _, v := range c {
		mean += float64(v)
	}
	s := slices.Clone(c)
	slices.Sort(s)
	return mean / float64(len(c)), float64(s[len(s)/2])
}

func TestHiggsMarginals(t *testing.T) {
	d := Higgs(20000, 3)
	for j, name := range d.Names {
		c := d.Cols[j]
		lo, hi := slices.Min(c), slices.Max(c)
		mean, median := meanMedian(c)
		switch {
		case len(name) > 4 && name[len(name)-4:] == "_phi":
			if lo < -math.Pi || hi > math.Pi || len(distinct(c)) < 19000 {
				t.Errorf("%s: [%v, %v], %d distinct; want uniform in [-π, π]", name, lo, hi, len(distinct(c)))
			}
		case len(name) > 4 && name[len(name)-4:] == "_eta":
			if lo < -2.5 || hi > 2.5 || math.Abs(mean) > 0.05 {
				t.Errorf("%s: [%v, %v], mean %v; want normal within ±2.5", name, lo, hi, mean)
			}
		case len(name) > 5 && name[len(name)-5:] == "_btag":
			if got := distinct(c); len(got) != 3 {
				t.Errorf("%s takes %v, want three values", name, got)
			}
		default: // momenta and masses
			if lo < 0 || mean <= median || len(distinct(c)) < 19000 {
				t.Errorf("%s: min %v, mean %v, median %v; want positive and right-skewed", name, lo, mean, median)
			}
		}
	}
}

func TestLowCardMarginals(t *testing.T) {
	d := LowCard(20000, 3)
	for name, want := range map[string]int{"region": 10, "rooms": 6, "grade": 5, "kind": 3, "flag_a": 2, "flag_b": 2} {
		if got := distinct(col(t, d, name)); len(got) != want {
			t.Errorf("%s takes %d values %v, want %d", name, len(got), got, want)
		}
		for _, v := range col(t, d, name) {
			if v != float32(math.Round(float64(v))) {
				t.Fatalf("%s holds %v, not an integer", name, v)
			}
		}
	}
	if got := len(distinct(col(t, d, "size"))); got < 15000 {
		t.Errorf("size has %d distinct values, want a continuous column", got)
	}
	mean, median := meanMedian(d.Target)
	if slices.Min(d.Target) <= 0 || mean < 1.1*median {
		t.Errorf("target: min %v, mean %v, median %v; want positive and right-skewed", slices.Min(d.Target), mean, median)
	}
}

func TestHousingMatchesBaselineScale(t *testing.T) {
	d := Housing(5000, 7)
	mean, _ := meanMedian(d.Target)
	if mean < 150000 || mean > 600000 {
		t.Errorf("mean price %v is off the reference distribution", mean)
	}
	if got := distinct(col(t, d, "DECK")); !slices.Equal(got, []float32{0, 1}) {
		t.Errorf("DECK takes %v, want 0 and 1", got)
	}
}

func TestLookupUnknown(t *testing.T) {
	if _, err := Lookup("mnist"); err == nil {
		t.Error("Lookup(mnist) gave no error")
	}
	if g, err := Lookup(" HIGGS "); err != nil || g == nil {
		t.Errorf("Lookup(HIGGS) = %v", err)
	}
}
