// A piece on the tokenizer's grid: what the encoder's two halves hand each other. Times are
// grid steps from the start (positionsPerQuarter per quarter note), values are already binned.
#pragma once

#include <cstdint>
#include <vector>

namespace pm::tok {

struct QuantizedNote {
    std::int64_t onset = 0;
    std::int64_t duration = 0;   // steps, already clamped to what the duration tokens can say
    int pitch = 0;               // 21..108
    int velocityBin = 0;
};

struct PedalSwitch {
    std::int64_t step = 0;
    bool down = false;
};

struct TempoPoint {
    std::int64_t step = 0;
    int bin = 0;
};

struct MetrePoint {
    std::int64_t step = 0;
    int metre = 0;   // index into Vocabulary::metres()
};

struct QuantizedPiece {
    std::vector<QuantizedNote> notes;   // canonical order: onset, pitch, velocity bin, duration
    std::vector<PedalSwitch> pedal;     // time order; events sharing a step keep file order
    std::vector<TempoPoint> tempos;     // time order; of several at one step the last counts
    std::vector<MetrePoint> metres;     // time order; same rule
    std::int64_t endStep = 0;           // the file's end (end of its longest track)
};

}  // namespace pm::tok
