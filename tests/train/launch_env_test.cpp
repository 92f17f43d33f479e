// The launch contract (issue 16) on fake environments: torchrun's variables, Slurm's, and what
// is wrong with inconsistent ones. Torch-free: also cross-compiled for Windows (packaging/windows/core).
#include "dist/launch_env.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using pm::dist::LaunchEnv;
using pm::dist::LaunchOverrides;

namespace {

struct FakeEnv {
    std::map<std::string, std::string> vars;
    pm::dist::EnvLookup lookup() const {
        return [this](const char* name) -> const char* {
            const auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

bool read(const FakeEnv& f, LaunchEnv* e, std::string* error, LaunchOverrides o = {}) {
    return pm::dist::readLaunchEnv(f.lookup(), o, e, error);
}

TEST(LaunchEnv, NothingSetIsOneProcess) {
    LaunchEnv e;
    std::string error;
    ASSERT_TRUE(read({}, &e, &error)) << error;
    EXPECT_FALSE(e.distributed);
    EXPECT_EQ(e.world, 1);
    EXPECT_EQ(e.rank, 0);
}

TEST(LaunchEnv, TorchrunVariables) {
    LaunchEnv e;
    std::string error;
    ASSERT_TRUE(read({{{"RANK", "5"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "4"},
                       {"MASTER_ADDR", "10.0.0.1"}, {"MASTER_PORT", "1234"}}},
                     &e, &error))
        << error;
    EXPECT_TRUE(e.distributed);
    EXPECT_EQ(e.source, "torchrun");
    EXPECT_EQ(e.rank, 5);
    EXPECT_EQ(e.world, 8);
    EXPECT_EQ(e.localRank, 1);
    EXPECT_EQ(e.localWorld, 4);
    EXPECT_EQ(e.masterAddr, "10.0.0.1");
    EXPECT_EQ(e.masterPort, 1234);
}

TEST(LaunchEnv, SlurmVariablesWithTheMasterFromTheOption) {
    LaunchEnv e;
    std::string error;
    const FakeEnv slurm{{{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}, {"SLURM_LOCALID", "1"}, {"SLURM_NTASKS_PER_NODE", "2"}}};
    EXPECT_FALSE(read(slurm, &e, &error));
    EXPECT_NE(error.find("--master-addr"), std::string::npos) << error;
    LaunchOverrides o;
    o.masterAddr = "node01";
    ASSERT_TRUE(read(slurm, &e, &error, o)) << error;
    EXPECT_EQ(e.source, "slurm");
    EXPECT_EQ(e.rank, 3);
    EXPECT_EQ(e.world, 4);
    EXPECT_EQ(e.localRank, 1);
    EXPECT_EQ(e.localWorld, 2);
    EXPECT_EQ(e.masterAddr, "node01");
    EXPECT_EQ(e.masterPort, pm::dist::kDefaultMasterPort);
}

TEST(LaunchEnv, TorchrunWinsOverSlurm) {
    // torchrun inside a Slurm allocation: its own variables describe this process.
    LaunchEnv e;
    std::string error;
    ASSERT_TRUE(read({{{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}}}, &e,
                     &error))
        << error;
    EXPECT_EQ(e.source, "torchrun");
    EXPECT_EQ(e.rank, 1);
}

TEST(LaunchEnv, InconsistentEnvironmentsSayWhat) {
    const std::vector<std::pair<FakeEnv, std::string>> cases = {
        {{{{"WORLD_SIZE", "0"}, {"RANK", "0"}}}, "WORLD_SIZE"},
        {{{{"WORLD_SIZE", "2"}, {"RANK", "2"}, {"MASTER_ADDR", "h"}}}, "not below WORLD_SIZE"},
        {{{{"WORLD_SIZE", "2"}, {"RANK", "-1"}, {"MASTER_ADDR", "h"}}}, "RANK"},
        {{{{"WORLD_SIZE", "two"}, {"RANK", "0"}}}, "WORLD_SIZE"},
        {{{{"WORLD_SIZE", "2"}}}, "RANK is not"},
        {{{{"RANK", "0"}}}, "WORLD_SIZE is not"},
        {{{{"WORLD_SIZE", "2"}, {"RANK", "1"}}}, "MASTER_ADDR"},
        {{{{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}}}, "MASTER_PORT"},
        {{{{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "12ab"}}}, "MASTER_PORT"},
        {{{{"SLURM_PROCID", "4"}, {"SLURM_NTASKS", "4"}}}, "SLURM_PROCID"},
    };
    for (const auto& [env, words] : cases) {
        LaunchEnv e;
        std::string error;
        EXPECT_FALSE(read(env, &e, &error)) << words;
        EXPECT_NE(error.find(words), std::string::npos) << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << "one line: " << error;
    }
}

TEST(LaunchEnv, WorldOfOneNeedsNoMaster) {
    // torchrun --nproc-per-node 1 (and the GPU check) go through the whole distributed path.
    LaunchEnv e;
    std::string error;
    ASSERT_TRUE(read({{{"RANK", "0"}, {"WORLD_SIZE", "1"}}}, &e, &error)) << error;
    EXPECT_TRUE(e.distributed);
    EXPECT_EQ(e.masterAddr, "127.0.0.1");
}

}  // namespace
