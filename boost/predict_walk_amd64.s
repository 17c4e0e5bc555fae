//go:build amd64 && !purego

#include "textflag.h"

// Lane numbers 0..15, multiplied by the row length to address sixteen rows.
DATA walkLanes<>+0(SB)/4, $0
DATA walkLanes<>+4(SB)/4, $1
DATA walkLanes<>+8(SB)/4, $2
DATA walkLanes<>+12(SB)/4, $3
DATA walkLanes<>+16(SB)/4, $4
DATA walkLanes<>+20(SB)/4, $5
DATA walkLanes<>+24(SB)/4, $6
DATA walkLanes<>+28(SB)/4, $7
DATA walkLanes<>+32(SB)/4, $8
DATA walkLanes<>+36(SB)/4, $9
DATA walkLanes<>+40(SB)/4, $10
DATA walkLanes<>+44(SB)/4, $11
DATA walkLanes<>+48(SB)/4, $12
DATA walkLanes<>+52(SB)/4, $13
DATA walkLanes<>+56(SB)/4, $14
DATA walkLanes<>+60(SB)/4, $15
GLOBL walkLanes<>(SB), RODATA|NOPTR, $64

// func walkDenseAVX512(thr *float32, feat *uint32, base unsafe.Pointer, stride uintptr, depth int, pos *int32, n int)
//
// Level by level, sixteen rows at a time. A level's (at most 32) nodes are
// held in two registers each for thresholds and features, and looked up
// with a two-table permute by the rows' positions within the level; the
// rows' values are gathered; a row at position r steps to 2r + (v >= thr).
TEXT ·walkDenseAVX512(SB), NOSPLIT, $0-56
	MOVQ thr+0(FP), SI
	MOVQ feat+8(FP), BX
	MOVQ base+16(FP), DI
	MOVQ stride+24(FP), CX
	MOVQ depth+32(FP), DX
	MOVQ pos+40(FP), R8
	MOVQ n+48(FP), R9

	// Z7: lane * (stride/4), the element offset of each lane's row.
	MOVQ CX, AX
	SHRQ $2, AX
	VPBROADCASTD AX, Z6
	VMOVDQU32 walkLanes<>(SB), Z5
	VPMULLD Z5, Z6, Z7
	// Z9: all 1; Z8: zero.
	VPTERNLOGD $0xff, Z9, Z9, Z9
	VPSRLD $31, Z9, Z9
	VPXORD Z8, Z8, Z8

	// pos[0:n] = 0
	MOVQ R8, R12
	MOVQ R9, R13
zero:
	VMOVDQU32 Z8, (R12)
	ADDQ $64, R12
	SUBQ $16, R13
	JGT zero

	MOVQ CX, R14
	SHLQ $4, R14 // sixteen rows, in bytes
	XORQ R15, R15 // first heap index of the level: 2^d - 1

level:
	VMOVUPS (SI)(R15*4), Z20
	VMOVUPS 64(SI)(R15*4), Z21
	VMOVDQU32 (BX)(R15*4), Z22
	VMOVDQU32 64(BX)(R15*4), Z23
	MOVQ R8, R12 // pos
	MOVQ DI, R10 // first row of the group
	MOVQ R9, R13 // rows left

group:
	VMOVDQU32 (R12), Z0
	VMOVAPS Z20, Z1
	VPERMT2PS Z21, Z0, Z1 // threshold
	VMOVDQA32 Z22, Z2
	VPERMT2D Z23, Z0, Z2 // feature
	VPADDD Z7, Z2, Z2
	KXNORW K0, K0, K1
	VPXORD Z3, Z3, Z3
	VGATHERDPS (R10)(Z2*4), K1, Z3 // value
	VCMPPS $0x1d, Z1, Z3, K2 // value >= threshold (ordered, quiet)
	VPADDD Z0, Z0, Z0
	VPADDD Z9, Z0, K2, Z0
	VMOVDQU32 Z0, (R12)
	ADDQ $64, R12
	ADDQ R14, R10
	SUBQ $16, R13
	JGT group

	LEAQ 1(R15)(R15*1), R15
	DECQ DX
	JGT level

	VZEROUPPER
	RET
