// EngineWorker's training jobs: the trainer and its throughput probe run on the training lane;
// their callbacks become queued signals carrying plain structs.
// LibTorch (through the generator) before Qt: Qt's `slots` macro breaks LibTorch's headers.
#include "generate/training_sampler.h"

#include "worker/engine_worker.h"

namespace pm::app {

JobEnd EngineWorker::train(JobContext& job, const pm::train::TrainConfig& config,
                           const std::shared_ptr<pm::train::TrainControl>& control, QString* message) {
    // The job's own token stops this run (Stop on the Train page, or the window closing); it
    // checkpoints first. Nothing else's cancel reaches it.
    control->alsoStop = &job.cancel;
    // Samples at each checkpoint come from the real generator unless the caller chose otherwise.
    pm::train::TrainConfig withSamples = config;
    if (!withSamples.sampler) withSamples.sampler = pm::gen::trainingSampler();
    const pm::train::TrainResult result =
        pm::train::runTraining(withSamples, control.get(), [&](const pm::train::TrainEvent& e) { emit trainingEvent(e); });
    control->alsoStop = nullptr;
    emit trainingFinished(result);
    if (!result.ok) {
        *message = QString::fromStdString(result.error);
        return JobEnd::Failed;
    }
    return result.stopped ? JobEnd::Cancelled : JobEnd::Finished;
}

JobEnd EngineWorker::planTraining(JobContext& job, const pm::train::TrainConfig& config, QString* message) {
    const pm::train::TrainPlan plan = pm::train::planTraining(config, config.plan, &job.cancel);
    if (job.cancel.load()) return JobEnd::Cancelled;
    emit trainingPlanned(job.info.id, plan);
    if (!plan.ok) {
        *message = QString::fromStdString(plan.error);
        return JobEnd::Failed;
    }
    return JobEnd::Finished;
}

}  // namespace pm::app
