//go:build !amd64 || purego

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

func histRowsPackedWide8(h, bins, gq unsafe.Pointer, rows []int32, nf int) {
	rowsPackedWide(h, bins, gq, rows, nf, 8)
}
func histRowsPackedWide4(h, bins, gq unsafe.Pointer, rows []int32, nf int) {
	rowsPackedWide(h, bins, gq, rows, nf, 4)
}
func histRowsPackedWide2(h, bins, gq unsafe.Pointer, rows []int32, nf int) {
	rowsPackedWide(h, bins, gq, rows, nf, 2)
}
func histRowsPackedWide1(h, bins, gq unsafe.Pointer, rows []int32, nf int) {
	rowsPackedWide(h, bins, gq, rows, nf, 1)
}
func histRangePackedWide8(h, bins, gq unsafe.Pointer, n int, nf int) {
	rangePackedWide(h, bins, gq, n, nf, 8)
}
func histRangePackedWide4(h, bins, gq unsafe.Pointer, n int, nf int) {
	rangePackedWide(h, bins, gq, n, nf, 4)
}
func histRangePackedWide2(h, bins, gq unsafe.Pointer, n int, nf int) {
	rangePackedWide(h, bins, gq, n, nf, 2)
}
func histRangePackedWide1(h, bins, gq unsafe.Pointer, n int, nf int) {
	rangePackedWide(h, bins, gq, n, nf, 1)
}
func histRowsWide8(h, bins, gp unsafe.Pointer, rows []int32, nf int) {
	rowsWide(h, bins, gp, rows, nf, 8)
}
func histRowsWide4(h, bins, gp unsafe.Pointer, rows []int32, nf int) {
	rowsWide(h, bins, gp, rows, nf, 4)
}
func histRowsWide2(h, bins, gp unsafe.Pointer, rows []int32, nf int) {
	rowsWide(h, bins, gp, rows, nf, 2)
}
func histRowsWide1(h, bins, gp unsafe.Pointer, rows []int32, nf int) {
	rowsWide(h, bins, gp, rows, nf, 1)
}
func histRangeWide8(h, bins, gp unsafe.Pointer, n int, nf int) { rangeWide(h, bins, gp, n, nf, 8) }
func histRangeWide4(h, bins, gp unsafe.Pointer, n int, nf int) { rangeWide(h, bins, gp, n, nf, 4) }
func histRangeWide2(h, bins, gp unsafe.Pointer, n int, nf int) { rangeWide(h, bins, gp, n, nf, 2) }
func histRangeWide1(h, bins, gp unsafe.Pointer, n int, nf int) { rangeWide(h, bins, gp, n, nf, 1) }

func rowsPackedWide(h, bins, gq unsafe.Pointer, rows []int32, nf, k int) {
	for _, r := range rows {
		rowPackedWide(h, unsafe.Add(bins, int(r)*nf), *(*int64)(unsafe.Add(gq, uintptr(r)*8)), k)
	}
}

func rangePackedWide(h, bins, gq unsafe.Pointer, n int, nf, k int) {
	for i := 0; i < n; i++ {
		rowPackedWide(h, unsafe.Add(bins, i*nf), *(*int64)(unsafe.Add(gq, uintptr(i)*8)), k)
	}
}

// rowPackedWide adds one row's packed value p to the slots of k features;
// b points to the row's first bin of the group.
func rowPackedWide(h, b unsafe.Pointer, p int64, k int) {
	for j := 0; j < k; j++ {
		*(*int64)(unsafe.Add(h, (uintptr(j)*wideStride+uintptr(*(*uint8)(unsafe.Add(b, j))))*8)) += p
	}
}

func rowsWide(h, bins, gp unsafe.Pointer, rows []int32, nf, k int) {
	for _, r := range rows {
		rowWide(h, unsafe.Add(bins, int(r)*nf), (*gpair)(unsafe.Add(gp, uintptr(r)*16)), k)
	}
}

func rangeWide(h, bins, gp unsafe.Pointer, n int, nf, k int) {
	for i := 0; i < n; i++ {
		rowWide(h, unsafe.Add(bins, i*nf), (*gpair)(unsafe.Add(gp, uintptr(i)*16)), k)
	}
}

// rowWide adds one row's pair p to the slots of k features; b points to
// the row's first bin of the group.
func rowWide(h, b unsafe.Pointer, p *gpair, k int) {
	g, hs := p.g, p.h
	for j := 0; j < k; j++ {
		e := (*gpair)(unsafe.Add(h, (uintptr(j)*wideStride+uintptr(*(*uint8)(unsafe.Add(b, j))))*16))
		e.g, e.h = e.g+g, e.h+hs
	}
}
