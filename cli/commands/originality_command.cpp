// `pianomuse-cli originality FILE.mid --data DATASET [--json] [--train-only] [--from-bar N]`:
// does a MIDI file (an export, a sample, anything) copy a piece of the dataset? Names the
// longest copied passage (source file, its bars, the file's bars, the transposition) and the
// share of the file's bars found verbatim in the dataset. The check is the engine's
// (engine/analysis/originality.h, the dataset's stored copy index); docs/originality.md.
#include "command.h"

#include "analysis/note_sequence_from_tokens.h"
#include "analysis/originality.h"
#include "dataset/copy_index.h"
#include "dataset/dataset_store.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace pm::cli {
namespace {

struct OriginalityOptions {
    std::string file;
    std::string data;
    bool json = false;
    bool trainOnly = false;
    int fromBar = 1;
};

int runOriginality(const OriginalityOptions& o) {
    dataset::DatasetContents data;
    if (std::string err = dataset::loadDataset(o.data, &data); !err.empty()) {
        printError(o.data + ": " + err);
        return kExitFailed;
    }
    // The file goes onto the dataset's own grid, through the dataset's own tokenizer.
    const tok::ConfigReadResult config = tok::configFromJson(data.manifest.tokenizer);
    if (!config.config) {
        printError(o.data + ": the dataset's tokenizer is not one this PianoMuse reads (" + config.error + ")");
        return kExitFailed;
    }
    const tok::Tokenizer tokenizer(*config.config);
    const analysis::MidiNoteSequence piece = analysis::noteSequenceFromMidiFile(o.file, tokenizer);
    if (!piece.sequence) {
        printError(piece.error);
        return kExitFailed;
    }
    dataset::CopyIndexOpened opened = dataset::openCopyIndex(data, o.trainOnly);
    if (!opened.index) {
        printError(o.data + ": " + opened.error);
        return kExitFailed;
    }
    if (!opened.note.empty()) std::fprintf(stderr, "pianomuse-cli: note: %s\n", opened.note.c_str());
    const analysis::OriginalityResult r = opened.index->check(*piece.sequence, o.fromBar - 1);

    if (o.json) {
        nlohmann::json j = analysis::toJson(r);
        j["file"] = o.file;
        j["dataset"] = o.data;
        j["pieces_checked"] = opened.index->includedPieces();
        j["bars_in_file"] = piece.sequence->bars();
        j["from_bar"] = o.fromBar;
        j["flagged"] = analysis::describeCopy(r).has_value();
        j["index_note"] = opened.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(opened.note);
        std::cout << j.dump(2) << "\n";
        return kExitOk;
    }
    std::printf("File:     %s (%zu notes, %zu bars)\n", o.file.c_str(), piece.sequence->notes.size(), piece.sequence->bars());
    std::printf("Dataset:  %s (checked against %s%zu pieces)\n", o.data.c_str(), o.trainOnly ? "its training " : "all ",
                opened.index->includedPieces());
    if (o.fromBar > 1) std::printf("From:     bar %d on\n", o.fromBar);
    if (r.longestCopy) {
        const analysis::CopiedPassage& c = *r.longestCopy;
        std::printf("Longest copied passage: %s (%zu bars, %zu notes)\n", analysis::describePassage(c).c_str(), c.bars, c.notes);
        std::printf("          source: %s\n", c.source.c_str());
    } else {
        std::printf("Longest copied passage: none (no %zu whole bars in a row match a dataset piece, in any key)\n",
                    analysis::OriginalityIndex::kMinCopyBars);
    }
    std::printf("Copied bars: %.1f%% (%zu of %zu bars with %zu or more notes occur verbatim in a dataset piece)\n",
                100.0 * r.copiedBarShare, r.barsCopied, r.barsChecked, analysis::OriginalityIndex::kMinBarNotes);
    if (analysis::describeCopy(r)) {
        const analysis::CopyFlagPolicy policy;
        std::printf("Warning:  the copy reaches the warning threshold (%zu bars or %zu notes)\n", policy.minBars, policy.minNotes);
    }
    return kExitOk;
}

}  // namespace

void addOriginalityCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<OriginalityOptions>();
    CLI::App* app = root.add_subcommand("originality", "Check whether a MIDI file copies a piece of a dataset (in any key)");
    app->add_option("FILE", opt->file, "A .mid, .midi, .kar or .rmi file")->required();
    app->add_option("--data", opt->data, "The dataset folder to check against")->required();
    app->add_flag("--json", opt->json,
                  "Print one JSON object: longest_copy {notes, bars, source, source_bars, file_bars, transposition} or null, "
                  "copied_bar_share, ...");
    app->add_flag("--train-only", opt->trainOnly, "Match only the dataset's training pieces (what a model trained on it saw)");
    app->add_option("--from-bar", opt->fromBar, "Check from this bar on (1-based), e.g. after a prompt taken from a real piece")
        ->check(CLI::Range(1, 1000000));
    commands.push_back({app, [opt] { return runOriginality(*opt); }});
}

}  // namespace pm::cli
