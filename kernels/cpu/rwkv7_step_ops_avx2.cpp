// AVX2+FMA versions of the fused step's primitives. The file is compiled for the x86-64 baseline;
// only these functions carry target("avx2,fma"), and avx2Ops() hands them out only after the CPU
// check, so the library still runs on CPUs without AVX2.
#include "rwkv7_step_ops.h"

#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PM_STEP_HAVE_AVX2 1
#include <immintrin.h>
#define PM_STEP_AVX2 __attribute__((target("avx2,fma")))
#else
#define PM_STEP_HAVE_AVX2 0
#endif

namespace pm::kernels::step {

#if PM_STEP_HAVE_AVX2

namespace {

// Σ of the 8 lanes.
PM_STEP_AVX2 inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// (Σa, Σb, Σc, Σd) in one register.
PM_STEP_AVX2 inline __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
    const __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

// 8 weights as fp32: a plain load, or bf16 bit patterns shifted into the upper half (exact).
PM_STEP_AVX2 inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
PM_STEP_AVX2 inline __m256 load8(const uint16_t* p) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
PM_STEP_AVX2 inline __m256 load8(const int8_t* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}
inline float widen(float w) { return w; }
inline float widen(uint16_t w) { return bf16ToFloat(w); }
inline float widen(int8_t w) { return float(w); }

// Four rows at once share each load of x; cols % 8 leftovers are added in scalar.
template <typename W>
PM_STEP_AVX2 void matvecT(int64_t rows, int64_t cols, const W* M, const float* x, float* y) {
    const int64_t c8 = cols & ~int64_t(7);
    int64_t r = 0;
    for (; r + 4 <= rows; r += 4) {
        const W *w0 = M + r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        for (int64_t c = 0; c < c8; c += 8) {
            const __m256 xv = _mm256_loadu_ps(x + c);
            s0 = _mm256_fmadd_ps(load8(w0 + c), xv, s0);
            s1 = _mm256_fmadd_ps(load8(w1 + c), xv, s1);
            s2 = _mm256_fmadd_ps(load8(w2 + c), xv, s2);
            s3 = _mm256_fmadd_ps(load8(w3 + c), xv, s3);
        }
        __m128 sum = hsum4(s0, s1, s2, s3);
        if (c8 < cols) {
            float t[4] = {0, 0, 0, 0};
            for (int64_t c = c8; c < cols; ++c) {
                t[0] += widen(w0[c]) * x[c];
                t[1] += widen(w1[c]) * x[c];
                t[2] += widen(w2[c]) * x[c];
                t[3] += widen(w3[c]) * x[c];
            }
            sum = _mm_add_ps(sum, _mm_loadu_ps(t));
        }
        _mm_storeu_ps(y + r, sum);
    }
    for (; r < rows; ++r) {
        const W* w0 = M + r * cols;
        __m256 s0 = _mm256_setzero_ps();
        for (int64_t c = 0; c < c8; c += 8) s0 = _mm256_fmadd_ps(load8(w0 + c), _mm256_loadu_ps(x + c), s0);
        float t = hsum(s0);
        for (int64_t c = c8; c < cols; ++c) t += widen(w0[c]) * x[c];
        y[r] = t;
    }
}

PM_STEP_AVX2 void matvecI8(int64_t rows, int64_t cols, const int8_t* M, const float* scale, const float* x,
                           float* y) {
    matvecT<int8_t>(rows, cols, M, x, y);
    int64_t r = 0;
    for (; r + 8 <= rows; r += 8) _mm256_storeu_ps(y + r, _mm256_mul_ps(_mm256_loadu_ps(y + r), _mm256_loadu_ps(scale + r)));
    for (; r < rows; ++r) y[r] *= scale[r];
}

// Row by row, four selected rows per pass: y (≤ a few KB, in L1) is loaded and stored once per
// four rows while each weight row streams contiguously. (Issue 15: the earlier order, column
// blocks of 64 with every selected row streaming past, read each 1 KB fp32 row of the small
// preset in four 256-byte pieces on four passes over a scattered set of rows; the hardware
// prefetchers could not follow that, and the AVX2 step lost to the plain loops.) For each column
// the rows are added in the order of idx, one FMA each, like the plain loop's sum.
template <typename W>
PM_STEP_AVX2 void sparseRowsSumT(const int32_t* idx, int64_t count, int64_t cols, int64_t stride, const W* WT,
                                 const float* h, float* y) {
    const int64_t c8 = cols & ~int64_t(7);
    for (int64_t c = 0; c < cols; ++c) y[c] = 0;
    int64_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const W* r0 = WT + int64_t(idx[i]) * stride;
        const W* r1 = WT + int64_t(idx[i + 1]) * stride;
        const W* r2 = WT + int64_t(idx[i + 2]) * stride;
        const W* r3 = WT + int64_t(idx[i + 3]) * stride;
        const float f0 = h[idx[i]], f1 = h[idx[i + 1]], f2 = h[idx[i + 2]], f3 = h[idx[i + 3]];
        const __m256 h0 = _mm256_set1_ps(f0), h1 = _mm256_set1_ps(f1), h2 = _mm256_set1_ps(f2), h3 = _mm256_set1_ps(f3);
        for (int64_t c = 0; c < c8; c += 8) {
            __m256 a = _mm256_loadu_ps(y + c);
            a = _mm256_fmadd_ps(h0, load8(r0 + c), a);
            a = _mm256_fmadd_ps(h1, load8(r1 + c), a);
            a = _mm256_fmadd_ps(h2, load8(r2 + c), a);
            a = _mm256_fmadd_ps(h3, load8(r3 + c), a);
            _mm256_storeu_ps(y + c, a);
        }
        for (int64_t c = c8; c < cols; ++c) {
            float a = y[c];
            a += f0 * widen(r0[c]);
            a += f1 * widen(r1[c]);
            a += f2 * widen(r2[c]);
            a += f3 * widen(r3[c]);
            y[c] = a;
        }
    }
    for (; i < count; ++i) {
        const W* r0 = WT + int64_t(idx[i]) * stride;
        const float f0 = h[idx[i]];
        const __m256 h0 = _mm256_set1_ps(f0);
        for (int64_t c = 0; c < c8; c += 8)
            _mm256_storeu_ps(y + c, _mm256_fmadd_ps(h0, load8(r0 + c), _mm256_loadu_ps(y + c)));
        for (int64_t c = c8; c < cols; ++c) y[c] += f0 * widen(r0[c]);
    }
}

// Head sizes that are not a multiple of 8 take the plain loop (plainOps().wkvHead).
PM_STEP_AVX2 void wkvHead(int64_t N, float* S, const float* w, const float* r, const float* k, const float* v,
                          const float* a, const float* b, float* y) {
    if (N % 8 != 0) {
        plainOps().wkvHead(N, S, w, r, k, v, a, b, y);
        return;
    }
    for (int64_t i = 0; i < N; ++i) {
        float* row = S + i * N;
        __m256 acc = _mm256_setzero_ps();
        for (int64_t j = 0; j < N; j += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(a + j), acc);
        const __m256 sa = _mm256_set1_ps(hsum(acc)), vi = _mm256_set1_ps(v[i]);
        __m256 out = _mm256_setzero_ps();
        for (int64_t j = 0; j < N; j += 8) {
            __m256 s = _mm256_mul_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(w + j));
            s = _mm256_fmadd_ps(sa, _mm256_loadu_ps(b + j), s);
            s = _mm256_fmadd_ps(vi, _mm256_loadu_ps(k + j), s);
            _mm256_storeu_ps(row + j, s);
            out = _mm256_fmadd_ps(s, _mm256_loadu_ps(r + j), out);
        }
        y[i] = hsum(out);
    }
}

