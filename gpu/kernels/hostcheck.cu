// hostcheck compiles train.cu's per-row and per-feature functions for the
// host and prints their results on generated inputs, one line per case,
// for gpu's TestKernelArithmeticOnHost to compare with the Go reference.
// It checks the CUDA C text of the arithmetic, not the device's execution.
//
//   nvcc -arch=sm_80 -O2 -Xcompiler -ffp-contract=off -o hostcheck hostcheck.cu
//   ./hostcheck expf|grad|gain|eval N
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "train.cu"

static const u64 seed = 0x5eed;

// rnd is the j-th random word of case n.
static u64 rnd(u64 n, u64 j) { return mix64(seed ^ (n * 16 + j)); }

// unif maps a random word to [lo, hi).
static double unif(u64 r, double lo, double hi) { return lo + (double)(r >> 11) * 0x1p-53 * (hi - lo); }

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hostcheck expf|grad|gain|eval N\n");
        return 2;
    }
    const char* mode = argv[1];
    u64 n = strtoull(argv[2], 0, 10);
    for (u64 c = 0; c < n; c++) {
        if (!strcmp(mode, "expf")) {
            // Every other case any bit pattern (special cases, NaNs,
            // subnormals), the others over the main path and its ends.
            float x = (c & 1) ? bits2f((u32)rnd(c, 0)) : (float)unif(rnd(c, 0), -110, 100);
            printf("%08x\n", f2bits(expf_ref(x)));
        } else if (!strcmp(mode, "grad")) {
            float m = (float)unif(rnd(c, 0), -40, 40);
            float y = (rnd(c, 1) & 1) ? 1.0f : 0.0f;
            float w = (float)unif(rnd(c, 2), 0, 3);
            float spw = (float)unif(rnd(c, 3), 0.5, 2);
            float g, h;
            grad_squared_row(m, y, w, spw, &g, &h);
            printf("%08x %08x", f2bits(g), f2bits(h));
            grad_logistic_row(m, y, w, spw, &g, &h);
            printf(" %08x %08x", f2bits(g), f2bits(h));
            float ms[3], gs[3], hs[3];
            for (int j = 0; j < 3; j++) ms[j] = (float)unif(rnd(c, 4 + j), -20, 20);
            grad_softmax_row(ms, 3, (float)(rnd(c, 7) % 3), w, gs, hs);
            for (int j = 0; j < 3; j++) printf(" %08x %08x", f2bits(gs[j]), f2bits(hs[j]));
            printf("\n");
        } else if (!strcmp(mode, "gain")) {
            params_t p = {(double)(float)unif(rnd(c, 0), 0, 3), (double)(float)unif(rnd(c, 1), 0, 1),
                          (double)(float)unif(rnd(c, 2), 0, 2), (rnd(c, 3) & 1) ? (double)(float)unif(rnd(c, 4), 0.1, 2) : 0};
            double g = unif(rnd(c, 5), -1000, 1000), h = unif(rnd(c, 6), -1, 500);
            printf("%08x %016llx\n", f2bits(calc_gain(p, g, h)), (unsigned long long)d2bits(calc_weight(p, g, h)));
        } else if (!strcmp(mode, "eval")) {
            params_t p = {1, (rnd(c, 0) & 1) ? 0.25 : 0, (double)(rnd(c, 1) % 3), (rnd(c, 2) % 4 == 0) ? 0.5 : 0};
            int nv = 1 + (int)(rnd(c, 3) % 20);
            i64 hf[2 * 21];
            i64 SG = 0, SH = 0;
            for (int b = 0; b <= nv; b++) {
                u64 r = rnd(c, 4 + (u64)b % 12) ^ (u64)b * 0x9e3779b97f4a7c15ULL;
                bool empty = (r & 7) == 0 || (b == nv && (r & 8));
                hf[2 * b] = empty ? 0 : (i64)(r >> 40) - (1LL << 23);
                hf[2 * b + 1] = empty ? 0 : (i64)((r >> 8) & 0xffffff) + 1;
                SG += hf[2 * b];
                SH += hf[2 * b + 1];
            }
            double sg = 0x1p16, sh = 0x1p20;
            float parent = calc_gain(p, div_d((double)SG, sg), div_d((double)SH, sh));
            best_t best = {0, -1, 0, 0, 0, 0};
            evaluate_feature(p, hf, nv, 0, SG, SH, sg, sh, parent, &best);
            printf("%08x %d %d %d %lld %lld\n", f2bits(best.gain), best.feat, best.bin, best.def, best.lg, best.lh);
        } else {
            fprintf(stderr, "unknown mode %s\n", mode);
            return 2;
        }
    }
    return 0;
}
