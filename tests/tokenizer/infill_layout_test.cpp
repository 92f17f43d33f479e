// The infilling layout (issue 19): the grammar's Infill mode, the layout builder and the join.
// Expected token sequences are written out by hand from docs/tokenizer.md's description.
#include "tokenizer_test_support.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::tok;
using pm::test::MidiBuilder;

std::string describe(const Vocabulary& v, const std::vector<TokenId>& ids) {
    std::string s;
    for (std::size_t i = 0; i < ids.size() && i < 400; ++i) s += v.name(ids[i]) + " ";
    return s;
}

std::vector<TokenId> cat(std::vector<TokenId> a, const std::vector<TokenId>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Token spellers for hand-written sequences.
struct Spell {
    const Vocabulary& v;
    TokenId bos() const { return v.id(TokenKind::Bos); }
    TokenId eos() const { return v.id(TokenKind::Eos); }
    TokenId bar() const { return v.id(TokenKind::Bar); }
    TokenId mask() const { return v.id(TokenKind::Mask); }
    TokenId sep() const { return v.id(TokenKind::Sep); }
    TokenId ts(int n, int d) const { return v.id(TokenKind::TimeSig, v.metreIndex({n, d})); }
    TokenId tempo(double bpm) const { return v.id(TokenKind::Tempo, tempoBin(bpm, v.config())); }
    TokenId pos(int p) const { return v.id(TokenKind::Position, p); }
    TokenId on() const { return v.id(TokenKind::PedalOn); }
    TokenId off() const { return v.id(TokenKind::PedalOff); }
    std::vector<TokenId> note(int pitch, int velocity, int steps) const {
        std::vector<TokenId> n = {v.id(TokenKind::Pitch, pitch), v.id(TokenKind::Velocity, velocityBin(velocity, v.config()))};
        const DurationSplit d = splitDuration(steps, v.config());
        if (d.extra > 0) n.push_back(v.id(TokenKind::DurationExtra, d.extra));
        n.push_back(v.id(TokenKind::Duration, d.rest));
        return n;
    }
};

bool acceptsAll(const Tokenizer& t, GrammarMode mode, const std::vector<TokenId>& ids, std::size_t* refused = nullptr) {
    Grammar g = t.grammar(mode);
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (!g.advance(ids[i])) {
            if (refused) *refused = i;
            return false;
        }
    return true;
}

// A 4/4 piece at 120 BPM, 480 ticks per quarter, one note per bar:
//   bar 0: C4 a quarter at the bar line
//   bar 1: D4 a half at the bar line
//   bar 2: the pedal goes down at the bar line, E4 a quarter there
//   bar 3: 60 BPM from the bar line, F4 a quarter on beat 2 (pedal still down)
pm::midi::MidiFile fourBars() {
    MidiBuilder b;
    b.tempo(0, 120).metre(0, 4, 2);
    b.note(0, 480, 60).note(1920, 2880, 62).pedal(3840, true).note(3840, 4320, 64);
    b.tempo(5760, 60).note(6240, 6720, 65).end(7680);
    return b.build();
}

TEST(InfillGrammar, PlainModeNeverAdmitsMaskOrSep) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    std::mt19937 rng(5);
    for (int i = 0; i < 50; ++i) {
        const auto ids = pm::test::randomGrammarSequence(t, rng, 150);
        Grammar g = t.grammar();
        for (TokenId id : ids) {
            ASSERT_FALSE(g.accepts(v.id(TokenKind::Mask)));
            ASSERT_FALSE(g.accepts(v.id(TokenKind::Sep)));
            ASSERT_TRUE(g.advance(id));
        }
    }
    // The decoder reads the plain grammar: MASK and SEP in its input are skipped, as before.
    const Spell s{v};
    const auto layout = cat(cat({s.bos(), s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0)}, s.note(60, 80, 24)), {s.mask(), s.sep()});
    const Decoded d = t.decode(layout);
    EXPECT_EQ(d.stats.skipped, 2u);
    EXPECT_EQ(d.stats.notes, 1u);
}

