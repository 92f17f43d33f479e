// The tokenizer's settings: everything that decides which token ids exist and what they mean.
// A model is only meaningful together with the exact vocabulary it was trained on, so this
// struct is written as versioned JSON into datasets and model files, and reading it back checks
// that this build lays the vocabulary out the same way.
#pragma once

#include <nlohmann/json.hpp>   // nlohmann::json (the config travels inside other JSON documents)

#include <optional>
#include <string>

namespace pm::tok {

struct TokenizerConfig {
    // Bump when the meaning of a token or the layout rule changes; older files then fail to load
    // with a message that says to re-tokenize, instead of being silently misread.
    static constexpr int kFormatVersion = 1;
    static constexpr int kLowestPitch = 21;    // A0, the piano's lowest key
    static constexpr int kHighestPitch = 108;  // C8, its highest

    // Grid positions per quarter note. A multiple of 12 so that triplets (3 per beat, 6 per
    // beat) and sixteenths land exactly; 24 also holds thirty-second notes (ornaments) exactly.
    int positionsPerQuarter = 24;
    // The longest bar a time signature may have, in quarter notes; sets the Position count.
    int maxBarQuarters = 8;
    // Velocity 1..127 in equal bins (width 128 / bins); 8, 16, 32 or 64.
    int velocityBins = 32;
    // Quarter notes per minute, geometric bins between the two limits (clamped outside): each
    // bin spans 7.8%, so a tempo is within 3.8% of its bin's centre. 16 BPM is low on purpose:
    // slow movements notated in sixteenths (21/16 at 18 quarter notes per minute) exist.
    int tempoBins = 40;
    double tempoMinBpm = 16.0;
    double tempoMaxBpm = 320.0;
    // Duration_r covers 0 .. durationTokenQuarters * positionsPerQuarter - 1 grid steps exactly;
    // longer notes put one DurationExtra_k (k whole spans of that length) before it.
    int durationTokenQuarters = 4;
    int durationExtraTokens = 15;

    bool operator==(const TokenizerConfig& o) const;
    bool operator!=(const TokenizerConfig& o) const { return !(*this == o); }
};

// Why a config cannot be used, or nothing when it is fine.
std::optional<std::string> validateConfig(const TokenizerConfig& config);

// {"format": "pianomuse-tokenizer", "version": 1, ..., "vocab_size": N, "tokens": [names]}.
// The token names make the file self-describing; reading compares them with this build's layout.
nlohmann::json configToJson(const TokenizerConfig& config);

struct ConfigReadResult {
    std::optional<TokenizerConfig> config;   // set on success
    std::string error;                       // why not, when config is empty
};
ConfigReadResult configFromJson(const nlohmann::json& json);
ConfigReadResult readConfigFile(const std::string& path);

}  // namespace pm::tok
