//go:build cuda

package gpu

import (
	"context"
	"fmt"
	"math"
	"time"
	"unsafe"

	"gorgonia.org/cu"
)

// Launch shapes; evalThreads, scanThreads and partChunk must match
// EVAL_THREADS, SCAN_THREADS and PART_CHUNK in kernels/train.cu.
const (
	elemThreads   = 256
	histThreads   = 256
	evalThreads   = 128
	scanThreads   = 1024
	maxSharedHist = 48 << 10 // dynamic shared memory without an opt-in
	summaryBlocks = 1024
)

// buffer is a device allocation.
type buffer struct {
	name  string
	ptr   cu.DevicePtr
	bytes int64
}

func (b *buffer) arg() uint64 { return uint64(b.ptr) }

// cudaSession is a Session on a CUDA device. Every field is used only on
// the worker's goroutine, inside w.call.
type cudaSession struct {
	profile
	w    *worker
	info DeviceInfo
	d    Data

	mod    cu.Module
	loaded bool
	stream cu.Stream
	fns    map[string]cu.Function

	// Data and per-row state.
	bins, label, weight, margin, g, h, gp, ridx, tmp buffer
	off, nvals, fgroup, counters                     buffer
	// Scratch for per-call tables, grown as needed.
	table, reqs, ptrs, sums, mask, out, blockLeft, blockOff, leftCount, values buffer

	fgroups     []int32 // feature group boundaries for build_hist
	sharedBytes int
	seg         segments
	hists       map[int32]buffer
	pool        []buffer
	scaleG      float64
	scaleH      float64
	started     bool
	allocs      []*buffer
}

var _ Profiler = (*cudaSession)(nil)

func (s *cudaSession) Info() DeviceInfo { return s.info }

// init loads the module and uploads the data; it runs on the worker.
func (s *cudaSession) init() error {
	var err error
	if s.mod, err = cu.LoadData(trainPTX); err != nil {
		return &Error{Op: "load", Kernel: "kernels/train.ptx", Err: err}
	}
	s.loaded = true
	s.fns = map[string]cu.Function{}
	for name := range kernelParams {
		fn, err := s.mod.Function(name)
		if err != nil {
			return &Error{Op: "find kernel", Kernel: name, Err: err}
		}
		s.fns[name] = fn
	}
	if s.stream, err = cu.MakeStream(cu.DefaultStream); err != nil {
		return &Error{Op: "create stream", Err: err}
	}
	s.hists = map[int32]buffer{}
	d := &s.d
	n := int64(d.Rows)
	rg := n * int64(d.Groups)
	// Feature groups whose slots fit the shared memory of one block.
	s.fgroups = []int32{0}
	maxSlots := 0
	for f := 0; f < d.Features; f++ {
		first := s.fgroups[len(s.fgroups)-1]
		if int(d.Offsets[f+1]-d.Offsets[first])*16 > maxSharedHist {
			s.fgroups = append(s.fgroups, int32(f))
		}
	}
	s.fgroups = append(s.fgroups, int32(d.Features))
	for i := 0; i+1 < len(s.fgroups); i++ {
		maxSlots = max(maxSlots, int(d.Offsets[s.fgroups[i+1]]-d.Offsets[s.fgroups[i]]))
	}
	s.sharedBytes = maxSlots * 16
	type up struct {
		b     *buffer
		name  string
		src   unsafe.Pointer
		bytes int64
	}
	ptr := func(p unsafe.Pointer, n int) unsafe.Pointer {
		if n == 0 {
			return nil
		}
		return p
	}
	ups := []up{
		{&s.bins, "bins", ptr(unsafe.Pointer(unsafe.SliceData(d.Bins)), len(d.Bins)), int64(len(d.Bins))},
		{&s.label, "labels", ptr(unsafe.Pointer(unsafe.SliceData(d.Labels)), len(d.Labels)), 4 * n},
		{&s.off, "offsets", unsafe.Pointer(unsafe.SliceData(d.Offsets)), 4 * int64(len(d.Offsets))},
		{&s.nvals, "value counts", ptr(unsafe.Pointer(unsafe.SliceData(d.Values)), len(d.Values)), 4 * int64(len(d.Values))},
		{&s.fgroup, "feature groups", unsafe.Pointer(unsafe.SliceData(s.fgroups)), 4 * int64(len(s.fgroups))},
	}
	if d.Weights != nil {
		ups = append(ups, up{&s.weight, "weights", unsafe.Pointer(unsafe.SliceData(d.Weights)), 4 * n})
	}
	for _, u := range ups {
		if err := s.upload(u.b, u.name, u.src, u.bytes); err != nil {
			return err
		}
	}
	d.Bins = nil // on the device now: let the host copy go
	for _, a := range []struct {
		b     *buffer
		name  string
		bytes int64
	}{{&s.margin, "margins", 4 * rg}, {&s.g, "gradients", 4 * rg}, {&s.h, "hessians", 4 * rg},
		{&s.gp, "gradient pairs", 16 * n}, {&s.ridx, "row index", 4 * n}, {&s.tmp, "row index scratch", 4 * n},
		{&s.counters, "gradient summaries", 8 * 258 * int64(d.Groups)}} {
		if err := s.grow(a.b, a.name, a.bytes); err != nil {
			return err
		}
	}
	return nil
}

