// The shape of an RWKV-7 (x070) model, optionally with RWKV-8 "Heron" DeepEmbed.
// Everything here is read from tensor shapes when a checkpoint is loaded (LoRA ranks included:
// they are not derivable from n_embd across releases, spec §1.1); presets only make new models.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pm::model {

struct Rwkv7Config {
    int64_t vocabSize = 0;   // V
    int64_t nEmbd = 0;       // C
    int64_t nLayer = 0;      // L
    int64_t headSize = 64;   // N (H = C / N)
    int64_t ffnDim = 0;      // F (4C in every official model)
    int64_t loraW = 0, loraA = 0, loraV = 0, loraG = 0;   // D_w, D_a, D_v, D_g
    bool deepEmbed = false;  // RWKV-8 "Heron" rc00: blocks.l.ffn.enn.weight [V, C]

    int64_t nHead() const { return headSize > 0 ? nEmbd / headSize : 0; }
    // Throws std::invalid_argument naming the bad field.
    void validate() const;
    // Exact count of the parameters Rwkv7Model registers (no LoRA adapters, no state tuning).
    int64_t parameterCount() const;
    std::string describe() const;   // "x070 L4-D128 H2x64 V300 F512 lora 32/32/32/64"

    std::string toJson() const;
    // Throws std::invalid_argument on malformed JSON or missing fields.
    static Rwkv7Config fromJson(const std::string& json);

    // tiny (L4-D128), small (L6-D256), base (L12-D512), 0.1b (L12-D768); head size 64, F = 4C,
    // LoRA ranks by the current RWKV-LM train_temp rule (spec §1.1).
    static Rwkv7Config preset(const std::string& name, int64_t vocabSize, bool deepEmbed = false);
    static std::vector<std::string> presetNames();

    // From the shapes of a state dict with official key names. Throws std::invalid_argument
    // when a key is missing, unexpected, or has an inconsistent shape.
    static Rwkv7Config fromShapes(const std::map<std::string, std::vector<int64_t>>& shapes);
};

// Every parameter name Rwkv7Model has for this config, with its shape (official key names).
std::map<std::string, std::vector<int64_t>> expectedShapes(const Rwkv7Config& cfg);

// Keys official checkpoints carry that the model does not use (blocks.0.att.v0/v1/v2: layer 0
// has no value residual) — accepted and dropped on load.
bool isIgnoredCheckpointKey(const std::string& key);

}  // namespace pm::model
