// Regenerating bars (issue 19) with a tiny random-weight model: every infill decodes without a
// skip, passes the strict reader, keeps the bars around the gap note for note and joins them
// cleanly (infill_test_support.h); bad requests get one clear line. The 200-infill run is in
// infill_slow_test.cpp (label slow).
#include "generate_test_support.h"
#include "infill_test_support.h"

#include "tokenizer/value_bins.h"

#include <gtest/gtest.h>

namespace {

using pm::gen::InfillRequest;
using pm::gen::InfillResult;

class InfillTest : public pm::test::GenFixture {
protected:
    InfillRequest request(const pm::midi::MidiFile& piece, int a, int b, std::uint64_t seed) const {
        InfillRequest r;
        r.piece = tokenizer.encode(piece).tokens;
        r.firstBar = a;
        r.lastBar = b;
        r.sampling.seed = seed;
        r.maxTokens = 160;   // an untrained model wanders; the cap closes its bars
        return r;
    }
    pm::midi::MidiFile decoded(const pm::midi::MidiFile& piece) const { return tokenizer.decode(tokenizer.encode(piece).tokens).file; }
};

TEST_F(InfillTest, RandomPiecesAndGapsJoinCleanly) {
    std::mt19937 rng(19);
    for (int i = 0; i < 20; ++i) {
        const pm::midi::MidiFile piece = pm::test::randomInfillPiece(rng);
        const std::size_t bars = tokenizer.encode(piece).bars.size();
        ASSERT_GE(bars, 4u);
        const int a = 1 + int(rng() % bars);
        int b = a + int(rng() % 3);
        if (std::size_t(b) > bars) b = int(bars);
        if (a == 1 && std::size_t(b) == bars) b = a;   // keep at least one bar
        const InfillResult r = pm::gen::infill(*generator, request(piece, a, b, 100 + std::uint64_t(i)));
        pm::test::expectCleanInfill(r, decoded(piece), "infill " + std::to_string(i) + " bars " + std::to_string(a) + "-" + std::to_string(b));
        EXPECT_EQ(r.bars, bars);
    }
}

TEST_F(InfillTest, TheSameSeedGivesTheSameBars) {
    const InfillResult x = pm::gen::infill(*generator, request(source, 3, 4, 7));
    const InfillResult y = pm::gen::infill(*generator, request(source, 3, 4, 7));
    const InfillResult z = pm::gen::infill(*generator, request(source, 3, 4, 8));
    ASSERT_TRUE(x.error.empty()) << x.error;
    EXPECT_EQ(x.tokens, y.tokens);
    EXPECT_NE(x.tokens, z.tokens);
    // The scale piece: 8 bars of 4/4 at 120 BPM, 960 ticks per quarter after decoding.
    EXPECT_EQ(x.gapStartTick, 2 * 4 * 960);
    EXPECT_EQ(x.gapEndTick, 4 * 4 * 960);
    // 120 BPM is stored as its tempo bin's centre: 8 and 16 of those quarters.
    const double quarter = pm::tok::tempoBinMicroseconds(pm::tok::tempoBin(120.0, tokenizer.config()), tokenizer.config()) / 1e6;
    EXPECT_NEAR(x.gapStartSeconds, 8 * quarter, 1e-9);
    EXPECT_NEAR(x.gapEndSeconds, 16 * quarter, 1e-9);
    pm::test::expectCleanInfill(x, decoded(source), "scale 3-4");
}

TEST_F(InfillTest, TheFirstAndTheLastBarsCanBeRegenerated) {
    pm::test::expectCleanInfill(pm::gen::infill(*generator, request(source, 1, 2, 3)), decoded(source), "bars 1-2");
    pm::test::expectCleanInfill(pm::gen::infill(*generator, request(source, 8, 8, 3)), decoded(source), "bar 8");
    pm::test::expectCleanInfill(pm::gen::infill(*generator, request(source, 2, 8, 3)), decoded(source), "bars 2-8");
}

TEST_F(InfillTest, BadRequestsSayWhatIsWrong) {
    auto error = [&](const InfillRequest& r) { return pm::gen::infill(*generator, r).error; };
    EXPECT_EQ(error(request(source, 5, 3, 1)), "the first bar (5) comes after the last (3)");
    EXPECT_EQ(error(request(source, 7, 12, 1)), "bars 7-12 are outside the piece (8 bars)");
    EXPECT_EQ(error(request(source, 0, 2, 1)), "bars are counted from 1");
    EXPECT_EQ(error(request(source, 1, 8, 1)),
              "bars 1-8 are the whole piece: keep at least one bar (or generate without infilling)");
    EXPECT_EQ(error(request(pm::test::scalePiece(1), 1, 1, 1)),
              "the piece has only one bar: infilling keeps bars around the ones it regenerates");
    InfillRequest empty;
    empty.firstBar = empty.lastBar = 1;
    EXPECT_EQ(error(empty), "no piece to regenerate bars of");
    pm::midi::MidiFile silent;
    silent.division.ticksPerBeat = 480;
    silent.tracks.resize(1);
    EXPECT_EQ(error(request(silent, 1, 1, 1)), "the piece has no bars");

    int a = 0, b = 0;
    std::string why;
    EXPECT_TRUE(pm::gen::parseBarRange("5-8", &a, &b, &why));
    EXPECT_EQ(a, 5);
    EXPECT_EQ(b, 8);
    EXPECT_TRUE(pm::gen::parseBarRange("3", &a, &b, &why));
    EXPECT_EQ(a, 3);
    EXPECT_EQ(b, 3);
    EXPECT_FALSE(pm::gen::parseBarRange("5-", &a, &b, &why));
    EXPECT_EQ(why, "'5-' is not a bar range like 5-8 (bars counted from 1)");
    EXPECT_FALSE(pm::gen::parseBarRange("x", &a, &b, &why));
    EXPECT_FALSE(pm::gen::parseBarRange("-3", &a, &b, &why));
}

TEST_F(InfillTest, CancelStopsBeforeTheNextToken) {
    std::atomic<bool> cancel{true};
    const InfillResult r = pm::gen::infill(*generator, request(source, 3, 4, 1), &cancel);
    EXPECT_TRUE(r.cancelled);
    EXPECT_TRUE(r.tokens.empty());
}

}  // namespace
