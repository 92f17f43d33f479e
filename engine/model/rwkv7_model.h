// RWKV-7 "Goose" (x070) language model, optionally RWKV-8 "Heron" (x070 + DeepEmbed), in LibTorch.
//
//   Rwkv7Model model(Rwkv7Config::preset("tiny", 2176));
//   model->initWeights(seed);                              // spec §1.3 recipe
//   Tensor logits = model->forward(tokens);                // GPT mode: (B, T) → (B, T, V)
//   Rwkv7State st = model->initialState(1);               // RNN mode
//   Tensor next = model->step(tok, st);                   // (B) → (B, V), st updated
//   Tensor h = model->forwardHidden(tokens, &st);          // (B, T, C) after ln_out, state carried
//   Tensor some = model->head(h.index_select(1, positions));   // logits only where needed
//
// Parameters carry the official RWKV-LM names ("emb.weight", "blocks.3.att.w1", ...), fp32 by
// default. The WKV state is fp32 whatever the parameters' dtype.
#pragma once

#include "model/rwkv7_config.h"
#include "model/rwkv7_layers.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace pm::model {

// The whole recurrent state, one LayerState per layer; undefined tensors mean "zeros" (a fresh
// sequence). Carry it between forward calls to continue a sequence.
struct Rwkv7State {
    std::vector<LayerState> layers;
    Rwkv7State detached() const;   // the same values cut from the autograd graph (chunked training)
};

class Rwkv7ModelImpl : public torch::nn::Module {
public:
    explicit Rwkv7ModelImpl(const Rwkv7Config& cfg);

    const Rwkv7Config& config() const { return cfg_; }

    // tokens: (B, T) int64. state: nullptr for a fresh sequence (zeros, or the trained initial
    // state with state tuning); otherwise read and replaced by the state after the last token.
    torch::Tensor forward(const torch::Tensor& tokens, Rwkv7State* state = nullptr);   // (B, T, V)
    torch::Tensor forwardHidden(const torch::Tensor& tokens, Rwkv7State* state = nullptr);   // (B, T, C)
    torch::Tensor head(const torch::Tensor& hidden);   // (..., C) → (..., V)

    // RNN mode: one token per sequence. tokens: (B); returns (B, V).
    torch::Tensor step(const torch::Tensor& tokens, Rwkv7State& state);

    // Explicit zero state (or the state-tuning parameter broadcast over the batch), on the
    // parameters' device: x_prev (B, C) in the parameters' dtype, wkv (B, H, N, N) fp32.
    Rwkv7State initialState(int64_t batch);

    // Official from-scratch initialisation (spec §1.3), deterministic for a seed. DeepEmbed's
    // enn is not published: ours is all ones (the block starts as plain x070).
    void initWeights(uint64_t seed);

    // State tuning: adds a trainable initial WKV state per layer (blocks.l.att.time_state, zeros).
    void enableStateTuning();
    bool stateTuning() const;
    std::vector<torch::Tensor> stateTuningParameters();

    // LoRA on the big matrices (att receptance/key/value/output, ffn key/value).
    void enableLora(int64_t rank, double alpha);
    void mergeLora();

    // Copies tensors (any float dtype) into the parameters by official key name. Keys must
    // match the config exactly (isIgnoredCheckpointKey ones are skipped). Throws std::invalid_argument.
    void loadTensors(const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

    torch::nn::Embedding emb{nullptr};
    torch::nn::ModuleList blocks{nullptr};
    torch::nn::LayerNorm ln_out{nullptr};
    Dense headLinear{nullptr};   // registered as "head"

private:
    Rwkv7Config cfg_;
    std::vector<Block> blockList_;
};
TORCH_MODULE(Rwkv7Model);

}  // namespace pm::model