TEST(InfillGrammar, AcceptsTheLayoutAndCountsTheGapsBars) {
    const Tokenizer t;
    const Spell s{t.vocabulary()};
    const std::vector<TokenId> suffix = cat({s.bos(), s.ts(3, 4), s.tempo(60), s.on(), s.bar(), s.pos(24)}, s.note(65, 80, 24));
    const std::vector<TokenId> prefix = cat({s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0)}, s.note(60, 80, 24));
    const std::vector<TokenId> layout = cat(cat(cat(suffix, {s.sep()}), prefix), {s.mask(), s.mask(), s.bar(), s.pos(0)});

    Grammar g = t.grammar(GrammarMode::Infill);
    for (TokenId id : layout) ASSERT_TRUE(g.advance(id)) << describe(t.vocabulary(), layout);
    EXPECT_EQ(g.state().part, InfillPart::Middle);
    EXPECT_EQ(g.state().gapBars, 2);
    EXPECT_EQ(g.state().barsBeforeGap, 1);
    EXPECT_EQ(g.state().bars, 2) << "the middle goes on on the prefix's grid";
    for (TokenId id : s.note(62, 80, 48 + 96)) ASSERT_TRUE(g.advance(id));   // rings into the suffix
    EXPECT_FALSE(g.canEnd()) << "one bar of two";
    EXPECT_FALSE(g.accepts(s.eos()));
    ASSERT_TRUE(g.advance(s.bar()));
    EXPECT_TRUE(g.canEnd()) << "two bars; notes may sound on into the bars after the gap";
    EXPECT_FALSE(g.accepts(s.bar())) << "no third bar";
    EXPECT_FALSE(g.accepts(s.mask()));
    EXPECT_FALSE(g.accepts(s.sep()));
    ASSERT_TRUE(g.advance(s.eos()));
    EXPECT_TRUE(g.finished());
}

TEST(InfillGrammar, RejectsWhatTheLayoutDoesNotHave) {
    const Tokenizer t;
    const Spell s{t.vocabulary()};
    const std::vector<TokenId> suffix = cat({s.bos(), s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0)}, s.note(64, 80, 24));
    const std::vector<TokenId> prefix = cat({s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0)}, s.note(60, 80, 24));
    const std::vector<TokenId> head = cat(cat(suffix, {s.sep()}), prefix);
    auto infill = [&](const std::vector<TokenId>& ids) { return acceptsAll(t, GrammarMode::Infill, ids); };
    EXPECT_TRUE(infill(cat(head, {s.mask(), s.bar(), s.eos()})));
    EXPECT_FALSE(acceptsAll(t, GrammarMode::Plain, cat(suffix, {s.sep()})));
    EXPECT_FALSE(infill(cat(suffix, {s.mask()})));                                   // MASK before SEP
    EXPECT_FALSE(infill({s.bos(), s.ts(4, 4), s.tempo(120), s.sep()}));              // SEP ends bars, not a bare prefix
    EXPECT_FALSE(infill({s.bos(), s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0), s.v.id(TokenKind::Pitch, 60), s.sep()}));   // inside a note
    EXPECT_FALSE(infill({s.bos(), s.ts(4, 4), s.tempo(120), s.bar(), s.pos(3), s.sep()}));   // an empty group
    EXPECT_FALSE(infill(cat(suffix, {s.sep(), s.bar()})));                           // the prefix starts with its metadata
    EXPECT_FALSE(infill(cat(head, {s.sep()})));                                      // MASK ends the prefix
    EXPECT_FALSE(infill(cat(head, {s.eos()})));
    EXPECT_FALSE(infill(cat(head, {s.mask(), s.eos()})));                            // no bar yet
    EXPECT_FALSE(infill(cat(head, {s.mask(), s.bar(), s.bar()})));                   // one bar too many
    EXPECT_FALSE(infill(cat(head, {s.mask(), s.bar(), s.mask()})));
    EXPECT_FALSE(infill(cat(head, {s.mask(), s.bar(), s.sep()})));
    // The prefix is a window: no tempo or pedal at its first grid step (its metadata says them).
    EXPECT_FALSE(infill(cat(suffix, {s.sep(), s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0), s.on()})));
    // The middle goes on from the prefix: its first bar line may change the pedal.
    EXPECT_TRUE(infill(cat(head, {s.mask(), s.bar(), s.pos(0), s.on(), s.eos()})));
}

