// `pianomuse-cli originality` as a process: a planted copy named with its bars and key in text
// and JSON, an older dataset without its index (a note, same answer), and bad input as one line
// and exit 2.
#include "../support/run_process.h"
#include "synthetic_pieces.h"

#include "midi/midi_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace {

namespace fs = std::filesystem;
using pm::test::ProcessResult;

ProcessResult cli(const std::vector<std::string>& args) { return pm::test::runProcess(PIANOMUSE_CLI_PATH, args); }

// One dataset for all the tests (each CLI start loads LibTorch): tests that change it copy it.
class OriginalityCli : public ::testing::Test {
protected:
    static fs::path dir;
    static std::uint64_t source;   // seed of a 4/4 dataset piece the query copies from
    static std::string setUpError;

    static void SetUpTestSuite() {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("pm-origcli-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(dir / "midi");
        for (std::uint64_t seed = 0; seed < 10; ++seed) {
            const pm::analysis::NoteSequence p = pm::test::syntheticPiece(seed);
            if (!source && p.barStarts[1] == 96 && p.bars() >= 12) source = seed;
            write(p, (dir / "midi" / ("piece-" + std::to_string(seed) + ".mid")).string());
        }
        const ProcessResult r = cli({"dataset", "build", (dir / "midi").string(), "-o", (dir / "ds").string()});
        if (r.exitCode != 0) setUpError = r.out + r.err;
        // The query: a new 4/4 piece whose bars 5-12 are the source's bars 3-10, up 2 semitones.
        pm::test::SyntheticOptions o;
        o.allowThreeFour = false;
        o.minBars = o.maxBars = 16;
        pm::analysis::NoteSequence q = pm::test::syntheticPiece(777, o);
        pm::test::plantBars(pm::test::syntheticPiece(source), 2, 8, 2, q, 4);
        write(q, (dir / "take.mid").string());
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    void SetUp() override {
        ASSERT_EQ(setUpError, "");
        ASSERT_NE(source, 0u);
    }
    // A copy of the dataset a test may change.
    static std::string copyOfDataset(const std::string& name) {
        fs::copy(dir / "ds", dir / name, fs::copy_options::recursive);
        return (dir / name).string();
    }
    static void write(const pm::analysis::NoteSequence& s, const std::string& path) {
        if (!pm::midi::writeMidiFile(pm::test::toMidi(s), path).ok()) setUpError = "cannot write " + path;
    }
    static void expectOneLineFailure(const ProcessResult& r, const std::string& mention) {
        EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
        EXPECT_EQ(pm::test::countLines(r.err), 1) << r.err;
        EXPECT_EQ(r.err.rfind("pianomuse-cli: error: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
    }
};
fs::path OriginalityCli::dir;
std::uint64_t OriginalityCli::source = 0;
std::string OriginalityCli::setUpError;

TEST_F(OriginalityCli, NamesThePlantedCopyInTextAndJson) {
    const std::string name = "piece-" + std::to_string(source) + ".mid";
    const ProcessResult text = cli({"originality", (dir / "take.mid").string(), "--data", (dir / "ds").string()});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("bars 5\u201312 copy " + name + " bars 3\u201310, transposed +2"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Warning:"), std::string::npos) << text.out;   // 8 bars: over the flag threshold
    EXPECT_TRUE(text.err.empty()) << text.err;

    const ProcessResult json = cli({"originality", (dir / "take.mid").string(), "--data", (dir / "ds").string(), "--json"});
    ASSERT_EQ(json.exitCode, 0) << json.err;
    const nlohmann::json j = nlohmann::json::parse(json.out);
    const nlohmann::json& c = j.at("longest_copy");
    EXPECT_EQ(fs::path(c.at("source").get<std::string>()).filename().string(), name);
    EXPECT_EQ(c.at("file_bars"), nlohmann::json::array({5, 12}));
    EXPECT_EQ(c.at("source_bars"), nlohmann::json::array({3, 10}));
    EXPECT_EQ(c.at("bars"), 8);
    EXPECT_EQ(c.at("transposition"), 2);
    EXPECT_GE(c.at("notes").get<int>(), 8 * 4);
    EXPECT_GT(j.at("copied_bar_share").get<double>(), 0.4);   // at least the 8 copied bars of 16
    EXPECT_EQ(j.at("flagged"), true);
    EXPECT_TRUE(j.at("index_note").is_null());

    // From bar 9 on: only the copy's last four bars.
    const ProcessResult tail =
        cli({"originality", (dir / "take.mid").string(), "--data", (dir / "ds").string(), "--json", "--from-bar", "9"});
    ASSERT_EQ(tail.exitCode, 0) << tail.err;
    EXPECT_EQ(nlohmann::json::parse(tail.out).at("longest_copy").at("file_bars"), nlohmann::json::array({9, 12}));

    // A dataset piece checked against the rest: itself, whole.
    const ProcessResult self = cli({"originality", (dir / "midi" / name).string(), "--data", (dir / "ds").string(), "--json"});
    ASSERT_EQ(self.exitCode, 0) << self.err;
    EXPECT_EQ(nlohmann::json::parse(self.out).at("copied_bar_share"), 1.0);
}

TEST_F(OriginalityCli, AnOlderDatasetWithoutTheIndexGivesTheSameAnswerAndSaysSo) {
    const ProcessResult before = cli({"originality", (dir / "take.mid").string(), "--data", (dir / "ds").string(), "--json"});
    const std::string old = copyOfDataset("old");
    for (const auto& e : fs::recursive_directory_iterator(old))
        if (e.path().filename() == "ngrams.bin") fs::remove(e.path());
    const ProcessResult after = cli({"originality", (dir / "take.mid").string(), "--data", old, "--json"});
    ASSERT_EQ(after.exitCode, 0) << after.err;
    EXPECT_NE(after.err.find("pianomuse-cli: note: "), std::string::npos) << after.err;
    EXPECT_NE(after.err.find("built it in memory"), std::string::npos) << after.err;
    nlohmann::json a = nlohmann::json::parse(before.out), b = nlohmann::json::parse(after.out);
    EXPECT_TRUE(b.at("index_note").is_string());
    EXPECT_EQ(a.at("longest_copy"), b.at("longest_copy"));
    EXPECT_EQ(a.at("copied_bar_share"), b.at("copied_bar_share"));
}

TEST_F(OriginalityCli, BadInputIsOneLineAndExitTwo) {
    const std::string ds = (dir / "ds").string();
    std::ofstream(dir / "text.mid") << "not a MIDI file\n";
    expectOneLineFailure(cli({"originality", (dir / "text.mid").string(), "--data", ds}), "text.mid");
    pm::analysis::NoteSequence silent = pm::test::syntheticPiece(1);
    silent.notes.clear();
    write(silent, (dir / "silent.mid").string());
    ASSERT_EQ(setUpError, "");
    expectOneLineFailure(cli({"originality", (dir / "silent.mid").string(), "--data", ds}), "no notes");
    expectOneLineFailure(cli({"originality", (dir / "missing.mid").string(), "--data", ds}), "missing.mid");
    expectOneLineFailure(cli({"originality", (dir / "take.mid").string(), "--data", (dir / "nowhere").string()}), "nowhere");

    // A dataset whose tokenizer this build does not read (a future version in its manifest).
    const std::string future = copyOfDataset("future");
    fs::path manifest;
    for (const auto& e : fs::recursive_directory_iterator(future))
        if (e.path().filename() == "manifest.json") manifest = e.path();
    std::ifstream in(manifest);
    nlohmann::json m = nlohmann::json::parse(in);
    in.close();
    m["tokenizer"]["version"] = 99;
    std::ofstream(manifest) << m.dump();
    expectOneLineFailure(cli({"originality", (dir / "take.mid").string(), "--data", future}), "tokenizer");

    // No --data: a usage error.
    const ProcessResult usage = cli({"originality", (dir / "take.mid").string()});
    EXPECT_EQ(usage.exitCode, 1) << usage.err;
}

}  // namespace
