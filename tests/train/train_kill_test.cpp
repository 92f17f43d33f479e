// Power loss / kill -9 while a checkpoint is being written: `pianomuse-cli train` is killed the
// moment a checkpoint's temporary file appears, and afterwards every checkpoint on disk loads
// and `train --resume` continues from the newest one. This is the real process, not a simulation.
#include "train/train_checkpoint.h"
#include "train_fixture.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Listing {
    std::vector<fs::path> complete, partial;
};

Listing listCheckpoints(const fs::path& dir) {
    Listing l;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string n = e.path().filename().string();
        if (n.size() > 11 && n.compare(n.size() - 11, 11, ".pmckpt.tmp") == 0) l.partial.push_back(e.path());
        else if (e.path().extension() == ".pmckpt") l.complete.push_back(e.path());
    }
    std::sort(l.complete.begin(), l.complete.end());
    return l;
}

}  // namespace

TEST(TrainKill, KillDuringACheckpointWriteLosesNothingAndResumes) {
    pm::test::TempDir tmp;
    const std::string data = pm::test::buildSyntheticDataset(tmp, 4, 8);
    const fs::path run = fs::path(tmp / "run"), ckdir = run / "checkpoints";
    // The tiny preset's checkpoint (weights + Adam moments, ~20 MB) takes long enough to write
    // that polling sees its temporary file; a checkpoint after every step gives many chances.
    const pid_t pid = pm::test::spawnQuiet(PIANOMUSE_CLI_PATH, {"train", "--data", data, "-o", run.string(), "--preset", "tiny", "--ctx-len", "32",
                                  "--batch", "1", "--steps", "100000", "--validate-every", "0", "--checkpoint-seconds",
                                  "0.000001", "--keep", "1000", "--sample-bars", "0", "--device", "cpu"});
    ASSERT_GT(pid, 0);
    bool killedMidWrite = false;
    std::size_t completeBefore = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        const Listing l = listCheckpoints(ckdir);
        // At least one finished checkpoint first, then kill while the next one is being written.
        if (!l.complete.empty() && !l.partial.empty()) {
            ::kill(pid, SIGKILL);
            killedMidWrite = true;
            completeBefore = l.complete.size();
            break;
        }
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) FAIL() << "train exited early, status " << status;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (!killedMidWrite) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(killedMidWrite) << "never saw a checkpoint being written within 120 s";
    ASSERT_TRUE(WIFSIGNALED(status));

    // Every finished checkpoint still reads (the torn one never got its final name).
    const Listing after = listCheckpoints(ckdir);
    ASSERT_GE(after.complete.size(), completeBefore);
    std::int64_t newest = -1;
    for (const fs::path& p : after.complete) {
        nlohmann::json meta;
        const std::string err = pm::train::readCheckpointMeta(p.string(), &meta);
        EXPECT_TRUE(err.empty()) << p << ": " << err;
        if (err.empty()) newest = std::max(newest, meta.at("step").get<std::int64_t>());
    }
    ASSERT_GE(newest, 1);

    // The run resumes from the newest one (a full load of weights and optimiser), trains on, and
    // Ctrl-C (SIGINT) stops it cleanly with a new checkpoint and exit code 0.
    const pid_t again = pm::test::spawnQuiet(PIANOMUSE_CLI_PATH, {"train", "--data", data, "-o", run.string(), "--preset", "tiny", "--ctx-len", "32",
                                    "--batch", "1", "--steps", "100000", "--validate-every", "0", "--checkpoint-seconds",
                                    "1000", "--sample-bars", "0", "--device", "cpu", "--resume"});
    ASSERT_GT(again, 0);
    bool sawResume = false, sawStepAfter = false;
    const auto deadline2 = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!sawStepAfter && std::chrono::steady_clock::now() < deadline2) {
        // Each pass reads the whole file: only lines after the resume event in this pass count
        // (the killed run logged the step whose checkpoint it never finished, before it).
        std::ifstream in(run / "metrics.jsonl");
        std::string line;
        bool resumeAbove = false;
        while (std::getline(in, line)) {
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded()) continue;
            if (j.value("event", "") == "resume") {
                if (!sawResume) EXPECT_EQ(j.at("step").get<std::int64_t>(), newest);
                sawResume = resumeAbove = true;
            }
            if (resumeAbove && j.contains("loss") && j.at("step").get<std::int64_t>() > newest) sawStepAfter = true;
        }
        int st = 0;
        if (::waitpid(again, &st, WNOHANG) == again) FAIL() << "resumed train exited early, status " << st;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(again, sawStepAfter ? SIGINT : SIGKILL);
    ::waitpid(again, &status, 0);
    ASSERT_TRUE(sawResume && sawStepAfter) << "no resume event and step after it in metrics.jsonl";
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    const Listing last = listCheckpoints(ckdir);
    ASSERT_FALSE(last.complete.empty());
    nlohmann::json meta;
    ASSERT_EQ(pm::train::readCheckpointMeta(last.complete.back().string(), &meta), "");
    EXPECT_GT(meta.at("step").get<std::int64_t>(), newest) << [&] {
        // What the run left, to tell a missing stop checkpoint from a wrong step.
        std::string s = "checkpoints:";
        for (const fs::path& p : last.complete) s += " " + p.filename().string();
        for (const fs::path& p : last.partial) s += " " + p.filename().string();
        std::ifstream in(run / "metrics.jsonl");
        return s + "\nmetrics.jsonl:\n" + std::string(std::istreambuf_iterator<char>(in), {});
    }();
}
