#include "tokenizer/tokenizer_config.h"

#include "tokenizer/vocabulary.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <tuple>

namespace pm::tok {
namespace {

constexpr const char* kFormatName = "pianomuse-tokenizer";

// An integer field that fits int; nlohmann would otherwise truncate 24.5 or wrap 1e20 silently.
int integerField(const nlohmann::json& j) {
    if (!j.is_number_integer()) throw std::invalid_argument("expected an integer, got " + j.dump());
    const auto v = j.get<std::int64_t>();
    if (v < -1000000 || v > 1000000) throw std::invalid_argument("integer out of range: " + j.dump());
    return int(v);
}

double numberField(const nlohmann::json& j) {
    if (!j.is_number()) throw std::invalid_argument("expected a number, got " + j.dump());
    return j.get<double>();
}

auto asTuple(const TokenizerConfig& c) {
    return std::tie(c.positionsPerQuarter, c.maxBarQuarters, c.velocityBins, c.tempoBins, c.tempoMinBpm,
                    c.tempoMaxBpm, c.durationTokenQuarters, c.durationExtraTokens);
}

}  // namespace

bool TokenizerConfig::operator==(const TokenizerConfig& o) const { return asTuple(*this) == asTuple(o); }

std::optional<std::string> validateConfig(const TokenizerConfig& c) {
    if (c.positionsPerQuarter < 12 || c.positionsPerQuarter > 96 || c.positionsPerQuarter % 12 != 0)
        return "positions_per_quarter must be 12, 24, ... or 96 (a multiple of 12 keeps triplets and sixteenths exact)";
    if (c.maxBarQuarters < 4 || c.maxBarQuarters > 16) return "max_bar_quarters must be 4..16 (4/4 must fit)";
    if (c.velocityBins != 8 && c.velocityBins != 16 && c.velocityBins != 32 && c.velocityBins != 64)
        return "velocity_bins must be 8, 16, 32 or 64";
    if (c.tempoBins < 1 || c.tempoBins > 256) return "tempo.bins must be 1..256";
    if (!(c.tempoMinBpm >= 1.0) || !(c.tempoMaxBpm <= 2000.0) || !(c.tempoMinBpm < c.tempoMaxBpm))
        return "tempo limits must satisfy 1 <= min_bpm < max_bpm <= 2000";
    if (c.durationTokenQuarters < 1 || c.durationTokenQuarters > 16) return "duration.quarters_per_token must be 1..16";
    if (c.durationExtraTokens < 0 || c.durationExtraTokens > 64) return "duration.extra_tokens must be 0..64";
    return std::nullopt;
}

nlohmann::json configToJson(const TokenizerConfig& config) {
    const Vocabulary vocabulary(config);
    nlohmann::json j;
    j["format"] = kFormatName;
    j["version"] = TokenizerConfig::kFormatVersion;
    j["positions_per_quarter"] = config.positionsPerQuarter;
    j["max_bar_quarters"] = config.maxBarQuarters;
    j["pitch_range"] = {TokenizerConfig::kLowestPitch, TokenizerConfig::kHighestPitch};
    j["velocity_bins"] = config.velocityBins;
    j["tempo"] = {{"bins", config.tempoBins}, {"min_bpm", config.tempoMinBpm}, {"max_bpm", config.tempoMaxBpm}};
    j["duration"] = {{"quarters_per_token", config.durationTokenQuarters},
                     {"extra_tokens", config.durationExtraTokens}};
    j["vocab_size"] = vocabulary.size();
    j["tokens"] = vocabulary.names();
    return j;
}

ConfigReadResult configFromJson(const nlohmann::json& j) {
    auto fail = [](std::string message) { return ConfigReadResult{std::nullopt, std::move(message)}; };
    if (!j.is_object()) return fail("tokenizer config is not a JSON object");
    if (j.value("format", std::string()) != kFormatName)
        return fail(std::string("not a tokenizer config (\"format\" is not \"") + kFormatName + "\")");
    const auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer()) return fail("tokenizer config has no integer \"version\"");
    if (version->get<int>() != TokenizerConfig::kFormatVersion)
        return fail("tokenizer config version " + std::to_string(version->get<int>()) + " is not supported (this build reads version " +
                    std::to_string(TokenizerConfig::kFormatVersion) + "); re-tokenize the data with this build");

    TokenizerConfig c;
    try {
        // Every field is required: a default filled in silently could change the vocabulary.
        c.positionsPerQuarter = integerField(j.at("positions_per_quarter"));
        c.maxBarQuarters = integerField(j.at("max_bar_quarters"));
        c.velocityBins = integerField(j.at("velocity_bins"));
        c.tempoBins = integerField(j.at("tempo").at("bins"));
        c.tempoMinBpm = numberField(j.at("tempo").at("min_bpm"));
        c.tempoMaxBpm = numberField(j.at("tempo").at("max_bpm"));
        c.durationTokenQuarters = integerField(j.at("duration").at("quarters_per_token"));
        c.durationExtraTokens = integerField(j.at("duration").at("extra_tokens"));
        const auto range = j.at("pitch_range").get<std::vector<int>>();
        if (range != std::vector<int>{TokenizerConfig::kLowestPitch, TokenizerConfig::kHighestPitch})
            return fail("tokenizer config pitch_range must be [21, 108]");
    } catch (const std::exception& e) {   // nlohmann's type/missing-key errors and ours
        return fail(std::string("tokenizer config is incomplete or mistyped: ") + e.what());
    }
    if (auto error = validateConfig(c)) return fail("tokenizer config: " + *error);

    // The names pin down the layout: a config written by a build that laid ids out differently
    // (same parameters, other order) must not load as if it matched.
    const Vocabulary vocabulary(c);
    if (j.contains("vocab_size") && j["vocab_size"] != vocabulary.size())
        return fail("tokenizer config says vocab_size " + j["vocab_size"].dump() + " but its settings give " +
                    std::to_string(vocabulary.size()) + " tokens in this build");
    if (j.contains("tokens")) {
        const auto& tokens = j["tokens"];
        if (!tokens.is_array() || tokens.size() != vocabulary.size())
            return fail("tokenizer config \"tokens\" does not list " + std::to_string(vocabulary.size()) + " names");
        for (std::size_t i = 0; i < tokens.size(); ++i)
            if (!tokens[i].is_string() || tokens[i].get<std::string>() != vocabulary.names()[i])
                return fail("tokenizer config token " + std::to_string(i) + " is " + tokens[i].dump() + ", this build has \"" +
                            vocabulary.names()[i] + "\"; re-tokenize the data with this build");
    }
    return {c, {}};
}

ConfigReadResult readConfigFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {std::nullopt, "cannot open " + path};
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return {std::nullopt, path + " is not valid JSON"};
    // A whole `tokenize --json` document carries the config under "tokenizer".
    if (j.is_object() && j.contains("tokenizer") && !j.contains("format")) j = j["tokenizer"];
    ConfigReadResult result = configFromJson(j);
    if (!result.config) result.error = path + ": " + result.error;
    return result;
}

}  // namespace pm::tok
