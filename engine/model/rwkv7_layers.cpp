#include "model/rwkv7_layers.h"

#include "ops/wkv7_op.h"

#include <cmath>

namespace pm::model {

using torch::Tensor;
namespace F = torch::nn::functional;

namespace {
// shift(u)_t = u_{t-1}, with the carried previous token at t = 0. u: (B, T, C), prev: (B, C).
Tensor tokenShift(const Tensor& u, const Tensor& prev) {
    const int64_t T = u.size(1);
    const Tensor first = prev.defined() ? prev.to(u.dtype()).unsqueeze(1) : torch::zeros_like(u.narrow(1, 0, 1));
    return T > 1 ? torch::cat({first, u.narrow(1, 0, T - 1)}, 1) : first;
}
}  // namespace

DenseImpl::DenseImpl(int64_t in, int64_t out) {
    weight = register_parameter("weight", torch::zeros({out, in}));
}

Tensor DenseImpl::forward(const Tensor& x) {
    Tensor y = torch::matmul(x, weight.t());
    if (loraA.defined()) y = y + torch::matmul(torch::matmul(x, loraA.t()), loraB.t()) * loraScale;
    return y;
}

void DenseImpl::enableLora(int64_t rank, double alpha) {
    TORCH_CHECK(!loraA.defined(), "LoRA is already enabled");
    TORCH_CHECK(rank > 0, "LoRA rank must be positive");
    const int64_t out = weight.size(0), in = weight.size(1);
    loraA = register_parameter("lora_A", torch::empty({rank, in}, weight.options()));
    loraB = register_parameter("lora_B", torch::zeros({out, rank}, weight.options()));
    {
        torch::NoGradGuard ng;
        loraA.uniform_(-1.0 / std::sqrt(double(in)), 1.0 / std::sqrt(double(in)));   // as nn.Linear's init
    }
    loraScale = alpha / double(rank);
}

void DenseImpl::mergeLora() {
    if (!loraA.defined()) return;
    torch::NoGradGuard ng;
    weight.add_(torch::matmul(loraB, loraA) * loraScale);
    loraB.zero_();
}

TimeMixImpl::TimeMixImpl(const Rwkv7Config& cfg, int64_t layer_)
    : layer(layer_), nHead(cfg.nHead()), headSize(cfg.headSize) {
    const int64_t C = cfg.nEmbd;
    const auto vec = [&](const char* name) { return register_parameter(name, torch::zeros({1, 1, C})); };
    x_r = vec("x_r");
    x_w = vec("x_w");
    x_k = vec("x_k");
    x_v = vec("x_v");
    x_a = vec("x_a");
    x_g = vec("x_g");
    w0 = vec("w0");
    w1 = register_parameter("w1", torch::zeros({C, cfg.loraW}));
    w2 = register_parameter("w2", torch::zeros({cfg.loraW, C}));
    a0 = vec("a0");
    a1 = register_parameter("a1", torch::zeros({C, cfg.loraA}));
    a2 = register_parameter("a2", torch::zeros({cfg.loraA, C}));
    if (layer > 0) {   // layer 0 has no value residual (its v0/v1/v2 in official files are unused)
        v0 = vec("v0");
        v1 = register_parameter("v1", torch::zeros({C, cfg.loraV}));
        v2 = register_parameter("v2", torch::zeros({cfg.loraV, C}));
    }
    g1 = register_parameter("g1", torch::zeros({C, cfg.loraG}));
    g2 = register_parameter("g2", torch::zeros({cfg.loraG, C}));
    k_k = vec("k_k");
    k_a = vec("k_a");
    r_k = register_parameter("r_k", torch::zeros({nHead, headSize}));
    receptance = register_module("receptance", Dense(C, C));
    key = register_module("key", Dense(C, C));
    value = register_module("value", Dense(C, C));
    output = register_module("output", Dense(C, C));
    ln_x = register_module("ln_x", torch::nn::GroupNorm(torch::nn::GroupNormOptions(nHead, C).eps(64e-5)));
}

void TimeMixImpl::enableStateTuning() {
    if (time_state.defined()) return;
    time_state = register_parameter("time_state", torch::zeros({nHead, headSize, headSize}, r_k.options()));
}

TimeMixImpl::Out TimeMixImpl::forward(const Tensor& x, const Tensor& xPrev, const Tensor& vFirstIn,
                                      const Tensor& s0) {
    const int64_t B = x.size(0), T = x.size(1), C = x.size(2), H = nHead, N = headSize;
    const Tensor dx = tokenShift(x, xPrev) - x;                  // (B, T, C)
    const Tensor xr = x + dx * x_r, xw = x + dx * x_w, xk = x + dx * x_k;
    const Tensor xv = x + dx * x_v, xa = x + dx * x_a, xg = x + dx * x_g;

    const Tensor r = receptance(xr);                             // (B, T, C)
    Tensor k = key(xk);
    Tensor v = value(xv);
    const Tensor z = w0 + torch::matmul(torch::tanh(torch::matmul(xw, w1)), w2);   // decay logit
    const Tensor a = torch::sigmoid(a0 + torch::matmul(torch::matmul(xa, a1), a2)); // iclr ∈ (0,1)
    const Tensor g = torch::matmul(torch::sigmoid(torch::matmul(xg, g1)), g2);      // no 2nd sigmoid

    Tensor vFirst = vFirstIn;
    if (layer == 0) vFirst = v;
    else v = v + (vFirst - v) * torch::sigmoid(v0 + torch::matmul(torch::matmul(xv, v1), v2));

    const auto heads = [&](const Tensor& t) { return t.reshape({B, T, H, N}); };
    const Tensor kkRaw = heads(k * k_k);                          // (B, T, H, N), from the original k
    const Tensor kk = kkRaw / kkRaw.norm(2, -1, true).clamp_min(1e-12);
    k = k * (1 + (a - 1) * k_a);                                 // replacement key

    const ops::Wkv7Result w = ops::wkv7(heads(r), heads(z), heads(k), heads(v), -kk, kk * heads(a), s0);
    // The norm in its parameters' dtype: under bf16 autocast the WKV output is bf16 and CPU
    // group_norm (LibTorch 1.13) refuses mixed dtypes; in plain fp32 this is a no-op.
    Tensor y = F::group_norm(w.y.reshape({B * T, C}).to(ln_x->weight.scalar_type()),
                             F::GroupNormFuncOptions(H).weight(ln_x->weight)
                                                          .bias(ln_x->bias).eps(64e-5))
                   .reshape({B, T, C});
    const Tensor bonus = (heads(r) * heads(k) * r_k).sum(-1, true) * heads(v);   // (B, T, H, N)
    y = y + bonus.reshape({B, T, C});
    return {output(y * g), vFirst, w.state};
}

ChannelMixImpl::ChannelMixImpl(const Rwkv7Config& cfg) {
    x_k = register_parameter("x_k", torch::zeros({1, 1, cfg.nEmbd}));
    key = register_module("key", Dense(cfg.nEmbd, cfg.ffnDim));
    value = register_module("value", Dense(cfg.ffnDim, cfg.nEmbd));
    if (cfg.deepEmbed) enn = register_module("enn", torch::nn::Embedding(cfg.vocabSize, cfg.nEmbd));
}

Tensor ChannelMixImpl::forward(const Tensor& x, const Tensor& xPrev, const Tensor& tokens) {
    const Tensor xk = x + (tokenShift(x, xPrev) - x) * x_k;
    Tensor out = value(torch::relu(key(xk)).square());
    if (enn) out = out * enn(tokens);   // DeepEmbed: × a token-indexed vector
    return out;
}

BlockImpl::BlockImpl(const Rwkv7Config& cfg, int64_t layer_) : layer(layer_) {
    const auto ln = [&](const char* name) {
        return register_module(name, torch::nn::LayerNorm(torch::nn::LayerNormOptions({cfg.nEmbd}).eps(1e-5)));
    };
    ln1 = ln("ln1");
    ln2 = ln("ln2");
    if (layer == 0) ln0 = ln("ln0");
    att = register_module("att", TimeMix(cfg, layer));
    ffn = register_module("ffn", ChannelMix(cfg));
}

Tensor BlockImpl::forward(const Tensor& xIn, const Tensor& tokens, Tensor& vFirst, LayerState& state) {
    Tensor x = ln0 ? ln0(xIn) : xIn;
    const Tensor h1 = ln1(x);
    Tensor s0 = state.wkv;
    if (!s0.defined() && att->time_state.defined())
        s0 = att->time_state.unsqueeze(0).expand({x.size(0), -1, -1, -1});
    TimeMixImpl::Out tm = att(h1, state.attXPrev, vFirst, s0);
    vFirst = tm.vFirst;
    x = x + tm.out;
    const Tensor h2 = ln2(x);
    x = x + ffn(h2, state.ffnXPrev, tokens);
    const int64_t T = x.size(1);
    state.attXPrev = h1.select(1, T - 1);
    state.ffnXPrev = h2.select(1, T - 1);
    state.wkv = tm.state;
    return x;
}

}  // namespace pm::model
