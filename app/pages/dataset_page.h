// Page 1: the user's music. MIDI files and folders dropped here (or added with the buttons)
// are read, tokenized and saved as a training dataset on the engine thread, with a live
// per-file report, a summary, split and augmentation controls and a piano-roll preview.
#pragma once

#include "worker/engine_types.h"

#include <QStringList>
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace pm::app {

class AppSettings;
class EngineController;
class FileReportModel;
class PianoRollWidget;

class DatasetPage : public QWidget {
    Q_OBJECT
public:
    DatasetPage(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);

    // What a drop or the Add buttons do: remember the inputs and process them at once
    // (extending the current dataset when there is one).
    void addInputs(const QStringList& paths);
    // Rebuild the whole dataset from every input with the current options.
    void buildAll();
    void cancelBuild();
    void openDataset(const QString& directory);

    QString outputDirectory() const { return m_outputDir; }
    void setOutputDirectory(const QString& directory);
    bool isBuilding() const { return m_building; }
    FileReportModel* reportModel() const { return m_model; }
    QSortFilterProxyModel* filterModel() const { return m_proxy; }
    PianoRollWidget* preview() const { return m_preview; }
    QStringList inputs() const { return m_inputs; }

signals:
    void buildFinished(bool ok);
    void datasetChanged(const QString& directory);
    void demoRequested();   // "Try the demo" (the main window runs it on the Generate page)

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void startBuild(const QStringList& inputs, bool extend);
    void onRows(const FileReportBatch& rows);
    void onProgress(int done, int total, const QString& file);
    void onFinished(const DatasetBuildOutcome& outcome);
    void onPreview(const pm::dataset::NotePreview& preview);
    void onSelectionChanged();
    void showSummary(const pm::dataset::Manifest& manifest);
    void setBuilding(bool building);
    void updateButtons();
    void chooseFiles();
    void chooseFolder();
    void chooseDataset();

    EngineController* m_engine;
    AppSettings* m_settings;
    QString m_outputDir;
    QStringList m_inputs;
    bool m_building = false;
    quint64 m_buildJob = 0;   // the running build's job id (Cancel stops exactly it)

    FileReportModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    PianoRollWidget* m_preview;
    QLabel* m_summary;
    QLabel* m_folderLabel;
    QLineEdit* m_filter;
    QSpinBox* m_valPercent;
    QSpinBox* m_seed;
    QSpinBox* m_transposeMin;
    QSpinBox* m_transposeMax;
    QDoubleSpinBox* m_stretchMin;
    QDoubleSpinBox* m_stretchMax;
    QPushButton* m_build = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress;
};

}  // namespace pm::app
