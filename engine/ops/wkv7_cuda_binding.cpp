// Tensors → pointers for the WKV7 CUDA kernels, and the autograd function around them (issue 10).
#include "ops/wkv7_cuda_binding.h"

#include "pianomuse/kernels/wkv7_cuda.h"   // wkv7ForwardCuda, wkv7BackwardCuda

#include <c10/cuda/CUDAGuard.h>    // c10::cuda::CUDAGuard
#include <c10/cuda/CUDAStream.h>   // c10::cuda::getCurrentCUDAStream

namespace pm::ops {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
namespace K = pm::kernels;

K::Wkv7Shape shapeOf(const Tensor& r) { return {r.size(0), r.size(1), r.size(2), r.size(3)}; }

const K::Wkv7Bf16* bf(const Tensor& t) {
    TORCH_INTERNAL_ASSERT(t.scalar_type() == torch::kBFloat16 && t.is_contiguous());
    return reinterpret_cast<const K::Wkv7Bf16*>(t.data_ptr<at::BFloat16>());
}
K::Wkv7Bf16* mbf(Tensor& t) { return reinterpret_cast<K::Wkv7Bf16*>(t.data_ptr<at::BFloat16>()); }
const float* f32(const Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; }

void checkCudaInputs(const Tensor& r, const Tensor& z, const Tensor& k, const Tensor& v, const Tensor& a,
                     const Tensor& b, const Tensor& s0) {
    TORCH_CHECK(K::wkv7CudaSupportsHeadSize(r.size(3)), "wkv7 CUDA: head size N=", r.size(3),
                " has no kernel (32, 64 or 128)");
    for (const Tensor* t : {&r, &z, &k, &v, &a, &b}) {
        TORCH_CHECK(t->is_cuda(), "wkv7 CUDA: inputs must all be CUDA tensors");
        TORCH_CHECK(t->get_device() == r.get_device(), "wkv7 CUDA: inputs on different GPUs");
        TORCH_CHECK(at::isFloatingType(t->scalar_type()), "wkv7 CUDA: inputs must be floating point, got ",
                    t->scalar_type());
    }
    if (s0.defined()) {
        TORCH_CHECK(s0.is_cuda() && s0.get_device() == r.get_device(), "wkv7 CUDA: s0 on another device");
        TORCH_CHECK(at::isFloatingType(s0.scalar_type()), "wkv7 CUDA: s0 must be floating point");
    }
    TORCH_CHECK(r.size(0) * r.size(2) <= 0x7fffffffLL && r.size(1) < 0x7fffffffLL,
                "wkv7 CUDA: B·H and T must fit 31 bits");
}

Tensor toBf16(const Tensor& t) { return t.to(torch::kBFloat16).contiguous(); }
Tensor toF32(const Tensor& t) { return t.to(torch::kFloat).contiguous(); }
void* currentStream() { return static_cast<void*>(c10::cuda::getCurrentCUDAStream().stream()); }

struct Wkv7CudaFunction : public torch::autograd::Function<Wkv7CudaFunction> {
    static variable_list forward(AutogradContext* ctx, Tensor r, Tensor z, Tensor k, Tensor v, Tensor a,
                                 Tensor b, Tensor s0, bool hasS0) {
        if (!hasS0) s0 = Tensor();   // see Wkv7Function: no undefined tensors through apply()
        const c10::cuda::CUDAGuard guard(r.device());
        Tensor rc = toBf16(r), zc = toBf16(z), kc = toBf16(k), vc = toBf16(v), ac = toBf16(a), bc = toBf16(b);
        Tensor s0c = s0.defined() ? toF32(s0) : Tensor();
        const K::Wkv7Shape s = shapeOf(rc);
        const auto f = rc.options().dtype(torch::kFloat);
        Tensor y = torch::empty_like(rc);                                                   // [B, T, H, N] bf16
        Tensor sT = torch::empty({s.B, s.H, s.N, s.N}, f);                                  // [B, H, N, N]
        Tensor ckpt = torch::empty({s.B, s.H, K::wkv7CheckpointCount(s), s.N, s.N}, f);     // [B, H, C, N, N]
        Tensor sa = torch::empty({s.B, s.T, s.H, s.N}, f);                                  // [B, T, H, N]
        K::wkv7ForwardCuda(s, {bf(rc), bf(zc), bf(kc), bf(vc), bf(ac), bf(bc)}, f32(s0c), mbf(y),
                           sT.data_ptr<float>(), ckpt.data_ptr<float>(), sa.data_ptr<float>(), currentStream());
        ctx->save_for_backward({rc, zc, kc, vc, ac, bc, sT, ckpt, sa});
        ctx->saved_data["has_s0"] = s0.defined();
        ctx->saved_data["in_dtype"] = static_cast<int64_t>(r.scalar_type());
        ctx->saved_data["s0_dtype"] = static_cast<int64_t>(s0.defined() ? s0.scalar_type() : torch::kFloat);
        return {y.to(r.scalar_type()), sT.clone()};   // sT is also saved: hand out a copy
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const variable_list saved = ctx->get_saved_variables();
        const Tensor &r = saved[0], &z = saved[1], &k = saved[2], &v = saved[3], &a = saved[4], &b = saved[5],
                     &sT = saved[6], &ckpt = saved[7], &sa = saved[8];
        const c10::cuda::CUDAGuard guard(r.device());
        const K::Wkv7Shape s = shapeOf(r);
        Tensor dy = grads[0].defined() ? toBf16(grads[0]) : torch::zeros_like(r);
        Tensor dsT = grads[1].defined() ? toF32(grads[1]) : Tensor();
        const bool hasS0 = ctx->saved_data["has_s0"].toBool();
        Tensor dr = torch::empty_like(r), dz = torch::empty_like(r), dk = torch::empty_like(r),
               dv = torch::empty_like(r), da = torch::empty_like(r), db = torch::empty_like(r);
        Tensor ds0 = hasS0 ? torch::empty({s.B, s.H, s.N, s.N}, sT.options()) : Tensor();
        K::wkv7BackwardCuda(s, {bf(r), bf(z), bf(k), bf(v), bf(a), bf(b)}, f32(sT), f32(ckpt), f32(sa), bf(dy),
                            f32(dsT),
                            {mbf(dr), mbf(dz), mbf(dk), mbf(dv), mbf(da), mbf(db),
                             hasS0 ? ds0.data_ptr<float>() : nullptr},
                            currentStream());
        const auto inType = static_cast<torch::ScalarType>(ctx->saved_data["in_dtype"].toInt());
        const auto s0Type = static_cast<torch::ScalarType>(ctx->saved_data["s0_dtype"].toInt());
        return {dr.to(inType), dz.to(inType), dk.to(inType), dv.to(inType), da.to(inType), db.to(inType),
                hasS0 ? ds0.to(s0Type) : Tensor(), Tensor()};
    }
};

}  // namespace

