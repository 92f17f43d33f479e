// Our reading of every committed fixture against the independent reader's (midi_oracle.py on
// mido), whose output is committed in tests/data/midi/golden/ by make_crafted.py.
#include "midi/midi_reader.h"
#include "midi/midi_summary_json.h"

#include "oracle_compare.h"
#include "smf_bytes.h"
#include "test_paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using pm::test::midiDataDir;
using pm::test::midiFixtures;

nlohmann::json loadGolden(const std::string& fixture) {
    const std::string name = std::filesystem::path(fixture).filename().string();
    std::ifstream in(midiDataDir() + "/golden/" + name + ".json");
    return nlohmann::json::parse(in);
}

void expectAgreesWithOracle(const std::string& fixture) {
    SCOPED_TRACE(fixture);
    const auto result = pm::midi::readMidiFile(fixture);
    ASSERT_TRUE(result.ok()) << result.error().toString();
    pm::midi::SummaryOptions options;
    options.noteSeconds = true;
    const nlohmann::json ours = pm::midi::summaryJson(result.value(), options);
    for (const std::string& d : pm::test::compareWithOracle(ours, loadGolden(fixture))) ADD_FAILURE() << d;
}

TEST(MidiGolden, RealFilesAgreeWithTheOracle) {
    const auto files = midiFixtures("real");
    ASSERT_GE(files.size(), 5u);
    for (const std::string& f : files) expectAgreesWithOracle(f);
}

TEST(MidiGolden, CraftedFilesAgreeWithTheOracle) {
    const auto files = midiFixtures("crafted");
    ASSERT_GE(files.size(), 5u);
    for (const std::string& f : files) expectAgreesWithOracle(f);
}

TEST(MidiGolden, CleanRealFilesReadWithoutWarningsEvenInStrictMode) {
    pm::midi::ReadOptions strict;
    strict.mode = pm::midi::ReadMode::Strict;
    for (const std::string& f : midiFixtures("real")) {
        if (f.find("test04.mid") != std::string::npos) continue;   // header track count is wrong: see below
        const auto result = pm::midi::readMidiFile(f, strict);
        EXPECT_TRUE(result.ok()) << f << ": " << result.error().toString();
    }
}

TEST(MidiGolden, AWrongHeaderTrackCountIsRepairedInLenientModeAndRefusedInStrictMode) {
    // music21's test04.mid declares 18 tracks and holds 19 MTrk chunks (the last one empty).
    const std::string file = midiDataDir() + "/real/test04.mid";
    const auto lenient = pm::midi::readMidiFile(file);
    ASSERT_TRUE(lenient.ok());
    EXPECT_EQ(lenient.value().tracks.size(), 19u);
    ASSERT_EQ(lenient.value().warnings.size(), 1u);
    EXPECT_NE(lenient.value().warnings[0].message.find("declares 18 tracks but the file has 19"), std::string::npos);

    pm::midi::ReadOptions strict;
    strict.mode = pm::midi::ReadMode::Strict;
    const auto refused = pm::midi::readMidiFile(file, strict);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("declares 18 tracks"), std::string::npos);
}

}  // namespace
