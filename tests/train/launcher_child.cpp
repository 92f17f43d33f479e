// The worker that tests/train/local_launcher_test.cpp starts through pm::dist::runLocalWorkers:
// it checks the variables a torchrun-style launcher must set and acts as its arguments say.
//   launcher_child OUTDIR [fail-rank R CODE] [crash-rank R] [sleep-rank R SECONDS] [wait-interrupt]
// Writes OUTDIR/rank<R>.txt with "RANK WORLD_SIZE LOCAL_RANK LOCAL_WORLD_SIZE MASTER_ADDR MASTER_PORT".
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void onSignal(int) { g_interrupted = 1; }
const char* var(const char* n) {
    const char* v = std::getenv(n);
    return v ? v : "(unset)";
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 64;
    const int rank = std::atoi(var("RANK"));
    const std::string path = std::string(argv[1]) + "/rank" + std::to_string(rank) + ".txt";
    if (FILE* f = std::fopen(path.c_str(), "w")) {
        std::fprintf(f, "%s %s %s %s %s %s\n", var("RANK"), var("WORLD_SIZE"), var("LOCAL_RANK"), var("LOCAL_WORLD_SIZE"),
                     var("MASTER_ADDR"), var("MASTER_PORT"));
        std::fclose(f);
    }
    std::signal(SIGINT, onSignal);
#ifdef SIGBREAK
    std::signal(SIGBREAK, onSignal);
#endif
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "fail-rank" && i + 2 < argc) {
            if (std::atoi(argv[i + 1]) == rank) return std::atoi(argv[i + 2]);
            i += 2;
        } else if (a == "crash-rank" && i + 1 < argc) {
            if (std::atoi(argv[++i]) == rank) std::abort();
        } else if (a == "sleep-rank" && i + 2 < argc) {
            if (std::atoi(argv[i + 1]) == rank) std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(argv[i + 2])));
            i += 2;
        } else if (a == "wait-interrupt") {
            // Like a training worker: run until Ctrl-C arrives, then end cleanly.
            for (int t = 0; t < 3000 && !g_interrupted; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return g_interrupted ? 0 : 5;
        }
    }
    return 0;
}
