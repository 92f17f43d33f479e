// Distributed training (issue 16), as users run it: real `pianomuse-cli train` processes over
// Gloo on this machine. The tests set the launch environment themselves (torchrun is not needed)
// or use `--nproc`. References are independent runs: one process with the whole global batch.
#include "model/checkpoint_io.h"
#include "train_fixture.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

// ---- real processes -------------------------------------------------------------------------

int freePort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

// A rank started in the background with its own environment; stderr goes to a file.
pid_t spawnRank(const std::vector<std::string>& args, const std::vector<std::string>& env, const std::string& errFile) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int err = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv{const_cast<char*>(PIANOMUSE_CLI_PATH)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(PIANOMUSE_CLI_PATH, argv.data());
        ::_exit(127);
    }
    return pid;
}

std::vector<std::string> rankEnv(int rank, int world, int port) {
    return {"RANK=" + std::to_string(rank), "WORLD_SIZE=" + std::to_string(world), "LOCAL_RANK=" + std::to_string(rank),
            "LOCAL_WORLD_SIZE=" + std::to_string(world), "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(port)};
}

// Waits for a child; returns its exit code (or 128 + signal) and how long it took.
int waitFor(pid_t pid, double* seconds = nullptr, double limit = 120) {
    const auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    for (;;) {
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > limit) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            ADD_FAILURE() << "process " << pid << " still ran after " << limit << " s";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Metrics {
    std::map<std::int64_t, double> loss, valLoss;
};

Metrics readMetrics(const fs::path& run) {
    Metrics m;
    std::ifstream in(run / "metrics.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object() || j.contains("event") || !j.contains("step")) continue;
        if (j.contains("loss")) m.loss[j["step"].get<std::int64_t>()] = j["loss"].get<double>();
        if (j.contains("val_loss")) m.valLoss[j["step"].get<std::int64_t>()] = j["val_loss"].get<double>();
    }
    return m;
}

void expectSameLosses(const Metrics& a, const Metrics& b) {
    ASSERT_FALSE(a.loss.empty());
    ASSERT_EQ(a.loss.size(), b.loss.size());
    for (const auto& [step, loss] : a.loss) {
        ASSERT_TRUE(b.loss.count(step)) << "step " << step;
        EXPECT_LE(std::abs(loss - b.loss.at(step)), 1e-5 * std::abs(loss)) << "step " << step;
    }
    ASSERT_EQ(a.valLoss.size(), b.valLoss.size());
    for (const auto& [step, loss] : a.valLoss) EXPECT_LE(std::abs(loss - b.valLoss.at(step)), 1e-5 * std::abs(loss)) << "val " << step;
}

void expectSameModel(const fs::path& a, const fs::path& b) {
    pm::model::LoadedModel ma = pm::model::loadModel(a.string()), mb = pm::model::loadModel(b.string());
    auto pb = mb.model->named_parameters(true);
    std::size_t compared = 0;
    for (const auto& item : ma.model->named_parameters(true)) {
        const torch::Tensor x = item.value().detach(), y = pb[item.key()].detach();
        ASSERT_EQ(x.sizes(), y.sizes()) << item.key();
        const double diff = (x - y).abs().max().item<double>();
        EXPECT_LE(diff, 1e-5 * std::max(1.0, x.abs().max().item<double>())) << item.key();
        ++compared;
    }
    EXPECT_GT(compared, 10u);
}

class DistTrain : public ::testing::Test {
protected:
    void SetUp() override { data_ = pm::test::buildSyntheticDataset(tmp_, 8, 8); }

    // Common options: the tiny preset, short windows, fixed seed, validation every 3 steps.
    std::vector<std::string> trainArgs(const fs::path& out, int batch, int steps, std::vector<std::string> extra = {}) const {
        const bool ownCtx = std::find(extra.begin(), extra.end(), "--ctx-len") != extra.end();
        std::vector<std::string> a = {"train", "--data", data_, "-o", out.string(), "--ctx-len", ownCtx ? extra[std::size_t(std::find(extra.begin(), extra.end(), "--ctx-len") - extra.begin()) + 1] : "32", "--batch", std::to_string(batch),
                                      "--steps", std::to_string(steps), "--validate-every", "3", "--sample-bars", "0", "--seed", "11",
                                      "--device", "cpu", "--checkpoint-seconds", "1000", "--dist-timeout", "20"};
        for (std::size_t i = 0; i < extra.size(); ++i) {
            if (extra[i] == "--ctx-len") ++i;   // given above
            else a.push_back(extra[i]);
        }
        return a;
    }
    pm::test::ProcessResult run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) const {
        return pm::test::runProcess(PIANOMUSE_CLI_PATH, args, env);
    }
    // One process with the global batch (2 threads: 2 row shards) vs 2 processes with half each.
    void expectEquivalent(const std::string& name, const std::vector<std::string>& extra) {
        const fs::path one = at(name + "-one"), two = at(name + "-two");
        std::vector<std::string> a = {"--threads", "2"}, b = {"--threads", "1"};
        for (const auto& s : trainArgs(one, 4, 6, extra)) a.push_back(s);
        for (const auto& s : trainArgs(two, 2, 6, extra)) b.push_back(s);
        b.insert(b.begin() + 3, {"--nproc", "2"});
        const auto ra = run(a);
        ASSERT_EQ(ra.exitCode, 0) << ra.err;
        const auto rb = run(b);
        ASSERT_EQ(rb.exitCode, 0) << rb.err;
        expectSameLosses(readMetrics(one), readMetrics(two));
        expectSameModel(one / "model-final.safetensors", two / "model-final.safetensors");
        // Rank 0 alone wrote; it logged the all-reduce.
        EXPECT_NE(slurp((two / "metrics.jsonl").string()).find("\"allreduce_bytes\""), std::string::npos);
    }

    fs::path at(const std::string& name) const { return fs::path(tmp_ / name); }

    pm::test::TempDir tmp_;
    std::string data_;
};

TEST_F(DistTrain, TwoProcessesTrainLikeOneWithTheGlobalBatch) {
    expectEquivalent("full", {"--scratch", "--preset", "tiny"});
    // Infilling rows are drawn per window of the global batch: the same rows on every rank.
    expectEquivalent("fim", {"--scratch", "--preset", "tiny", "--fim-rate", "0.5", "--ctx-len", "96"});
    std::int64_t infillRows = 0;
    std::istringstream lines(slurp((at("fim-two") / "metrics.jsonl").string()));
    for (std::string line; std::getline(lines, line);) infillRows += nlohmann::json::parse(line).value("infill_rows", std::int64_t(0));
    EXPECT_GT(infillRows, 0) << "96-token windows hold several bars: some rows are rearranged";
    const std::string base = (at("full-one") / "model-final.safetensors").string();
    // LoRA and state tuning on that model; state tuning with continuation-only masks, so the two
    // ranks count different numbers of tokens and the global count must weigh them.
    expectEquivalent("lora", {"--base", base, "--method", "lora"});
    expectEquivalent("state", {"--base", base, "--method", "state", "--continuation"});
}

TEST_F(DistTrain, AKilledRankStopsTheOthersAndTheRunResumesExactly) {
    const fs::path ref = at("ref"), dir = at("run");
    const int steps = 120;   // long enough that the kill lands mid-run on a fast machine
    // The uninterrupted reference: one process, the global batch.
    std::vector<std::string> a = {"--threads", "2"};
    for (const auto& s : trainArgs(ref, 4, steps, {"--scratch", "--preset", "tiny"})) a.push_back(s);
    const auto ra = run(a);
    ASSERT_EQ(ra.exitCode, 0) << ra.err;

    auto rankArgs = [&](bool resume) {
        std::vector<std::string> r = {"--threads", "1"};
        for (const auto& s : trainArgs(dir, 2, steps, {"--scratch", "--preset", "tiny"})) r.push_back(s);
        for (auto& s : r)
            if (s == "1000") s = "0.2";   // checkpoints every 0.2 s
        if (resume) r.push_back("--resume");
        return r;
    };
    const int port = freePort();
    const std::string err0 = (at("rank0.err")).string(), err1 = (at("rank1.err")).string();
    const pid_t r0 = spawnRank(rankArgs(false), rankEnv(0, 2, port), err0);
    const pid_t r1 = spawnRank(rankArgs(false), rankEnv(1, 2, port), err1);
    // Kill rank 1 once a checkpoint past step 5 exists (and before the end).
    bool killed = false;
    for (int i = 0; i < 3000 && !killed; ++i) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir / "checkpoints", ec))
            if (e.path().filename().string() >= "ckpt-000000005" && e.path().extension() == ".pmckpt") killed = true;
        if (!killed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(killed) << slurp(err0);
    ::kill(r1, SIGKILL);
    double seconds = 0;
    const int code0 = waitFor(r0, &seconds, 90);
    waitFor(r1);
    const std::string message = slurp(err0);
    if (code0 == 0) GTEST_SKIP() << "rank 0 finished all " << steps << " steps before the kill landed";
    EXPECT_EQ(code0, 2) << message;
    EXPECT_LT(seconds, 30) << "the stated timeout is --dist-timeout (20 s) at most";
    EXPECT_NE(message.find("lost rank 1"), std::string::npos) << message;

    // Restart both: the newest checkpoint loads and the run ends where the reference did.
    const int port2 = freePort();
    const pid_t s0 = spawnRank(rankArgs(true), rankEnv(0, 2, port2), err0);
    const pid_t s1 = spawnRank(rankArgs(true), rankEnv(1, 2, port2), err1);
    EXPECT_EQ(waitFor(s0), 0) << slurp(err0);
    EXPECT_EQ(waitFor(s1), 0) << slurp(err1);
    expectSameModel(ref / "model-final.safetensors", dir / "model-final.safetensors");
    const Metrics mr = readMetrics(ref), mx = readMetrics(dir);
    ASSERT_TRUE(mx.loss.count(steps));
    EXPECT_LE(std::abs(mr.loss.at(steps) - mx.loss.at(steps)), 1e-5 * mr.loss.at(steps));
}

