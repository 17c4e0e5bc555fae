package actor

import (
	"fmt"
	"math"
)

// resUnit is the fixed-point scale of resource amounts: one CPU is 10 000
// units, so fractions down to 0.0001 (Ray's precision) add up exactly.
const resUnit = 10000

// demand is an amount of resources in fixed-point units. custom is indexed
// like System.resNames and is nil when no custom resource is asked for.
type demand struct {
	cpu, gpu int64
	custom   []int64
}

// toUnits converts a resource amount to fixed-point units, rejecting
// negative, non-finite and too-fine values.
func toUnits(v float64, what string) (int64, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("%w: %s = %v: must be a finite amount >= 0", ErrInvalidOptions, what, v)
	}
	u := math.Round(v * resUnit)
	if v > 0 && u == 0 {
		return 0, fmt.Errorf("%w: %s = %v: smaller than the precision 0.0001", ErrInvalidOptions, what, v)
	}
	if u > math.MaxInt64/4 {
		return 0, fmt.Errorf("%w: %s = %v: too large", ErrInvalidOptions, what, v)
	}
	return int64(u), nil
}

func fromUnits(u int64) float64 { return float64(u) / resUnit }

// fits reports whether d fits in avail; a dimension d does not ask for
// fits whatever avail holds of it.
func (d *demand) fits(avail *demand) bool {
	if (d.cpu > 0 && d.cpu > avail.cpu) || (d.gpu > 0 && d.gpu > avail.gpu) {
		return false
	}
	for i, v := range d.custom {
		if v > 0 && v > avail.custom[i] {
			return false
		}
	}
	return true
}

// add adds e to d (d.custom must be sized when e has custom amounts).
func (d *demand) add(e *demand) {
	d.cpu += e.cpu
	d.gpu += e.gpu
	for i, v := range e.custom {
		d.custom[i] += v
	}
}

// zero reports whether d asks for nothing.
func (d *demand) zero() bool {
	if d.cpu != 0 || d.gpu != 0 {
		return false
	}
	for _, v := range d.custom {
		if v != 0 {
			return false
		}
	}
	return true
}

// equal reports whether d and e ask for the same amounts.
func (d *demand) equal(e *demand) bool {
	if d.cpu != e.cpu || d.gpu != e.gpu {
		return false
	}
	n := max(len(d.custom), len(e.custom))
	for i := range n {
		var a, b int64
		if i < len(d.custom) {
			a = d.custom[i]
		}
		if i < len(e.custom) {
			b = e.custom[i]
		}
		if a != b {
			return false
		}
	}
	return true
}

// dimSet is a set of resource dimensions: bit 0 CPU, bit 1 GPU, bit 2+i
// custom resource i (resources past the 62nd share the last bit, which
// only makes admission more cautious).
type dimSet uint64

const (
	dimCPU dimSet = 1 << iota
	dimGPU
)

func dimCustom(i int) dimSet { return 1 << min(i+2, 63) }

// dims is the set of dimensions d asks for.
func (d *demand) dims() dimSet {
	var s dimSet
	if d.cpu > 0 {
		s |= dimCPU
	}
	if d.gpu > 0 {
		s |= dimGPU
	}
	for i, v := range d.custom {
		if v > 0 {
			s |= dimCustom(i)
		}
	}
	return s
}

// demandOf builds a demand from user-facing amounts, checking it against
// the System's resource names and totals.
func (s *System) demandOf(cpus, gpus float64, custom map[string]float64, who string) (demand, error) {
	var d demand
	var err error
	if d.cpu, err = toUnits(cpus, who+" CPUs"); err != nil {
		return d, err
	}
	if d.gpu, err = toUnits(gpus, who+" GPUs"); err != nil {
		return d, err
	}
	if len(custom) > 0 {
		d.custom = make([]int64, len(s.resNames))
		for name, v := range custom {
			if name == "CPU" || name == "GPU" {
				return d, fmt.Errorf("%w: %s resource %q: use the CPU/GPU fields", ErrInvalidOptions, who, name)
			}
			i, ok := s.resIndex[name]
			if !ok {
				return d, fmt.Errorf("%w: %s resource %q: the system has none (%v)", ErrInfeasible, who, name, s.resNames)
			}
			if d.custom[i], err = toUnits(v, who+" resource "+name); err != nil {
				return d, err
			}
		}
	}
	if !d.fits(&s.total) {
		return d, fmt.Errorf("%w: %s asks for %s, the system has %s in total", ErrInfeasible, who, s.describe(&d), s.describe(&s.total))
	}
	return d, nil
}

// describe renders a demand for error messages.
func (s *System) describe(d *demand) string {
	out := fmt.Sprintf("CPU=%g GPU=%g", fromUnits(d.cpu), fromUnits(d.gpu))
	for i, v := range d.custom {
		if v != 0 {
			out += fmt.Sprintf(" %s=%g", s.resNames[i], fromUnits(v))
		}
	}
	return out
}
