// `pianomuse-cli demo`: the end-to-end pipeline on the bundled demo data, headless.
// Each stage reports through a callback so the CLI prints it and tests can inspect it.
#pragma once

#include <functional>
#include <string>

namespace pm {

struct DemoStageReport {
    std::string stage;     // "system", "midi-ports", ...
    bool ok = true;
    std::string detail;    // one line for the user
};

struct DemoOptions {
    std::string device = "auto";
    bool measureBlas = true;   // run the short matrix-product benchmark
    std::string workDir;       // where the demo writes its dataset (and later model); "" = a temp folder
};

// Runs every stage this build has; returns false if any stage failed.
bool runDemo(const DemoOptions& options, const std::function<void(const DemoStageReport&)>& report);

}  // namespace pm
