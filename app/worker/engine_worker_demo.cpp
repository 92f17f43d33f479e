// The end-to-end demo on the engine thread (the GUI's "Try the demo"): pm::runDemo with the
// app's cancel flag, every stage and progress line sent out as it happens.
// LibTorch (if any) before Qt: torch's headers use `slots` as a name, which Qt defines as a macro.
#include "pipeline/demo.h"

#include "worker/engine_worker.h"

#include <exception>

namespace pm::app {

void EngineWorker::runDemo(pm::DemoOptions options) {
    m_cancel->store(false);
    emit busyChanged(true);
    options.cancel = m_cancel;
    pm::DemoResult result;
    try {
        pm::runDemo(options, [this](const pm::DemoStageReport& r) { emit demoStage(r); }, &result);
    } catch (const std::exception& e) {   // runDemo reports its failures; this is the last guard
        result.ok = false;
        result.error = e.what();
    }
    if (!result.ok && cancelRequested()) emit cancelled(QStringLiteral("demo"));
    emit demoFinished(result);
    emit busyChanged(false);
}

}  // namespace pm::app
