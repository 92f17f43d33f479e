// `train --nproc N`'s launcher (pm::dist::runLocalWorkers) with a stand-in worker
// (launcher_child): the torchrun variables each worker gets, exit codes, a crashed worker named,
// a hung one ended after the timeout, Ctrl-C forwarded. Torch-free: also cross-compiled for
// Windows and run under wine (packaging/windows/core).
#include "dist/local_launcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct Launch {
    int code = -1;
    std::string log;
    double seconds = 0;
};

Launch launch(const std::vector<std::string>& args, int nproc, double timeout = 60, const std::atomic<int>* interrupts = nullptr) {
    pm::dist::LocalLaunch l;
    l.graceSeconds = 1;
    l.program = LAUNCHER_CHILD_PATH;
    l.args = args;
    l.nproc = nproc;
    l.timeoutSeconds = timeout;
    Launch r;
    l.log = [&r](const std::string& line) { r.log += line + "\n"; };
    const auto t0 = std::chrono::steady_clock::now();
    r.code = pm::dist::runLocalWorkers(l, interrupts);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

fs::path freshDir(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / ("pm-launcher-" + name + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(d);
    return d;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST(LocalLauncher, EveryWorkerGetsTorchrunsVariables) {
    const fs::path dir = freshDir("env");
    const Launch r = launch({dir.string()}, 3);
    EXPECT_EQ(r.code, 0) << r.log;
    std::string port;
    for (int rank = 0; rank < 3; ++rank) {
        std::istringstream in(slurp(dir / ("rank" + std::to_string(rank) + ".txt")));
        std::string RANK, WORLD, LOCAL, LOCALWORLD, ADDR, PORT;
        in >> RANK >> WORLD >> LOCAL >> LOCALWORLD >> ADDR >> PORT;
        EXPECT_EQ(RANK, std::to_string(rank));
        EXPECT_EQ(WORLD, "3");
        EXPECT_EQ(LOCAL, std::to_string(rank));
        EXPECT_EQ(LOCALWORLD, "3");
        EXPECT_EQ(ADDR, "127.0.0.1");
        EXPECT_GT(std::stoi(PORT), 0);
        if (rank == 0) port = PORT;
        EXPECT_EQ(PORT, port) << "one rendezvous port for all";
    }
    fs::remove_all(dir);
}

TEST(LocalLauncher, AFailingWorkerIsNamedAndItsCodeReturned) {
    const fs::path dir = freshDir("fail");
    const Launch r = launch({dir.string(), "fail-rank", "1", "3"}, 2);
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.log.find("rank 1 (pid "), std::string::npos) << r.log;
    EXPECT_NE(r.log.find("exited with code 3"), std::string::npos) << r.log;
    fs::remove_all(dir);
}

TEST(LocalLauncher, ACrashedWorkerIsNamed) {
    const fs::path dir = freshDir("crash");
    const Launch r = launch({dir.string(), "crash-rank", "0"}, 2);
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.log.find("rank 0 (pid "), std::string::npos) << r.log;
    fs::remove_all(dir);
}

TEST(LocalLauncher, WorkersLeftRunningAfterAFailureAreEndedAfterTheTimeout) {
    // Rank 1 fails at once; rank 0 would sleep for 60 s. With a 1 s collective timeout (and 1 s of
    // grace) the launcher ends it after 2 s instead of waiting.
    const fs::path dir = freshDir("hang");
    const Launch r = launch({dir.string(), "fail-rank", "1", "2", "sleep-rank", "0", "60"}, 2, 1.0);
    EXPECT_EQ(r.code, 2);
    EXPECT_LT(r.seconds, 20);
    EXPECT_GE(r.seconds, 1.5);
    EXPECT_NE(r.log.find("rank 0"), std::string::npos) << r.log;
    fs::remove_all(dir);
}

TEST(LocalLauncher, CtrlCIsForwardedToEveryWorker) {
    const fs::path dir = freshDir("interrupt");
    std::atomic<int> presses{0};
    std::thread press([&] {
        // Once both workers are up (their files exist), press Ctrl-C.
        for (int i = 0; i < 2000; ++i) {
            if (fs::exists(dir / "rank0.txt") && fs::exists(dir / "rank1.txt")) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        presses = 1;
    });
    const Launch r = launch({dir.string(), "wait-interrupt"}, 2, 60, &presses);
    press.join();
    EXPECT_EQ(r.code, 0) << "each worker saw the interrupt and ended cleanly: " << r.log;
    EXPECT_LT(r.seconds, 25);
    fs::remove_all(dir);
}

TEST(LocalLauncher, AProgramThatCannotStartFails) {
    pm::dist::LocalLaunch l;
    l.program = (fs::temp_directory_path() / "no-such-program-pianomuse").string();
    l.nproc = 2;
    std::string log;
    l.log = [&log](const std::string& line) { log += line + "\n"; };
    EXPECT_NE(pm::dist::runLocalWorkers(l, nullptr), 0);
    EXPECT_FALSE(log.empty());
}
