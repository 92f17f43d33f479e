#include "worker/engine_controller.h"

namespace pm::app {

EngineController::EngineController(QObject* parent)
    : QObject(parent), m_thread(new QThread(this)), m_worker(new EngineWorker(&m_cancel)) {
    registerEngineTypes();
    m_thread->setObjectName(QStringLiteral("PianoMuse engine"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

EngineController::~EngineController() { shutdown(); }

void EngineController::requestSystemInfo() {
    QMetaObject::invokeMethod(m_worker, &EngineWorker::querySystemInfo, Qt::QueuedConnection);
}

void EngineController::requestMidiPorts() {
    QMetaObject::invokeMethod(m_worker, &EngineWorker::listMidiPorts, Qt::QueuedConnection);
}

void EngineController::requestBlasMeasurement(int millis) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, millis] { w->measureBlas(millis); }, Qt::QueuedConnection);
}

void EngineController::requestDatasetBuild(const pm::dataset::BuildRequest& request) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request] { w->buildDataset(request); }, Qt::QueuedConnection);
}

void EngineController::requestDatasetOpen(const QString& directory) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, directory] { w->openDataset(directory); }, Qt::QueuedConnection);
}

void EngineController::requestPreview(const QString& path) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path] { w->previewFile(path); }, Qt::QueuedConnection);
}

void EngineController::requestGeneration(const pm::app::GenerateJob& job) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job] { w->generate(job); }, Qt::QueuedConnection);
}

void EngineController::requestGenerationUndo() {
    QMetaObject::invokeMethod(m_worker, &EngineWorker::undoGeneration, Qt::QueuedConnection);
}

void EngineController::cancel() { m_cancel.store(true); }

bool EngineController::shutdown(int timeoutMs) {
    if (!m_thread->isRunning()) return true;
    cancel();
    m_thread->quit();
    if (m_thread->wait(QDeadlineTimer(timeoutMs))) return true;
    // A job that ignores cancellation must not hang the user's quit; the OS reclaims the
    // thread when the process ends. Never terminate(): it could leave files half-written.
    qWarning("engine thread did not stop within %d ms", timeoutMs);
    return false;
}

}  // namespace pm::app

namespace pm::app {

void EngineController::requestTraining(const pm::train::TrainConfig& config) {
    // A fresh control block per run: a stop meant for the last run must not end this one.
    m_trainControl = std::make_shared<pm::train::TrainControl>();
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, config, control = m_trainControl] { w->train(config, control); }, Qt::QueuedConnection);
}

void EngineController::requestDemo(const pm::DemoOptions& options) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, options] { w->runDemo(options); }, Qt::QueuedConnection);
}

void EngineController::pauseTraining(bool paused) { m_trainControl->pause.store(paused); }

void EngineController::stopTraining() { m_trainControl->stop.store(true); }

}  // namespace pm::app
