// `pianomuse-cli model init|info` and `score`, run as processes: exit codes, outputs, and the
// logits file against the float64 reference fixtures.
#include "../support/run_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using pm::test::runProcess;

const std::string kCli = PIANOMUSE_CLI_PATH;

std::string fixture(const std::string& rel) { return std::string(PIANOMUSE_TEST_DATA_DIR) + "/rwkv7/" + rel; }

template <typename T>
std::vector<T> readRaw(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    std::vector<T> out(bytes.size() / sizeof(T));
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
}

std::string tokenText(const std::string& dir) {
    std::ostringstream s;
    for (int64_t t : readRaw<int64_t>(fixture(dir + "/tokens.i64"))) s << t << ' ';
    return s.str();
}

class ModelCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("pm_model_cli_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string tmp(const std::string& name) const { return (dir_ / name).string(); }
    fs::path dir_;
};

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return 1e30;
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

TEST_F(ModelCli, ScoreWritesReferenceLogitsInBothModes) {
    const struct {
        const char* dir;
        const char* weights;
        const char* logits;
        const char* mode;
    } cases[] = {{"l2_c32", "tiny_x070_fp32.pth", "logits_fp32w.f32", "gpt"},
                 {"l2_c32_deepembed", "tiny_x070_bf16.pth", "logits_bf16w.f32", "rnn"},
                 {"l1_c64_n64", "tiny_x070_bf16.pth", "logits_bf16w.f32", "gpt"}};
    for (const auto& c : cases) {
        const std::string out = tmp(std::string(c.dir) + ".f32");
        const auto r = runProcess(kCli, {"score", "--model", fixture(std::string(c.dir) + "/" + c.weights), "--tokens",
                                         tokenText(c.dir), "--mode", c.mode, "--logits-out", out});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const double err = maxAbsDiff(readRaw<float>(out), readRaw<float>(fixture(std::string(c.dir) + "/" + c.logits)));
        std::printf("[cli score %s %s] max |logit - ref| = %.2e\n", c.dir, c.mode, err);
        EXPECT_LT(err, 1e-4) << c.dir;
    }
}

TEST_F(ModelCli, InitInfoAndScoreANewModel) {
    const std::string model = tmp("tiny.safetensors");
    auto r = runProcess(kCli, {"model", "init", "--preset", "tiny", "--vocab", "300", "--deepembed", "--seed", "5", "-o", model});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = runProcess(kCli, {"model", "info", model, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["n_layer"], 4);
    EXPECT_EQ(j["n_embd"], 128);
    EXPECT_EQ(j["head_size"], 64);
    EXPECT_EQ(j["vocab_size"], 300);
    EXPECT_EQ(j["deepembed"], true);
    EXPECT_EQ(j["file_format"], "safetensors");
    EXPECT_GT(j["parameters"].get<int64_t>(), 1000000);
    r = runProcess(kCli, {"score", "--model", model, "--tokens", "1 2 3 299", "--logits-out", tmp("l.f32")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readRaw<float>(tmp("l.f32")).size(), 4u * 300u);
    r = runProcess(kCli, {"model", "info", fixture("l2_c32/tiny_x070_bf16.pth")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("RWKV-7 Goose (x070)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("decay 8, iclr 4, value 16, gate 12"), std::string::npos) << r.out;
}

TEST_F(ModelCli, VocabularyAndTokenizerComeFromADataset) {
    const std::string data = tmp("ds");
    auto r = runProcess(kCli, {"dataset", "build", std::string(PIANOMUSE_TEST_DATA_DIR) + "/midi/real/test01.mid", "-o", data});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string model = tmp("m.safetensors");
    r = runProcess(kCli, {"model", "init", "--preset", "tiny", "--vocab-from", data, "-o", model});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = runProcess(kCli, {"model", "info", model, "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j["tokenizer"].is_object());
    EXPECT_EQ(j["vocab_size"], j["tokenizer"]["vocab_size"]);
}

TEST_F(ModelCli, BadInputsGiveOneLineAndTheRightExitCode) {
    auto r = runProcess(kCli, {"model", "info", fixture("pickle/hostile_global.pth")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("refusing global 'posix.system'"), std::string::npos) << r.err;
    EXPECT_EQ(pm::test::countLines(r.err), 1);
    r = runProcess(kCli, {"model", "info", fixture("pickle/ordered_prefixed.pth")});   // a state_dict, not RWKV
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(pm::test::countLines(r.err), 1);
    r = runProcess(kCli, {"score", "--model", fixture("l2_c32/tiny_x070_bf16.pth"), "--tokens", "1 48", "--logits-out",
                          tmp("x.f32")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("outside the model's vocabulary of 48"), std::string::npos) << r.err;
    r = runProcess(kCli, {"model", "init", "--preset", "huge", "--vocab", "10", "-o", tmp("h.safetensors")});
    EXPECT_EQ(r.exitCode, 1);
    r = runProcess(kCli, {"model", "info", tmp("missing.safetensors")});
    EXPECT_EQ(r.exitCode, 1);
    // A truncated model file.
    std::ifstream in(fixture("l2_c32/tiny_x070_bf16.pth"), std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::ofstream(tmp("cut.pth"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    r = runProcess(kCli, {"model", "info", tmp("cut.pth")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(pm::test::countLines(r.err), 1);
}

}  // namespace
