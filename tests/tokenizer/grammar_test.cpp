// The grammar: the encoder only writes what it accepts, everything it accepts decodes without a
// skip, and re-encoding a decoded grammar-valid sequence gives exactly the same tokens.
#include "tokenizer_test_support.h"

#include "midi/midi_reader.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::tok;

std::string describe(const Tokenizer& t, const std::vector<TokenId>& ids) {
    std::string s;
    for (std::size_t i = 0; i < ids.size() && i < 400; ++i) s += t.vocabulary().name(ids[i]) + " ";
    return s;
}

TEST(Grammar, AcceptsEveryEncodingOfTheCommittedFiles) {
    const Tokenizer t;
    for (const std::string& path : pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real")) {
        auto read = pm::midi::readMidiFile(path);
        ASSERT_TRUE(read.ok());
        const Encoding e = t.encode(read.value());
        Grammar g = t.grammar();
        for (std::size_t i = 0; i < e.tokens.size(); ++i)
            ASSERT_TRUE(g.advance(e.tokens[i])) << path << " token " << i << " " << t.vocabulary().name(e.tokens[i]);
        EXPECT_TRUE(g.finished()) << path;
    }
}

TEST(Grammar, RandomValidSequencesDecodeCleanAndReEncodeExactly) {
    // Property test: 300 sequences sampled from the grammar's own masks, over three configs.
    for (int ppq : {24, 12, 36}) {
        TokenizerConfig c;
        c.positionsPerQuarter = ppq;
        c.durationExtraTokens = ppq == 12 ? 0 : 3;   // also a vocabulary without DurationExtra
        const Tokenizer t(c);
        std::mt19937 rng(1234 + ppq);
        for (int i = 0; i < 100; ++i) {
            const auto ids = pm::test::randomGrammarSequence(t, rng, 20 + rng() % 300);
            ASSERT_FALSE(ids.empty());
            ASSERT_EQ(t.vocabulary().token(ids.back()).kind, TokenKind::Eos) << describe(t, ids);
            const Decoded d = t.decode(ids);
            ASSERT_TRUE(d.stats.clean()) << "skipped " << d.stats.skipped << ": " << describe(t, ids);
            ASSERT_TRUE(d.stats.ended);
            const Encoding again = t.encode(d.file);
            ASSERT_EQ(again.tokens, ids) << "original: " << describe(t, ids) << "\nagain:    " << describe(t, again.tokens);
        }
    }
}

TEST(Grammar, MaskAgreesWithAcceptsAndNeverDeadEnds) {
    const Tokenizer t;
    const std::size_t n = t.vocabulary().size();
    std::vector<std::uint8_t> mask(n);
    std::mt19937 rng(99);
    for (int i = 0; i < 30; ++i) {
        Grammar g = t.grammar();
        const auto ids = pm::test::randomGrammarSequence(t, rng, 200);
        for (TokenId next : ids) {
            const AllowedTokens allowed = g.allowed();
            ASSERT_FALSE(allowed.empty()) << "only the end may leave nothing to choose";
            allowed.fillMask(mask.data(), n);
            std::size_t ones = 0;
            for (std::size_t id = 0; id < n; ++id) {
                ones += mask[id];
                ASSERT_EQ(bool(mask[id]), g.accepts(TokenId(id)));
            }
            ASSERT_EQ(ones, allowed.count());
            ASSERT_FALSE(g.accepts(t.vocabulary().id(TokenKind::Pad)));
            ASSERT_FALSE(g.accepts(TokenId(n)));
            ASSERT_TRUE(g.advance(next));
        }
        EXPECT_TRUE(g.finished());
        EXPECT_TRUE(g.allowed().empty());
    }
}

TEST(Grammar, RejectsNonCanonicalOrders) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    auto prefixed = [&](std::vector<TokenId> body) {
        std::vector<TokenId> ids = {v.id(TokenKind::Bos), v.id(TokenKind::TimeSig, v.metreIndex({4, 4})),
                                    v.id(TokenKind::Tempo, 26)};
        ids.insert(ids.end(), body.begin(), body.end());
        return ids;
    };
    auto acceptsAll = [&](const std::vector<TokenId>& ids) {
        Grammar g = t.grammar();
        for (TokenId id : ids)
            if (!g.advance(id)) return false;
        return true;
    };
    const TokenId bar = v.id(TokenKind::Bar);
    auto pos = [&](int p) { return v.id(TokenKind::Position, p); };
    auto note = [&](int pitch, int vel, int dur) {
        return std::vector<TokenId>{v.id(TokenKind::Pitch, pitch), v.id(TokenKind::Velocity, vel), v.id(TokenKind::Duration, dur)};
    };
    auto cat = [](std::vector<TokenId> a, const std::vector<TokenId>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    };
    EXPECT_TRUE(acceptsAll(prefixed(cat(cat({bar, pos(0)}, note(60, 10, 5)), note(60, 10, 5)))));   // a doubling is fine
    EXPECT_FALSE(acceptsAll(prefixed(cat(cat({bar, pos(0)}, note(62, 10, 5)), note(60, 10, 5)))));   // descending pitch
    EXPECT_FALSE(acceptsAll(prefixed(cat(cat({bar, pos(0)}, note(60, 10, 5)), note(60, 9, 5)))));    // descending velocity
    EXPECT_FALSE(acceptsAll(prefixed(cat(cat({bar, pos(0)}, note(60, 10, 5)), note(60, 10, 4)))));   // shorter duplicate
    EXPECT_FALSE(acceptsAll(prefixed(cat({bar, pos(5)}, cat(note(60, 10, 5), {pos(5)})))));          // position repeated
    EXPECT_FALSE(acceptsAll(prefixed({bar, pos(3), bar})));                                          // empty group
    EXPECT_FALSE(acceptsAll(prefixed({bar, pos(96)})));                                              // past the 4/4 bar
    EXPECT_FALSE(acceptsAll(prefixed({bar, v.id(TokenKind::TimeSig, v.metreIndex({3, 4}))})));       // first bar: prefix's metre
    EXPECT_TRUE(acceptsAll(prefixed({bar, bar, v.id(TokenKind::TimeSig, v.metreIndex({3, 4}))})));
    EXPECT_FALSE(acceptsAll(prefixed({bar, bar, v.id(TokenKind::TimeSig, v.metreIndex({4, 4}))}))); // no change
    EXPECT_FALSE(acceptsAll(prefixed({bar, pos(0), v.id(TokenKind::PedalOn)})));                     // first step: prefix's
    EXPECT_TRUE(acceptsAll(prefixed({bar, pos(1), v.id(TokenKind::PedalOn)})));
    EXPECT_FALSE(acceptsAll(prefixed({bar, pos(1), v.id(TokenKind::PedalOff)})));                    // pedal is up
    EXPECT_FALSE(acceptsAll(prefixed({bar, pos(1), v.id(TokenKind::Tempo, 26)})));                   // no change
    // A note longer than the bar: the piece may only end once it has ended.
    Grammar g = t.grammar();
    for (TokenId id : prefixed(cat({bar, pos(0)}, {v.id(TokenKind::Pitch, 60), v.id(TokenKind::Velocity, 3),
                                                    v.id(TokenKind::DurationExtra, 1), v.id(TokenKind::Duration, 1)})))
        ASSERT_TRUE(g.advance(id));
    EXPECT_FALSE(g.canEnd());
    ASSERT_TRUE(g.advance(bar));
    EXPECT_TRUE(g.canEnd());
}

}  // namespace
