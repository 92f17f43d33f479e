// WKV7: the RWKV-7 state recurrence, behind a plain interface (pointers, shapes).
//
// Per batch b and head h the state S is N×N, value-major (S[i][j], i = value, j = key):
//     w_t  = exp(-e^{-0.5} · sigmoid(z_t))              decay from its logit z (computed here, so
//                                                        low-precision callers never round w≈1)
//     sa   = S a_t                                       sa_i = Σ_j S[i][j] a_j
//     S    = S diag(w_t) + sa b_tᵀ + v_t k_tᵀ            S[i][j] = S[i][j] w_j + sa_i b_j + v_i k_j
//     y_t  = S r_t                                       y_i = Σ_j S[i][j] r_j
// Layout of r, z, k, v, a, b, y and their gradients: [B, T, H, N] contiguous;
// states s0, sT, ds0, dsT: [B, H, N, N] contiguous. See ../shared/spec/rwkv7.md §2.
//
// Threading: these CPU twins are single-threaded and work on a range of (b, h) "slices"
// (slice = b·H + h); every slice is independent, so a caller parallelises by handing disjoint
// ranges to its threads (the engine binding does that with at::parallel_for). Keeping threads
// out of here keeps kernels/ free of torch and OpenMP runtimes.
//
// Training: the forward can save the state at the start of every kCheckpointEvery-step chunk;
// the backward reloads those, recomputes the chunk's states forward (exactly the forward's
// values, so no "backstepping" division by w and no error growth) and walks it in reverse
// (spec §2.3), including the gradient w.r.t. the initial state (state tuning).
#pragma once

#include <cstdint>

namespace pm::kernels {

struct Wkv7Shape {
    int64_t B = 0, T = 0, H = 0, N = 0;
};

// A range [begin, end) of (b, h) slices; end < 0 means "to B·H".
struct Wkv7Slices {
    int64_t begin = 0, end = -1;
};

// Steps between saved states. 16 matches the RWKV-LM kernels' memory (16·B·T·C bytes in fp32).
constexpr int64_t kWkv7CheckpointEvery = 16;

// Number of saved states per slice: ceil(T / kWkv7CheckpointEvery).
// The checkpoint buffer is [B, H, wkv7CheckpointCount, N, N]; entry c holds S_{16c} (S_0 = s0),
// stored transposed (key-major, element [j][i] = S[i][j]) like the RWKV-LM kernel's: it is private
// to forward and backward, whose fast loops run along the value index.
int64_t wkv7CheckpointCount(const Wkv7Shape& shape);

// Forward. s0 may be null (zero initial state); sT and checkpoints may be null (not wanted).
// sa (optional, [B, T, H, N]) receives sa_t = S_{t-1} a_t; handing it to the backward spares the
// backward that matrix-vector product when it recomputes a chunk's states (training saves it).
// Float is the production path; double exists so whole-model gradient checks in float64 run
// through this same code.
void wkv7ForwardCpu(const Wkv7Shape& shape, const float* r, const float* z, const float* k,
                    const float* v, const float* a, const float* b, const float* s0, float* y,
                    float* sT, float* checkpoints = nullptr, Wkv7Slices slices = {}, float* sa = nullptr);
void wkv7ForwardCpu(const Wkv7Shape& shape, const double* r, const double* z, const double* k,
                    const double* v, const double* a, const double* b, const double* s0, double* y,
                    double* sT, double* checkpoints = nullptr, Wkv7Slices slices = {}, double* sa = nullptr);

// Gradients of everything the forward read.
template <typename T>
struct Wkv7Grads {
    T* dr = nullptr;   // [B, T, H, N]
    T* dz = nullptr;   // [B, T, H, N], w.r.t. the decay logit z
    T* dk = nullptr;
    T* dv = nullptr;
    T* da = nullptr;
    T* db = nullptr;
    T* ds0 = nullptr;  // [B, H, N, N]; may be null when the initial state needs no gradient
};

// Backward. checkpoints (and sa, when not null) come from the forward with the same inputs; dy is
// required, dsT (gradient w.r.t. the final state) may be null.
void wkv7BackwardCpu(const Wkv7Shape& shape, const float* r, const float* z, const float* k,
                     const float* v, const float* a, const float* b, const float* checkpoints,
                     const float* dy, const float* dsT, const Wkv7Grads<float>& grads,
                     Wkv7Slices slices = {}, const float* sa = nullptr);
void wkv7BackwardCpu(const Wkv7Shape& shape, const double* r, const double* z, const double* k,
                     const double* v, const double* a, const double* b, const double* checkpoints,
                     const double* dy, const double* dsT, const Wkv7Grads<double>& grads,
                     Wkv7Slices slices = {}, const double* sa = nullptr);

// Float inputs with N a multiple of 16 run AVX2+FMA loops when the CPU has them (decided at run
// time; the build stays x86-64 baseline); N = 16/32/64 keep state rows in registers through each
// 16-step chunk (docs/kernels.md, "WKV7 on the CPU"). Their exp is a ~2-ulp polynomial and they
// rescale the state within a chunk, so results differ from the plain loops in the last bits. Tests
// and benchmarks switch them off to exercise the plain path.
void wkv7SetSimdEnabled(bool enabled);
bool wkv7SimdEnabled();

// The decay factor for a logit, exactly as every WKV7 implementation here computes it.
float wkv7Decay(float z);
double wkv7Decay(double z);

// Floating-point operations per (b, t, h) step, the convention the benchmark reports GFLOP/s
// with: forward 9N² (S·a 2N², update 5N², S·r 2N²); backward 26N² (recomputing the chunk's
// states 7N², then 19N² for the reverse step).
constexpr double wkv7ForwardFlopsPerStep(int64_t N) { return 9.0 * double(N) * double(N); }
constexpr double wkv7BackwardFlopsPerStep(int64_t N) { return 26.0 * double(N) * double(N); }

}  // namespace pm::kernels
