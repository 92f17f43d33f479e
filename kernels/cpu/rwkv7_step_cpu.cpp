// The fused batch-1 RWKV-7 step (see pianomuse/kernels/rwkv7_step_cpu.h). The order of operations
// follows engine/model/rwkv7_layers.cpp line by line, so a difference between the two is a bug
// here, never a second definition of the model.
#include "pianomuse/kernels/rwkv7_step_cpu.h"

#include "rwkv7_step_ops.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pm::kernels {

namespace {

std::atomic<bool> gSimdEnabled{true};

constexpr float kLayerNormEps = 1e-5f;
constexpr float kGroupNormEps = 64e-5f;

// LayerNorm over n values with biased variance, as torch computes it; out may alias x.
void layerNorm(int64_t n, const float* x, const float* w, const float* b, float eps, float* out) {
    float mean = 0;
    for (int64_t i = 0; i < n; ++i) mean += x[i];
    mean /= float(n);
    float var = 0;
    for (int64_t i = 0; i < n; ++i) var += (x[i] - mean) * (x[i] - mean);
    var /= float(n);
    const float inv = 1.0f / std::sqrt(var + eps);
    for (int64_t i = 0; i < n; ++i) out[i] = (x[i] - mean) * inv * w[i] + b[i];
}

void need(const std::vector<float>& v, int64_t n, const std::string& name) {
    if (int64_t(v.size()) != n)
        throw std::invalid_argument("rwkv7 step: " + name + " has " + std::to_string(v.size()) + " values, expected " +
                                    std::to_string(n));
}

void need(const Rwkv7StepMatrix& m, int64_t rows, int64_t cols, const std::string& name) {
    const int64_t n = rows * cols;
    if (m.rows != rows || m.cols != cols || !((int64_t(m.f32.size()) == n && m.bf16.empty()) ||
                                              (int64_t(m.bf16.size()) == n && m.f32.empty())))
        throw std::invalid_argument("rwkv7 step: " + name + " is not a " + std::to_string(rows) + "x" +
                                    std::to_string(cols) + " matrix in one storage");
}

// y = M x, over whichever storage the matrix has.
void matvec(const step::Ops& op, const Rwkv7StepMatrix& m, const float* x, float* y) {
    if (m.bf16.empty()) op.matvec(m.rows, m.cols, m.f32.data(), x, y);
    else op.matvecBf16(m.rows, m.cols, m.bf16.data(), x, y);
}

void sparseRowsSum(const step::Ops& op, const int32_t* idx, int64_t count, const Rwkv7StepMatrix& m, const float* h,
                   float* y) {
    if (m.bf16.empty()) op.sparseRowsSum(idx, count, m.cols, m.f32.data(), h, y);
    else op.sparseRowsSumBf16(idx, count, m.cols, m.bf16.data(), h, y);
}

void validate(const Rwkv7StepWeights& w) {
    const Rwkv7StepShape& s = w.shape;
    if (s.vocab <= 0 || s.embd <= 0 || s.layers <= 0 || s.headSize <= 0 || s.ffn <= 0 || s.embd % s.headSize != 0 ||
        s.loraW <= 0 || s.loraA <= 0 || s.loraG <= 0 || (s.layers > 1 && s.loraV <= 0))
        throw std::invalid_argument("rwkv7 step: bad shape");
    if (s.ffn > INT32_MAX) throw std::invalid_argument("rwkv7 step: FFN too wide");
    const int64_t C = s.embd, F = s.ffn, V = s.vocab;
    need(w.emb, V * C, "emb");
    need(w.lnOutW, C, "ln_out.weight");
    need(w.lnOutB, C, "ln_out.bias");
    need(w.head, V, C, "head");
    if (int64_t(w.layers.size()) != s.layers) throw std::invalid_argument("rwkv7 step: wrong number of layers");
    for (int64_t l = 0; l < s.layers; ++l) {
        const Rwkv7StepLayer& L = w.layers[size_t(l)];
        const std::string p = "layer " + std::to_string(l) + " ";
        need(L.ln0w, l == 0 ? C : 0, p + "ln0.weight");
        need(L.ln0b, l == 0 ? C : 0, p + "ln0.bias");
        for (const auto* v : {&L.ln1w, &L.ln1b, &L.ln2w, &L.ln2b, &L.xr, &L.xw, &L.xk, &L.xv, &L.xa, &L.xg, &L.w0,
                              &L.a0, &L.kK, &L.kA, &L.rK, &L.lnxw, &L.lnxb, &L.ffnXk})
            need(*v, C, p + "vector");
        need(L.w1t, s.loraW * C, p + "w1");
        need(L.w2t, s.loraW * C, p + "w2");
        need(L.a1t, s.loraA * C, p + "a1");
        need(L.a2t, s.loraA * C, p + "a2");
        need(L.v0, l == 0 ? 0 : C, p + "v0");
        need(L.v1t, l == 0 ? 0 : s.loraV * C, p + "v1");
        need(L.v2t, l == 0 ? 0 : s.loraV * C, p + "v2");
        need(L.g1t, s.loraG * C, p + "g1");
        need(L.g2t, s.loraG * C, p + "g2");
        for (const auto* m : {&L.wr, &L.wk, &L.wv, &L.wo}) need(*m, C, C, p + "att matrix");
        need(L.ffnKey, F, C, p + "ffn.key");
        need(L.ffnValueT, F, C, p + "ffn.value");
        need(L.enn, s.deepEmbed ? V * C : 0, p + "ffn.enn");
    }
}

}  // namespace

