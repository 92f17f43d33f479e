// The main window: a sidebar of pages (Dataset, Train, Generate, Jam, Report), menus, and a status bar that
// says which compute device and BLAS the engine runs on.
#pragma once

#include "worker/engine_jobs.h"
#include "worker/engine_types.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace pm::app {

class AppSettings;
class EngineController;
class DatasetPage;
class TrainPage;
class GeneratePage;
class JamPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { DatasetPageIndex = 0, TrainPageIndex = 1, GeneratePageIndex = 2, JamPageIndex = 3, ReportPageIndex = 4 };

    MainWindow(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;
    QString deviceText() const;
    // What the status bar's job indicator says ("" when nothing runs).
    QString jobsText() const;
    // A job's name as the user reads it ("Training", "Generating", ...).
    static QString jobName(const pm::app::JobInfo& job);
    // The last system info the engine sent (empty devices until it arrives).
    const pm::SystemInfo& systemInfo() const { return m_systemInfo; }

public slots:
    void openSettings();
    void openAbout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void onSystemInfo(const pm::SystemInfo& info);
    void updateDeviceLabel();
    void updateJobsLabel();

    EngineController* m_engine;
    AppSettings* m_settings;
    pm::SystemInfo m_systemInfo;
    QListWidget* m_sidebar = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_deviceLabel = nullptr;
    QLabel* m_blasLabel = nullptr;
    QLabel* m_jobsLabel = nullptr;
};

}  // namespace pm::app