TEST(InfillGrammar, NothingAfterTheGapMeansTheMiddleEndsThePiece) {
    const Tokenizer t;
    const Spell s{t.vocabulary()};
    const std::vector<TokenId> start = cat({s.bos(), s.sep(), s.ts(4, 4), s.tempo(120), s.bar(), s.pos(0)}, s.note(60, 80, 24));
    Grammar g = t.grammar(GrammarMode::Infill);
    for (TokenId id : cat(start, {s.mask(), s.bar(), s.pos(0)})) ASSERT_TRUE(g.advance(id));
    EXPECT_TRUE(g.state().emptySuffix);
    for (TokenId id : s.note(62, 80, 96 + 5)) ASSERT_TRUE(g.advance(id));   // past the bar's end
    EXPECT_FALSE(g.canEnd()) << "the piece would end with a note still sounding";
    Grammar h = t.grammar(GrammarMode::Infill);
    for (TokenId id : cat(cat(start, {s.mask(), s.bar(), s.pos(0)}), s.note(62, 80, 95))) ASSERT_TRUE(h.advance(id));
    EXPECT_TRUE(h.canEnd());
}

TEST(InfillLayout, AHandBuiltPieceLaysOutAsWritten) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    const Spell s{v};
    const Encoding e = t.encode(fourBars());
    ASSERT_EQ(e.bars.size(), 4u);
    const PieceTokens piece(e);

    const std::vector<TokenId> bar0 = cat({s.bar(), s.pos(0)}, s.note(60, 80, 24));
    const std::vector<TokenId> bar1 = cat({s.bar(), s.pos(0)}, s.note(62, 80, 48));
    const std::vector<TokenId> bar2Inline = cat({s.bar(), s.pos(0), s.on()}, s.note(64, 80, 24));   // in the piece
    const std::vector<TokenId> bar2Window = cat({s.bar(), s.pos(0)}, s.note(64, 80, 24));
    const std::vector<TokenId> bar3Inline = cat({s.bar(), s.pos(0), s.tempo(60), s.pos(24)}, s.note(65, 80, 24));
    const std::vector<TokenId> bar3Window = cat({s.bar(), s.pos(24)}, s.note(65, 80, 24));
    const std::vector<TokenId> head = {s.bos(), s.ts(4, 4), s.tempo(120)};
    ASSERT_EQ(e.tokens, cat(cat(cat(cat(cat(head, bar0), bar1), bar2Inline), bar3Inline), {s.eos()})) << describe(v, e.tokens);

    // Gap: bars 1-2 (the 2nd and 3rd); bar 3 after it first, then bar 0, the MASKs, the gap's
    // bars as the piece has them (the pedal goes down at the 3rd bar's line), EOS.
    const InfillLayout l = buildInfillLayout(v, piece, {0, 1, 3, 4}, true);
    ASSERT_TRUE(l.error.empty()) << l.error;
    const std::vector<TokenId> expected =
        cat(cat(cat(cat(cat(cat(cat({s.bos(), s.ts(4, 4), s.tempo(60), s.on()}, bar3Window), {s.sep(), s.ts(4, 4), s.tempo(120)}), bar0),
                        {s.mask(), s.mask()}),
                    bar1),
                bar2Inline),
            {s.eos()});
    EXPECT_EQ(l.tokens, expected) << describe(v, l.tokens) << "\n" << describe(v, expected);
    EXPECT_EQ(l.gapBars, 2u);
    EXPECT_EQ(l.sepIndex, 4 + bar3Window.size());
    EXPECT_EQ(l.maskIndex, l.sepIndex + 3 + bar0.size());
    EXPECT_EQ(l.middleBarsIndex, l.maskIndex + 2);
    EXPECT_TRUE(acceptsAll(t, GrammarMode::Infill, l.tokens));

    // The prompt is the same up to the MASKs.
    const InfillLayout prompt = buildInfillLayout(v, piece, {0, 1, 3, 4}, false);
    ASSERT_EQ(prompt.tokens.size(), l.middleBarsIndex);
    EXPECT_TRUE(std::equal(prompt.tokens.begin(), prompt.tokens.end(), l.tokens.begin()));

    // The gap at the start: the prefix is the metadata at its bar line; at the end: no suffix.
    const InfillLayout first = buildInfillLayout(v, piece, {0, 0, 1, 2}, true);
    EXPECT_EQ(first.tokens, cat(cat(cat({s.bos(), s.ts(4, 4), s.tempo(120)}, bar1), {s.sep(), s.ts(4, 4), s.tempo(120), s.mask()}),
                                cat(bar0, {s.eos()})))
        << describe(v, first.tokens);
    const InfillLayout last = buildInfillLayout(v, piece, {2, 3, 4, 4}, true);
    EXPECT_EQ(last.tokens, cat(cat(cat({s.bos(), s.sep(), s.ts(4, 4), s.tempo(120), s.on()}, bar2Window), {s.mask()}),
                               cat(bar3Inline, {s.eos()})))
        << describe(v, last.tokens);
    EXPECT_TRUE(acceptsAll(t, GrammarMode::Infill, last.tokens));
    EXPECT_TRUE(acceptsAll(t, GrammarMode::Infill, first.tokens));

    // Gaps that make no layout.
    EXPECT_FALSE(buildInfillLayout(v, piece, {0, 2, 2, 4}, true).error.empty());   // no bars
    EXPECT_FALSE(buildInfillLayout(v, piece, {0, 2, 5, 5}, true).error.empty());   // past the end
    EXPECT_FALSE(buildInfillLayout(v, piece, {0, 1, 2, 2}, true).error.empty());   // nothing after, not the end
}

