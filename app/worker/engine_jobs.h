// Jobs: every request the GUI makes of the engine is a job with an id, a lane and its own cancel
// token. The id lets a page stop exactly its own work ("Stop" on Generate never ends a training
// run); the token exists from the moment the request is made, so a cancel that arrives while the
// job still waits in its lane's queue is honoured (the job then ends without running).
//
// Lanes are engine threads. A job waits only behind jobs of its own lane, so training (its own
// lane) never holds up a generation, a dataset build or a preview. ARCHITECTURE.md lists them.
#pragma once

#include <QMetaType>
#include <QString>

#include <atomic>
#include <cstdint>
#include <string>

namespace pm::app {

using JobId = quint64;   // 0 = no job (a refused request)

enum class Lane : std::uint8_t {
    Training,     // training runs and their throughput probes (plans)
    Demo,         // "Try the demo": its own dataset, run folder and model
    Generation,   // generation, continue, undo: they share the loaded generator
    Dataset,      // building and opening datasets
    Light,        // short queries: system info, MIDI ports, previews, the BLAS measurement
    Jam,          // a jam session: its loop holds the lane while it runs (engine/generate/jam_session.h)
    Report,       // model reports (engine/report/model_report.h): minutes of scoring and sampling
};
constexpr int kLaneCount = 7;
const char* laneName(Lane lane);   // "training", ... (thread names, logs)

enum class JobKind : std::uint8_t {
    SystemInfo, MidiPorts, BlasMeasurement, DatasetBuild, DatasetOpen, Preview,
    Generation, GenerationUndo, Training, TrainingPlan, Demo,
    MidiInputPorts, Jam, Report,
};
Lane laneOf(JobKind kind);

// What a job is and what it touches; travels with jobStarted/jobFinished.
struct JobInfo {
    JobId id = 0;
    JobKind kind = JobKind::SystemInfo;
    Lane lane = Lane::Light;
    QString runDir;       // a training's (or the demo's) run folder: two jobs never share one
    QString datasetDir;   // the dataset a job reads (training) or writes (a build)
};

enum class JobEnd : std::uint8_t { Finished, Cancelled, Failed };

// Shared by the controller (GUI thread: sets cancel) and the lane that runs the job.
struct JobContext {
    JobInfo info;
    std::atomic<bool> cancel{false};
    std::atomic<bool> started{false};
};

}  // namespace pm::app

Q_DECLARE_METATYPE(pm::app::JobInfo)
Q_DECLARE_METATYPE(pm::app::JobEnd)
