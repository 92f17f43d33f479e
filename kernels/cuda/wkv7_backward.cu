// WKV7 backward on CUDA (issue 10): "backstepping" with exact reloads every 16 steps.
//
//   grid = B·H blocks, block = N threads. Thread i holds, in fp32 registers:
//     Sc[j] = S[j][i]   column i of the state (key index i)
//     Gr[j] = G[i][j]   row i of G = ∂L/∂S
//     Gc[j] = G[j][i]   column i of G       (G in both orientations avoids transposes)
//   Walking t = T-1 … 0 (state P_t before step t, P_{t+1} after), per step, spec §2.3:
//     G      += dy_t r_tᵀ
//     dr_i    = Σ_j P_{t+1}[j][i] dy_j
//     P_t     = (P_{t+1} - v kᵀ - sa bᵀ) diag(1/w)       inverse step, column i only
//     dw_i    = Σ_j G[j][i] P_t[j][i];  dz_i = dw_i · w_i · (-e^{-0.5}) σ_i (1-σ_i)
//     dk_i    = Σ_j G[j][i] v_j;  db_i = Σ_j G[j][i] sa_j
//     dv_i    = Σ_j G[i][j] k_j;  dsa_i = Σ_j G[i][j] b_j   → shared (the only exchange)
//     da_i    = Σ_j P_t[j][i] dsa_j
//     G       = G diag(w) + dsa aᵀ
//   and finally ds0 = G. The inverse step is replaced by an exact load at every chunk start
//   (P_{16c} = checkpoint c, written by the forward), and the walk starts from the forward's exact
//   final state sT, so at most 15 inverse steps (each dividing by w ≥ 0.545) separate a state from
//   an exact one. Inputs of a chunk (r, w, k, v, a, b, dy, sa) are staged in shared memory once per
//   chunk with coalesced loads; each step then needs a single barrier (for dsa; every step writes
//   its own dsa row, so there is no write-after-read hazard inside a chunk).
#include "wkv7_cuda_common.cuh"

