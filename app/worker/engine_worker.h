// The engine's home in the GUI process: a QObject that lives on the engine thread. Commands
// arrive as queued calls (EngineController posts them); results leave as signals carrying
// plain structs. Long jobs poll a cancel flag the GUI thread sets directly, because a queued
// "cancel" would wait behind the job it is meant to stop.
#pragma once

#include "worker/engine_types.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace pm::app {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(std::atomic<bool>* cancelFlag, QObject* parent = nullptr);

public slots:
    void querySystemInfo();
    void listMidiPorts();
    // Measures matrix-product speed for up to `millis` ms (cancellable within ~0.2 s).
    void measureBlas(int millis);
    // Builds (or extends) a dataset; rows stream out in batches while it runs.
    void buildDataset(const pm::dataset::BuildRequest& request);
    // Opens an existing dataset's manifest.
    void openDataset(const QString& directory);
    // Reads one MIDI file's notes for the piano-roll preview.
    void previewFile(const QString& path);
    // Generates (or continues) music; notes stream out as generationChunk while it runs.
    void generate(const pm::app::GenerateJob& job);
    // Goes back to the piece before the last continuation.
    void undoGeneration();
    // Trains (engine_worker_training.cpp); progress as trainingEvent, polls `control` and the
    // cancel flag every step. The control block is shared with the GUI thread (pause/stop).
    void train(const pm::train::TrainConfig& config, std::shared_ptr<pm::train::TrainControl> control);
    // The end-to-end demo (engine_worker_demo.cpp): dataset, training, generation; each stage
    // and progress line as demoStage, the outcome as demoFinished. Polls the cancel flag.
    void runDemo(pm::DemoOptions options);

signals:
    void systemInfoReady(const pm::SystemInfo& info);
    void midiPortsReady(const pm::MidiPortList& ports);
    void blasMeasured(double gflops);
    void busyChanged(bool busy);
    void datasetProgress(int done, int total, const QString& currentFile);
    void datasetRows(const pm::app::FileReportBatch& rows);
    void datasetFinished(const pm::app::DatasetBuildOutcome& outcome);
    void previewReady(const pm::dataset::NotePreview& preview);
    void generationChunk(const pm::app::GenerationChunk& chunk);
    void generationFinished(const pm::app::GenerationOutcome& outcome);
    void cancelled(const QString& job);
    void trainingEvent(const pm::train::TrainEvent& event);
    void trainingFinished(const pm::train::TrainResult& result);
    void demoStage(const pm::DemoStageReport& report);
    void demoFinished(const pm::DemoResult& result);
    void failed(const QString& job, const QString& message);

private:
    bool cancelRequested() const { return m_cancel->load(std::memory_order_relaxed); }
    std::atomic<bool>* m_cancel;
    std::shared_ptr<struct GenerationState> m_generation;   // model + continue/undo chain (engine_worker_generation.cpp)
};

}  // namespace pm::app
