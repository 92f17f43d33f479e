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
    return N * N + 2 * N + 2 * kWkv7CheckpointEvery * N + (kWkv7CheckpointEvery + 1) * N * N + 64;
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

}  // namespace

PM_AVX2 void forwardSliceAvx2(const SliceArgs& p, float* scratch) {
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
        updateState(N, ST, w, sa, p.b + o, p.k + o, p.v + o, p.r + o, p.y + o);
    }
    if (p.sT) transposeInto(N, ST, p.sT);   // key-major → value-major is the same transpose
}

PM_AVX2 void backwardSliceAvx2(const SliceArgs& p, float* scratch) {
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
