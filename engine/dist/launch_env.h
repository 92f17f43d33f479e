// Where this process sits in a distributed run (issue 16): the launch contract is torchrun's, so
// `torchrun --no-python ... pianomuse-cli train ...`, `srun pianomuse-cli train ...`, Kubernetes'
// PyTorchJob and our own `train --nproc N` all start the same worker. No LibTorch here: the CLI
// reads and checks the environment before any process group exists, and tests feed it fake ones.
//
// Precedence: torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT) when RANK or WORLD_SIZE is set; otherwise Slurm's (SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID, SLURM_NTASKS_PER_NODE) when SLURM_PROCID and SLURM_NTASKS are set, with the
// master address from the option (--master-addr) or MASTER_ADDR — Slurm does not say which host
// is the master; otherwise a single process. docs/distributed.md has the recipes.
#pragma once

#include <functional>
#include <string>

namespace pm::dist {

constexpr int kDefaultMasterPort = 29500;   // torchrun's default

struct LaunchEnv {
    bool distributed = false;   // launched by a distributed launcher (world size 1 included)
    int rank = 0, world = 1;
    int localRank = 0, localWorld = 1;
    std::string masterAddr;
    int masterPort = kDefaultMasterPort;
    std::string source;         // "torchrun", "slurm" or "" (single process)
};

// What the user gave on the command line, which wins over the environment's master address/port.
struct LaunchOverrides {
    std::string masterAddr;
    int masterPort = 0;         // 0: MASTER_PORT or the default
};

using EnvLookup = std::function<const char*(const char* name)>;   // like std::getenv

// Reads and checks the environment. False with a one-line `error` (what is wrong and how to fix
// it) for inconsistent values: WORLD_SIZE < 1, RANK outside [0, WORLD_SIZE), non-numbers, a port
// outside 1..65535, a world of more than one process without a master address.
bool readLaunchEnv(const EnvLookup& env, const LaunchOverrides& overrides, LaunchEnv* out, std::string* error);
bool readLaunchEnv(const LaunchOverrides& overrides, LaunchEnv* out, std::string* error);   // the process's own

// "rank 1 of 4 (local 1 of 2; torchrun), master 10.0.0.1:29500"
std::string describe(const LaunchEnv& e);

}  // namespace pm::dist
