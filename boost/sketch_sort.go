package boost

import (
	"math"
	"math/bits"
)

// Sorting a sketch's input queue
//
// XGBoost sorts its queue with std::sort, comparing values only, and then
// sums the weights of equal values in the order the sort left them. With
// fractional weights that order changes the float32 sums, so stdSort
// reproduces GCC's libstdc++ std::sort (introsort: median-of-three
// quicksort down to runs of 16, heapsort past twice log2(n) levels, then
// one insertion sort) step by step. Where the order of equal values
// cannot matter, a radix sort gives the same result faster (queueSorter).

// stdSortThreshold is libstdc++'s _S_threshold.
const stdSortThreshold = 16

// stdSort sorts q by value as libstdc++'s std::sort does.
func stdSort(q []qEntry) {
	if len(q) < 2 {
		return
	}
	introsortLoop(q, 2*(bits.Len(uint(len(q)))-1))
	finalInsertionSort(q)
}

func introsortLoop(q []qEntry, depth int) {
	for len(q) > stdSortThreshold {
		if depth == 0 {
			heapSort(q)
			return
		}
		depth--
		cut := partitionPivot(q)
		introsortLoop(q[cut:], depth)
		q = q[:cut]
	}
}

// partitionPivot moves the median of q[1], q[mid] and q[last] to q[0]
// and partitions q[1:] around it, returning the start of the upper part.
func partitionPivot(q []qEntry) int {
	mid := len(q) / 2
	moveMedianToFirst(q, 0, 1, mid, len(q)-1)
	// Unguarded partition of q[1:] around q[0].
	first, last := 1, len(q)
	pivot := q[0].value
	for {
		for q[first].value < pivot {
			first++
		}
		last--
		for pivot < q[last].value {
			last--
		}
		if first >= last {
			return first
		}
		q[first], q[last] = q[last], q[first]
		first++
	}
}

func moveMedianToFirst(q []qEntry, result, a, b, c int) {
	va, vb, vc := q[a].value, q[b].value, q[c].value
	var m int
	switch {
	case va < vb:
		switch {
		case vb < vc:
			m = b
		case va < vc:
			m = c
		default:
			m = a
		}
	case va < vc:
		m = a
	case vb < vc:
		m = c
	default:
		m = b
	}
	q[result], q[m] = q[m], q[result]
}

func finalInsertionSort(q []qEntry) {
	if len(q) <= stdSortThreshold {
		insertionSort(q)
		return
	}
	insertionSort(q[:stdSortThreshold])
	for i := stdSortThreshold; i < len(q); i++ {
		linearInsert(q, i)
	}
}

func insertionSort(q []qEntry) {
	for i := 1; i < len(q); i++ {
		if q[i].value < q[0].value {
			v := q[i]
			copy(q[1:i+1], q[:i])
			q[0] = v
		} else {
			linearInsert(q, i)
		}
	}
}

// linearInsert moves q[i] down past the larger values before it; a
// smaller-or-equal value is known to be below it.
func linearInsert(q []qEntry, i int) {
	v := q[i]
	j := i - 1
	for v.value < q[j].value {
		q[i] = q[j]
		i = j
		j--
	}
	q[i] = v
}

// heapSort is libstdc++'s partial sort of the whole range: make_heap,
// then sort_heap.
func heapSort(q []qEntry) {
	n := len(q)
	if n >= 2 {
		for parent := (n - 2) / 2; ; parent-- {
			adjustHeap(q, parent, n, q[parent])
			if parent == 0 {
				break
			}
		}
	}
	for last := n - 1; last > 0; last-- {
		v := q[last]
		q[last] = q[0]
		adjustHeap(q, 0, last, v)
	}
}

func adjustHeap(q []qEntry, hole, n int, v qEntry) {
	top := hole
	child := hole
	for child < (n-1)/2 {
		child = 2 * (child + 1)
		if q[child].value < q[child-1].value {
			child--
		}
		q[hole] = q[child]
		hole = child
	}
	if n&1 == 0 && child == (n-2)/2 {
		child = 2 * (child + 1)
		q[hole] = q[child-1]
		hole = child - 1
	}
	parent := (hole - 1) / 2
	for hole > top && q[parent].value < v.value {
		q[hole] = q[parent]
		hole = parent
		parent = (hole - 1) / 2
	}
	q[hole] = v
}

// orderedBits maps a float32 to a uint32 that sorts as the float does
// (negative zero just below positive zero; there are no NaNs here).
func orderedBits(v float32) uint32 {
	b := math.Float32bits(v)
	if b>>31 != 0 {
		return ^b
	}
	return b | 1<<31
}

// queueSorter sorts sketch queues by value. A radix sort gives the same
// order as std::sort except among equal values, whose order only matters
// when their weights differ (the sums then round differently) or when +0
// and -0 meet (the first one's sign is kept). So the radix sort is used
// when anyOrder says every sum is exact and there is no -0, and
// otherwise when no run of equal values holds two different entries;
// else the queue is sorted with the std::sort replica.
type queueSorter struct {
	anyOrder bool
	scratch  []uint64
}

// sort sorts q by value as std::sort would.
func (qs *queueSorter) sort(q []qEntry) {
	if len(q) < 64 || !qs.radix(q) {
		stdSort(q)
	}
}

// radix radix-sorts q by value and reports true, or reports false and
// leaves q as it was when the order among equal values could matter.
func (qs *queueSorter) radix(q []qEntry) bool {
	if cap(qs.scratch) < 2*len(q) {
		qs.scratch = make([]uint64, 2*len(q))
	}
	keys, tmp := qs.scratch[:len(q)], qs.scratch[len(q):2*len(q)]
	// Keys and the three digits' counts in one pass.
	var count [3][2048]int
	for i, e := range q {
		k := uint64(orderedBits(e.value))<<32 | uint64(math.Float32bits(e.weight))
		keys[i] = k
		count[0][(k>>32)&2047]++
		count[1][(k>>43)&2047]++
		count[2][(k>>54)&2047]++
	}
	sorted := radixSortHigh32(keys, tmp, &count)
	if !qs.anyOrder {
		const negZero, posZero = 0x7fffffff, 0x80000000 // orderedBits of -0 and +0
		for i := 1; i < len(sorted); i++ {
			a, b := sorted[i-1], sorted[i]
			if a != b && (a>>32 == b>>32 || (a>>32 == negZero && b>>32 == posZero)) {
				return false
			}
		}
	}
	for i, k := range sorted {
		q[i] = qEntry{value: fromOrderedBits(uint32(k >> 32)), weight: math.Float32frombits(uint32(k))}
	}
	return true
}

func fromOrderedBits(b uint32) float32 {
	if b>>31 != 0 {
		return math.Float32frombits(b &^ (1 << 31))
	}
	return math.Float32frombits(^b)
}

// radixSortHigh32 sorts keys by their high 32 bits with a stable LSD
// radix sort of three 11-bit digits whose counts are given, skipping a
// digit that all keys share, using tmp (as long as keys) as the second
// buffer; it returns the one that holds the result.
func radixSortHigh32(keys, tmp []uint64, count *[3][2048]int) []uint64 {
	src, dst := keys, tmp
	for p, shift := range [3]uint{32, 43, 54} {
		c := &count[p]
		if c[(src[0]>>shift)&2047] == len(src) {
			continue
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, k := range src {
			d := (k >> shift) & 2047
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	return src
}
