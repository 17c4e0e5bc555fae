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

// WFB adds the pair of doubles in X0 to the 16-byte slot of feature j of
// a group whose slots start at base register B (displacement
// D = 16*264*j) for the bin byte j of the row at R10; T and X are
// scratch registers.
#define WFB(j, D, T, X, B) \
	MOVBQZX j(R10), T; \
	SHLQ $4, T; \
	MOVOU D(B)(T*1), X; \
	ADDPD X0, X; \
	MOVOU X, D(B)(T*1)

// WF is WFB for the group at R8.
#define WF(j, D, T, X) WFB(j, D, T, X, R8)

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

// func histRowsF64WideN(h, bins, gh unsafe.Pointer, rows []int32, stride, nf int)
//
// All nf features of each row in one pass: a scattered row's bins and
// value are fetched once, where a pass per group of 8 fetched them again
// for every group (from the L2 cache at best). The features are taken 8
// at a time (R12 steps through their slots), then 4, 2 and 1.
TEXT ·histRowsF64WideN(SB), NOSPLIT, $0-64
	MOVQ h+0(FP), R8
	MOVQ bins+8(FP), SI
	MOVQ gh+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), R9
	MOVQ stride+48(FP), R11
	TESTQ R9, R9
	JLE wnrdone
	LEAQ (BX)(R9*4), R9

	// Rows 16 ahead are prefetched (their bins and value) while there
	// are any: below DI a row 16 ahead exists.
	LEAQ -64(R9), DI

wnrloop:
	CMPQ BX, DI
	JAE wnrrow
	MOVLQSX 64(BX), R12
	PREFETCHT0 (DX)(R12*8)
	IMULQ R11, R12
	PREFETCHT0 (SI)(R12*1)

wnrrow:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), X0
	CVTPS2PD X0, X0
	IMULQ R11, R10
	ADDQ SI, R10
	MOVQ R8, R12
	MOVQ nf+56(FP), CX
	CMPQ CX, $8
	JB wnrtail

wnrgroup:
	WFB(0, 0, AX, X1, R12)
	WFB(1, 4224, R13, X2, R12)
	WFB(2, 8448, R14, X3, R12)
	WFB(3, 12672, R15, X4, R12)
	WFB(4, 16896, AX, X1, R12)
	WFB(5, 21120, R13, X2, R12)
	WFB(6, 25344, R14, X3, R12)
	WFB(7, 29568, R15, X4, R12)
	ADDQ $8, R10
	ADDQ $33792, R12
	SUBQ $8, CX
	CMPQ CX, $8
	JAE wnrgroup

wnrtail:
	TESTQ $4, CX
	JZ wnrtail2
	WFB(0, 0, AX, X1, R12)
	WFB(1, 4224, R13, X2, R12)
	WFB(2, 8448, R14, X3, R12)
	WFB(3, 12672, R15, X4, R12)
	ADDQ $4, R10
	ADDQ $16896, R12

wnrtail2:
	TESTQ $2, CX
	JZ wnrtail1
	WFB(0, 0, AX, X1, R12)
	WFB(1, 4224, R13, X2, R12)
	ADDQ $2, R10
	ADDQ $8448, R12

wnrtail1:
	TESTQ $1, CX
	JZ wnrnext
	WFB(0, 0, AX, X1, R12)

wnrnext:
	ADDQ $4, BX
	CMPQ BX, R9
	JB wnrloop

wnrdone:
	RET
