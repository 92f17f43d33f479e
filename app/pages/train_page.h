// Page 2: training. Settings (base model or a new one, method, an Advanced box), the plan in
// words before Start (from a short measured throughput probe), Start / Pause / Stop, live loss
// curves (raw, smoothed, validation; LR on the right axis), throughput, ETA, an event log, the
// per-checkpoint samples, and "Try the current model", which opens Generate with the run's
// newest weights while training goes on. Everything arrives as plain structs from the engine.
//
// A run another process writes (a CLI or distributed run) is shown by following its folder:
// "Open a run…" reads RUN/metrics.jsonl through pm::train::MetricsFollower and keeps polling it,
// so the curves, log and progress fill in as it grows; Start, Pause and Stop do not act on it.
// With two or more CUDA devices a "Processes" box appears: above 1, Start runs
// `pianomuse-cli train --nproc N ...` (pm::train::trainCommandLine of the same choices) and
// follows its folder the same way; Stop interrupts it (it checkpoints), then ends it after a
// timeout. An ended run is shown by the same follower (loadRun), so there is one parser.
#pragma once

#include "train/train_defaults.h"
#include "train/train_plan.h"
#include "train/trainer.h"
#include "worker/engine_jobs.h"

#include <QString>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProcess;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class QCustomPlot;

namespace pm::train {
class MetricsFollower;
}

namespace pm::app {

class AppSettings;
class EngineController;
class SampleListWidget;

class TrainPage : public QWidget {
    Q_OBJECT
public:
    TrainPage(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);
    ~TrainPage() override;
    QCustomPlot* lossPlot() const { return m_plot; }

    // What the controls say, in the words every front end shares (train_defaults.h)...
    pm::train::TrainChoices currentChoices() const;
    // ...and the run that Start hands to the engine (makeTrainConfig of the choices).
    pm::train::TrainConfig currentConfig() const;
    // A run this page started: in the engine (trainingJob) or in worker processes (hasWorkers).
    bool isRunning() const { return m_trainJob != 0 || hasWorkers(); }
    quint64 trainingJob() const { return m_trainJob; }
    bool hasWorkers() const;
    // Following a run folder (opened, or the workers' own): its metrics.jsonl is polled.
    bool isFollowing() const { return m_follower != nullptr; }
    QString followedRun() const { return m_followedRun; }
    // Processes Start uses: the Processes box's value where it is shown (2+ CUDA devices), else 1.
    int processes() const;
    // Where pianomuse-cli is ("" when it is not there): beside this executable (installed), or
    // build/cli/ beside build/app/ (a build tree).
    QString cliProgram() const;
    // Test seams: the CUDA device count (normally from the engine's system info), the program
    // Start runs for several processes, and how long Stop waits before it ends the workers.
    void setCudaDeviceCount(int count);
    void setCliProgram(const QString& program) { m_cliProgram = program; }
    void setWorkerStopTimeout(int milliseconds) { m_workerStopTimeoutMs = milliseconds; }
    // The last plan shown ("" while none); planReady fires when one arrives.
    QString planText() const;
    const pm::train::TrainPlan& plan() const { return m_plan; }
    // Shows a finished or interrupted run's curves again from RUN_DIR/metrics.jsonl (false when
    // there is none). Reads the file once; followRun keeps reading it.
    bool loadRun(const QString& runDir);

public slots:
    void setDataset(const QString& directory);
    void start();
    void resumeRun(const QString& runDir);
    void setPaused(bool paused);
    void stop();
    // Opens Generate with this run's newest model: a running run exports its current weights
    // (training goes on); an ended one offers its best (else final) model.
    void tryCurrentModel();
    // Asks for a fresh plan of the current choices (debounced; the probe runs on the training lane).
    void requestPlan();
    // "Open a run…": shows RUN_DIR as far as it is written and follows it as it grows (also a
    // folder whose metrics.jsonl does not exist yet). Read-only. Ignored while this page runs one.
    void followRun(const QString& runDir);
    void stopFollowing();
    // "Report…": the Report page with this run's model (its best, else final) as model A and the
    // page's dataset; reportRequested carries them.
    void requestReport();

signals:
    void runStarted(const QString& runDir);
    void runEnded(bool ok);
    void planReady(bool ok);
    // "Try the current model": the main window opens the Generate page with this model.
    void auditionRequested(const QString& modelPath, qint64 step);
    // "Report…", or a run that ended well with "Report after each run" on (start = true: the
    // report starts at once).
    void reportRequested(const QString& modelPath, const QString& datasetDir, bool start);

private:
    void onEvent(const pm::train::TrainEvent& e);
    void onFinished(const pm::train::TrainResult& r);
    void onPlanned(quint64 job, const pm::train::TrainPlan& plan);
    void onJobFinished(const pm::app::JobInfo& job, pm::app::JobEnd end, const QString& message);
    void showPlan(const pm::train::TrainPlan& plan);
    QString planSentence(const pm::train::TrainPlan& plan) const;
    QString planKey() const;   // the config a plan was made for, without the run folder
    void addTrainPoint(double step, double loss, double lr);
    void addValidationPoint(double step, double loss);
    void clearCurves();
    void log(const QString& line);
    void updateButtons();
    // The run's model a report is about ("" when it has none yet): best, else final.
    QString reportModel() const;
    // A run ended: with "Report after each run" on and a good ending, ask for the report.
    void reportAfterRun(bool ok);
    void updateLengthControls();
    void updateLearningRateHint();
    void launch(pm::train::TrainConfig config);
    // The plot, log and progress for one event, whether the engine sent it or a follower read it.
    void presentEvent(const pm::train::TrainEvent& e);
    // Reads what `follower` has not shown yet; `catchUp`: all of it (a freshly opened file), quietly.
    void readFollowed(pm::train::MetricsFollower& follower, bool catchUp);
    void pollFollowed();
    void updateFollowLabel();
    void rescalePlot();
    void rewindCurves(double afterStep);
    // Several processes: pianomuse-cli train --nproc N, followed through its run folder.
    void startWorkers(pm::train::TrainChoices choices);
    void interruptWorkers();
    void onWorkersFinished(int exitCode, bool crashed);

