// Tensors → pointers for the WKV7 CPU kernels, and the autograd function around them.
#include "ops/wkv7_op.h"

#include "pianomuse/kernels/wkv7.h"

#include <ATen/Parallel.h>

#if PIANOMUSE_TORCH_HAS_CUDA
#include "ops/wkv7_cuda_binding.h"   // wkv7Cuda: the CUDA kernels for CUDA tensors
#endif

#include <cmath>

namespace pm::ops {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

kernels::Wkv7Shape shapeOf(const Tensor& r) {
    return {r.size(0), r.size(1), r.size(2), r.size(3)};
}

void checkInputs(const Tensor& r, const Tensor& z, const Tensor& k, const Tensor& v, const Tensor& a,
                 const Tensor& b, const Tensor& s0) {
    TORCH_CHECK(r.dim() == 4, "wkv7: r must be [B, T, H, N], got ", r.sizes());
    for (const Tensor* t : {&z, &k, &v, &a, &b})
        TORCH_CHECK(t->sizes() == r.sizes(), "wkv7: all inputs must be ", r.sizes(), ", got ", t->sizes());
    for (const Tensor* t : {&z, &k, &v, &a, &b})
        TORCH_CHECK(t->device() == r.device(), "wkv7: inputs on different devices");
    if (s0.defined())
        TORCH_CHECK(s0.dim() == 4 && s0.size(0) == r.size(0) && s0.size(1) == r.size(2) &&
                        s0.size(2) == r.size(3) && s0.size(3) == r.size(3),
                    "wkv7: s0 must be [B, H, N, N] = [", r.size(0), ", ", r.size(2), ", ", r.size(3), ", ",
                    r.size(3), "], got ", s0.sizes());
}

// fp64 inputs compute in fp64; everything else (fp32, bf16, fp16) in fp32.
torch::ScalarType computeType(const Tensor& r) {
    return r.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
}

template <typename F>
const F* ptr(const Tensor& t) { return t.defined() ? t.data_ptr<F>() : nullptr; }
template <typename F>
F* mptr(Tensor& t) { return t.defined() ? t.data_ptr<F>() : nullptr; }

// y, sT (and the checkpoints when wanted) from contiguous compute-type inputs.
template <typename F>
void runForward(const Tensor& r, const Tensor& z, const Tensor& k, const Tensor& v, const Tensor& a,
                const Tensor& b, const Tensor& s0, Tensor& y, Tensor& sT, Tensor& ckpt, Tensor& sa) {
    const kernels::Wkv7Shape s = shapeOf(r);
    at::parallel_for(0, s.B * s.H, 1, [&](int64_t begin, int64_t end) {
        kernels::wkv7ForwardCpu(s, ptr<F>(r), ptr<F>(z), ptr<F>(k), ptr<F>(v), ptr<F>(a), ptr<F>(b),
                                ptr<F>(s0), mptr<F>(y), mptr<F>(sT), mptr<F>(ckpt), {begin, end}, mptr<F>(sa));
    });
}

struct Wkv7Function : public torch::autograd::Function<Wkv7Function> {
    static variable_list forward(AutogradContext* ctx, Tensor r, Tensor z, Tensor k, Tensor v, Tensor a,
                                 Tensor b, Tensor s0, bool hasS0) {
        // LibTorch 1.13 cannot take an undefined tensor through apply(); "no s0" arrives as an
        // empty placeholder plus this flag.
        if (!hasS0) s0 = Tensor();
        const auto ct = computeType(r);
        const auto in = [ct](const Tensor& t) { return t.to(ct).contiguous(); };
        Tensor rc = in(r), zc = in(z), kc = in(k), vc = in(v), ac = in(a), bc = in(b);
        Tensor s0c = s0.defined() ? in(s0) : Tensor();
        const kernels::Wkv7Shape s = shapeOf(rc);
        Tensor y = torch::empty_like(rc);                                              // [B, T, H, N]
        Tensor sT = torch::empty({s.B, s.H, s.N, s.N}, rc.options());                 // [B, H, N, N]
        Tensor ckpt = torch::empty({s.B, s.H, kernels::wkv7CheckpointCount(s), s.N, s.N},
                                   rc.options());                                      // [B, H, C, N, N]
        Tensor sa = torch::empty_like(rc);   // S_{t-1} a_t: spares the backward's recompute a mat-vec
        if (ct == torch::kDouble) runForward<double>(rc, zc, kc, vc, ac, bc, s0c, y, sT, ckpt, sa);
        else runForward<float>(rc, zc, kc, vc, ac, bc, s0c, y, sT, ckpt, sa);
        ctx->save_for_backward({rc, zc, kc, vc, ac, bc, ckpt, sa});
        ctx->saved_data["has_s0"] = s0.defined();
        ctx->saved_data["in_dtype"] = static_cast<int64_t>(r.scalar_type());
        ctx->saved_data["s0_dtype"] = static_cast<int64_t>(s0.defined() ? s0.scalar_type() : ct);
        return {y.to(r.scalar_type()), sT};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const variable_list saved = ctx->get_saved_variables();
        const Tensor &r = saved[0], &z = saved[1], &k = saved[2], &v = saved[3], &a = saved[4], &b = saved[5],
                     &ckpt = saved[6], &sa = saved[7];
        const auto ct = r.scalar_type();
        const kernels::Wkv7Shape s = shapeOf(r);
        Tensor dy = grads[0].defined() ? grads[0].to(ct).contiguous() : torch::zeros_like(r);
        Tensor dsT = grads[1].defined() ? grads[1].to(ct).contiguous() : Tensor();
        const bool hasS0 = ctx->saved_data["has_s0"].toBool();
        Tensor dr = torch::empty_like(r), dz = torch::empty_like(r), dk = torch::empty_like(r),
               dv = torch::empty_like(r), da = torch::empty_like(r), db = torch::empty_like(r);
        Tensor ds0 = hasS0 ? torch::empty({s.B, s.H, s.N, s.N}, r.options()) : Tensor();
        const auto run = [&](auto zero) {
            using F = decltype(zero);
            const kernels::Wkv7Grads<F> g{mptr<F>(dr), mptr<F>(dz), mptr<F>(dk), mptr<F>(dv),
                                          mptr<F>(da), mptr<F>(db), mptr<F>(ds0)};
            at::parallel_for(0, s.B * s.H, 1, [&](int64_t begin, int64_t end) {
                kernels::wkv7BackwardCpu(s, ptr<F>(r), ptr<F>(z), ptr<F>(k), ptr<F>(v), ptr<F>(a), ptr<F>(b),
                                         ptr<F>(ckpt), ptr<F>(dy), ptr<F>(dsT), g, {begin, end}, ptr<F>(sa));
            });
        };
        if (ct == torch::kDouble) run(0.0);
        else run(0.0f);
        const auto inType = static_cast<torch::ScalarType>(ctx->saved_data["in_dtype"].toInt());
        const auto s0Type = static_cast<torch::ScalarType>(ctx->saved_data["s0_dtype"].toInt());
        return {dr.to(inType), dz.to(inType), dk.to(inType), dv.to(inType), da.to(inType), db.to(inType),
                hasS0 ? ds0.to(s0Type) : Tensor(), Tensor()};
    }
};

}  // namespace

