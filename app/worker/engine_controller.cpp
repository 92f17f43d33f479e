#include "worker/engine_controller.h"

#include "core/thread_share.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>

#include <thread>

namespace pm::app {

namespace {

// Two spellings of one folder are one folder: conflicts compare absolute, cleaned paths.
QString samePathKey(const QString& path) {
    if (path.isEmpty()) return QString();
    QString p = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
#ifdef Q_OS_WIN
    p = p.toLower();
#endif
    return p;
}

bool readsDataset(JobKind k) {
    return k == JobKind::Training || k == JobKind::TrainingPlan || k == JobKind::Demo || k == JobKind::Report;
}

}  // namespace

EngineController::EngineController(QObject* parent) : QObject(parent) {
    registerEngineTypes();
    m_hardwareThreads = int(std::max(1u, std::thread::hardware_concurrency()));
    m_trainingThreads = pm::defaultIntraOpThreads(m_hardwareThreads);
    for (int i = 0; i < kLaneCount; ++i) {
        LaneThread& lane = m_lanes[std::size_t(i)];
        lane.thread = new QThread(this);
        lane.thread->setObjectName(QStringLiteral("PianoMuse %1").arg(QLatin1String(laneName(Lane(i)))));
        lane.worker = new EngineWorker;
        lane.worker->moveToThread(lane.thread);
        connect(lane.thread, &QThread::finished, lane.worker, &QObject::deleteLater);
        EngineWorker* w = lane.worker;
        // Bookkeeping first (queued to this thread), then the pages hear of it.
        connect(w, &EngineWorker::jobStarted, this, &EngineController::onJobStarted);
        connect(w, &EngineWorker::jobFinished, this, &EngineController::onJobFinished);
        connect(w, &EngineWorker::systemInfoReady, this, &EngineController::systemInfoReady);
        connect(w, &EngineWorker::midiPortsReady, this, &EngineController::midiPortsReady);
        connect(w, &EngineWorker::blasMeasured, this, &EngineController::blasMeasured);
        connect(w, &EngineWorker::datasetProgress, this, &EngineController::datasetProgress);
        connect(w, &EngineWorker::datasetRows, this, &EngineController::datasetRows);
        connect(w, &EngineWorker::datasetFinished, this, &EngineController::datasetFinished);
        connect(w, &EngineWorker::previewReady, this, &EngineController::previewReady);
        connect(w, &EngineWorker::generationChunk, this, &EngineController::generationChunk);
        connect(w, &EngineWorker::generationFinished, this, &EngineController::generationFinished);
        connect(w, &EngineWorker::trainingEvent, this, &EngineController::trainingEvent);
        connect(w, &EngineWorker::trainingFinished, this, &EngineController::trainingFinished);
        connect(w, &EngineWorker::trainingPlanned, this, &EngineController::trainingPlanned);
        connect(w, &EngineWorker::demoStage, this, &EngineController::demoStage);
        connect(w, &EngineWorker::demoFinished, this, &EngineController::demoFinished);
        connect(w, &EngineWorker::midiInputPortsReady, this, &EngineController::midiInputPortsReady);
        connect(w, &EngineWorker::jamStarted, this, &EngineController::jamStarted);
        connect(w, &EngineWorker::jamNotes, this, &EngineController::jamNotes);
        connect(w, &EngineWorker::jamEvent, this, &EngineController::jamEvent);
        connect(w, &EngineWorker::jamRecording, this, &EngineController::jamRecording);
        connect(w, &EngineWorker::jamFinished, this, &EngineController::jamFinished);
        connect(w, &EngineWorker::reportProgress, this, &EngineController::reportProgress);
        connect(w, &EngineWorker::reportFinished, this, &EngineController::reportFinished);
        lane.thread->start();
    }
}

EngineController::~EngineController() { shutdown(); }

bool EngineController::isRunning() const {
    for (const LaneThread& lane : m_lanes)
        if (!lane.thread || !lane.thread->isRunning()) return false;
    return true;
}

JobId EngineController::submit(JobKind kind, JobInfo info, EngineWorker::Body body, EngineWorker::Skipped skipped) {
    if (m_shutDown) {
        refuse(tr("PianoMuse is closing."));
        return 0;
    }
    auto job = std::make_shared<JobContext>();
    info.id = m_nextId++;
    info.kind = kind;
    info.lane = laneOf(kind);
    job->info = info;
    m_jobs.insert(info.id, job);
    m_order.append(info.id);
    EngineWorker* worker = laneWorker(info.lane);
    QMetaObject::invokeMethod(
        worker, [worker, job, body = std::move(body), skipped = std::move(skipped)] { worker->runJob(job, body, skipped); },
        Qt::QueuedConnection);
    emit jobQueued(info);
    emit jobsChanged();
    return info.id;
}

bool EngineController::refuse(const QString& reason) {
    m_lastRefusal = reason;
    return false;
}

JobId EngineController::requestSystemInfo() {
    return submit(JobKind::SystemInfo, {}, [](EngineWorker& w, JobContext& j, QString* m) { return w.querySystemInfo(j, m); });
}

JobId EngineController::requestMidiPorts() {
    return submit(JobKind::MidiPorts, {}, [](EngineWorker& w, JobContext& j, QString* m) { return w.listMidiPorts(j, m); });
}

JobId EngineController::requestBlasMeasurement(int millis) {
    return submit(JobKind::BlasMeasurement, {},
                  [millis](EngineWorker& w, JobContext& j, QString* m) { return w.measureBlas(j, millis, m); });
}

JobId EngineController::requestDatasetBuild(const pm::dataset::BuildRequest& request) {
    const QString dir = QString::fromStdString(request.outputDir);
    for (const auto& j : std::as_const(m_jobs))
        if (j->info.kind == JobKind::Report && samePathKey(j->info.datasetDir) == samePathKey(dir)) {
            refuse(tr("A model report is reading %1; build into another folder or wait for the report.")
                       .arg(QDir::toNativeSeparators(dir)));
            return 0;
        }
    if (isDatasetBusy(dir)) {
        refuse(tr("A training run is reading %1; build into another folder or stop the run first.").arg(QDir::toNativeSeparators(dir)));
        return 0;
    }
    JobInfo info;
    info.datasetDir = dir;
    return submit(
        JobKind::DatasetBuild, info,
        [request](EngineWorker& w, JobContext& j, QString* m) { return w.buildDataset(j, request, m); },
        [request](EngineWorker& w, const JobContext&) {
            DatasetBuildOutcome outcome;
            outcome.cancelled = true;
            outcome.directory = request.outputDir;
            emit w.datasetFinished(outcome);
        });
}

JobId EngineController::requestDatasetOpen(const QString& directory) {
    return submit(JobKind::DatasetOpen, {},
                  [directory](EngineWorker& w, JobContext& j, QString* m) { return w.openDataset(j, directory, m); });
}

JobId EngineController::requestPreview(const QString& path) {
    return submit(JobKind::Preview, {}, [path](EngineWorker& w, JobContext& j, QString* m) { return w.previewFile(j, path, m); });
}

JobId EngineController::requestGeneration(const pm::app::GenerateJob& job) {
    const auto cancelledOutcome = [](EngineWorker& w, const JobContext&) {
        GenerationOutcome outcome;
        outcome.cancelled = true;
        emit w.generationFinished(outcome);
    };
    return submit(
        JobKind::Generation, {}, [job](EngineWorker& w, JobContext& j, QString* m) { return w.generate(j, job, m); },
        cancelledOutcome);
}

JobId EngineController::requestGenerationUndo() {
    return submit(JobKind::GenerationUndo, {}, [](EngineWorker& w, JobContext& j, QString* m) { return w.undoGeneration(j, m); });
}

JobId EngineController::requestTraining(const pm::train::TrainConfig& config) {
    const QString runDir = QString::fromStdString(config.runDir);
    const QString dataset = QString::fromStdString(config.datasetDir);
    if (isRunDirBusy(runDir)) {
        refuse(tr("Another training is already writing to %1.").arg(QDir::toNativeSeparators(runDir)));
        return 0;
    }
    for (const JobId id : m_order) {
        const JobInfo& other = m_jobs.value(id)->info;
        if (other.kind == JobKind::DatasetBuild && samePathKey(other.datasetDir) == samePathKey(dataset)) {
            refuse(tr("The dataset %1 is being built; train when it is done.").arg(QDir::toNativeSeparators(dataset)));
            return 0;
        }
    }
    JobInfo info;
    info.runDir = runDir;
    info.datasetDir = dataset;
    // A fresh control block per run: pause or export meant for another run never reach this one.
    auto control = std::make_shared<pm::train::TrainControl>();
    const JobId id = submit(
        JobKind::Training, info,
        [config, control](EngineWorker& w, JobContext& j, QString* m) { return w.train(j, config, control, m); },
        [](EngineWorker& w, const JobContext&) {
            pm::train::TrainResult r;
            r.ok = true;   // nothing ran, nothing failed
            r.stopped = true;
            emit w.trainingFinished(r);
        });
    if (id != 0) {
        m_trainControls.insert(id, control);
        applyThreadPolicy();
    }
    return id;
}

JobId EngineController::requestTrainingPlan(const pm::train::TrainConfig& config) {
    JobInfo info;
    info.datasetDir = QString::fromStdString(config.datasetDir);
    return submit(JobKind::TrainingPlan, info,
                  [config](EngineWorker& w, JobContext& j, QString* m) { return w.planTraining(j, config, m); });
}

JobId EngineController::requestDemo(const pm::DemoOptions& options) {
    JobInfo info;
    const QString work = QString::fromStdString(options.workDir);
    if (!work.isEmpty()) {
        info.runDir = QDir(work).filePath(QStringLiteral("run"));
        info.datasetDir = QDir(work).filePath(QStringLiteral("dataset"));
        if (isRunDirBusy(info.runDir)) {
            refuse(tr("The demo is already running."));
            return 0;
        }
    }
    // The demo trains too: its thread count follows the same core-sharing policy as a run's.
    auto control = std::make_shared<pm::train::TrainControl>();
    pm::DemoOptions withThreads = options;
    withThreads.trainingThreads = &control->threads;
    const JobId id = submit(
        JobKind::Demo, info,
        [withThreads, control](EngineWorker& w, JobContext& j, QString* m) { return w.runDemo(j, withThreads, m); },
        [](EngineWorker& w, const JobContext&) {
            pm::DemoResult r;
            emit w.demoFinished(r);
        });
    if (id != 0) {
        m_trainControls.insert(id, control);
        applyThreadPolicy();
    }
    return id;
}

JobId EngineController::requestMidiInputPorts() {
    return submit(JobKind::MidiInputPorts, {},
                  [](EngineWorker& w, JobContext& j, QString* m) { return w.listMidiInputPorts(j, m); });
}

JobId EngineController::requestJam(const pm::app::JamJob& job) {
    for (const auto& j : std::as_const(m_jobs))
        if (j->info.kind == JobKind::Jam) {
            // Its loop holds the lane until stopped: a second session would wait forever.
            refuse(tr("A jam is already running; stop it first."));
            return 0;
        }
    auto control = makeJamControl();
    const JobId id = submit(
        JobKind::Jam, {}, [job, control](EngineWorker& w, JobContext& j, QString* m) { return w.jam(j, job, control, m); },
        [](EngineWorker& w, const JobContext&) { emit w.jamFinished(JamOutcome{}); });
    if (id != 0) m_jamControls.insert(id, control);
    return id;
}

void EngineController::handOverJam(JobId job) {
    if (auto c = m_jamControls.value(job)) pm::app::handOverJam(*c);
}

void EngineController::undoJamAnswer(JobId job) {
    if (auto c = m_jamControls.value(job)) postJamCommand(*c, JamCommand::Undo);
}

void EngineController::answerJamAgain(JobId job) {
    if (auto c = m_jamControls.value(job)) postJamCommand(*c, JamCommand::AnswerAgain);
}

void EngineController::requestJamRecording(JobId job) {
    if (auto c = m_jamControls.value(job)) postJamCommand(*c, JamCommand::Recording);
}

JobId EngineController::requestReport(const pm::report::ReportRequest& request) {
    const QString dataset = QString::fromStdString(request.dataset);
    for (const JobId id : std::as_const(m_order)) {
        const JobInfo& other = m_jobs.value(id)->info;
        if (other.kind == JobKind::DatasetBuild && samePathKey(other.datasetDir) == samePathKey(dataset)) {
            refuse(tr("The dataset %1 is being built; make the report when it is done.").arg(QDir::toNativeSeparators(dataset)));
            return 0;
        }
    }
    JobInfo info;
    info.datasetDir = dataset;
    return submit(
        JobKind::Report, info, [request](EngineWorker& w, JobContext& j, QString* m) { return w.makeReport(j, request, m); },
        [](EngineWorker& w, const JobContext& j) {
            ReportOutcome outcome;
            outcome.cancelled = true;
            emit w.reportFinished(j.info.id, outcome);
        });
}

void EngineController::pauseTraining(JobId job, bool paused) {
    if (auto c = m_trainControls.value(job)) c->pause.store(paused);
}

void EngineController::exportTrainingModel(JobId job) {
    if (auto c = m_trainControls.value(job)) c->exportNow.store(true);
}

void EngineController::cancel(JobId job) {
    if (auto j = m_jobs.value(job)) j->cancel.store(true);
    // A paused run must wake up to stop (it checkpoints first).
    if (auto c = m_trainControls.value(job)) c->pause.store(false);
}

void EngineController::cancelAll() {
    for (const auto& j : std::as_const(m_jobs)) j->cancel.store(true);
    for (const auto& c : std::as_const(m_trainControls)) c->pause.store(false);
}

bool EngineController::shutdown(int timeoutMs) {
    if (m_shutDown) return m_joined;
    m_shutDown = true;
    cancelAll();
    for (LaneThread& lane : m_lanes) lane.thread->quit();
    // One deadline for all lanes: closing the window waits at most timeoutMs in total.
    const QDeadlineTimer deadline(timeoutMs);
    m_joined = true;
    for (LaneThread& lane : m_lanes) {
        if (lane.thread->wait(deadline)) continue;
        m_joined = false;
        // A job that ignores its token must not hang the user's quit, and a QThread must never be
        // destroyed while it runs (Qt aborts the process). So this one is detached from the
        // controller and left to the end of the process; terminate() could leave files half-written.
        qWarning("engine lane '%s' did not stop within %d ms; leaving it to the end of the process",
                 qPrintable(lane.thread->objectName()), timeoutMs);
        lane.thread->setParent(nullptr);
    }
    return m_joined;
}

QList<JobInfo> EngineController::jobs() const {
    QList<JobInfo> out;
    for (const JobId id : m_order) out.append(m_jobs.value(id)->info);
    return out;
}

bool EngineController::isJobActive(JobId job) const { return m_jobs.contains(job); }

bool EngineController::isRunDirBusy(const QString& runDir) const {
    const QString key = samePathKey(runDir);
    if (key.isEmpty()) return false;
    for (const auto& j : std::as_const(m_jobs))
        if ((j->info.kind == JobKind::Training || j->info.kind == JobKind::Demo) && samePathKey(j->info.runDir) == key) return true;
    return false;
}

bool EngineController::isDatasetBusy(const QString& datasetDir) const {
    const QString key = samePathKey(datasetDir);
    if (key.isEmpty()) return false;
    for (const auto& j : std::as_const(m_jobs))
        if (readsDataset(j->info.kind) && samePathKey(j->info.datasetDir) == key) return true;
    return false;
}

void EngineController::onJobStarted(const pm::app::JobInfo& job) {
    applyThreadPolicy();
    emit jobStarted(job);
    emit jobsChanged();
}

void EngineController::onJobFinished(const pm::app::JobInfo& job, pm::app::JobEnd end, const QString& message) {
    m_jobs.remove(job.id);
    m_order.removeAll(job.id);
    m_trainControls.remove(job.id);
    m_jamControls.remove(job.id);
    applyThreadPolicy();
    emit jobFinished(job, end, message);
    emit jobsChanged();
}

// While a generation, a jam or a report (which samples and scores models) runs, training gives one
// core to it (engine/core/thread_share.h); the trainer applies the count at its next step.
void EngineController::applyThreadPolicy() {
    bool generating = false;
    for (const auto& j : std::as_const(m_jobs))
        if ((j->info.kind == JobKind::Generation || j->info.kind == JobKind::Jam || j->info.kind == JobKind::Report) &&
            j->started.load())
            generating = true;
    m_trainingThreads = generating ? pm::trainingThreadsWhileGenerating(m_hardwareThreads) : pm::defaultIntraOpThreads(m_hardwareThreads);
    for (const auto& c : std::as_const(m_trainControls)) c->threads.store(m_trainingThreads);
}

}  // namespace pm::app
