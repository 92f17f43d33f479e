// The encoder on hand-built files whose tokens are worked out by hand below.
#include "tokenizer_test_support.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::tok;
using pm::test::MidiBuilder;

std::vector<std::string> names(const Tokenizer& t, const std::vector<TokenId>& ids) {
    std::vector<std::string> out;
    for (TokenId id : ids) out.push_back(t.vocabulary().name(id));
    return out;
}

// 480 ticks per quarter, 24 steps per quarter: 20 ticks per step. 3/4: a bar is 72 steps.
// Velocity bins are 4 wide: bin = (velocity - 1) / 4. Tempo bins: floor(40 * ln(bpm / 16) / ln(20)).
TEST(Encoder, SmallPieceGivesTheTokensWorkedOutByHand) {
    const auto file = MidiBuilder(480)
                          .metre(0, 3, 2)
                          .tempo(0, 120)
                          .note(0, 480, 60, 80)       // a quarter at the bar line
                          .note(0, 240, 64, 100)      // an eighth with it
                          .note(160, 320, 67, 64)     // a triplet eighth: 160 ticks = 8 steps
                          .pedal(480, true)           // beat 2 = step 24
                          .pedal(1440, false)         // bar 2's line (72 steps = 1440 ticks)
                          .tempo(1440, 60)
                          .note(1440, 3360, 69, 90)   // four quarters: 96 steps = DurationExtra_1 + Duration_0
                          .build();
    const Tokenizer t;
    const Encoding e = t.encode(file);
    const std::vector<std::string> expected = {
        "BOS", "TimeSig_3/4", "Tempo_26",                    // 120 BPM -> 26.90
        "Bar",
        "Position_0", "Pitch_60", "Velocity_19", "Duration_24",   // 80 -> 79/4 = 19
        "Pitch_64", "Velocity_24", "Duration_12",                 // 100 -> 24; ascending pitch
        "Position_8", "Pitch_67", "Velocity_15", "Duration_8",    // 64 -> 15
        "Position_24", "PedalOn",
        "Bar",
        "Position_0", "Tempo_17", "PedalOff",                     // 60 BPM -> 17.65
        "Pitch_69", "Velocity_22", "DurationExtra_1", "Duration_0",   // 90 -> 22
        // The A4 ends at step 72 + 96 = 168, inside bar 3 (144..216): one more bar.
        "Bar",
        "EOS",
    };
    EXPECT_EQ(names(t, e.tokens), expected);
    ASSERT_EQ(e.bars.size(), 3u);
    EXPECT_EQ(e.bars[1].tokenOffset, 17u);
    EXPECT_EQ(e.bars[1].tempoBin, 17) << "the state after bar 2's own changes";
    EXPECT_FALSE(e.bars[1].pedalDown);
    EXPECT_EQ(e.bars[0].tempoBin, 26);
    EXPECT_EQ(e.report.notesEncoded, 4u);
    EXPECT_EQ(e.report.bars, 3u);
}

TEST(Encoder, ChangesAtTheStartGoIntoThePrefix) {
    const auto file = MidiBuilder(480).tempo(0, 200).pedal(0, true).metre(0, 6, 3).note(0, 240, 21, 1).build();
    const Tokenizer t;
    const Encoding e = t.encode(file);
    // 200 BPM: 40 * ln(12.5) / ln(20) = 33.7; velocity 1 -> bin 0; 6/8 bar = 72 steps.
    EXPECT_EQ(names(t, e.tokens), (std::vector<std::string>{"BOS", "TimeSig_6/8", "Tempo_33", "PedalOn", "Bar",
                                                             "Position_0", "Pitch_21", "Velocity_0", "Duration_12", "EOS"}));
}

TEST(Encoder, FoldsOtherProgramsDropsDrumsAndOutOfRangeAndSaysSo) {
    const auto file = MidiBuilder(480)
                          .program(0, 1, 40)                // channel 2 plays a violin
                          .note(0, 480, 60, 80, 0)          // piano: kept
                          .note(0, 480, 62, 80, 1)          // violin: folded onto piano, kept
                          .note(0, 480, 36, 80, 9)          // drums: dropped
                          .note(0, 480, 20, 80, 0)          // below A0: dropped
                          .note(0, 480, 109, 80, 0)         // above C8: dropped
                          .build();
    const Encoding e = Tokenizer().encode(file);
    EXPECT_EQ(e.report.notesInFile, 5u);
    EXPECT_EQ(e.report.notesEncoded, 2u);
    EXPECT_EQ(e.report.notesFolded, 1u);
    EXPECT_EQ(e.report.drumNotesDropped, 1u);
    EXPECT_EQ(e.report.outOfRangeDropped, 2u);
}