TEST_F(DistTrain, ACheckpointResumesOnAnotherProcessCountWithTheSameGlobalBatch) {
    // 2 processes x 2 write a checkpoint at step 6; one process x 4 goes on to step 9 and ends
    // where one process x 4 from the start ends. One process x 2 (another global batch) is refused.
    const fs::path ref = at("ref"), dir = at("run");
    std::vector<std::string> a = {"--threads", "2"};
    for (const auto& s : trainArgs(ref, 4, 9, {"--scratch", "--preset", "tiny"})) a.push_back(s);
    ASSERT_EQ(run(a).exitCode, 0);
    std::vector<std::string> b = {"--threads", "1"};
    for (const auto& s : trainArgs(dir, 2, 6, {"--scratch", "--preset", "tiny"})) b.push_back(s);
    b.insert(b.begin() + 3, {"--nproc", "2"});
    const auto rb = run(b);
    ASSERT_EQ(rb.exitCode, 0) << rb.err;
    std::vector<std::string> wrong = {"--threads", "2"};
    for (const auto& s : trainArgs(dir, 2, 9, {"--resume"})) wrong.push_back(s);
    const auto rw = run(wrong);
    EXPECT_EQ(rw.exitCode, 2) << rw.err;
    EXPECT_NE(rw.err.find("global batch of 4"), std::string::npos) << rw.err;
    std::vector<std::string> c = {"--threads", "2"};
    for (const auto& s : trainArgs(dir, 4, 9, {"--resume"})) c.push_back(s);
    const auto rc = run(c);
    ASSERT_EQ(rc.exitCode, 0) << rc.err;
    expectSameModel(ref / "model-final.safetensors", dir / "model-final.safetensors");
    EXPECT_LE(std::abs(readMetrics(ref).loss.at(9) - readMetrics(dir).loss.at(9)), 1e-5 * readMetrics(ref).loss.at(9));
}

