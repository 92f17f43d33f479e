// The trainer's sample hook backed by the real generator: a window that starts mid-piece and is
// cut mid-note still gives a bar-aligned prompt, and the sample is that prompt plus new bars that
// decode cleanly.
#include "generate/training_sampler.h"

#include "generate_test_support.h"

#include "tokenizer/tokenizer_config.h"

#include <gtest/gtest.h>

using pm::test::GenFixture;

TEST_F(GenFixture, TrainingSamplerContinuesAWindowFromMidPiece) {
    const pm::tok::Encoding enc = tokenizer.encode(pm::test::scalePiece(12));
    // A window from bar 3 on (it carries its own metadata prefix), cut after an odd number of
    // tokens so it most likely ends inside a note's token group, as the trainer's halves do.
    std::vector<pm::tok::TokenId> window = tokenizer.windowAt(pm::tok::PieceTokens(enc), 3, 1000);
    window.resize(window.size() / 2 + 1);

    pm::gen::TrainingSampleOptions o;
    o.promptBars = 2;
    o.bars = 2;
    const auto sampler = pm::gen::trainingSampler(o);
    const std::string json = pm::tok::configToJson(tokenizer.config()).dump();
    const std::vector<std::uint16_t> piece = sampler(model, window, json);

    // The prompt is the window's first two whole bars, re-cut at the bar line, then new tokens.
    const pm::gen::Prompt expected = pm::gen::promptFromBars(tokenizer, tokenizer.decode(window).file, 2);
    ASSERT_TRUE(expected.ok()) << expected.error;
    ASSERT_GT(piece.size(), expected.tokens.size());
    EXPECT_TRUE(std::equal(expected.tokens.begin(), expected.tokens.end(), piece.begin()));
    const pm::tok::Decoded d = tokenizer.decode(piece);
    EXPECT_TRUE(d.stats.clean()) << "the sample must decode without repairs";
    std::size_t promptNotes = 0;   // 4 quarter notes in each of the two prompt bars
    for (const auto& n : d.file.tracks.at(0).notes) promptNotes += n.start < pm::midi::Tick(2 * 4) * d.file.division.ticksPerBeat ? 1 : 0;
    EXPECT_EQ(promptNotes, 8u);
    EXPECT_LE(piece.size(), expected.tokens.size() + o.maxTokens + 1);
    // Same window, same seed: the same sample (the trainer's samples differ only by the weights).
    EXPECT_EQ(sampler(model, window, json), piece);
}

TEST_F(GenFixture, TrainingSamplerRejectsABadTokenizerConfig) {
    const auto sampler = pm::gen::trainingSampler();
    const std::vector<std::uint16_t> window = pm::gen::metadataPrompt(tokenizer, {4, 4}, 120).tokens;
    EXPECT_THROW(sampler(model, window, R"({"format": "not-ours"})"), std::invalid_argument);
    EXPECT_ANY_THROW(sampler(model, window, "{not json"));
}
