// AVX2+FMA WKV7 slice loops; see wkv7_cpu_avx2.h. Compiled for the x86-64 baseline: only these
// functions carry target("avx2,fma"), and they run only after the CPU check.
#include "wkv7_cpu_avx2.h"

#include "pianomuse/kernels/wkv7.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PM_WKV7_HAVE_AVX2_PATH 1
#include <immintrin.h>
#define PM_AVX2 __attribute__((target("avx2,fma")))
#else
#define PM_WKV7_HAVE_AVX2_PATH 0
#endif

namespace pm::kernels {

namespace {
std::atomic<bool> gSimdEnabled{true};
}

void wkv7SetSimdEnabled(bool enabled) { gSimdEnabled = enabled; }
bool wkv7SimdEnabled() { return gSimdEnabled; }

namespace detail {

int64_t avx2ScratchFloats(int64_t N) {
    // G, dv, dsa (backward) + w and sa per chunk step + (chunk + 1) key-major states.
    // The row-register loops (N ≤ 64) need less: 2 N² + ≈ (16·chunk + 4·(chunk + 1)) N; the
    // extra term keeps that true for small N too.
    return N * N + 2 * N + 2 * kWkv7CheckpointEvery * N + (kWkv7CheckpointEvery + 1) * N * N + 64 +
           3 * N * N + 32 * kWkv7CheckpointEvery * N + 1024 + 40 * 1024;   // + padding of the Carver below
}

#if PM_WKV7_HAVE_AVX2_PATH

bool avx2Usable(int64_t N) {
    static const bool cpu = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return cpu && gSimdEnabled && N > 0 && N % 16 == 0 && N <= 1024;
}

namespace {

constexpr float kC = 0.6065306597126334f;   // e^{-1/2}

// e^x for 8 lanes (Cephes expf scheme: x = n·ln2 + r, degree-6 polynomial; ~2 ulp). Inputs are
// clamped to the range where e^x is a normal float, which the sigmoid below relies on.
PM_AVX2 inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

PM_AVX2 inline __m256 sigmoid8(__m256 z) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}

// 1/x to ~1 ulp: the 12-bit estimate and one Newton step (much cheaper than a division).
PM_AVX2 inline __m256 rcp8(__m256 x) {
    const __m256 r = _mm256_rcp_ps(x);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(x, r, _mm256_set1_ps(2.0f)));
}

// σ(z) with the reciprocal above (the decay path of the row-register loops).
PM_AVX2 inline __m256 sigmoid8Fast(__m256 z) {
    return rcp8(_mm256_add_ps(_mm256_set1_ps(1.0f), exp8(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}

// w = exp(-e^{-1/2} σ(z)) for N values.
PM_AVX2 inline void decayRow(int64_t N, const float* z, float* w) {
    for (int64_t j = 0; j < N; j += 8)
        _mm256_storeu_ps(w + j, exp8(_mm256_mul_ps(_mm256_set1_ps(-kC), sigmoid8(_mm256_loadu_ps(z + j)))));
}

// Four horizontal sums at once: returns (Σa, Σb, Σc, Σd).
PM_AVX2 inline __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
    const __m256 ab = _mm256_hadd_ps(a, b), cd = _mm256_hadd_ps(c, d);
    const __m256 abcd = _mm256_hadd_ps(ab, cd);   // per 128-bit half: a0 b0 c0 d0 partials
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

PM_AVX2 inline float hsum1(__m256 a) {
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

// sa = S a with key-major ST: sa[:] = Σ_j a_j ST[j][:] (16 values of i at a time).
PM_AVX2 inline void stateTimesA(int64_t N, const float* ST, const float* a, float* sa) {
    for (int64_t ib = 0; ib < N; ib += 16) {
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        int64_t j = 0;
        for (; j + 1 < N; j += 2) {   // two rows per iteration: two independent FMA chains per vector
            const __m256 a0 = _mm256_set1_ps(a[j]), a1 = _mm256_set1_ps(a[j + 1]);
            const float* r0 = ST + j * N + ib;
            const float* r1 = r0 + N;
            s0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(r0), s0);
            s1 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(r0 + 8), s1);
            s2 = _mm256_fmadd_ps(a1, _mm256_loadu_ps(r1), s2);
            s3 = _mm256_fmadd_ps(a1, _mm256_loadu_ps(r1 + 8), s3);
        }
        for (; j < N; ++j) {
            const __m256 aj = _mm256_set1_ps(a[j]);
            s0 = _mm256_fmadd_ps(aj, _mm256_loadu_ps(ST + j * N + ib), s0);
            s1 = _mm256_fmadd_ps(aj, _mm256_loadu_ps(ST + j * N + ib + 8), s1);
        }
        _mm256_storeu_ps(sa + ib, _mm256_add_ps(s0, s2));
        _mm256_storeu_ps(sa + ib + 8, _mm256_add_ps(s1, s3));
    }
}

// ST[j][i] = ST[j][i] w_j + b_j sa_i + k_j v_i; y_i = Σ_j r_j ST[j][i] (when y is given).
PM_AVX2 inline void updateState(int64_t N, float* ST, const float* w, const float* sa, const float* b,
                                const float* k, const float* v, const float* r, float* y) {
    for (int64_t ib = 0; ib < N; ib += 16) {
        const __m256 sa0 = _mm256_loadu_ps(sa + ib), sa1 = _mm256_loadu_ps(sa + ib + 8);
        const __m256 v0 = _mm256_loadu_ps(v + ib), v1 = _mm256_loadu_ps(v + ib + 8);
        __m256 y0 = _mm256_setzero_ps(), y1 = _mm256_setzero_ps();
        for (int64_t j = 0; j < N; ++j) {
            float* row = ST + j * N + ib;
            const __m256 wj = _mm256_set1_ps(w[j]), bj = _mm256_set1_ps(b[j]), kj = _mm256_set1_ps(k[j]);
            __m256 s0 = _mm256_mul_ps(_mm256_loadu_ps(row), wj);
            __m256 s1 = _mm256_mul_ps(_mm256_loadu_ps(row + 8), wj);
            s0 = _mm256_fmadd_ps(sa0, bj, s0);
            s1 = _mm256_fmadd_ps(sa1, bj, s1);
            s0 = _mm256_fmadd_ps(v0, kj, s0);
            s1 = _mm256_fmadd_ps(v1, kj, s1);
            _mm256_storeu_ps(row, s0);
            _mm256_storeu_ps(row + 8, s1);
            if (y) {
                const __m256 rj = _mm256_set1_ps(r[j]);
                y0 = _mm256_fmadd_ps(s0, rj, y0);
                y1 = _mm256_fmadd_ps(s1, rj, y1);
            }
        }
        if (y) {
            _mm256_storeu_ps(y + ib, y0);
            _mm256_storeu_ps(y + ib + 8, y1);
        }
    }
}

void transposeInto(int64_t N, const float* src, float* dst) {
    for (int64_t i = 0; i < N; ++i)
        for (int64_t j = 0; j < N; ++j) dst[j * N + i] = src[i * N + j];
}

// ---- Row-register organisation (N = 16, 32, 64: a state row fits in NV = N/8 registers) ----
//
// Rows of S (value index i) never interact: row i's update reads only row i (sa_i = S[i,:]·a) and the
// step's vectors. So each row is carried through a whole chunk of steps in registers, and within
// a chunk the state is kept rescaled by the cumulative decay W_u = w_1 ⊙ … ⊙ w_u (per key):
//     S_u = R_u diag(W_u),   R_u = R_{u-1} + v_u k̃_uᵀ + sa_u b̃_uᵀ,   k̃ = k/W_u, b̃ = b/W_u,
//     sa_u = R_{u-1}·ã_u (ã_u = W_{u-1} ⊙ a_u),   y_u = R_u·r̃_u (r̃_u = W_u ⊙ r_u),
// which drops the multiply by w (2 FMAs per element per step instead of mul + 2 FMAs). With
// Q_u = R_{u-1} + v_u k̃_u both dots of a step read the same Q:
//     y_u = Q_u·r̃_u + sa_u (b̃_u·r̃_u),   sa_{u+1} = Q_u·ã_{u+1} + sa_u (b̃_u·ã_{u+1}),
// so one horizontal sum serves both and sa_u is off the dots' critical path. w ≥ e^{-e^{-1/2}}
// ≈ 0.545, so over a 16-step chunk 1/W ≤ 1.7e4: far inside fp32's range; each term's rounding stays
// relative to its own (decayed) size, as in the direct recurrence.

constexpr int64_t kChunk = kWkv7CheckpointEvery;
// Rows run together: the forward's chunk loop (independent dependency chains for the out-of-order
// core; more only spill registers), the backward's recompute, and the backward's column-sum blocks
// (16 rows of Ĝ and R_{u-1} = 8 KiB stay in L1 across the key blocks). Measured best of
// 1/2/4/8 and 8/16/32/64 on the 2-core Zen 3 dev machine.
constexpr int kForwardRows = 2;
constexpr int kRecomputeRows = 4;
constexpr int64_t kColumnRowBlock = 16;

// Per-chunk vectors, [u][N] each (u = 0 … len-1; at has len + 1 rows, the last zero).
struct ChunkVecs {
    float *at, *kt, *bt, *rt, *WL, *eta, *beta;
    // Backward only (null in the forward): W_{u-1} as [len + 1][N] (row 0 = 1), 1/W_u and
    // ∂w/∂z / w = -e^{-1/2} σ(z)(1 - σ(z)) as [len][N].
    float *W = nullptr, *invW = nullptr, *dzf = nullptr;
    // The chunk's v (and, backward, dy) rows copied contiguous [len][N], and [len][N] buffers for
    // per-row outputs (y and sa, or dv) written out row by row at the chunk's end: scalar accesses at
    // H·N-float strides into the caller's tensors, which are page-aligned alike, aliased each other.
    float *vv = nullptr, *dyv = nullptr, *out0 = nullptr, *out1 = nullptr;
};

PM_AVX2 inline __m256 decay8(__m256 z) {
    return exp8(_mm256_mul_ps(_mm256_set1_ps(-kC), sigmoid8(z)));
}

// Two horizontal sums: returns (Σx, Σy) in lanes 0 and 1.
PM_AVX2 inline __m128 hsum2(__m256 x, __m256 y) {
    const __m256 h = _mm256_hadd_ps(x, y);   // x01 x23 y01 y23 | x45 x67 y45 y67
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    return _mm_hadd_ps(s, s);                // Σx Σy Σx Σy
}

// Fills the chunk's vectors for steps t0 … t0+len-1 of one slice (N ≤ 64). Step by step, so each
// input row is read whole. It also prefetches the chunk that runs next (steps tNext …, and `extra`
// floats at `extraPtr`, e.g. its checkpoint): the inputs are [B, T, H, N], so a slice's steps lie
// H·N floats apart and the hardware prefetchers do not run ahead of these strided rows.
PM_AVX2 void chunkVectors(const SliceArgs& p, int64_t t0, int64_t len, const ChunkVecs& c, int64_t tNext = -1,
                          const float* extraPtr = nullptr, int64_t extra = 0) {
    const int64_t N = p.N, nv = N / 8;
    const __m256 one = _mm256_set1_ps(1.0f), negC = _mm256_set1_ps(-kC);
    __m256 W[8];
    for (int64_t q = 0; q < nv; ++q) W[q] = one;
    const bool pf = tNext >= 0 && tNext < p.T;
    const int64_t extraPerStep = (extra + 16 * len - 1) / (16 * len);   // cache lines of `extra` per step
    for (int64_t u = 0; u < len; ++u) {
        if (pf && tNext + u < p.T) {
            const int64_t on = (tNext + u) * p.step;
            for (int64_t j = 0; j < N; j += 16) {
                _mm_prefetch(reinterpret_cast<const char*>(p.r + on + j), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(p.z + on + j), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(p.k + on + j), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(p.v + on + j), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(p.a + on + j), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(p.b + on + j), _MM_HINT_T0);
                if (p.dy) _mm_prefetch(reinterpret_cast<const char*>(p.dy + on + j), _MM_HINT_T0);
            }
        }
        if (extraPtr)
            for (int64_t l = u * extraPerStep; l < (u + 1) * extraPerStep && 16 * l < extra; ++l)
                _mm_prefetch(reinterpret_cast<const char*>(extraPtr + 16 * l), _MM_HINT_T1);
        const int64_t o = (t0 + u) * p.step;
        std::memcpy(c.vv + u * N, p.v + o, sizeof(float) * size_t(N));
        if (c.dyv) std::memcpy(c.dyv + u * N, p.dy + o, sizeof(float) * size_t(N));
        for (int64_t q = 0; q < nv; ++q) {
            const int64_t j = 8 * q;
            _mm256_storeu_ps(c.at + u * N + j, _mm256_mul_ps(W[q], _mm256_loadu_ps(p.a + o + j)));
            const __m256 sig = sigmoid8Fast(_mm256_loadu_ps(p.z + o + j));
            W[q] = _mm256_mul_ps(W[q], exp8(_mm256_mul_ps(negC, sig)));
            const __m256 inv = rcp8(W[q]);
            if (c.W) {
                if (u == 0) _mm256_storeu_ps(c.W + j, one);
                _mm256_storeu_ps(c.W + (u + 1) * N + j, W[q]);
                _mm256_storeu_ps(c.invW + u * N + j, inv);
                _mm256_storeu_ps(c.dzf + u * N + j, _mm256_mul_ps(negC, _mm256_mul_ps(sig, _mm256_sub_ps(one, sig))));
            }
            _mm256_storeu_ps(c.kt + u * N + j, _mm256_mul_ps(inv, _mm256_loadu_ps(p.k + o + j)));
            _mm256_storeu_ps(c.bt + u * N + j, _mm256_mul_ps(inv, _mm256_loadu_ps(p.b + o + j)));
            _mm256_storeu_ps(c.rt + u * N + j, _mm256_mul_ps(W[q], _mm256_loadu_ps(p.r + o + j)));
        }
    }
    for (int64_t q = 0; q < nv; ++q) {
        _mm256_storeu_ps(c.at + len * N + 8 * q, _mm256_setzero_ps());
        _mm256_storeu_ps(c.WL + 8 * q, W[q]);
    }
    for (int64_t u = 0; u < len; ++u) {
        __m256 e = _mm256_setzero_ps(), f = _mm256_setzero_ps();
        for (int64_t j = 0; j < N; j += 8) {
            const __m256 bt = _mm256_loadu_ps(c.bt + u * N + j);
            e = _mm256_fmadd_ps(bt, _mm256_loadu_ps(c.rt + u * N + j), e);
            f = _mm256_fmadd_ps(bt, _mm256_loadu_ps(c.at + (u + 1) * N + j), f);
        }
        alignas(16) float s[4];
        _mm_store_ps(s, hsum2(e, f));
        c.eta[u] = s[0];
        c.beta[u] = s[1];
    }
}

// Dot of NV registers with a vector in memory; up to four accumulator chains.
template <int NV>
PM_AVX2 inline __m256 dotRow(const __m256* R, const float* x) {
    if constexpr (NV >= 4) {
        __m256 acc[4];
        _Pragma("GCC unroll 4") for (int q = 0; q < 4; ++q) acc[q] = _mm256_mul_ps(R[q], _mm256_loadu_ps(x + 8 * q));
        _Pragma("GCC unroll 16") for (int q = 4; q < NV; ++q)
            acc[q % 4] = _mm256_fmadd_ps(R[q], _mm256_loadu_ps(x + 8 * q), acc[q % 4]);
        return _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
    } else {
        __m256 a0 = _mm256_mul_ps(R[0], _mm256_loadu_ps(x));
        _Pragma("GCC unroll 16") for (int q = 1; q < NV; ++q) a0 = _mm256_fmadd_ps(R[q], _mm256_loadu_ps(x + 8 * q), a0);
        return a0;
    }
}

// Runs rows [0, N) of the value-major state S through the chunk (len steps from t0), in place,
// RB rows at a time (independent dependency chains for the out-of-order core). y (this slice's)
// gets y_u, saOut (may be null) sa_u.
template <int NV, int RB>
PM_AVX2 void chunkRows(const SliceArgs& p, int64_t t0, int64_t len, const ChunkVecs& c, float* S, float* y,
                       float* saOut) {
    constexpr int64_t N = 8 * NV;
    for (int64_t i0 = 0; i0 < N; i0 += RB) {
        __m256 R[RB][NV];
        float sa[RB];
        _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r) {
            _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_loadu_ps(S + (i0 + r) * N + 8 * q);
            sa[r] = hsum1(dotRow<NV>(R[r], c.at));
        }
        const float* vp = c.vv + i0;
        float* yp = c.out0 + i0;
        float* sp = c.out1 + i0;
        for (int64_t u = 0; u < len; ++u) {
            const float* kt = c.kt + u * N;
            const float* bt = c.bt + u * N;
            _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r) {
                const __m256 vi = _mm256_broadcast_ss(vp + u * N + r);
                _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_fmadd_ps(vi, _mm256_loadu_ps(kt + 8 * q), R[r][q]);
                const __m128 d = hsum2(dotRow<NV>(R[r], c.rt + u * N), dotRow<NV>(R[r], c.at + (u + 1) * N));
                const float saU = sa[r];
                yp[u * N + r] = _mm_cvtss_f32(d) + saU * c.eta[u];
                sp[u * N + r] = saU;
                sa[r] = _mm_cvtss_f32(_mm_shuffle_ps(d, d, 1)) + saU * c.beta[u];
                const __m256 sv = _mm256_set1_ps(saU);
                _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_fmadd_ps(sv, _mm256_loadu_ps(bt + 8 * q), R[r][q]);
            }
        }
        _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r)
            _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q)
                _mm256_storeu_ps(S + (i0 + r) * N + 8 * q, _mm256_mul_ps(R[r][q], _mm256_loadu_ps(c.WL + 8 * q)));
    }
    for (int64_t u = 0; u < len; ++u) {
        std::memcpy(y + (t0 + u) * p.step, c.out0 + u * N, sizeof(float) * size_t(N));
        if (saOut) std::memcpy(saOut + (t0 + u) * p.step, c.out1 + u * N, sizeof(float) * size_t(N));
    }
}

