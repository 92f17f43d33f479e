// Engine value structs that travel through queued signals. Registered once so Qt can copy
// them across threads; the GUI only ever sees these plain structs, never tensors.
#pragma once

#include "analysis/originality.h"
#include "core/system_info.h"
#include "dataset/dataset_builder.h"
#include "dataset/note_preview.h"
#include "playback/midi_ports.h"
#include "generate/generation_options.h"
#include "generate/sampler.h"
#include "midi/midi_file.h"
#include "pipeline/demo.h"
#include "playback/midi_input.h"
#include "playback/midi_output.h"
#include "report/model_report.h"
#include "tokenizer/streaming_decoder.h"
#include "train/train_plan.h"
#include "train/trainer.h"

#include <QMetaType>

#include <memory>
#include <optional>
#include <string>
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
    // The dataset the app has open ("" = none): each continuation is checked against its training
    // pieces for copied passages (engine/analysis/originality.h) on the generation lane.
    std::string copyCheckDataset;
    // "Regenerate these bars" (engine/generate/infill.h): bars infillFirstBar..infillLastBar
    // (from 1) of the current piece's `continueVariation` are written anew, the rest kept;
    // 0 = a generation or continuation as above.
    int infillFirstBar = 0, infillLastBar = 0;
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
    // The continuation's longest passage copied from a training piece, set only when the engine's
    // flag policy (pm::analysis::describeCopy) says it is worth a warning.
    std::optional<pm::analysis::CopiedPassage> copy;
    double copiedBarShare = 0;           // of the continuation's bars, found verbatim in training
    double generatedEndSeconds = 0;      // regenerated bars: the new music is [promptSeconds, this); 0 = to the end
    std::vector<double> barStarts;       // seconds where each bar starts (selections become bars with it)
};

struct GenerationOutcome {
    bool ok = false;
    bool cancelled = false;
    bool undo = false;                   // the result of an undo, not a new generation
    int infillFirstBar = 0, infillLastBar = 0;   // the bars regenerated (0: not a regeneration)
    std::string error;
    std::vector<GeneratedPiece> pieces;  // one per variation
    bool canUndo = false;
    bool copyChecked = false;            // the pieces were checked against copyCheckDataset
    std::string copyCheckNote;           // why they were not, or what the check had to do first
};

// A model report on the report lane (engine/report/model_report.h); the report itself is shared,
// not copied, on its way to the GUI thread (it holds every sample's notes).
struct ReportOutcome {
    bool ok = false;
    bool cancelled = false;
    std::string error;                   // one line when neither ok nor cancelled
    std::shared_ptr<const pm::report::ModelReport> report;
};

// The MIDI inputs the jam can play from (the queries lane lists them, engine/playback/midi_ports.h),
// and whether PianoMuse's own virtual ports "PianoMuse in"/"PianoMuse out" can be made here.
struct MidiInputChoices {
    pm::MidiPortList inputs;
    std::string virtualUnavailable;   // "" = the virtual ports can be made (virtualMidiPortsUnavailable())
};

// What the Jam page asks for (one session on the jam lane; engine/generate/jam_session.h).
struct JamJob {
    std::string modelPath;
    std::string input;            // as the input list names it (openLiveInput); ignored with virtualInput
    std::string output;           // "" the built-in piano, else an output port (openLiveOutput)
    bool virtualInput = false;    // play from "PianoMuse in"
    bool virtualOutput = false;   // answer into "PianoMuse out"
    std::string trigger = "silence:500ms";   // pm::jam::parseTrigger's text
    double bpm = 120;
    int metreNumerator = 4, metreDenominator = 4;
    int replyBars = 2;
    double replyOffsetSeconds = 0.06;
    std::uint64_t seed = 1;
    double temperature = 1.0;
    // Tests: devices to use instead of opening ports (a FakeMidiInput the test plays into, a
    // recording output). Used from the jam lane only while the session runs.
    std::shared_ptr<pm::play::MidiInput> inputDevice;
    std::shared_ptr<pm::play::MidiOutput> outputDevice;
};

// The session has begun: ports open, model loaded. `clockStart` is the steady clock's second
// (SteadyPlaybackClock, the MIDI stamps' time base) that the notes' times count from.
struct JamStarted {
    std::string input, output, step;
    double clockStart = 0;
};

// A note event of the jam as it happens; times in seconds since JamStarted::clockStart.
struct JamNote {
    double t = 0;
    int pitch = 0;
    int velocity = 0;   // 0 = released
    bool model = false;
    int reply = 0;      // the model's: which answer it belongs to (JamEvent::reply)
};
using JamNoteBatch = std::vector<JamNote>;

struct JamEvent {
    enum class Kind : std::uint8_t {
        Handover,        // the model answers: reply = this answer's number
        ReplyEnded,      // it finished, or the player interrupted it
        Undone,          // the answer `reply` was taken back
        AnsweredAgain,   // the answer `reply` was replaced (a Handover with the new one follows)
        Refused,         // undo / answer again could not act (message says why)
        InputLost,       // the session ended: the input went away (message)
        OutputFailed,    // the session ended: the output stopped taking notes (message)
    };
    Kind kind = Kind::Handover;
    double t = 0;
    int reply = 0;
    std::string message;
};

// The whole jam so far (player and model on two tracks), for Export while it runs.
struct JamRecording {
    pm::midi::MidiFile file;
};

struct JamOutcome {
    bool ok = false;              // it ran (ended by Stop, a lost input or a failed output)
    std::string error;            // why it could not start, or why it ended early
    pm::midi::MidiFile recording; // the recording, whatever ended it
    bool hasRecording = false;
    int handovers = 0, replies = 0, interrupted = 0;
    double medianLatency = 0;     // handover -> first reply note, as scheduled (seconds)
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
Q_DECLARE_METATYPE(pm::app::MidiInputChoices)
Q_DECLARE_METATYPE(pm::app::JamJob)
Q_DECLARE_METATYPE(pm::app::JamStarted)
Q_DECLARE_METATYPE(pm::app::JamNoteBatch)
Q_DECLARE_METATYPE(pm::app::JamEvent)
Q_DECLARE_METATYPE(pm::app::JamRecording)
Q_DECLARE_METATYPE(pm::app::JamOutcome)
Q_DECLARE_METATYPE(pm::report::ReportRequest)
Q_DECLARE_METATYPE(pm::report::ReportProgress)
Q_DECLARE_METATYPE(pm::app::ReportOutcome)

namespace pm::app {
void registerEngineTypes();
}
