// EngineWorker's training slot: runs the engine trainer on this (the engine) thread and turns
// its callback into queued signals carrying plain structs.
// LibTorch (through the generator) before Qt: Qt's `slots` macro breaks LibTorch's headers.
#include "generate/training_sampler.h"

#include "worker/engine_worker.h"

namespace pm::app {

void EngineWorker::train(const pm::train::TrainConfig& config, std::shared_ptr<pm::train::TrainControl> control) {
    m_cancel->store(false);
    // The app-wide cancel (window closing) stops training too, paused or not: it checkpoints first.
    control->alsoStop = m_cancel;
    emit busyChanged(true);
    // Samples at each checkpoint come from the real generator unless the caller chose otherwise.
    pm::train::TrainConfig withSamples = config;
    if (!withSamples.sampler) withSamples.sampler = pm::gen::trainingSampler();
    const pm::train::TrainResult result =
        pm::train::runTraining(withSamples, control.get(), [&](const pm::train::TrainEvent& e) { emit trainingEvent(e); });
    if (!result.ok) emit failed(QStringLiteral("train"), QString::fromStdString(result.error));
    emit trainingFinished(result);
    emit busyChanged(false);
}

}  // namespace pm::app
