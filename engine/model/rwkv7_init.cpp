// From-scratch initialisation, RWKV-LM train_temp HEAD recipe (spec §1.3): layer-dependent
// token-shift ratios, zigzag decay pattern, orthogonal matrices with the table's gains, zeros
// for w1/a1/v1/g1 and the two output projections (so every block starts as an identity).
#include "model/rwkv7_model.h"

#include <cmath>

namespace pm::model {

using torch::Tensor;

namespace {

// Orthogonal init with a gain, on a private generator so the seed alone decides the result.
void orthogonal(Tensor& w, double gain, torch::Generator& gen) {
    const int64_t rows = w.size(0), cols = w.size(1);
    // QR of a Gaussian matrix (taller side first), signs fixed by R's diagonal: Haar-distributed.
    Tensor g = torch::randn({std::max(rows, cols), std::min(rows, cols)}, gen, torch::kDouble);
    auto qr = torch::linalg_qr(g);
    Tensor q = std::get<0>(qr) * torch::sign(torch::diagonal(std::get<1>(qr)));
    if (rows < cols) q = q.t();
    w.copy_(q.narrow(0, 0, rows).narrow(1, 0, cols) * gain);
}

}  // namespace

void Rwkv7ModelImpl::initWeights(uint64_t seed) {
    torch::NoGradGuard ng;
    auto gen = at::detail::createCPUGenerator(seed);
    const int64_t C = cfg_.nEmbd, L = cfg_.nLayer, N = cfg_.headSize, V = cfg_.vocabSize;
    const auto opt = torch::TensorOptions().dtype(torch::kDouble);
    const Tensor n = torch::arange(C, opt);
    const Tensor ddd = n / double(C);                                   // n / C
    const Tensor lin = n / double(C - 1) - 0.5;                         // n/(C-1) - 0.5
    const Tensor zz = (torch::fmod(n, double(N)) - (N - 1) / 2.0) / ((N - 1) / 2.0);
    const Tensor zigzag = zz * zz.abs();
    const auto row = [C](const Tensor& t) { return t.reshape({1, 1, C}); };

    emb->weight.uniform_(-1e-4, 1e-4, gen);
    ln_out->weight.fill_(1);
    ln_out->bias.zero_();
    for (Block& b : blockList_) {
        const int64_t l = b->layer;
        const double r01 = L > 1 ? double(l) / double(L - 1) : 0.0;
        const double r1 = 1.0 - double(l) / double(L);
        const Tensor www = -6 + 6 * torch::pow(n / double(C - 1), 1 + std::pow(r01, 0.3));
        for (torch::nn::LayerNorm* ln : {&b->ln1, &b->ln2, &b->ln0}) {
            if (!*ln) continue;
            (*ln)->weight.fill_(1);
            (*ln)->bias.zero_();
        }
        TimeMixImpl& a = *b->att;
        a.x_r.copy_(row(1 - torch::pow(ddd, 0.2 * r1)));
        a.x_g.copy_(row(1 - torch::pow(ddd, 0.2 * r1)));
        a.x_w.copy_(row(1 - torch::pow(ddd, 0.9 * r1)));
        a.x_a.copy_(row(1 - torch::pow(ddd, 0.9 * r1)));
        a.x_k.copy_(row(1 - torch::pow(ddd, 0.7 * r1)));
        a.x_v.copy_(row(1 - torch::pow(ddd, 0.7 * r1)));
        a.w0.copy_(row(www + 0.5 + 2.5 * zigzag));
        a.a0.copy_(row(-0.19 + 0.3 * zigzag + 0.4 * lin));
        if (a.v0.defined()) a.v0.copy_(row(0.73 - 0.4 * lin));
        for (Tensor* t : {&a.w1, &a.a1, &a.v1, &a.g1})
            if (t->defined()) t->zero_();
        for (Tensor* t : {&a.w2, &a.a2, &a.v2, &a.g2})
            if (t->defined()) orthogonal(*t, 0.1, gen);   // rows < cols: no √(rows/cols) factor
        a.k_k.copy_(row(0.71 - 0.1 * lin));
        a.k_a.fill_(1.02);
        a.r_k.fill_(-0.04);
        a.ln_x->weight.fill_(std::pow(double(l + 1) / double(L), 0.7));
        a.ln_x->bias.zero_();
        orthogonal(a.receptance->weight, 1.0, gen);
        orthogonal(a.value->weight, 1.0, gen);
        orthogonal(a.key->weight, 0.1, gen);
        a.output->weight.zero_();
        if (a.time_state.defined()) a.time_state.zero_();
        ChannelMixImpl& f = *b->ffn;
        f.x_k.copy_(row(1 - torch::pow(ddd, std::pow(r1, 4))));
        orthogonal(f.key->weight, 1.0, gen);
        f.value->weight.zero_();
        if (f.enn) f.enn->weight.fill_(1.0);   // DeepEmbed: not published; ones = plain x070 at start
    }
    orthogonal(headLinear->weight, V > C ? 0.5 * std::sqrt(double(V) / double(C)) : 0.5, gen);
}

}  // namespace pm::model
