// Training kernels of histogram gradient boosting.
//
// Every kernel has a Go reference in ../ref_*.go that performs the same
// integer and float32/float64 operations in the same order; the two must
// change together. The file is compiled to PTX by gen.sh with
// --fmad=false, so that no a*b+c is contracted into a fused multiply-add
// (Go on amd64 rounds each operation; expf's fused multiply-adds are
// explicit, fma_d here and math.FMA there), and with IEEE division and
// square root (nvcc's defaults without --use_fast_math).
//
// Conventions:
//   - every scalar parameter is 64 bits wide (long long, unsigned long
//     long or double): the Go launcher passes each parameter as 8 bytes;
//   - a gradient pair is two long longs (g, h) in fixed point;
//   - a histogram is an array of (g, h) pairs, one per slot: the slots of
//     feature f are off[f] .. off[f+1]-1, the last one holding the rows
//     whose value is missing (bin code nvals[f]);
//   - work over the row segments of several nodes is described by a table
//     of (index, start, end) triples, one per thread block.

#ifndef __CUDA_ARCH__
#include <cmath>
#include <cstring>
#endif

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;

// ---------------------------------------------------------------------
// Arithmetic. HD functions compile for the device and, for
// hostcheck.cu's comparison with the Go reference, for the host: each
// operation rounds once, with the device's round-to-nearest intrinsics or
// the host's IEEE operations (compiled without contraction).

#define HD __host__ __device__ __forceinline__

#ifdef __CUDA_ARCH__
#define OP(dev, host) return dev
#else
#define OP(dev, host) return host
#endif

HD double add_d(double a, double b) { OP(__dadd_rn(a, b), a + b); }
HD double sub_d(double a, double b) { OP(__dsub_rn(a, b), a - b); }
HD double mul_d(double a, double b) { OP(__dmul_rn(a, b), a * b); }
HD double div_d(double a, double b) { OP(__ddiv_rn(a, b), a / b); }
HD float add_f(float a, float b) { OP(__fadd_rn(a, b), a + b); }
HD float sub_f(float a, float b) { OP(__fsub_rn(a, b), a - b); }
HD float mul_f(float a, float b) { OP(__fmul_rn(a, b), a * b); }
HD float div_f(float a, float b) { OP(__fdiv_rn(a, b), a / b); }
HD double fma_d(double a, double b, double c) { OP(__fma_rn(a, b, c), std::fma(a, b, c)); }
HD float d2f(double a) { OP(__double2float_rn(a), (float)a); }
HD i64 d2ll(double a) { OP(__double2ll_rn(a), llrint(a)); }
HD double bits2d(i64 b) {
#ifdef __CUDA_ARCH__
    return __longlong_as_double(b);
#else
    double d;
    memcpy(&d, &b, 8);
    return d;
#endif
}
HD i64 d2bits(double d) {
#ifdef __CUDA_ARCH__
    return __double_as_longlong(d);
#else
    i64 b;
    memcpy(&b, &d, 8);
    return b;
#endif
}
HD float bits2f(u32 b) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(b);
#else
    float f;
    memcpy(&f, &b, 4);
    return f;
#endif
}
HD u32 f2bits(float f) {
#ifdef __CUDA_ARCH__
    return __float_as_uint(f);
#else
    u32 b;
    memcpy(&b, &f, 4);
    return b;
#endif
}

// ---------------------------------------------------------------------
// expf: C's expf as glibc (2.28 and later) computes it in its x86-64
// build for processors with FMA, the float32 exp of the CPU path. For
// x = k*ln2/32 + r*ln2/32, |r| <= 1/2:
//
//   z = fma(32/ln2, x, 1.5*2^52)          k in its low bits
//   r = fma(32/ln2, x, -(z - 1.5*2^52))
//   s = 2^(k/32) from the table, its exponent raised by k>>5
//   y = fma(fma(r, C0, C1), r*r, fma(r, C2, 1)) * s
//
// rounded to float32, with glibc's special cases for |x| >= 88. The
// fused multiply-adds are explicit (fma_d, IEEE fused on the device and
// the host); --fmad=false keeps every other operation rounded once.

