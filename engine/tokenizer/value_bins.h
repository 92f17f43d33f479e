// Quantizers between MIDI values and token values: tempo and velocity bins, and the split of a
// duration into an optional DurationExtra and a Duration token. Each value a bin decodes to
// falls back into the same bin, which is what makes encode(decode(tokens)) == tokens possible.
#pragma once

#include <cstdint>

namespace pm::tok {

struct TokenizerConfig;

// Tempo in quarter notes per minute. Bins are geometric (equal ratios) between the config's
// limits, because a 5 BPM step matters at 40 BPM and does not at 200; outside they clamp.
int tempoBin(double bpm, const TokenizerConfig& config);
double tempoBinBpm(int bin, const TokenizerConfig& config);              // the bin's geometric centre
std::uint32_t tempoBinMicroseconds(int bin, const TokenizerConfig& config);   // per quarter note
double microsecondsToBpm(std::uint32_t usPerQuarter);

// Velocity 1..127 (0 counts as 1, the quietest sounding note) in bins of 128 / velocityBins.
int velocityBin(int velocity, const TokenizerConfig& config);
// A velocity inside the bin at most half a bin width from any member.
int velocityOfBin(int bin, const TokenizerConfig& config);

// A duration of `steps` grid steps as Duration_r preceded by DurationExtra_k when k > 0:
// steps = k * span + r with span = durationTokenQuarters * positionsPerQuarter, 0 <= r < span.
struct DurationSplit {
    int extra = 0;   // k: 0 means no DurationExtra token
    int rest = 0;    // r
};
int durationSpan(const TokenizerConfig& config);
std::int64_t maxDurationSteps(const TokenizerConfig& config);   // (extra tokens + 1) * span - 1
DurationSplit splitDuration(std::int64_t steps, const TokenizerConfig& config);   // steps clamped to [0, max]

}  // namespace pm::tok
