// WKV7 forward on the CPU: the plain per-timestep recurrence, one (b, h) slice at a time.
#include "pianomuse/kernels/wkv7.h"

#include "wkv7_cpu_avx2.h"
#include "wkv7_cpu_common.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace pm::kernels {

float wkv7Decay(float z) { return detail::decay(z); }
double wkv7Decay(double z) { return detail::decay(z); }

int64_t wkv7CheckpointCount(const Wkv7Shape& s) {
    return (s.T + kWkv7CheckpointEvery - 1) / kWkv7CheckpointEvery;
}

namespace {

template <typename F>
struct ForwardArgs {
    Wkv7Shape s;
    const F *r, *z, *k, *v, *a, *b, *s0;
    F *y, *sT, *ckpt, *sa;
};

// One slice from s0 (or zero) through all T steps. S (N·N), w and sa (N each) are scratch.
template <typename F>
PM_ALWAYS_INLINE void forwardSlice(const ForwardArgs<F>& p, int64_t slice, F* S, F* w, F* sa) {
    const int64_t N = p.s.N, T = p.s.T, H = p.s.H;
    const int64_t bi = slice / H, h = slice % H;
    const int64_t nn = N * N;
    if (p.s0) std::memcpy(S, p.s0 + slice * nn, sizeof(F) * size_t(nn));
    else std::fill(S, S + nn, F(0));
    const int64_t nCkpt = wkv7CheckpointCount(p.s);
    for (int64_t t = 0; t < T; ++t) {
        if (p.ckpt && t % kWkv7CheckpointEvery == 0) {   // saved key-major (see wkv7.h)
            F* dst = p.ckpt + (slice * nCkpt + t / kWkv7CheckpointEvery) * nn;
            for (int64_t i = 0; i < N; ++i)
                for (int64_t j = 0; j < N; ++j) dst[j * N + i] = S[i * N + j];
        }
        const int64_t o = ((bi * T + t) * H + h) * N;   // this step's N-vector in [B, T, H, N]
        for (int64_t j = 0; j < N; ++j) w[j] = detail::decay(p.z[o + j]);
        detail::stepForward(N, S, w, p.r + o, p.k + o, p.v + o, p.a + o, p.b + o, p.sa ? p.sa + o : sa, p.y + o);
    }
    if (p.sT) std::memcpy(p.sT + slice * nn, S, sizeof(F) * size_t(nn));
}

// Separate non-template entry points so target_clones can give each its AVX2 copy.
PM_WKV7_CLONES void forwardRange(const ForwardArgs<float>& p, int64_t begin, int64_t end) {
    const int64_t N = p.s.N;
    if (detail::avx2Usable(N)) {
        detail::Avx2Scratch scratch(N);
        const int64_t nn = N * N, nCkpt = wkv7CheckpointCount(p.s);
        for (int64_t slice = begin; slice < end; ++slice) {
            detail::SliceArgs a;
            const int64_t o = detail::sliceInputs(p, slice, &a);
            a.s0 = p.s0 ? p.s0 + slice * nn : nullptr;
            a.y = p.y + o;
            a.sT = p.sT ? p.sT + slice * nn : nullptr;
            a.ckpt = p.ckpt ? p.ckpt + slice * nCkpt * nn : nullptr;
            a.saOut = p.sa ? p.sa + o : nullptr;
            detail::forwardSliceAvx2(a, scratch.get());
        }
        return;
    }
    std::vector<float> S(static_cast<size_t>(N * N)), w(static_cast<size_t>(N)), sa(static_cast<size_t>(N));
    for (int64_t slice = begin; slice < end; ++slice) forwardSlice(p, slice, S.data(), w.data(), sa.data());
}

PM_WKV7_CLONES void forwardRange(const ForwardArgs<double>& p, int64_t begin, int64_t end) {
    const int64_t N = p.s.N;
    std::vector<double> S(static_cast<size_t>(N * N)), w(static_cast<size_t>(N)), sa(static_cast<size_t>(N));
    for (int64_t slice = begin; slice < end; ++slice) forwardSlice(p, slice, S.data(), w.data(), sa.data());
}

template <typename F>
void forwardEntry(const ForwardArgs<F>& p, Wkv7Slices slices) {
    const int64_t total = p.s.B * p.s.H;
    const int64_t end = slices.end < 0 ? total : std::min(slices.end, total);
    if (slices.begin >= end || p.s.N <= 0) return;
    forwardRange(p, slices.begin, end);
}

}  // namespace

void wkv7ForwardCpu(const Wkv7Shape& shape, const float* r, const float* z, const float* k,
                    const float* v, const float* a, const float* b, const float* s0, float* y,
                    float* sT, float* checkpoints, Wkv7Slices slices, float* sa) {
    forwardEntry(ForwardArgs<float>{shape, r, z, k, v, a, b, s0, y, sT, checkpoints, sa}, slices);
}

void wkv7ForwardCpu(const Wkv7Shape& shape, const double* r, const double* z, const double* k,
                    const double* v, const double* a, const double* b, const double* s0, double* y,
                    double* sT, double* checkpoints, Wkv7Slices slices, double* sa) {
    forwardEntry(ForwardArgs<double>{shape, r, z, k, v, a, b, s0, y, sT, checkpoints, sa}, slices);
}

}  // namespace pm::kernels
