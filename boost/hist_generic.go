//go:build !amd64 || purego

package boost

import "unsafe"

// histRows8 adds the gradient pairs of the listed rows to the histogram h
// for eight features: for each row r and feature f, the pair gp[r] goes to
// the slot at byte offset off[f] + 16*bins[8r+f] of h. Every row must be
// below the number of rows in bins and gp, and every slot must lie in h.
func histRows8(h, bins, gp unsafe.Pointer, rows []int32, off *[8]uintptr) {
	for _, r := range rows {
		histRow8(h, unsafe.Add(bins, uintptr(r)*8), (*gpair)(unsafe.Add(gp, uintptr(r)*16)), off)
	}
}

// histRange8 is histRows8 for n consecutive rows starting at bins and gp.
func histRange8(h, bins, gp unsafe.Pointer, n int, off *[8]uintptr) {
	for i := 0; i < n; i++ {
		histRow8(h, unsafe.Add(bins, uintptr(i)*8), (*gpair)(unsafe.Add(gp, uintptr(i)*16)), off)
	}
}

// histRow8 adds one row's pair p to its eight slots; b points to its bins.
func histRow8(h, b unsafe.Pointer, p *gpair, off *[8]uintptr) {
	g, hs := p.g, p.h
	e0 := (*gpair)(unsafe.Add(h, off[0]+uintptr(*(*uint8)(b))*16))
	e1 := (*gpair)(unsafe.Add(h, off[1]+uintptr(*(*uint8)(unsafe.Add(b, 1)))*16))
	e2 := (*gpair)(unsafe.Add(h, off[2]+uintptr(*(*uint8)(unsafe.Add(b, 2)))*16))
	e3 := (*gpair)(unsafe.Add(h, off[3]+uintptr(*(*uint8)(unsafe.Add(b, 3)))*16))
	e0.g, e0.h = e0.g+g, e0.h+hs
	e1.g, e1.h = e1.g+g, e1.h+hs
	e2.g, e2.h = e2.g+g, e2.h+hs
	e3.g, e3.h = e3.g+g, e3.h+hs
	e4 := (*gpair)(unsafe.Add(h, off[4]+uintptr(*(*uint8)(unsafe.Add(b, 4)))*16))
	e5 := (*gpair)(unsafe.Add(h, off[5]+uintptr(*(*uint8)(unsafe.Add(b, 5)))*16))
	e6 := (*gpair)(unsafe.Add(h, off[6]+uintptr(*(*uint8)(unsafe.Add(b, 6)))*16))
	e7 := (*gpair)(unsafe.Add(h, off[7]+uintptr(*(*uint8)(unsafe.Add(b, 7)))*16))
	e4.g, e4.h = e4.g+g, e4.h+hs
	e5.g, e5.h = e5.g+g, e5.h+hs
	e6.g, e6.h = e6.g+g, e6.h+hs
	e7.g, e7.h = e7.g+g, e7.h+hs
}

// histRowsPacked8 is histRows8 for packed histograms: the int64 gq[r] goes
// to the int64 slot at byte offset off[f] + 8*bins[8r+f] of h.
func histRowsPacked8(h, bins, gq unsafe.Pointer, rows []int32, off *[8]uintptr) {
	for _, r := range rows {
		histRowPacked8(h, unsafe.Add(bins, uintptr(r)*8), *(*int64)(unsafe.Add(gq, uintptr(r)*8)), off)
	}
}

// histRangePacked8 is histRowsPacked8 for n consecutive rows starting at
// bins and gq.
func histRangePacked8(h, bins, gq unsafe.Pointer, n int, off *[8]uintptr) {
	for i := 0; i < n; i++ {
		histRowPacked8(h, unsafe.Add(bins, uintptr(i)*8), *(*int64)(unsafe.Add(gq, uintptr(i)*8)), off)
	}
}

// histRowPacked8 adds one row's packed value p to its eight slots; b
// points to its bins.
func histRowPacked8(h, b unsafe.Pointer, p int64, off *[8]uintptr) {
	*(*int64)(unsafe.Add(h, off[0]+uintptr(*(*uint8)(b))*8)) += p
	*(*int64)(unsafe.Add(h, off[1]+uintptr(*(*uint8)(unsafe.Add(b, 1)))*8)) += p
	*(*int64)(unsafe.Add(h, off[2]+uintptr(*(*uint8)(unsafe.Add(b, 2)))*8)) += p
	*(*int64)(unsafe.Add(h, off[3]+uintptr(*(*uint8)(unsafe.Add(b, 3)))*8)) += p
	*(*int64)(unsafe.Add(h, off[4]+uintptr(*(*uint8)(unsafe.Add(b, 4)))*8)) += p
	*(*int64)(unsafe.Add(h, off[5]+uintptr(*(*uint8)(unsafe.Add(b, 5)))*8)) += p
	*(*int64)(unsafe.Add(h, off[6]+uintptr(*(*uint8)(unsafe.Add(b, 6)))*8)) += p
	*(*int64)(unsafe.Add(h, off[7]+uintptr(*(*uint8)(unsafe.Add(b, 7)))*8)) += p
}

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
