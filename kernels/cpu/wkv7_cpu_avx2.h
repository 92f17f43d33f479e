// AVX2+FMA versions of the WKV7 CPU slice loops (x86-64 only; chosen at run time when the CPU has
// them and N is a multiple of 16, at most 1024). They keep the state key-major (row j = key index) so every
// inner loop runs along the value index with broadcast scalars and no horizontal sums in the
// forward; the plain loops in wkv7_cpu.cpp / wkv7_cpu_backward.cpp stay the readable oracle.
#pragma once

#include <cstdint>
#include <memory>

namespace pm::kernels::detail {

// Everything one slice needs; pointers are already offset to (b, t = 0, h); step = H·N is the
// distance between consecutive timesteps. States s0/sT/ds0/dsT are value-major N×N; the
// checkpoints are key-major N×N each (private to forward/backward).
struct SliceArgs {
    int64_t N = 0, T = 0, step = 0;
    const float *r = nullptr, *z = nullptr, *k = nullptr, *v = nullptr, *a = nullptr, *b = nullptr;
    const float* s0 = nullptr;
    float *y = nullptr, *sT = nullptr, *ckpt = nullptr;   // forward outputs
    float* saOut = nullptr;                              // forward: sa_t = S_{t-1} a_t (optional)
    const float* saSaved = nullptr;                      // backward: the forward's sa (optional)
    const float* savedCkpt = nullptr;                    // backward: the forward's checkpoints
    const float *dy = nullptr, *dsT = nullptr;            // backward inputs
    float *dr = nullptr, *dz = nullptr, *dk = nullptr, *dv = nullptr, *da = nullptr, *db = nullptr, *ds0 = nullptr;
};

// The shape and the six per-step inputs of (b, h) slice `slice` of [B, T, H, N] tensors; forward
// and backward add their own state and gradient pointers. Returns the slice's element offset.
template <typename Args>
int64_t sliceInputs(const Args& p, int64_t slice, SliceArgs* a) {
    const int64_t N = p.s.N, bi = slice / p.s.H, h = slice % p.s.H, o = (bi * p.s.T * p.s.H + h) * N;
    a->N = N;
    a->T = p.s.T;
    a->step = p.s.H * N;
    a->r = p.r + o; a->z = p.z + o; a->k = p.k + o; a->v = p.v + o; a->a = p.a + o; a->b = p.b + o;
    return o;
}

bool avx2Usable(int64_t N);   // CPU has AVX2+FMA, N % 16 == 0, and SIMD not switched off
void forwardSliceAvx2(const SliceArgs& p, float* scratch);    // scratch: wkv7Avx2ScratchFloats(N)
void backwardSliceAvx2(const SliceArgs& p, float* scratch);
int64_t avx2ScratchFloats(int64_t N);

// Scratch for the slice loops, 64-byte aligned and not zero-filled. The alignment matters: with
// new[]'s 16-byte alignment half of the 32-byte loads from the chunk arrays split cache lines, which
// cost ~20 % on the forward and the backward whenever the allocation happened to land that way.
class Avx2Scratch {
public:
    explicit Avx2Scratch(int64_t N) : raw_(new float[static_cast<size_t>(avx2ScratchFloats(N) + 16)]) {
        const auto addr = reinterpret_cast<std::uintptr_t>(raw_.get());
        data_ = raw_.get() + ((64 - addr % 64) % 64) / sizeof(float);
    }
    float* get() const { return data_; }

private:
    std::unique_ptr<float[]> raw_;
    float* data_ = nullptr;
};

}  // namespace pm::kernels::detail