// The gap's bars as the piece has them (what a layout with bars before the gap ends with).
std::vector<TokenId> pieceBars(const Encoding& e, std::size_t a, std::size_t b) {
    const std::size_t to = b < e.bars.size() ? e.bars[b].tokenOffset : e.tokens.size() - 1;
    return std::vector<TokenId>(e.tokens.begin() + e.bars[a].tokenOffset, e.tokens.begin() + std::ptrdiff_t(to));
}

TEST(InfillJoin, TheOriginalMiddleGivesTheOriginalPieceBack) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    const Encoding e = t.encode(fourBars());
    const PieceTokens piece(e);
    for (std::size_t a = 0; a < 4; ++a)
        for (std::size_t b = a + 1; b <= 4; ++b) {
            const JoinedPiece j = joinInfill(v, piece, a, b, pieceBars(e, a, b));
            ASSERT_TRUE(j.error.empty()) << a << "-" << b << ": " << j.error;
            EXPECT_EQ(j.tokens, e.tokens) << a << "-" << b << "\n" << describe(v, j.tokens);
        }
}

TEST(InfillJoin, TheSeamAfterTheGapSaysWhatChangedThere) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    const Spell s{v};
    const Encoding e = t.encode(fourBars());
    const PieceTokens piece(e);
    const std::vector<TokenId> head = {s.bos(), s.ts(4, 4), s.tempo(120)};
    const std::vector<TokenId> bar0 = cat({s.bar(), s.pos(0)}, s.note(60, 80, 24));
    const std::vector<TokenId> bar3 = cat({s.pos(24)}, s.note(65, 80, 24));

    // A middle that presses the pedal at its start and lifts it on the 2nd bar's 6th step: the
    // bar after it presses it again (as it was down there) and says its tempo.
    const std::vector<TokenId> middle =
        cat(cat(cat({s.bar(), s.pos(0), s.on()}, s.note(70, 100, 24)), {s.bar(), s.pos(6), s.off(), s.pos(12)}), s.note(72, 60, 24));
    const JoinedPiece j = joinInfill(v, piece, 1, 3, middle);
    ASSERT_TRUE(j.error.empty()) << j.error;
    const std::vector<TokenId> expected =
        cat(cat(cat(cat(head, bar0), middle), {s.bar(), s.pos(0), s.tempo(60), s.on()}), cat(bar3, {s.eos()}));
    EXPECT_EQ(j.tokens, expected) << describe(v, j.tokens) << "\n" << describe(v, expected);
    EXPECT_EQ(j.middleBegin, head.size() + bar0.size());
    EXPECT_EQ(j.middleEnd, j.middleBegin + middle.size());
    EXPECT_TRUE(t.decode(j.tokens).stats.clean());

    // A middle in 3/4: the bar after it names 4/4 again.
    const std::vector<TokenId> waltz = cat(cat({s.bar(), s.ts(3, 4), s.pos(0)}, s.note(70, 100, 24)), {s.bar()});
    const JoinedPiece w = joinInfill(v, piece, 1, 3, waltz);
    ASSERT_TRUE(w.error.empty()) << w.error;
    EXPECT_EQ(w.tokens, cat(cat(cat(cat(head, bar0), waltz), {s.bar(), s.ts(4, 4), s.pos(0), s.tempo(60), s.on()}), cat(bar3, {s.eos()})))
        << describe(v, w.tokens);

    // Wrong middles: one bar short, not starting at a bar line, a note ringing past the end.
    EXPECT_NE(joinInfill(v, piece, 1, 3, cat({s.bar(), s.pos(0)}, s.note(70, 100, 24))).error, "");
    EXPECT_NE(joinInfill(v, piece, 1, 3, cat({s.pos(0)}, s.note(70, 100, 24))).error, "");
    const JoinedPiece ringing = joinInfill(v, piece, 3, 4, cat({s.bar(), s.pos(0)}, s.note(70, 100, 96 + 24)));
    EXPECT_TRUE(ringing.tokens.empty());
    EXPECT_NE(ringing.error.find("still sounds"), std::string::npos) << ringing.error;
}

