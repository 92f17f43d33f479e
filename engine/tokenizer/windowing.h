// Training windows cut at bar lines. Each window starts with the metadata prefix (BOS, the
// metre and tempo in force, PedalOn when the pedal is held), so a window from the middle of a
// piece never loses its tempo and metre. A bar's own changes at its first grid step (a TimeSig
// after its Bar, Tempo or pedal at Position_0) move into the prefix, which keeps every window a
// valid sequence on its own: exactly what the encoder would write for a piece starting there.
//
// Works on plain arrays so a dataset can cut windows straight from memory-mapped token files,
// given the per-bar index (BarStart) that encode() returns.
#pragma once

#include "tokenizer/encoder.h"
#include "tokenizer/vocabulary.h"

#include <cstddef>
#include <vector>

namespace pm::tok {

struct PieceTokens {
    const TokenId* tokens = nullptr;
    std::size_t tokenCount = 0;
    const BarStart* bars = nullptr;
    std::size_t barCount = 0;

    PieceTokens() = default;
    explicit PieceTokens(const Encoding& e)
        : tokens(e.tokens.data()), tokenCount(e.tokens.size()), bars(e.bars.data()), barCount(e.bars.size()) {}
};

// The per-bar index rebuilt from the tokens alone (one pass), for stores that keep only the
// tokens or only each bar's offset. Ids the grammar rejects are passed over.
std::vector<BarStart> indexBars(const Vocabulary& vocabulary, const TokenId* tokens, std::size_t count);

// BOS TimeSig Tempo [PedalOn] for the state at a bar line.
std::vector<TokenId> windowPrefix(const Vocabulary& vocabulary, const BarStart& bar);

// The window starting at bar `bar`: its prefix, then the piece's tokens from that bar on (to the
// end, EOS included), at most maxTokens in all. Empty when `bar` is out of range or the index
// does not point at a Bar token (a damaged token file), never a crash.
std::vector<TokenId> windowAt(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t bar,
                              std::size_t maxTokens);

struct Window {
    std::size_t firstBar = 0, endBar = 0;   // bars [firstBar, endBar)
    bool cut = false;                       // one bar alone was longer than maxTokens: cut there
    std::vector<TokenId> tokens;
};

// The whole piece as consecutive windows of whole bars, each at most maxTokens (>= 8) long.
// A bar too long for one window is cut at maxTokens and its remainder left out (`cut`).
std::vector<Window> splitIntoWindows(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t maxTokens);

}  // namespace pm::tok
