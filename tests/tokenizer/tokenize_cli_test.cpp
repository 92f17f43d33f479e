// `pianomuse-cli tokenize` and `detokenize` as a user's shell sees them: exit codes, one JSON
// object that carries the config, and detokenize reading exactly what tokenize printed.
#include "../support/run_process.h"

#include "tokenizer/tokenizer.h"

#include "midi/midi_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using pm::test::ProcessResult;

ProcessResult cli(const std::vector<std::string>& args) { return pm::test::runProcess(PIANOMUSE_CLI_PATH, args); }
std::string fixture(const std::string& name) { return std::string(PIANOMUSE_TEST_DATA_DIR) + "/midi/real/" + name; }
std::string temp(const std::string& name) { return ::testing::TempDir() + "/" + name; }
void writeText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(TokenizeCli, JsonCarriesTokensNamesAndConfig) {
    const ProcessResult r = cli({"tokenize", fixture("test01.mid"), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const pm::tok::Tokenizer t;
    EXPECT_EQ(j.at("tokenizer"), t.configJson());
    ASSERT_EQ(j.at("tokens").size(), j.at("token_names").size());
    EXPECT_EQ(j.at("token_names")[0], "BOS");
    EXPECT_EQ(j.at("report").at("notes_encoded"), 18);
    auto read = pm::midi::readMidiFile(fixture("test01.mid"));
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(j.at("tokens").get<std::vector<pm::tok::TokenId>>(), t.encode(read.value()).tokens);
}

TEST(TokenizeCli, HumanOutputShowsOneLinePerBar) {
    const ProcessResult r = cli({"tokenize", fixture("test01.mid")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("Notes:     18 encoded of 18"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("prefix | BOS:1 TimeSig_4/4:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nbar 2 | Bar:5"), std::string::npos) << r.out;
}

TEST(TokenizeCli, DetokenizeReadsWhatTokenizePrintedAndRoundTrips) {
    const ProcessResult tokens = cli({"tokenize", fixture("TchaikovskyPI__01MorningPrayer.mid"), "--json"});
    ASSERT_EQ(tokens.exitCode, 0) << tokens.err;
    writeText(temp("pm_tok.json"), tokens.out);
    const ProcessResult r = cli({"detokenize", temp("pm_tok.json"), "-o", temp("pm_tok.mid")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const ProcessResult again = cli({"tokenize", temp("pm_tok.mid"), "--json"});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(nlohmann::json::parse(again.out).at("tokens"), nlohmann::json::parse(tokens.out).at("tokens"));
}

TEST(TokenizeCli, DetokenizeTakesAPlainListAndWarnsAboutJunk) {
    writeText(temp("pm_ids.json"), "[1, 9999, -4, \"x\", 5, 2]");   // BOS, junk x3, Bar, EOS
    const ProcessResult r = cli({"detokenize", temp("pm_ids.json"), "-o", temp("pm_ids.mid")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("3 tokens skipped"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2 prefix tokens assumed"), std::string::npos) << r.err;
}

TEST(TokenizeCli, ClearErrorsAndExitCodes) {
    EXPECT_EQ(cli({"tokenize"}).exitCode, 1);
    ProcessResult r = cli({"tokenize", temp("does_not_exist.mid")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("pianomuse-cli: error:"), std::string::npos);
    writeText(temp("pm_bad.json"), "{not json");
    r = cli({"detokenize", temp("pm_bad.json"), "-o", temp("pm_bad.mid")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
    writeText(temp("pm_cfg.json"), R"({"format": "pianomuse-tokenizer", "version": 99})");
    r = cli({"tokenize", fixture("test01.mid"), "--config", temp("pm_cfg.json")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("version 99 is not supported"), std::string::npos) << r.err;
}

TEST(TokenizeCli, ConfigOptionChangesTheVocabulary) {
    pm::tok::TokenizerConfig c;
    c.positionsPerQuarter = 12;
    writeText(temp("pm_cfg12.json"), pm::tok::configToJson(c).dump());
    const ProcessResult r = cli({"tokenize", fixture("test01.mid"), "--json", "--config", temp("pm_cfg12.json")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out).at("tokenizer").at("positions_per_quarter"), 12);
}

}  // namespace
