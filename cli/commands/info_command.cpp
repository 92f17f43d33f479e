// `pianomuse-cli info`: version, compute devices, BLAS, threads — what support asks first.
#include "command.h"

#include "core/system_info.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace pm::cli {
namespace {

struct InfoOptions {
    bool json = false;
    bool benchmark = false;
};

int runInfo(const InfoOptions& opt) {
    const SystemInfo info = querySystemInfo();
    const double gflops = opt.benchmark ? measureMatmulGflops(512) : 0.0;
    if (opt.json) {
        nlohmann::json j;
        j["version"] = info.version;
        j["torch_version"] = info.torchVersion;
        j["threads"] = info.intraOpThreads;
        j["cuda_available"] = info.cudaAvailable;
        j["devices"] = nlohmann::json::array();
        for (const auto& d : info.devices) j["devices"].push_back({{"id", d.id}, {"name", d.displayName}});
        j["blas"] = {{"library", info.blas.library}, {"path", info.blas.path}, {"slow", info.blas.slow}};
        if (opt.benchmark) j["blas"]["gflops"] = gflops;
        std::cout << j.dump(2) << "\n";
        return kExitOk;
    }
    std::printf("PianoMuse %s (LibTorch %s)\n", info.version.c_str(), info.torchVersion.c_str());
    std::printf("Threads:  %d\n", info.intraOpThreads);
    std::printf("Devices:\n");
    for (const auto& d : info.devices) std::printf("  %-8s %s\n", d.id.c_str(), d.displayName.c_str());
    std::printf("BLAS:     %s%s%s\n", info.blas.library.c_str(), info.blas.path.empty() ? "" : "  ",
                info.blas.path.c_str());
    if (opt.benchmark) std::printf("Matmul:   %.1f GFLOP/s (512x512 float)\n", gflops);
    if (info.blas.slow) std::printf("Warning:  %s\n", info.blas.advice.c_str());
    return kExitOk;
}

}  // namespace

void addInfoCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<InfoOptions>();
    CLI::App* app = root.add_subcommand("info", "Show version, compute devices and the BLAS in use");
    app->add_flag("--json", opt->json, "Print one JSON object");
    app->add_flag("--benchmark", opt->benchmark, "Also measure matrix-product speed (about a second)");
    commands.push_back({app, [opt] { return runInfo(*opt); }});
}

}  // namespace pm::cli
