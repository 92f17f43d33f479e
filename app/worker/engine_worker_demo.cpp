// The end-to-end demo on its own lane (the GUI's "Try the demo"): pm::runDemo with the job's
// cancel token, every stage and progress line sent out as it happens.
// LibTorch (if any) before Qt: torch's headers use `slots` as a name, which Qt defines as a macro.
#include "pipeline/demo.h"

#include "worker/engine_worker.h"

#include <exception>

namespace pm::app {

JobEnd EngineWorker::runDemo(JobContext& job, pm::DemoOptions options, QString* message) {
    options.cancel = &job.cancel;
    pm::DemoResult result;
    try {
        pm::runDemo(options, [this](const pm::DemoStageReport& r) { emit demoStage(r); }, &result);
    } catch (const std::exception& e) {   // runDemo reports its failures; this is the last guard
        result.ok = false;
        result.error = e.what();
    }
    emit demoFinished(result);
    if (!result.ok && job.cancel.load()) return JobEnd::Cancelled;
    if (!result.ok) *message = QString::fromStdString(result.error);
    return result.ok ? JobEnd::Finished : JobEnd::Failed;
}

}  // namespace pm::app