// glibc's __exp2f_data.tab: the bits of 2^(i/32) less i<<47, so that
// adding k<<47 gives 2^(k/32).
#define EXPF_TABLE_VALUES \
    0x3ff0000000000000ULL, 0x3fefd9b0d3158574ULL, 0x3fefb5586cf9890fULL, 0x3fef9301d0125b51ULL, \
    0x3fef72b83c7d517bULL, 0x3fef54873168b9aaULL, 0x3fef387a6e756238ULL, 0x3fef1e9df51fdee1ULL, \
    0x3fef06fe0a31b715ULL, 0x3feef1a7373aa9cbULL, 0x3feedea64c123422ULL, 0x3feece086061892dULL, \
    0x3feebfdad5362a27ULL, 0x3feeb42b569d4f82ULL, 0x3feeab07dd485429ULL, 0x3feea47eb03a5585ULL, \
    0x3feea09e667f3bcdULL, 0x3fee9f75e8ec5f74ULL, 0x3feea11473eb0187ULL, 0x3feea589994cce13ULL, \
    0x3feeace5422aa0dbULL, 0x3feeb737b0cdc5e5ULL, 0x3feec49182a3f090ULL, 0x3feed503b23e255dULL, \
    0x3feee89f995ad3adULL, 0x3feeff76f2fb5e47ULL, 0x3fef199bdd85529cULL, 0x3fef3720dcef9069ULL, \
    0x3fef5818dcfba487ULL, 0x3fef7c97337b9b5fULL, 0x3fefa4afa2a490daULL, 0x3fefd0765b6e4540ULL,

__constant__ u64 expf_table[32] = {EXPF_TABLE_VALUES};
#ifndef __CUDA_ARCH__
static const u64 expf_table_host[32] = {EXPF_TABLE_VALUES};
#endif

HD u64 expf_table_at(u64 j) {
#ifdef __CUDA_ARCH__
    return expf_table[j];
#else
    return expf_table_host[j];
#endif
}

#define EXPF_INV_LN2N_BITS 0x40471547652b82feULL // 32/ln2
#define EXPF_SHIFT_BITS 0x4338000000000000ULL    // 1.5 * 2^52
#define EXPF_C0_BITS 0x3ebc6af84b912394ULL       // the polynomial, for r in units of ln2/32
#define EXPF_C1_BITS 0x3f2ebfce50fac4f3ULL
#define EXPF_C2_BITS 0x3f962e42ff0c52d6ULL
// The largest value of bits 20-30 of |x| that takes the main path
// (|x| < 88).
#define EXPF_ABS_TOP 0x42aU
// glibc's thresholds: above the first the result is +Inf, below the
// second 0, below the third the smallest subnormal.
#define EXPF_OVERFLOW 0x1.62e42ep6f
#define EXPF_UNDERFLOW -0x1.9fe368p6f
#define EXPF_MAY_UNDERFLOW -0x1.9d1d9ep6f

// expf_main is expf's main path for x converted to double.
HD float expf_main(double xd) {
    const double inv = bits2d(EXPF_INV_LN2N_BITS);
    const double shift = bits2d(EXPF_SHIFT_BITS);
    double z = fma_d(inv, xd, shift);
    u64 ki = (u64)d2bits(z);
    double r = fma_d(inv, xd, -sub_d(z, shift));
    double s = bits2d((i64)(expf_table_at(ki & 31) + (ki << 47)));
    double y = fma_d(fma_d(r, bits2d(EXPF_C0_BITS), bits2d(EXPF_C1_BITS)), mul_d(r, r),
                     fma_d(r, bits2d(EXPF_C2_BITS), 1.0));
    return d2f(mul_d(y, s));
}

// expf_ref is float32 exp, computed as the Go reference computes it.
HD float expf_ref(float x) {
    u32 b = f2bits(x);
    u32 top = (b >> 20) & 0x7ff;
    if (top > EXPF_ABS_TOP) {
        if (b == 0xff800000u) return 0.0f;  // -Inf
        if (top >= 0x7f8) return add_f(x, x);  // +Inf, NaN
        if (x > EXPF_OVERFLOW) return bits2f(0x7f800000u);
        if (x < EXPF_UNDERFLOW) return 0.0f;
        if (x < EXPF_MAY_UNDERFLOW) return bits2f(1);
    }
    return expf_main((double)x);
}

