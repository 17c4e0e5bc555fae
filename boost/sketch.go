package boost

import (
	"math"
)

// The quantile sketch
//
// Cuts are chosen as XGBoost 1.7's hist method chooses them
// (common::SketchOnDMatrix with a HostSketchContainer): every feature is
// streamed, in row order, through its own weighted quantile sketch
// (WQuantileSketch<float, float>) sized from max_bin and the feature's
// count of non-missing values; its summary is pruned to
// min(count, 8*max_bin) entries, then to max_bin+1, and the cuts are that
// summary's values from the second on, without repeats, plus one above
// the maximum. Each feature is sketched by one goroutine over all rows, so
// the cuts do not depend on the thread count, as XGBoost's do not.
//
// In distributed training every shard sketches its own rows, and the
// pruned summaries are merged in shard order, as XGBoost's distributed
// sketch (SketchContainerImpl::AllReduce) merges the workers' summaries in
// rank order. Those cuts equal XGBoost's distributed cuts for the same
// shards; they generally differ from the single-process cuts of the same
// data, in XGBoost as here.

// sketchFactor is WQSketch::kFactor: the summary keeps about this many
// entries per bin before the final prune.
const sketchFactor = 8

// wqSketch is one feature's streaming weighted quantile sketch: an input
// queue of 2*limit values and levels of summaries of at most limit
// entries each, merged upward like a binary counter.
type wqSketch struct {
	limit  int
	queue  []qEntry // the input queue, len 2*limit
	qtail  int
	levels [][]wqEntry // levels[0] is scratch space; each holds up to limit entries
	temp   []wqEntry   // up to 2*limit entries
	sorter queueSorter
}

// limitSizeLevel returns the level count and per-level summary size of a
// sketch of maxN values with accuracy eps (LimitSizeLevel): the fewest
// levels for which 2^levels summaries of ceil(levels/eps)+1 entries hold
// maxN values.
func limitSizeLevel(maxN int, eps float64) (nlevel, limit int) {
	for nlevel = 1; ; nlevel++ {
		limit = min(maxN, int(math.Ceil(float64(nlevel)/eps))+1)
		if (1<<nlevel)*limit >= maxN {
			return nlevel, limit
		}
	}
}

// init sizes the sketch for maxN values with accuracy eps.
func (s *wqSketch) init(maxN int, eps float64) {
	_, s.limit = limitSizeLevel(maxN, eps)
	s.queue = make([]qEntry, 2*s.limit)
	s.qtail = 0
	s.levels = nil
	s.temp = make([]wqEntry, 0, 2*s.limit)
}

// pushColumn pushes the non-missing values of col with their weights
// (1 when weight is nil), in row order, as WQuantileSketch::Push takes
// them one by one: a zero weight is dropped, a repeat of the last value
// adds to its weight, and a full queue is summarised into the levels
// first.
func (s *wqSketch) pushColumn(col, weight []float32) {
	if weight == nil {
		s.pushRun(col, nil)
		return
	}
	s.pushRun(col, weight[:len(col)])
}

// pushRun is pushColumn's loop. The last queue entry is kept in
// registers (lastV, lastW) and stored speculatively, and whether a value
// repeats it, as unpredictable as the data (a 0/1 flag), only selects bits:
// the loop does not branch on it.
func (s *wqSketch) pushRun(col, weight []float32) {
	q, t := s.queue, s.qtail
	i := 0
	if t == 0 { // take the first pushed value as the pending entry
		for ; i < len(col); i++ {
			if v := col[i]; v == v && (weight == nil || weight[i] != 0) {
				break
			}
		}
		if i == len(col) {
			return
		}
		w := float32(1)
		if weight != nil {
			w = weight[i]
		}
		q[0] = qEntry{col[i], w}
		t, i = 1, i+1
	}
	// Entries q[:t-1] are final; q[t-1] is pending in lastV, lastW.
	t--
	lastV, lastW := q[t].value, q[t].weight
	for ; i < len(col); i++ {
		v, w := col[i], float32(1)
		if weight != nil {
			w = weight[i]
		}
		if v != v || w == 0 {
			continue
		}
		same := boolInt(lastV == v)
		if t+1 == len(q) && same == 0 { // full: summarise, then v starts the queue
			q[t] = qEntry{lastV, lastW}
			s.qtail = t + 1
			s.flush()
			t, lastV, lastW = 0, v, w
			continue
		}
		q[t] = qEntry{lastV, lastW}
		t += 1 - same
		keep := -uint32(same) // all ones to keep the pending entry
		lastW = math.Float32frombits(math.Float32bits(lastW)&keep) + w
		lastV = math.Float32frombits(math.Float32bits(lastV)&keep | math.Float32bits(v)&^keep)
	}
	q[t] = qEntry{lastV, lastW}
	s.qtail = t + 1
}

