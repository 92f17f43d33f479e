// Does a model use the bars after a gap? (issue 19; `pianomuse-cli eval --infill`)
//
// On the validation pieces of a dataset, random gaps of whole bars (seeded) are scored twice with
// the same model: the true middle given both sides (the infilling layout, tokenizer/infill_layout.h)
// and given only the bars before it (an ordinary sequence: the same window of bars before the gap,
// as continuation sees them). In the layout the gap's bars continue that same window, so both
// score the very same tokens (checked), and only what the model read first differs: the bars after
// the gap and the MASKs. Both are bits per note as training reports them: all bits of the gap's
// tokens over the gap's notes (the layout's closing EOS, forced in generation, is not scored).
#pragma once

#include "dataset/dataset_format.h"
#include "generate/infill.h"
#include "model/rwkv7_model.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace pm::gen {

struct InfillEvalOptions {
    int gapsPerPiece = 4;
    int maxGapBars = 4;                                      // gaps of 1..maxGapBars bars
    std::size_t contextBefore = kInfillContextBefore, contextAfter = kInfillContextAfter;   // tokens, whole bars (as InfillRequest)
    std::uint64_t seed = 1;
    std::size_t maxPieces = 0;                               // 0 = every validation piece
};

struct InfillEvalResult {
    std::string error;                 // one line when nothing could be measured
    std::size_t pieces = 0, gaps = 0, notes = 0;
    double bitsBoth = 0, bitsLeft = 0;                       // summed over the gaps
    double bitsPerNoteBoth() const { return notes ? bitsBoth / double(notes) : 0; }
    double bitsPerNoteLeft() const { return notes ? bitsLeft / double(notes) : 0; }
};

// Pieces need at least 3 bars (a gap with a bar on each side). Never throws.
InfillEvalResult evaluateInfill(pm::model::Rwkv7Model& model, const pm::dataset::DatasetContents& data,
                                const InfillEvalOptions& options);

}  // namespace pm::gen
