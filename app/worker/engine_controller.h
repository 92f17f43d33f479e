// Owns the engine's lanes (one QThread + EngineWorker each, see engine_jobs.h) and is the GUI's
// only door into the engine. Every request returns at once with a job id (0 = refused, with the
// reason in lastRefusal()); results arrive as this object's signals, on the GUI thread.
//
// Conflicts are refused here, so every page gets the same rules: two trainings into one run
// folder, and a dataset build into a dataset that a training (or its plan, or the demo) reads.
// Pages ask isRunDirBusy()/isDatasetBusy() to disable exactly those actions.
//
// Destroying the controller cancels every job and joins the lanes within 2 s; a lane whose job
// ignores its token is left running (detached, never destroyed while it runs) until the process exits.
#pragma once

#include "worker/engine_jobs.h"
#include "worker/engine_worker.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QThread>

#include <array>
#include <memory>

namespace pm::app {

class EngineController : public QObject {
    Q_OBJECT
public:
    explicit EngineController(QObject* parent = nullptr);
    ~EngineController() override;

    QThread* laneThread(Lane lane) const { return m_lanes[std::size_t(lane)].thread; }
    EngineWorker* laneWorker(Lane lane) const { return m_lanes[std::size_t(lane)].worker; }
    bool isRunning() const;   // every lane's thread runs

    JobId requestSystemInfo();
    JobId requestMidiPorts();
    JobId requestBlasMeasurement(int millis);
    JobId requestDatasetBuild(const pm::dataset::BuildRequest& request);
    JobId requestDatasetOpen(const QString& directory);
    JobId requestPreview(const QString& path);
    JobId requestGeneration(const pm::app::GenerateJob& job);
    JobId requestGenerationUndo();
    JobId requestTraining(const pm::train::TrainConfig& config);
    // The throughput probe + plan for a run without a step count (trainingPlanned carries the id).
    JobId requestTrainingPlan(const pm::train::TrainConfig& config);
    JobId requestDemo(const pm::DemoOptions& options);
    JobId requestMidiInputPorts();
    // A jam session on the jam lane; one at a time (a second is refused). Stop = cancel(job).
    JobId requestJam(const pm::app::JamJob& job);
    // A running jam (no-ops otherwise), carried out by its loop at its next iteration (~1 ms):
    // hand over now (the window's key), take the last answer back, answer again with the next
    // seed, send the recording so far (jamRecording).
    void handOverJam(JobId job);
    void undoJamAnswer(JobId job);
    void answerJamAgain(JobId job);
    void requestJamRecording(JobId job);
    // A model report on the report lane (queued behind another report). Refused while its dataset
    // is being built; a dataset build is refused while a report reads it.
    JobId requestReport(const pm::report::ReportRequest& request);

    // Training controls act at the trainer's next step. exportTrainingModel writes the run's
    // current weights to RUN/model-latest.safetensors (trainingEvent Exported) without pausing.
    void pauseTraining(JobId job, bool paused);
    void exportTrainingModel(JobId job);

    // Cancels exactly this job, queued or running (a queued one then never starts).
    void cancel(JobId job);
    void cancelAll();
    // Cancels everything, quits the lanes and waits for them; true when all ended within timeoutMs.
    bool shutdown(int timeoutMs = 2000);

    QList<JobInfo> jobs() const;                 // queued and running, oldest first
    bool isJobActive(JobId job) const;           // queued or running
    bool isRunDirBusy(const QString& runDir) const;
    bool isDatasetBusy(const QString& datasetDir) const;   // a training, plan or the demo reads it
    QString lastRefusal() const { return m_lastRefusal; }
    // Training's intra-op threads now (the core-sharing policy, engine/core/thread_share.h).
    int trainingThreads() const { return m_trainingThreads; }

signals:
    void jobQueued(const pm::app::JobInfo& job);
    void jobStarted(const pm::app::JobInfo& job);
    void jobFinished(const pm::app::JobInfo& job, pm::app::JobEnd end, const QString& message);
    void jobsChanged();

    // The lanes' results (see EngineWorker for what each carries).
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
    struct LaneThread {
        QThread* thread = nullptr;
        EngineWorker* worker = nullptr;   // lives on `thread`; deleted there when it finishes
    };
    JobId submit(JobKind kind, JobInfo info, EngineWorker::Body body, EngineWorker::Skipped skipped = {});
    bool refuse(const QString& reason);
    void onJobStarted(const pm::app::JobInfo& job);
    void onJobFinished(const pm::app::JobInfo& job, pm::app::JobEnd end, const QString& message);
    void applyThreadPolicy();

    std::array<LaneThread, kLaneCount> m_lanes;
    QHash<JobId, std::shared_ptr<JobContext>> m_jobs;          // queued and running
    QList<JobId> m_order;                                      // m_jobs' keys, oldest first
    // Per training job: runs (pause, export, threads) and the demo (its threads only).
    QHash<JobId, std::shared_ptr<pm::train::TrainControl>> m_trainControls;
    QHash<JobId, std::shared_ptr<JamControl>> m_jamControls;   // per jam session
    JobId m_nextId = 1;
    QString m_lastRefusal;
    int m_hardwareThreads = 1;
    int m_trainingThreads = 1;
    bool m_shutDown = false;
    bool m_joined = true;
};

}  // namespace pm::app