// dst (key-major) = transpose of src (value-major) or the other way: the same operation.
PM_AVX2 void transpose8(int64_t N, const float* src, float* dst) {
    for (int64_t ib = 0; ib < N; ib += 8)
        for (int64_t jb = 0; jb < N; jb += 8) {
            __m256 r[8];
            _Pragma("GCC unroll 16") for (int q = 0; q < 8; ++q) r[q] = _mm256_loadu_ps(src + (ib + q) * N + jb);
            const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
            const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
            const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
            const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            const __m256 o[8] = {_mm256_permute2f128_ps(u0, u4, 0x20), _mm256_permute2f128_ps(u1, u5, 0x20),
                                 _mm256_permute2f128_ps(u2, u6, 0x20), _mm256_permute2f128_ps(u3, u7, 0x20),
                                 _mm256_permute2f128_ps(u0, u4, 0x31), _mm256_permute2f128_ps(u1, u5, 0x31),
                                 _mm256_permute2f128_ps(u2, u6, 0x31), _mm256_permute2f128_ps(u3, u7, 0x31)};
            _Pragma("GCC unroll 16") for (int q = 0; q < 8; ++q) _mm256_storeu_ps(dst + (jb + q) * N + ib, o[q]);
        }
}

// Carves scratch arrays so that consecutive ones start at different offsets modulo 4 KiB (192 bytes
// apart). The per-step rows of the chunk arrays are read together; arrays of 16·64 floats laid end to
// end put row u of each in the same L1 sets (and make stores alias later loads, "4K aliasing"), which
// cost 20-40 % when the caller's tensors were page-aligned too.
struct Carver {
    float* base;
    int64_t used = 0;
    int k = 0;
    float* take(int64_t n) {
        constexpr int64_t page = 1024;   // floats
        const int64_t want = (k++ * 48) % page;
        int64_t start = (used + page - 1) / page * page + want;
        if (start - page >= used) start -= page;
        used = start + n;
        return base + start;
    }
};