// Random pieces, random gaps: every layout is accepted by the Infill grammar to its end, its
// prompt is its beginning, and joining the piece's own middle gives the piece back.
TEST(InfillLayout, RandomPiecesAndGapsRoundTrip) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    std::mt19937 rng(2024);
    int layouts = 0;
    for (int i = 0; i < 120; ++i) {
        const auto ids = pm::test::randomGrammarSequence(t, rng, 60 + rng() % 400);
        const std::vector<BarStart> bars = indexBars(v, ids.data(), ids.size());
        if (bars.size() < 2) continue;
        PieceTokens piece;
        piece.tokens = ids.data();
        piece.tokenCount = ids.size();
        piece.bars = bars.data();
        piece.barCount = bars.size();
        for (int k = 0; k < 4; ++k) {
            InfillGap gap;
            gap.gapBegin = rng() % bars.size();
            gap.gapEnd = gap.gapBegin + 1 + rng() % (bars.size() - gap.gapBegin);
            // At least one bar before the gap (as generation shows), so the middle is the piece's own bars.
            gap.contextBegin = gap.gapBegin == 0 ? 0 : rng() % gap.gapBegin;
            gap.contextEnd = gap.gapEnd == bars.size() ? gap.gapEnd : gap.gapEnd + 1 + rng() % (bars.size() - gap.gapEnd);
            const InfillLayout l = buildInfillLayout(v, piece, gap, true);
            ASSERT_TRUE(l.error.empty()) << l.error;
            Grammar g = t.grammar(GrammarMode::Infill);
            for (std::size_t n = 0; n < l.tokens.size(); ++n)
                ASSERT_TRUE(g.advance(l.tokens[n])) << "token " << n << "\n" << describe(v, l.tokens);
            ASSERT_TRUE(g.finished());
            EXPECT_EQ(g.state().gapBars, int(gap.gapEnd - gap.gapBegin));
            const InfillLayout p = buildInfillLayout(v, piece, gap, false);
            ASSERT_EQ(p.tokens.size(), l.middleBarsIndex);
            ASSERT_TRUE(std::equal(p.tokens.begin(), p.tokens.end(), l.tokens.begin()));
            const std::vector<TokenId> middle(l.tokens.begin() + std::ptrdiff_t(l.middleBarsIndex), l.tokens.end());
            const JoinedPiece j = joinInfill(v, piece, gap.gapBegin, gap.gapEnd, middle);
            ASSERT_TRUE(j.error.empty()) << j.error;
            ASSERT_EQ(j.tokens, ids) << describe(v, ids);
            ++layouts;
        }
    }
    EXPECT_GT(layouts, 200);
}

