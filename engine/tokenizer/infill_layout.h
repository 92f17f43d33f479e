// The infilling (fill-in-the-middle) layout: a piece with a gap of whole bars, put in front of the
// model so that it reads what comes after the gap and what comes before it, then writes the gap.
//
//   BOS meta' <bars after the gap> SEP meta <bars before the gap> MASK×n <the gap's n bars> EOS
//
// The bars after the gap come first, as a window of their own (their metadata meta' first: metre,
// tempo and pedal at that bar line, the bar's own changes moved in), closed by SEP. Then the bars
// before the gap, as a window of their own, and n MASKs, one per bar of the gap: the grammar
// (GrammarMode::Infill) then admits exactly n bars and closes the middle with EOS. The gap's bars
// continue the bars before them as an ordinary sequence does, so an RNN writes them right after
// the music they follow (suffix first: the order the FIM paper calls SPM), and they are the very
// tokens continuation would write. With no bars after the gap (the gap ends the piece) SEP comes
// right after BOS, and the middle's EOS is the piece's (every note ends by then). With no bars
// before it, the prefix is just the metadata at the gap's bar line and the middle is written as
// that window's bars. docs/tokenizer.md, "Infilling", has an example.
//
// joinInfill puts a middle back into the piece as an ordinary sequence: the bars before the gap
// are kept token for token and the middle follows them as it was written; at the bar after the
// gap the metre, tempo and pedal it had are restated where the middle left another state.
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
    std::size_t sepIndex = 0;         // SEP: the bars before the gap follow
    std::size_t maskIndex = 0;        // the first MASK
    std::size_t middleBarsIndex = 0;  // the middle's first Bar, after the MASKs (tokens.size() for a prompt)
    std::size_t gapBars = 0;
    std::string error;
};

// The layout for a gap. withMiddle: the whole sequence (training, measuring), ending with the
// gap's bars and EOS; otherwise the prompt a generator continues, ending with the MASKs. A gap
// with no bars after it must end the piece (the piece's tokens end with EOS): "nothing after the
// gap" means the piece ends there.
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

// The piece with bars [gapBegin, gapEnd) replaced by `middle`: exactly gapEnd - gapBegin bars
// (from a Bar; EOS after them optional) written as they continue the piece's tokens before bar
// gapBegin — as the layout's middle is whenever at least one bar before the gap was shown (for a
// gap at the piece's start, the piece's own metadata is the prefix's). Everything before and
// after is kept; at the bar after the gap a TimeSig, Tempo, PedalOff or PedalOn is written where
// the middle left another state than the original's, so the suffix sounds with the metre, tempo
// and pedal it had. The result is checked with the grammar: a middle of the wrong length, or one
// whose notes would still sound when the piece ends, gives an error, never a sequence that would
// decode with skips.
JoinedPiece joinInfill(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t gapBegin, std::size_t gapEnd,
                       const std::vector<TokenId>& middle);

}  // namespace pm::tok