// flush summarises the full queue into the levels and empties it.
func (s *wqSketch) flush() {
	s.temp = makeSummary(s.queue[:s.qtail], s.temp, &s.sorter)
	s.qtail = 0
	s.pushTemp()
}

// initLevel makes sure there are at least n levels.
func (s *wqSketch) initLevel(n int) {
	for len(s.levels) < n {
		s.levels = append(s.levels, make([]wqEntry, 0, s.limit))
	}
}

// pushTemp carries the summary in temp up the levels (PushTemp): pruned
// into the first empty level, or merged with a full one and carried on
// while the merge is larger than limit.
func (s *wqSketch) pushTemp() {
	for l := 1; ; l++ {
		s.initLevel(l + 1)
		if len(s.levels[l]) == 0 {
			s.levels[l] = setPrune(s.levels[l], s.temp, s.limit)
			return
		}
		s.levels[0] = setPrune(s.levels[0], s.temp, s.limit)
		s.temp = setCombine(s.temp, s.levels[0], s.levels[l])
		if len(s.temp) > s.limit {
			s.levels[l] = s.levels[l][:0]
			continue
		}
		s.levels[l] = append(s.levels[l][:0], s.temp...)
		return
	}
}

// summary returns the sketch's final summary (GetSummary): the queue's
// summary combined with every level, pruned to limit entries after each
// step.
func (s *wqSketch) summary() []wqEntry {
	out := makeSummary(s.queue[:s.qtail], make([]wqEntry, 0, 2*s.limit), &s.sorter)
	if len(s.levels) == 0 {
		if len(out) > s.limit {
			out = setPrune(make([]wqEntry, 0, s.limit), out, s.limit)
		}
		return out
	}
	lv0 := setPrune(s.levels[0], out, s.limit)
	for _, lv := range s.levels[1:] {
		if len(lv) == 0 {
			continue
		}
		if len(lv0) == 0 {
			lv0 = append(lv0, lv...)
			continue
		}
		out = setCombine(out, lv0, lv)
		lv0 = setPrune(lv0, out, s.limit)
	}
	return append(out[:0], lv0...)
}

// featSummary is one shard's sketch of one feature.
type featSummary struct {
	count   int       // non-missing values (XGBoost's column size)
	missing int       // missing values
	summary []wqEntry // the sketch's final summary
}

// sketchShard sketches every feature of d for at most maxBin bins, one
// feature per task on up to threads goroutines.
func sketchShard(d *DMatrix, maxBin, threads int) []featSummary {
	out := make([]featSummary, len(d.cols))
	exact := wholeWeights(d.weight)
	parallelTasks(threads, len(d.cols), func(_, f int) {
		out[f] = sketchColumn(d.cols[f], d.weight, maxBin, exact)
	})
	return out
}

// wholeWeights reports whether every sum of weights is exact in float32:
// no weights, or whole weights whose total is below 2^24.
func wholeWeights(w []float32) bool {
	var sum float64
	for _, v := range w {
		if v != float32(math.Trunc(float64(v))) {
			return false
		}
		sum += float64(v)
	}
	return sum < 1<<24
}

