#include "model/rwkv7_fast_step.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace pm::model {

using torch::Tensor;

namespace {

std::atomic<bool>& enabledFlag() {
    static std::atomic<bool> flag{[] {
        const char* env = std::getenv("PIANOMUSE_FAST_STEP");
        return !(env && std::strcmp(env, "0") == 0);
    }()};
    return flag;
}

// A parameter as a contiguous fp32 copy (optionally transposed first).
std::vector<float> floats(const Tensor& t, bool transpose = false) {
    Tensor f = t.detach();
    if (transpose) f = f.t();
    f = f.to(torch::kCPU, torch::kFloat).contiguous();
    const float* p = f.data_ptr<float>();
    return std::vector<float>(p, p + f.numel());
}

// The effective weight of a Dense: W, plus (α/r)·B·A when LoRA adapters are on, so the copy is
// what DenseImpl::forward computes whether or not the adapters were merged.
Tensor denseWeight(const Dense& d) {
    Tensor w = d->weight.detach().to(torch::kFloat);
    if (d->hasLora()) w = w + torch::matmul(d->loraB.detach().to(torch::kFloat), d->loraA.detach().to(torch::kFloat)) *
                                  d->loraScale;
    return w;
}

// A big matrix, [rows][cols] after the optional transpose: as bf16 bit patterns when every value
// survives the round trip through bf16 (then the step reads half the bytes and computes exactly
// the same numbers), else fp32.
pm::kernels::Rwkv7StepMatrix matrix(const Tensor& t, bool transpose, bool bf16WhenExact) {
    Tensor f = t.detach();
    if (transpose) f = f.t();
    f = f.to(torch::kCPU, torch::kFloat).contiguous();
    pm::kernels::Rwkv7StepMatrix m;
    m.rows = f.size(0);
    m.cols = f.size(1);
    if (bf16WhenExact) {
        const Tensor b = f.to(torch::kBFloat16).contiguous();
        if (torch::equal(b.to(torch::kFloat), f)) {
            const auto* p = reinterpret_cast<const uint16_t*>(b.data_ptr());
            m.bf16.assign(p, p + b.numel());
            return m;
        }
    }
    const float* p = f.data_ptr<float>();
    m.f32.assign(p, p + f.numel());
    return m;
}

}  // namespace

void setFastStepEnabled(bool enabled) { enabledFlag() = enabled; }
bool fastStepEnabled() { return enabledFlag(); }

