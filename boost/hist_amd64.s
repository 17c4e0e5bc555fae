//go:build amd64 && !purego

#include "textflag.h"

// Wide histograms (hist_wide.go): feature f's slots start at
// f*wideStride (264) slots from h, so the slots of a group of features
// lie at constant displacements from one base register (R8), whatever the
// number of features. Each kernel adds the rows of one group of K = 8, 4,
// 2 or 1 features: bins points to the group's first bin of row 0 and rows
// are nf bytes apart; h points to the group's first slot. The row's bins
// are at R10, its value in CX (packed) or X0 (pairs).

// WP adds CX to the packed slot of feature j of the group (displacement
// D = 8*264*j) for the bin byte j of the row; T is a scratch register.
#define WP(j, D, T) \
	MOVBQZX j(R10), T; \
	ADDQ CX, D(R8)(T*8)

// WG adds the pair in X0 to the 16-byte slot of feature j of the group
// (displacement D = 16*264*j) for the bin byte j of the row; T and X are
// scratch registers.
#define WG(j, D, T, X) \
	MOVBQZX j(R10), T; \
	SHLQ $4, T; \
	MOVOU D(R8)(T*1), X; \
	PADDQ X0, X; \
	MOVOU X, D(R8)(T*1)

// func histRowsPackedWide8(h, bins, gq unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsPackedWide8(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gq+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wp8rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wp8rloop

wp8rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	WP(1, 2112, R13)
	WP(2, 4224, R14)
	WP(3, 6336, R15)
	WP(4, 8448, AX)
	WP(5, 10560, R13)
	WP(6, 12672, R14)
	WP(7, 14784, R15)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wp8rploop
	CMPQ BX, R9
	JAE wp8rdone

wp8rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	WP(1, 2112, R13)
	WP(2, 4224, R14)
	WP(3, 6336, R15)
	WP(4, 8448, AX)
	WP(5, 10560, R13)
	WP(6, 12672, R14)
	WP(7, 14784, R15)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wp8rloop

wp8rdone:
	RET