// grow makes b at least bytes long (its contents are lost when it moves).
func (s *cudaSession) grow(b *buffer, name string, bytes int64) error {
	bytes = max(bytes, 8)
	if b.bytes >= bytes {
		return nil
	}
	if b.ptr != 0 {
		if err := cu.MemFree(b.ptr); err != nil {
			return &Error{Op: "free", Kernel: b.name, Err: err}
		}
		b.ptr, b.bytes = 0, 0
	} else {
		s.allocs = append(s.allocs, b)
	}
	ptr, err := cu.MemAlloc(bytes)
	if err != nil {
		return &Error{Op: fmt.Sprintf("alloc %d bytes for", bytes), Kernel: name, Err: err}
	}
	b.name, b.ptr, b.bytes = name, ptr, bytes
	return nil
}

// upload copies bytes from host memory to b, growing it.
func (s *cudaSession) upload(b *buffer, name string, src unsafe.Pointer, bytes int64) error {
	if err := s.grow(b, name, bytes); err != nil {
		return err
	}
	if bytes == 0 {
		return nil
	}
	if err := cu.MemcpyHtoD(b.ptr, src, bytes); err != nil {
		return &Error{Op: "copy to device", Kernel: name, Err: err}
	}
	return nil
}

func (s *cudaSession) uploadI64(b *buffer, name string, v []int64) error {
	return s.upload(b, name, unsafe.Pointer(unsafe.SliceData(v)), 8*int64(len(v)))
}

// download copies bytes from b at byte offset at to host memory, after
// the stream's work has finished.
func (s *cudaSession) download(dst unsafe.Pointer, b *buffer, at, bytes int64, kernel string) error {
	if err := s.sync(kernel); err != nil {
		return err
	}
	if bytes == 0 {
		return nil
	}
	if err := cu.MemcpyDtoH(dst, b.ptr+cu.DevicePtr(at), bytes); err != nil {
		return &Error{Op: "copy from device", Kernel: b.name, Err: err}
	}
	return nil
}

// launch starts kernel name on grid gx × gy with block threads and
// shared bytes of dynamic shared memory. Every argument is 8 bytes wide,
// as the kernels declare them.
func (s *cudaSession) launch(name string, gx, gy, block, shared int, args ...uint64) error {
	if want := kernelParams[name]; len(args) != want {
		return &Error{Op: "launch", Kernel: name, Err: fmt.Errorf("%d arguments for %d parameters", len(args), want)}
	}
	if gx == 0 || gy == 0 {
		return nil
	}
	ptrs := make([]unsafe.Pointer, len(args))
	for i := range args {
		ptrs[i] = unsafe.Pointer(&args[i])
	}
	if err := s.fns[name].Launch(gx, gy, 1, block, 1, 1, shared, s.stream, ptrs); err != nil {
		return &Error{Op: "launch", Kernel: name, Err: err}
	}
	return nil
}

// sync waits for the stream; an error there comes from the last kernel
// run, named by kernel.
func (s *cudaSession) sync(kernel string) error {
	if err := s.stream.Synchronize(); err != nil {
		return &Error{Op: "run", Kernel: kernel, Err: err}
	}
	return nil
}

func blocks(n int64, threads int) int { return int((n + int64(threads) - 1) / int64(threads)) }

func f64(v float64) uint64 { return math.Float64bits(v) }