HD float min_nan(float a, float b) { return (a > b) ? b : a; } // NaN a stays NaN
HD float max_nan(float a, float b) { return (a < b) ? b : a; }

HD float row_weight(const float* weight, i64 i) { return weight ? weight[i] : 1.0f; }

// ---------------------------------------------------------------------
// Gradients (float32), one output group or all groups of a row per thread.

// One row's gradients: weight w (1 without weights), scale_pos_weight
// spw for rows labelled 1.
HD void grad_squared_row(float m, float y, float w, float spw, float* g, float* h) {
    if (y == 1.0f) w = mul_f(w, spw);
    *g = mul_f(sub_f(m, y), w);
    *h = w;
}

HD void grad_logistic_row(float m, float y, float w, float spw, float* g, float* h) {
    float e = expf_ref(min_nan(-m, 88.7f));
    float d = add_f(add_f(e, 1.0f), 1e-16f);
    float p = div_f(1.0f, d);
    w = mul_f(w, (y == 1.0f) ? spw : 1.0f);
    *g = mul_f(sub_f(p, y), w);
    *h = mul_f(max_nan(mul_f(p, sub_f(1.0f, p)), 1e-16f), w);
}

// grad_softmax_row: margins m[0..k-1] of a row labelled y.
HD void grad_softmax_row(const float* m, i64 k, float y, float w, float* g, float* h) {
    float wmax = 0x1p-126f;  // FLT_MIN, as XGBoost's softmax objective starts
    for (i64 j = 0; j < k; j++) wmax = max_nan(wmax, m[j]);
    double sum = 0;
    for (i64 j = 0; j < k; j++) sum = add_d(sum, (double)expf_ref(sub_f(m[j], wmax)));
    float s = d2f(sum);
    i64 yi = (i64)y;
    for (i64 j = 0; j < k; j++) {
        float pj = div_f(expf_ref(sub_f(m[j], wmax)), s);
        float gj = (j == yi) ? sub_f(pj, 1.0f) : pj;
        g[j] = mul_f(gj, w);
        h[j] = max_nan(mul_f(mul_f(mul_f(2.0f, pj), sub_f(1.0f, pj)), w), 1e-16f);
    }
}

extern "C" __global__ void grad_squared(const float* margin, const float* label, const float* weight,
                                        double spw, float* g, float* h, i64 n) {
    i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    grad_squared_row(margin[i], label[i], row_weight(weight, i), (float)spw, &g[i], &h[i]);
}

extern "C" __global__ void grad_logistic(const float* margin, const float* label, const float* weight,
                                         double spw, float* g, float* h, i64 n) {
    i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    grad_logistic_row(margin[i], label[i], row_weight(weight, i), (float)spw, &g[i], &h[i]);
}

extern "C" __global__ void grad_softmax(const float* margin, const float* label, const float* weight,
                                        i64 k, float* g, float* h, i64 rows) {
    i64 r = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    grad_softmax_row(margin + r * k, k, label[r], row_weight(weight, r), g + r * k, h + r * k);
}

