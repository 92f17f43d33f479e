// The engine's home in the GUI process: one EngineWorker per lane (engine_jobs.h), each living
// on its lane's QThread. EngineController posts jobs as queued calls to runJob(); results leave
// as signals carrying plain structs. Every job polls its own cancel token, which the GUI thread
// sets directly: a queued "cancel" would wait behind the job it is meant to stop.
#pragma once

#include "worker/engine_jobs.h"
#include "worker/engine_types.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

namespace pm::gen {
class JamResponder;
}

namespace pm::app {

// A running jam session's link between the GUI thread and the jam lane (engine_worker_jam.cpp):
// the window's hand-over key and the requests the session's loop carries out on its own thread.
struct JamControl;
std::shared_ptr<JamControl> makeJamControl();
// Any thread. The session hands over at its next iteration (~1 ms).
void handOverJam(JamControl& control);
// Any thread: what the loop does for the GUI at its next iteration. Undo takes the last answer
// back, AnswerAgain replaces it with one of the next seed, Recording sends the jam so far
// (jamRecording). Outcomes arrive as jamEvent (Undone, AnsweredAgain or Refused).
enum class JamCommand : std::uint8_t { Undo, AnswerAgain, Recording };
void postJamCommand(JamControl& control, JamCommand command);

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(QObject* parent = nullptr);

    // A job body runs on this worker's thread; it returns how the job ended and may set a one-line message.
    using Body = std::function<JobEnd(EngineWorker& worker, JobContext& job, QString* message)>;
    // Called instead of the body when the job was cancelled while it waited: it sends the job's
    // own "finished" signal (marked cancelled) so whoever waits for it is not left hanging.
    using Skipped = std::function<void(EngineWorker& worker, const JobContext& job)>;
    // Runs one job: jobStarted, the body (or `skipped`), jobFinished. Never throws.
    void runJob(const std::shared_ptr<JobContext>& job, const Body& body, const Skipped& skipped);

    // --- Job bodies (run on this worker's thread) ----------------------------------------------
    JobEnd querySystemInfo(JobContext& job, QString* message);
    JobEnd listMidiPorts(JobContext& job, QString* message);
    // Measures matrix-product speed for up to `millis` ms (cancellable within ~0.2 s).
    JobEnd measureBlas(JobContext& job, int millis, QString* message);
    // Builds (or extends) a dataset; rows stream out in batches while it runs.
    JobEnd buildDataset(JobContext& job, const pm::dataset::BuildRequest& request, QString* message);
    JobEnd openDataset(JobContext& job, const QString& directory, QString* message);
    // Reads one MIDI file's notes for the piano-roll preview.
    JobEnd previewFile(JobContext& job, const QString& path, QString* message);
    // Generates (or continues) music; notes stream out as generationChunk while it runs
    // (engine_worker_generation.cpp).
    JobEnd generate(JobContext& job, const pm::app::GenerateJob& request, QString* message);
    // Goes back to the piece before the last continuation.
    JobEnd undoGeneration(JobContext& job, QString* message);
    // Trains (engine_worker_training.cpp); progress as trainingEvent. `control` is shared with the
    // GUI thread (pause, export now, threads); the job's cancel token stops the run (it checkpoints).
    JobEnd train(JobContext& job, const pm::train::TrainConfig& config, const std::shared_ptr<pm::train::TrainControl>& control,
                 QString* message);
    // The throughput probe and plan for a run that has no step count yet (the Train page shows it before Start).
    JobEnd planTraining(JobContext& job, const pm::train::TrainConfig& config, QString* message);
    // The end-to-end demo (engine_worker_demo.cpp): dataset, training, generation.
    JobEnd runDemo(JobContext& job, pm::DemoOptions options, QString* message);
    // The MIDI inputs and whether the virtual ports can be made (midiInputPortsReady).
    JobEnd listMidiInputPorts(JobContext& job, QString* message);
    // A jam session (engine_worker_jam.cpp): opens the ports, loads the model (kept for the next
    // session), then runs the engine's session loop on this thread until the job's cancel token
    // (Stop), a lost input or a failed output. Notes stream out as jamNotes (batched, at most
    // every 15 ms), everything else as jamEvent; jamFinished carries the recording.
    JobEnd jam(JobContext& job, const pm::app::JamJob& request, const std::shared_ptr<JamControl>& control, QString* message);
    // A model report (engine_worker_report.cpp): pm::report::buildReport with the job's cancel
    // token; its stages arrive as reportProgress, the report as reportFinished.
    JobEnd makeReport(JobContext& job, const pm::report::ReportRequest& request, QString* message);

signals:
    void jobStarted(const pm::app::JobInfo& job);
    void jobFinished(const pm::app::JobInfo& job, pm::app::JobEnd end, const QString& message);

    void systemInfoReady(const pm::SystemInfo& info);
    void midiPortsReady(const pm::MidiPortList& ports);
    void blasMeasured(double gflops);
    void datasetProgress(int done, int total, const QString& currentFile);
    void datasetRows(const pm::app::FileReportBatch& rows);
    void datasetFinished(const pm::app::DatasetBuildOutcome& outcome);
    void previewReady(const pm::dataset::NotePreview& preview);
    void generationChunk(const pm::app::GenerationChunk& chunk);
    void generationFinished(const pm::app::GenerationOutcome& outcome);
    void trainingEvent(const pm::train::TrainEvent& event);
    void trainingFinished(const pm::train::TrainResult& result);
    void trainingPlanned(pm::app::JobId job, const pm::train::TrainPlan& plan);
    void demoStage(const pm::DemoStageReport& report);
    void demoFinished(const pm::DemoResult& result);
    void midiInputPortsReady(const pm::app::MidiInputChoices& choices);
    void jamStarted(const pm::app::JamStarted& started);
    void jamNotes(const pm::app::JamNoteBatch& notes);
    void jamEvent(const pm::app::JamEvent& event);
    void jamRecording(const pm::app::JamRecording& recording);
    void jamFinished(const pm::app::JamOutcome& outcome);
    void reportProgress(pm::app::JobId job, const pm::report::ReportProgress& progress);
    void reportFinished(pm::app::JobId job, const pm::app::ReportOutcome& outcome);

private:
    std::shared_ptr<struct GenerationState> m_generation;   // model + continue/undo chain (engine_worker_generation.cpp)
    std::shared_ptr<struct JamModel> m_jamModel;            // the jam's loaded model, kept between sessions
    std::shared_ptr<struct CopyCheckIndex> m_copyIndex;     // the Generate page's dataset's copy index (generation lane)
};

}  // namespace pm::app