TEST_F(DistTrain, BadEnvironmentsFailInOneLineWithinTheTimeout) {
    const fs::path out = at("bad");
    std::vector<std::string> args = {"--threads", "1"};
    for (const auto& s : trainArgs(out, 2, 2, {"--scratch", "--preset", "tiny"})) args.push_back(s);
    for (auto& s : args)
        if (s == "20") s = "2";   // --dist-timeout 2
    auto expectFailure = [&](const std::vector<std::string>& env, const std::string& words) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = run(args, env);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(r.exitCode, 2) << words << ": " << r.err;
        EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
        EXPECT_LT(s, 20) << words;
        // One line: c10d's own log lines are not shown.
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    };
    expectFailure({"WORLD_SIZE=0", "RANK=0"}, "WORLD_SIZE");
    expectFailure({"WORLD_SIZE=2", "RANK=2", "MASTER_ADDR=127.0.0.1"}, "not below WORLD_SIZE");
    expectFailure({"WORLD_SIZE=2", "RANK=1"}, "MASTER_ADDR is not set");
    const int nobody = freePort();
    expectFailure({"WORLD_SIZE=2", "RANK=1", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(nobody)}, "could not reach the master");
    expectFailure({"WORLD_SIZE=2", "RANK=0", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(nobody)}, "missing rank(s) 1");
    // Port in use: something already listens where rank 0 would host the store.
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::listen(s, 4);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    expectFailure({"WORLD_SIZE=2", "RANK=0", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(ntohs(a.sin_port))}, "is in use");
    ::close(s);
    // --nproc under a launcher is a usage error.
    std::vector<std::string> nested = args;
    nested.insert(nested.begin() + 3, {"--nproc", "2"});
    const auto r = run(nested, {"WORLD_SIZE=2", "RANK=0", "MASTER_ADDR=127.0.0.1"});
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_NE(r.err.find("--nproc starts its own workers"), std::string::npos) << r.err;
}

