package boost

// The weighted quantile summary
//
// XGBoost 1.7's hist method chooses its cuts with a weighted quantile
// sketch (Chen & Guestrin's WQSummary, with float32 values and float32
// ranks). The functions here reproduce its summary operations step by
// step and in float32, so that the cuts equal XGBoost's bit for bit: the
// rank arithmetic rounds in float32 after every operation, exactly as the
// C++ does (explicit float32 conversions keep the compiler from fusing a
// multiply and an add).

// wqEntry is one summary entry: a value with the bounds of its rank and
// its own weight.
type wqEntry struct {
	rmin, rmax, wmin float32 // rank bounds and the value's own weight
	value            float32
}

// rminNext is the lower bound of the rank of a value just above e.
func (e wqEntry) rminNext() float32 { return e.rmin + e.wmin }

// rmaxPrev is the upper bound of the rank of a value just below e.
func (e wqEntry) rmaxPrev() float32 { return e.rmax - e.wmin }

// qEntry is a value waiting in a sketch's input queue with its weight.
type qEntry struct {
	value, weight float32
}

// makeSummary sorts the queue by value as libstdc++'s std::sort does (see
// queueSorter) and appends to dst[:0] one entry per distinct value, its
// weight the sum of its queue entries' in the sorted order and its ranks
// the running sum; it returns the summary.
func makeSummary(q []qEntry, dst []wqEntry, qs *queueSorter) []wqEntry {
	qs.sort(q)
	dst = dst[:0]
	var wsum float32
	for i := 0; i < len(q); {
		j := i + 1
		w := q[i].weight
		for j < len(q) && q[j].value == q[i].value {
			w += q[j].weight
			j++
		}
		dst = append(dst, wqEntry{rmin: wsum, rmax: wsum + w, wmin: w, value: q[i].value})
		wsum += w
		i = j
	}
	return dst
}

// setPrune appends to dst[:0] a summary of src with at most maxSize
// entries (WQSummary::SetPrune) and returns it; src is copied when it is
// small enough. dst must not share memory with src.
func setPrune(dst, src []wqEntry, maxSize int) []wqEntry {
	dst = dst[:0]
	if len(src) <= maxSize {
		return append(dst, src...)
	}
	begin := src[0].rmax
	rng := src[len(src)-1].rmin - src[0].rmax
	n := maxSize - 1
	dst = append(dst, src[0])
	i, last := 1, 0
	for k := 1; k < n; k++ {
		dx2 := 2 * (float32(float32(k)*rng)/float32(n) + begin)
		// The first i with dx2 < rmax[i+1] + rmin[i+1].
		for i < len(src)-1 && dx2 >= src[i+1].rmax+src[i+1].rmin {
			i++
		}
		if i == len(src)-1 {
			break
		}
		if dx2 < src[i].rminNext()+src[i+1].rmaxPrev() {
			if i != last {
				dst = append(dst, src[i])
				last = i
			}
		} else if i+1 != last {
			dst = append(dst, src[i+1])
			last = i + 1
		}
	}
	if last != len(src)-1 {
		dst = append(dst, src[len(src)-1])
	}
	return dst
}

// setCombine appends to dst[:0] the merge of summaries a and b
// (WQSummary::SetCombine, with its rounding fix-up) and returns it. dst
// must not share memory with a or b.
func setCombine(dst, a, b []wqEntry) []wqEntry {
	dst = dst[:0]
	if len(a) == 0 {
		return append(dst, b...)
	}
	if len(b) == 0 {
		return append(dst, a...)
	}
	var aPrevRmin, bPrevRmin float32
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ea, eb := a[i], b[j]
		switch {
		case ea.value == eb.value:
			dst = append(dst, wqEntry{ea.rmin + eb.rmin, ea.rmax + eb.rmax, ea.wmin + eb.wmin, ea.value})
			aPrevRmin, bPrevRmin = ea.rminNext(), eb.rminNext()
			i++
			j++
		case ea.value < eb.value:
			dst = append(dst, wqEntry{ea.rmin + bPrevRmin, ea.rmax + eb.rmaxPrev(), ea.wmin, ea.value})
			aPrevRmin = ea.rminNext()
			i++
		default:
			dst = append(dst, wqEntry{eb.rmin + aPrevRmin, eb.rmax + ea.rmaxPrev(), eb.wmin, eb.value})
			bPrevRmin = eb.rminNext()
			j++
		}
	}
	if i < len(a) {
		bRmax := b[len(b)-1].rmax
		for ; i < len(a); i++ {
			e := a[i]
			dst = append(dst, wqEntry{e.rmin + bPrevRmin, e.rmax + bRmax, e.wmin, e.value})
		}
	}
	if j < len(b) {
		aRmax := a[len(a)-1].rmax
		for ; j < len(b); j++ {
			e := b[j]
			dst = append(dst, wqEntry{e.rmin + aPrevRmin, e.rmax + aRmax, e.wmin, e.value})
		}
	}
	fixError(dst)
	return dst
}

// fixError restores the summary's invariants after float rounding
// (WQSummary::FixError): rmin and rmax never decrease and rmax is at
// least rmin + wmin.
func fixError(s []wqEntry) {
	var prevRmin, prevRmax float32
	for i := range s {
		e := &s[i]
		if e.rmin < prevRmin {
			e.rmin = prevRmin
		} else {
			prevRmin = e.rmin
		}
		if e.rmax < prevRmax {
			e.rmax = prevRmax
		}
		if next := e.rminNext(); e.rmax < next {
			e.rmax = next
		}
		prevRmax = e.rmax
	}
}
