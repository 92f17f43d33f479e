#include "tokenizer/windowing.h"

#include "tokenizer/grammar.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace pm::tok {
namespace {

bool isKind(const Vocabulary& v, const PieceTokens& p, std::size_t i, TokenKind kind) {
    return i < p.tokenCount && v.token(p.tokens[i]).kind == kind;
}

// Where the bar after `bar` starts (or the end of the tokens, EOS included, for the last bar).
std::size_t barEnd(const PieceTokens& p, std::size_t bar) {
    const std::size_t end = bar + 1 < p.barCount ? p.bars[bar + 1].tokenOffset : p.tokenCount;
    return std::min(end, p.tokenCount);
}

// Appends bar `bar`'s tokens, leaving out what the prefix now says. False when the index is
// damaged.
bool appendFirstBar(const Vocabulary& v, const PieceTokens& p, std::size_t bar, std::vector<TokenId>& out) {
    std::size_t i = p.bars[bar].tokenOffset;
    const std::size_t end = barEnd(p, bar);
    if (i >= end || !isKind(v, p, i, TokenKind::Bar)) return false;
    out.push_back(p.tokens[i++]);
    if (isKind(v, p, i, TokenKind::TimeSig)) ++i;
    if (i < end && v.token(p.tokens[i]).kind == TokenKind::Position && v.token(p.tokens[i]).value == 0) {
        const TokenId position = p.tokens[i++];
        while (i < end && (isKind(v, p, i, TokenKind::Tempo) || isKind(v, p, i, TokenKind::PedalOff) ||
                           isKind(v, p, i, TokenKind::PedalOn)))
            ++i;
        if (isKind(v, p, i, TokenKind::Pitch)) out.push_back(position);   // notes at the bar line stay
    }
    out.insert(out.end(), p.tokens + std::min(i, end), p.tokens + end);
    return true;
}

}  // namespace

std::vector<BarStart> indexBars(const Vocabulary& vocabulary, const TokenId* tokens, std::size_t count) {
    // Grammar only reads the vocabulary; an aliasing shared_ptr avoids copying it.
    Grammar grammar(std::shared_ptr<const Vocabulary>(std::shared_ptr<const Vocabulary>(), &vocabulary));
    std::vector<BarStart> bars;
    bool open = false;   // the last bar's state is still changing (its own TimeSig, Position_0 changes)
    auto close = [&] {
        const GrammarState& s = grammar.state();
        bars.back().metre = std::uint16_t(s.metre);
        bars.back().tempoBin = std::uint16_t(s.tempoBin);
        bars.back().pedalDown = s.pedalDown;
        open = false;
    };
    for (std::size_t i = 0; i < count; ++i) {
        const Token t = vocabulary.token(tokens[i]);
        const bool barLineChange = t.kind == TokenKind::TimeSig || t.kind == TokenKind::Tempo ||
                                   t.kind == TokenKind::PedalOff || t.kind == TokenKind::PedalOn ||
                                   (t.kind == TokenKind::Position && t.value == 0);
        if (open && !barLineChange) close();
        if (!grammar.advance(tokens[i])) continue;
        if (t.kind == TokenKind::Bar) {
            BarStart bar;
            bar.tokenOffset = std::uint32_t(i);
            bars.push_back(bar);
            open = true;
        }
    }
    if (open) close();
    return bars;
}

std::vector<TokenId> windowPrefix(const Vocabulary& vocabulary, const BarStart& bar) {
    std::vector<TokenId> prefix;
    prefix.push_back(vocabulary.id(TokenKind::Bos));
    const int metre = vocabulary.has(TokenKind::TimeSig, bar.metre) ? bar.metre : vocabulary.metreIndex({4, 4});
    const int tempo = std::min<int>(bar.tempoBin, vocabulary.count(TokenKind::Tempo) - 1);
    prefix.push_back(vocabulary.id(TokenKind::TimeSig, metre));
    prefix.push_back(vocabulary.id(TokenKind::Tempo, tempo));
    if (bar.pedalDown) prefix.push_back(vocabulary.id(TokenKind::PedalOn));
    return prefix;
}

std::vector<TokenId> windowAt(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t bar,
                              std::size_t maxTokens) {
    if (bar >= piece.barCount) return {};
    std::vector<TokenId> window = windowPrefix(vocabulary, piece.bars[bar]);
    if (!appendFirstBar(vocabulary, piece, bar, window)) return {};
    const std::size_t rest = barEnd(piece, bar);
    const std::size_t room = maxTokens > window.size() ? maxTokens - window.size() : 0;
    window.insert(window.end(), piece.tokens + rest, piece.tokens + rest + std::min(room, piece.tokenCount - rest));
    if (window.size() > maxTokens) window.resize(maxTokens);
    return window;
}

std::vector<Window> splitIntoWindows(const Vocabulary& vocabulary, const PieceTokens& piece, std::size_t maxTokens) {
    if (maxTokens < 8) throw std::invalid_argument("splitIntoWindows: windows need room for at least 8 tokens");
    std::vector<Window> windows;
    if (piece.barCount == 0) {   // an empty piece: its prefix and EOS
        Window w;
        w.tokens.assign(piece.tokens, piece.tokens + std::min(piece.tokenCount, maxTokens));
        w.cut = piece.tokenCount > maxTokens;
        windows.push_back(std::move(w));
        return windows;
    }
    for (std::size_t b = 0; b < piece.barCount;) {
        Window w;
        w.firstBar = b;
        w.tokens = windowPrefix(vocabulary, piece.bars[b]);
        if (!appendFirstBar(vocabulary, piece, b, w.tokens)) break;   // damaged index: stop, keep what is sound
        std::size_t e = b + 1;
        if (w.tokens.size() > maxTokens) {
            w.tokens.resize(maxTokens);
            w.cut = true;
        } else {
            for (; e < piece.barCount; ++e) {
                const std::size_t from = std::min<std::size_t>(piece.bars[e].tokenOffset, piece.tokenCount);
                const std::size_t to = barEnd(piece, e);
                if (to < from || w.tokens.size() + (to - from) > maxTokens) break;
                w.tokens.insert(w.tokens.end(), piece.tokens + from, piece.tokens + to);
            }
        }
        w.endBar = e;
        windows.push_back(std::move(w));
        b = e;
    }
    return windows;
}

}  // namespace pm::tok
