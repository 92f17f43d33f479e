#include "worker/engine_worker.h"

#include "dataset/dataset_store.h"
#include "dataset/piece_tokenizer.h"

#include <QElapsedTimer>

#include <exception>
#include <memory>
#include <mutex>

namespace pm::app {

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}

// Every job is caught at this boundary: an engine exception ends that job with `Failed` and its
// message, never the GUI process, and never another lane's job.
void EngineWorker::runJob(const std::shared_ptr<JobContext>& job, const Body& body, const Skipped& skipped) {
    if (job->cancel.load()) {
        // Cancelled while it waited in the lane's queue: it never starts.
        try {
            if (skipped) skipped(*this, *job);
        } catch (const std::exception&) {
        }
        emit jobFinished(job->info, JobEnd::Cancelled, QString());
        return;
    }
    job->started.store(true);
    emit jobStarted(job->info);
    QString message;
    JobEnd end = JobEnd::Failed;
    try {
        end = body(*this, *job, &message);
    } catch (const std::exception& e) {
        end = JobEnd::Failed;
        message = QString::fromStdString(e.what());
    } catch (...) {
        end = JobEnd::Failed;
        message = QStringLiteral("unknown error");
    }
    emit jobFinished(job->info, end, message);
}

JobEnd EngineWorker::querySystemInfo(JobContext&, QString*) {
    emit systemInfoReady(pm::querySystemInfo());
    return JobEnd::Finished;
}

JobEnd EngineWorker::listMidiPorts(JobContext&, QString*) {
    emit midiPortsReady(pm::listMidiOutputPorts());
    return JobEnd::Finished;
}

JobEnd EngineWorker::measureBlas(JobContext& job, int millis, QString*) {
    QElapsedTimer timer;
    timer.start();
    double best = 0.0;
    do {
        // Each measurement takes ~0.2 s, so cancellation is noticed that quickly.
        best = std::max(best, pm::measureMatmulGflops(256));
    } while (timer.elapsed() < millis && !job.cancel.load());
    if (job.cancel.load()) return JobEnd::Cancelled;
    emit blasMeasured(best);
    return JobEnd::Finished;
}

JobEnd EngineWorker::buildDataset(JobContext& job, const pm::dataset::BuildRequest& request, QString* message) {
    DatasetBuildOutcome outcome;
    outcome.directory = request.outputDir;
    try {
        const auto tokenizer = pm::dataset::makePieceTokenizer(std::make_shared<pm::tok::Tokenizer>());
        // Rows are batched and sent at most every 100 ms so thousands of files do not flood the
        // GUI thread with one queued signal each.
        std::mutex batchMutex;
        FileReportBatch batch;
        QElapsedTimer sinceSent;
        sinceSent.start();
        auto flush = [&](bool force) {
            // Caller holds batchMutex.
            if (batch.empty() || (!force && sinceSent.elapsed() < 100)) return;
            emit datasetRows(batch);
            batch.clear();
            sinceSent.restart();
        };
        const auto result = pm::dataset::buildDataset(request, tokenizer, [&](const pm::dataset::BuildProgress& p) {
            std::lock_guard<std::mutex> lock(batchMutex);
            if (p.finished) batch.push_back(*p.finished);
            const bool last = p.done == p.total;
            if (last || sinceSent.elapsed() >= 100) {
                emit datasetProgress(int(p.done), int(p.total), QString::fromStdString(p.currentFile));
                flush(last);
            }
        }, &job.cancel);
        {
            std::lock_guard<std::mutex> lock(batchMutex);
            flush(true);
        }
        outcome.ok = result.ok;
        outcome.cancelled = result.cancelled;
        outcome.error = result.error;
        outcome.manifest = result.manifest;
    } catch (const std::exception& e) {
        outcome.error = e.what();
    }
    emit datasetFinished(outcome);
    if (outcome.cancelled) return JobEnd::Cancelled;
    if (!outcome.ok) *message = QString::fromStdString(outcome.error);
    return outcome.ok ? JobEnd::Finished : JobEnd::Failed;
}

JobEnd EngineWorker::openDataset(JobContext&, const QString& directory, QString* message) {
    DatasetBuildOutcome outcome;
    outcome.directory = directory.toStdString();
    const std::string err = pm::dataset::loadManifest(outcome.directory, &outcome.manifest);
    outcome.ok = err.empty();
    outcome.error = err;
    emit datasetFinished(outcome);
    if (!outcome.ok) *message = QString::fromStdString(err);
    return outcome.ok ? JobEnd::Finished : JobEnd::Failed;
}

JobEnd EngineWorker::previewFile(JobContext&, const QString& path, QString*) {
    emit previewReady(pm::dataset::previewNotes(path.toStdString()));
    return JobEnd::Finished;
}

}  // namespace pm::app
