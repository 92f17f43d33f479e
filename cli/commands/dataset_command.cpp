// `pianomuse-cli dataset build|add|info`: MIDI files and folders → a training dataset.
#include "command.h"
#include "progress_printer.h"

#include "dataset/dataset_builder.h"
#include "dataset/dataset_store.h"
#include "dataset/piece_tokenizer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace pm::cli {
namespace {

struct DatasetOptions {
    std::vector<std::string> inputs;
    std::string dir;
    double valFraction = 0.1;
    std::uint64_t seed = 1;
    std::string transpose = "0..0";
    std::string tempoStretch = "1..1";
    std::vector<std::string> heldOut;
    std::string jsonReport;
    bool json = false;
    int threads = 0;
};

// "LO..HI" (or one number, meaning LO = HI).
bool parseRange(const std::string& text, double* lo, double* hi) {
    const auto dots = text.find("..");
    try {
        std::size_t used = 0;
        if (dots == std::string::npos) {
            *lo = *hi = std::stod(text, &used);
            return used == text.size();
        }
        const std::string a = text.substr(0, dots), b = text.substr(dots + 2);
        *lo = std::stod(a, &used);
        if (used != a.size()) return false;
        *hi = std::stod(b, &used);
        return used == b.size() && *lo <= *hi;
    } catch (const std::exception&) {
        return false;
    }
}

CLI::Validator rangeValidator(double min, double max, bool integers) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            double lo, hi;
            if (!parseRange(text, &lo, &hi)) return "expected LO..HI with LO <= HI, got '" + text + "'";
            if (lo < min || hi > max) return "range must lie within " + std::to_string(int(min)) + ".." + std::to_string(int(max));
            if (integers && (lo != std::floor(lo) || hi != std::floor(hi))) return "expected whole semitones";
            return {};
        },
        "LO..HI");
}

nlohmann::json fileJson(const dataset::FileReport& f) {
    return {{"path", f.path},
            {"status", dataset::fileStatusName(f.status)},
            {"reason", f.reason},
            {"warnings", f.warnings},
            {"duration_seconds", f.durationSeconds},
            {"notes", f.notes},
            {"dropped_notes", f.droppedNotes},
            {"tokens", f.tokens},
            {"piano_share", f.pianoShare},
            {"split", f.piece >= 0 ? nlohmann::json(dataset::splitName(f.split)) : nlohmann::json(nullptr)}};
}

nlohmann::json reportJson(const dataset::Manifest& m, bool ok, const std::string& error) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : m.files) files.push_back(fileJson(f));
    return {{"ok", ok},
            {"error", error},
            {"stats",
             {{"files", m.stats.files},
              {"pieces", m.stats.pieces},
              {"train_pieces", m.stats.trainPieces},
              {"validation_pieces", m.stats.validationPieces},
              {"rejected", m.stats.rejected},
              {"repaired", m.stats.repaired},
              {"duplicates", m.stats.duplicates},
              {"notes", m.stats.notes},
              {"tokens", m.stats.tokens},
              {"hours", m.stats.seconds / 3600.0}}},
            {"files", files}};
}

void printSummary(const dataset::Manifest& m) {
    std::printf("%llu file(s): %llu piece(s) (%llu train, %llu validation), %llu repaired, %llu rejected, %llu duplicate(s)\n",
                (unsigned long long)m.stats.files, (unsigned long long)m.stats.pieces,
                (unsigned long long)m.stats.trainPieces, (unsigned long long)m.stats.validationPieces,
                (unsigned long long)m.stats.repaired, (unsigned long long)m.stats.rejected,
                (unsigned long long)m.stats.duplicates);
    std::printf("%.2f hours of music, %llu notes, %llu tokens\n", m.stats.seconds / 3600.0,
                (unsigned long long)m.stats.notes, (unsigned long long)m.stats.tokens);
    const auto& a = m.options.augmentation;
    std::printf("augmentation: transpose %d..%d semitones, tempo x%.3g..%.3g\n", a.transposeMin, a.transposeMax,
                a.tempoStretchMin, a.tempoStretchMax);
}

void printProblems(const dataset::Manifest& m) {
    for (const auto& f : m.files)
        if (f.status == dataset::FileStatus::Rejected || f.status == dataset::FileStatus::Duplicate)
            std::printf("  %-9s %s: %s\n", dataset::fileStatusName(f.status), f.path.c_str(), f.reason.c_str());
}

