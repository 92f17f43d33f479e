// Page 2: training. Settings (base model or a new one, method, a few essentials, an Advanced
// box), Start / Pause / Stop, live loss curves (raw, smoothed, validation; LR on the right axis),
// throughput, ETA and an event log. Everything arrives as plain structs from the engine thread.
#pragma once

#include "train/trainer.h"

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QCustomPlot;

namespace pm::app {

class AppSettings;
class EngineController;
class SampleListWidget;

class TrainPage : public QWidget {
    Q_OBJECT
public:
    TrainPage(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);
    QCustomPlot* lossPlot() const { return m_plot; }

    // The run the current settings describe (what Start hands to the engine).
    pm::train::TrainConfig currentConfig() const;
    bool isRunning() const { return m_running; }
    // Shows a finished or interrupted run's curves again from RUN_DIR/metrics.jsonl.
    bool loadRun(const QString& runDir);

public slots:
    void setDataset(const QString& directory);
    void start();
    void resumeRun(const QString& runDir);
    void setPaused(bool paused);
    void stop();

signals:
    void runStarted(const QString& runDir);
    void runEnded(bool ok);

private:
    void onEvent(const pm::train::TrainEvent& e);
    void onFinished(const pm::train::TrainResult& r);
    void addTrainPoint(double step, double loss, double lr);
    void addValidationPoint(double step, double loss);
    void clearCurves();
    void log(const QString& line);
    void updateButtons();
    void launch(pm::train::TrainConfig config);

    EngineController* m_engine;
    AppSettings* m_settings;
    QString m_dataset;

    QLabel* m_datasetLabel;
    QComboBox* m_baseChoice;
    QLineEdit* m_basePath;
    QComboBox* m_preset;
    QCheckBox* m_deepEmbed;
    QComboBox* m_method;
    QSpinBox* m_steps;
    QDoubleSpinBox* m_lr;
    QSpinBox* m_batch;
    QSpinBox* m_ctx;
    QGroupBox* m_advanced;
    QSpinBox* m_validateEvery;
    QSpinBox* m_loraRank;
    QSpinBox* m_seed;
    QCheckBox* m_continuation;
    QLineEdit* m_runDir;
    QPushButton* m_startButton;
    QPushButton* m_pauseButton;
    QPushButton* m_stopButton;
    QPushButton* m_resumeButton;
    QPushButton* m_openButton;
    QProgressBar* m_progress;
    QLabel* m_status;
    QCustomPlot* m_plot;
    QPlainTextEdit* m_log;
    SampleListWidget* m_samples;
    QString m_bundledBase;   // "" when this installation ships no base model

    bool m_running = false;
    double m_smoothed = -1;
    double m_valMin = 1e300, m_valMax = -1e300;
    QString m_activeRun;
};

}  // namespace pm::app
