#include "tokenizer/infill_layout.h"

#include "tokenizer/grammar.h"

#include <limits>
#include <memory>

namespace pm::tok {
namespace {

// Grammar only reads the vocabulary; an aliasing shared_ptr avoids copying it.
std::shared_ptr<const Vocabulary> borrow(const Vocabulary& v) {
    return std::shared_ptr<const Vocabulary>(std::shared_ptr<const Vocabulary>(), &v);
}

bool indexSound(const PieceTokens& p) {
    for (std::size_t b = 0; b < p.barCount; ++b) {
        if (p.bars[b].tokenOffset >= p.tokenCount) return false;
        if (b > 0 && p.bars[b].tokenOffset <= p.bars[b - 1].tokenOffset) return false;
    }
    return true;
}

bool endsWithEos(const Vocabulary& v, const PieceTokens& p) {
    return p.tokenCount > 0 && v.token(p.tokens[p.tokenCount - 1]).kind == TokenKind::Eos;
}

// The state a window's metadata (TimeSig Tempo [PedalOn], BOS left out) describes.
struct BarLine {
    int metre = 0, tempo = 0;
    bool pedal = false;
    std::size_t length = 0;   // tokens of metadata
};

bool readMeta(const Vocabulary& v, const TokenId* t, std::size_t n, BarLine* out) {
    if (n < 2 || v.token(t[0]).kind != TokenKind::TimeSig || v.token(t[1]).kind != TokenKind::Tempo) return false;
    out->metre = v.token(t[0]).value;
    out->tempo = v.token(t[1]).value;
    out->pedal = n > 2 && v.token(t[2]).kind == TokenKind::PedalOn;
    out->length = out->pedal ? 3 : 2;
    return true;
}

// Appends bars written as a window's (first bar without its bar-line changes; `bars` starts with
// its Bar) after a sequence whose state is `before`, saying at the first bar line what `line`
// changes: TimeSig after the Bar, Tempo and pedal at Position_0 (in the grammar's order).
void appendJoined(const Vocabulary& v, const GrammarState& before, const BarLine& line, const TokenId* bars,
                  std::size_t count, std::vector<TokenId>& out) {
    out.push_back(bars[0]);   // Bar
    if (line.metre != before.metre) out.push_back(v.id(TokenKind::TimeSig, line.metre));
    std::vector<TokenId> changes;
    if (line.tempo != before.tempoBin) changes.push_back(v.id(TokenKind::Tempo, line.tempo));
    if (before.pedalDown && !line.pedal) changes.push_back(v.id(TokenKind::PedalOff));
    if (!before.pedalDown && line.pedal) changes.push_back(v.id(TokenKind::PedalOn));
    std::size_t i = 1;
    if (!changes.empty()) {
        const TokenId position0 = v.id(TokenKind::Position, 0);
        out.push_back(position0);
        out.insert(out.end(), changes.begin(), changes.end());
        if (i < count && bars[i] == position0) ++i;   // its notes join the changes' group
    }
    out.insert(out.end(), bars + i, bars + count);
}

// Feeds tokens to a grammar; the index of the first one it refuses, or `count`.
std::size_t feed(Grammar& g, const TokenId* t, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        if (!g.advance(t[i])) return i;
    return count;
}

}  // namespace

std::vector<TokenId> barsAsWindow(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t from, std::size_t to) {
    if (from >= to || to > piece.barCount || !indexSound(piece)) return {};
    std::vector<TokenId> w = windowAt(vocabulary, piece, from, std::numeric_limits<std::size_t>::max());
    if (w.empty()) return w;
    // After bar `from`, a window holds the piece's own tokens to its end: cut them at bar `to`.
    const std::size_t end = to < piece.barCount ? piece.bars[to].tokenOffset : piece.tokenCount;
    const std::size_t drop = piece.tokenCount - end;
    if (drop >= w.size()) return {};
    w.resize(w.size() - drop);
    if (to == piece.barCount && vocabulary.token(w.back()).kind == TokenKind::Eos) w.pop_back();
    return w;
}

InfillLayout buildInfillLayout(const Vocabulary& vocabulary, const PieceTokens& piece, const InfillGap& gap,
                               bool withMiddle) {
    InfillLayout out;
    const Vocabulary& v = vocabulary;
    const auto damaged = [&out] {
        out.tokens.clear();
        out.error = "the piece's bar index is damaged";
        return out;
    };
    if (!indexSound(piece)) return damaged();
    if (!(gap.contextBegin <= gap.gapBegin && gap.gapBegin < gap.gapEnd && gap.gapEnd <= gap.contextEnd &&
          gap.contextEnd <= piece.barCount)) {
        out.error = "the gap must be bars inside the piece (" + std::to_string(piece.barCount) + " bars), with its context around it";
        return out;
    }
    out.gapBars = gap.gapEnd - gap.gapBegin;
    if (out.gapBars > std::size_t(kMaxInfillBars)) {
        out.error = "a gap can have at most " + std::to_string(kMaxInfillBars) + " bars";
        return out;
    }
    const bool emptySuffix = gap.contextEnd == gap.gapEnd;
    if (emptySuffix && (gap.gapEnd != piece.barCount || !endsWithEos(v, piece))) {
        out.error = "nothing after the gap means the piece ends there: show at least one bar after it";
        return out;
    }

    std::vector<TokenId>& t = out.tokens;
    t.push_back(v.id(TokenKind::Bos));
    // The bars after the gap, as their own window.
    if (!emptySuffix) {
        const std::vector<TokenId> suffix = barsAsWindow(v, piece, gap.gapEnd, gap.contextEnd);
        if (suffix.empty()) return damaged();
        t.insert(t.end(), suffix.begin() + 1, suffix.end());   // without its BOS
    }
    out.sepIndex = t.size();
    t.push_back(v.id(TokenKind::Sep));
    // The bars before the gap as their own window (or, with none, the state at the gap's bar line),
    // then the MASKs, then the gap's bars going on from there.
    const bool prefixBars = gap.contextBegin < gap.gapBegin;
    const std::vector<TokenId> before = prefixBars ? barsAsWindow(v, piece, gap.contextBegin, gap.gapBegin)
                                                   : windowPrefix(v, piece.bars[gap.gapBegin]);
    if (before.empty()) return damaged();
    t.insert(t.end(), before.begin() + 1, before.end());
    out.maskIndex = t.size();
    t.insert(t.end(), out.gapBars, v.id(TokenKind::Mask));
    out.middleBarsIndex = t.size();
    if (withMiddle) {
        if (prefixBars) {
            // The piece's own tokens: they continue the bars before them as they are.
            const std::size_t from = piece.bars[gap.gapBegin].tokenOffset;
            std::size_t to = gap.gapEnd < piece.barCount ? piece.bars[gap.gapEnd].tokenOffset : piece.tokenCount;
            if (to == piece.tokenCount && endsWithEos(v, piece)) --to;
            t.insert(t.end(), piece.tokens + from, piece.tokens + to);
        } else {
            // After the metadata alone: the gap's bars as that window writes them.
            const std::vector<TokenId> middle = barsAsWindow(v, piece, gap.gapBegin, gap.gapEnd);
            BarLine meta;
            if (middle.empty() || !readMeta(v, middle.data() + 1, middle.size() - 1, &meta)) return damaged();
            t.insert(t.end(), middle.begin() + 1 + std::ptrdiff_t(meta.length), middle.end());
        }
        t.push_back(v.id(TokenKind::Eos));
    }
    return out;
}

JoinedPiece joinInfill(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t gapBegin, std::size_t gapEnd,
                       const std::vector<TokenId>& middle) {
    JoinedPiece out;
    const Vocabulary& v = vocabulary;
    if (!indexSound(piece)) {
        out.error = "the piece's bar index is damaged";
        return out;
    }
    if (!(gapBegin < gapEnd && gapEnd <= piece.barCount)) {
        out.error = "the gap must be bars inside the piece (" + std::to_string(piece.barCount) + " bars)";
        return out;
    }
    std::size_t middleCount = middle.size();
    if (middleCount > 0 && v.token(middle[middleCount - 1]).kind == TokenKind::Eos) --middleCount;

    // The bars before the gap, then the middle as it continues them.
    std::vector<TokenId>& t = out.tokens;
    t.assign(piece.tokens, piece.tokens + piece.bars[gapBegin].tokenOffset);
    Grammar g(borrow(v));
    if (feed(g, t.data(), t.size()) < t.size()) {
        t.clear();
        out.error = "the piece is not a valid token sequence before the gap";
        return out;
    }
    const std::int64_t barsBefore = g.state().bars;
    out.middleBegin = t.size();
    const std::size_t refused = feed(g, middle.data(), middleCount);
    if (refused < middleCount) {
        t.clear();
        out.error = "the middle does not continue the bars before it (token " + std::to_string(refused) + ": " +
                    v.name(middle[refused]) + ")";
        return out;
    }
    if (middleCount == 0 || v.token(middle[0]).kind != TokenKind::Bar || !g.atEventBoundary() ||
        g.state().bars - barsBefore != std::int64_t(gapEnd - gapBegin)) {
        t.clear();
        out.error = "the middle has " + std::to_string(g.state().bars - barsBefore) + " whole bars, the gap " +
                    std::to_string(gapEnd - gapBegin);
        return out;
    }
    t.insert(t.end(), middle.begin(), middle.begin() + std::ptrdiff_t(middleCount));
    out.middleEnd = t.size();
    if (gapEnd < piece.barCount) {
        // The rest of the piece, EOS included, as a window whose first bar line joins the middle.
        const std::vector<TokenId> rest = windowAt(v, piece, gapEnd, std::numeric_limits<std::size_t>::max());
        BarLine after;
        if (rest.size() < 2 || !readMeta(v, rest.data() + 1, rest.size() - 1, &after)) {
            t.clear();
            out.error = "the piece's bar index is damaged";
            return out;
        }
        const std::size_t barsAt = 1 + after.length;
        appendJoined(v, g.state(), after, rest.data() + barsAt, rest.size() - barsAt, t);
    } else if (endsWithEos(v, piece)) {
        t.push_back(v.id(TokenKind::Eos));
    }
    g = Grammar(borrow(v));
    const std::size_t bad = feed(g, t.data(), t.size());
    if (bad < t.size()) {
        out.error = bad >= out.middleEnd && v.token(t[bad]).kind == TokenKind::Eos
                        ? "a note of the middle still sounds where the piece ends"
                        : "the joined piece is not a valid token sequence (token " + std::to_string(bad) + ": " + v.name(t[bad]) + ")";
        t.clear();
        return out;
    }
    return out;
}

}  // namespace pm::tok
