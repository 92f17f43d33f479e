// `pianomuse-cli generate --infill A-B` and `eval --infill` as a user runs them (issue 19).
#include "generate_test_support.h"

#include "model/checkpoint_io.h"
#include "../support/run_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace {

class InfillCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new std::string(::testing::TempDir() + "/pm_infill_cli_" + std::to_string(::getpid()));
        ASSERT_EQ(std::system(("mkdir -p " + *dir_ + "/midi").c_str()), 0);
        pm::tok::Tokenizer tokenizer;
        auto c = pm::model::Rwkv7Config::preset("tiny", std::int64_t(tokenizer.vocabulary().size()));
        c.nLayer = 1;
        pm::model::Rwkv7Model m(c);
        m->initWeights(7);
        pm::model::saveModel(m, *dir_ + "/tiny.safetensors", tokenizer.configJson().dump());
        ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::scalePiece(), *dir_ + "/prompt.mid").ok());
        for (int i = 0; i < 8; ++i) ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::scalePiece(6 + i), *dir_ + "/midi/p" + std::to_string(i) + ".mid").ok());
    }
    static void TearDownTestSuite() {
        std::system(("rm -rf " + *dir_).c_str());
        delete dir_;
    }
    static std::string path(const std::string& name) { return *dir_ + "/" + name; }
    static pm::test::ProcessResult cli(std::vector<std::string> args) { return pm::test::runProcess(PIANOMUSE_CLI_PATH, args); }
    static std::string slurp(const std::string& p) {
        std::ifstream f(p, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(f)), {});
    }
    static std::string* dir_;
};
std::string* InfillCli::dir_ = nullptr;

TEST_F(InfillCli, WritesTheWholePieceWithTheBarsRegenerated) {
    const std::vector<std::string> args = {"generate", "--model", path("tiny.safetensors"), "--prompt", path("prompt.mid"),
                                           "--infill", "3-5", "--seed", "4", "--max-tokens", "200", "-o", path("out.mid")};
    const auto r = cli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("bars 3-5 of 8 regenerated"), std::string::npos) << r.out;
    auto read = pm::midi::readMidiFile(path("out.mid"), {pm::midi::ReadMode::Strict, {}});
    ASSERT_TRUE(read.ok()) << read.error().toString();
    const pm::midi::MidiFile& f = read.value();
    // The scale (scalePiece): note i at quarter i, key 48 + 2i mod 36, a quarter long. Bars 1-2
    // and 6-8 (quarters 0-7 and 20-31) are kept exactly; 960 ticks per quarter after decoding.
    ASSERT_EQ(f.division.ticksPerBeat, 960);
    std::vector<std::pair<pm::midi::Tick, int>> kept, expected;
    for (const auto& n : f.tracks[0].notes)
        if (n.start < 8 * 960 || n.start >= 20 * 960) {
            kept.emplace_back(n.start, n.pitch);
            EXPECT_EQ(n.end - n.start, 960);
        } else {
            EXPECT_LT(n.start, 20 * 960);
        }
    std::sort(kept.begin(), kept.end());
    for (int i = 0; i < 32; ++i)
        if (i < 8 || i >= 20) expected.emplace_back(pm::midi::Tick(i) * 960, 48 + (i * 2) % 36);
    EXPECT_EQ(kept, expected);
    EXPECT_EQ(f.tracks[0].endTick, 32 * 960);
    // The same seed writes the same file.
    std::vector<std::string> again = args;
    again.back() = path("again.mid");
    ASSERT_EQ(cli(again).exitCode, 0);
    EXPECT_EQ(slurp(path("out.mid")), slurp(path("again.mid")));
}

TEST_F(InfillCli, BadRequestsAreOneLine) {
    auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = {"generate", "--model", path("tiny.safetensors"), "-o", path("bad.mid")};
        a.insert(a.end(), extra.begin(), extra.end());
        return cli(a);
    };
    auto r = run({"--infill", "2-3"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "pianomuse-cli: error: --infill needs --prompt PIECE.mid (the piece whose bars are regenerated)\n");
    r = run({"--prompt", path("prompt.mid"), "--infill", "5-3"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.err, "pianomuse-cli: error: " + path("prompt.mid") + ": the first bar (5) comes after the last (3)\n");
    r = run({"--prompt", path("prompt.mid"), "--infill", "7-9"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.err, "pianomuse-cli: error: " + path("prompt.mid") + ": bars 7-9 are outside the piece (8 bars)\n");
    r = run({"--prompt", path("prompt.mid"), "--infill", "three"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "pianomuse-cli: error: --infill: 'three' is not a bar range like 5-8 (bars counted from 1)\n");
    r = run({"--prompt", path("prompt.mid"), "--infill", "2-3", "--bars", "4"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_FALSE(std::ifstream(path("bad.mid")).good()) << "nothing written";
}

TEST_F(InfillCli, EvalComparesBothSidesWithTheLeftOnly) {
    const auto built = cli({"dataset", "build", path("midi"), "-o", path("ds"), "--val-fraction", "0.5", "--seed", "3"});
    ASSERT_EQ(built.exitCode, 0) << built.err;
    const auto r = cli({"eval", "--model", path("tiny.safetensors"), "--data", path("ds"), "--infill", "--infill-gaps", "2", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_GT(j.at("gaps").get<int>(), 0);
    EXPECT_GT(j.at("notes").get<int>(), 0);
    // An untrained model: both near log2 of what the grammar leaves, neither zero.
    EXPECT_GT(j.at("bits_per_note_both_sides").get<double>(), 1.0);
    EXPECT_GT(j.at("bits_per_note_left_only").get<double>(), 1.0);
    EXPECT_EQ(j.at("context_before_tokens").get<int>(), 96) << "the generator's budgets (kInfillContextBefore)";
    EXPECT_EQ(j.at("context_after_tokens").get<int>(), 96);
    // Other budgets: the same gaps (the seed picks them, not the context), the model reads less.
    const auto narrow = cli({"eval", "--model", path("tiny.safetensors"), "--data", path("ds"), "--infill", "--infill-gaps", "2",
                             "--infill-before", "1", "--infill-after", "1", "--json"});
    ASSERT_EQ(narrow.exitCode, 0) << narrow.err;
    const nlohmann::json n = nlohmann::json::parse(narrow.out);
    EXPECT_EQ(n.at("gaps"), j.at("gaps"));
    EXPECT_EQ(n.at("notes"), j.at("notes"));
    EXPECT_EQ(n.at("context_before_tokens").get<int>(), 1);
    EXPECT_EQ(n.at("context_after_tokens").get<int>(), 1);
    EXPECT_EQ(cli({"eval", "--model", path("tiny.safetensors"), "--data", path("ds"), "--infill", "--infill-before", "0"}).exitCode, 1) << "a usage error";
    const auto text = cli({"eval", "--model", path("tiny.safetensors"), "--data", path("ds"), "--infill"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("given both sides"), std::string::npos) << text.out;
}

}  // namespace