Wkv7Result wkv7Cuda(const Tensor& r, const Tensor& z, const Tensor& k, const Tensor& v, const Tensor& a,
                    const Tensor& b, const Tensor& s0) {
    checkCudaInputs(r, z, k, v, a, b, s0);
    bool needsGrad = false;
    for (const Tensor* t : {&r, &z, &k, &v, &a, &b, &s0})
        needsGrad = needsGrad || (t->defined() && t->requires_grad());
    if (needsGrad && torch::GradMode::is_enabled()) {
        const Tensor s0Arg = s0.defined() ? s0 : torch::empty({0}, r.options().dtype(torch::kFloat));
        variable_list out = Wkv7CudaFunction::apply(r, z, k, v, a, b, s0Arg, s0.defined());
        return {out[0], out[1]};
    }
    // Inference: no checkpoints, no sa, no graph.
    const c10::cuda::CUDAGuard guard(r.device());
    Tensor rc = toBf16(r), zc = toBf16(z), kc = toBf16(k), vc = toBf16(v), ac = toBf16(a), bc = toBf16(b);
    Tensor s0c = s0.defined() ? toF32(s0) : Tensor();
    const K::Wkv7Shape s = shapeOf(rc);
    Tensor y = torch::empty_like(rc);
    Tensor sT = torch::empty({s.B, s.H, s.N, s.N}, rc.options().dtype(torch::kFloat));
    K::wkv7ForwardCuda(s, {bf(rc), bf(zc), bf(kc), bf(vc), bf(ac), bf(bc)}, f32(s0c), mbf(y), sT.data_ptr<float>(),
                       nullptr, nullptr, currentStream());
    return {y.to(r.scalar_type()), sT};
}

}  // namespace pm::ops
