// `pianomuse-cli train --nproc N` (issue 16): N worker processes on this machine, started the way
// torchrun starts them (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT),
// for a workstation with several GPUs or a machine without torchrun — Windows included. No
// LibTorch: the launcher itself never trains.
//
// Ctrl-C reaches the launcher only (the workers run in their own process group / console group)
// and is forwarded once per press: the first stops every worker after its current step with a
// checkpoint, the second ends them at once. A worker that dies (crash, kill -9) is named; the
// others stop on their own when they notice the lost peer (their collective timeout), and any
// still running `timeoutSeconds` + `graceSeconds` later are killed, so the launcher never hangs.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace pm::dist {

struct LocalLaunch {
    std::string program;                 // the executable to start (this one)
    std::vector<std::string> args;       // its arguments (without argv[0])
    int nproc = 2;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 0;                  // 0: a free port chosen now
    double timeoutSeconds = 60;          // the workers' collective timeout
    double graceSeconds = 15;            // after it, before the launcher ends workers still running
    std::vector<std::pair<std::string, std::string>> extraEnv;   // per worker as well, e.g. thread counts
    std::function<void(const std::string&)> log;                 // one line at a time (stderr)
};

// Starts the workers and waits for them. Returns 0 when all succeeded; otherwise the first
// failing worker's exit code (2 for a worker ended by a signal, 130 after Ctrl-C), after a line
// naming it. `interrupts` (optional) counts Ctrl-C presses, incremented by the caller's handler.
int runLocalWorkers(const LocalLaunch& launch, const std::atomic<int>* interrupts);

// A TCP port on `address` that nobody listens on right now (the kernel's choice), or 0.
int freePort(const std::string& address);

}  // namespace pm::dist