Wkv7Result wkv7(const Tensor& r, const Tensor& z, const Tensor& k, const Tensor& v, const Tensor& a,
                const Tensor& b, const Tensor& s0) {
    checkInputs(r, z, k, v, a, b, s0);
#if PIANOMUSE_TORCH_HAS_CUDA
    if (r.is_cuda()) return wkv7Cuda(r, z, k, v, a, b, s0);
#endif
    if (!r.device().is_cpu()) return wkv7Naive(r, z, k, v, a, b, s0);
    bool needsGrad = false;
    for (const Tensor* t : {&r, &z, &k, &v, &a, &b, &s0})
        needsGrad = needsGrad || (t->defined() && t->requires_grad());
    if (needsGrad && torch::GradMode::is_enabled()) {
        const Tensor s0Arg = s0.defined() ? s0 : torch::empty({0}, r.options());
        variable_list out = Wkv7Function::apply(r, z, k, v, a, b, s0Arg, s0.defined());
        return {out[0], out[1]};
    }
    // Inference: no checkpoints, no graph.
    const auto ct = computeType(r);
    const auto in = [ct](const Tensor& t) { return t.to(ct).contiguous(); };
    Tensor rc = in(r), zc = in(z), kc = in(k), vc = in(v), ac = in(a), bc = in(b);
    Tensor s0c = s0.defined() ? in(s0) : Tensor();
    const kernels::Wkv7Shape s = shapeOf(rc);
    Tensor y = torch::empty_like(rc), sT = torch::empty({s.B, s.H, s.N, s.N}, rc.options()), none, noSa;
    if (ct == torch::kDouble) runForward<double>(rc, zc, kc, vc, ac, bc, s0c, y, sT, none, noSa);
    else runForward<float>(rc, zc, kc, vc, ac, bc, s0c, y, sT, none, noSa);
    return {y.to(r.scalar_type()), sT};
}

Wkv7Result wkv7Naive(const Tensor& r, const Tensor& z, const Tensor& k, const Tensor& v, const Tensor& a,
                     const Tensor& b, const Tensor& s0) {
    checkInputs(r, z, k, v, a, b, s0);
    const auto ct = r.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
    const int64_t B = r.size(0), T = r.size(1), H = r.size(2), N = r.size(3);
    const Tensor w = torch::exp(-std::exp(-0.5) * torch::sigmoid(z.to(ct)));   // [B, T, H, N]
    const Tensor rc = r.to(ct), kc = k.to(ct), vc = v.to(ct), ac = a.to(ct), bc = b.to(ct);
    Tensor S = s0.defined() ? s0.to(ct) : torch::zeros({B, H, N, N}, rc.options());   // [B, H, Nv, Nk]
    std::vector<Tensor> ys;
    ys.reserve(size_t(T));
    for (int64_t t = 0; t < T; ++t) {
        const Tensor sa = torch::matmul(S, ac.select(1, t).unsqueeze(-1));          // [B, H, N, 1]
        S = S * w.select(1, t).unsqueeze(2) + sa * bc.select(1, t).unsqueeze(2) +
            vc.select(1, t).unsqueeze(-1) * kc.select(1, t).unsqueeze(2);
        ys.push_back(torch::matmul(S, rc.select(1, t).unsqueeze(-1)).squeeze(-1));   // [B, H, N]
    }
    Tensor y = T > 0 ? torch::stack(ys, 1) : torch::empty_like(rc);
    return {y.to(r.scalar_type()), S};
}

}  // namespace pm::ops
