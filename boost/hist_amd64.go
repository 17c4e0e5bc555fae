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