func (s *cudaSession) SetMargin(ctx context.Context, margin []float32) error {
	defer s.since("SetMargin", time.Now())
	if len(margin) != s.d.Rows*s.d.Groups {
		return fmt.Errorf("gpu: %d margins for %d rows × %d groups", len(margin), s.d.Rows, s.d.Groups)
	}
	return s.w.call(ctx, func() error {
		return s.upload(&s.margin, "margins", unsafe.Pointer(unsafe.SliceData(margin)), 4*int64(len(margin)))
	})
}

func (s *cudaSession) Margin(ctx context.Context) ([]float32, error) {
	defer s.since("Margin", time.Now())
	out := make([]float32, s.d.Rows*s.d.Groups)
	err := s.w.call(ctx, func() error {
		return s.download(unsafe.Pointer(unsafe.SliceData(out)), &s.margin, 0, 4*int64(len(out)), "add_leaves")
	})
	return out, err
}

func (s *cudaSession) Gradients(ctx context.Context, obj Objective) ([]GradSummary, error) {
	defer s.since("Gradients", time.Now())
	if err := checkObjective(&s.d, obj); err != nil {
		return nil, err
	}
	G := s.d.Groups
	raw := make([]uint64, 258*G)
	err := s.w.call(ctx, func() error {
		n := int64(s.d.Rows)
		var err error
		switch obj.Kind {
		case SquaredError:
			err = s.launch("grad_squared", blocks(n, elemThreads), 1, elemThreads, 0, s.margin.arg(), s.label.arg(),
				s.weightArg(), f64(float64(obj.ScalePosWeight)), s.g.arg(), s.h.arg(), uint64(n))
		case Logistic:
			err = s.launch("grad_logistic", blocks(n, elemThreads), 1, elemThreads, 0, s.margin.arg(), s.label.arg(),
				s.weightArg(), f64(float64(obj.ScalePosWeight)), s.g.arg(), s.h.arg(), uint64(n))
		case Softmax:
			err = s.launch("grad_softmax", blocks(n, elemThreads), 1, elemThreads, 0, s.margin.arg(), s.label.arg(),
				s.weightArg(), uint64(G), s.g.arg(), s.h.arg(), uint64(n))
		}
		if err != nil {
			return err
		}
		init := make([]uint64, 258*G)
		for k := 0; k < G; k++ {
			init[258*k+257] = math.MaxUint64
		}
		if err := s.upload(&s.counters, "gradient summaries", unsafe.Pointer(&init[0]), 8*int64(len(init))); err != nil {
			return err
		}
		if err := s.launch("grad_summary", min(blocks(n, elemThreads), summaryBlocks), G, elemThreads, 0,
			s.g.arg(), s.h.arg(), uint64(n), uint64(G), s.counters.arg()); err != nil {
			return err
		}
		return s.download(unsafe.Pointer(&raw[0]), &s.counters, 0, 8*int64(len(raw)), "grad_summary")
	})
	if err != nil {
		return nil, err
	}
	out := make([]GradSummary, G)
	for k := range out {
		c := raw[258*k:]
		for e := range out[k].GExp {
			out[k].GExp[e] = int64(c[e])
		}
		out[k].MaxAbsH = float64(math.Float32frombits(uint32(c[256])))
		out[k].MinH = float64(fromOrderKey(uint32(c[257])))
	}
	return out, nil
}

func (s *cudaSession) weightArg() uint64 {
	if s.d.Weights == nil {
		return 0
	}
	return s.weight.arg()
}

func (s *cudaSession) Quantise(ctx context.Context, q Quantiser) error {
	defer s.since("Quantise", time.Now())
	if q.Group < 0 || q.Group >= s.d.Groups {
		return fmt.Errorf("gpu: group %d of %d", q.Group, s.d.Groups)
	}
	return s.w.call(ctx, func() error {
		n := int64(s.d.Rows)
		if err := s.launch("quantise", blocks(n, elemThreads), 1, elemThreads, 0, s.g.arg(), s.h.arg(),
			uint64(s.d.Groups), uint64(q.Group), f64(q.ScaleG), f64(q.ScaleH), q.SampleThreshold, q.SampleSeed,
			uint64(s.d.FirstRow), s.gp.arg(), s.ridx.arg(), uint64(n)); err != nil {
			return err
		}
		s.scaleG, s.scaleH = q.ScaleG, q.ScaleH
		s.seg.reset(s.d.Rows)
		for nd, b := range s.hists {
			s.pool = append(s.pool, b)
			delete(s.hists, nd)
		}
		s.started = true
		return s.sync("quantise")
	})
}