TEST(Encoder, MetreChangeInsideABarMovesToTheNextBarLine) {
    // 4/4, then 3/4 announced at beat 3 of bar 1 (tick 960): it starts at bar 2 (tick 1920).
    const auto file = MidiBuilder(480).metre(0, 4, 2).metre(960, 3, 2).note(1920, 2400, 60).note(3360, 3840, 62).build();
    const Tokenizer t;
    const Encoding e = t.encode(file);
    EXPECT_EQ(e.report.metresMovedToBarLine, 1u);
    // Bar 2 starts at step 96 in 3/4 (72 steps): the D at tick 3360 = step 168 is bar 3, position 0.
    EXPECT_EQ(names(t, e.tokens),
              (std::vector<std::string>{"BOS", "TimeSig_4/4", "Tempo_26", "Bar", "Bar", "TimeSig_3/4", "Position_0",
                                        "Pitch_60", "Velocity_19", "Duration_24", "Bar", "Position_0", "Pitch_62",
                                        "Velocity_19", "Duration_24", "EOS"}));
}

TEST(Encoder, RepedalInsideOneStepSurvivesATapDoesNot) {
    const auto file = MidiBuilder(480)
                          .pedal(100, true)
                          .pedal(480, false).pedal(485, true)   // re-pedal within a step (20 ticks)
                          .pedal(960, true).pedal(962, false).pedal(964, true)   // already down: off/on again
                          .pedal(1400, false)
                          .pedal(1500, true).pedal(1502, false)   // a tap shorter than a step: nothing
                          .end(1920)
                          .build();
    const Tokenizer t;
    const Encoding e = t.encode(file);
    EXPECT_EQ(names(t, e.tokens),
              (std::vector<std::string>{"BOS", "TimeSig_4/4", "Tempo_26", "Bar", "Position_5", "PedalOn", "Position_24",
                                        "PedalOff", "PedalOn", "Position_48", "PedalOff", "PedalOn", "Position_70",
                                        "PedalOff", "EOS"}));
}

TEST(Encoder, EmptyFileIsPrefixAndEos) {
    const Tokenizer t;
    const Encoding e = t.encode(pm::midi::MidiFile{});
    EXPECT_EQ(names(t, e.tokens), (std::vector<std::string>{"BOS", "TimeSig_4/4", "Tempo_26", "EOS"}));
    EXPECT_TRUE(e.bars.empty());
}

TEST(Encoder, AHugeEndTickStopsAtTheBarLimit) {
    auto file = MidiBuilder(1).note(0, 1, 60).note(pm::midi::Tick(1) << 40, (pm::midi::Tick(1) << 40) + 1, 62).build();
    EncodeOptions options;
    options.maxBars = 100;
    const Encoding e = Tokenizer().encode(file, options);
    EXPECT_EQ(e.report.bars, 100u);
    EXPECT_EQ(e.report.beyondLengthDropped, 1u);
    EXPECT_LT(e.tokens.size(), 200u);
    EXPECT_TRUE(Tokenizer().decode(e.tokens).stats.clean());
}

TEST(Encoder, LongNotesAreClampedToTheLongestDuration) {
    const Tokenizer t;
    const auto file = MidiBuilder(480).note(0, 480 * 200, 60).build();   // 200 quarters; tokens say at most 64
    const Encoding e = t.encode(file);
    EXPECT_EQ(e.report.durationsClamped, 1u);
    const auto decoded = t.decode(e.tokens);
    ASSERT_EQ(decoded.file.noteCount(), 1u);
    const auto& n = decoded.file.tracks[0].notes[0];
    EXPECT_EQ(n.end - n.start, pm::midi::Tick(16 * 96 - 1) * StreamingDecoder::kTicksPerStep);
}

}  // namespace
