// decode(encode(midi)) on the committed real files and on crafted pieces, with the bounds the
// tokenizer promises: every piano-range non-drum note comes back once, its onset and duration
// within half a grid step, its velocity within half a velocity bin.
#include "tokenizer_test_support.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::tok;

struct Bounds {
    double halfStep;   // quarter notes
    int halfBin;       // velocity
};

Bounds boundsOf(const TokenizerConfig& c) { return {0.5 / c.positionsPerQuarter, (128 / c.velocityBins) / 2}; }

// Checks the promise on one file; returns the number of notes compared.
std::size_t expectFaithfulRoundTrip(const Tokenizer& t, const pm::midi::MidiFile& file, const std::string& label) {
    const Encoding e = t.encode(file);
    const Decoded d = t.decode(e.tokens);
    EXPECT_TRUE(d.stats.clean()) << label << ": the encoder's own tokens decode without skips";
    const Bounds b = boundsOf(t.config());
    const double eps = 1e-9;
    const auto expected = pm::test::beatNotes(file, /*pianoOnly=*/true);
    const auto decoded = pm::test::beatNotes(d.file, false);
    const auto m = pm::test::matchNotes(expected, decoded, b.halfStep + eps);
    EXPECT_EQ(decoded.size(), expected.size()) << label << ": no note lost, none added";
    EXPECT_EQ(m.matched, expected.size()) << label;
    for (std::size_t i = 0; i < m.matched; ++i) {
        EXPECT_LE(m.onsetErrors[i], b.halfStep + eps) << label;
        EXPECT_LE(m.velocityErrors[i], b.halfBin) << label;
    }
    // Durations: within half a step, except the few clamped to the longest the tokens can say.
    std::size_t overLong = 0;
    for (double err : m.durationErrors) overLong += err > b.halfStep + eps;
    EXPECT_LE(overLong, e.report.durationsClamped) << label;
    EXPECT_EQ(e.report.notesEncoded, expected.size()) << label;
    return expected.size();
}

TEST(RoundTrip, CommittedRealFilesKeepEveryNoteWithinBounds) {
    const Tokenizer t;
    const auto files = pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real");
    ASSERT_GE(files.size(), 5u) << "tests/data/midi/real is missing";
    std::size_t notes = 0;
    for (const std::string& path : files) {
        auto read = pm::midi::readMidiFile(path);
        ASSERT_TRUE(read.ok()) << path << ": " << read.error().toString();
        notes += expectFaithfulRoundTrip(t, read.value(), path);
    }
    EXPECT_GT(notes, 1000u);
}

TEST(RoundTrip, OtherGridsAndBinsKeepTheirOwnBounds) {
    const auto files = pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real");
    for (int ppq : {12, 48}) {
        TokenizerConfig c;
        c.positionsPerQuarter = ppq;
        c.velocityBins = ppq == 12 ? 8 : 64;
        const Tokenizer t(c);
        for (const std::string& path : files) {
            auto read = pm::midi::readMidiFile(path);
            ASSERT_TRUE(read.ok());
            expectFaithfulRoundTrip(t, read.value(), path + " @" + std::to_string(ppq));
        }
    }
}

TEST(RoundTrip, CrowdedAndAwkwardTimingStaysWithinBounds) {
    // 64th-note trills, quintuplets, notes shorter than half a step, the same key struck twice
    // at once by two tracks, odd resolutions: all within the bounds.
    pm::test::MidiBuilder builder(385);   // no simple ratio to 24 steps per quarter
    std::mt19937 rng(7);
    for (int i = 0; i < 400; ++i) {
        const pm::midi::Tick start = rng() % 20000;
        const pm::midi::Tick length = rng() % 3 == 0 ? rng() % 8 : rng() % 3000;
        builder.note(start, start + length, 21 + int(rng() % 88), 1 + int(rng() % 127), int(rng() % 9));
    }
    builder.note(5000, 5100, 60, 90, 0).note(5000, 5100, 60, 90, 1);   // unison doubling
    expectFaithfulRoundTrip(Tokenizer(), builder.build(), "random crafted");
}

TEST(RoundTrip, DecodedFileSurvivesWritingAndReadingAsMidi) {
    const Tokenizer t;
    auto read = pm::midi::readMidiFile(pm::test::tokenizerDataDir() + "/midi/real/BachJS__bach-praeludium-02.mid");
    ASSERT_TRUE(read.ok());
    const Encoding e = t.encode(read.value());
    const Decoded d = t.decode(e.tokens);
    auto bytes = pm::midi::writeMidi(d.file);
    ASSERT_TRUE(bytes.ok()) << bytes.error().toString();
    auto reread = pm::midi::readMidi(bytes.value().data(), bytes.value().size(), {pm::midi::ReadMode::Strict, {}});
    ASSERT_TRUE(reread.ok()) << reread.error().toString();
    EXPECT_EQ(t.encode(reread.value()).tokens, e.tokens) << "tokens -> .mid -> tokens is exact";
}

}  // namespace