// e^x for 8 lanes: x = n·ln2 + t with |t| ≤ ln2/2, e^t by its degree-7 Taylor polynomial (the
// first omitted term is t^8/8! < 6e-9, below fp32 resolution), times 2^n built in the exponent
// bits. x is clamped to where the result is a normal float.
PM_STEP_AVX2 inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.4426950408889634f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // ln2 split in two so n·ln2_hi is exact for |n| ≤ 128.
    __m256 t = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
    t = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187e-6f), t);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

PM_STEP_AVX2 inline __m256 sigmoid8(__m256 z) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}

// tanh x = sign(x)·(1 - e)/(1 + e) with e = e^{-2|x|} ≤ 1 (no overflow); its absolute error is
// a few 1e-8, which is what the next matvec sees.
PM_STEP_AVX2 inline __m256 tanh8(__m256 x) {
    const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
    const __m256 ax = _mm256_xor_ps(x, sign);
    const __m256 e = exp8(_mm256_mul_ps(ax, _mm256_set1_ps(-2.0f)));
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_xor_ps(_mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e)), sign);
}

PM_STEP_AVX2 inline __m256 decay8(__m256 z) { return exp8(_mm256_mul_ps(_mm256_set1_ps(-kExpMinusHalf), sigmoid8(z))); }

// The vector body plus the scalar tail from the plain table.
#define PM_STEP_ELEMENTWISE(NAME, VEC, PLAIN)                                           \
    PM_STEP_AVX2 void NAME(int64_t n, const float* in, float* out) {                    \
        int64_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, VEC(_mm256_loadu_ps(in + i))); \
        if (i < n) plainOps().PLAIN(n - i, in + i, out + i);                            \
    }
PM_STEP_ELEMENTWISE(sigmoid, sigmoid8, sigmoid)
PM_STEP_ELEMENTWISE(tanhv, tanh8, tanh)
PM_STEP_ELEMENTWISE(decay, decay8, decay)
#undef PM_STEP_ELEMENTWISE

}  // namespace

const Ops* avx2Ops() {
    static const bool cpu = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    static const Ops ops{matvecT<float>, sparseRowsSumT<float>, matvecT<uint16_t>, sparseRowsSumT<uint16_t>,
                         matvecI8,        sparseRowsSumT<int8_t>, wkvHead,          sigmoid,
                         tanhv,           decay};
    return cpu ? &ops : nullptr;
}

#else

const Ops* avx2Ops() { return nullptr; }

#endif

}  // namespace pm::kernels::step