namespace pm::kernels::wkv7cuda {
namespace {

// Shared arrays per chunk, each [kChunk][N] floats: r, w, k, v, a, b, dy, sa, dsa.
constexpr int kBackwardArrays = 9;
template <int N>
constexpr size_t backwardSharedBytes() { return size_t(kBackwardArrays) * kChunk * N * sizeof(float); }

template <int N>
__global__ void __launch_bounds__(N)
backwardKernel(int T, int H, int nCkpt, const Wkv7Bf16* __restrict__ r, const Wkv7Bf16* __restrict__ z,
               const Wkv7Bf16* __restrict__ k, const Wkv7Bf16* __restrict__ v, const Wkv7Bf16* __restrict__ a,
               const Wkv7Bf16* __restrict__ b, const float* __restrict__ sT, const float* __restrict__ ckpt,
               const float* __restrict__ saIn, const Wkv7Bf16* __restrict__ dy, const float* __restrict__ dsT,
               Wkv7Bf16* __restrict__ dr, Wkv7Bf16* __restrict__ dz, Wkv7Bf16* __restrict__ dk,
               Wkv7Bf16* __restrict__ dv, Wkv7Bf16* __restrict__ da, Wkv7Bf16* __restrict__ db,
               float* __restrict__ ds0) {
    extern __shared__ __align__(16) float smem[];
    constexpr int kTile = kChunk * N;
    float* const shR = smem;
    float* const shW = smem + 1 * kTile;
    float* const shK = smem + 2 * kTile;
    float* const shV = smem + 3 * kTile;
    float* const shA = smem + 4 * kTile;
    float* const shB = smem + 5 * kTile;
    float* const shDy = smem + 6 * kTile;
    float* const shSa = smem + 7 * kTile;
    float* const shDsa = smem + 8 * kTile;

    const int slice = blockIdx.x;
    const int bi = slice / H, h = slice % H;
    const int i = threadIdx.x;
    const size_t nn = size_t(N) * N;
    const size_t stepStride = size_t(H) * N;
    const size_t base = (size_t(bi) * T * H + h) * N + i;

    float Sc[N], Gr[N], Gc[N];
    {
        const float* src = sT + slice * nn;   // P_T, column i: coalesced across the block
#pragma unroll
        for (int j = 0; j < N; ++j) Sc[j] = src[size_t(j) * N + i];
    }
    if (dsT) {
        const float* g = dsT + slice * nn;
        const float4* row = reinterpret_cast<const float4*>(g + size_t(i) * N);
#pragma unroll
        for (int j = 0; j < N / 4; ++j) {
            const float4 q = row[j];
            Gr[4 * j] = q.x; Gr[4 * j + 1] = q.y; Gr[4 * j + 2] = q.z; Gr[4 * j + 3] = q.w;
        }
#pragma unroll
        for (int j = 0; j < N; ++j) Gc[j] = g[size_t(j) * N + i];
    } else {
#pragma unroll
        for (int j = 0; j < N; ++j) Gr[j] = Gc[j] = 0.f;
    }

    const int nChunks = (T + kChunk - 1) / kChunk;
    for (int c = nChunks - 1; c >= 0; --c) {
        const int t0 = c * kChunk;
        const int len = min(kChunk, T - t0);
        __syncthreads();   // the previous chunk's readers of shared memory are done
        for (int l = 0; l < len; ++l) {
            const size_t idx = base + size_t(t0 + l) * stepStride;
            shR[l * N + i] = loadBf16(r, idx);
            shW[l * N + i] = decayFromSigmoid(sigmoid(loadBf16(z, idx)));
            shK[l * N + i] = loadBf16(k, idx);
            shV[l * N + i] = loadBf16(v, idx);
            shA[l * N + i] = loadBf16(a, idx);
            shB[l * N + i] = loadBf16(b, idx);
            shDy[l * N + i] = loadBf16(dy, idx);
            shSa[l * N + i] = saIn[idx];
        }
        __syncthreads();

        for (int l = len - 1; l >= 0; --l) {
            const size_t idx = base + size_t(t0 + l) * stepStride;
            const float* rr = shR + l * N;
            const float* ww = shW + l * N;
            const float* kk = shK + l * N;
            const float* vv = shV + l * N;
            const float* aa = shA + l * N;
            const float* bb = shB + l * N;
            const float* dd = shDy + l * N;
            const float* ss = shSa + l * N;
            const float ri = rr[i], wi = ww[i], ki = kk[i], ai = aa[i], bi_ = bb[i], dyi = dd[i];

            // G += dy rᵀ (both copies); dr from P_{t+1}.
            float dri0 = 0.f, dri1 = 0.f;
#pragma unroll
            for (int j = 0; j < N; j += 2) {
                Gr[j] = fmaf(dyi, rr[j], Gr[j]);
                Gr[j + 1] = fmaf(dyi, rr[j + 1], Gr[j + 1]);
                Gc[j] = fmaf(dd[j], ri, Gc[j]);
                Gc[j + 1] = fmaf(dd[j + 1], ri, Gc[j + 1]);
                dri0 = fmaf(Sc[j], dd[j], dri0);
                dri1 = fmaf(Sc[j + 1], dd[j + 1], dri1);
            }

            // P_t: the exact checkpoint at a chunk start, else the inverse step.
            if (l == 0) {
                // Key-major checkpoint (wkv7.h): this thread's column i is one contiguous row.
                const float4* src = reinterpret_cast<const float4*>(ckpt + (size_t(slice) * nCkpt + c) * nn + size_t(i) * N);
#pragma unroll
                for (int j = 0; j < N / 4; ++j) {
                    const float4 q = src[j];
                    Sc[4 * j] = q.x; Sc[4 * j + 1] = q.y; Sc[4 * j + 2] = q.z; Sc[4 * j + 3] = q.w;
                }
            } else {
                const float invW = 1.0f / wi;
#pragma unroll
                for (int j = 0; j < N; ++j) Sc[j] = (Sc[j] - fmaf(vv[j], ki, ss[j] * bi_)) * invW;
            }

            float dw = 0.f, dki = 0.f, dbi = 0.f, dvi = 0.f, dsai = 0.f;
#pragma unroll
            for (int j = 0; j < N; ++j) {
                dw = fmaf(Gc[j], Sc[j], dw);
                dki = fmaf(Gc[j], vv[j], dki);
                dbi = fmaf(Gc[j], ss[j], dbi);
                dvi = fmaf(Gr[j], kk[j], dvi);
                dsai = fmaf(Gr[j], bb[j], dsai);
            }
            float* dsa = shDsa + l * N;
            dsa[i] = dsai;
            __syncthreads();

            float dai = 0.f;
#pragma unroll
            for (int j = 0; j < N; ++j) {
                const float dsaj = dsa[j];
                dai = fmaf(Sc[j], dsaj, dai);
                Gr[j] = fmaf(Gr[j], ww[j], dsai * aa[j]);
                Gc[j] = fmaf(Gc[j], wi, dsaj * ai);
            }

            const float sig = sigmoid(loadBf16(z, idx));
            storeBf16(dr, idx, dri0 + dri1);
            storeBf16(dz, idx, dw * wi * (-kExpMinusHalf) * sig * (1.0f - sig));
            storeBf16(dk, idx, dki);
            storeBf16(dv, idx, dvi);
            storeBf16(da, idx, dai);
            storeBf16(db, idx, dbi);
        }
    }

    if (ds0) {
        float* g = ds0 + slice * nn;
#pragma unroll
        for (int j = 0; j < N; ++j) g[size_t(j) * N + i] = Gc[j];   // coalesced: column i
    }
}

}  // namespace

template <int N>
void launchBackward(const Wkv7Shape& s, const Wkv7CudaInputs& in, const float* sT, const float* ckpt,
                    const float* sa, const Wkv7Bf16* dy, const float* dsT, const Wkv7CudaGrads& g,
                    cudaStream_t stream) {
    const int nCkpt = static_cast<int>(wkv7CheckpointCount(s));
    constexpr size_t bytes = backwardSharedBytes<N>();
    if constexpr (bytes > 48 * 1024) {   // N = 128: opt in to more than the default 48 KiB
        PM_WKV7_CUDA_CHECK(cudaFuncSetAttribute(backwardKernel<N>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                int(bytes)));
    }
    backwardKernel<N><<<dim3(unsigned(s.B * s.H)), dim3(N), bytes, stream>>>(
        int(s.T), int(s.H), nCkpt, in.r, in.z, in.k, in.v, in.a, in.b, sT, ckpt, sa, dy, dsT, g.dr, g.dz, g.dk,
        g.dv, g.da, g.db, g.ds0);
    PM_WKV7_CUDA_CHECK(cudaGetLastError());
}

template void launchBackward<32>(const Wkv7Shape&, const Wkv7CudaInputs&, const float*, const float*,
                                 const float*, const Wkv7Bf16*, const float*, const Wkv7CudaGrads&, cudaStream_t);
template void launchBackward<64>(const Wkv7Shape&, const Wkv7CudaInputs&, const float*, const float*,
                                 const float*, const Wkv7Bf16*, const float*, const Wkv7CudaGrads&, cudaStream_t);
template void launchBackward<128>(const Wkv7Shape&, const Wkv7CudaInputs&, const float*, const float*,
                                  const float*, const Wkv7Bf16*, const float*, const Wkv7CudaGrads&, cudaStream_t);

}  // namespace pm::kernels::wkv7cuda

