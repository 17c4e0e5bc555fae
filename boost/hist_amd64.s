//go:build amd64 && !purego

#include "textflag.h"

// PBASES loads the eight features' first-slot addresses (h plus the byte
// offsets at off) into R8, R9, R11-R15 and DI; it uses AX and BX.
#define PBASES(off) \
	MOVQ h+0(FP), AX; \
	MOVQ off(FP), BX; \
	MOVQ 0(BX), R8; \
	ADDQ AX, R8; \
	MOVQ 8(BX), R9; \
	ADDQ AX, R9; \
	MOVQ 16(BX), R11; \
	ADDQ AX, R11; \
	MOVQ 24(BX), R12; \
	ADDQ AX, R12; \
	MOVQ 32(BX), R13; \
	ADDQ AX, R13; \
	MOVQ 40(BX), R14; \
	ADDQ AX, R14; \
	MOVQ 48(BX), R15; \
	ADDQ AX, R15; \
	MOVQ 56(BX), DI; \
	ADDQ AX, DI

// FEAT adds the pair in X0 to the 16-byte slot of the feature at byte b
// of the row whose bins R10 points to; B holds the address of the
// feature's first slot.
#define FEAT(b, B, X) \
	MOVBQZX b(R10), AX; \
	SHLQ $4, AX; \
	MOVOU (B)(AX*1), X; \
	PADDQ X0, X; \
	MOVOU X, (B)(AX*1)

#define ROW \
	FEAT(0, R8, X1); \
	FEAT(1, R9, X2); \
	FEAT(2, R11, X3); \
	FEAT(3, R12, X4); \
	FEAT(4, R13, X1); \
	FEAT(5, R14, X2); \
	FEAT(6, R15, X3); \
	FEAT(7, DI, X4)

// func histRows8(h, bins, gp unsafe.Pointer, rows []int32, off *[8]uintptr)
TEXT ·histRows8(SB), NOSPLIT, $0-56
	PBASES(off+48)
	MOVQ bins+8(FP), SI
	MOVQ gp+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), AX
	TESTQ AX, AX
	JLE rowsdone
	// The end of rows, kept in the argument slot of rows' capacity: every
	// general register but SP and BP is in use in the loop.
	LEAQ (BX)(AX*4), AX
	MOVQ AX, rows_cap+40(FP)

rowsloop:
	MOVLQSX (BX), R10
	MOVQ R10, AX
	SHLQ $4, AX
	MOVOU (DX)(AX*1), X0
	LEAQ (SI)(R10*8), R10
	ROW
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB rowsloop

rowsdone:
	RET

// func histRange8(h, bins, gp unsafe.Pointer, n int, off *[8]uintptr)
TEXT ·histRange8(SB), NOSPLIT, $0-40
	PBASES(off+32)
	MOVQ bins+8(FP), R10
	MOVQ gp+16(FP), DX
	MOVQ n+24(FP), SI
	TESTQ SI, SI
	JLE rangedone

rangeloop:
	MOVOU (DX), X0
	ROW
	ADDQ $8, R10
	ADDQ $16, DX
	DECQ SI
	JNZ rangeloop

rangedone:
	RET

// PFEAT adds CX to the int64 slot of the feature at byte b of the row
// whose bins R10 points to; B holds the address of the feature's first
// slot.
#define PFEAT(b, B) \
	MOVBQZX b(R10), AX; \
	ADDQ CX, (B)(AX*8)

#define PROW \
	PFEAT(0, R8); \
	PFEAT(1, R9); \
	PFEAT(2, R11); \
	PFEAT(3, R12); \
	PFEAT(4, R13); \
	PFEAT(5, R14); \
	PFEAT(6, R15); \
	PFEAT(7, DI)

// func histRowsPacked8(h, bins, gq unsafe.Pointer, rows []int32, off *[8]uintptr)
TEXT ·histRowsPacked8(SB), NOSPLIT, $0-56
	PBASES(off+48)
	MOVQ bins+8(FP), SI
	MOVQ gq+16(FP), DX
	MOVQ rows_base+24(FP), BX
	MOVQ rows_len+32(FP), AX
	TESTQ AX, AX
	JLE prowsdone
	// The end of rows, kept in the argument slot of rows' capacity: every
	// general register but SP and BP is in use in the loop.
	LEAQ (BX)(AX*4), AX
	MOVQ AX, rows_cap+40(FP)

prowsloop:
	MOVLQSX (BX), R10
	MOVQ (DX)(R10*8), CX
	LEAQ (SI)(R10*8), R10
	PROW
	ADDQ $4, BX
	CMPQ BX, rows_cap+40(FP)
	JB prowsloop

prowsdone:
	RET

// func histRangePacked8(h, bins, gq unsafe.Pointer, n int, off *[8]uintptr)
TEXT ·histRangePacked8(SB), NOSPLIT, $0-40
	PBASES(off+32)
	MOVQ bins+8(FP), R10
	MOVQ gq+16(FP), DX
	MOVQ n+24(FP), SI
	TESTQ SI, SI
	JLE prangedone

prangeloop:
	MOVQ (DX), CX
	PROW
	ADDQ $8, R10
	ADDQ $8, DX
	DECQ SI
	JNZ prangeloop

prangedone:
	RET
