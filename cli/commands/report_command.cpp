// `pianomuse-cli report`: what fine-tuning did — bits/note, continuation metrics against the
// validation pieces' own continuations, and originality — for one model or two side by side.
// All of it is pm::report::buildReport; this file only parses, prints and writes.
#include "command.h"

#include "report/model_report.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace pm::cli {
namespace {

struct ReportOptions {
    report::ReportRequest request;
    std::string json;   // file, or "-" for stdout
    bool quiet = false;
};

int runReport(const ReportOptions& o) {
    try {
        const bool jsonToStdout = o.json == "-";
        report::ReportProgress last;
        auto progress = [&](const report::ReportProgress& p) {
            if (o.quiet || jsonToStdout) return;
            // One line per stage, and one per sample while generating (those take seconds each).
            if (p.stage == last.stage && p.total <= 1) return;
            if (p.total > 1)
                std::fprintf(stderr, "%s %d/%d\n", p.stage.c_str(), p.done, p.total);
            else
                std::fprintf(stderr, "%s\n", p.stage.c_str());
            last = p;
        };
        const report::ModelReport r = report::buildReport(o.request, progress);
        if (!o.json.empty()) {
            const std::string text = report::toJson(r).dump(2) + "\n";
            if (jsonToStdout) {
                std::cout << text;
            } else {
                std::ofstream f(o.json, std::ios::binary);
                if (!(f << text) || !(f.flush())) {
                    printError("report: cannot write '" + o.json + "'");
                    return kExitFailed;
                }
            }
        }
        if (!jsonToStdout) std::cout << report::summaryText(r);
        return kExitOk;
    } catch (const std::exception& e) {
        printError("report: " + std::string(e.what()));
        return kExitFailed;
    }
}

}  // namespace

void addReportCommand(CLI::App& root, CommandList& commands) {
    auto o = std::make_shared<ReportOptions>();
    report::ReportRequest& r = o->request;
    CLI::App* app = root.add_subcommand(
        "report", "What fine-tuning did: bits/note, the music of continuations of validation prompts against the "
                  "pieces' own continuations, and whether they copy training pieces (one model, or two compared)");
    app->add_option("--model", r.modelA, "Model to report on (e.g. the fine-tuned one)")->required()->check(CLI::ExistingFile);
    app->add_option("--compare", r.modelB, "A second model beside it (e.g. the base model)")->check(CLI::ExistingFile);
    app->add_option("--data,--dataset", r.dataset, "Dataset directory (its validation pieces give the prompts)")
        ->required()
        ->check(CLI::ExistingDirectory);
    app->add_option("--samples", r.samples, "Continuations per model")->check(CLI::Range(1, 256))->capture_default_str();
    app->add_option("--seed", r.seed, "Chooses the prompts and seeds sampling (the same for both models)")->capture_default_str();
    app->add_option("--prompt-bars", r.promptBars, "Bars of each validation piece given as the prompt")
        ->check(CLI::Range(1, 64))->capture_default_str();
    app->add_option("--bars", r.continuationBars, "Bars each model writes (and of the true continuation compared)")
        ->check(CLI::Range(1, 64))->capture_default_str();
    app->add_option("--temperature", r.temperature, "Sampling temperature")->check(CLI::Range(0.0, 10.0))->capture_default_str();
    app->add_option("--top-p", r.topP, "Nucleus sampling mass")->check(CLI::Range(0.01, 1.0))->capture_default_str();
    app->add_option("--max-eval-windows", r.maxEvalWindows, "Validation windows scored for bits/note (0 = all)")
        ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40))->capture_default_str();
    app->add_option("--json", o->json, "Also write the whole report as JSON to FILE ('-': JSON only, on stdout)");
    app->add_flag("-q,--quiet", o->quiet, "No progress lines on stderr");
    commands.push_back({app, [o] { return runReport(*o); }});
}

}  // namespace pm::cli