namespace pm::kernels {

void wkv7BackwardCuda(const Wkv7Shape& s, const Wkv7CudaInputs& in, const float* sT, const float* checkpoints,
                      const float* sa, const Wkv7Bf16* dy, const float* dsT, const Wkv7CudaGrads& grads,
                      void* stream) {
    wkv7cuda::checkShape(s, __FILE__, __LINE__);
    PM_WKV7_REQUIRE(s.T < 0x7fffffffLL, "T exceeds 2^31");
    if (s.B == 0 || s.H == 0) return;
    PM_WKV7_REQUIRE(sT, "the forward's final state sT is required");
    if (s.T > 0) {
        PM_WKV7_REQUIRE(in.r && in.z && in.k && in.v && in.a && in.b && dy && checkpoints && sa,
                        "null input, checkpoint, sa or dy pointer");
        PM_WKV7_REQUIRE(grads.dr && grads.dz && grads.dk && grads.dv && grads.da && grads.db,
                        "null gradient pointer");
    }
    const auto st = static_cast<cudaStream_t>(stream);
    switch (s.N) {
        case 32: wkv7cuda::launchBackward<32>(s, in, sT, checkpoints, sa, dy, dsT, grads, st); break;
        case 64: wkv7cuda::launchBackward<64>(s, in, sT, checkpoints, sa, dy, dsT, grads, st); break;
        default: wkv7cuda::launchBackward<128>(s, in, sT, checkpoints, sa, dy, dsT, grads, st); break;
    }
}

}  // namespace pm::kernels
