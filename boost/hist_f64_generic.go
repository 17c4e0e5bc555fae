//go:build !amd64 || purego

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

func histRangeF64Wide8(h, bins, gh unsafe.Pointer, n int, nf int) {
	rangeF64Wide(h, bins, gh, n, nf, 8)
}
func histRangeF64Wide4(h, bins, gh unsafe.Pointer, n int, nf int) {
	rangeF64Wide(h, bins, gh, n, nf, 4)
}
func histRangeF64Wide2(h, bins, gh unsafe.Pointer, n int, nf int) {
	rangeF64Wide(h, bins, gh, n, nf, 2)
}
func histRangeF64Wide1(h, bins, gh unsafe.Pointer, n int, nf int) {
	rangeF64Wide(h, bins, gh, n, nf, 1)
}

func rowsF64Wide(h, bins, gh unsafe.Pointer, rows []int32, nf, k int) {
	for _, r := range rows {
		rowF64Wide(h, unsafe.Add(bins, int(r)*nf), (*[2]float32)(unsafe.Add(gh, uintptr(r)*8)), k)
	}
}

func rangeF64Wide(h, bins, gh unsafe.Pointer, n int, nf, k int) {
	for i := 0; i < n; i++ {
		rowF64Wide(h, unsafe.Add(bins, i*nf), (*[2]float32)(unsafe.Add(gh, uintptr(i)*8)), k)
	}
}

// rowF64Wide adds one row's pair p, widened to float64, to the slots of k
// features; b points to the row's first bin of the group.
func rowF64Wide(h, b unsafe.Pointer, p *[2]float32, k int) {
	g, hs := float64(p[0]), float64(p[1])
	for j := 0; j < k; j++ {
		e := (*[2]float64)(unsafe.Add(h, (uintptr(j)*wideStride+uintptr(*(*uint8)(unsafe.Add(b, j))))*16))
		e[0], e[1] = e[0]+g, e[1]+hs
	}
}

func histRowsF64WideN(h, bins, gh unsafe.Pointer, rows []int32, stride, nf int) {
	rowsF64Wide(h, bins, gh, rows, stride, nf)
}
