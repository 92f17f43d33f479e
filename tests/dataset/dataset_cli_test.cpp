// `pianomuse-cli dataset ...` as a process: every input file in the JSON report, exit codes,
// one-line errors.
#include "../support/run_process.h"
#include "dataset_fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace {

using namespace pm::test;

ProcessResult cli(const std::vector<std::string>& args) { return runProcess(PIANOMUSE_CLI_PATH, args); }

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

TEST(DatasetCli, BuildReportsEveryFileAndInfoReadsItBack) {
    TempDir d;
    const std::string real = std::string(PIANOMUSE_TEST_DATA_DIR) + "/midi/real";
    writeBytes(d / "extra/broken.mid", "MThd garbage");
    writePiece(d / "extra/dup.mid", 1);
    writePiece(d / "extra/dup2.mid", 1);
    const auto r = cli({"dataset", "build", real, d / "extra", "-o", d / "ds", "--seed", "3", "--transpose=-5..6",
                        "--tempo-stretch", "0.95..1.05", "--json-report", d / "report.json"});
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    const auto report = readJson(d / "report.json");
    std::set<std::string> reported;
    for (const auto& f : report.at("files")) reported.insert(fs::path(f.at("path").get<std::string>()).filename().string());
    std::set<std::string> expected = {"broken.mid", "dup.mid", "dup2.mid"};
    for (const auto& e : fs::directory_iterator(real)) expected.insert(e.path().filename().string());
    EXPECT_EQ(reported, expected) << "every file found is in the report";
    for (const auto& f : report.at("files")) {
        const std::string name = fs::path(f.at("path").get<std::string>()).filename().string();
        if (name == "broken.mid") {
            EXPECT_EQ(f.at("status"), "rejected");
            EXPECT_FALSE(f.at("reason").get<std::string>().empty());
        }
        if (name == "dup2.mid") {
            EXPECT_EQ(f.at("status"), "duplicate");
        }
    }

    const auto info = cli({"dataset", "info", d / "ds", "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    const auto j = nlohmann::json::parse(info.out);
    EXPECT_EQ(j.at("stats").at("pieces"), report.at("stats").at("pieces"));
    EXPECT_GE(j.at("stats").at("validation_pieces").get<int>(), 1);
    EXPECT_EQ(j.at("options").at("augmentation").at("transpose"), nlohmann::json({-5, 6}));
    EXPECT_EQ(j.at("options").at("augmentation").at("tempo_stretch"), nlohmann::json({0.95, 1.05}));
    EXPECT_GT(j.at("vocab_size").get<int>(), 100);

    writePiece(d / "more/new.mid", 9);
    const auto add = cli({"dataset", "add", d / "ds", d / "more", d / "extra/dup.mid"});
    ASSERT_EQ(add.exitCode, 0) << add.err;
    const auto after = nlohmann::json::parse(cli({"dataset", "info", d / "ds", "--json"}).out);
    EXPECT_EQ(after.at("stats").at("pieces").get<int>(), report.at("stats").at("pieces").get<int>() + 1);
}

TEST(DatasetCli, UsageErrorsAreOneLineWithExitCode1) {
    TempDir d;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"dataset", "build", d / "in"},                                   // no -o
             {"dataset", "build", d / "in", "-o", d / "ds", "--transpose", "5..-5"},
             {"dataset", "build", d / "in", "-o", d / "ds", "--tempo-stretch", "fast"},
             {"dataset", "build", d / "in", "-o", d / "ds", "--val-fraction", "2"},
             {"dataset"},
             {"dataset", "info"}}) {
        const auto r = cli(args);
        EXPECT_EQ(r.exitCode, 1) << args.back() << ": " << r.err;
        EXPECT_EQ(countLines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find("pianomuse-cli: error:"), std::string::npos) << r.err;
    }
}

TEST(DatasetCli, UnusableInputOrDamagedDatasetExitsWith2) {
    TempDir d;
    writeBytes(d / "in/a.mid", "not midi");
    auto r = cli({"dataset", "build", d / "in", "-o", d / "ds"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("could be used"), std::string::npos) << r.err;
    fs::create_directories(d.path() / "empty");
    r = cli({"dataset", "info", d / "empty"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("not a PianoMuse dataset"), std::string::npos) << r.err;
}

}  // namespace
