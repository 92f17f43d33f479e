// The model report (issue 18): what fine-tuning did, in numbers a musician can read.
//
// For one model (or two: base and fine-tuned) on one dataset it measures
//   - bits per note on the dataset's validation pieces (the eval command's numbers),
//   - N continuations of validation prompts, and the music metrics of those continuations
//     against the validation pieces' own continuations of the same prompts (engine/analysis),
//   - the originality of every continuation against the training pieces (longest copied passage,
//     share of copied bars).
// The same seed gives both models the same prompts and the same sampling seeds, so the
// difference between their columns is the weights' doing. `pianomuse-cli report` and the app's
// Report view both call buildReport; neither re-implements any part of it.
#pragma once

#include "analysis/music_features.h"
#include "analysis/originality.h"
#include "analysis/set_comparison.h"

#include "midi/midi_file.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pm::report {

struct ReportRequest {
    std::string modelA;              // required
    std::string modelB;              // optional: compared against A ("" = A alone)
    std::string dataset;             // dataset directory
    int samples = 8;                 // continuations per model (1..256)
    std::uint64_t seed = 1;          // chooses the prompts and seeds the sampling
    int promptBars = 4;              // bars of a validation piece given as the prompt
    int continuationBars = 8;        // bars the model writes (and of the true continuation compared)
    double temperature = 1.0;
    double topP = 0.95;
    std::int64_t maxEvalWindows = 0; // validation windows scored for bits/note (0 = all)
};

// One prompt taken from a validation piece, and what really followed it there.
struct ReportPrompt {
    std::string source;              // the piece's file (the dataset manifest's path)
    int firstBar = 0;                // 1-based bar of the piece where the prompt starts
    std::vector<std::uint16_t> promptTokens;
    pm::midi::MidiFile truth;        // prompt + the piece's own continuation, decoded
    pm::analysis::PieceFeatures truthFeatures;   // of the continuation bars only
};

struct ReportSample {
    int prompt = 0;                  // index into ModelReport::prompts
    std::vector<std::uint16_t> tokens;           // prompt + continuation
    pm::midi::MidiFile file;                     // the same, decoded (what Play plays)
    pm::analysis::PieceFeatures features;        // of the continuation bars only
    pm::analysis::OriginalityResult originality; // of the continuation against the training pieces
    std::string copyWarning;                     // "" or "bars 5–8 copy X.mid bars 12–15" (flag policy in originality.h)
};

struct ModelSection {
    std::string path;
    std::string label;               // "A" / "B", or the file's stem
    double valLoss = 0, bitsPerNote = 0, unigramBitsPerNote = 0;
    std::int64_t valNotes = 0;
    std::vector<ReportSample> samples;
    pm::analysis::SetComparison comparison;   // samples' features vs the true continuations'
    std::size_t flaggedCopies = 0;            // samples with a copyWarning
    double meanCopiedBarShare = 0;
};

struct ModelReport {
    ReportRequest request;
    std::string created;                      // ISO 8601 UTC
    std::size_t validationPieces = 0, trainingPieces = 0;
    std::vector<ReportPrompt> prompts;
    std::vector<ModelSection> models;         // A, then B when asked for
    std::vector<std::string> notes;           // what the reader should know ("the index was built on the fly", ...)
    double seconds = 0;
};

struct ReportProgress {
    std::string stage;               // "Scoring A", "Generating with B", ...
    int done = 0, total = 0;         // within the stage
};
using ReportProgressCallback = std::function<void(const ReportProgress&)>;

// Throws std::runtime_error with a one-line message a user can act on (a missing or corrupt
// file, a model whose tokenizer is not the dataset's, no validation piece long enough for the
// prompt and its continuation, ...). `cancel` is read between samples; a cancelled report
// throws ReportCancelled.
struct ReportCancelled : std::runtime_error {
    ReportCancelled() : std::runtime_error("the report was cancelled") {}
};
ModelReport buildReport(const ReportRequest& request, const ReportProgressCallback& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

nlohmann::json toJson(const ModelReport& report);
// The readable summary `pianomuse-cli report` prints: bits/note, the feature table (each model's
// distance to the true continuations), the originality lines.
std::string summaryText(const ModelReport& report);

}  // namespace pm::report