ChunkVecs chunkVecsIn(Carver& cv, int64_t N) {
    ChunkVecs c;
    c.at = cv.take((kChunk + 1) * N);
    c.kt = cv.take(kChunk * N);
    c.bt = cv.take(kChunk * N);
    c.rt = cv.take(kChunk * N);
    c.WL = cv.take(N);
    c.eta = cv.take(kChunk);
    c.beta = cv.take(kChunk);
    c.vv = cv.take(kChunk * N);
    c.out0 = cv.take(kChunk * N);
    c.out1 = cv.take(kChunk * N);
    return c;
}

template <int NV>
PM_AVX2 void forwardRows(const SliceArgs& p, float* scratch) {
    constexpr int64_t N = 8 * NV, nn = N * N;
    float* S = scratch;   // value-major
    Carver cv{S + nn};
    const ChunkVecs c = chunkVecsIn(cv, N);
    if (p.s0) std::memcpy(S, p.s0, sizeof(float) * size_t(nn));
    else std::fill(S, S + nn, 0.0f);
    for (int64_t t0 = 0; t0 < p.T; t0 += kChunk) {
        const int64_t len = std::min(kChunk, p.T - t0);
        if (p.ckpt) transpose8(N, S, p.ckpt + (t0 / kChunk) * nn);
        chunkVectors(p, t0, len, c, t0 + kChunk);
        chunkRows<NV, kForwardRows>(p, t0, len, c, S, p.y, p.saOut);
    }
    if (p.sT) std::memcpy(p.sT, S, sizeof(float) * size_t(nn));
}

