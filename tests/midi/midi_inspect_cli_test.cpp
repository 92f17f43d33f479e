// `pianomuse-cli inspect` as a user's shell sees it: exit codes 0/1/2 only, one JSON object with
// --json (compared with the independent oracle's golden output), clear one-line errors.
#include "../support/run_process.h"
#include "oracle_compare.h"
#include "smf_bytes.h"
#include "test_paths.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using pm::test::ProcessResult;

ProcessResult cli(const std::vector<std::string>& args) { return pm::test::runProcess(PIANOMUSE_CLI_PATH, args); }

std::string tempFile(const std::string& name, const pm::test::Bytes& bytes) {
    const std::string path = ::testing::TempDir() + "/" + name;
    pm::test::writeFileBytes(path, bytes);
    return path;
}

TEST(InspectCli, JsonOfARealFileAgreesWithTheOracle) {
    const std::string file = pm::test::midiDataDir() + "/real/omr_k525short.mid";
    const ProcessResult r = cli({"inspect", file, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_EQ(pm::test::countLines(r.out), 1) << "one JSON object on one line";
    const auto ours = nlohmann::json::parse(r.out);
    std::ifstream goldenFile(pm::test::midiDataDir() + "/golden/omr_k525short.mid.json");
    auto golden = nlohmann::json::parse(goldenFile);
    for (auto& track : golden["tracks"])   // the golden file has seconds on notes; plain --json has not
        for (auto& note : track["notes"]) note.erase(note.begin() + 5, note.end());
    for (const std::string& d : pm::test::compareWithOracle(ours, golden)) ADD_FAILURE() << d;
    EXPECT_EQ(ours.at("file"), "omr_k525short.mid");
    EXPECT_TRUE(ours.at("warnings").empty());
}

TEST(InspectCli, HumanSummaryNamesTheEssentials) {
    const ProcessResult r = cli({"inspect", pm::test::midiDataDir() + "/real/test11.mid"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* field : {"Format:", "Division:", "Tempo:", "Time sig:", "Duration:", "Notes:", "Tracks:", "Warnings:"})
        EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out;
}

TEST(InspectCli, RepairsAreWarningsAndExitZero) {
    pm::test::Bytes damaged = pm::test::simpleSong();
    damaged.resize(damaged.size() - 3);
    const std::string path = tempFile("pm_inspect_damaged.mid", damaged);
    ProcessResult r = cli({"inspect", path, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_TRUE(j.at("ok").get<bool>());
    ASSERT_FALSE(j.at("warnings").empty());
    EXPECT_NE(j.at("warnings")[0].get<std::string>().find("track 0, byte"), std::string::npos);

    r = cli({"inspect", path});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("repaired while reading"), std::string::npos) << r.out;
}

TEST(InspectCli, StrictModeRefusesDamageWithExitTwo) {
    pm::test::Bytes damaged = pm::test::simpleSong();
    damaged.resize(damaged.size() - 3);
    const std::string path = tempFile("pm_inspect_strict.mid", damaged);
    ProcessResult r = cli({"inspect", path, "--json", "--strict"});
    EXPECT_EQ(r.exitCode, 2);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_FALSE(j.at("ok").get<bool>());
    EXPECT_NE(j.at("error").get<std::string>().find("track 0, byte"), std::string::npos) << j.dump();
    EXPECT_EQ(pm::test::countLines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("pianomuse-cli: error: ", 0), 0u) << r.err;

    r = cli({"inspect", path, "--strict"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(InspectCli, UnreadableFilesExitTwoWithASpecificMessage) {
    const std::string text = tempFile("pm_inspect_text.mid", {'h', 'e', 'l', 'l', 'o'});
    const std::string empty = tempFile("pm_inspect_empty.mid", {});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {text, "not a MIDI file"}, {empty, "empty file"}, {"/nonexistent/x.mid", "cannot open"}};
    for (const auto& [path, message] : cases) {
        const ProcessResult r = cli({"inspect", path, "--json"});
        EXPECT_EQ(r.exitCode, 2) << path;
        const auto j = nlohmann::json::parse(r.out);
        EXPECT_EQ(j.at("ok"), false);
        EXPECT_NE(j.at("error").get<std::string>().find(message), std::string::npos) << j.dump();
    }
}

TEST(InspectCli, UsageErrorsExitOne) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"inspect"}, {"inspect", "a.mid", "--colour"}, {"inspect", "a.mid", "b.mid"}}) {
        const ProcessResult r = cli(args);
        EXPECT_EQ(r.exitCode, 1) << args.size() << r.err;
        EXPECT_EQ(pm::test::countLines(r.err), 1) << r.err;
    }
    const ProcessResult help = cli({"inspect", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("--strict"), std::string::npos);
}

// Each CLI start loads LibTorch (most of a second), so only a few damaged inputs here; the
// library's robustness tests and the fuzzer cover damage in depth.
TEST(InspectCli, DamagedInputsNeverEscapeTheExitCodeContract) {
    for (int seed = 0; seed < 2; ++seed) {
        pm::test::Bytes bytes = pm::test::simpleSong();
        for (int k = 0; k < 6; ++k) bytes[std::size_t(seed * 7 + k * 13) % bytes.size()] ^= std::uint8_t(0x5A + seed);
        const std::string path = tempFile("pm_inspect_fuzz.mid", bytes);
        for (const char* mode : {"--json", "--strict"}) {
            const ProcessResult r = cli({"inspect", path, mode});
            EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 2) << seed << " " << mode << ": " << r.exitCode << r.err;
        }
    }
}

}  // namespace