// grad_summary counts, for output group blockIdx.y, the float32 exponents
// of |g| and finds the largest |h| (as bits) and the smallest h (as an
// order-preserving key) over rows elements. counters holds 258 u64 per
// group: 256 exponent counts, the |h| bits, the key of the smallest h
// (initialised by the host to 0 and ~0).
HD u32 order_key(float v) {
    u32 b = f2bits(v);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

extern "C" __global__ void grad_summary(const float* g, const float* h, i64 rows, i64 groups, u64* counters) {
    __shared__ u32 counts[256];
    __shared__ u32 maxBits, minKey;
    i64 k = blockIdx.y;
    for (int e = threadIdx.x; e < 256; e += blockDim.x) counts[e] = 0;
    if (threadIdx.x == 0) {
        maxBits = 0;
        minKey = 0xffffffffu;
    }
    __syncthreads();
    u32 myMax = 0, myMin = 0xffffffffu;
    for (i64 r = (i64)blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += (i64)gridDim.x * blockDim.x) {
        i64 i = r * groups + k;
        // Gradients share few exponents: one shared atomic per group of
        // lanes with the same exponent instead of one per lane.
        u32 e = (f2bits(g[i]) >> 23) & 0xff;
        u32 peers = __match_any_sync(__activemask(), e);
        if ((threadIdx.x & 31) == __ffs(peers) - 1) atomicAdd(&counts[e], (u32)__popc(peers));
        u32 hb = f2bits(h[i]);
        myMax = max(myMax, hb & 0x7fffffffu);
        myMin = min(myMin, order_key(h[i]));
    }
    atomicMax(&maxBits, myMax);
    atomicMin(&minKey, myMin);
    __syncthreads();
    u64* c = counters + k * 258;
    for (int e = threadIdx.x; e < 256; e += blockDim.x) {
        if (counts[e]) atomicAdd(&c[e], (u64)counts[e]);
    }
    if (threadIdx.x == 0) {
        atomicMax(&c[256], (u64)maxBits);
        atomicMin(&c[257], (u64)minKey);
    }
}

// ---------------------------------------------------------------------
// Quantisation: fixed-point pairs of group k, rows outside the round's
// subsample zeroed; the row index is reset to the identity (every row in
// the root).

HD u64 mix64(u64 x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

extern "C" __global__ void quantise(const float* g, const float* h, i64 groups, i64 k, double scaleG,
                                    double scaleH, u64 sampleThr, u64 sampleSeed, i64 first, i64* gp,
                                    int* ridx, i64 rows) {
    i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= rows) return;
    ridx[i] = (int)i;
    if (sampleThr != ~0ULL && mix64(sampleSeed ^ (u64)(first + i)) >= sampleThr) {
        gp[2 * i] = 0;
        gp[2 * i + 1] = 0;
        return;
    }
    gp[2 * i] = d2ll(mul_d((double)g[i * groups + k], scaleG));
    gp[2 * i + 1] = d2ll(mul_d((double)h[i * groups + k], scaleH));
}

// ---------------------------------------------------------------------
// Histograms.

// add64 adds v to the 64-bit integer held as two 32-bit words (low word
// first) in shared memory with two native 32-bit atomics: the carry out
// of the low word goes into the high word. The sum is exact modulo 2^64
// whatever the order of the additions.
__device__ void add64(u32* p, i64 v) {
    u32 lo = (u32)(u64)v;
    u32 hi = (u32)((u64)v >> 32);
    u32 old = atomicAdd(&p[0], lo);
    u32 carry = (old + lo < old) ? 1u : 0u;
    if (hi + carry) atomicAdd(&p[1], hi + carry);
}

// build_hist adds the rows of table entry blockIdx.x (node j, rows
// ridx[start:end]) to node j's histogram hists[j], for the features of
// feature group blockIdx.y (fgroup[y] .. fgroup[y+1]-1), in a shared
// memory histogram of four 32-bit words per slot flushed with 64-bit
// global atomics.
extern "C" __global__ void build_hist(const unsigned char* bins, i64 nf, const i64* gp, const int* ridx,
                                      const i64* table, const int* off, const int* fgroup, const u64* hists) {
    extern __shared__ u32 sh[];
    i64 j = table[3 * blockIdx.x], start = table[3 * blockIdx.x + 1], end = table[3 * blockIdx.x + 2];
    int f0 = fgroup[blockIdx.y], f1 = fgroup[blockIdx.y + 1];
    int base = off[f0];
    int slots = off[f1] - base;
    for (int s = threadIdx.x; s < 4 * slots; s += blockDim.x) sh[s] = 0;
    __syncthreads();
    for (i64 i = start + threadIdx.x; i < end; i += blockDim.x) {
        i64 row = ridx[i];
        i64 gv = gp[2 * row], hv = gp[2 * row + 1];
        if (gv == 0 && hv == 0) continue;
        const unsigned char* b = bins + row * nf;
        for (int f = f0; f < f1; f++) {
            int s = off[f] - base + b[f];
            add64(&sh[4 * s], gv);
            add64(&sh[4 * s + 2], hv);
        }
    }
    __syncthreads();
    u64* out = (u64*)hists[j] + 2 * (u64)base;
    for (int s = threadIdx.x; s < 2 * slots; s += blockDim.x) {
        u64 v = (u64)sh[2 * s] | ((u64)sh[2 * s + 1] << 32);
        if (v) atomicAdd(&out[s], v);
    }
}

// hist_subtract sets parent[i] -= built[i] for n int64 words.
extern "C" __global__ void hist_subtract(i64* parent, const i64* built, i64 n) {
    i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) parent[i] -= built[i];
}

