// Page 5: the model report. Did fine-tuning learn the user's style, is it still musical, does it
// copy? The engine's buildReport (engine/report/model_report.h, the same `pianomuse-cli report`
// runs) compares model A (a run's fine-tuned model) with model B (the bundled base model) on a
// dataset: bits per note on its validation pieces, continuations of validation prompts measured
// against the pieces' own continuations (bar charts of the overlaps and distances per feature,
// histograms overlaid), and each continuation's longest passage copied from a training piece.
// The continuations can be played; the report saves as JSON with PNGs of its charts.
//
// The report runs on the report lane (minutes of CPU); Cancel stops it between samples. The Train
// page offers it when a run has ended, and starts it by itself only when the user asked for that.
#pragma once

#include "worker/engine_jobs.h"
#include "worker/engine_types.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace pm::play {
class Player;
}

namespace pm::app {

class AppSettings;
class EngineController;

class ReportPage : public QWidget {
    Q_OBJECT
public:
    ReportPage(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);
    ~ReportPage() override;

    // What Run hands to the engine: the controls' values.
    pm::report::ReportRequest currentRequest() const;
    // The report shown (null before the first one finishes).
    const pm::report::ModelReport* report() const { return m_report.get(); }
    quint64 reportJob() const { return m_job; }   // the running report (0 = none)
    QString statusText() const;

    QCustomPlot* overlapPlot() const { return m_overlapPlot; }
    QCustomPlot* distancePlot() const { return m_distancePlot; }
    QCustomPlot* histogramPlot() const { return m_histogramPlot; }

    // Writes the report as JSON (pm::report::toJson) to `jsonPath`, and its charts beside it as
    // NAME-overlaps.png, NAME-distances.png and NAME-histogram-KEY.png (one per histogram).
    // False, with the reason on the status line, when a file cannot be written.
    bool saveTo(const QString& jsonPath);
    QStringList savedFiles() const { return m_savedFiles; }

    // Plays a continuation: `model` indexes the report's models, -1 the user's music (the
    // piece's own continuation of prompt `sample`). False with the reason on the status line.
    bool playSample(int model, int sample);
    bool isPlaying() const;
    // Test seam: the player Play uses (normally one on the output chosen in the settings).
    void setPlayer(std::unique_ptr<pm::play::Player> player);

public slots:
    void setDataset(const QString& directory);
    void setModelA(const QString& path);
    void setModelB(const QString& path);
    void runReport();
    void cancelReport();
    void showHistogram(int index);
    void stopPlayback();

signals:
    // After every report: true when one is shown, false when it failed or was cancelled.
    void reportDone(bool ok);

private:
    QWidget* buildInputs();
    QWidget* buildSummaryTab();
    QWidget* buildFeaturesTab();
    QWidget* buildHistogramsTab();
    QWidget* buildSamplesTab();
    void onProgress(quint64 job, const pm::report::ReportProgress& progress);
    void onFinished(quint64 job, const pm::app::ReportOutcome& outcome);
    void showReport();
    void fillBitsTable();
    void fillFeatureTable();
    void fillSamples();
    void setStatus(const QString& text, bool error = false);
    void updateButtons();
    void browseModel(QLineEdit* field);
    void browseDataset();
    void saveDialog();
    void playSelected();

    EngineController* m_engine;
    AppSettings* m_settings;

    QLineEdit* m_modelA;
    QLineEdit* m_modelB;
    QLineEdit* m_dataset;
    QSpinBox* m_samples;
    QSpinBox* m_seed;
    QSpinBox* m_promptBars;
    QSpinBox* m_continuationBars;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_evalWindows;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_save;
    QProgressBar* m_progress;
    QLabel* m_status;
    QTabWidget* m_tabs;

    QTableWidget* m_bitsTable;
    QLabel* m_summary;
    QLabel* m_notes;
    QCustomPlot* m_overlapPlot;
    QCustomPlot* m_distancePlot;
    QTableWidget* m_featureTable;
    QComboBox* m_histogramChoice;
    QCustomPlot* m_histogramPlot;
    QTreeWidget* m_sampleTree;
    QPushButton* m_play;
    QPushButton* m_stopPlay;
    QLabel* m_playStatus;
    QTimer* m_playPoll;

    quint64 m_job = 0;
    std::shared_ptr<const pm::report::ModelReport> m_report;
    QStringList m_savedFiles;
    std::unique_ptr<pm::play::Player> m_player;
};

}  // namespace pm::app