func (s *cudaSession) checkTree() error {
	if !s.started {
		return fmt.Errorf("gpu: no tree started (call Quantise first)")
	}
	return nil
}

// histBuffer returns a zeroed histogram buffer for node.
func (s *cudaSession) histBuffer(node int32) (buffer, error) {
	slots := int64(s.d.slots())
	var b buffer
	if k := len(s.pool); k > 0 {
		b = s.pool[k-1]
		s.pool = s.pool[:k-1]
	} else {
		ptr, err := cu.MemAlloc(max(16*slots, 8))
		if err != nil {
			return buffer{}, &Error{Op: "alloc", Kernel: "histogram", Err: err}
		}
		b = buffer{name: "histogram", ptr: ptr, bytes: max(16*slots, 8)}
	}
	if err := cu.MemsetD32(b.ptr, 0, b.bytes/4); err != nil {
		return buffer{}, &Error{Op: "clear", Kernel: "histogram", Err: err}
	}
	s.hists[node] = b
	return b, nil
}

func (s *cudaSession) BuildHists(ctx context.Context, nodes []int32) error {
	defer s.since("BuildHists", time.Now())
	return s.w.call(ctx, func() error {
		if err := s.checkTree(); err != nil {
			return err
		}
		var table []int64
		ptrs := make([]int64, len(nodes))
		for j, nd := range nodes {
			lo, hi, err := s.seg.get(nd)
			if err != nil {
				return err
			}
			if old, ok := s.hists[nd]; ok {
				s.pool = append(s.pool, old)
				delete(s.hists, nd)
			}
			b, err := s.histBuffer(nd)
			if err != nil {
				return err
			}
			ptrs[j] = int64(b.ptr)
			table = segmentTable(table, j, lo, hi, tableChunk)
		}
		if len(table) == 0 || s.d.Features == 0 {
			return s.sync("build_hist")
		}
		if err := s.uploadI64(&s.table, "block table", table); err != nil {
			return err
		}
		if err := s.uploadI64(&s.ptrs, "histogram pointers", ptrs); err != nil {
			return err
		}
		if err := s.launch("build_hist", len(table)/3, len(s.fgroups)-1, histThreads, s.sharedBytes,
			s.bins.arg(), uint64(s.d.Features), s.gp.arg(), s.ridx.arg(), s.table.arg(), s.off.arg(),
			s.fgroup.arg(), s.ptrs.arg()); err != nil {
			return err
		}
		return s.sync("build_hist")
	})
}

// Subtract launches one hist_subtract per subtraction and waits once.
func (s *cudaSession) Subtract(ctx context.Context, ops []Subtraction) error {
	defer s.since("Subtract", time.Now())
	return s.w.call(ctx, func() error {
		n := 2 * int64(s.d.slots())
		for _, op := range ops {
			p, ok1 := s.hists[op.Parent]
			b, ok2 := s.hists[op.Built]
			if !ok1 || !ok2 {
				return fmt.Errorf("gpu: subtract: node %d or %d has no histogram", op.Parent, op.Built)
			}
			if err := s.launch("hist_subtract", blocks(n, elemThreads), 1, elemThreads, 0, p.arg(), b.arg(), uint64(n)); err != nil {
				return err
			}
			delete(s.hists, op.Parent)
			if old, ok := s.hists[op.Sibling]; ok && old.ptr != p.ptr {
				s.pool = append(s.pool, old)
			}
			s.hists[op.Sibling] = p
		}
		return s.sync("hist_subtract")
	})
}

// Release returns a node's histogram buffer to the pool. It does no
// driver call.
func (s *cudaSession) Release(node int32) {
	_ = s.w.call(context.Background(), func() error {
		if b, ok := s.hists[node]; ok {
			s.pool = append(s.pool, b)
			delete(s.hists, node)
		}
		return nil
	})
}

func (s *cudaSession) Hist(ctx context.Context, node int32) ([]Pair, error) {
	defer s.since("Hist", time.Now())
	out := make([]Pair, s.d.slots())
	err := s.w.call(ctx, func() error {
		b, ok := s.hists[node]
		if !ok {
			return fmt.Errorf("gpu: node %d has no histogram", node)
		}
		return s.download(unsafe.Pointer(unsafe.SliceData(out)), &b, 0, 16*int64(len(out)), "build_hist")
	})
	return out, err
}

