// Building a dataset from dropped files and folders: scan, read and tokenize in parallel,
// report every file, split by piece, save atomically. Also extends an existing dataset,
// processing only files it does not already hold.
#pragma once

#include "dataset/dataset_format.h"
#include "midi/midi_file.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pm::dataset {

// What the tokenizer made of one file.
struct EncodedPiece {
    std::vector<std::uint16_t> tokens;
    std::vector<std::uint32_t> barOffsets;   // token index where each bar starts (increasing)
    std::uint64_t notes = 0, droppedNotes = 0;
    double pianoShare = 1.0;
    std::vector<std::string> warnings;       // e.g. "12 drum notes dropped"
    std::string rejection;                   // non-empty: the file has no usable music
};

// The tokenizer as the dataset sees it. `encode` is called from several threads at once.
struct PieceTokenizer {
    nlohmann::json config;                   // stored in the manifest
    std::uint32_t vocabSize = 0;
    std::function<EncodedPiece(const midi::MidiFile&)> encode;
};

struct BuildProgress {
    std::size_t done = 0, total = 0;         // files
    std::string currentFile;
    // The report of the file just finished, before duplicates across files are known (the final
    // manifest has the last word); lets a GUI fill its table while the build runs.
    const FileReport* finished = nullptr;
};

struct BuildRequest {
    std::vector<std::string> inputs;         // files and folders
    std::string outputDir;
    BuildOptions options;
    bool extendExisting = false;             // `dataset add`: keep what is there, process only new files
    int threads = 0;                         // 0 = hardware concurrency
};

struct BuildResult {
    bool ok = false;
    bool cancelled = false;
    std::string error;                       // one line when !ok && !cancelled
    Manifest manifest;                       // the report, also when the build failed later on
};

// Never throws for bad input. `cancel` is polled between files (each takes milliseconds), so a
// cancelled build returns within a second and leaves any existing dataset as it was.
BuildResult buildDataset(const BuildRequest& request, const PieceTokenizer& tokenizer,
                         const std::function<void(const BuildProgress&)>& progress = {},
                         const std::atomic<bool>* cancel = nullptr);

}  // namespace pm::dataset