// sketchColumn sketches one feature column with optional row weights.
// exactWeights tells whether every sum of the weights is exact, which
// lets the sketch sort faster.
func sketchColumn(col, weight []float32, maxBin int, exactWeights bool) featSummary {
	var fs featSummary
	negZero := false
	for _, v := range col {
		// Branch-free NaN count: |v|'s bits exceed the infinity's.
		b := math.Float32bits(v)
		fs.missing += int((0x7f800000 - b&0x7fffffff) >> 31)
		if b == 0x80000000 {
			negZero = true
		}
	}
	fs.count = len(col) - fs.missing
	if fs.count == 0 {
		return fs
	}
	nbins := max(min(maxBin, fs.count), 1)
	var s wqSketch
	s.init(fs.count, 1/float64(float32(nbins)*sketchFactor))
	s.sorter.anyOrder = exactWeights && !negZero && len(col) < 1<<24
	s.pushColumn(col, weight)
	fs.summary = s.summary()
	return fs
}

// mergeSketches builds the cuts of nf features, at most maxBin per
// feature, from the shards' sketches in shard order. One shard gives
// XGBoost's single-process cuts; several give its distributed cuts.
func mergeSketches(parts [][]featSummary, nf, maxBin, threads int) *cuts {
	c := &cuts{vals: make([][]float32, nf), minVal: make([]float32, nf), hasMiss: make([]bool, nf), off: make([]int, nf+1)}
	parallelTasks(threads, nf, func(_, f int) {
		c.vals[f], c.minVal[f], c.hasMiss[f] = featureCuts(parts, f, maxBin)
	})
	for f := 0; f < nf; f++ {
		c.off[f+1] = c.off[f] + len(c.vals[f]) + 1
	}
	return c
}

// featureCuts merges the shards' summaries of feature f and chooses its
// cuts (SketchContainerImpl::AllReduce and MakeCuts).
func featureCuts(parts [][]featSummary, f, maxBin int) (vals []float32, minVal float32, hasMiss bool) {
	total, missing := 0, 0
	for _, p := range parts {
		total += p[f].count
		missing += p[f].missing
	}
	hasMiss = missing > 0
	if total == 0 {
		// An empty column: XGBoost's minimum 1e-5 and one cut above it.
		minVal = 1e-5
		return []float32{maxCut(minVal)}, minVal, hasMiss
	}
	inter := min(total, int(float32(maxBin)*sketchFactor))
	var reduced []wqEntry
	if len(parts) == 1 {
		reduced = setPrune(nil, parts[0][f].summary, inter)
	} else {
		// Each worker prunes its summary to inter entries; the gathered
		// summaries (an all-reduce sum, which turns -0 into +0) are
		// combined and pruned in worker order.
		var merged, buf, tmp []wqEntry
		for _, p := range parts {
			buf = setPrune(buf, p[f].summary, inter)
			for i := range buf {
				if buf[i].value == 0 {
					buf[i].value = 0
				}
			}
			tmp = setCombine(tmp, merged, buf)
			merged = setPrune(merged, tmp, inter)
		}
		reduced = setPrune(nil, merged, inter)
	}
	nb := min(inter, maxBin)
	a := setPrune(nil, reduced, nb+1)
	mval := a[0].value
	minVal = float32(float64(mval) - math.Abs(float64(mval)) - eps32)
	vals = make([]float32, 0, nb)
	for i := 1; i < min(len(a), nb); i++ {
		if v := a[i].value; i == 1 || v > vals[len(vals)-1] {
			vals = append(vals, v)
		}
	}
	return append(vals, maxCut(a[len(a)-1].value)), minVal, hasMiss
}

// eps32 is the float32 constant 1e-5f that XGBoost's cut arithmetic
// uses, promoted to float64 as the C++ promotes it next to fabs' double.
const eps32 = float64(float32(1e-5))

// maxCut is the cut XGBoost adds above a feature's largest value v,
// computed in float64 (the C++ calls the double fabs) and rounded once.
func maxCut(v float32) float32 {
	return float32(float64(v) + (math.Abs(float64(v)) + eps32))
}

// buildCuts returns the single-process cuts of d for at most maxBin bins
// per feature.
func buildCuts(d *DMatrix, maxBin, threads int) *cuts {
	return mergeSketches([][]featSummary{sketchShard(d, maxBin, threads)}, len(d.cols), maxBin, threads)
}
