//go:build amd64 && !purego

package boost

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// partitionAVX512 and partitionAVX2 send n rows of src (n a positive
// multiple of 16) left, packed from dl up, when col[row] < bin1, and
// right, packed from dr up, otherwise, keeping their order on each side;
// they return the number that went left. They write whole vectors: dl and
// dr each receive writes up to entry n-1, past the packed rows (those
// entries are overwritten by later rows or lie past the side's end).
//
//go:noescape
func partitionAVX512(src *int32, n int, col *uint8, bin1 uint32, dl, dr *int32) int

//go:noescape
func partitionAVX2(src *int32, n int, col *uint8, bin1 uint32, dl, dr *int32, lanes *[256][8]uint32) int

// partLanes[m] lists, in order, the lanes whose bits are set in the 8-bit
// mask m, then zeros: the VPERMD indices with which partitionAVX2 packs
// those lanes.
var partLanes = func() (t [256][8]uint32) {
	for m := range t {
		k := 0
		for lane := range 8 {
			if m>>lane&1 != 0 {
				t[m][k] = uint32(lane)
				k++
			}
		}
	}
	return t
}()

var (
	hasPartitionAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasPOPCNT
	hasPartitionAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT
)

// partitionVector partitions the leading multiple of sixteen rows of src
// by col[row] <= bin into dst (left) and dstR (right), both at least as
// long as src, with the vector kernels where the processor has them. It
// returns how many rows it took and how many of those went left; the
// caller partitions the rest. src must be ascending, as a node's rows
// are: the kernels read col at its rows unchecked, and the first and the
// last bound them.
func partitionVector(src []int32, col []uint8, bin int32, dst, dstR []int32) (n, left int) {
	n = len(src) &^ 15
	if n == 0 || len(dst) < n || len(dstR) < n || src[0] < 0 || int(src[n-1]) >= len(col) {
		return 0, 0
	}
	s, c, dl, dr := unsafe.SliceData(src), unsafe.SliceData(col), unsafe.SliceData(dst), unsafe.SliceData(dstR)
	switch {
	case hasPartitionAVX512:
		return n, partitionAVX512(s, n, c, uint32(bin+1), dl, dr)
	case hasPartitionAVX2:
		return n, partitionAVX2(s, n, c, uint32(bin+1), dl, dr, &partLanes)
	}
	return 0, 0
}