// ---------------------------------------------------------------------
// Split evaluation: one block per node, features spread over its threads.

struct params_t {
    double lambda, alpha, mcw, mds;
};

HD double threshold_l1(double g, double alpha) {
    if (g > alpha) return sub_d(g, alpha);
    if (g < -alpha) return add_d(g, alpha);
    return 0;
}

HD double calc_weight(const params_t& p, double g, double h) {
    if (h < p.mcw || h <= 0) return 0;
    double dw = div_d(-threshold_l1(g, p.alpha), add_d(h, p.lambda));
    if (p.mds != 0 && fabs(dw) > p.mds) dw = copysign(p.mds, dw);
    return dw;
}

HD float calc_gain(const params_t& p, double g, double h) {
    if (h <= 0) return 0;
    if (p.mds == 0) {
        double t = threshold_l1(g, p.alpha);
        return div_f(d2f(mul_d(t, t)), d2f(add_d(h, p.lambda)));
    }
    float g32 = d2f(g), h32 = d2f(h);
    float w = d2f(calc_weight(p, g, h));
    float gw = mul_f(mul_f(2.0f, g32), w);
    float hw = mul_f(add_f(h32, d2f(p.lambda)), mul_f(w, w));
    return -add_f(gw, hw);
}

// best_t is a split candidate: the gain, feature (-1: none), bin,
// default direction (1 = left) and the left child's sums.
struct best_t {
    float gain;
    int feat, bin, def;
    i64 lg, lh;
};

// evaluate_feature tries feature f's candidates in the CPU path's order,
// forward (bins <= b left, missing right, b ascending), then, when the
// node has missing values of the feature, backward (missing left, b
// descending, last only the missing values left), keeping the first of
// equal gains in best. hf is the feature's part of the node's histogram,
// nv its number of value bins; the node's sums are (SG, SH).
HD void evaluate_feature(const params_t& p, const i64* hf, int nv, int f, i64 SG, i64 SH, double scaleG,
                         double scaleH, float parentGain, best_t* best) {
#define TRY(BIN, DEF, LG, LH)                                                                         \
    do {                                                                                              \
        i64 rg = SG - (LG), rh = SH - (LH);                                                           \
        double gl = div_d((double)(LG), scaleG), hl = div_d((double)(LH), scaleH);                    \
        double gr = div_d((double)rg, scaleG), hr = div_d((double)rh, scaleH);                        \
        if (!(hl < p.mcw || hr < p.mcw)) {                                                            \
            float chg = sub_f(add_f(calc_gain(p, gl, hl), calc_gain(p, gr, hr)), parentGain);         \
            if (!isinf(chg) && chg > best->gain) {                                                    \
                best->gain = chg;                                                                     \
                best->feat = f;                                                                       \
                best->bin = (BIN);                                                                    \
                best->def = (DEF);                                                                    \
                best->lg = (LG);                                                                      \
                best->lh = (LH);                                                                      \
            }                                                                                         \
        }                                                                                             \
    } while (0)
    i64 ag = 0, ah = 0;
    for (int b = 0; b < nv; b++) {
        ag += hf[2 * b];
        ah += hf[2 * b + 1];
        TRY(b, 0, ag, ah);
    }
    if (hf[2 * nv] != 0 || hf[2 * nv + 1] != 0) {
        i64 lg = SG, lh = SH;
        for (int b = nv - 1; b >= 0; b--) {
            lg -= hf[2 * b];
            lh -= hf[2 * b + 1];
            TRY(b - 1, 1, lg, lh);
        }
    }
#undef TRY
}

