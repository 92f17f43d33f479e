#include "midi/tempo_map.h"

#include <algorithm>

namespace pm::midi {

TempoMap::TempoMap(const Division& division, const std::vector<TempoChange>& tempos) : division_(division) {
    segments_.push_back({0, kDefaultTempo, 0.0});
    for (const TempoChange& t : tempos) {
        Segment& last = segments_.back();
        if (t.tick == last.tick) {
            last.usPerBeat = t.usPerBeat;   // several at one tick (or one at tick 0): the last wins
            continue;
        }
        segments_.push_back({t.tick, t.usPerBeat, last.secondsAtTick + span(t.tick - last.tick, last.usPerBeat)});
    }
}

double TempoMap::span(Tick ticks, std::uint32_t usPerBeat) const {
    // The same operations in the same order as midi_oracle.py, so seconds agree to the last bit.
    if (division_.kind == Division::Kind::Smpte) {
        const double rate = division_.framesPerSecond() * division_.ticksPerFrame;
        return rate != 0 ? double(ticks) / rate : 0.0;
    }
    if (division_.ticksPerBeat == 0) return 0.0;
    return double(ticks) * double(usPerBeat) / (double(division_.ticksPerBeat) * 1e6);
}

double TempoMap::seconds(Tick tick) const {
    const auto after = std::upper_bound(segments_.begin(), segments_.end(), tick,
                                        [](Tick t, const Segment& s) { return t < s.tick; });
    const Segment& s = *(after - 1);   // segments_[0].tick == 0 <= tick
    return s.secondsAtTick + span(tick - s.tick, s.usPerBeat);
}

double TempoMap::seconds(Tick tick, std::size_t& hint) const {
    if (hint >= segments_.size() || segments_[hint].tick > tick) hint = 0;
    // Walk forward a few segments; jump by binary search when the query is far ahead.
    std::size_t i = hint;
    for (int steps = 0; i + 1 < segments_.size() && segments_[i + 1].tick <= tick; ++i) {
        if (++steps == 8) {
            const auto after = std::upper_bound(segments_.begin() + std::ptrdiff_t(i), segments_.end(), tick,
                                                [](Tick t, const Segment& s) { return t < s.tick; });
            i = std::size_t(after - segments_.begin()) - 1;
            break;
        }
    }
    hint = i;
    const Segment& s = segments_[i];
    return s.secondsAtTick + span(tick - s.tick, s.usPerBeat);
}

}  // namespace pm::midi
