//go:build amd64 && !purego

package boost

import "unsafe"

// The float64 wide kernels add rows to a wide histogram of float64
// (g, h) slots, 16 bytes each, in the layout of hist_wide.go: for each
// row r, in order, and each feature j of the group, the row's float32
// pair (gh[2r], gh[2r+1]) is widened to float64 and added to the slot
// s = j*wideStride + bins[r*stride+j] of h (h[2s] and h[2s+1]). Each slot
// takes exactly the IEEE double additions, in row order, of a plain Go
// loop, so the sums are bit for bit those of a float64 histogram built one
// row at a time. bins and h point to the group's first feature; h must be
// 8-byte aligned. Every row must be below the number of rows in bins and
// gh, and h must hold the group's slots.
//
// The Range forms take n consecutive rows starting at bins and gh, for a
// group of K features (K = 8, 4, 2, 1, in the name); stride is passed as
// nf. histRowsF64WideN takes the listed rows, for a group of nf features.

//go:noescape
func histRangeF64Wide8(h, bins, gh unsafe.Pointer, n int, nf int)

//go:noescape
func histRangeF64Wide4(h, bins, gh unsafe.Pointer, n int, nf int)

//go:noescape
func histRangeF64Wide2(h, bins, gh unsafe.Pointer, n int, nf int)

//go:noescape
func histRangeF64Wide1(h, bins, gh unsafe.Pointer, n int, nf int)

//go:noescape
func histRowsF64WideN(h, bins, gh unsafe.Pointer, rows []int32, stride, nf int)
