// Engine value structs that travel through queued signals. Registered once so Qt can copy
// them across threads; the GUI only ever sees these plain structs, never tensors.
#pragma once

#include "core/system_info.h"
#include "dataset/dataset_builder.h"
#include "dataset/note_preview.h"
#include "playback/midi_ports.h"
#include "generate/generation_options.h"
#include "generate/sampler.h"
#include "midi/midi_file.h"
#include "pipeline/demo.h"
#include "tokenizer/streaming_decoder.h"
#include "train/train_plan.h"
#include "train/trainer.h"

#include <QMetaType>

#include <vector>

namespace pm::app {
using FileReportBatch = std::vector<pm::dataset::FileReport>;

// A finished (or failed) dataset build as the GUI sees it.
struct DatasetBuildOutcome {
    bool ok = false;
    bool cancelled = false;
    std::string error;
    std::string directory;
    pm::dataset::Manifest manifest;
};

// What the Generate page asks for: a new piece (from a prompt file or from nothing) or a
// continuation of the current one.
struct GenerateJob {
    std::string modelPath;
    std::string promptPath;              // empty: start from metre + tempo
    double promptBars = 4;
    int metreNumerator = 4, metreDenominator = 4;
    double tempoBpm = 120;
    pm::gen::GenerationLength length;
    pm::gen::SamplingOptions sampling;
    int variations = 1;
    bool continueCurrent = false;        // continue the current piece instead of a new one
    int continueVariation = 0;           // which variation of the last step to go on from
};

// Notes decoded while generating (batched), for the piano roll and live playback.
struct GenerationChunk {
    int variation = 0;
    bool prompt = false;                 // the prompt's (or the continued piece's) own notes
    std::vector<pm::tok::DecodedEvent> events;
    std::size_t generatedTokens = 0;
};

struct GeneratedPiece {
    pm::midi::MidiFile file;
    double promptSeconds = 0;
    std::size_t generatedTokens = 0, generatedBars = 0, generatedNotes = 0;
    double tokensPerSecond = 0;
    std::uint64_t seed = 0;
    bool endedByModel = false;
    bool cancelled = false;
};

struct GenerationOutcome {
    bool ok = false;
    bool cancelled = false;
    bool undo = false;                   // the result of an undo, not a new generation
    std::string error;
    std::vector<GeneratedPiece> pieces;  // one per variation
    bool canUndo = false;
};
}  // namespace pm::app

Q_DECLARE_METATYPE(pm::SystemInfo)
Q_DECLARE_METATYPE(pm::MidiPortList)
Q_DECLARE_METATYPE(pm::dataset::BuildRequest)
Q_DECLARE_METATYPE(pm::app::FileReportBatch)
Q_DECLARE_METATYPE(pm::app::DatasetBuildOutcome)
Q_DECLARE_METATYPE(pm::dataset::NotePreview)
Q_DECLARE_METATYPE(pm::app::GenerateJob)
Q_DECLARE_METATYPE(pm::app::GenerationChunk)
Q_DECLARE_METATYPE(pm::app::GenerationOutcome)
Q_DECLARE_METATYPE(pm::train::TrainEvent)
Q_DECLARE_METATYPE(pm::train::TrainResult)
Q_DECLARE_METATYPE(pm::train::TrainPlan)
Q_DECLARE_METATYPE(pm::DemoStageReport)
Q_DECLARE_METATYPE(pm::DemoResult)

namespace pm::app {
void registerEngineTypes();
}
