// WKV7 backward on the CPU (spec §2.3), one (b, h) slice at a time, chunk by chunk in reverse:
// reload the chunk's first state from the forward's checkpoint, recompute the chunk's states
// (bit-identical to the forward's), then walk its steps backwards carrying G = ∂L/∂S_t.
#include "pianomuse/kernels/wkv7.h"

#include "wkv7_cpu_avx2.h"
#include "wkv7_cpu_common.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace pm::kernels {
namespace {

template <typename F>
struct BackwardArgs {
    Wkv7Shape s;
    const F *r, *z, *k, *v, *a, *b, *ckpt, *dy, *dsT;
    Wkv7Grads<F> g;
    const F* sa;   // the forward's sa, or null (the AVX2 path uses it; the plain path recomputes)
};

// Scratch for one slice: the chunk's states S_{t0..t0+L} ((L+1)·N·N), its sa and w (L·N each),
// G (N·N) and five column accumulators (N each).
template <typename F>
struct Scratch {
    std::vector<F> states, sa, w, G, dr, dw, dk, db, da;
    explicit Scratch(int64_t N)
        : states(size_t((kWkv7CheckpointEvery + 1) * N * N)), sa(size_t(kWkv7CheckpointEvery * N)),
          w(size_t(kWkv7CheckpointEvery * N)), G(size_t(N * N)), dr(size_t(N)), dw(size_t(N)),
          dk(size_t(N)), db(size_t(N)), da(size_t(N)) {}
};

// One reverse step at time t. St = S_t, Sp = S_{t-1}; G holds ∂L/∂S_t minus this step's
// dy rᵀ on entry and ∂L/∂S_{t-1} on exit. Row i of G only needs row i's own dsa_i, so each row
// is finished in two passes while it sits in L1.
template <typename F>
PM_ALWAYS_INLINE void stepBackward(const BackwardArgs<F>& p, int64_t o, const F* St, const F* Sp,
                                   const F* sa, const F* w, Scratch<F>& sc) {
    const int64_t N = p.s.N;
    const F *r = p.r + o, *k = p.k + o, *v = p.v + o, *a = p.a + o, *b = p.b + o, *dy = p.dy + o;
    F *dr = sc.dr.data(), *dw = sc.dw.data(), *dk = sc.dk.data(), *db = sc.db.data(), *da = sc.da.data();
    std::fill(dr, dr + N, F(0));
    std::fill(dw, dw + N, F(0));
    std::fill(dk, dk + N, F(0));
    std::fill(db, db + N, F(0));
    std::fill(da, da + N, F(0));
    F* dvOut = p.g.dv + o;
    for (int64_t i = 0; i < N; ++i) {
        F* gi = sc.G.data() + i * N;
        const F* sti = St + i * N;
        const F* spi = Sp + i * N;
        const F dyi = dy[i], vi = v[i], sai = sa[i];
        F acc1 = 0, acc2 = 0;   // dv_i = Σ_j G[i,j] k_j ; dsa_i = Σ_j G[i,j] b_j
        PM_SIMD_REDUCE_2
        for (int64_t j = 0; j < N; ++j) {
            const F g = gi[j] + dyi * r[j];   // G += dy rᵀ
            gi[j] = g;
            dr[j] += sti[j] * dyi;            // dr = S_tᵀ dy
            dw[j] += g * spi[j];              // dw_j = Σ_i G[i,j] S_{t-1}[i,j]
            dk[j] += g * vi;                  // dk = Gᵀ v
            db[j] += g * sai;                 // db = Gᵀ sa
            acc1 += g * k[j];
            acc2 += g * b[j];
        }
        dvOut[i] = acc1;
        const F dsai = acc2;
        PM_SIMD
        for (int64_t j = 0; j < N; ++j) {
            da[j] += spi[j] * dsai;               // da = S_{t-1}ᵀ dsa
            gi[j] = gi[j] * w[j] + dsai * a[j];   // G ← G diag(w) + dsa aᵀ
        }
    }
    const F* z = p.z + o;
    for (int64_t j = 0; j < N; ++j) {
        // w = exp(-c σ(z)) ⇒ ∂w/∂z = w · (-c) · σ(z)(1-σ(z)).
        const F sig = detail::sigmoid(z[j]);
        p.g.dz[o + j] = dw[j] * w[j] * F(-detail::kExpMinusHalf) * sig * (F(1) - sig);
        p.g.dr[o + j] = dr[j];
        p.g.dk[o + j] = dk[j];
        p.g.db[o + j] = db[j];
        p.g.da[o + j] = da[j];
    }
}

template <typename F>
PM_ALWAYS_INLINE void backwardSlice(const BackwardArgs<F>& p, int64_t slice, Scratch<F>& sc) {
    const int64_t N = p.s.N, T = p.s.T, H = p.s.H;
    const int64_t bi = slice / H, h = slice % H;
    const int64_t nn = N * N;
    const int64_t nCkpt = wkv7CheckpointCount(p.s);
    if (p.dsT) std::memcpy(sc.G.data(), p.dsT + slice * nn, sizeof(F) * size_t(nn));
    else std::fill(sc.G.begin(), sc.G.end(), F(0));
    for (int64_t c = nCkpt - 1; c >= 0; --c) {
        const int64_t t0 = c * kWkv7CheckpointEvery;
        const int64_t len = std::min(kWkv7CheckpointEvery, T - t0);
        F* states = sc.states.data();
        const F* saved = p.ckpt + (slice * nCkpt + c) * nn;   // key-major (see wkv7.h)
        for (int64_t i = 0; i < N; ++i)
            for (int64_t j = 0; j < N; ++j) states[i * N + j] = saved[j * N + i];
        for (int64_t u = 0; u < len; ++u) {
            const int64_t o = ((bi * T + t0 + u) * H + h) * N;
            F* w = sc.w.data() + u * N;
            for (int64_t j = 0; j < N; ++j) w[j] = detail::decay(p.z[o + j]);
            F* next = states + (u + 1) * nn;
            std::memcpy(next, states + u * nn, sizeof(F) * size_t(nn));
            detail::stepForward<F>(N, next, w, nullptr, p.k + o, p.v + o, p.a + o, p.b + o,
                                   sc.sa.data() + u * N, nullptr);
        }
        for (int64_t u = len - 1; u >= 0; --u) {
            const int64_t o = ((bi * T + t0 + u) * H + h) * N;
            stepBackward(p, o, states + (u + 1) * nn, states + u * nn, sc.sa.data() + u * N,
                         sc.w.data() + u * N, sc);
        }
    }
    if (p.g.ds0) std::memcpy(p.g.ds0 + slice * nn, sc.G.data(), sizeof(F) * size_t(nn));
}

PM_WKV7_CLONES void backwardRange(const BackwardArgs<float>& p, int64_t begin, int64_t end) {
    const int64_t N = p.s.N;
    if (detail::avx2Usable(N) && p.g.dr && p.g.dz && p.g.dk && p.g.dv && p.g.da && p.g.db) {
        detail::Avx2Scratch scratch(N);
        const int64_t nn = N * N, nCkpt = wkv7CheckpointCount(p.s);
        for (int64_t slice = begin; slice < end; ++slice) {
            detail::SliceArgs a;
            const int64_t o = detail::sliceInputs(p, slice, &a);
            a.savedCkpt = p.ckpt + slice * nCkpt * nn;
            a.dy = p.dy + o;
            a.dsT = p.dsT ? p.dsT + slice * nn : nullptr;
            a.dr = p.g.dr + o; a.dz = p.g.dz + o; a.dk = p.g.dk + o; a.dv = p.g.dv + o; a.da = p.g.da + o;
            a.db = p.g.db + o;
            a.ds0 = p.g.ds0 ? p.g.ds0 + slice * nn : nullptr;
            a.saSaved = p.sa ? p.sa + o : nullptr;
            detail::backwardSliceAvx2(a, scratch.get());
        }
        return;
    }
    Scratch<float> sc(N);
    for (int64_t slice = begin; slice < end; ++slice) backwardSlice(p, slice, sc);
}

PM_WKV7_CLONES void backwardRange(const BackwardArgs<double>& p, int64_t begin, int64_t end) {
    Scratch<double> sc(p.s.N);
    for (int64_t slice = begin; slice < end; ++slice) backwardSlice(p, slice, sc);
}

template <typename F>
void backwardEntry(const BackwardArgs<F>& p, Wkv7Slices slices) {
    const int64_t total = p.s.B * p.s.H;
    const int64_t end = slices.end < 0 ? total : std::min(slices.end, total);
    if (slices.begin >= end || p.s.N <= 0) return;
    backwardRange(p, slices.begin, end);
}

}  // namespace

void wkv7BackwardCpu(const Wkv7Shape& shape, const float* r, const float* z, const float* k,
                     const float* v, const float* a, const float* b, const float* checkpoints,
                     const float* dy, const float* dsT, const Wkv7Grads<float>& grads, Wkv7Slices slices,
                     const float* sa) {
    backwardEntry(BackwardArgs<float>{shape, r, z, k, v, a, b, checkpoints, dy, dsT, grads, sa}, slices);
}

void wkv7BackwardCpu(const Wkv7Shape& shape, const double* r, const double* z, const double* k,
                     const double* v, const double* a, const double* b, const double* checkpoints,
                     const double* dy, const double* dsT, const Wkv7Grads<double>& grads,
                     Wkv7Slices slices, const double* sa) {
    backwardEntry(BackwardArgs<double>{shape, r, z, k, v, a, b, checkpoints, dy, dsT, grads, sa}, slices);
}

}  // namespace pm::kernels
