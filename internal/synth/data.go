package synth

import (
	"fmt"
	"slices"
	"strings"
)

// Data is a generated data set: named float32 feature columns, a
// regression target and a binary class.
type Data struct {
	// Name is the generator's name ("housing", "higgs", "lowcard").
	Name string
	// Names are the feature columns' names, one per column.
	Names []string
	// Cols holds one column per feature, Rows values each.
	Cols [][]float32
	// Target is the regression label.
	Target []float32
	// Class is the binary label, 0 or 1. For Higgs it is the generated
	// class and Target is the same slice; for the other generators it is
	// 1 where Target lies above its median.
	Class []float32
}

// Rows returns the number of rows.
func (d *Data) Rows() int { return len(d.Target) }

// Label returns Class when binary is true, otherwise Target.
func (d *Data) Label(binary bool) []float32 {
	if binary {
		return d.Class
	}
	return d.Target
}

// RowMajor returns rows [lo, hi) of the feature columns interleaved row by
// row: value (i, j) at (i-lo)*len(Cols)+j.
func (d *Data) RowMajor(lo, hi int) []float32 {
	out := make([]float32, 0, (hi-lo)*len(d.Cols))
	for i := lo; i < hi; i++ {
		for _, c := range d.Cols {
			out = append(out, c[i])
		}
	}
	return out
}

// Generator draws n rows of a distribution from a source seeded with seed.
type Generator func(n int, seed uint64) *Data

// Names lists the generators' names in the order Lookup knows them.
func Names() []string { return []string{"housing", "higgs", "lowcard"} }

// Lookup returns the generator called name (case-insensitive): "housing",
// "higgs" or "lowcard".
func Lookup(name string) (Generator, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "housing":
		return Housing, nil
	case "higgs":
		return Higgs, nil
	case "lowcard":
		return LowCard, nil
	}
	return nil, fmt.Errorf("synth: unknown generator %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// newData allocates a data set of n rows with the named columns.
func newData(name string, n int, names []string) *Data {
	d := &Data{Name: name, Names: names, Cols: make([][]float32, len(names)), Target: make([]float32, n)}
	for j := range d.Cols {
		d.Cols[j] = make([]float32, n)
	}
	return d
}

// aboveMedian returns 1 where v[i] is above the median of v (its element
// of rank len(v)/2), else 0.
func aboveMedian(v []float32) []float32 {
	out := make([]float32, len(v))
	if len(v) == 0 {
		return out
	}
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	for i, x := range v {
		if x > med {
			out[i] = 1
		}
	}
	return out
}

// b2f is 1 for true and 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