    EngineController* m_engine;
    AppSettings* m_settings;
    QString m_dataset;

    QLabel* m_datasetLabel;
    QComboBox* m_baseChoice;
    QLineEdit* m_basePath;
    QPushButton* m_browse;
    QComboBox* m_preset;
    QCheckBox* m_deepEmbed;
    QComboBox* m_method;
    QLabel* m_planLabel;
    QGroupBox* m_advanced;
    QComboBox* m_lengthMode;
    QSpinBox* m_steps;
    QSpinBox* m_epochs;
    QSpinBox* m_patience;
    QDoubleSpinBox* m_lr;
    QSpinBox* m_batch;
    QSpinBox* m_ctx;
    QSpinBox* m_validateEvery;
    QSpinBox* m_loraRank;
    QSpinBox* m_seed;
    QCheckBox* m_continuation;
    QLineEdit* m_runDir;
    QPushButton* m_startButton;
    QPushButton* m_pauseButton;
    QPushButton* m_stopButton;
    QPushButton* m_tryButton;
    QPushButton* m_reportButton;
    QCheckBox* m_autoReport;
    QPushButton* m_resumeButton;
    QPushButton* m_openButton;
    QLabel* m_processesLabel;
    QSpinBox* m_processes;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_followLabel;
    QCustomPlot* m_plot;
    QPlainTextEdit* m_log;
    SampleListWidget* m_samples;
    QTimer* m_planTimer;
    QString m_bundledBase;   // "" when this installation ships no base model

    quint64 m_trainJob = 0;       // the running training's job id (0 = none)
    quint64 m_planJob = 0;        // the plan being measured (0 = none)
    pm::train::TrainPlan m_plan;  // the last plan that arrived
    QString m_planFor;            // planKey() it was made for
    bool m_auditionPending = false;   // "Try the current model" waits for the trainer's export
    double m_smoothed = -1;
    QString m_activeRun;
    std::int64_t m_lastStep = 0;

    // Following a run folder (train/metrics_follower.h) and the worker processes.
    std::unique_ptr<pm::train::MetricsFollower> m_follower;
    QString m_followedRun;
    QTimer* m_followTimer;
    bool m_catchingUp = false;     // replaying what a file already held: no log line per record
    int m_cudaDevices = 0;
    QString m_cliProgram;          // test seam; "" = look beside the executable
    QProcess* m_workers = nullptr;
    QTimer* m_killTimer;
    int m_workerStopTimeoutMs = 60000;
    QByteArray m_workerErrors;     // the tail of the workers' stderr, for the line that says why
};

}  // namespace pm::app
