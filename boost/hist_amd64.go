//go:build amd64 && !purego

package boost

import "unsafe"

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
