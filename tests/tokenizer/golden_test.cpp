// Fixed inputs against expectations that do not come from the tokenizer itself:
//  - test01.mid's tokens, checked by hand once (the reasoning is below) and kept as a golden file;
//  - for every committed real file, the notes the tokens carry against the notes the
//    independent oracle (mido, tests/data/midi/golden/*.json) reads from the same file, put on
//    the grid with plain arithmetic here.
// On a mismatch the actual tokens are written next to the golden file as <name>.actual.
#include "tokenizer_test_support.h"

#include "midi/midi_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace pm::tok;

std::string goldenPath(const std::string& name) { return pm::test::tokenizerDataDir() + "/golden/tokenizer/" + name; }

std::string tokenText(const Tokenizer& t, const std::vector<TokenId>& ids) {
    std::string text;
    for (TokenId id : ids) text += t.vocabulary().name(id) + "\n";
    return text;
}

// test01.mid (music21): 960 ticks per quarter, 4/4, 120 BPM, 18 notes of middle C. With 24
// steps per quarter a step is 40 ticks. The oracle lists the notes as (start, end, velocity):
// (0,180,104) (240,420,93) (480,1020,103) (1200,1560,98) ... (7440,7620,110). So the first bar
// reads Position_0 Pitch_60 Velocity_25 (103/4) Duration_5 (180/40 = 4.5, rounded up),
// Position_6 Pitch_60 Velocity_23 Duration_5, Position_12 Pitch_60 Velocity_25 Duration_14
// (540/40 = 13.5), Position_30 ... and 4/4 bars are 96 steps (3840 ticks), so the note at 4080
// is bar 2, Position_6. The file ends at tick 7620 = step 190.5 -> 191: two bars.
TEST(Golden, Test01TokensAsReasonedByHand) {
    const Tokenizer t;
    auto read = pm::midi::readMidiFile(pm::test::tokenizerDataDir() + "/midi/real/test01.mid");
    ASSERT_TRUE(read.ok());
    const std::string actual = tokenText(t, t.encode(read.value()).tokens);
    std::ifstream in(goldenPath("test01.mid.tokens"));
    std::stringstream golden;
    golden << in.rdbuf();
    if (actual != golden.str()) {
        std::ofstream(goldenPath("test01.mid.tokens.actual")) << actual;
        ADD_FAILURE() << "tokens differ from " << goldenPath("test01.mid.tokens") << "; actual written beside it";
    }
    // The parts of the reasoning above, checked directly too.
    EXPECT_EQ(actual.substr(0, actual.find("Position_30")),
              "BOS\nTimeSig_4/4\nTempo_26\nBar\nPosition_0\nPitch_60\nVelocity_25\nDuration_5\nPosition_6\nPitch_60\n"
              "Velocity_23\nDuration_5\nPosition_12\nPitch_60\nVelocity_25\nDuration_14\n");
}

struct GridNote {
    long onset, duration;
    int pitch, velocityBin;
    bool operator<(const GridNote& o) const {
        return std::tie(onset, pitch, velocityBin, duration) < std::tie(o.onset, o.pitch, o.velocityBin, o.duration);
    }
    bool operator==(const GridNote& o) const { return !(*this < o) && !(o < *this); }
};

TEST(Golden, NotesOnTheGridMatchTheIndependentReadersNotes) {
    const Tokenizer t;
    const int ppq = t.config().positionsPerQuarter;
    const long longest = long(maxDurationSteps(t.config()));
    std::size_t files = 0;
    for (const std::string& path : pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real")) {
        // The file name through std::filesystem, not rfind('/'): on Windows directory_iterator
        // joins with a backslash (".../midi/real\test01.mid"), so no oracle file was found.
        const std::string name = std::filesystem::path(path).filename().string();
        std::ifstream oracleFile(pm::test::tokenizerDataDir() + "/midi/golden/" + name + ".json");
        if (!oracleFile) continue;
        const auto oracle = nlohmann::json::parse(oracleFile);
        if (oracle.at("division").at("type") != "ppq") continue;
        const double tpb = oracle.at("division").at("ticks_per_beat").get<double>();
        auto grid = [&](double ticks) { return long(std::floor(ticks * ppq / tpb + 0.5)); };
        std::vector<GridNote> expected;
        for (const auto& track : oracle.at("tracks"))
            for (const auto& n : track.at("notes")) {   // [pitch, start, end, velocity, channel, ...]
                const int pitch = n[0], velocity = n[3], channel = n[4];
                if (channel == 9 || pitch < 21 || pitch > 108) continue;
                const double start = n[1], end = n[2];
                expected.push_back({grid(start), std::min(grid(end - start), longest), pitch, (std::max(velocity, 1) - 1) / 4});
            }
        auto read = pm::midi::readMidiFile(path);
        ASSERT_TRUE(read.ok());
        const Decoded d = t.decode(t.encode(read.value()).tokens);
        std::vector<GridNote> actual;
        const long tps = StreamingDecoder::kTicksPerStep;
        for (const auto& n : d.file.tracks[0].notes) {
            const long length = long(n.end - n.start);
            actual.push_back({long(n.start) / tps, length < tps ? 0 : length / tps, n.pitch, (n.velocity - 1) / 4});
        }
        std::sort(expected.begin(), expected.end());
        std::sort(actual.begin(), actual.end());
        EXPECT_EQ(actual.size(), expected.size()) << name;
        EXPECT_TRUE(actual == expected) << name;
        ++files;
    }
    EXPECT_GE(files, 5u);
}

}  // namespace
