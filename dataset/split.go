package dataset

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// ErrBadSplit reports split arguments that cannot be honoured (negative or
// unordered indices, proportions out of range, splits that would be empty).
var ErrBadSplit = errors.New("dataset: bad split")

// The splits execute the plan once and return materialized datasets whose
// blocks are views of the executed blocks (no rows are copied).

// SplitAt splits the dataset at the given row indices into len(indices)+1
// datasets: [0, i0), [i0, i1), …, [ik, n). Indices beyond the row count
// are clamped, as Ray's split_at_indices does; they must not decrease.
func (d *Dataset) SplitAt(ctx context.Context, indices ...int) ([]*Dataset, error) {
	for i, x := range indices {
		if x < 0 || (i > 0 && x < indices[i-1]) {
			return nil, fmt.Errorf("%w: indices %v must be non-negative and non-decreasing", ErrBadSplit, indices)
		}
	}
	blocks, err := d.collect(ctx)
	if err != nil {
		return nil, err
	}
	total := totalRows(blocks)
	bounds := []int{0}
	for _, x := range indices {
		bounds = append(bounds, min(x, total))
	}
	bounds = append(bounds, total)
	return d.splitBlocks(blocks, bounds), nil
}

// splitBlocks cuts blocks at the global row bounds into datasets of views.
func (d *Dataset) splitBlocks(blocks []*Block, bounds []int) []*Dataset {
	ranges := rangeViews(blocks, bounds)
	out := make([]*Dataset, len(ranges))
	for i, parts := range ranges {
		out[i] = fromBlocks(d.sys, d.opts, fmt.Sprintf("Split[%d]", i), parts)
	}
	return out
}

// Split splits the dataset into n contiguous parts. With equal false the
// first rows%n parts get one extra row; with equal true every part gets
// rows/n rows and the remainder is dropped (as Ray's split(equal=True)).
func (d *Dataset) Split(ctx context.Context, n int, equal bool) ([]*Dataset, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%w: Split(%d): need at least one part", ErrBadSplit, n)
	}
	blocks, err := d.collect(ctx)
	if err != nil {
		return nil, err
	}
	return d.splitBlocks(blocks, nearEqualBounds(totalRows(blocks), n, equal)), nil
}

// SplitProportionately splits the dataset into len(ps)+1 parts, the first
// ones holding the given fractions of the rows and the last the rest, with
// Ray's rule: each proportion must be > 0 and their sum < 1; split index i
// is int(count × (p0+…+pi)) (a truncated float64 product), then earlier
// indices are moved down past equal ones, and a part that would still be
// empty is an ErrBadSplit. 10 000 rows split with
// [0.6, 0.2] give 6000/2000/2000.
func (d *Dataset) SplitProportionately(ctx context.Context, ps []float64) ([]*Dataset, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("%w: no proportions", ErrBadSplit)
	}
	sum := 0.0
	for _, p := range ps {
		if !(p > 0) {
			return nil, fmt.Errorf("%w: proportions %v must all be > 0", ErrBadSplit, ps)
		}
		sum += p
	}
	if !(sum < 1) {
		return nil, fmt.Errorf("%w: proportions %v must sum to less than 1", ErrBadSplit, ps)
	}
	blocks, err := d.collect(ctx)
	if err != nil {
		return nil, err
	}
	total := totalRows(blocks)
	idx, err := proportionIndices(total, ps)
	if err != nil {
		return nil, err
	}
	bounds := append(append([]int{0}, idx...), total)
	return d.splitBlocks(blocks, bounds), nil
}

// proportionIndices computes SplitProportionately's split indices.
func proportionIndices(total int, ps []float64) ([]int, error) {
	idx := make([]int, len(ps))
	cum := 0.0
	for i, p := range ps {
		cum += p
		idx[i] = int(float64(total) * cum)
	}
	// Ray's nudge: walking back from the second-to-last index, an index
	// equal to the next one moves down, and every earlier one moves down as
	// far as the ones after it did.
	sub := 0
	for i := len(idx) - 2; i >= 0; i-- {
		idx[i] -= sub
		if idx[i] == idx[i+1] {
			sub++
			idx[i]--
		}
	}
	for _, x := range idx {
		if x <= 0 {
			return nil, fmt.Errorf("%w: cannot make %d non-empty parts of %d rows with proportions %v", ErrBadSplit, len(ps)+1, total, ps)
		}
	}
	return idx, nil
}

// SplitOptions configure TrainTestSplit.
type SplitOptions struct {
	// Shuffle shuffles the rows (RandomShuffle(Seed)) before splitting;
	// otherwise the last rows are the test set.
	Shuffle bool
	// Seed seeds the shuffle.
	Seed uint64
}

// TrainTestSplit returns (train, test). testSize in (0, 1) is the test
// fraction (SplitProportionately([1 - testSize])); a whole number ≥ 1 is
// the test row count.
func (d *Dataset) TrainTestSplit(ctx context.Context, testSize float64, opts SplitOptions) (train, test *Dataset, err error) {
	src := d
	if opts.Shuffle {
		if src, err = d.RandomShuffle(opts.Seed).Materialize(ctx); err != nil {
			return nil, nil, err
		}
	}
	var parts []*Dataset
	switch {
	case testSize > 0 && testSize < 1:
		parts, err = src.SplitProportionately(ctx, []float64{1 - testSize})
	case testSize >= 1 && testSize == math.Trunc(testSize):
		var n int64
		if n, err = src.Count(ctx); err == nil {
			if int64(testSize) > n {
				return nil, nil, fmt.Errorf("%w: test size %v exceeds the %d rows", ErrBadSplit, testSize, n)
			}
			parts, err = src.SplitAt(ctx, int(n-int64(testSize)))
		}
	default:
		err = fmt.Errorf("%w: test size %v must be in (0, 1) or a whole row count", ErrBadSplit, testSize)
	}
	if err != nil {
		return nil, nil, err
	}
	return parts[0], parts[1], nil
}
