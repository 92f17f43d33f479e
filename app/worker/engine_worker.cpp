#include "worker/engine_worker.h"

#include "dataset/dataset_store.h"
#include "dataset/piece_tokenizer.h"

#include <QElapsedTimer>

#include <memory>
#include <mutex>

#include <exception>

namespace pm::app {

EngineWorker::EngineWorker(std::atomic<bool>* cancelFlag, QObject* parent) : QObject(parent), m_cancel(cancelFlag) {}

// Every slot catches at its boundary: an engine exception becomes a `failed` signal, never a
// crash of the GUI process.
void EngineWorker::querySystemInfo() {
    try {
        emit systemInfoReady(pm::querySystemInfo());
    } catch (const std::exception& e) {
        emit failed(QStringLiteral("systemInfo"), QString::fromStdString(e.what()));
    }
}

void EngineWorker::listMidiPorts() {
    try {
        emit midiPortsReady(pm::listMidiOutputPorts());
    } catch (const std::exception& e) {
        emit failed(QStringLiteral("midiPorts"), QString::fromStdString(e.what()));
    }
}

void EngineWorker::measureBlas(int millis) {
    m_cancel->store(false);
    emit busyChanged(true);
    try {
        QElapsedTimer timer;
        timer.start();
        double best = 0.0;
        do {
            // Each measurement takes ~0.2 s, so cancellation is noticed that quickly.
            best = std::max(best, pm::measureMatmulGflops(256));
        } while (timer.elapsed() < millis && !cancelRequested());
        if (cancelRequested()) emit cancelled(QStringLiteral("measureBlas"));
        else emit blasMeasured(best);
    } catch (const std::exception& e) {
        emit failed(QStringLiteral("measureBlas"), QString::fromStdString(e.what()));
    }
    emit busyChanged(false);
}

void EngineWorker::buildDataset(const pm::dataset::BuildRequest& request) {
    m_cancel->store(false);
    emit busyChanged(true);
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
        }, m_cancel);
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
    if (outcome.cancelled) emit cancelled(QStringLiteral("buildDataset"));
    emit datasetFinished(outcome);
    emit busyChanged(false);
}

void EngineWorker::openDataset(const QString& directory) {
    DatasetBuildOutcome outcome;
    outcome.directory = directory.toStdString();
    const std::string err = pm::dataset::loadManifest(outcome.directory, &outcome.manifest);
    outcome.ok = err.empty();
    outcome.error = err;
    emit datasetFinished(outcome);
}

void EngineWorker::previewFile(const QString& path) {
    try {
        emit previewReady(pm::dataset::previewNotes(path.toStdString()));
    } catch (const std::exception& e) {
        emit failed(QStringLiteral("preview"), QString::fromStdString(e.what()));
    }
}

}  // namespace pm::app