int runBuild(const DatasetOptions& o, bool extend) {
    dataset::BuildRequest req;
    req.inputs = o.inputs;
    req.outputDir = o.dir;
    req.extendExisting = extend;
    req.threads = o.threads;
    req.options.validationFraction = o.valFraction;
    req.options.seed = o.seed;
    req.options.heldOut = o.heldOut;
    double lo, hi;
    parseRange(o.transpose, &lo, &hi);
    req.options.augmentation.transposeMin = int(lo);
    req.options.augmentation.transposeMax = int(hi);
    parseRange(o.tempoStretch, &lo, &hi);
    req.options.augmentation.tempoStretchMin = lo;
    req.options.augmentation.tempoStretchMax = hi;

    const auto tokenizer = dataset::makePieceTokenizer(std::make_shared<tok::Tokenizer>());
    ProgressPrinter progress(extend ? "adding" : "building");
    const dataset::BuildResult r = dataset::buildDataset(req, tokenizer, [&](const dataset::BuildProgress& p) {
        progress.update(p.done, p.total, p.currentFile);
    });
    progress.finish();
    if (!o.jsonReport.empty()) {
        std::ofstream out(o.jsonReport);
        out << reportJson(r.manifest, r.ok, r.error).dump(2) << "\n";
        if (!out) {
            printError("cannot write the report to " + o.jsonReport);
            return kExitFailed;
        }
    }
    if (!r.ok) {
        printProblems(r.manifest);
        printError("dataset " + std::string(extend ? "add" : "build") + ": " + r.error);
        return kExitFailed;
    }
    printSummary(r.manifest);
    printProblems(r.manifest);
    std::printf("dataset written to %s\n", o.dir.c_str());
    return kExitOk;
}

int runInfo(const DatasetOptions& o) {
    dataset::Manifest m;
    if (std::string err = dataset::loadManifest(o.dir, &m); !err.empty()) {
        printError("dataset info: " + err);
        return kExitFailed;
    }
    if (o.json) {
        nlohmann::json j = reportJson(m, true, "");
        j["created"] = m.created;
        j["format_version"] = m.formatVersion;
        j["tokenizer"] = m.tokenizer;
        j["vocab_size"] = m.vocabSize;
        j["options"] = dataset::manifestToJson(m)["options"];
        std::cout << j.dump(2) << "\n";
        return kExitOk;
    }
    std::printf("dataset %s (format %d, created %s, vocabulary %u tokens)\n", o.dir.c_str(), m.formatVersion,
                m.created.c_str(), m.vocabSize);
    printSummary(m);
    printProblems(m);
    return kExitOk;
}

}  // namespace

void addDatasetCommand(CLI::App& root, CommandList& commands) {
    CLI::App* dataset = root.add_subcommand("dataset", "Build, extend and inspect training datasets");
    dataset->require_subcommand(1);

    auto build = std::make_shared<DatasetOptions>();
    CLI::App* b = dataset->add_subcommand("build", "Build a dataset from MIDI files and folders");
    b->add_option("inputs", build->inputs, "MIDI files and folders (searched recursively)")->required();
    b->add_option("-o,--output", build->dir, "Dataset folder to create or replace")->required();
    b->add_option("--val-fraction", build->valFraction, "Fraction of pieces held out for validation")
        ->check(CLI::Range(0.0, 0.9))->capture_default_str();
    b->add_option("--seed", build->seed, "Seed of the train/validation split")->capture_default_str();
    b->add_option("--held-out", build->heldOut, "Files to put into validation (repeatable)");
    b->add_option("--transpose", build->transpose, "Transposition range at training time, semitones (e.g. --transpose=-5..6)")
        ->check(rangeValidator(-24, 24, true))->capture_default_str();
    b->add_option("--tempo-stretch", build->tempoStretch, "Tempo stretch range at training time (e.g. 0.95..1.05)")
        ->check(rangeValidator(0.5, 2.0, false))->capture_default_str();
    b->add_option("--json-report", build->jsonReport, "Write the per-file report as JSON");
    b->add_option("--threads", build->threads, "Worker threads (0 = all cores)")->check(CLI::Range(0, 256));
    commands.push_back({b, [build] { return runBuild(*build, false); }});

    auto add = std::make_shared<DatasetOptions>();
    CLI::App* a = dataset->add_subcommand("add", "Add files to an existing dataset (only new files are processed)");
    a->add_option("dir", add->dir, "Dataset folder")->required();
    a->add_option("inputs", add->inputs, "MIDI files and folders")->required();
    a->add_option("--json-report", add->jsonReport, "Write the per-file report as JSON");
    a->add_option("--threads", add->threads, "Worker threads (0 = all cores)")->check(CLI::Range(0, 256));
    commands.push_back({a, [add] { return runBuild(*add, true); }});

    auto info = std::make_shared<DatasetOptions>();
    CLI::App* i = dataset->add_subcommand("info", "Describe a dataset");
    i->add_option("dir", info->dir, "Dataset folder")->required();
    i->add_flag("--json", info->json, "Print one JSON object");
    commands.push_back({i, [info] { return runInfo(*info); }});
}

}  // namespace pm::cli
