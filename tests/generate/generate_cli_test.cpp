// `pianomuse-cli generate` and `play` as a user runs them: exit codes, files our reader reads,
// seeds that reproduce, WAV output, clear errors.
#include "generate_test_support.h"

#include "model/checkpoint_io.h"
#include "playback/fluid_synth_output.h"
#include "../support/run_process.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

using pm::test::runProcess;

namespace {

class GenerateCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        // One folder per process: CTest runs each test of this suite as its own process, in
        // parallel, and one process's TearDownTestSuite must not delete another's files.
        dir_ = new std::string(::testing::TempDir() + "/pm_generate_cli_" + std::to_string(::getpid()));
        std::string cmd = "mkdir -p " + *dir_;
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        pm::tok::Tokenizer tokenizer;
        auto c = pm::model::Rwkv7Config::preset("tiny", std::int64_t(tokenizer.vocabulary().size()));
        c.nLayer = 1;
        pm::model::Rwkv7Model m(c);
        m->initWeights(7);
        pm::model::saveModel(m, *dir_ + "/tiny.safetensors", tokenizer.configJson().dump());
        ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::scalePiece(), *dir_ + "/prompt.mid").ok());
    }
    static void TearDownTestSuite() {
        std::system(("rm -rf " + *dir_).c_str());
        delete dir_;
    }
    static std::string path(const std::string& name) { return *dir_ + "/" + name; }
    static pm::test::ProcessResult cli(std::vector<std::string> args) { return runProcess(PIANOMUSE_CLI_PATH, args); }
    static std::string slurp(const std::string& p) {
        std::ifstream f(p, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(f)), {});
    }
    static std::string* dir_;
};
std::string* GenerateCli::dir_ = nullptr;

}  // namespace

TEST_F(GenerateCli, WritesReadableMidiReproduciblyWithVariationsAndWav) {
    const auto r = cli({"generate", "--model", path("tiny.safetensors"), "--prompt", path("prompt.mid"), "--prompt-bars",
                        "2", "--bars", "2", "--seed", "5", "--variations", "2", "--max-tokens", "300", "-o",
                        path("out.mid"), "--wav", path("out.wav")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("tokens/s"), std::string::npos) << r.out;
    for (const char* name : {"out.mid", "out-2.mid"}) {
        const auto f = pm::midi::readMidiFile(path(name), {pm::midi::ReadMode::Strict, {}});
        ASSERT_TRUE(f.ok()) << name;
        EXPECT_GE(f.value().noteCount(), 8u) << name;   // at least the 2 prompt bars
    }
    if (!pm::play::findSoundFont().empty()) {
        EXPECT_EQ(slurp(path("out.wav")).substr(0, 4), "RIFF");
    }
    // The same seed again: the same file, byte for byte.
    const auto again = cli({"generate", "--model", path("tiny.safetensors"), "--prompt", path("prompt.mid"),
                            "--prompt-bars", "2", "--bars", "2", "--seed", "5", "--max-tokens", "300", "-o",
                            path("again.mid")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(slurp(path("again.mid")), slurp(path("out.mid")));
}

TEST_F(GenerateCli, ExitCodesForUsageAndFailures) {
    // Usage: missing -o, two lengths, a bad metre.
    EXPECT_EQ(cli({"generate", "--model", path("tiny.safetensors")}).exitCode, 1);
    EXPECT_EQ(cli({"generate", "--model", path("tiny.safetensors"), "--bars", "2", "--tokens", "9", "-o", path("x.mid")}).exitCode, 1);
    EXPECT_EQ(cli({"generate", "--model", path("tiny.safetensors"), "--time-signature", "7/1", "-o", path("x.mid")}).exitCode, 1);
    // Failed: a model file that is not a model; a prompt that is not MIDI.
    const auto bad = cli({"generate", "--model", path("prompt.mid"), "-o", path("x.mid")});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("error"), std::string::npos);
    EXPECT_EQ(cli({"generate", "--model", path("tiny.safetensors"), "--prompt", path("tiny.safetensors"), "-o", path("x.mid")}).exitCode, 2);
}

TEST_F(GenerateCli, PlayRendersWavAndExplainsMissingPorts) {
    if (!pm::play::findSoundFont().empty()) {
        const auto r = cli({"play", path("prompt.mid"), "--wav", path("play.wav")});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        EXPECT_GT(slurp(path("play.wav")).size(), 44u + 4u * 44100u * 10u);   // 16 s of music, 2 s tail
    }
    // A port that does not exist falls back to the built-in piano (pm::play::Player); where that
    // cannot sound either (no audio device, no soundfont) the one line names both reasons.
    const auto noPort = cli({"play", path("prompt.mid"), "--port", "no such port 7f3a"});
    EXPECT_NE(noPort.err.find("no such port 7f3a"), std::string::npos) << noPort.err;
    if (noPort.exitCode == 0) {
        EXPECT_NE(noPort.err.find("playing on the built-in piano instead"), std::string::npos) << noPort.err;
    } else {
        EXPECT_EQ(noPort.exitCode, 2);
        EXPECT_NE(noPort.err.find("cannot play"), std::string::npos) << noPort.err;
        EXPECT_NE(noPort.err.find("built-in piano"), std::string::npos) << noPort.err;
    }
}

// --weights and --step-threads reach the fused step (the summary line names what ran); int8 runs
// repeat exactly for a seed; a mode that does not exist is a usage error.
TEST_F(GenerateCli, WeightModesAndStepThreads) {
    const auto run = [&](const std::string& weights, const std::string& threads, const std::string& out) {
        return cli({"generate", "--model", path("tiny.safetensors"), "--bars", "2", "--seed", "3", "--max-tokens", "200",
                    "--weights", weights, "--step-threads", threads, "-o", path(out)});
    };
    const auto a = run("int8", "2", "w1.mid"), b = run("int8", "1", "w2.mid"), c = run("fp32", "2", "w3.mid");
    ASSERT_EQ(a.exitCode, 0) << a.err;
    ASSERT_EQ(b.exitCode, 0) << b.err;
    ASSERT_EQ(c.exitCode, 0) << c.err;
    EXPECT_NE(a.out.find("fused step, int8 weights, 2 threads"), std::string::npos) << a.out;
    EXPECT_NE(b.out.find("fused step, int8 weights, 1 thread"), std::string::npos) << b.out;
    // fp32 keeps the model's values (its zero-initialised matrices are held as exact bf16).
    EXPECT_NE(c.out.find("weights, 2 threads"), std::string::npos) << c.out;
    EXPECT_EQ(c.out.find("int8"), std::string::npos) << c.out;
    EXPECT_EQ(slurp(path("w1.mid")), slurp(path("w2.mid")));   // threads never change the numbers
    const auto bad = run("int4", "1", "w4.mid");
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("--weights"), std::string::npos) << bad.err;
}