func (s *cudaSession) Evaluate(ctx context.Context, p SplitParams, nodes []EvalNode) ([]Split, error) {
	defer s.since("Evaluate", time.Now())
	nf := s.d.Features
	ptrs := make([]int64, len(nodes))
	sums := make([]int64, 2*len(nodes))
	var mask []uint8
	for j, en := range nodes {
		sums[2*j], sums[2*j+1] = en.Sum.G, en.Sum.H
		if en.Features != nil && mask == nil {
			mask = make([]uint8, len(nodes)*nf)
			for i := range mask {
				mask[i] = 1
			}
		}
	}
	if mask != nil {
		for j, en := range nodes {
			m, err := featureMask(nf, en.Features)
			if err != nil {
				return nil, err
			}
			if m == nil {
				continue
			}
			for f, ok := range m {
				mask[j*nf+f] = boolByte(ok)
			}
		}
	}
	raw := make([]int64, 6*len(nodes))
	err := s.w.call(ctx, func() error {
		if err := s.checkTree(); err != nil {
			return err
		}
		if len(nodes) == 0 {
			return nil
		}
		for j, en := range nodes {
			b, ok := s.hists[en.Node]
			if !ok {
				return fmt.Errorf("gpu: evaluate: node %d has no histogram", en.Node)
			}
			ptrs[j] = int64(b.ptr)
		}
		if err := s.uploadI64(&s.ptrs, "histogram pointers", ptrs); err != nil {
			return err
		}
		if err := s.uploadI64(&s.sums, "node sums", sums); err != nil {
			return err
		}
		maskArg := uint64(0)
		if mask != nil {
			if err := s.upload(&s.mask, "feature masks", unsafe.Pointer(&mask[0]), int64(len(mask))); err != nil {
				return err
			}
			maskArg = s.mask.arg()
		}
		if err := s.grow(&s.out, "splits", 8*int64(len(raw))); err != nil {
			return err
		}
		if err := s.launch("evaluate_splits", len(nodes), 1, evalThreads, 0, s.ptrs.arg(), s.sums.arg(), maskArg,
			uint64(nf), s.off.arg(), s.nvals.arg(), f64(p.Lambda), f64(p.Alpha), f64(p.MinChildWeight),
			f64(p.MaxDeltaStep), f64(s.scaleG), f64(s.scaleH), s.out.arg()); err != nil {
			return err
		}
		return s.download(unsafe.Pointer(&raw[0]), &s.out, 0, 8*int64(len(raw)), "evaluate_splits")
	})
	if err != nil {
		return nil, err
	}
	out := make([]Split, len(nodes))
	for j := range out {
		o := raw[6*j:]
		out[j] = Split{Node: nodes[j].Node, Gain: math.Float32frombits(uint32(o[0])), Feature: int32(o[1]),
			Bin: int32(o[2]), DefaultLeft: o[3] != 0, Left: Pair{o[4], o[5]}}
	}
	return out, nil
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func (s *cudaSession) Partition(ctx context.Context, splits []PartitionSplit) ([]int64, error) {
	defer s.since("Partition", time.Now())
	counts := make([]int64, len(splits))
	err := s.w.call(ctx, func() error {
		if err := s.checkTree(); err != nil {
			return err
		}
		if err := s.seg.checkSplits(&s.d, splits); err != nil {
			return err
		}
		if len(splits) == 0 {
			return nil
		}
		reqs := make([]int64, 0, 7*len(splits))
		var table []int64
		for j, sp := range splits {
			lo, hi, _ := s.seg.get(sp.Node)
			first := int64(len(table) / 3)
			table = segmentTable(table, j, lo, hi, partChunk)
			reqs = append(reqs, lo, int64(sp.Feature), int64(sp.Bin), int64(boolByte(sp.DefaultLeft)),
				s.d.missCode(int(sp.Feature)), first, int64(len(table)/3)-first)
		}
		nb := int64(len(table) / 3)
		if err := s.uploadI64(&s.table, "block table", table); err != nil {
			return err
		}
		if err := s.uploadI64(&s.reqs, "splits", reqs); err != nil {
			return err
		}
		for _, a := range []struct {
			b     *buffer
			name  string
			bytes int64
		}{{&s.blockLeft, "block left counts", 8 * nb}, {&s.blockOff, "block offsets", 8 * nb},
			{&s.leftCount, "left counts", 8 * int64(len(splits))}} {
			if err := s.grow(a.b, a.name, a.bytes); err != nil {
				return err
			}
		}
		nf := uint64(s.d.Features)
		if err := s.launch("partition_count", int(nb), 1, partChunk, 0, s.bins.arg(), nf, s.ridx.arg(),
			s.table.arg(), s.reqs.arg(), s.blockLeft.arg()); err != nil {
			return err
		}
		if err := s.launch("partition_scan", len(splits), 1, scanThreads, 0, s.reqs.arg(),
			s.blockLeft.arg(), s.blockOff.arg(), s.leftCount.arg(), uint64(len(splits))); err != nil {
			return err
		}
		if err := s.launch("partition_scatter", int(nb), 1, partChunk, 0, s.bins.arg(), nf, s.ridx.arg(),
			s.tmp.arg(), s.table.arg(), s.reqs.arg(), s.blockOff.arg(), s.leftCount.arg()); err != nil {
			return err
		}
		if err := s.launch("copy_rows", int(nb), 1, partChunk, 0, s.table.arg(), s.tmp.arg(), s.ridx.arg()); err != nil {
			return err
		}
		if err := s.download(unsafe.Pointer(&counts[0]), &s.leftCount, 0, 8*int64(len(counts)), "partition_scatter"); err != nil {
			return err
		}
		for j, sp := range splits {
			lo, hi, _ := s.seg.get(sp.Node)
			s.seg.set(sp.Left, lo, lo+counts[j])
			s.seg.set(sp.Right, lo+counts[j], hi)
		}
		return nil
	})
	return counts, err
}

func (s *cudaSession) Rows(ctx context.Context, node int32) ([]int32, error) {
	defer s.since("Rows", time.Now())
	var out []int32
	err := s.w.call(ctx, func() error {
		lo, hi, err := s.seg.get(node)
		if err != nil {
			return err
		}
		out = make([]int32, hi-lo)
		if hi == lo {
			return nil
		}
		return s.download(unsafe.Pointer(&out[0]), &s.ridx, 4*lo, 4*(hi-lo), "copy_rows")
	})
	return out, err
}

func (s *cudaSession) AddLeaves(ctx context.Context, group int, leaves []int32, values []float32) error {
	defer s.since("AddLeaves", time.Now())
	if len(leaves) != len(values) || group < 0 || group >= s.d.Groups {
		return fmt.Errorf("gpu: %d leaves, %d values, group %d of %d", len(leaves), len(values), group, s.d.Groups)
	}
	return s.w.call(ctx, func() error {
		var table []int64
		for j, l := range leaves {
			lo, hi, err := s.seg.get(l)
			if err != nil {
				return err
			}
			table = segmentTable(table, j, lo, hi, tableChunk)
		}
		if len(table) == 0 {
			return nil
		}
		if err := s.uploadI64(&s.table, "block table", table); err != nil {
			return err
		}
		if err := s.upload(&s.values, "leaf values", unsafe.Pointer(&values[0]), 4*int64(len(values))); err != nil {
			return err
		}
		if err := s.launch("add_leaves", len(table)/3, 1, elemThreads, 0, s.ridx.arg(), s.table.arg(), s.values.arg(),
			s.margin.arg(), uint64(s.d.Groups), uint64(group)); err != nil {
			return err
		}
		return s.sync("add_leaves")
	})
}

// Close frees every allocation, the stream and the module, and ends the
// worker.
func (s *cudaSession) Close() error {
	return s.w.stop(func() error {
		var first error
		keep := func(err error) {
			if first == nil && err != nil {
				first = err
			}
		}
		for _, b := range s.hists {
			keep(cu.MemFree(b.ptr))
		}
		for _, b := range s.pool {
			keep(cu.MemFree(b.ptr))
		}
		for _, b := range s.allocs {
			if b.ptr != 0 {
				keep(cu.MemFree(b.ptr))
				b.ptr, b.bytes = 0, 0
			}
		}
		if s.stream != (cu.Stream{}) {
			keep(s.stream.Destroy())
		}
		if s.loaded {
			keep(s.mod.Unload())
		}
		if first != nil {
			return &Error{Op: "close", Err: first}
		}
		return nil
	})
}