// Backward in the same organisation. Within a chunk (E = W_{len-1}, the chunk's whole decay),
// G_u = ∂L/∂S_u is kept as Ĝ_u diag(E/W_u), which turns G ← G diag(w) + dsa aᵀ + dy rᵀ into
//     Ĝ_{u-1} = Ĝ_u + dsa_u (a_u W_{u-1}/E)ᵀ + dy_{u-1} (r_{u-1} W_{u-1}/E)ᵀ      (2 FMAs),
// and rows of G are as independent as rows of S. Per chunk:
//  1. recompute the chunk's states R_{-1} … R_{len-1} from the checkpoint, RB rows at a time in
//     registers (as the forward), into hist [len + 1][N][N] (272 KiB at N = 64: L2) and sa [len][N];
//  2. walk u = len-1 … 0 over all rows in lockstep: row dots dv_u[i] = Ĝ[i]·(E k̃_u),
//     dsa_u[i] = Ĝ[i]·(E b̃_u); then per 16 keys, the column sums over the rows in registers
//         dk_u = E/W_u ⊙ Σ Ĝ v_i,  db_u = E/W_u ⊙ Σ Ĝ sa_i,  w_u dw_u = E ⊙ Σ Ĝ ⊙ R_{u-1},
//         dr_u = W_u ⊙ Σ R_u dy_i,  da_u = W_{u-1} ⊙ Σ R_{u-1} dsa_i,
//     fused with Ĝ's update (Ĝ stays in L1, 16 KiB). No accumulator goes through memory.
template <int NV, int RB>
PM_AVX2 void backwardRows(const SliceArgs& p, float* scratch) {
    constexpr int64_t N = 8 * NV, nn = N * N, L = kChunk;
    float* G = scratch;            // value-major ∂L/∂S at the current chunk's end
    float* S0 = G + nn;            // value-major chunk-start state
    // Ĝ and the states are offset from each other by 128 and 64 bytes modulo 4 KiB: with N = 64 rows
    // 256 bytes apart, same-offset buffers made loads of R alias earlier stores of Ĝ (4K aliasing).
    constexpr int64_t hs = nn + 16;   // stride of hist
    float* Gh = S0 + nn + 32;      // value-major Ĝ_u
    float* hist = Gh + nn + 32;    // [L + 1][N][N] (stride hs): R_{u-1} at index u
    Carver cv{hist + (L + 1) * hs};
    ChunkVecs c = chunkVecsIn(cv, N);
    c.dyv = cv.take(L * N);
    c.W = cv.take((L + 1) * N);    // [L + 1][N]
    c.invW = cv.take(L * N);
    c.dzf = cv.take(L * N);
    float* kh = cv.take(L * N);    // [L][N] each
    float* bh = cv.take(L * N);
    float* ah = cv.take(L * N);
    float* rh = cv.take(L * N);
    float* saH = cv.take(L * N);
    float* dsaV = cv.take(N);
    float* colAcc = cv.take(5 * N);   // [5][N]
    constexpr int64_t kRowBlock = kColumnRowBlock;
    if (p.dsT) std::memcpy(G, p.dsT, sizeof(float) * size_t(nn));
    else std::fill(G, G + nn, 0.0f);
    const int64_t nC = (p.T + L - 1) / L;
    for (int64_t ci = nC - 1; ci >= 0; --ci) {
        const int64_t t0 = ci * L, len = std::min(L, p.T - t0);
        transpose8(N, p.savedCkpt + ci * nn, S0);
        chunkVectors(p, t0, len, c, t0 - L, ci > 0 ? p.savedCkpt + (ci - 1) * nn : nullptr, ci > 0 ? nn : 0);
        for (int64_t j = 0; j < N; j += 8) {
            const __m256 E = _mm256_loadu_ps(c.WL + j), invE = rcp8(E);
            for (int64_t u = 0; u < len; ++u) {
                _mm256_storeu_ps(kh + u * N + j, _mm256_mul_ps(E, _mm256_loadu_ps(c.kt + u * N + j)));
                _mm256_storeu_ps(bh + u * N + j, _mm256_mul_ps(E, _mm256_loadu_ps(c.bt + u * N + j)));
                _mm256_storeu_ps(ah + u * N + j, _mm256_mul_ps(invE, _mm256_loadu_ps(c.at + u * N + j)));
                _mm256_storeu_ps(rh + u * N + j, _mm256_mul_ps(invE, _mm256_loadu_ps(c.rt + u * N + j)));
            }
        }
        // 1. Recompute the chunk's states, RB rows at a time: with the forward's sa, two FMAs per
        //    element and no dot; without it, as the forward computes sa.
        if (p.saSaved) {
            for (int64_t u = 0; u < len; ++u)
                std::memcpy(saH + u * N, p.saSaved + (t0 + u) * p.step, sizeof(float) * size_t(N));
            for (int64_t i0 = 0; i0 < N; i0 += RB) {
                const float* vp = c.vv + i0;
                __m256 R[RB][NV];
                _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r)
                    _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_loadu_ps(S0 + (i0 + r) * N + 8 * q);
                for (int64_t u = 0; u < len; ++u) {
                    const float* kt = c.kt + u * N;
                    const float* bt = c.bt + u * N;
                    _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r) {
                        float* h = hist + u * hs + (i0 + r) * N;
                        const __m256 vi = _mm256_broadcast_ss(vp + u * N + r);
                        const __m256 sv = _mm256_broadcast_ss(saH + u * N + i0 + r);
                        _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) {
                            _mm256_storeu_ps(h + 8 * q, R[r][q]);
                            R[r][q] = _mm256_fmadd_ps(sv, _mm256_loadu_ps(bt + 8 * q),
                                                      _mm256_fmadd_ps(vi, _mm256_loadu_ps(kt + 8 * q), R[r][q]));
                        }
                    }
                }
                _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r)
                    _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q)
                        _mm256_storeu_ps(hist + len * hs + (i0 + r) * N + 8 * q, R[r][q]);
            }
        } else
        for (int64_t i0 = 0; i0 < N; i0 += RB) {
            const float* vp = c.vv + i0;
            __m256 R[RB][NV];
            float sa[RB];
            _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r) {
                _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_loadu_ps(S0 + (i0 + r) * N + 8 * q);
                sa[r] = hsum1(dotRow<NV>(R[r], c.at));
            }
            for (int64_t u = 0; u < len; ++u) {
                const float* kt = c.kt + u * N;
                const float* bt = c.bt + u * N;
                _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r) {
                    float* h = hist + u * hs + (i0 + r) * N;
                    _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) _mm256_storeu_ps(h + 8 * q, R[r][q]);
                    const __m256 vi = _mm256_broadcast_ss(vp + u * N + r);
                    _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_fmadd_ps(vi, _mm256_loadu_ps(kt + 8 * q), R[r][q]);
                    const float d = hsum1(dotRow<NV>(R[r], c.at + (u + 1) * N));
                    const float saU = sa[r];
                    saH[u * N + i0 + r] = saU;
                    sa[r] = d + saU * c.beta[u];
                    const __m256 sv = _mm256_set1_ps(saU);
                    _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) R[r][q] = _mm256_fmadd_ps(sv, _mm256_loadu_ps(bt + 8 * q), R[r][q]);
                }
            }
            _Pragma("GCC unroll 16") for (int r = 0; r < RB; ++r)
                _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q)
                    _mm256_storeu_ps(hist + len * hs + (i0 + r) * N + 8 * q, R[r][q]);
        }
        // 2. Walk back over all rows in lockstep. Ĝ_{len-1} = G + dy_{len-1} r_{len-1}ᵀ (E/W_{len-1} = 1).
        {
            const float* dyl = c.dyv + (len - 1) * N;
            for (int64_t i = 0; i < N; ++i) {
                const __m256 d = _mm256_broadcast_ss(dyl + i);
                _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q)
                    _mm256_storeu_ps(Gh + i * N + 8 * q, _mm256_fmadd_ps(d, _mm256_loadu_ps(rh + (len - 1) * N + 8 * q),
                                                                       _mm256_loadu_ps(G + i * N + 8 * q)));
            }
        }
        for (int64_t u = len - 1; u >= 0; --u) {
            const int64_t o = (t0 + u) * p.step;
            // Ĝ_u = Ĝ_{u+1} + dsa_{u+1} ah_{u+1} + dy_u rh_u (rows just read), then the row dots dv_u, dsa_u,
            // two rows at a time.
            {
                const float* khu = kh + u * N;
                const float* bhu = bh + u * N;
                const bool update = u < len - 1;
                const float* ahn = ah + (u + 1) * N;   // ah has len + 1 rows
                const float* rhu = rh + u * N;
                const float* dyU = c.dyv + u * N;
                for (int64_t i = 0; i < N; i += 2) {
                    __m256 ak[2], ab[2], ds[2], dyv[2];
                    _Pragma("GCC unroll 2") for (int r = 0; r < 2; ++r) {
                        ak[r] = ab[r] = _mm256_setzero_ps();
                        ds[r] = _mm256_broadcast_ss(dsaV + i + r);
                        dyv[r] = _mm256_broadcast_ss(dyU + i + r);
                    }
                    _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q) {
                        const __m256 kq = _mm256_loadu_ps(khu + 8 * q), bq = _mm256_loadu_ps(bhu + 8 * q);
                        _Pragma("GCC unroll 2") for (int r = 0; r < 2; ++r) {
                            float* gp = Gh + (i + r) * N + 8 * q;
                            __m256 g = _mm256_loadu_ps(gp);
                            if (update) {
                                g = _mm256_fmadd_ps(dyv[r], _mm256_loadu_ps(rhu + 8 * q),
                                                    _mm256_fmadd_ps(ds[r], _mm256_loadu_ps(ahn + 8 * q), g));
                                _mm256_storeu_ps(gp, g);
                            }
                            ak[r] = _mm256_fmadd_ps(g, kq, ak[r]);
                            ab[r] = _mm256_fmadd_ps(g, bq, ab[r]);
                        }
                    }
                    alignas(16) float sm[4];
                    _mm_store_ps(sm, hsum4(ak[0], ab[0], ak[1], ab[1]));
                    c.out0[u * N + i] = sm[0];
                    dsaV[i] = sm[1];
                    c.out0[u * N + i + 1] = sm[2];
                    dsaV[i + 1] = sm[3];
                }
            }
            // Column sums over the rows, 16 keys at a time (Ĝ only read here).
            const float* vU = c.vv + u * N;
            const float* dyU = c.dyv + u * N;
            const float* saU = saH + u * N;
            const float* Rp = hist + u * hs;         // R_{u-1}
            // Rows in blocks of 16 (Ĝ and R_{u-1} of a block: 8 KiB, stays in L1 across the key blocks);
            // the block's sums are added into colAcc [5][N].
            for (int64_t i0 = 0; i0 < N; i0 += kRowBlock) {
                const int64_t iEnd = std::min(N, i0 + kRowBlock);
                for (int64_t j = 0; j < N; j += 16) {
                    __m256 aK0 = _mm256_setzero_ps(), aK1 = aK0, aB0 = aK0, aB1 = aK0, aW0 = aK0, aW1 = aK0, aR0 = aK0,
                           aR1 = aK0, aA0 = aK0, aA1 = aK0;
                    for (int64_t i = i0; i < iEnd; ++i) {
                        const float* g = Gh + i * N + j;
                        const __m256 g0 = _mm256_loadu_ps(g), g1 = _mm256_loadu_ps(g + 8);
                        const __m256 p0 = _mm256_loadu_ps(Rp + i * N + j), p1 = _mm256_loadu_ps(Rp + i * N + j + 8);
                        const __m256 vi = _mm256_broadcast_ss(vU + i), si = _mm256_broadcast_ss(saU + i);
                        const __m256 di = _mm256_broadcast_ss(dyU + i), dsi = _mm256_broadcast_ss(dsaV + i);
                        aK0 = _mm256_fmadd_ps(g0, vi, aK0);
                        aK1 = _mm256_fmadd_ps(g1, vi, aK1);
                        aB0 = _mm256_fmadd_ps(g0, si, aB0);
                        aB1 = _mm256_fmadd_ps(g1, si, aB1);
                        aW0 = _mm256_fmadd_ps(g0, p0, aW0);
                        aW1 = _mm256_fmadd_ps(g1, p1, aW1);
                        aR0 = _mm256_fmadd_ps(p0, di, aR0);   // Σ R_{u-1} dy; R_u's extra terms are added below
                        aR1 = _mm256_fmadd_ps(p1, di, aR1);
                        aA0 = _mm256_fmadd_ps(p0, dsi, aA0);
                        aA1 = _mm256_fmadd_ps(p1, dsi, aA1);
                    }
                    const __m256 sums[5][2] = {{aK0, aK1}, {aB0, aB1}, {aW0, aW1}, {aR0, aR1}, {aA0, aA1}};
                    for (int k = 0; k < 5; ++k)
                        for (int h = 0; h < 2; ++h) {
                            float* dst = colAcc + k * N + j + 8 * h;
                            _mm256_storeu_ps(dst, i0 == 0 ? sums[k][h] : _mm256_add_ps(_mm256_loadu_ps(dst), sums[k][h]));
                        }
                }
            }
            // Gradients of step u (per-key scales; dz from w·dw). Σ_i R_u[i] dy_i = Σ_i R_{u-1}[i] dy_i
            // + k̃_u (v·dy) + b̃_u (sa·dy), since R_u = R_{u-1} + v k̃_uᵀ + sa b̃_uᵀ.
            float vdy = 0.0f, sdy = 0.0f;
            {
                __m256 e = _mm256_setzero_ps(), f = _mm256_setzero_ps();
                for (int64_t i = 0; i < N; i += 8) {
                    const __m256 d = _mm256_loadu_ps(dyU + i);
                    e = _mm256_fmadd_ps(d, _mm256_loadu_ps(vU + i), e);
                    f = _mm256_fmadd_ps(d, _mm256_loadu_ps(saU + i), f);
                }
                alignas(16) float sm[4];
                _mm_store_ps(sm, hsum2(e, f));
                vdy = sm[0];
                sdy = sm[1];
            }
            const __m256 vdyB = _mm256_set1_ps(vdy), sdyB = _mm256_set1_ps(sdy);
            for (int64_t j = 0; j < N; j += 8) {
                const __m256 E = _mm256_loadu_ps(c.WL + j);
                const __m256 EoW = _mm256_mul_ps(E, _mm256_loadu_ps(c.invW + u * N + j));
                _mm256_storeu_ps(p.dk + o + j, _mm256_mul_ps(EoW, _mm256_loadu_ps(colAcc + j)));
                _mm256_storeu_ps(p.db + o + j, _mm256_mul_ps(EoW, _mm256_loadu_ps(colAcc + N + j)));
                _mm256_storeu_ps(p.dz + o + j, _mm256_mul_ps(_mm256_mul_ps(E, _mm256_loadu_ps(colAcc + 2 * N + j)),
                                                             _mm256_loadu_ps(c.dzf + u * N + j)));
                const __m256 rdy = _mm256_fmadd_ps(sdyB, _mm256_loadu_ps(c.bt + u * N + j),
                                                   _mm256_fmadd_ps(vdyB, _mm256_loadu_ps(c.kt + u * N + j),
                                                                   _mm256_loadu_ps(colAcc + 3 * N + j)));
                _mm256_storeu_ps(p.dr + o + j, _mm256_mul_ps(_mm256_loadu_ps(c.W + (u + 1) * N + j), rdy));
                _mm256_storeu_ps(p.da + o + j, _mm256_mul_ps(_mm256_loadu_ps(c.W + u * N + j), _mm256_loadu_ps(colAcc + 4 * N + j)));
            }
        }
        for (int64_t u = 0; u < len; ++u)
            std::memcpy(p.dv + (t0 + u) * p.step, c.out0 + u * N, sizeof(float) * size_t(N));
        // G_{-1} = (Ĝ_0 + dsa_0 ah_0ᵀ) diag(E): the gradient w.r.t. this chunk's start state.
        for (int64_t i = 0; i < N; ++i) {
            const __m256 d = _mm256_broadcast_ss(dsaV + i);
            _Pragma("GCC unroll 16") for (int q = 0; q < NV; ++q)
                _mm256_storeu_ps(G + i * N + 8 * q,
                                 _mm256_mul_ps(_mm256_fmadd_ps(d, _mm256_loadu_ps(ah + 8 * q), _mm256_loadu_ps(Gh + i * N + 8 * q)),
                                               _mm256_loadu_ps(c.WL + 8 * q)));
        }
    }
    if (p.ds0) std::memcpy(p.ds0, G, sizeof(float) * size_t(nn));
}

}  // namespace