// Middles drawn from the Infill grammar's own masks, joined into other random pieces: a join
// either gives a sequence that decodes without a skip or says why not (a note ringing past
// the piece's end), and the bars around the gap decode to the same notes as before.
TEST(InfillJoin, RandomMiddlesJoinCleanly) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    std::mt19937 rng(77);
    int joined = 0;
    for (int i = 0; i < 200; ++i) {
        const auto ids = pm::test::randomGrammarSequence(t, rng, 80 + rng() % 300);
        const std::vector<BarStart> bars = indexBars(v, ids.data(), ids.size());
        if (bars.size() < 3) continue;
        PieceTokens piece;
        piece.tokens = ids.data();
        piece.tokenCount = ids.size();
        piece.bars = bars.data();
        piece.barCount = bars.size();
        const std::size_t a = 1 + rng() % (bars.size() - 2), b = a + 1 + rng() % (bars.size() - a - 1);
        const InfillLayout prompt = buildInfillLayout(v, piece, {0, a, b, bars.size()}, false);
        ASSERT_TRUE(prompt.error.empty());
        Grammar g = t.grammar(GrammarMode::Infill);
        for (TokenId id : prompt.tokens) ASSERT_TRUE(g.advance(id));
        // A random middle of exactly b - a bars (no more MASKs: the gap's length is given).
        std::vector<TokenId> middle;
        while (!g.finished()) {
            const AllowedTokens allowed = g.allowed();
            ASSERT_FALSE(allowed.empty()) << describe(v, middle);
            std::vector<TokenRange> ranges;
            for (const TokenRange& r : allowed) {
                TokenRange x = r;
                if (x.begin == v.id(TokenKind::Mask)) ++x.begin;
                if (x.begin < x.end) ranges.push_back(x);
            }
            TokenRange r = ranges[rng() % ranges.size()];
            if (middle.size() > 40 && g.accepts(v.id(TokenKind::Bar))) r = {v.id(TokenKind::Bar), TokenId(v.id(TokenKind::Bar) + 1)};
            if (g.canEnd()) r = {v.id(TokenKind::Eos), TokenId(v.id(TokenKind::Eos) + 1)};
            const TokenId id = TokenId(r.begin + rng() % (r.end - r.begin));
            ASSERT_TRUE(g.advance(id));
            middle.push_back(id);
        }
        const JoinedPiece j = joinInfill(v, piece, a, b, middle);
        if (!j.error.empty()) {
            EXPECT_NE(j.error.find("still sounds"), std::string::npos) << j.error;
            continue;
        }
        const Decoded d = t.decode(j.tokens);
        ASSERT_TRUE(d.stats.clean()) << describe(v, j.tokens);
        ASSERT_TRUE(d.stats.ended);
        ++joined;
        // The bars before the gap are the piece's own tokens.
        ASSERT_TRUE(std::equal(ids.begin(), ids.begin() + bars[a].tokenOffset, j.tokens.begin()));
        // The bars after it read as the same window as before.
        const std::vector<BarStart> jb = indexBars(v, j.tokens.data(), j.tokens.size());
        ASSERT_EQ(jb.size(), bars.size());
        PieceTokens jp;
        jp.tokens = j.tokens.data();
        jp.tokenCount = j.tokens.size();
        jp.bars = jb.data();
        jp.barCount = jb.size();
        EXPECT_EQ(windowAt(v, jp, b, 1u << 20), windowAt(v, piece, b, 1u << 20));
    }
    EXPECT_GT(joined, 100);
}

}  // namespace
