// Plain loops for the fused step's primitives: the reference the AVX2 table is tested against,
// and the path on CPUs without AVX2. `omp simd` (built with -fopenmp-simd, no runtime) lets the
// reductions vectorise with SSE2 without changing their meaning.
#include "rwkv7_step_ops.h"

#include <cmath>

#if defined(_OPENMP) || defined(PM_HAVE_OPENMP_SIMD)
#define PM_STEP_SIMD_SUM _Pragma("omp simd reduction(+:acc)")
#define PM_STEP_SIMD _Pragma("omp simd")
#else
#define PM_STEP_SIMD_SUM
#define PM_STEP_SIMD
#endif

namespace pm::kernels::step {

namespace {

inline float widen(float w) { return w; }
inline float widen(uint16_t w) { return bf16ToFloat(w); }
inline float widen(int8_t w) { return float(w); }

template <typename W>
void matvecT(int64_t rows, int64_t cols, const W* M, const float* x, float* y) {
    for (int64_t r = 0; r < rows; ++r) {
        const W* row = M + r * cols;
        float acc = 0;
        PM_STEP_SIMD_SUM
        for (int64_t c = 0; c < cols; ++c) acc += widen(row[c]) * x[c];
        y[r] = acc;
    }
}

void matvecI8(int64_t rows, int64_t cols, const int8_t* M, const float* scale, const float* x, float* y) {
    matvecT<int8_t>(rows, cols, M, x, y);
    for (int64_t r = 0; r < rows; ++r) y[r] *= scale[r];
}

template <typename W>
void sparseRowsSumT(const int32_t* idx, int64_t count, int64_t cols, int64_t stride, const W* WT, const float* h,
                    float* y) {
    for (int64_t c = 0; c < cols; ++c) y[c] = 0;
    for (int64_t i = 0; i < count; ++i) {
        const float hf = h[idx[i]];
        const W* row = WT + int64_t(idx[i]) * stride;
        PM_STEP_SIMD
        for (int64_t c = 0; c < cols; ++c) y[c] += hf * widen(row[c]);
    }
}

void wkvHead(int64_t N, float* S, const float* w, const float* r, const float* k, const float* v, const float* a,
             const float* b, float* y) {
    for (int64_t i = 0; i < N; ++i) {
        float* row = S + i * N;
        float acc = 0;
        PM_STEP_SIMD_SUM
        for (int64_t j = 0; j < N; ++j) acc += row[j] * a[j];
        const float sa = acc, vi = v[i];
        acc = 0;
        PM_STEP_SIMD_SUM
        for (int64_t j = 0; j < N; ++j) {
            row[j] = row[j] * w[j] + sa * b[j] + vi * k[j];
            acc += row[j] * r[j];
        }
        y[i] = acc;
    }
}

void sigmoid(int64_t n, const float* in, float* out) {
    for (int64_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + std::exp(-in[i]));
}

void tanhv(int64_t n, const float* in, float* out) {
    for (int64_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
}

void decay(int64_t n, const float* z, float* out) {
    for (int64_t i = 0; i < n; ++i) out[i] = std::exp(-kExpMinusHalf / (1.0f + std::exp(-z[i])));
}

}  // namespace

const Ops& plainOps() {
    static const Ops ops{matvecT<float>, sparseRowsSumT<float>, matvecT<uint16_t>, sparseRowsSumT<uint16_t>,
                         matvecI8,        sparseRowsSumT<int8_t>, wkvHead,          sigmoid,
                         tanhv,           decay};
    return ops;
}

}  // namespace pm::kernels::step
