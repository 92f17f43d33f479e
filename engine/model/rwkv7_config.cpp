#include "model/rwkv7_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace pm::model {
namespace {

// round32(x) = max(32, 32·round(x/32)), the RWKV-LM rank rule.
int64_t round32(double x) { return std::max<int64_t>(32, int64_t(32 * std::llround(x / 32.0))); }

[[noreturn]] void bad(const std::string& m) { throw std::invalid_argument(m); }

std::string shapeText(const std::vector<int64_t>& s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

}  // namespace

void Rwkv7Config::validate() const {
    const auto positive = [](int64_t v, const char* name, int64_t max) {
        if (v <= 0 || v > max) bad(std::string("model config: ") + name + " = " + std::to_string(v) + " is out of range");
    };
    positive(vocabSize, "vocab_size", int64_t(1) << 24);
    positive(nEmbd, "n_embd", 1 << 16);
    positive(nLayer, "n_layer", 1024);
    positive(headSize, "head_size", 1024);
    positive(ffnDim, "ffn_dim", 1 << 18);
    positive(loraW, "lora_w", 1 << 14);
    positive(loraA, "lora_a", 1 << 14);
    positive(loraV, "lora_v", 1 << 14);
    positive(loraG, "lora_g", 1 << 14);
    if (nEmbd % headSize != 0) bad("model config: n_embd must be a multiple of head_size");
}

int64_t Rwkv7Config::parameterCount() const {
    const int64_t C = nEmbd, V = vocabSize, L = nLayer;
    int64_t n = 2 * V * C + 2 * C /*ln0*/ + 2 * C /*ln_out*/;
    for (int64_t l = 0; l < L; ++l) {
        n += 4 * C;                                  // ln1, ln2
        n += 6 * C + C /*w0*/ + C /*a0*/ + 2 * C /*k_k, k_a*/ + C /*r_k*/ + 2 * C /*ln_x*/;
        n += 2 * C * loraW + 2 * C * loraA + 2 * C * loraG;
        if (l > 0) n += C + 2 * C * loraV;           // v0, v1, v2
        n += 4 * C * C;                              // receptance, key, value, output
        n += C + 2 * C * ffnDim;                     // ffn x_k, key, value
        if (deepEmbed) n += V * C;
    }
    return n;
}

std::string Rwkv7Config::describe() const {
    std::ostringstream s;
    s << (deepEmbed ? "x070+DeepEmbed" : "x070") << " L" << nLayer << "-D" << nEmbd << " H" << nHead() << "x"
      << headSize << " V" << vocabSize << " F" << ffnDim << " lora " << loraW << "/" << loraA << "/" << loraV << "/"
      << loraG;
    return s.str();
}

std::string Rwkv7Config::toJson() const {
    nlohmann::json j = {{"arch", "rwkv7-x070"}, {"vocab_size", vocabSize}, {"n_embd", nEmbd},
                        {"n_layer", nLayer},    {"head_size", headSize},   {"ffn_dim", ffnDim},
                        {"lora_w", loraW},      {"lora_a", loraA},         {"lora_v", loraV},
                        {"lora_g", loraG},      {"deepembed", deepEmbed}};
    return j.dump();
}

Rwkv7Config Rwkv7Config::fromJson(const std::string& text) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) bad("model config is not a JSON object");
    if (j.value("arch", "") != "rwkv7-x070") bad("model config: unknown arch '" + j.value("arch", "") + "'");
    Rwkv7Config c;
    const auto get = [&](const char* key, int64_t* out) {
        if (!j.contains(key) || !j[key].is_number_integer()) bad(std::string("model config: missing ") + key);
        *out = j[key].get<int64_t>();
    };
    get("vocab_size", &c.vocabSize);
    get("n_embd", &c.nEmbd);
    get("n_layer", &c.nLayer);
    get("head_size", &c.headSize);
    get("ffn_dim", &c.ffnDim);
    get("lora_w", &c.loraW);
    get("lora_a", &c.loraA);
    get("lora_v", &c.loraV);
    get("lora_g", &c.loraG);
    c.deepEmbed = j.value("deepembed", false);
    c.validate();
    return c;
}

std::vector<std::string> Rwkv7Config::presetNames() { return {"tiny", "small", "medium", "base", "0.1b"}; }

Rwkv7Config Rwkv7Config::preset(const std::string& name, int64_t vocabSize, bool deepEmbed) {
    Rwkv7Config c;
    if (name == "tiny") { c.nLayer = 4; c.nEmbd = 128; }
    else if (name == "small") { c.nLayer = 6; c.nEmbd = 256; }
    // Between small and base: the size the base-model comparison (issue 19) weighed against small.
    else if (name == "medium") { c.nLayer = 8; c.nEmbd = 384; }
    else if (name == "base") { c.nLayer = 12; c.nEmbd = 512; }
    else if (name == "0.1b") { c.nLayer = 12; c.nEmbd = 768; }
    else bad("unknown preset '" + name + "' (tiny, small, medium, base, 0.1b)");
    c.vocabSize = vocabSize;
    c.headSize = 64;
    c.ffnDim = 4 * c.nEmbd;
    const double root = std::sqrt(double(c.nEmbd));
    c.loraW = c.loraA = round32(2.5 * root);
    c.loraV = round32(1.7 * root);
    c.loraG = round32(5.0 * root);
    c.deepEmbed = deepEmbed;
    c.validate();
    return c;
}

