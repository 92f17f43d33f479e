// `pianomuse-cli demo`: the whole pipeline on the bundled demo data, headless: a dataset from the
// demo pieces, a tiny model trained for a few minutes, a continuation of a demo prompt written
// as .mid (and .wav when a soundfont exists), played when asked (--play).
#include "command.h"
#include "progress_printer.h"

#include "pipeline/demo.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace pm::cli {

namespace {
std::atomic<bool> g_demoStop{false};
std::atomic<int> g_demoInterrupts{0};
extern "C" void onDemoInterrupt(int) {
    if (g_demoInterrupts.fetch_add(1) >= 1) std::_Exit(130);   // a second Ctrl+C: leave now
    g_demoStop.store(true);
}
}  // namespace

void addDemoCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<DemoOptions>();
    CLI::App* app = root.add_subcommand("demo", "Run the end-to-end pipeline on the bundled demo data");
    app->add_option("--device", opt->device, "Compute device: auto, cpu, cuda, cuda:N")
        ->check(deviceSpecValidator())
        ->capture_default_str();
    app->add_option("--work-dir", opt->workDir, "Folder for the demo dataset, model and music (default: a temporary folder)");
    app->add_flag("!--no-benchmark", opt->measureBlas, "Skip the matrix-product speed check");
    app->add_option("--train-steps", opt->trainSteps, "Training steps at most")->check(CLI::Range(1, 1000000))->capture_default_str();
    app->add_option("--train-minutes", opt->trainMinutes, "Training time at most, in minutes (0: no limit)")
        ->check(CLI::Range(0.0, 10000.0))->capture_default_str();
    app->add_option("--prompt-bars", opt->promptBars, "Bars of the demo piece to keep as the prompt")
        ->check(CLI::Range(0, 1000))->capture_default_str();
    app->add_option("--bars", opt->generateBars, "Bars to generate")->check(CLI::Range(1, 1000))->capture_default_str();
    app->add_option("--seed", opt->seed, "Random seed for training and sampling")->capture_default_str();
    app->add_option("-o,--output", opt->output, "The generated .mid (default: WORK_DIR/demo-continuation.mid)");
    app->add_flag("!--no-wav", opt->renderWav, "Do not render a .wav next to the .mid");
    app->add_option("--soundfont", opt->soundFont, "Soundfont for the .wav and the built-in piano");
    app->add_flag("--play", opt->play, "Play the result at the end (built-in piano unless --port)");
    app->add_option("--port", opt->port, "MIDI output port for --play");
    commands.push_back({app, [opt] {
        // One progress line per long stage, made when the stage starts (its clock starts then).
        std::unique_ptr<ProgressPrinter> progress;
        std::string progressStage;
        g_demoStop = false;
        g_demoInterrupts = 0;
        opt->cancel = &g_demoStop;
        auto previous = std::signal(SIGINT, onDemoInterrupt);
        DemoResult result;
        const bool ok = runDemo(
            *opt,
            [&](const DemoStageReport& r) {
                if (r.progress) {
                    if (!progress || progressStage != r.stage) {
                        progress = std::make_unique<ProgressPrinter>(r.stage);
                        progressStage = r.stage;
                    }
                    progress->update(r.done, r.total, r.detail);
                    return;
                }
                if (progress) progress->finish();
                progress.reset();
                std::printf("[%-10s] %s %s\n", r.stage.c_str(), r.ok ? "ok  " : "FAIL", r.detail.c_str());
                std::fflush(stdout);
            },
            &result);
        std::signal(SIGINT, previous);
        opt->cancel = nullptr;
        if (!ok) {
            printError(g_demoStop.load() ? "demo: interrupted" : "demo: a stage failed (see above)");
            return int(kExitFailed);
        }
        std::printf("Demo finished in %.0f s: listen to %s\n", result.totalSeconds,
                    (result.wavPath.empty() ? result.midiPath : result.wavPath).c_str());
        return int(kExitOk);
    }});
}

}  // namespace pm::cli
