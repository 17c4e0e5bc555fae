//go:build amd64 && !purego

package boost

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// walkDenseAVX512 walks n rows (n a positive multiple of 16) without
// missing values through a dense tree of depth 1 to maxVectorDepth, whose
// thresholds and features in heap order start at thr and feat (with at
// least 32 readable entries from each level's first node); pos[0:n] ends
// as each row's leaf slot.
//
//go:noescape
func walkDenseAVX512(thr *float32, feat *uint32, base unsafe.Pointer, stride uintptr, depth int, pos *int32, n int)

// hasVectorWalk reports whether walkDenseVector can run here.
var hasVectorWalk = cpu.X86.HasAVX512F

// walkDenseVector walks the leading multiple of sixteen rows of pos with
// AVX-512 when the processor has it and the tree is shallow enough, and
// returns how many rows it walked; those rows end on their leaf slots.
func (p *Predictor) walkDenseVector(w *treeLayout, base unsafe.Pointer, stride uintptr, pos []int32) int {
	n := len(pos) &^ 15
	if !hasVectorWalk || n == 0 || w.depth < 1 || w.depth > maxVectorDepth {
		return 0
	}
	walkDenseAVX512(&p.dthr[w.root], &p.dfeat[w.root], base, stride, int(w.depth), unsafe.SliceData(pos), n)
	return n
}
