// Regenerating bars of a piece (issue 19): "Regenerate these bars" in the app and
// `pianomuse-cli generate --prompt PIECE.mid --infill A-B`.
//
//   pm::gen::InfillRequest req;
//   req.piece = tokenizer.encode(file).tokens;   req.firstBar = 5;  req.lastBar = 8;   // 1-based
//   pm::gen::InfillResult r = pm::gen::infill(generator, req);   // r.file: the whole piece
//
// The model reads the infilling layout (tokenizer/infill_layout.h: the bars after the gap, SEP,
// the bars before it, one MASK per bar of the gap) and writes the gap's bars as they continue the
// bars before it. The grammar (GrammarMode::Infill) admits exactly that many bars, then the middle
// is put back between the kept bars (joinInfill), which are kept token for token. What the sampler may pick is
// narrowed further so the seams join cleanly, by construction rather than by repair:
//   - each new bar has the metre the original bar had, so every bar after the gap keeps its time;
//   - a key is never struck while a kept note on it still sounds (a note from before the gap
//     ringing into it, or one from after the gap), and a new note ends by the next kept onset on
//     its key and by the end of the piece: no new note overlaps a kept note of the same key, and
//     none hangs past the end;
//   - every regenerated bar gets at least one note (as in generation).
// The gap starts in the state the bars before it leave (the model may change the pedal at its
// first bar line, as anywhere), and at the bar after the gap the join restates the original
// pedal, tempo and metre. A model trained without --fim-rate still gets a
// valid result (it has never seen MASK or SEP, so it mostly continues the bars before the gap).
#pragma once

#include "generate/generation_options.h"
#include "generate/sampler.h"

#include "midi/midi_file.h"
#include "tokenizer/tokenizer.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pm::gen {

class Generator;

// Tokens of context read before and after a gap by default. A model learns infilling from
// training windows of ctx-len tokens in all (256 for the base model: bars after the gap, bars
// before it and the gap together), and it profits from the bars after the gap only while the
// layout stays about that long: for the shipped base model on the held-out composers the bars
// after the gap saved 0.6-1.2 % of the gap's bits at 96/96 tokens (three seeds), between -0.1 and
// +0.3 % at 128/96, and cost 0.6-0.9 % at 192/64 (docs/base-model.md, "Infilling").
inline constexpr std::size_t kInfillContextBefore = 96, kInfillContextAfter = 96;

struct InfillRequest {
    std::vector<pm::tok::TokenId> piece;   // the whole piece (an encoding, or a generation's tokens)
    int firstBar = 0, lastBar = 0;         // the bars to regenerate, counted from 1, inclusive
    SamplingOptions sampling;
    // Context the model reads on each side of the gap, in tokens (whole bars, at least one bar
    // after the gap when there is one; 0 = all). The defaults are the one policy (eval --infill
    // measures with them too).
    std::size_t contextBefore = kInfillContextBefore, contextAfter = kInfillContextAfter;
    std::size_t maxTokens = 20000;         // safety cap on the regenerated bars' tokens
    WeightMode weights = WeightMode::Auto;
    int stepThreads = 1;                   // as GenerationRequest::stepThreads (0: all cores)
};

struct InfillResult {
    std::string error;                     // one line when nothing was regenerated (then only `cancelled` may be set)
    bool cancelled = false;
    std::vector<pm::tok::TokenId> tokens;  // the whole piece, an ordinary sequence
    pm::midi::MidiFile file;               // the whole piece, decoded
    pm::tok::DecodeStats stats;            // of decoding `tokens`: clean()
    std::size_t middleBegin = 0, middleEnd = 0;      // tokens of the regenerated bars
    pm::midi::Tick gapStartTick = 0, gapEndTick = 0; // in `file`: the regenerated bars
    double gapStartSeconds = 0, gapEndSeconds = 0;
    std::size_t bars = 0;                  // bars in the piece
    std::size_t promptTokens = 0, generatedTokens = 0, generatedNotes = 0;
    std::size_t seamOverlaps = 0;          // new notes overlapping a kept note of their key (always 0; a check)
    std::uint64_t seed = 0;
    double seconds = 0;
    std::string step;                      // which step ran
};

// "" when bars firstBar..lastBar (1-based) can be regenerated in a piece of `bars` bars, else
// one line saying why (for front ends to check before starting).
std::string checkInfillBars(std::size_t bars, int firstBar, int lastBar);

// Parses "A-B" or "A" (1-based bars). False with a one-line reason in `error`.
bool parseBarRange(const std::string& text, int* firstBar, int* lastBar, std::string* error);

// Where each bar of a piece starts, in seconds, counted as infill counts them (a front end turns
// a selection on its piano roll into bars with it). A piece that does not end with EOS (a
// generation stopped with a note still sounding) is counted as its decoded file re-encoded: the
// bars that note rings through are bars of the piece, as in an exported file.
std::vector<double> barStartSeconds(const pm::tok::Tokenizer& tokenizer, const std::vector<pm::tok::TokenId>& piece);

// Regenerates the bars. Never throws for bad input (the error says what is wrong); `cancel` is
// read before every token.
InfillResult infill(Generator& generator, const InfillRequest& request, const std::atomic<bool>* cancel = nullptr);

}  // namespace pm::gen