TEST_F(DistTrain, RanksWithDifferentDatasetsOrOptionsRefuseToStart) {
    pm::test::TempDir other;
    const std::string otherData = pm::test::buildSyntheticDataset(other, 6, 8);
    auto attempt = [&](const std::vector<std::string>& extra1, const std::string& data1, const std::string& words) {
        const int port = freePort();
        std::vector<std::string> a0 = {"--threads", "1"}, a1 = {"--threads", "1"};
        for (const auto& s : trainArgs(at("r0"), 2, 2, {"--scratch", "--preset", "tiny"})) a0.push_back(s);
        std::vector<std::string> extra = {"--scratch", "--preset", "tiny"};
        extra.insert(extra.end(), extra1.begin(), extra1.end());
        for (const auto& s : trainArgs(at("r1"), 2, 2, extra)) a1.push_back(s == data_ ? data1 : s);
        const std::string e0 = (at("e0")).string(), e1 = (at("e1")).string();
        const pid_t p0 = spawnRank(a0, rankEnv(0, 2, port), e0), p1 = spawnRank(a1, rankEnv(1, 2, port), e1);
        EXPECT_EQ(waitFor(p0), 2) << slurp(e0);
        EXPECT_EQ(waitFor(p1), 2) << slurp(e1);
        EXPECT_NE(slurp(e0).find(words), std::string::npos) << slurp(e0);
        EXPECT_NE(slurp(e1).find(words), std::string::npos) << slurp(e1);
        EXPECT_FALSE(fs::exists(at("r0") / "model-final.safetensors"));
    };
    attempt({}, otherData, "rank 1 was started with another dataset");
    attempt({"--lr", "0.02"}, data_, "rank 1 was started with another configuration");
}

TEST_F(DistTrain, CtrlCOnTheLauncherStopsEveryWorkerWithACheckpoint) {
    const fs::path out = at("stop");
    std::vector<std::string> args = {"--threads", "1"};
    for (const auto& s : trainArgs(out, 2, 100000, {"--scratch", "--preset", "tiny"})) args.push_back(s);
    args.insert(args.begin() + 3, {"--nproc", "2"});
    const std::string err = (at("launcher.err")).string();
    const pid_t launcher = spawnRank(args, {}, err);
    bool stepping = false;
    for (int i = 0; i < 6000 && !stepping; ++i) {
        stepping = readMetrics(out).loss.size() >= 3;
        if (!stepping) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(stepping) << slurp(err);
    ::kill(launcher, SIGINT);
    double seconds = 0;
    EXPECT_EQ(waitFor(launcher, &seconds, 60), 0) << slurp(err);
    EXPECT_LT(seconds, 30);
    const std::string metrics = slurp((out / "metrics.jsonl").string());
    EXPECT_NE(metrics.find("\"event\":\"stopped\""), std::string::npos) << metrics.substr(metrics.size() > 400 ? metrics.size() - 400 : 0);
    // The launcher returns only after it reaped every worker; the checkpoint resumes.
    std::vector<std::string> resume = args;
    for (auto& s : resume)
        if (s == "100000") s = std::to_string(readMetrics(out).loss.rbegin()->first + 2);
    resume.push_back("--resume");
    const auto r = run(resume);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("resumed at step"), std::string::npos) << r.err;
}

}  // namespace
