// Ticks to seconds. PPQ files follow their tempo events (120 BPM until the first one); SMPTE
// files tick at a fixed rate and ignore tempo. Formats 0/1 share one map built from the tempo
// events of all tracks; format 2 tracks are independent songs, each with a map of its own.
#pragma once

#include "midi/midi_file.h"

#include <vector>

namespace pm::midi {

class TempoMap {
public:
    // `tempos` in apply order (tick, then track, then file order); when several share a tick
    // the last one wins. For format 2, pass one track's tempo events only.
    TempoMap(const Division& division, const std::vector<TempoChange>& tempos);

    double seconds(Tick tick) const;

    // Same as seconds(), for queries that mostly move forward (a track's notes in order):
    // `hint` is the segment of the previous query, updated in place.
    double seconds(Tick tick, std::size_t& hint) const {
        if (hint >= segments_.size() || segments_[hint].tick > tick ||
            (hint + 1 < segments_.size() && segments_[hint + 1].tick <= tick))
            hint = segmentAt(tick, hint);
        const Segment& s = segments_[hint];
        return s.secondsAtTick + span(tick - s.tick, s.secondsPerTick);
    }

private:
    struct Segment {
        Tick tick;
        double secondsPerTick;   // a multiplication per query: a division would cost more than parsing
        double secondsAtTick;
    };

    double span(Tick ticks, double secondsPerTick) const { return double(ticks) * secondsPerTick; }
    double secondsPerTick(std::uint32_t usPerBeat) const;
    std::size_t segmentAt(Tick tick, std::size_t hint) const;

    bool smpte_;
    double ticksPerSecond_;      // SMPTE: frames per second * ticks per frame
    double microTicksPerBeat_;   // PPQ: ticks per beat * 1e6 (tempo is in µs per beat)
    std::vector<Segment> segments_;   // first one at tick 0, ticks strictly increasing
};

}  // namespace pm::midi
