#include "model/rwkv7_model.h"

#include <stdexcept>
#include <unordered_map>

namespace pm::model {

using torch::Tensor;

Rwkv7State Rwkv7State::detached() const {
    Rwkv7State out;
    for (const LayerState& l : layers) {
        const auto d = [](const Tensor& t) { return t.defined() ? t.detach() : t; };
        out.layers.push_back({d(l.attXPrev), d(l.wkv), d(l.ffnXPrev)});
    }
    return out;
}

Rwkv7ModelImpl::Rwkv7ModelImpl(const Rwkv7Config& cfg) : cfg_(cfg) {
    cfg_.validate();
    emb = register_module("emb", torch::nn::Embedding(cfg.vocabSize, cfg.nEmbd));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t l = 0; l < cfg.nLayer; ++l) {
        blockList_.push_back(Block(cfg, l));
        blocks->push_back(blockList_.back());
    }
    ln_out = register_module("ln_out", torch::nn::LayerNorm(torch::nn::LayerNormOptions({cfg.nEmbd}).eps(1e-5)));
    headLinear = register_module("head", Dense(cfg.nEmbd, cfg.vocabSize));
}

Tensor Rwkv7ModelImpl::forwardHidden(const Tensor& tokens, Rwkv7State* state) {
    TORCH_CHECK(tokens.dim() == 2, "tokens must be (B, T), got ", tokens.sizes());
    TORCH_CHECK(tokens.size(1) > 0, "tokens must hold at least one position");
    Rwkv7State local;
    Rwkv7State& st = state ? *state : local;
    if (st.layers.empty()) st.layers.resize(size_t(cfg_.nLayer));
    TORCH_CHECK(int64_t(st.layers.size()) == cfg_.nLayer, "state has ", st.layers.size(), " layers, model ",
                cfg_.nLayer);
    Tensor x = emb(tokens);   // (B, T, C); ln0 runs inside block 0
    Tensor vFirst;
    for (size_t l = 0; l < blockList_.size(); ++l) x = blockList_[l]->forward(x, tokens, vFirst, st.layers[l]);
    return ln_out(x);
}

Tensor Rwkv7ModelImpl::head(const Tensor& hidden) { return headLinear(hidden); }

Tensor Rwkv7ModelImpl::forward(const Tensor& tokens, Rwkv7State* state) {
    return head(forwardHidden(tokens, state));
}

Tensor Rwkv7ModelImpl::step(const Tensor& tokens, Rwkv7State& state) {
    TORCH_CHECK(tokens.dim() == 1, "step takes one token per sequence, (B), got ", tokens.sizes());
    return forward(tokens.unsqueeze(1), &state).squeeze(1);
}

Rwkv7State Rwkv7ModelImpl::initialState(int64_t batch) {
    const auto opt = emb->weight.options();
    Rwkv7State st;
    for (const Block& b : blockList_) {
        LayerState l;
        l.attXPrev = torch::zeros({batch, cfg_.nEmbd}, opt);
        l.ffnXPrev = torch::zeros({batch, cfg_.nEmbd}, opt);
        const Tensor& ts = b->att->time_state;
        l.wkv = ts.defined() ? ts.to(torch::kFloat).unsqueeze(0).expand({batch, -1, -1, -1})
                             : torch::zeros({batch, cfg_.nHead(), cfg_.headSize, cfg_.headSize},
                                            opt.dtype(torch::kFloat));
        st.layers.push_back(l);
    }
    return st;
}

void Rwkv7ModelImpl::enableStateTuning() {
    for (Block& b : blockList_) b->att->enableStateTuning();
}

bool Rwkv7ModelImpl::stateTuning() const {
    return !blockList_.empty() && blockList_.front()->att->time_state.defined();
}

std::vector<Tensor> Rwkv7ModelImpl::stateTuningParameters() {
    std::vector<Tensor> out;
    for (Block& b : blockList_)
        if (b->att->time_state.defined()) out.push_back(b->att->time_state);
    return out;
}

void Rwkv7ModelImpl::enableLora(int64_t rank, double alpha) {
    for (Block& b : blockList_) {
        for (Dense* d : {&b->att->receptance, &b->att->key, &b->att->value, &b->att->output, &b->ffn->key,
                         &b->ffn->value})
            (*d)->enableLora(rank, alpha);
    }
}

void Rwkv7ModelImpl::mergeLora() {
    for (Block& b : blockList_)
        for (Dense* d : {&b->att->receptance, &b->att->key, &b->att->value, &b->att->output, &b->ffn->key,
                         &b->ffn->value})
            (*d)->mergeLora();
}

void Rwkv7ModelImpl::loadTensors(const std::vector<std::pair<std::string, Tensor>>& tensors) {
    auto params = named_parameters(/*recurse=*/true);
    std::unordered_map<std::string, bool> filled;
    torch::NoGradGuard ng;
    for (const auto& [name, t] : tensors) {
        if (isIgnoredCheckpointKey(name)) continue;
        if (name.size() > 15 && name.compare(name.size() - 15, 15, ".att.time_state") == 0 && !stateTuning())
            enableStateTuning(), params = named_parameters(true);
        Tensor* p = params.find(name);
        if (!p) throw std::invalid_argument("unexpected tensor '" + name + "' for " + cfg_.describe());
        if (p->sizes() != t.sizes())
            throw std::invalid_argument("tensor '" + name + "' has the wrong shape for " + cfg_.describe());
        p->copy_(t);
        filled[name] = true;
    }
    for (const auto& item : params) {
        const std::string& k = item.key();
        const bool adapter = k.find("lora_") != std::string::npos || k.find("time_state") != std::string::npos;
        if (!filled.count(k) && !adapter) throw std::invalid_argument("checkpoint lacks '" + k + "'");
    }
}

}  // namespace pm::model
