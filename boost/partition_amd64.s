//go:build amd64 && !purego

#include "textflag.h"

// MASK2(A, B) shifts the decisions of the rows at A(SI) and B(SI) into
// CX and R12 (add-with-carry: the bit is set when the row's bin, its
// byte of col at BX, is below R11). Clobbers R13 and R14.
#define MASK2(A, B) \
	MOVL A(SI), R13 \
	MOVL B(SI), R14 \
	MOVBLZX (BX)(R13*1), R13 \
	MOVBLZX (BX)(R14*1), R14 \
	CMPL R13, R11 \
	ADCL CX, CX \
	CMPL R14, R11 \
	ADCL R12, R12

// MASK16 takes the decisions of the sixteen rows at SI (col at BX, bin+1
// in R11): bit j of CX (rows 0-7) and of R12 (rows 8-15, from bit 0) is
// set when row j's bin is below R11. Two chains, the last row first, so
// that row j ends in bit j. Clobbers R13 and R14.
#define MASK16 \
	XORL CX, CX \
	XORL R12, R12 \
	MASK2(28, 60) \
	MASK2(24, 56) \
	MASK2(20, 52) \
	MASK2(16, 48) \
	MASK2(12, 44) \
	MASK2(8, 40) \
	MASK2(4, 36) \
	MASK2(0, 32)

// PACK8 packs the eight rows in ROWS by the 8-bit mask MASK (clobbered):
// the set lanes to DI at AX, the others to R8 at DX, with the VPERMD
// indices of the lanes table at R10; it advances AX and DX. Clobbers Y1,
// Y2, R13 and R14.
#define PACK8(ROWS, MASK) \
	MOVL MASK, R13 \
	SHLL $5, R13 \
	VMOVDQU (R10)(R13*1), Y1 \
	VPERMD ROWS, Y1, Y1 \
	XORL $0xff, MASK \
	MOVL MASK, R14 \
	SHLL $5, R14 \
	VMOVDQU (R10)(R14*1), Y2 \
	VPERMD ROWS, Y2, Y2 \
	VMOVDQU Y1, (DI)(AX*4) \
	VMOVDQU Y2, (R8)(DX*4) \
	POPCNTL MASK, MASK \
	ADDQ $8, AX \
	SUBQ MASK, AX \
	ADDQ MASK, DX

// func partitionAVX512(src *int32, n int, col *uint8, bin1 uint32, dl, dr *int32) int
//
// Sixteen rows at a time: a row goes left when col[row] < bin1 (its bin is
// at most the split's). The decisions are taken with scalar loads into a
// 16-bit mask (MASK16); the rows are packed with VPCOMPRESSD to the left
// and to the right and stored, 64 bytes to each side: the lanes past the
// packed ones are overwritten by the next group or lie past the side's
// end, within dl[:n] and dr[:n].
TEXT ·partitionAVX512(SB), NOSPLIT, $0-56
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), R9
	MOVQ col+16(FP), BX
	MOVL bin1+24(FP), R11
	MOVQ dl+32(FP), DI
	MOVQ dr+40(FP), R8
	XORQ AX, AX
	XORQ DX, DX
p512loop:
	MASK16
	SHLL $8, R12
	ORL R12, CX
	KMOVW CX, K1
	KNOTW K1, K2
	VMOVDQU32 (SI), Z0
	VPCOMPRESSD Z0, K1, Z1
	VPCOMPRESSD Z0, K2, Z2
	VMOVDQU32 Z1, (DI)(AX*4)
	VMOVDQU32 Z2, (R8)(DX*4)
	POPCNTL CX, CX
	ADDQ CX, AX
	ADDQ $16, DX
	SUBQ CX, DX
	ADDQ $64, SI
	SUBQ $16, R9
	JNZ p512loop
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func partitionAVX2(src *int32, n int, col *uint8, bin1 uint32, dl, dr *int32, lanes *[256][8]uint32) int
//
// partitionAVX512 with the sixteen rows packed eight at a time (PACK8) by
// VPERMD with the indices lanes holds for each 8-bit mask.
TEXT ·partitionAVX2(SB), NOSPLIT, $0-64
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), R9
	MOVQ col+16(FP), BX
	MOVL bin1+24(FP), R11
	MOVQ dl+32(FP), DI
	MOVQ dr+40(FP), R8
	MOVQ lanes+48(FP), R10
	XORQ AX, AX
	XORQ DX, DX
p2loop:
	MASK16
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y3
	PACK8(Y0, CX)
	PACK8(Y3, R12)
	ADDQ $64, SI
	SUBQ $16, R9
	JNZ p2loop
	VZEROUPPER
	MOVQ AX, ret+56(FP)
	RET
