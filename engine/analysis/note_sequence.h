// A piece as the music metrics and the originality check see it: notes on a grid with bar lines,
// nothing else (no tempo, pedal or tracks). Built from tokens or a quantized piece; the metrics
// never look at MIDI, so every analysis measures the same thing whatever the source.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pm::analysis {

struct Note {
    std::int64_t onset = 0;      // grid steps from the start
    std::int64_t duration = 0;   // grid steps
    int pitch = 60;              // MIDI pitch
    int velocity = 64;           // 1..127
};

struct NoteSequence {
    int stepsPerQuarter = 24;
    // Step of each bar line, strictly ascending: bar i spans [barStarts[i], barStarts[i+1]) and the
    // last bar ends at `end`.
    std::vector<std::int64_t> barStarts;
    std::int64_t end = 0;      // step where the last bar ends
    std::vector<Note> notes;   // sorted by (onset, pitch)

    std::size_t bars() const { return barStarts.size(); }

    // Index of the bar containing `step`, clamped to [0, bars-1] (a step before the first bar line
    // counts to bar 0, one at or after `end` to the last bar); -1 when there are no bars.
    int barOf(std::int64_t step) const
    {
        if (barStarts.empty())
            return -1;
        // The first bar line after `step`; the bar before it contains the step.
        const auto after = std::upper_bound(barStarts.begin(), barStarts.end(), step);
        if (after == barStarts.begin())
            return 0;
        return static_cast<int>(after - barStarts.begin()) - 1;
    }
};

}  // namespace pm::analysis
