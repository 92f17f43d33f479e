#include "worker/engine_worker.h"

#include <QElapsedTimer>

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

}  // namespace pm::app
