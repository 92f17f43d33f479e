// The few primitives the fused RWKV-7 step (rwkv7_step_cpu.cpp) spends its time in, as a table
// of function pointers: one plain table (portable loops, the oracle) and one AVX2+FMA table chosen
// at run time. Everything else in the step is O(C) glue that the compiler handles well.
#pragma once

#include <cstdint>
#include <cstring>

namespace pm::kernels::step {

struct Ops {
    // y[r] = Σ_c W[r·cols + c] · x[c] for r < rows (W row-major [rows][cols]).
    void (*matvec)(int64_t rows, int64_t cols, const float* W, const float* x, float* y);
    // y[c] = Σ_{f ∈ idx} h[f] · WT[f·stride + c] for c < cols (y is overwritten): a matrix-vector
    // product that only touches the rows of WT whose input is non-zero. stride ≥ cols lets a
    // caller hand out column blocks of one matrix (WT then points at the block's first column).
    void (*sparseRowsSum)(const int32_t* idx, int64_t count, int64_t cols, int64_t stride, const float* WT,
                          const float* h, float* y);
    // The same two products over bf16 bit patterns (widened exactly to fp32 on load).
    void (*matvecBf16)(int64_t rows, int64_t cols, const uint16_t* W, const float* x, float* y);
    void (*sparseRowsSumBf16)(const int32_t* idx, int64_t count, int64_t cols, int64_t stride, const uint16_t* WT,
                              const float* h, float* y);
    // int8 codes: y[r] = scale[r] · Σ_c float(W[r·cols + c]) · x[c] (the sum in fp32, then one
    // multiply by the row's scale).
    void (*matvecI8)(int64_t rows, int64_t cols, const int8_t* W, const float* scale, const float* x, float* y);
    // y[c] = Σ_{f ∈ idx} h[f] · float(WT[f·stride + c]): the caller folds the row scales into h.
    void (*sparseRowsSumI8)(const int32_t* idx, int64_t count, int64_t cols, int64_t stride, const int8_t* WT,
                            const float* h, float* y);
    // One WKV7 step of one head: sa = S a; S = S diag(w) + sa bᵀ + v kᵀ; y = S r (S value-major N×N).
    void (*wkvHead)(int64_t N, float* S, const float* w, const float* r, const float* k, const float* v,
                    const float* a, const float* b, float* y);
    // Element-wise, in place allowed (out == in).
    void (*sigmoid)(int64_t n, const float* in, float* out);
    void (*tanh)(int64_t n, const float* in, float* out);
    void (*decay)(int64_t n, const float* z, float* out);   // exp(-e^{-1/2} · σ(z))
};

const Ops& plainOps();
// The AVX2+FMA table, or nullptr when this build or this CPU has no AVX2+FMA.
const Ops* avx2Ops();

// bf16 bit pattern → fp32 (exact: bf16 is the upper half of an fp32).
inline float bf16ToFloat(uint16_t b) {
    const uint32_t u = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

// e^{-1/2}, as the WKV7 kernels use it.
constexpr float kExpMinusHalf = 0.6065306597126334f;

}  // namespace pm::kernels::step
