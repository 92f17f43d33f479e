#include "dist/launch_env.h"

#include <cerrno>
#include <cstdlib>

namespace pm::dist {

namespace {

// A whole decimal integer (surrounding spaces allowed, as shells and YAML leave them); anything
// else is an error rather than atoi's silent 0.
bool parseInt(const char* text, long long lo, long long hi, long long* out) {
    if (!text) return false;
    while (*text == ' ' || *text == '\t') ++text;
    if (!*text) return false;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text, &end, 10);
    while (end && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) ++end;
    if (errno != 0 || !end || *end != '\0' || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool set(const char* v) { return v && *v; }

}  // namespace

bool readLaunchEnv(const EnvLookup& env, const LaunchOverrides& overrides, LaunchEnv* out, std::string* error) {
    LaunchEnv e;
    auto fail = [&](const std::string& why) {
        if (error) *error = why;
        return false;
    };
    // A variable that must be a whole number in [lo, hi]; `why` is the error when it is not.
    std::string why;
    auto number = [&](const char* name, long long lo, long long hi, long long* v) {
        const char* text = env(name);
        if (parseInt(text, lo, hi, v)) return true;
        why = std::string(name) + "=" + (text ? "'" + std::string(text) + "'" : std::string("(unset)")) +
              " must be a whole number in " + std::to_string(lo) + ".." + std::to_string(hi);
        return false;
    };
    constexpr long long kMaxProcesses = 1 << 20;
    long long rank = 0, world = 1, localRank = 0, localWorld = 1;
    const bool torchrun = set(env("RANK")) || set(env("WORLD_SIZE"));
    const bool slurm = !torchrun && set(env("SLURM_PROCID")) && set(env("SLURM_NTASKS"));
    if (torchrun) {
        e.source = "torchrun";
        if (!set(env("WORLD_SIZE"))) return fail("RANK is set but WORLD_SIZE is not: set both (torchrun does)");
        if (!set(env("RANK"))) return fail("WORLD_SIZE is set but RANK is not: set both (torchrun does)");
        if (!number("WORLD_SIZE", 1, kMaxProcesses, &world)) return fail(why + " (it counts the run's processes)");
        if (!number("RANK", 0, kMaxProcesses, &rank)) return fail(why);
        if (rank >= world)
            return fail("RANK=" + std::to_string(rank) + " is not below WORLD_SIZE=" + std::to_string(world) +
                        ": ranks count from 0 to WORLD_SIZE-1");
        localRank = rank;
        localWorld = world;
        if (set(env("LOCAL_RANK")) && !number("LOCAL_RANK", 0, kMaxProcesses, &localRank)) return fail(why);
        if (set(env("LOCAL_WORLD_SIZE")) && !number("LOCAL_WORLD_SIZE", 1, kMaxProcesses, &localWorld)) return fail(why);
    } else if (slurm) {
        e.source = "slurm";
        if (!number("SLURM_NTASKS", 1, kMaxProcesses, &world)) return fail(why);
        if (!number("SLURM_PROCID", 0, kMaxProcesses, &rank)) return fail(why);
        if (rank >= world)
            return fail("SLURM_PROCID=" + std::to_string(rank) + " is not below SLURM_NTASKS=" + std::to_string(world));
        localRank = 0;
        if (set(env("SLURM_LOCALID")) && !number("SLURM_LOCALID", 0, kMaxProcesses, &localRank)) return fail(why);
        // SLURM_NTASKS_PER_NODE may read "2(x3)" on uneven allocations; only a plain number is used.
        long long perNode = 0;
        localWorld = parseInt(env("SLURM_NTASKS_PER_NODE"), 1, kMaxProcesses, &perNode) ? perNode : localRank + 1;
    }
    if (localRank >= localWorld) localWorld = localRank + 1;
    e.distributed = torchrun || slurm;
    e.rank = int(rank);
    e.world = int(world);
    e.localRank = int(localRank);
    e.localWorld = int(localWorld);
    if (!e.distributed) {
        *out = e;
        return true;
    }

    e.masterAddr = !overrides.masterAddr.empty() ? overrides.masterAddr : set(env("MASTER_ADDR")) ? env("MASTER_ADDR") : "";
    if (e.masterAddr.empty()) {
        if (e.world > 1)
            return fail(slurm ? "running under Slurm without a master address: give --master-addr HOST (e.g. the first host "
                                "of $SLURM_JOB_NODELIST) or set MASTER_ADDR"
                              : "MASTER_ADDR is not set: give the address of rank 0's host (or --master-addr)");
        e.masterAddr = "127.0.0.1";   // one process: its own store, on this host
    }
    if (overrides.masterPort > 0) {
        if (overrides.masterPort > 65535) return fail("--master-port must be in 1..65535");
        e.masterPort = overrides.masterPort;
    } else if (set(env("MASTER_PORT"))) {
        long long port = 0;
        if (!parseInt(env("MASTER_PORT"), 1, 65535, &port))
            return fail(std::string("MASTER_PORT='") + env("MASTER_PORT") + "' is not a port number (1..65535)");
        e.masterPort = int(port);
    }
    *out = e;
    return true;
}

bool readLaunchEnv(const LaunchOverrides& overrides, LaunchEnv* out, std::string* error) {
    return readLaunchEnv([](const char* name) -> const char* { return std::getenv(name); }, overrides, out, error);
}

std::string describe(const LaunchEnv& e) {
    if (!e.distributed) return "a single process";
    return "rank " + std::to_string(e.rank) + " of " + std::to_string(e.world) + " (local " + std::to_string(e.localRank) +
           " of " + std::to_string(e.localWorld) + "; " + e.source + "), master " + e.masterAddr + ":" +
           std::to_string(e.masterPort);
}

}  // namespace pm::dist