#define EVAL_THREADS 128

// evaluate_splits finds node blockIdx.x's best split over the features
// its mask allows (all when mask is null). Thread t tries features t,
// t+EVAL_THREADS, ... in ascending order, keeping the first of equal
// gains; thread 0 then keeps the largest gain, of the lowest feature on
// ties: the CPU path's choice. out receives six int64 per node: the
// gain's float32 bits, the feature (-1: none), the bin (-1: only missing
// values go left), the default direction (1 = left) and the left child's
// fixed-point (g, h).
extern "C" __global__ void evaluate_splits(const u64* hists, const i64* sums, const unsigned char* mask, i64 nf,
                                           const int* off, const int* nvals, double lambda, double alpha,
                                           double mcw, double mds, double scaleG, double scaleH, i64* out) {
    __shared__ best_t sBest[EVAL_THREADS];
    params_t p = {lambda, alpha, mcw, mds};
    i64 j = blockIdx.x;
    const i64* hist = (const i64*)hists[j];
    i64 SG = sums[2 * j], SH = sums[2 * j + 1];
    float parentGain = calc_gain(p, div_d((double)SG, scaleG), div_d((double)SH, scaleH));
    best_t best = {0, -1, 0, 0, 0, 0};
    for (i64 f = threadIdx.x; f < nf; f += blockDim.x) {
        if (mask && !mask[j * nf + f]) continue;
        evaluate_feature(p, hist + 2 * (i64)off[f], nvals[f], (int)f, SG, SH, scaleG, scaleH, parentGain, &best);
    }
    int t = threadIdx.x;
    sBest[t] = best;
    __syncthreads();
    if (t == 0) {
        int w = -1;
        for (int u = 0; u < (int)blockDim.x; u++) {
            if (sBest[u].feat < 0) continue;
            if (w < 0 || sBest[u].gain > sBest[w].gain || (sBest[u].gain == sBest[w].gain && sBest[u].feat < sBest[w].feat)) w = u;
        }
        i64* o = out + 6 * j;
        best_t b = (w < 0) ? best_t{0, -1, 0, 0, 0, 0} : sBest[w];
        o[0] = (i64)f2bits(b.gain);
        o[1] = b.feat;
        o[2] = b.bin;
        o[3] = b.def;
        o[4] = b.lg;
        o[5] = b.lh;
    }
}

// ---------------------------------------------------------------------
// Row partition: a stable partition of each split node's segment of ridx
// (left rows, then right rows, each in their previous order).
//
// reqs holds 7 int64 per split: the segment start, feature, bin (rows
// with bin <= it go left), default direction (1 = missing values go
// left), the feature's missing-value bin code, the first table entry of
// the split and the number of its entries. table holds (split, start,
// end) per block; a block covers at most PART_CHUNK rows.

#define PART_CHUNK 512

HD int goes_left(const unsigned char* bins, i64 nf, i64 row, const i64* rq) {
    int b = bins[row * nf + rq[1]];
    if (b == (int)rq[4]) return rq[3] != 0;
    return b <= (int)rq[2];
}

extern "C" __global__ void partition_count(const unsigned char* bins, i64 nf, const int* ridx, const i64* table,
                                           const i64* reqs, i64* blockLeft) {
    __shared__ int cnt;
    i64 q = table[3 * blockIdx.x], start = table[3 * blockIdx.x + 1], end = table[3 * blockIdx.x + 2];
    if (threadIdx.x == 0) cnt = 0;
    __syncthreads();
    i64 i = start + threadIdx.x;
    int left = 0;
    if (i < end) left = goes_left(bins, nf, ridx[i], reqs + 7 * q);
    int warpCount = __popc(__ballot_sync(0xffffffffu, left));
    if ((threadIdx.x & 31) == 0 && warpCount) atomicAdd(&cnt, warpCount);
    __syncthreads();
    if (threadIdx.x == 0) blockLeft[blockIdx.x] = cnt;
}

