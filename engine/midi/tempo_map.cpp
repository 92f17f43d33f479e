#include "midi/tempo_map.h"

#include <algorithm>

namespace pm::midi {

TempoMap::TempoMap(const Division& division, const std::vector<TempoChange>& tempos)
    : smpte_(division.kind == Division::Kind::Smpte),
      ticksPerSecond_(division.framesPerSecond() * division.ticksPerFrame),
      microTicksPerBeat_(double(division.ticksPerBeat) * 1e6) {
    segments_.push_back({0, secondsPerTick(kDefaultTempo), 0.0});
    for (const TempoChange& t : tempos) {
        Segment& last = segments_.back();
        if (t.tick == last.tick) {
            last.secondsPerTick = secondsPerTick(t.usPerBeat);   // several at one tick (or one at tick 0): the last wins
            continue;
        }
        segments_.push_back(
            {t.tick, secondsPerTick(t.usPerBeat), last.secondsAtTick + span(t.tick - last.tick, last.secondsPerTick)});
    }
}

// Seconds agree with midi_oracle.py (which divides for every query) to within rounding of the
// last bit; the oracle comparisons allow 2 ns.
double TempoMap::secondsPerTick(std::uint32_t usPerBeat) const {
    if (smpte_) return ticksPerSecond_ != 0 ? 1.0 / ticksPerSecond_ : 0.0;
    return microTicksPerBeat_ != 0 ? double(usPerBeat) / microTicksPerBeat_ : 0.0;
}

double TempoMap::seconds(Tick tick) const {
    const Segment& s = segments_[segmentAt(tick, 0)];
    return s.secondsAtTick + span(tick - s.tick, s.secondsPerTick);
}

std::size_t TempoMap::segmentAt(Tick tick, std::size_t hint) const {
    // Walk a few segments forward from the hint; otherwise binary search.
    if (hint < segments_.size() && segments_[hint].tick <= tick) {
        for (std::size_t i = hint, steps = 0; steps < 4; ++i, ++steps) {
            if (i + 1 == segments_.size() || segments_[i + 1].tick > tick) return i;
        }
    }
    const auto after = std::upper_bound(segments_.begin(), segments_.end(), tick,
                                        [](Tick t, const Segment& s) { return t < s.tick; });
    return std::size_t(after - segments_.begin()) - 1;   // segments_[0].tick == 0 <= tick
}

}  // namespace pm::midi
