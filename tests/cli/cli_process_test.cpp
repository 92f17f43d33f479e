// pianomuse-cli as a user's shell sees it: exit codes, one-line errors, --help everywhere.
#include "../support/run_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace {

using pm::test::countLines;
using pm::test::ProcessResult;

ProcessResult cli(const std::vector<std::string>& args) { return pm::test::runProcess(PIANOMUSE_CLI_PATH, args); }

void expectOneLineUsageError(const ProcessResult& r, const std::string& mention) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_EQ(countLines(r.err), 1) << "errors are one line: " << r.err;
    EXPECT_EQ(r.err.rfind("pianomuse-cli: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
}

TEST(Cli, VersionPrintsTheProjectVersion) {
    const ProcessResult r = cli({"--version"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out.rfind("pianomuse-cli 0.", 0), 0u) << r.out;
}

TEST(Cli, HelpListsEveryCommand) {
    const ProcessResult r = cli({"--help"});
    EXPECT_EQ(r.exitCode, 0);
    for (const char* command : {"info", "ports", "demo"}) EXPECT_NE(r.out.find(command), std::string::npos) << command;
}

TEST(Cli, EveryCommandHasHelp) {
    for (const char* command : {"info", "ports", "demo"}) {
        const ProcessResult r = cli({command, "--help"});
        EXPECT_EQ(r.exitCode, 0) << command << ": " << r.err;
        EXPECT_NE(r.out.find("--help"), std::string::npos) << command;
        EXPECT_TRUE(r.err.empty()) << command << ": " << r.err;
    }
}

TEST(Cli, NoCommandIsAUsageError) { expectOneLineUsageError(cli({}), "--help"); }

TEST(Cli, UnknownCommandIsAUsageError) { expectOneLineUsageError(cli({"frobnicate"}), "frobnicate"); }

TEST(Cli, UnknownOptionIsAUsageError) { expectOneLineUsageError(cli({"info", "--colour"}), "--colour"); }

TEST(Cli, BadValueIsAUsageErrorNamingTheCommand) {
    expectOneLineUsageError(cli({"demo", "--device"}), "demo --help");
}

TEST(Cli, InfoJsonDescribesTheMachine) {
    const ProcessResult r = cli({"info", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j.at("devices").at(0).at("id"), "cpu");
    EXPECT_FALSE(j.at("blas").at("library").get<std::string>().empty());
    EXPECT_GE(j.at("threads").get<int>(), 1);
}

TEST(Cli, PortsNeverFailsWithoutMidiHardware) {
    const ProcessResult r = cli({"ports", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    if (!j.at("available").get<bool>()) {
        EXPECT_FALSE(j.at("message").get<std::string>().empty());
    }
    // Inputs beside the outputs: nothing to play from is explained, never an error.
    EXPECT_TRUE(j.at("inputs").is_array());
    if (!j.at("inputs_available").get<bool>() || j.at("inputs").empty()) {
        EXPECT_FALSE(j.at("inputs_message").get<std::string>().empty());
    }
    EXPECT_EQ(j.at("virtual_ports").at("input"), "PianoMuse in");
    EXPECT_EQ(j.at("virtual_ports").at("output"), "PianoMuse out");
    if (!j.at("virtual_ports").at("available").get<bool>()) {
        EXPECT_FALSE(j.at("virtual_ports").at("message").get<std::string>().empty());
    }
    EXPECT_TRUE(j.at("jack").at("running").is_boolean());
    const ProcessResult text = cli({"ports"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find(" input"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Virtual ports \"PianoMuse in\" / \"PianoMuse out\""), std::string::npos) << text.out;
}

TEST(Cli, DemoRunsEveryStageAndWritesTheContinuation) {
    // The whole pipeline with a two-step training run: quick, and the stages are all there.
    namespace fs = std::filesystem;
    const fs::path work = fs::temp_directory_path() / ("pianomuse-demo-test-" + std::to_string(std::random_device{}()));
    fs::remove_all(work);
    const ProcessResult r = cli({"demo", "--device", "cpu", "--no-benchmark", "--train-steps", "2", "--bars", "2",
                                 "--work-dir", work.string()});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    for (const char* stage : {"[system", "[device", "[dataset", "[train", "[generate", "[midi"})
        EXPECT_NE(r.out.find(stage), std::string::npos) << stage << "\n" << r.out;
    EXPECT_NE(r.out.find("2 steps"), std::string::npos) << r.out;
    const fs::path mid = work / "demo-continuation.mid";
    ASSERT_TRUE(fs::exists(mid)) << r.out;
    std::ifstream in(mid, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    EXPECT_EQ(std::string(magic, 4), "MThd");
    EXPECT_TRUE(fs::exists(work / "dataset"));
    EXPECT_TRUE(fs::exists(work / "run" / "model-final.safetensors"));
    // A .wav next to it when a soundfont exists (the line says which).
    if (r.out.find("[wav       ] ok   skipped") == std::string::npos && r.out.find("[wav") != std::string::npos) {
        EXPECT_TRUE(fs::exists(work / "demo-continuation.wav")) << r.out;
    }
    fs::remove_all(work);
}

TEST(Cli, DeviceOptionsShareOneSyntax) {
    // auto|cpu|cuda|cuda:N everywhere (train's side: tests/train/train_cli_test.cpp); anything
    // else is a usage error before any work.
    expectOneLineUsageError(cli({"demo", "--device", "tpu", "--no-benchmark"}), "cuda:N");
    expectOneLineUsageError(cli({"demo", "--device", "cuda:x", "--no-benchmark"}), "cuda:N");
}

TEST(Cli, DemoOnAMissingDeviceFailsClearly) {
    const ProcessResult r = cli({"demo", "--device", "cuda:42", "--no-benchmark"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.out.find("cuda:42"), std::string::npos) << r.out;
    EXPECT_EQ(countLines(r.err), 1) << r.err;
}

}  // namespace
