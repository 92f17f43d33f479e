// The vocabulary layout, the JSON config that carries it, and the value bins.
#include "tokenizer/tokenizer.h"
#include "tokenizer/value_bins.h"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace pm::tok;

TEST(Vocabulary, DefaultLayoutHasEveryFamilyInOrder) {
    const Vocabulary v{TokenizerConfig{}};
    // 5 specials + Bar + 60 metres + 40 tempi + 192 positions (8 quarters x 24) + 2 pedal
    // + 88 pitches + 32 velocities + 15 duration extras + 96 durations (4 quarters x 24).
    EXPECT_EQ(v.count(TokenKind::TimeSig), 4 + 8 + 16 + 32);   // bars up to 8 quarters: n/2 to 4, n/4 to 8, n/8 to 16, n/16 to 32
    EXPECT_EQ(v.size(), 5u + 1 + 60 + 40 + 192 + 2 + 88 + 32 + 15 + 96);
    EXPECT_EQ(v.id(TokenKind::Pad), 0);
    EXPECT_EQ(v.id(TokenKind::Bos), 1);
    EXPECT_EQ(v.id(TokenKind::Eos), 2);
    EXPECT_EQ(v.name(v.id(TokenKind::Pitch, 60)), "Pitch_60");
    EXPECT_EQ(v.name(v.id(TokenKind::TimeSig, v.metreIndex({6, 8}))), "TimeSig_6/8");
    EXPECT_EQ(v.name(v.id(TokenKind::DurationExtra, 1)), "DurationExtra_1");
    EXPECT_EQ(v.name(TokenId(v.size())), "<invalid " + std::to_string(v.size()) + ">");
    EXPECT_EQ(v.token(TokenId(v.size())).kind, TokenKind::Invalid);
    EXPECT_FALSE(v.has(TokenKind::Pitch, 20));
    EXPECT_FALSE(v.has(TokenKind::Pitch, 109));
    EXPECT_LT(v.metreIndex({9, 4}), 0) << "9/4 is longer than 8 quarter notes";
}

TEST(Vocabulary, EveryIdHasAUniqueNameThatMapsBack) {
    const Vocabulary v{TokenizerConfig{}};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const TokenId id = TokenId(i);
        const Token t = v.token(id);
        ASSERT_NE(t.kind, TokenKind::Invalid);
        EXPECT_EQ(v.id(t.kind, t.value), id);
        EXPECT_TRUE(seen.insert(v.name(id)).second) << v.name(id);
        EXPECT_EQ(v.idOfName(v.name(id)), id);
    }
}

TEST(TokenizerConfigJson, RoundTripsAndPinsTheLayout) {
    TokenizerConfig c;
    c.positionsPerQuarter = 12;
    c.velocityBins = 16;
    const nlohmann::json j = configToJson(c);
    EXPECT_EQ(j.at("version"), TokenizerConfig::kFormatVersion);
    EXPECT_EQ(j.at("vocab_size"), Vocabulary(c).size());
    const ConfigReadResult back = configFromJson(j);
    ASSERT_TRUE(back.config) << back.error;
    EXPECT_EQ(*back.config, c);
    // A reparse of the dumped text is the same (what a model file carries).
    EXPECT_EQ(*configFromJson(nlohmann::json::parse(j.dump())).config, c);
}

TEST(TokenizerConfigJson, RejectsWhatItCannotTrustWithAReason) {
    const nlohmann::json good = configToJson(TokenizerConfig{});
    auto expectError = [](const nlohmann::json& j, const std::string& part) {
        const ConfigReadResult r = configFromJson(j);
        EXPECT_FALSE(r.config);
        EXPECT_NE(r.error.find(part), std::string::npos) << r.error;
    };
    nlohmann::json j = good;
    j["version"] = 2;
    expectError(j, "version 2 is not supported");
    j = good;
    j["format"] = "something-else";
    expectError(j, "not a tokenizer config");
    j = good;
    j.erase("velocity_bins");
    expectError(j, "velocity_bins");
    j = good;
    j["positions_per_quarter"] = 20;
    expectError(j, "multiple of 12");
    j = good;
    j["positions_per_quarter"] = 24.5;
    expectError(j, "integer");
    j = good;
    j["tokens"][7] = "Bar";
    expectError(j, "token 7");
    j = good;
    j["vocab_size"] = 3;
    expectError(j, "vocab_size");
    expectError(nlohmann::json::array(), "not a JSON object");
}

