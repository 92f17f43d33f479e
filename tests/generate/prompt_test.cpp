// buildPrompt, the one prompt construction of the CLI, the app and the demo: bars, seconds, from
// nothing, and its errors. Expected tokens come from the tokenizer's own encoding of the file, cut
// at the bar offsets it reports.
#include "generate/prompt.h"

#include "../dataset/dataset_fixture.h"
#include "generate_test_support.h"
#include "tokenizer/value_bins.h"

#include <gtest/gtest.h>

namespace {

using pm::tok::TokenKind;

class BuildPrompt : public ::testing::Test {
protected:
    pm::test::TempDir tmp;
    pm::tok::Tokenizer tokenizer;
    std::string file;
    void SetUp() override {
        // 8 bars of 4/4 at 120 BPM: a bar every 2 s.
        file = tmp / "scale.mid";
        ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::scalePiece(8), file).ok());
    }
    pm::tok::Encoding encoding() const { return tokenizer.encode(pm::midi::readMidiFile(file).value()); }
    // A 4/4 bar at the tokens' tempo: 120 BPM is stored as its tempo bin, whose quarter note is
    // tempoBinMicroseconds long; the prompt's end is where the played tokens put it.
    double barSeconds() const {
        return 4 * pm::tok::tempoBinMicroseconds(pm::tok::tempoBin(120, tokenizer.config()), tokenizer.config()) / 1e6;
    }
};

TEST_F(BuildPrompt, KeepsWholeBarsOfTheFile) {
    pm::gen::PromptSpec spec;
    spec.file = file;
    spec.bars = 3;
    const pm::gen::Prompt p = pm::gen::buildPrompt(tokenizer, spec);
    ASSERT_TRUE(p.ok()) << p.error;
    const pm::tok::Encoding e = encoding();
    ASSERT_GE(e.bars.size(), 4u);
    const std::vector<pm::tok::TokenId> expected(e.tokens.begin(), e.tokens.begin() + std::ptrdiff_t(e.bars[3].tokenOffset));
    EXPECT_EQ(p.tokens, expected);
    EXPECT_EQ(p.bars, 3u);
    EXPECT_NEAR(p.seconds, 3 * barSeconds(), 1e-6);   // three bars of about 2 s
    spec.bars = 2.9;                     // whole bars only
    EXPECT_EQ(pm::gen::buildPrompt(tokenizer, spec).bars, 2u);
}

TEST_F(BuildPrompt, SecondsKeepTheBarsThatStartBeforeThem) {
    pm::gen::PromptSpec spec;
    spec.file = file;
    spec.bars = 1;       // ignored: seconds win
    spec.seconds = 5.0;  // bars start at 0, ~2, ~4 s
    const pm::gen::Prompt p = pm::gen::buildPrompt(tokenizer, spec);
    ASSERT_TRUE(p.ok()) << p.error;
    EXPECT_EQ(p.bars, 3u);
    EXPECT_NEAR(p.seconds, 3 * barSeconds(), 1e-6);
    const pm::tok::Encoding e = encoding();
    EXPECT_EQ(p.tokens.size(), e.bars[3].tokenOffset);
}

TEST_F(BuildPrompt, FromNothingIsTheMetadataPrefix) {
    pm::gen::PromptSpec spec;
    spec.metre = {3, 4};
    spec.bpm = 90;
    const pm::gen::Prompt p = pm::gen::buildPrompt(tokenizer, spec);
    ASSERT_TRUE(p.ok()) << p.error;
    const pm::tok::Vocabulary& v = tokenizer.vocabulary();
    ASSERT_EQ(p.tokens.size(), 3u);   // BOS TimeSig Tempo
    EXPECT_EQ(p.tokens[0], v.id(TokenKind::Bos));
    EXPECT_EQ(v.token(p.tokens[1]).kind, TokenKind::TimeSig);
    EXPECT_EQ(v.token(p.tokens[2]).kind, TokenKind::Tempo);
    EXPECT_EQ(p.bars, 0u);
    // A different metre gives a different TimeSig token.
    spec.metre = {4, 4};
    EXPECT_NE(pm::gen::buildPrompt(tokenizer, spec).tokens[1], p.tokens[1]);
}

TEST_F(BuildPrompt, ErrorsNameTheFileOrTheMetre) {
    pm::gen::PromptSpec spec;
    spec.file = tmp / "missing.mid";
    pm::gen::Prompt p = pm::gen::buildPrompt(tokenizer, spec);
    EXPECT_FALSE(p.ok());
    EXPECT_EQ(p.error.rfind(spec.file + ": ", 0), 0u) << p.error;
    EXPECT_TRUE(p.tokens.empty());

    spec.file.clear();
    spec.metre = {5, 3};
    p = pm::gen::buildPrompt(tokenizer, spec);
    EXPECT_FALSE(p.ok());
    EXPECT_NE(p.error.find("unsupported time signature 5/3"), std::string::npos) << p.error;
    spec.metre = {4, 4};
    spec.bpm = 0;
    EXPECT_FALSE(pm::gen::buildPrompt(tokenizer, spec).ok());
}

}  // namespace