PM_AVX2 void forwardSliceAvx2(const SliceArgs& p, float* scratch) {
    switch (p.N) {
        case 16: return forwardRows<2>(p, scratch);
        case 32: return forwardRows<4>(p, scratch);
        case 64: return forwardRows<8>(p, scratch);
        default: break;
    }
    const int64_t N = p.N, nn = N * N;
    float* ST = scratch;       // key-major state
    float* w = ST + nn;
    float* sa = w + N;
    if (p.s0) transposeInto(N, p.s0, ST);
    else std::fill(ST, ST + nn, 0.0f);
    for (int64_t t = 0; t < p.T; ++t) {
        if (p.ckpt && t % kWkv7CheckpointEvery == 0)
            std::memcpy(p.ckpt + (t / kWkv7CheckpointEvery) * nn, ST, sizeof(float) * size_t(nn));
        const int64_t o = t * p.step;
        decayRow(N, p.z + o, w);
        stateTimesA(N, ST, p.a + o, sa);
        if (p.saOut) std::memcpy(p.saOut + o, sa, sizeof(float) * size_t(N));
        updateState(N, ST, w, sa, p.b + o, p.k + o, p.v + o, p.r + o, p.y + o);
    }
    if (p.sT) transposeInto(N, ST, p.sT);   // key-major → value-major is the same transpose
}

