package local

import (
	"fmt"
	"strconv"
	"strings"
)

// fieldFilter is a JSONPath of a transform's DataProcessing applied to a
// CSV record as SageMaker applies it, the record being an array of its
// fields: "$" keeps all, "$[i,j,...]" picks fields (negative indices
// count from the end), "$[a:b]" slices (either bound may be left out or
// negative).
type fieldFilter struct {
	all        bool
	picks      []int
	slice      bool
	lo, hi     int
	hasLo, hiK bool
}

func parseFieldFilter(path string) (*fieldFilter, error) {
	p := strings.TrimSpace(path)
	if p == "" || p == "$" {
		return &fieldFilter{all: true}, nil
	}
	inner, ok := strings.CutPrefix(p, "$[")
	if inner, ok2 := strings.CutSuffix(inner, "]"); ok && ok2 {
		if a, b, isSlice := strings.Cut(inner, ":"); isSlice {
			f := &fieldFilter{slice: true}
			var err error
			if a = strings.TrimSpace(a); a != "" {
				f.hasLo = true
				if f.lo, err = strconv.Atoi(a); err != nil {
					return nil, fmt.Errorf("%w: filter %q: bad index %q", ErrDefinition, path, a)
				}
			}
			if b = strings.TrimSpace(b); b != "" {
				f.hiK = true
				if f.hi, err = strconv.Atoi(b); err != nil {
					return nil, fmt.Errorf("%w: filter %q: bad index %q", ErrDefinition, path, b)
				}
			}
			return f, nil
		}
		f := &fieldFilter{}
		for _, s := range strings.Split(inner, ",") {
			i, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%w: filter %q: bad index %q", ErrDefinition, path, s)
			}
			f.picks = append(f.picks, i)
		}
		return f, nil
	}
	return nil, fmt.Errorf("%w: filter %q is not supported locally (use $, $[i,j,...] or $[a:b] on CSV records)", ErrDefinition, path)
}

// apply returns the fields the filter keeps, or an error when it names
// a field the record does not have.
func (f *fieldFilter) apply(fields []string) ([]string, error) {
	n := len(fields)
	switch {
	case f.all:
		return fields, nil
	case f.slice:
		lo, hi := 0, n
		if f.hasLo {
			lo = f.lo
		}
		if f.hiK {
			hi = f.hi
		}
		if lo < 0 {
			lo += n
		}
		if hi < 0 {
			hi += n
		}
		lo, hi = min(max(lo, 0), n), min(max(hi, 0), n)
		if lo >= hi {
			return nil, nil
		}
		return fields[lo:hi], nil
	}
	out := make([]string, 0, len(f.picks))
	for _, i := range f.picks {
		j := i
		if j < 0 {
			j += n
		}
		if j < 0 || j >= n {
			return nil, fmt.Errorf("%w: the record has %d fields, no field %d", ErrBadInput, n, i)
		}
		out = append(out, fields[j])
	}
	return out, nil
}

// dataProcessing is a transform's DataProcessing: filters on the input
// record and on the output, and whether the input joins the output.
type dataProcessing struct {
	input, output *fieldFilter
	join          bool
}

// identity reports whether it changes nothing.
func (d *dataProcessing) identity() bool {
	return d == nil || d.input.all && d.output.all && !d.join
}

// splitFields splits a CSV line into its fields.
func splitFields(line []byte) []string {
	return strings.Split(strings.TrimRight(string(line), "\r"), ",")
}
