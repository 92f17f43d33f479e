#include "tokenizer/value_bins.h"

#include "tokenizer/tokenizer_config.h"

#include <algorithm>
#include <cmath>

namespace pm::tok {

int tempoBin(double bpm, const TokenizerConfig& config) {
    if (!(bpm > config.tempoMinBpm)) return 0;   // also catches NaN
    const double position = std::log(bpm / config.tempoMinBpm) / std::log(config.tempoMaxBpm / config.tempoMinBpm);
    const double bin = std::floor(position * config.tempoBins);
    return int(std::clamp(bin, 0.0, double(config.tempoBins - 1)));
}

double tempoBinBpm(int bin, const TokenizerConfig& config) {
    const double position = (bin + 0.5) / config.tempoBins;
    return config.tempoMinBpm * std::pow(config.tempoMaxBpm / config.tempoMinBpm, position);
}

std::uint32_t tempoBinMicroseconds(int bin, const TokenizerConfig& config) {
    return std::uint32_t(std::lround(60e6 / tempoBinBpm(bin, config)));
}

double microsecondsToBpm(std::uint32_t usPerQuarter) { return 60e6 / double(std::max<std::uint32_t>(usPerQuarter, 1)); }

int velocityBin(int velocity, const TokenizerConfig& config) {
    const int width = 128 / config.velocityBins;
    return (std::clamp(velocity, 1, 127) - 1) / width;
}

int velocityOfBin(int bin, const TokenizerConfig& config) {
    // Bin b holds 1 + b*w .. b*w + w; the member (w-1)/2 above its lowest is at most w/2 away
    // from every member and stays <= 127 in the last bin.
    const int width = 128 / config.velocityBins;
    return 1 + bin * width + (width - 1) / 2;
}

int durationSpan(const TokenizerConfig& config) { return config.durationTokenQuarters * config.positionsPerQuarter; }

std::int64_t maxDurationSteps(const TokenizerConfig& config) {
    return std::int64_t(config.durationExtraTokens + 1) * durationSpan(config) - 1;
}

DurationSplit splitDuration(std::int64_t steps, const TokenizerConfig& config) {
    steps = std::clamp<std::int64_t>(steps, 0, maxDurationSteps(config));
    const int span = durationSpan(config);
    return {int(steps / span), int(steps % span)};
}

}  // namespace pm::tok