void rwkv7StepSetSimdEnabled(bool enabled) { gSimdEnabled = enabled; }
bool rwkv7StepSimdAvailable() { return gSimdEnabled && step::avx2Ops() != nullptr; }

// Every buffer one token needs, allocated once.
struct Rwkv7StepCpu::Scratch {
    const step::Ops* ops = nullptr;
    bool simd = false;
    std::vector<float> x, u, xr, xw, xk, xv, xa, xg, r, k, v, vFirst, z, decay, iclr, gate, vGate, kk, aIn, bIn, y,
        out, lora, hidden, logits;
    std::vector<int32_t> nonZero;
};

Rwkv7StepCpu::Rwkv7StepCpu(Rwkv7StepWeights weights) : w_(std::move(weights)), s_(new Scratch) {
    validate(w_);
    const Rwkv7StepShape& sh = w_.shape;
    const size_t C = size_t(sh.embd);
    const step::Ops* simd = gSimdEnabled ? step::avx2Ops() : nullptr;
    s_->ops = simd ? simd : &step::plainOps();
    s_->simd = simd != nullptr;
    for (auto* b : {&s_->x, &s_->u, &s_->xr, &s_->xw, &s_->xk, &s_->xv, &s_->xa, &s_->xg, &s_->r, &s_->k, &s_->v,
                    &s_->vFirst, &s_->z, &s_->decay, &s_->iclr, &s_->gate, &s_->vGate, &s_->kk, &s_->aIn, &s_->bIn,
                    &s_->y, &s_->out})
        b->assign(C, 0.0f);
    s_->lora.assign(size_t(std::max({sh.loraW, sh.loraA, sh.loraV, sh.loraG})), 0.0f);
    s_->hidden.assign(size_t(sh.ffn), 0.0f);
    s_->nonZero.assign(size_t(sh.ffn), 0);
    s_->logits.assign(size_t(sh.vocab), 0.0f);
}

Rwkv7StepCpu::~Rwkv7StepCpu() = default;

bool Rwkv7StepCpu::usesSimd() const { return s_->simd; }

Rwkv7StepState Rwkv7StepCpu::zeroState() const {
    const Rwkv7StepShape& s = w_.shape;
    Rwkv7StepState st;
    st.attXPrev.assign(size_t(s.layers * s.embd), 0.0f);
    st.ffnXPrev.assign(size_t(s.layers * s.embd), 0.0f);
    st.wkv.assign(size_t(s.layers * s.embd * s.headSize), 0.0f);   // L·H·N·N = L·C·N
    return st;
}