// func histRangePackedWide8(h, bins, gq unsafe.Pointer, n int, nf int)
TEXT ·histRangePackedWide8(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gq+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wp8gdone

wp8gloop:
	MOVQ (DX), CX
	ADDQ $8, DX
	WP(0, 0, AX)
	WP(1, 2112, R13)
	WP(2, 4224, R14)
	WP(3, 6336, R15)
	WP(4, 8448, AX)
	WP(5, 10560, R13)
	WP(6, 12672, R14)
	WP(7, 14784, R15)
	ADDQ R11, R10
	DECQ R9
	JNZ wp8gloop

wp8gdone:
	RET

// func histRowsPackedWide4(h, bins, gq unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsPackedWide4(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gq+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wp4rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wp4rloop

wp4rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	WP(1, 2112, R13)
	WP(2, 4224, R14)
	WP(3, 6336, R15)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wp4rploop
	CMPQ BX, R9
	JAE wp4rdone

wp4rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	WP(1, 2112, R13)
	WP(2, 4224, R14)
	WP(3, 6336, R15)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wp4rloop

wp4rdone:
	RET

// func histRangePackedWide4(h, bins, gq unsafe.Pointer, n int, nf int)
TEXT ·histRangePackedWide4(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gq+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wp4gdone

wp4gloop:
	MOVQ (DX), CX
	ADDQ $8, DX
	WP(0, 0, AX)
	WP(1, 2112, R13)
	WP(2, 4224, R14)
	WP(3, 6336, R15)
	ADDQ R11, R10
	DECQ R9
	JNZ wp4gloop

wp4gdone:
	RET

// func histRowsPackedWide2(h, bins, gq unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsPackedWide2(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gq+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wp2rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wp2rloop

wp2rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	WP(1, 2112, R13)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wp2rploop
	CMPQ BX, R9
	JAE wp2rdone

wp2rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	WP(1, 2112, R13)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wp2rloop

wp2rdone:
	RET

// func histRangePackedWide2(h, bins, gq unsafe.Pointer, n int, nf int)
TEXT ·histRangePackedWide2(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gq+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wp2gdone

wp2gloop:
	MOVQ (DX), CX
	ADDQ $8, DX
	WP(0, 0, AX)
	WP(1, 2112, R13)
	ADDQ R11, R10
	DECQ R9
	JNZ wp2gloop

wp2gdone:
	RET

// func histRowsPackedWide1(h, bins, gq unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsPackedWide1(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gq+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wp1rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wp1rloop

wp1rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wp1rploop
	CMPQ BX, R9
	JAE wp1rdone

wp1rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	IMULQ R11, R10
	ADDQ SI, R10
	WP(0, 0, AX)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wp1rloop

wp1rdone:
	RET

// func histRangePackedWide1(h, bins, gq unsafe.Pointer, n int, nf int)
TEXT ·histRangePackedWide1(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gq+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wp1gdone

wp1gloop:
	MOVQ (DX), CX
	ADDQ $8, DX
	WP(0, 0, AX)
	ADDQ R11, R10
	DECQ R9
	JNZ wp1gloop

wp1gdone:
	RET

// func histRowsWide8(h, bins, gp unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsWide8(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gp+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wg8rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wg8rloop

wg8rploop:
	MOVLQSX 64(BX), R12
	MOVQ R12, DI
	SHLQ $4, DI
	PREFETCHT0 (DX)(DI*1)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	WG(2, 8448, R14, X3)
	WG(3, 12672, R15, X4)
	WG(4, 16896, AX, X1)
	WG(5, 21120, R13, X2)
	WG(6, 25344, R14, X3)
	WG(7, 29568, R15, X4)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wg8rploop
	CMPQ BX, R9
	JAE wg8rdone

wg8rloop:
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	WG(2, 8448, R14, X3)
	WG(3, 12672, R15, X4)
	WG(4, 16896, AX, X1)
	WG(5, 21120, R13, X2)
	WG(6, 25344, R14, X3)
	WG(7, 29568, R15, X4)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wg8rloop

wg8rdone:
	RET

// func histRangeWide8(h, bins, gp unsafe.Pointer, n int, nf int)
TEXT ·histRangeWide8(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gp+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wg8gdone

wg8gloop:
	MOVOU (DX), X0
	ADDQ $16, DX
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	WG(2, 8448, R14, X3)
	WG(3, 12672, R15, X4)
	WG(4, 16896, AX, X1)
	WG(5, 21120, R13, X2)
	WG(6, 25344, R14, X3)
	WG(7, 29568, R15, X4)
	ADDQ R11, R10
	DECQ R9
	JNZ wg8gloop

wg8gdone:
	RET

// func histRowsWide4(h, bins, gp unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsWide4(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gp+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wg4rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wg4rloop

wg4rploop:
	MOVLQSX 64(BX), R12
	MOVQ R12, DI
	SHLQ $4, DI
	PREFETCHT0 (DX)(DI*1)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	WG(2, 8448, R14, X3)
	WG(3, 12672, R15, X4)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wg4rploop
	CMPQ BX, R9
	JAE wg4rdone

wg4rloop:
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	WG(2, 8448, R14, X3)
	WG(3, 12672, R15, X4)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wg4rloop

wg4rdone:
	RET

// func histRangeWide4(h, bins, gp unsafe.Pointer, n int, nf int)
TEXT ·histRangeWide4(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gp+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wg4gdone

wg4gloop:
	MOVOU (DX), X0
	ADDQ $16, DX
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	WG(2, 8448, R14, X3)
	WG(3, 12672, R15, X4)
	ADDQ R11, R10
	DECQ R9
	JNZ wg4gloop

wg4gdone:
	RET

// func histRowsWide2(h, bins, gp unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsWide2(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gp+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wg2rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wg2rloop

wg2rploop:
	MOVLQSX 64(BX), R12
	MOVQ R12, DI
	SHLQ $4, DI
	PREFETCHT0 (DX)(DI*1)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wg2rploop
	CMPQ BX, R9
	JAE wg2rdone

wg2rloop:
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wg2rloop

wg2rdone:
	RET

// func histRangeWide2(h, bins, gp unsafe.Pointer, n int, nf int)
TEXT ·histRangeWide2(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gp+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wg2gdone

wg2gloop:
	MOVOU (DX), X0
	ADDQ $16, DX
	WG(0, 0, AX, X1)
	WG(1, 4224, R13, X2)
	ADDQ R11, R10
	DECQ R9
	JNZ wg2gloop

wg2gdone:
	RET

// func histRowsWide1(h, bins, gp unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsWide1(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gp+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wg1rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wg1rloop

wg1rploop:
	MOVLQSX 64(BX), R12
	MOVQ R12, DI
	SHLQ $4, DI
	PREFETCHT0 (DX)(DI*1)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wg1rploop
	CMPQ BX, R9
	JAE wg1rdone

wg1rloop:
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	IMULQ R11, R10
	ADDQ SI, R10
	WG(0, 0, AX, X1)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wg1rloop

wg1rdone:
	RET

// func histRangeWide1(h, bins, gp unsafe.Pointer, n int, nf int)
TEXT ·histRangeWide1(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gp+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wg1gdone

wg1gloop:
	MOVOU (DX), X0
	ADDQ $16, DX
	WG(0, 0, AX, X1)
	ADDQ R11, R10
	DECQ R9
	JNZ wg1gloop

wg1gdone:
	RET