PM_AVX2 void backwardSliceAvx2(const SliceArgs& p, float* scratch) {
    switch (p.N) {
        case 16: return backwardRows<2, kRecomputeRows>(p, scratch);
        case 32: return backwardRows<4, kRecomputeRows>(p, scratch);
        case 64: return backwardRows<8, kRecomputeRows>(p, scratch);
        default: break;
    }
    const int64_t N = p.N, nn = N * N, L = kWkv7CheckpointEvery;
    float* GT = scratch;                 // key-major ∂L/∂S
    float* dvAcc = GT + nn;
    float* dsa = dvAcc + N;
    float* wBuf = dsa + N;               // [L][N]
    float* saBuf = wBuf + L * N;         // [L][N]
    float* states = saBuf + L * N;       // [L + 1][N][N] key-major
    if (p.dsT) transposeInto(N, p.dsT, GT);
    else std::fill(GT, GT + nn, 0.0f);
    const int64_t nCkpt = (p.T + L - 1) / L;
    const __m256 negC = _mm256_set1_ps(-kC), one = _mm256_set1_ps(1.0f);
    for (int64_t c = nCkpt - 1; c >= 0; --c) {
        const int64_t t0 = c * L, len = std::min(L, p.T - t0);
        std::memcpy(states, p.savedCkpt + c * nn, sizeof(float) * size_t(nn));
        for (int64_t u = 0; u < len; ++u) {   // recompute the chunk's states exactly as the forward did
            const int64_t o = (t0 + u) * p.step;
            float* next = states + (u + 1) * nn;
            std::memcpy(next, states + u * nn, sizeof(float) * size_t(nn));
            decayRow(N, p.z + o, wBuf + u * N);
            stateTimesA(N, next, p.a + o, saBuf + u * N);
            updateState(N, next, wBuf + u * N, saBuf + u * N, p.b + o, p.k + o, p.v + o, nullptr, nullptr);
        }
        for (int64_t u = len - 1; u >= 0; --u) {
            const int64_t o = (t0 + u) * p.step;
            const float *St = states + (u + 1) * nn, *Sp = states + u * nn, *sa = saBuf + u * N, *w = wBuf + u * N;
            const float *r = p.r + o, *k = p.k + o, *v = p.v + o, *a = p.a + o, *b = p.b + o, *dy = p.dy + o;
            std::fill(dvAcc, dvAcc + N, 0.0f);
            std::fill(dsa, dsa + N, 0.0f);
            float dwRow[1024];   // N ≤ 1024 is checked by the caller
            // Pass 1, row j of Gᵀ: G += dy rᵀ; dr_j, dw_j, dk_j, db_j as dots along i;
            // dv += k_j G[:, j], dsa += b_j G[:, j] as vectors along i.
            // Two rows per iteration so the dv / dsa accumulators are loaded and stored once per pair.
            for (int64_t j = 0; j < N; j += 2) {
                float* g0 = GT + j * N;
                float* g1 = g0 + N;
                const float *st0 = St + j * N, *st1 = st0 + N, *sp0 = Sp + j * N, *sp1 = sp0 + N;
                const __m256 r0 = _mm256_set1_ps(r[j]), r1 = _mm256_set1_ps(r[j + 1]);
                const __m256 k0 = _mm256_set1_ps(k[j]), k1 = _mm256_set1_ps(k[j + 1]);
                const __m256 b0 = _mm256_set1_ps(b[j]), b1 = _mm256_set1_ps(b[j + 1]);
                __m256 dr0 = _mm256_setzero_ps(), dw0 = _mm256_setzero_ps(), dk0 = _mm256_setzero_ps(),
                       db0 = _mm256_setzero_ps(), dr1 = _mm256_setzero_ps(), dw1 = _mm256_setzero_ps(),
                       dk1 = _mm256_setzero_ps(), db1 = _mm256_setzero_ps();
                for (int64_t i = 0; i < N; i += 8) {
                    const __m256 dyi = _mm256_loadu_ps(dy + i), vi = _mm256_loadu_ps(v + i), sai = _mm256_loadu_ps(sa + i);
                    const __m256 ga = _mm256_fmadd_ps(dyi, r0, _mm256_loadu_ps(g0 + i));
                    const __m256 gb = _mm256_fmadd_ps(dyi, r1, _mm256_loadu_ps(g1 + i));
                    _mm256_storeu_ps(g0 + i, ga);
                    _mm256_storeu_ps(g1 + i, gb);
                    dr0 = _mm256_fmadd_ps(_mm256_loadu_ps(st0 + i), dyi, dr0);
                    dr1 = _mm256_fmadd_ps(_mm256_loadu_ps(st1 + i), dyi, dr1);
                    dw0 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(sp0 + i), dw0);
                    dw1 = _mm256_fmadd_ps(gb, _mm256_loadu_ps(sp1 + i), dw1);
                    dk0 = _mm256_fmadd_ps(ga, vi, dk0);
                    dk1 = _mm256_fmadd_ps(gb, vi, dk1);
                    db0 = _mm256_fmadd_ps(ga, sai, db0);
                    db1 = _mm256_fmadd_ps(gb, sai, db1);
                    _mm256_storeu_ps(dvAcc + i,
                                     _mm256_fmadd_ps(k1, gb, _mm256_fmadd_ps(k0, ga, _mm256_loadu_ps(dvAcc + i))));
                    _mm256_storeu_ps(dsa + i, _mm256_fmadd_ps(b1, gb, _mm256_fmadd_ps(b0, ga, _mm256_loadu_ps(dsa + i))));
                }
                alignas(16) float s0[4], s1[4];
                _mm_store_ps(s0, hsum4(dr0, dw0, dk0, db0));
                _mm_store_ps(s1, hsum4(dr1, dw1, dk1, db1));
                p.dr[o + j] = s0[0];
                p.dr[o + j + 1] = s1[0];
                dwRow[j] = s0[1];
                dwRow[j + 1] = s1[1];
                p.dk[o + j] = s0[2];
                p.dk[o + j + 1] = s1[2];
                p.db[o + j] = s0[3];
                p.db[o + j + 1] = s1[3];
            }
            // Pass 2, row j: da_j = Σ_i S_{t-1}[i, j] dsa_i; Gᵀ[j] ← Gᵀ[j] w_j + a_j dsa.
            for (int64_t j = 0; j < N; ++j) {
                float* g = GT + j * N;
                const float* spj = Sp + j * N;
                const __m256 wj = _mm256_set1_ps(w[j]), aj = _mm256_set1_ps(a[j]);
                __m256 pda = _mm256_setzero_ps();
                for (int64_t i = 0; i < N; i += 8) {
                    const __m256 d = _mm256_loadu_ps(dsa + i);
                    pda = _mm256_fmadd_ps(_mm256_loadu_ps(spj + i), d, pda);
                    _mm256_storeu_ps(g + i, _mm256_fmadd_ps(aj, d, _mm256_mul_ps(_mm256_loadu_ps(g + i), wj)));
                }
                p.da[o + j] = hsum1(pda);
            }
            // dz = dw · w · (-e^{-1/2}) · σ(z)(1 - σ(z)); dv from the accumulator.
            for (int64_t j = 0; j < N; j += 8) {
                const __m256 sig = sigmoid8(_mm256_loadu_ps(p.z + o + j));
                const __m256 chain = _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(w + j), negC),
                                                   _mm256_mul_ps(sig, _mm256_sub_ps(one, sig)));
                _mm256_storeu_ps(p.dz + o + j, _mm256_mul_ps(_mm256_loadu_ps(dwRow + j), chain));
                _mm256_storeu_ps(p.dv + o + j, _mm256_loadu_ps(dvAcc + j));
            }
        }
    }
    if (p.ds0) transposeInto(N, GT, p.ds0);
}

#else

bool avx2Usable(int64_t) { return false; }
void forwardSliceAvx2(const SliceArgs&, float*) {}
void backwardSliceAvx2(const SliceArgs&, float*) {}

#endif

}  // namespace detail
}  // namespace pm::kernels
