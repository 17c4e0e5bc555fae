//go:build amd64 && !purego

#include "textflag.h"

// Float64 wide histograms: the layout of hist_amd64.s (feature j of the
// group has its 16-byte slots at 16*264*j bytes from R8), with float64
// (g, h) slots and float32 (g, h) values. Each row's pair is loaded as
// 8 bytes and widened to two doubles in X0 (exactly: every float32 is a
// float64), then added to each feature's slot with one ADDPD, so that
// every slot takes the same IEEE double additions, in row order, as a
// plain Go loop. The slots are loaded and stored with MOVOU: a slot is
// 8-byte aligned, not necessarily 16-byte, so ADDPD never takes a memory
// operand.

// WF adds the pair of doubles in X0 to the 16-byte slot of feature j of
// the group (displacement D = 16*264*j) for the bin byte j of the row at
// R10; T and X are scratch registers.
#define WF(j, D, T, X) \
	MOVBQZX j(R10), T; \
	SHLQ $4, T; \
	MOVOU D(R8)(T*1), X; \
	ADDPD X0, X; \
	MOVOU X, D(R8)(T*1)

// func histRowsF64Wide8(h, bins, gh unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsF64Wide8(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gh+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wf8rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wf8rloop

wf8rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	WF(2, 8448, R14, X3)
	WF(3, 12672, R15, X4)
	WF(4, 16896, AX, X1)
	WF(5, 21120, R13, X2)
	WF(6, 25344, R14, X3)
	WF(7, 29568, R15, X4)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wf8rploop
	CMPQ BX, R9
	JAE wf8rdone

wf8rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	WF(2, 8448, R14, X3)
	WF(3, 12672, R15, X4)
	WF(4, 16896, AX, X1)
	WF(5, 21120, R13, X2)
	WF(6, 25344, R14, X3)
	WF(7, 29568, R15, X4)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wf8rloop

wf8rdone:
	RET

// func histRangeF64Wide8(h, bins, gh unsafe.Pointer, n int, nf int)
TEXT ·histRangeF64Wide8(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gh+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wf8gdone

wf8gloop:
	MOVQ (DX), X0
	CVTPS2PD X0, X0
	ADDQ $8, DX
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	WF(2, 8448, R14, X3)
	WF(3, 12672, R15, X4)
	WF(4, 16896, AX, X1)
	WF(5, 21120, R13, X2)
	WF(6, 25344, R14, X3)
	WF(7, 29568, R15, X4)
	ADDQ R11, R10
	DECQ R9
	JNZ wf8gloop

wf8gdone:
	RET

// func histRowsF64Wide4(h, bins, gh unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsF64Wide4(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gh+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wf4rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wf4rloop

wf4rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	WF(2, 8448, R14, X3)
	WF(3, 12672, R15, X4)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wf4rploop
	CMPQ BX, R9
	JAE wf4rdone

wf4rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	WF(2, 8448, R14, X3)
	WF(3, 12672, R15, X4)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wf4rloop

wf4rdone:
	RET

// func histRangeF64Wide4(h, bins, gh unsafe.Pointer, n int, nf int)
TEXT ·histRangeF64Wide4(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gh+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wf4gdone

wf4gloop:
	MOVQ (DX), X0
	CVTPS2PD X0, X0
	ADDQ $8, DX
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	WF(2, 8448, R14, X3)
	WF(3, 12672, R15, X4)
	ADDQ R11, R10
	DECQ R9
	JNZ wf4gloop

wf4gdone:
	RET

// func histRowsF64Wide2(h, bins, gh unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsF64Wide2(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gh+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wf2rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wf2rloop

wf2rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wf2rploop
	CMPQ BX, R9
	JAE wf2rdone

wf2rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wf2rloop

wf2rdone:
	RET

// func histRangeF64Wide2(h, bins, gh unsafe.Pointer, n int, nf int)
TEXT ·histRangeF64Wide2(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gh+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wf2gdone

wf2gloop:
	MOVQ (DX), X0
	CVTPS2PD X0, X0
	ADDQ $8, DX
	WF(0, 0, AX, X1)
	WF(1, 4224, R13, X2)
	ADDQ R11, R10
	DECQ R9
	JNZ wf2gloop

wf2gdone:
	RET

// func histRowsF64Wide1(h, bins, gh unsafe.Pointer, rows []int32, nf int)
TEXT ·histRowsF64Wide1(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gh+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ nf+48(FP), R11
	TESTQ R9, R9
	JLE wf1rdone
	LEAQ (BX)(R9*4), R9

	// Rows D = 16 ahead are prefetched (their bins and value) while
	// there are any: scattered rows miss the cache otherwise.
	LEAQ -64(R9), CX
	MOVQ CX, rows_cap+40(FP)
	CMPQ BX, CX
	JAE wf1rloop

wf1rploop:
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB wf1rploop
	CMPQ BX, R9
	JAE wf1rdone

wf1rloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	WF(0, 0, AX, X1)
	ADDQ $4, BX
	CMPQ BX, R9
	JB wf1rloop

wf1rdone:
	RET

// func histRangeF64Wide1(h, bins, gh unsafe.Pointer, n int, nf int)
TEXT ·histRangeF64Wide1(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), R10
	MOVQ gh+16(FP), DX
	MOVQ n+24(FP), R9
	MOVQ nf+32(FP), R11
	TESTQ R9, R9
	JLE wf1gdone

wf1gloop:
	MOVQ (DX), X0
	CVTPS2PD X0, X0
	ADDQ $8, DX
	WF(0, 0, AX, X1)
	ADDQ R11, R10
	DECQ R9
	JNZ wf1gloop

wf1gdone:
	RET
