// Windows keep the tempo and metre in force where they start, start at bar lines, and are
// exactly what the encoder writes for the piece from that bar on.
#include "tokenizer_test_support.h"

#include "midi/midi_reader.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::tok;
using pm::test::MidiBuilder;

// 4/4 at 100 BPM; from bar 3, 3/4 at 150 BPM with the pedal down at the bar line.
pm::midi::MidiFile metreAndTempoChangingPiece() {
    MidiBuilder b(480);
    b.metre(0, 4, 2).tempo(0, 100);
    for (int beat = 0; beat < 8; ++beat) b.note(pm::midi::Tick(beat) * 480, pm::midi::Tick(beat) * 480 + 400, 60 + beat);
    b.metre(3840, 3, 2).tempo(3840, 150).pedal(3840, true);
    for (int beat = 0; beat < 12; ++beat) b.note(3840 + pm::midi::Tick(beat) * 480, 3840 + pm::midi::Tick(beat) * 480 + 200, 72 - beat);
    return b.build();
}

TEST(Windowing, WindowFromTheMiddleCarriesTheMetreTempoAndPedalInForce) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    const Encoding e = t.encode(metreAndTempoChangingPiece());
    ASSERT_EQ(e.bars.size(), 6u);   // two bars of 4/4, four of 3/4
    const auto w = t.windowAt(PieceTokens(e), 3, 1000);
    ASSERT_GE(w.size(), 5u);
    EXPECT_EQ(v.name(w[0]), "BOS");
    EXPECT_EQ(v.name(w[1]), "TimeSig_3/4");
    EXPECT_EQ(w[2], v.id(TokenKind::Tempo, tempoBin(150, t.config())));
    EXPECT_EQ(v.name(w[3]), "PedalOn");
    EXPECT_EQ(v.name(w[4]), "Bar");
    // Decoding the window alone gives that metre and tempo at its start.
    const Decoded d = t.decode(w);
    EXPECT_TRUE(d.stats.clean());
    ASSERT_FALSE(d.file.timeSignatures.empty());
    EXPECT_EQ(d.file.timeSignatures[0].numerator, 3);
    ASSERT_FALSE(d.file.tempos.empty());
    EXPECT_NEAR(60e6 / d.file.tempos[0].usPerBeat, 150, 150 * 0.039) << "within half a tempo bin";
}

TEST(Windowing, AWindowIsWhatTheEncoderWritesForThePieceFromThatBar) {
    // Decoding window(b) and encoding the result again gives window(b) back: the window is a
    // complete canonical sequence, not a slice with dangling state.
    const Tokenizer t;
    for (const std::string& path : pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real")) {
        auto read = pm::midi::readMidiFile(path);
        ASSERT_TRUE(read.ok());
        const Encoding e = t.encode(read.value());
        EXPECT_EQ(t.windowAt(PieceTokens(e), 0, SIZE_MAX), e.tokens) << path << ": window 0 is the piece";
        for (std::size_t b = 0; b < e.bars.size(); b += 3) {
            const auto w = t.windowAt(PieceTokens(e), b, SIZE_MAX);
            const Decoded d = t.decode(w);
            ASSERT_TRUE(d.stats.clean()) << path << " bar " << b;
            EXPECT_EQ(t.encode(d.file).tokens, w) << path << " bar " << b;
        }
    }
}

TEST(Windowing, SplitCoversEveryBarOnceWithinTheLimit) {
    const Tokenizer t;
    auto read = pm::midi::readMidiFile(pm::test::tokenizerDataDir() + "/midi/real/TchaikovskyPI__01MorningPrayer.mid");
    ASSERT_TRUE(read.ok());
    const Encoding e = t.encode(read.value());
    for (std::size_t limit : {64u, 256u, 1024u}) {
        const auto windows = t.splitIntoWindows(PieceTokens(e), limit);
        std::size_t nextBar = 0, notes = 0;
        for (const Window& w : windows) {
            EXPECT_EQ(w.firstBar, nextBar);
            EXPECT_GT(w.endBar, w.firstBar);
            EXPECT_LE(w.tokens.size(), limit);
            EXPECT_EQ(t.vocabulary().token(w.tokens[0]).kind, TokenKind::Bos);
            // Every window is a valid sequence (cut ones a valid beginning of one).
            Grammar g = t.grammar();
            for (TokenId id : w.tokens) ASSERT_TRUE(g.advance(id));
            notes += t.decode(w.tokens).stats.notes;
            nextBar = w.endBar;
        }
        EXPECT_EQ(nextBar, e.bars.size());
        if (limit >= 256) {
            EXPECT_EQ(notes, e.report.notesEncoded) << "no bar was cut at " << limit;
        }
        if (!windows.back().cut) {
            EXPECT_EQ(t.vocabulary().token(windows.back().tokens.back()).kind, TokenKind::Eos);
        }
    }
    EXPECT_THROW(t.splitIntoWindows(PieceTokens(e), 4), std::invalid_argument);
}

TEST(Windowing, IndexRebuiltFromTokensAloneMatchesTheEncoders) {
    const Tokenizer t;
    for (const std::string& path : pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real")) {
        auto read = pm::midi::readMidiFile(path);
        ASSERT_TRUE(read.ok());
        const Encoding e = t.encode(read.value());
        const auto rebuilt = indexBars(t.vocabulary(), e.tokens.data(), e.tokens.size());
        ASSERT_EQ(rebuilt.size(), e.bars.size()) << path;
        for (std::size_t b = 0; b < rebuilt.size(); ++b) {
            EXPECT_EQ(rebuilt[b].tokenOffset, e.bars[b].tokenOffset);
            EXPECT_EQ(rebuilt[b].metre, e.bars[b].metre);
            EXPECT_EQ(rebuilt[b].tempoBin, e.bars[b].tempoBin) << path << " bar " << b;
            EXPECT_EQ(rebuilt[b].pedalDown, e.bars[b].pedalDown) << path << " bar " << b;
        }
    }
    const Encoding e = t.encode(metreAndTempoChangingPiece());
    const auto rebuilt = indexBars(t.vocabulary(), e.tokens.data(), e.tokens.size());
    ASSERT_EQ(rebuilt.size(), e.bars.size());
    EXPECT_TRUE(rebuilt[2].pedalDown);
}

TEST(Windowing, DamagedIndexGivesNothingInsteadOfACrash) {
    const Tokenizer t;
    const Encoding e = t.encode(metreAndTempoChangingPiece());
    std::vector<BarStart> bars = e.bars;
    bars[2].tokenOffset = 5;        // not a Bar token
    bars[3].tokenOffset = 1u << 30; // far outside
    PieceTokens p(e);
    p.bars = bars.data();
    EXPECT_TRUE(t.windowAt(p, 2, 100).empty());
    EXPECT_TRUE(t.windowAt(p, 3, 100).empty());
    EXPECT_TRUE(t.windowAt(p, 99, 100).empty());
    const auto windows = t.splitIntoWindows(p, 100);
    EXPECT_LE(windows.size(), e.bars.size());
}

}  // namespace
