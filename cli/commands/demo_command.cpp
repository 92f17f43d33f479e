// `pianomuse-cli demo`: the whole pipeline on the bundled demo data, headless.
#include "command.h"

#include "pipeline/demo.h"

#include <cstdio>
#include <memory>

namespace pm::cli {

void addDemoCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<DemoOptions>();
    CLI::App* app = root.add_subcommand("demo", "Run the end-to-end pipeline on the bundled demo data");
    app->add_option("--device", opt->device, "Compute device: auto, cpu, cuda, cuda:N")->capture_default_str();
    app->add_option("--work-dir", opt->workDir, "Folder for the demo dataset and model (default: a temporary folder)");
    app->add_flag("!--no-benchmark", opt->measureBlas, "Skip the matrix-product speed check");
    commands.push_back({app, [opt] {
        const bool ok = runDemo(*opt, [](const DemoStageReport& r) {
            std::printf("[%-10s] %s %s\n", r.stage.c_str(), r.ok ? "ok  " : "FAIL", r.detail.c_str());
            std::fflush(stdout);
        });
        if (!ok) printError("demo: a stage failed (see above)");
        return ok ? int(kExitOk) : int(kExitFailed);
    }});
}

}  // namespace pm::cli
