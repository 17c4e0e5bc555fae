//go:build amd64 && !purego

#include "textflag.h"

// FEAT adds the pair in X0 to the slot of the feature at byte b of the row
// whose bins R10 points to; o is the feature's offset in the table at R8.
#define FEAT(b, o, R, X) \
	MOVBQZX b(R10), R; \
	SHLQ $4, R; \
	ADDQ o(R8), R; \
	MOVOU (DI)(R*1), X; \
	PADDQ X0, X; \
	MOVOU X, (DI)(R*1)

#define ROW \
	FEAT(0, 0, AX, X1); \
	FEAT(1, 8, R9, X2); \
	FEAT(2, 16, R11, X3); \
	FEAT(3, 24, R12, X4); \
	FEAT(4, 32, AX, X1); \
	FEAT(5, 40, R9, X2); \
	FEAT(6, 48, R11, X3); \
	FEAT(7, 56, R12, X4)

// func histRows8(h, bins, gp unsafe.Pointer, rows []int32, off *[8]uintptr)
TEXT ·histRows8(SB), NOSPLIT, $0-56
	MOVQ h+0(FP), DI
	MOVQ bins+8(FP), SI
	MOVQ gp+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), CX
	MOVQ off+48(FP), R8
	TESTQ CX, CX
	JLE rowsdone

rowsloop:
	MOVLQSX (BX), R10
	MOVQ R10, R13
	SHLQ $4, R13
	MOVOU (DX)(R13*1), X0
	LEAQ (SI)(R10*8), R10
	ROW
	ADDQ $4, BX
	DECQ CX
	JNZ rowsloop

rowsdone:
	RET

// func histRange8(h, bins, gp unsafe.Pointer, n int, off *[8]uintptr)
TEXT ·histRange8(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), DI
	MOVQ bins+8(FP), R10
	MOVQ gp+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ off+32(FP), R8
	TESTQ CX, CX
	JLE rangedone

rangeloop:
	MOVOU (DX), X0
	ROW
	ADDQ $8, R10
	ADDQ $16, DX
	DECQ CX
	JNZ rangeloop

rangedone:
	RET
