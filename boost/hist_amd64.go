//go:build amd64 && !purego

package boost

import "unsafe"

// histRows8 adds the gradient pairs of the listed rows to the histogram h
// for eight features: for each row r and feature f, the pair gp[r] goes to
// the slot at byte offset off[f] + 16*bins[8r+f] of h. Each slot is
// updated with one 16-byte load, add and store (g and h together), half
// the memory operations of two 8-byte updates. Every row must be below
// the number of rows in bins and gp, and every slot must lie in h.
//
//go:noescape
func histRows8(h, bins, gp unsafe.Pointer, rows []int32, off *[8]uintptr)

// histRange8 is histRows8 for n consecutive rows starting at bins and gp.
//
//go:noescape
func histRange8(h, bins, gp unsafe.Pointer, n int, off *[8]uintptr)

// histRowsPacked8 is histRows8 for packed histograms: the int64 gq[r] goes
// to the int64 slot at byte offset off[f] + 8*bins[8r+f] of h.
//
//go:noescape
func histRowsPacked8(h, bins, gq unsafe.Pointer, rows []int32, off *[8]uintptr)

// histRangePacked8 is histRowsPacked8 for n consecutive rows starting at
// bins and gq.
//
//go:noescape
func histRangePacked8(h, bins, gq unsafe.Pointer, n int, off *[8]uintptr)

// The wide kernels (hist_wide.go) add the rows of a group of K features
// (K = 8, 4, 2, 1, in the name) to a wide histogram: for each listed row
// r and each j < K, the row's value (gq[r], or the pair gp[r]) goes to the
// slot j*wideStride + bins[r*nf+j] of h (int64 or 16-byte slots). bins
// and h point to the group's first feature. Every row must be below the
// number of rows in bins and the values, and h must hold the group's
// slots. The Range forms take n consecutive rows starting at bins and the
// values.

//go:noescape
func histRowsPackedWide8(h, bins, gq unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRowsPackedWide4(h, bins, gq unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRowsPackedWide2(h, bins, gq unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRowsPackedWide1(h, bins, gq unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRangePackedWide8(h, bins, gq unsafe.Pointer, n int, nf int)

//go:noescape
func histRangePackedWide4(h, bins, gq unsafe.Pointer, n int, nf int)

//go:noescape
func histRangePackedWide2(h, bins, gq unsafe.Pointer, n int, nf int)

//go:noescape
func histRangePackedWide1(h, bins, gq unsafe.Pointer, n int, nf int)

//go:noescape
func histRowsWide8(h, bins, gp unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRowsWide4(h, bins, gp unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRowsWide2(h, bins, gp unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRowsWide1(h, bins, gp unsafe.Pointer, rows []int32, nf int)

//go:noescape
func histRangeWide8(h, bins, gp unsafe.Pointer, n int, nf int)

//go:noescape
func histRangeWide4(h, bins, gp unsafe.Pointer, n int, nf int)

//go:noescape
func histRangeWide2(h, bins, gp unsafe.Pointer, n int, nf int)

//go:noescape
func histRangeWide1(h, bins, gp unsafe.Pointer, n int, nf int)
