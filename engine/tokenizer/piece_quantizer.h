// MidiFile -> QuantizedPiece: the note model put on the grid, with everything the tokens cannot
// carry folded, dropped or clamped and counted in the report.
//
// Time: PPQ files are converted exactly (ticks * positionsPerQuarter / ticksPerBeat, rounded to
// the nearest step), SMPTE files as if at 120 BPM (a quarter = 0.5 s). Onsets and durations are
// rounded separately, so each is within half a step of the file's value.
#pragma once

#include "tokenizer/encoder.h"
#include "tokenizer/quantized_piece.h"

namespace pm::tok {

QuantizedPiece quantizePiece(const midi::MidiFile& file, const Vocabulary& vocabulary, EncodeReport& report);

}  // namespace pm::tok