bool Rwkv7FastStep::supported(Rwkv7ModelImpl& model, std::string* why) {
    const Tensor& w = model.emb->weight;
    const auto no = [&](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    if (!w.device().is_cpu()) return no("the model is not on the CPU");
    const auto dt = w.scalar_type();
    if (dt != torch::kFloat && dt != torch::kBFloat16 && dt != torch::kHalf)
        return no(std::string("parameters of dtype ") + c10::toString(dt) + " (fp32, bf16 or fp16 only)");
    for (const auto& p : model.parameters())
        if (!p.device().is_cpu() || p.scalar_type() != dt) return no("parameters of mixed devices or dtypes");
    return true;
}

pm::kernels::Rwkv7StepWeights packFastStepWeights(Rwkv7ModelImpl& model, bool bf16WhenExact) {
    torch::NoGradGuard ng;
    const Rwkv7Config& c = model.config();
    pm::kernels::Rwkv7StepWeights out;
    auto& s = out.shape;
    s.vocab = c.vocabSize;
    s.embd = c.nEmbd;
    s.layers = c.nLayer;
    s.headSize = c.headSize;
    s.ffn = c.ffnDim;
    s.loraW = c.loraW;
    s.loraA = c.loraA;
    s.loraV = c.loraV;
    s.loraG = c.loraG;
    s.deepEmbed = c.deepEmbed;
    out.emb = floats(model.emb->weight);
    out.lnOutW = floats(model.ln_out->weight);
    out.lnOutB = floats(model.ln_out->bias);
    out.head = matrix(denseWeight(model.headLinear), false, bf16WhenExact);
    for (int64_t l = 0; l < c.nLayer; ++l) {
        BlockImpl& b = *model.blocks[size_t(l)]->as<BlockImpl>();
        TimeMixImpl& a = *b.att;
        ChannelMixImpl& f = *b.ffn;
        pm::kernels::Rwkv7StepLayer L;
        if (b.ln0) {
            L.ln0w = floats(b.ln0->weight);
            L.ln0b = floats(b.ln0->bias);
        }
        L.ln1w = floats(b.ln1->weight);
        L.ln1b = floats(b.ln1->bias);
        L.ln2w = floats(b.ln2->weight);
        L.ln2b = floats(b.ln2->bias);
        L.xr = floats(a.x_r);
        L.xw = floats(a.x_w);
        L.xk = floats(a.x_k);
        L.xv = floats(a.x_v);
        L.xa = floats(a.x_a);
        L.xg = floats(a.x_g);
        // LoRA factors are used as x @ M with M [in, out]: stored transposed, [out][in].
        L.w0 = floats(a.w0);
        L.w1t = floats(a.w1, true);
        L.w2t = floats(a.w2, true);
        L.a0 = floats(a.a0);
        L.a1t = floats(a.a1, true);
        L.a2t = floats(a.a2, true);
        if (l > 0) {
            L.v0 = floats(a.v0);
            L.v1t = floats(a.v1, true);
            L.v2t = floats(a.v2, true);
        }
        L.g1t = floats(a.g1, true);
        L.g2t = floats(a.g2, true);
        L.kK = floats(a.k_k);
        L.kA = floats(a.k_a);
        L.rK = floats(a.r_k);
        L.wr = matrix(denseWeight(a.receptance), false, bf16WhenExact);
        L.wk = matrix(denseWeight(a.key), false, bf16WhenExact);
        L.wv = matrix(denseWeight(a.value), false, bf16WhenExact);
        L.wo = matrix(denseWeight(a.output), false, bf16WhenExact);
        L.lnxw = floats(a.ln_x->weight);
        L.lnxb = floats(a.ln_x->bias);
        L.ffnXk = floats(f.x_k);
        L.ffnKey = matrix(denseWeight(f.key), false, bf16WhenExact);
        L.ffnValueT = matrix(denseWeight(f.value), true, bf16WhenExact);
        if (c.deepEmbed) L.enn = floats(f.enn->weight);
        out.layers.push_back(std::move(L));
    }
    return out;
}

Rwkv7FastStep::Rwkv7FastStep(Rwkv7ModelImpl& model, bool bf16WhenExact, FastStepOptions options) {
    using pm::kernels::Rwkv7WeightMode;
    std::string why;
    if (!supported(model, &why)) throw std::invalid_argument("fused CPU step: " + why);
    dtype_ = model.emb->weight.scalar_type();
    pm::kernels::Rwkv7StepWeights w = packFastStepWeights(model, bf16WhenExact);
    switch (options.weights) {
    case FastStepWeights::Auto:
        mode_ = pm::kernels::rwkv7StepMatrixBytes(w) > kAutoInt8Bytes ? Rwkv7WeightMode::Int8 : Rwkv7WeightMode::Exact;
        break;
    case FastStepWeights::Exact: mode_ = Rwkv7WeightMode::Exact; break;
    case FastStepWeights::Bf16: mode_ = Rwkv7WeightMode::Bf16; break;
    case FastStepWeights::Int8: mode_ = Rwkv7WeightMode::Int8; break;
    }
    // A matrix with a non-finite value keeps its exact storage (its NaN/inf then shows as it would).
    pm::kernels::rwkv7StepConvertWeights(w, mode_);
    matrixBytes_ = pm::kernels::rwkv7StepMatrixBytes(w);
    bf16Weights_ = !w.head.bf16.empty();
    for (const auto& l : w.layers)
        for (const auto* m : {&l.wr, &l.wk, &l.wv, &l.wo, &l.ffnKey, &l.ffnValueT}) bf16Weights_ |= !m->bf16.empty();
    pm::kernels::Rwkv7StepOptions ko;
    ko.threads = std::max(1, options.threads);
    ko.loraBf16 = mode_ == Rwkv7WeightMode::Int8;   // int8 mode: LoRA factors as bf16 (docs/generation.md)
    kernel_ = std::make_unique<pm::kernels::Rwkv7StepCpu>(std::move(w), ko);
    state_ = kernel_->zeroState();
    initialWkv_.assign(state_.wkv.size(), 0.0f);
    const Rwkv7Config& c = model.config();
    const size_t perLayer = size_t(c.nEmbd * c.headSize);
    for (int64_t l = 0; l < c.nLayer; ++l) {
        const Tensor& ts = model.blocks[size_t(l)]->as<BlockImpl>()->att->time_state;
        if (!ts.defined()) continue;
        const std::vector<float> v = floats(ts);
        std::copy(v.begin(), v.end(), initialWkv_.begin() + std::ptrdiff_t(size_t(l) * perLayer));
    }
    reset();
}

std::unique_ptr<Rwkv7FastStep> Rwkv7FastStep::tryCreate(Rwkv7ModelImpl& model, std::string* why,
                                                        FastStepOptions options) {
    if (!fastStepEnabled()) {
        if (why) *why = "switched off";
        return nullptr;
    }
    if (!supported(model, why)) return nullptr;
    return std::make_unique<Rwkv7FastStep>(model, true, options);
}

void Rwkv7FastStep::reset() {
    std::fill(state_.attXPrev.begin(), state_.attXPrev.end(), 0.0f);
    std::fill(state_.ffnXPrev.begin(), state_.ffnXPrev.end(), 0.0f);
    state_.wkv = initialWkv_;
}

void Rwkv7FastStep::setState(const Rwkv7State& st) {
    const auto& sh = kernel_->shape();
    reset();
    if (st.layers.empty()) return;
    if (int64_t(st.layers.size()) != sh.layers)
        throw std::invalid_argument("fused CPU step: the state has " + std::to_string(st.layers.size()) +
                                    " layers, the model " + std::to_string(sh.layers));
    const int64_t C = sh.embd, NN = sh.embd * sh.headSize;
    // A defined tensor must hold exactly one sequence's values; copied as fp32.
    const auto copy = [](const Tensor& t, int64_t n, float* dst, const char* what) {
        if (!t.defined()) return;
        if (t.numel() != n)
            throw std::invalid_argument(std::string("fused CPU step: ") + what +
                                        " does not fit the model at batch 1");
        const Tensor f = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
        std::memcpy(dst, f.data_ptr<float>(), sizeof(float) * size_t(n));
    };
    for (int64_t l = 0; l < sh.layers; ++l) {
        const LayerState& ls = st.layers[size_t(l)];
        copy(ls.attXPrev, C, state_.attXPrev.data() + l * C, "att x_prev");
        copy(ls.ffnXPrev, C, state_.ffnXPrev.data() + l * C, "ffn x_prev");
        copy(ls.wkv, NN, state_.wkv.data() + l * NN, "the WKV state");
    }
}

Rwkv7State Rwkv7FastStep::state() const {
    const auto& sh = kernel_->shape();
    const int64_t C = sh.embd, H = sh.heads(), N = sh.headSize;
    const auto fromBuffer = [](const float* p, std::vector<int64_t> sizes) {
        return torch::from_blob(const_cast<float*>(p), sizes, torch::kFloat).clone();
    };
    Rwkv7State out;
    for (int64_t l = 0; l < sh.layers; ++l) {
        LayerState ls;
        ls.attXPrev = fromBuffer(state_.attXPrev.data() + l * C, {1, C}).to(dtype_);
        ls.ffnXPrev = fromBuffer(state_.ffnXPrev.data() + l * C, {1, C}).to(dtype_);
        ls.wkv = fromBuffer(state_.wkv.data() + l * C * N, {1, H, N, N});
        out.layers.push_back(std::move(ls));
    }
    return out;
}

}  // namespace pm::model