std::map<std::string, std::vector<int64_t>> expectedShapes(const Rwkv7Config& c) {
    const int64_t V = c.vocabSize, C = c.nEmbd, F = c.ffnDim, H = c.nHead(), N = c.headSize;
    std::map<std::string, std::vector<int64_t>> s;
    s["emb.weight"] = {V, C};
    s["blocks.0.ln0.weight"] = s["blocks.0.ln0.bias"] = {C};
    for (int64_t l = 0; l < c.nLayer; ++l) {
        const std::string p = "blocks." + std::to_string(l) + ".";
        for (const char* n : {"ln1.weight", "ln1.bias", "ln2.weight", "ln2.bias", "att.ln_x.weight", "att.ln_x.bias"})
            s[p + n] = {C};
        for (const char* n : {"x_r", "x_w", "x_k", "x_v", "x_a", "x_g", "w0", "a0", "k_k", "k_a"})
            s[p + "att." + n] = {1, 1, C};
        s[p + "att.w1"] = {C, c.loraW};
        s[p + "att.w2"] = {c.loraW, C};
        s[p + "att.a1"] = {C, c.loraA};
        s[p + "att.a2"] = {c.loraA, C};
        s[p + "att.g1"] = {C, c.loraG};
        s[p + "att.g2"] = {c.loraG, C};
        if (l > 0) {
            s[p + "att.v0"] = {1, 1, C};
            s[p + "att.v1"] = {C, c.loraV};
            s[p + "att.v2"] = {c.loraV, C};
        }
        s[p + "att.r_k"] = {H, N};
        for (const char* n : {"receptance", "key", "value", "output"}) s[p + "att." + n + ".weight"] = {C, C};
        s[p + "ffn.x_k"] = {1, 1, C};
        s[p + "ffn.key.weight"] = {F, C};
        s[p + "ffn.value.weight"] = {C, F};
        if (c.deepEmbed) s[p + "ffn.enn.weight"] = {V, C};
    }
    s["ln_out.weight"] = s["ln_out.bias"] = {C};
    s["head.weight"] = {V, C};
    return s;
}

bool isIgnoredCheckpointKey(const std::string& key) {
    return key == "blocks.0.att.v0" || key == "blocks.0.att.v1" || key == "blocks.0.att.v2";
}

Rwkv7Config Rwkv7Config::fromShapes(const std::map<std::string, std::vector<int64_t>>& shapes) {
    const auto need = [&](const std::string& key, size_t rank) -> const std::vector<int64_t>& {
        const auto it = shapes.find(key);
        if (it == shapes.end()) bad("not an RWKV-7 checkpoint: '" + key + "' is missing");
        if (it->second.size() != rank) bad("'" + key + "' has shape " + shapeText(it->second));
        return it->second;
    };
    Rwkv7Config c;
    c.vocabSize = need("emb.weight", 2)[0];
    c.nEmbd = need("emb.weight", 2)[1];
    // Layers: count consecutive blocks.<l>.ln1.weight (never trust the largest index in a name).
    while (c.nLayer < 1024 && shapes.count("blocks." + std::to_string(c.nLayer) + ".ln1.weight")) ++c.nLayer;
    if (c.nLayer == 0) bad("not an RWKV-7 checkpoint: no blocks.0.ln1.weight");
    c.headSize = need("blocks.0.att.r_k", 2)[1];
    c.ffnDim = need("blocks.0.ffn.key.weight", 2)[0];
    c.loraW = need("blocks.0.att.w1", 2)[1];
    c.loraA = need("blocks.0.att.a1", 2)[1];
    c.loraG = need("blocks.0.att.g1", 2)[1];
    // Layer 0's v1 may be present (official) or not (ours); layer 1 always has it when L > 1.
    if (c.nLayer > 1) c.loraV = need("blocks.1.att.v1", 2)[1];
    else if (shapes.count("blocks.0.att.v1")) c.loraV = need("blocks.0.att.v1", 2)[1];
    else c.loraV = 32;   // unused with one layer; any valid rank
    c.deepEmbed = shapes.count("blocks.0.ffn.enn.weight") > 0;
    c.validate();
    const auto expected = expectedShapes(c);
    for (const auto& [key, shape] : expected) {
        const auto it = shapes.find(key);
        if (it == shapes.end()) bad("checkpoint lacks '" + key + "' (" + c.describe() + ")");
        if (it->second != shape)
            bad("'" + key + "' has shape " + shapeText(it->second) + ", expected " + shapeText(shape));
    }
    for (const auto& [key, shape] : shapes) {
        if (expected.count(key) || isIgnoredCheckpointKey(key)) continue;
        if (key.size() > 15 && key.compare(key.size() - 15, 15, ".att.time_state") == 0) continue;
        bad("unexpected tensor '" + key + "' in an RWKV-7 checkpoint");
    }
    return c;
}

}  // namespace pm::model
