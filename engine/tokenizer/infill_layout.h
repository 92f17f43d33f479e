// The infilling (fill-in-the-middle) layout: a piece with a gap of whole bars, put in front of the
// model so that it reads what comes before and after the gap, then writes the gap.
//
//   BOS meta <bars before the gap> MASK×n meta' <bars after the gap> SEP meta'' <the gap's n bars> EOS
//
// n MASKs, one per bar of the gap, say how many bars the middle has; the grammar
// (GrammarMode::Infill) then admits exactly n bars after SEP and closes the middle with EOS.
// The bars after the gap and the gap's bars are each written as a window would be (windowing.h):
// their metadata first (meta' and meta'': metre, tempo and pedal at that bar line, the bar's own
// changes moved in), so every part is grammar-valid on its own and a model never has to work out
// the state at the bar line from tokens far back. With no bars after the gap (the gap ends the
// piece) MASKs are followed directly by SEP, and the middle's EOS is the piece's (every note
// ends by then). docs/tokenizer.md, "Infilling", has an example.
//
// joinInfill puts a middle back into the piece as an ordinary sequence: the bars before and after
// the gap are kept token for token, except that the bar lines at both seams say what changed
// there (metre, tempo, pedal) relative to what the new middle left.
#pragma once

#include "tokenizer/vocabulary.h"
#include "tokenizer/windowing.h"

#include <cstddef>
#include <string>
#include <vector>

namespace pm::tok {

// Bars of PieceTokens, 0-based, half-open: the gap [gapBegin, gapEnd), the context shown before
// it [contextBegin, gapBegin) and after it [gapEnd, contextEnd).
struct InfillGap {
    std::size_t contextBegin = 0, gapBegin = 0, gapEnd = 0, contextEnd = 0;
};

struct InfillLayout {
    std::vector<TokenId> tokens;      // empty when the gap cannot be laid out (error says why)
    std::size_t maskIndex = 0;        // the first MASK
    std::size_t sepIndex = 0;         // SEP: the middle's metadata follows
    std::size_t middleBarsIndex = 0;  // the middle's first Bar (tokens.size() for a prompt)
    std::size_t gapBars = 0;
    std::string error;
};

// The layout for a gap. withMiddle: the whole sequence (training, measuring), ending with the
// gap's bars and EOS; otherwise the prompt a generator continues, ending with the middle's
// metadata. A gap with no bars after it must end the piece (the piece's tokens end with EOS):
// "nothing after the gap" means the piece ends there.
InfillLayout buildInfillLayout(const Vocabulary& vocabulary, const PieceTokens& piece, const InfillGap& gap,
                               bool withMiddle);

// Bars [from, to) of a piece as a window: BOS, the metadata at bar `from`, the bars (the first
// one without the changes the metadata now says), never EOS. Empty for a bad range or index.
std::vector<TokenId> barsAsWindow(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t from, std::size_t to);

struct JoinedPiece {
    std::vector<TokenId> tokens;                 // an ordinary sequence; empty on error
    std::size_t middleBegin = 0, middleEnd = 0;  // the new bars' tokens: [middleBegin, middleEnd)
    std::string error;
};

// The piece with bars [gapBegin, gapEnd) replaced by `middle`, which is written as the layout's
// middle: its metadata (TimeSig Tempo [PedalOn]), exactly gapEnd - gapBegin bars, optionally EOS.
// Everything before and after is kept; at both seams a TimeSig, Tempo, PedalOff or PedalOn is
// written where the state on one side differs from the other's, so the suffix sounds with the
// metre, tempo and pedal it had. The result is checked with the grammar: a middle of the wrong
// length, or one whose notes would still sound when the piece ends, gives an error, never a
// sequence that would decode with skips.
JoinedPiece joinInfill(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t gapBegin, std::size_t gapEnd,
                       const std::vector<TokenId>& middle);

}  // namespace pm::tok
