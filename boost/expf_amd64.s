//go:build amd64 && !purego

#include "textflag.h"

// func expfMainAVX2(out, x *float32, n int, flip uint32, table *[32]uint64) int
//
// glibc's expf main path (glibcf.ExpfMain), four values at a time in the
// lanes of a YMM register: the same fused multiply-adds, products and
// roundings per lane as the scalar code, so the same bits. x's values
// are XORed with flip first (the sign bit for Sigmoid's exponential). It
// stops before the first group of four with a value off the main path
// (|x| >= 88, zero or subnormal) or when fewer than four are left, and
// returns how many values it wrote.
TEXT ·expfMainAVX2(SB), NOSPLIT, $0-48
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ table+32(FP), R8
	XORQ BX, BX

	MOVL flip+24(FP), AX
	VMOVD AX, X15
	VPBROADCASTD X15, X15 // flip
	MOVL $0x7fffffff, AX
	VMOVD AX, X14
	VPBROADCASTD X14, X14 // |x| mask
	MOVL $0x42afffff, AX
	VMOVD AX, X13
	VPBROADCASTD X13, X13 // largest |x| bits of the main path
	MOVL $0x00800000, AX
	VMOVD AX, X12
	VPBROADCASTD X12, X12 // smallest normal
	MOVQ $0x40471547652b82fe, AX
	VMOVQ AX, X11
	VBROADCASTSD X11, Y11 // 32/ln2
	MOVQ $0x4338000000000000, AX
	VMOVQ AX, X10
	VBROADCASTSD X10, Y10 // shift, 1.5·2^52
	MOVQ $0x3ebc6af84b912394, AX
	VMOVQ AX, X9
	VBROADCASTSD X9, Y9 // C0
	MOVQ $0x3f2ebfce50fac4f3, AX
	VMOVQ AX, X8
	VBROADCASTSD X8, Y8 // C1
	MOVQ $0x3f962e42ff0c52d6, AX
	VMOVQ AX, X7
	VBROADCASTSD X7, Y7 // C2
	MOVQ $0x3ff0000000000000, AX
	VMOVQ AX, X6
	VBROADCASTSD X6, Y6 // 1
	MOVQ $31, AX
	VMOVQ AX, X5
	VPBROADCASTQ X5, Y5 // table index mask

loop:
	CMPQ CX, $4
	JLT done
	VMOVDQU (SI), X0
	VPXOR X15, X0, X0
	VPAND X14, X0, X1
	VPCMPGTD X13, X1, X2 // |x| >= 88
	VPCMPGTD X1, X12, X3 // zero or subnormal
	VPOR X3, X2, X2
	VMOVMSKPS X2, AX
	TESTL AX, AX
	JNZ done

	VCVTPS2PD X0, Y0 // x, exactly
	VMOVAPD Y10, Y1
	VFMADD231PD Y11, Y0, Y1 // z = fma(32/ln2, x, shift)
	VSUBPD Y10, Y1, Y2      // z - shift
	VFMSUB231PD Y11, Y0, Y2 // r = fma(32/ln2, x, -(z - shift))
	VPAND Y5, Y1, Y3        // k & 31
	VPCMPEQD Y4, Y4, Y4
	VPGATHERQQ Y4, (R8)(Y3*8), Y0 // table[k & 31]
	VPSLLQ $47, Y1, Y3
	VPADDQ Y3, Y0, Y0       // s = 2^(k/32)
	VMOVAPD Y8, Y1
	VFMADD231PD Y9, Y2, Y1  // fma(r, C0, C1)
	VMULPD Y2, Y2, Y3       // r·r
	VMOVAPD Y6, Y4
	VFMADD231PD Y7, Y2, Y4  // fma(r, C2, 1)
	VFMADD231PD Y3, Y1, Y4  // y = fma(fma(r, C0, C1), r·r, fma(r, C2, 1))
	VMULPD Y0, Y4, Y4       // y·s
	VCVTPD2PSY Y4, X4       // rounded to float32
	VMOVUPS X4, (DI)

	ADDQ $16, SI
	ADDQ $16, DI
	SUBQ $4, CX
	ADDQ $4, BX
	JMP loop

done:
	VZEROUPPER
	MOVQ BX, ret+40(FP)
	RET