// partition_scan turns the per-block left counts of each split into
// exclusive offsets within the split and writes the split's total. One
// block of SCAN_THREADS threads per split: each thread adds up a run of
// consecutive table entries, the block scans the runs' sums, then each
// thread writes its run's offsets (integer sums: the same as a serial
// scan).

#define SCAN_THREADS 1024

extern "C" __global__ void partition_scan(const i64* reqs, const i64* blockLeft, i64* blockOff, i64* leftCount,
                                          i64 nreq) {
    __shared__ i64 part[SCAN_THREADS];
    i64 q = blockIdx.x;
    if (q >= nreq) return;
    const i64* rq = reqs + 7 * q;
    i64 first = rq[5], n = rq[6];
    i64 per = (n + blockDim.x - 1) / blockDim.x;
    i64 lo = min(first + (i64)threadIdx.x * per, first + n), hi = min(lo + per, first + n);
    i64 sum = 0;
    for (i64 b = lo; b < hi; b++) sum += blockLeft[b];
    int t = threadIdx.x;
    part[t] = sum;
    __syncthreads();
    for (int d = 1; d < (int)blockDim.x; d <<= 1) {
        i64 v = (t >= d) ? part[t - d] : 0;
        __syncthreads();
        part[t] += v;
        __syncthreads();
    }
    i64 acc = part[t] - sum;
    for (i64 b = lo; b < hi; b++) {
        blockOff[b] = acc;
        acc += blockLeft[b];
    }
    if (t == (int)blockDim.x - 1) leftCount[q] = part[t];
}

extern "C" __global__ void partition_scatter(const unsigned char* bins, i64 nf, const int* ridx, int* tmp,
                                             const i64* table, const i64* reqs, const i64* blockOff,
                                             const i64* leftCount) {
    __shared__ int warpLeft[PART_CHUNK / 32];
    i64 q = table[3 * blockIdx.x], start = table[3 * blockIdx.x + 1], end = table[3 * blockIdx.x + 2];
    const i64* rq = reqs + 7 * q;
    i64 i = start + threadIdx.x;
    int row = 0, left = 0;
    if (i < end) {
        row = ridx[i];
        left = goes_left(bins, nf, row, rq);
    }
    u32 ballot = __ballot_sync(0xffffffffu, left);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) warpLeft[warp] = __popc(ballot);
    __syncthreads();
    int before = 0;
    for (int w = 0; w < warp; w++) before += warpLeft[w];
    int rankL = before + __popc(ballot & ((1u << lane) - 1));
    if (i >= end) return;
    i64 lo = rq[0];
    i64 offL = blockOff[blockIdx.x];
    if (left) {
        tmp[lo + offL + rankL] = row;
    } else {
        i64 rankR = (i - start) - rankL;
        tmp[lo + leftCount[q] + (start - lo - offL) + rankR] = row;
    }
}

// copy_rows copies src to dst over the table's ranges.
extern "C" __global__ void copy_rows(const i64* table, const int* src, int* dst) {
    i64 start = table[3 * blockIdx.x + 1], end = table[3 * blockIdx.x + 2];
    for (i64 i = start + threadIdx.x; i < end; i += blockDim.x) dst[i] = src[i];
}

// ---------------------------------------------------------------------
// Prediction cache: each leaf's value is added to the margin of group k
// of its rows (table entries: leaf, start, end).

extern "C" __global__ void add_leaves(const int* ridx, const i64* table, const float* values, float* margin,
                                      i64 groups, i64 k) {
    i64 leaf = table[3 * blockIdx.x], start = table[3 * blockIdx.x + 1], end = table[3 * blockIdx.x + 2];
    float v = values[leaf];
    for (i64 i = start + threadIdx.x; i < end; i += blockDim.x) {
        i64 r = ridx[i];
        margin[r * groups + k] = add_f(margin[r * groups + k], v);
    }
}