TEST(ValueBins, TempoBinCentresFallBackIntoTheirBin) {
    const TokenizerConfig c;
    for (int b = 0; b < c.tempoBins; ++b) {
        // Through microseconds per quarter, as a decoded file stores it.
        const std::uint32_t us = tempoBinMicroseconds(b, c);
        EXPECT_EQ(tempoBin(microsecondsToBpm(us), c), b);
    }
    EXPECT_EQ(tempoBin(5.0, c), 0);
    EXPECT_EQ(tempoBin(5000.0, c), c.tempoBins - 1);
    EXPECT_EQ(tempoBin(std::nan(""), c), 0);
    // floor(40 * ln(bpm / 16) / ln(20)): 120 BPM -> 26.90 -> 26; 60 BPM -> 17.65 -> 17.
    EXPECT_EQ(tempoBin(120.0, c), 26);
    EXPECT_EQ(tempoBin(60.0, c), 17);
    // Every tempo is within 3.8% of its bin's centre: the bins are (320/16)^(1/40) = 7.8% wide.
    for (double bpm = 16; bpm <= 320; bpm *= 1.003)
        EXPECT_LT(std::abs(tempoBinBpm(tempoBin(bpm, c), c) / bpm - 1), 0.039) << bpm;
}

TEST(ValueBins, VelocityWithinHalfABinOfEveryMember) {
    for (int bins : {8, 16, 32, 64}) {
        TokenizerConfig c;
        c.velocityBins = bins;
        const int width = 128 / bins;
        for (int v = 1; v <= 127; ++v) {
            const int bin = velocityBin(v, c);
            ASSERT_GE(bin, 0);
            ASSERT_LT(bin, bins);
            const int back = velocityOfBin(bin, c);
            EXPECT_LE(std::abs(back - v), width / 2) << "bins " << bins << " velocity " << v;
            EXPECT_GE(back, 1);
            EXPECT_LE(back, 127);
            EXPECT_EQ(velocityBin(back, c), bin);
        }
    }
}

TEST(ValueBins, DurationsSplitIntoExtraAndRest) {
    const TokenizerConfig c;   // span = 4 quarters = 96 steps
    EXPECT_EQ(durationSpan(c), 96);
    EXPECT_EQ(splitDuration(0, c).extra, 0);
    EXPECT_EQ(splitDuration(95, c).rest, 95);
    EXPECT_EQ(splitDuration(96, c).extra, 1);
    EXPECT_EQ(splitDuration(96, c).rest, 0);
    EXPECT_EQ(splitDuration(250, c).extra, 2);
    EXPECT_EQ(splitDuration(250, c).rest, 58);
    EXPECT_EQ(maxDurationSteps(c), 16 * 96 - 1);
    EXPECT_EQ(splitDuration(1 << 30, c).extra, 15);
}

TEST(Metre, UnsupportedSignaturesKeepTheirBarLengthWhenTheyCan) {
    const auto metres = supportedMetres(TokenizerConfig{});
    bool substituted = false;
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 6, 3, substituted))], (Metre{6, 8}));
    EXPECT_FALSE(substituted);
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 2, 0, substituted))], (Metre{8, 4}));   // 2/1
    EXPECT_TRUE(substituted);
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 6, 5, substituted))], (Metre{3, 16}));  // 6/32
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 21, 4, substituted))], (Metre{21, 16}));
    EXPECT_FALSE(substituted);
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 9, 2, substituted))], (Metre{4, 4}));   // 9/4: too long
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 0, 2, substituted))], (Metre{4, 4}));
    EXPECT_EQ(metres[std::size_t(metreIndexFor(metres, 3, 200, substituted))], (Metre{4, 4}));
}

}  // namespace
