// EngineWorker's report job: the engine's model report (the same buildReport `pianomuse-cli report`
// runs) on the report lane. Its stages become queued reportProgress signals; the finished report
// travels to the GUI thread behind a shared pointer, read-only from then on.
#include "report/model_report.h"

#include "worker/engine_worker.h"

namespace pm::app {

JobEnd EngineWorker::makeReport(JobContext& job, const pm::report::ReportRequest& request, QString* message) {
    ReportOutcome outcome;
    const JobId id = job.info.id;
    try {
        // Stages and samples come seconds apart, so every one goes out (no throttling needed).
        const auto progress = [this, id](const pm::report::ReportProgress& p) { emit reportProgress(id, p); };
        outcome.report = std::make_shared<const pm::report::ModelReport>(pm::report::buildReport(request, progress, &job.cancel));
        outcome.ok = true;
    } catch (const pm::report::ReportCancelled&) {
        outcome.cancelled = true;
    } catch (const std::exception& e) {
        outcome.error = e.what();
    }
    // A cancel that arrives after the last sample finds the report complete: it is shown, not
    // thrown away.
    emit reportFinished(id, outcome);
    if (outcome.cancelled) return JobEnd::Cancelled;
    if (!outcome.ok) {
        *message = QString::fromStdString(outcome.error);
        return JobEnd::Failed;
    }
    return JobEnd::Finished;
}

}  // namespace pm::app
