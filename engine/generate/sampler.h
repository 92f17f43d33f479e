// Picking the next token from the model's logits, restricted to what the token grammar allows.
//
// Works on a raw float array (one row of logits) so it costs nothing per token beyond one pass
// over the vocabulary, and so its tests need no model. The random stream is our own
// (splitmix64-seeded xoshiro-style 64-bit generator and a 53-bit uniform), not std::
// distributions whose output differs between standard libraries: same seed, same choices.
#pragma once

#include "tokenizer/vocabulary.h"   // pm::tok::TokenId

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pm::gen {

struct SamplingOptions {
    double temperature = 1.0;        // 0 (or below 1e-6): always the most likely allowed token
    int topK = 0;                    // keep the k most likely allowed tokens; 0 = all
    double topP = 1.0;               // keep the smallest set whose probability reaches p; 1 = all
    // Repetition penalty on pitches played recently: a pitch that sounded d pitch tokens ago
    // has its logit divided (positive) or multiplied (negative) by 1 + (penalty - 1) * decay^d.
    // Only Pitch tokens are penalised: Bar, Position, Velocity and Duration repeat in all music.
    double repetitionPenalty = 1.0;  // 1 = off
    double repetitionDecay = 0.9;    // per pitch token of distance, in (0, 1]
    int repetitionWindow = 64;       // pitch tokens looked back
    double endBias = 0.0;            // added to EOS's logit: > 0 ends pieces sooner, < 0 later
    std::uint64_t seed = 0;
};

// Deterministic 64-bit generator (xoshiro256** seeded through splitmix64).
class Rng {
public:
    explicit Rng(std::uint64_t seed = 0);
    std::uint64_t next();
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }   // [0, 1)

private:
    std::uint64_t s_[4];
};

class Sampler {
public:
    explicit Sampler(const SamplingOptions& options);

    // Chooses an id among `allowed` (ids >= vocabSize are ignored); kNotAToken when none is left.
    // `recentPitchIds`: Pitch token ids produced so far, oldest first (penalty input).
    // `eosId`: gets endBias. `logits` is not modified.
    pm::tok::TokenId sample(const float* logits, std::size_t vocabSize, const std::vector<pm::tok::TokenId>& allowed,
                            const std::vector<pm::tok::TokenId>& recentPitchIds, pm::tok::TokenId eosId);

    const SamplingOptions& options() const { return options_; }

private:
    SamplingOptions options_;
    Rng rng_;
    std::vector<float> work_;                      // adjusted logits, V
    std::vector<std::uint32_t> candidates_;        // allowed ids
    std::vector<double> probs_;
    std::vector<std::uint8_t> allowedMark_;        // V, all zero between calls
};

}  // namespace pm::gen