const float* Rwkv7StepCpu::step(int64_t token, Rwkv7StepState& st) {
    const Rwkv7StepShape& sh = w_.shape;
    const int64_t C = sh.embd, N = sh.headSize, H = sh.heads(), F = sh.ffn;
    if (token < 0 || token >= sh.vocab)
        throw std::out_of_range("rwkv7 step: token " + std::to_string(token) + " outside the vocabulary");
    if (int64_t(st.attXPrev.size()) != sh.layers * C || int64_t(st.ffnXPrev.size()) != sh.layers * C ||
        int64_t(st.wkv.size()) != sh.layers * C * N)
        throw std::invalid_argument("rwkv7 step: the state does not fit the model");
    const step::Ops& op = *s_->ops;
    Scratch& s = *s_;
    float *x = s.x.data(), *u = s.u.data(), *r = s.r.data(), *k = s.k.data(), *v = s.v.data(), *y = s.y.data();
    float *out = s.out.data(), *lora = s.lora.data(), *a = s.iclr.data(), *g = s.gate.data(), *kk = s.kk.data();
    std::memcpy(x, w_.emb.data() + token * C, sizeof(float) * size_t(C));

    for (int64_t l = 0; l < sh.layers; ++l) {
        const Rwkv7StepLayer& L = w_.layers[size_t(l)];
        if (l == 0) layerNorm(C, x, L.ln0w.data(), L.ln0b.data(), kLayerNormEps, x);

        // Time mix. Token shift on the ln1 output: dx = u_prev - u, x_* = u + dx ⊙ x_*.
        layerNorm(C, x, L.ln1w.data(), L.ln1b.data(), kLayerNormEps, u);
        float* prev = st.attXPrev.data() + l * C;
        for (int64_t c = 0; c < C; ++c) {
            const float d = prev[c] - u[c];
            s.xr[size_t(c)] = u[c] + d * L.xr[size_t(c)];
            s.xw[size_t(c)] = u[c] + d * L.xw[size_t(c)];
            s.xk[size_t(c)] = u[c] + d * L.xk[size_t(c)];
            s.xv[size_t(c)] = u[c] + d * L.xv[size_t(c)];
            s.xa[size_t(c)] = u[c] + d * L.xa[size_t(c)];
            s.xg[size_t(c)] = u[c] + d * L.xg[size_t(c)];
            prev[c] = u[c];
        }
        matvec(op, L.wr, s.xr.data(), r);
        matvec(op, L.wk, s.xk.data(), k);
        matvec(op, L.wv, s.xv.data(), v);
        // Decay logit z = w0 + tanh(xw w1) w2, then the decay itself.
        op.matvec(sh.loraW, C, L.w1t.data(), s.xw.data(), lora);
        op.tanh(sh.loraW, lora, lora);
        op.matvec(C, sh.loraW, L.w2t.data(), lora, s.z.data());
        for (int64_t c = 0; c < C; ++c) s.z[size_t(c)] += L.w0[size_t(c)];
        op.decay(C, s.z.data(), s.decay.data());
        // In-context learning rate a = σ(a0 + (xa a1) a2).
        op.matvec(sh.loraA, C, L.a1t.data(), s.xa.data(), lora);
        op.matvec(C, sh.loraA, L.a2t.data(), lora, a);
        for (int64_t c = 0; c < C; ++c) a[c] += L.a0[size_t(c)];
        op.sigmoid(C, a, a);
        // Output gate g = σ(xg g1) g2 (no sigmoid after g2).
        op.matvec(sh.loraG, C, L.g1t.data(), s.xg.data(), lora);
        op.sigmoid(sh.loraG, lora, lora);
        op.matvec(C, sh.loraG, L.g2t.data(), lora, g);
        // Value residual: layer 0 provides v_first, the others mix towards it.
        if (l == 0) {
            std::memcpy(s.vFirst.data(), v, sizeof(float) * size_t(C));
        } else {
            float* vg = s.vGate.data();
            op.matvec(sh.loraV, C, L.v1t.data(), s.xv.data(), lora);
            op.matvec(C, sh.loraV, L.v2t.data(), lora, vg);
            for (int64_t c = 0; c < C; ++c) vg[c] += L.v0[size_t(c)];
            op.sigmoid(C, vg, vg);
            for (int64_t c = 0; c < C; ++c) v[c] = v[c] + (s.vFirst[size_t(c)] - v[c]) * vg[c];
        }
        // Removal key kk (from the original k), then the replacement key.
        for (int64_t h = 0; h < H; ++h) {
            float* kh = kk + h * N;
            float ss = 0;
            for (int64_t n = 0; n < N; ++n) {
                kh[n] = k[h * N + n] * L.kK[size_t(h * N + n)];
                ss += kh[n] * kh[n];
            }
            const float norm = std::max(std::sqrt(ss), 1e-12f);
            for (int64_t n = 0; n < N; ++n) kh[n] /= norm;
        }
        for (int64_t c = 0; c < C; ++c) {
            k[c] = k[c] * (1 + (a[c] - 1) * L.kA[size_t(c)]);
            s.aIn[size_t(c)] = -kk[c];
            s.bIn[size_t(c)] = kk[c] * a[c];
        }
        float* S = st.wkv.data() + l * C * N;
        for (int64_t h = 0; h < H; ++h) {
            const int64_t o = h * N;
            op.wkvHead(N, S + h * N * N, s.decay.data() + o, r + o, k + o, v + o, s.aIn.data() + o, s.bIn.data() + o,
                       y + o);
        }
        // GroupNorm per head, the r·k·r_k bonus, the gate, the output projection.
        for (int64_t h = 0; h < H; ++h) {
            float* yh = y + h * N;
            layerNorm(N, yh, L.lnxw.data() + h * N, L.lnxb.data() + h * N, kGroupNormEps, yh);
            float bonus = 0;
            for (int64_t n = 0; n < N; ++n) bonus += r[h * N + n] * k[h * N + n] * L.rK[size_t(h * N + n)];
            for (int64_t n = 0; n < N; ++n) yh[n] = (yh[n] + bonus * v[h * N + n]) * g[h * N + n];
        }
        matvec(op, L.wo, y, out);
        for (int64_t c = 0; c < C; ++c) x[c] += out[c];

        // Channel mix: relu(xk Wkeyᵀ)² Wvalueᵀ over the rows whose input is non-zero.
        layerNorm(C, x, L.ln2w.data(), L.ln2b.data(), kLayerNormEps, u);
        prev = st.ffnXPrev.data() + l * C;
        float* xk = s.xk.data();
        for (int64_t c = 0; c < C; ++c) {
            xk[c] = u[c] + (prev[c] - u[c]) * L.ffnXk[size_t(c)];
            prev[c] = u[c];
        }
        float* hid = s.hidden.data();
        matvec(op, L.ffnKey, xk, hid);
        int64_t count = 0;
        for (int64_t f = 0; f < F; ++f) {
            if (hid[f] > 0) {
                hid[f] *= hid[f];
                s.nonZero[size_t(count++)] = int32_t(f);
            }
        }
        sparseRowsSum(op, s.nonZero.data(), count, L.ffnValueT, hid, out);
        if (sh.deepEmbed) {
            const float* e = L.enn.data() + token * C;
            for (int64_t c = 0; c < C; ++c) out[c] *= e[c];
        }
        for (int64_t c = 0; c < C; ++c) x[c] += out[c];
    }
    layerNorm(C, x, w_.lnOutW.data(), w_.lnOutB.data(), kLayerNormEps, u);
    matvec(op, w_.head, u, s.logits.data());
    return s.logits.data();
}

}  // namespace pm::kernels
