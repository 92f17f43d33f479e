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

    // Same as seconds(), faster for queries that mostly move forward: `hint` is the segment
    // index of the previous query, updated in place.
    double seconds(Tick tick, std::size_t& hint) const;

private:
    struct Segment {
        Tick tick;
        std::uint32_t usPerBeat;
        double secondsAtTick;
    };
    double span(Tick ticks, std::uint32_t usPerBeat) const;

    Division division_;
    std::vector<Segment> segments_;   // first one at tick 0, ticks strictly increasing
};

}  // namespace pm::midi
