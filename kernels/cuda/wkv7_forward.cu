// WKV7 forward on CUDA (issue 10). Organisation (see docs/kernels.md for the why):
//
//   grid  = B·H blocks, one per (b, h) slice; block = N threads.
//   Thread i owns row i of the state (value index i, all N key indices) in registers, fp32.
//   Time is walked in 16-step chunks. At the start of a chunk the block stages that chunk's
//   r, w (= decay(z), computed once per element here), k, v, a, b into shared memory, one
//   coalesced bf16 load per element, then runs its up-to-16 steps with NO barrier: a row's update
//   S[i][j] = S[i][j]·w_j + sa_i·b_j + v_i·k_j only reads the row itself and the shared inputs.
//   So there are two __syncthreads per 16 steps instead of one or two per step.
//   Per step and thread: sa_i = Σ_j S[i][j] a_j, the row update, y_i = Σ_j S[i][j] r_j (fp32),
//   y stored as bf16 and sa_i as fp32 (the backward's inverse step needs it).
//   At every chunk start the state is saved (entry c = S_{16c}, value-major, the CPU layout).
//   The tail chunk (T not a multiple of 16) just runs fewer steps: callers never pad.
#include "wkv7_cuda_common.cuh"

namespace pm::kernels::wkv7cuda {
namespace {

template <int N>
__global__ void __launch_bounds__(N, 2)
forwardKernel(int T, int H, int nCkpt, const Wkv7Bf16* __restrict__ r, const Wkv7Bf16* __restrict__ z,
              const Wkv7Bf16* __restrict__ k, const Wkv7Bf16* __restrict__ v, const Wkv7Bf16* __restrict__ a,
              const Wkv7Bf16* __restrict__ b, const float* __restrict__ s0, Wkv7Bf16* __restrict__ y,
              float* __restrict__ sT, float* __restrict__ ckpt, float* __restrict__ saOut) {
    // One chunk of inputs, [step][element]; float4-aligned rows (N is a multiple of 4).
    __shared__ __align__(16) float sr[kChunk][N];
    __shared__ __align__(16) float sw[kChunk][N];
    __shared__ __align__(16) float sk[kChunk][N];
    __shared__ __align__(16) float sv[kChunk][N];
    __shared__ __align__(16) float sa[kChunk][N];
    __shared__ __align__(16) float sb[kChunk][N];

    const int slice = blockIdx.x;           // b·H + h
    const int bi = slice / H, h = slice % H;
    const int i = threadIdx.x;
    const size_t nn = size_t(N) * N;
    const size_t stepStride = size_t(H) * N;                        // one t in [B, T, H, N]
    const size_t base = (size_t(bi) * T * H + h) * N + i;           // element i of (b, t=0, h)

    float S[N];   // row i of the state
    if (s0) {
        const float4* row = reinterpret_cast<const float4*>(s0 + slice * nn + size_t(i) * N);
#pragma unroll
        for (int j = 0; j < N / 4; ++j) {
            const float4 q = row[j];
            S[4 * j] = q.x; S[4 * j + 1] = q.y; S[4 * j + 2] = q.z; S[4 * j + 3] = q.w;
        }
    } else {
#pragma unroll
        for (int j = 0; j < N; ++j) S[j] = 0.f;
    }

    for (int t0 = 0; t0 < T; t0 += kChunk) {
        const int len = min(kChunk, T - t0);
        if (ckpt) {   // S_{t0} key-major (wkv7.h): thread i writes column i, coalesced across threads
            float* dst = ckpt + (size_t(slice) * nCkpt + t0 / kChunk) * nn + i;
#pragma unroll
            for (int j = 0; j < N; ++j) dst[size_t(j) * N] = S[j];
        }
        __syncthreads();   // everyone is done reading the previous chunk's inputs
        for (int l = 0; l < len; ++l) {
            const size_t idx = base + size_t(t0 + l) * stepStride;
            sr[l][i] = loadBf16(r, idx);
            sw[l][i] = decayFromSigmoid(sigmoid(loadBf16(z, idx)));
            sk[l][i] = loadBf16(k, idx);
            sv[l][i] = loadBf16(v, idx);
            sa[l][i] = loadBf16(a, idx);
            sb[l][i] = loadBf16(b, idx);
        }
        __syncthreads();
        for (int l = 0; l < len; ++l) {
            const float sai = dotShared<N>(S, sa[l]);
            const float vi = sv[l][i];
            const float4* w4 = reinterpret_cast<const float4*>(sw[l]);
            const float4* b4 = reinterpret_cast<const float4*>(sb[l]);
            const float4* k4 = reinterpret_cast<const float4*>(sk[l]);
            const float4* r4 = reinterpret_cast<const float4*>(sr[l]);
            float y0 = 0.f, y1 = 0.f;
#pragma unroll
            for (int j = 0; j < N / 4; ++j) {
                const float4 w = w4[j], bb = b4[j], kk = k4[j], rr = r4[j];
                S[4 * j + 0] = fmaf(S[4 * j + 0], w.x, fmaf(sai, bb.x, vi * kk.x));
                S[4 * j + 1] = fmaf(S[4 * j + 1], w.y, fmaf(sai, bb.y, vi * kk.y));
                S[4 * j + 2] = fmaf(S[4 * j + 2], w.z, fmaf(sai, bb.z, vi * kk.z));
                S[4 * j + 3] = fmaf(S[4 * j + 3], w.w, fmaf(sai, bb.w, vi * kk.w));
                y0 = fmaf(S[4 * j + 0], rr.x, y0);
                y1 = fmaf(S[4 * j + 1], rr.y, y1);
                y0 = fmaf(S[4 * j + 2], rr.z, y0);
                y1 = fmaf(S[4 * j + 3], rr.w, y1);
            }
            const size_t idx = base + size_t(t0 + l) * stepStride;
            storeBf16(y, idx, y0 + y1);
            if (saOut) saOut[idx] = sai;
        }
    }

    if (sT) {
        float4* row = reinterpret_cast<float4*>(sT + slice * nn + size_t(i) * N);
#pragma unroll
        for (int j = 0; j < N / 4; ++j) row[j] = make_float4(S[4 * j], S[4 * j + 1], S[4 * j + 2], S[4 * j + 3]);
    }
}

}  // namespace

template <int N>
void launchForward(const Wkv7Shape& s, const Wkv7CudaInputs& in, const float* s0, Wkv7Bf16* y, float* sT,
                   float* ckpt, float* sa, cudaStream_t stream) {
    const int nCkpt = static_cast<int>(wkv7CheckpointCount(s));
    forwardKernel<N><<<dim3(unsigned(s.B * s.H)), dim3(N), 0, stream>>>(
        int(s.T), int(s.H), nCkpt, in.r, in.z, in.k, in.v, in.a, in.b, s0, y, sT, ckpt, sa);
    PM_WKV7_CUDA_CHECK(cudaGetLastError());
}

template void launchForward<32>(const Wkv7Shape&, const Wkv7CudaInputs&, const float*, Wkv7Bf16*, float*,
                                float*, float*, cudaStream_t);
template void launchForward<64>(const Wkv7Shape&, const Wkv7CudaInputs&, const float*, Wkv7Bf16*, float*,
                                float*, float*, cudaStream_t);
template void launchForward<128>(const Wkv7Shape&, const Wkv7CudaInputs&, const float*, Wkv7Bf16*, float*,
                                 float*, float*, cudaStream_t);

}  // namespace pm::kernels::wkv7cuda

namespace pm::kernels {

void wkv7ForwardCuda(const Wkv7Shape& s, const Wkv7CudaInputs& in, const float* s0, Wkv7Bf16* y, float* sT,
                     float* checkpoints, float* sa, void* stream) {
    wkv7cuda::checkShape(s, __FILE__, __LINE__);
    PM_WKV7_REQUIRE(s.T < 0x7fffffffLL, "T exceeds 2^31");
    if (s.B == 0 || s.H == 0) return;
    PM_WKV7_REQUIRE(s.T == 0 || (in.r && in.z && in.k && in.v && in.a && in.b && y),
                    "null input or output pointer");
    const auto st = static_cast<cudaStream_t>(stream);
    switch (s.N) {
        case 32: wkv7cuda::launchForward<32>(s, in, s0, y, sT, checkpoints, sa, st); break;
        case 64: wkv7cuda::launchForward<64>(s, in, s0, y, sT, checkpoints, sa, st); break;
        default: wkv7cuda::launchForward<128>(s, in, s0, y, sT, checkpoints, sa, st); break;
    }
}

}  // namespace pm::kernels
