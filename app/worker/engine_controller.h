// Owns the engine thread and its worker; the GUI's only door into the engine.
// Calls here return at once (they post to the worker); results arrive as the worker's signals.
// Destroying the controller cancels whatever runs and joins the thread (bounded wait).
#pragma once

#include "worker/engine_worker.h"

#include <QObject>
#include <QThread>

#include <atomic>

namespace pm::app {

class EngineController : public QObject {
    Q_OBJECT
public:
    explicit EngineController(QObject* parent = nullptr);
    ~EngineController() override;

    EngineWorker* worker() const { return m_worker; }
    QThread* thread() const { return m_thread; }
    bool isRunning() const { return m_thread->isRunning(); }

    void requestSystemInfo();
    void requestMidiPorts();
    void requestBlasMeasurement(int millis);
    void requestDatasetBuild(const pm::dataset::BuildRequest& request);
    void requestDatasetOpen(const QString& directory);
    void requestPreview(const QString& path);
    void requestGeneration(const pm::app::GenerateJob& job);
    void requestGenerationUndo();
    // Training: pause/resume and stop act at the trainer's next step (it then checkpoints).
    void requestTraining(const pm::train::TrainConfig& config);
    void pauseTraining(bool paused);
    void stopTraining();
    // The end-to-end demo; cancel() stops it.
    void requestDemo(const pm::DemoOptions& options);

    // Asks the running job to stop; it ends at its next checkpoint with `cancelled`.
    void cancel();
    // Cancels, quits the thread and waits for it; true when it ended within timeoutMs.
    bool shutdown(int timeoutMs = 2000);

private:
    std::atomic<bool> m_cancel{false};
    std::shared_ptr<pm::train::TrainControl> m_trainControl = std::make_shared<pm::train::TrainControl>();
    QThread* m_thread;
    EngineWorker* m_worker;   // lives on m_thread; deleted there when the thread finishes
};

}  // namespace pm::app
