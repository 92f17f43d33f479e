#include "main_window.h"

#include "dialogs/about_dialog.h"
#include "dialogs/settings_dialog.h"
#include "pages/dataset_page.h"
#include "pages/generate_page.h"
#include "pages/jam_page.h"
#include "pages/report_page.h"
#include "pages/train_page.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>

namespace pm::app {

MainWindow::MainWindow(EngineController* engine, AppSettings* settings, QWidget* parent)
    : QMainWindow(parent), m_engine(engine), m_settings(settings) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("PianoMuse"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/pianomuse.svg")));

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    m_sidebar = new QListWidget(central);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setAccessibleName(tr("Pages"));
    m_sidebar->setIconSize(QSize(32, 32));
    m_sidebar->setFixedWidth(160);
    m_sidebar->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/dataset.svg")), tr("Dataset")));
    m_sidebar->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/train.svg")), tr("Train")));
    m_sidebar->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/generate.svg")), tr("Generate")));
    m_sidebar->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/jam.svg")), tr("Jam")));
    m_sidebar->addItem(new QListWidgetItem(QIcon(QStringLiteral(":/icons/report.svg")), tr("Report")));
    m_pages = new QStackedWidget(central);
    m_pages->setAccessibleName(tr("Current page"));
    m_pages->addWidget(new DatasetPage(m_engine, m_settings, m_pages));
    m_pages->addWidget(new TrainPage(m_engine, m_settings, m_pages));
    connect(m_pages->findChild<DatasetPage*>(), &DatasetPage::datasetChanged, m_pages->findChild<TrainPage*>(), &TrainPage::setDataset);
    m_pages->addWidget(new GeneratePage(m_engine, m_settings, m_pages));
    connect(m_pages->findChild<DatasetPage*>(), &DatasetPage::datasetChanged, m_pages->findChild<GeneratePage*>(), &GeneratePage::setDataset);
    // "Try the demo" on the start page: it runs, and ends, on the Generate page.
    connect(m_pages->findChild<DatasetPage*>(), &DatasetPage::demoRequested, this, [this] {
        m_sidebar->setCurrentRow(GeneratePageIndex);
        m_pages->findChild<GeneratePage*>()->startDemo();
    });
    m_pages->addWidget(new JamPage(m_engine, m_settings, m_pages));
    // "Try the current model" on the Train page: Generate opens with the run's newest model while
    // the training goes on; the next jam plays with it too.
    connect(m_pages->findChild<TrainPage*>(), &TrainPage::auditionRequested, this, [this](const QString& model, qint64 step) {
        m_pages->findChild<GeneratePage*>()->auditionModel(model, step);
        if (!m_pages->findChild<JamPage*>()->jamJob()) m_pages->findChild<JamPage*>()->setModelPath(model);
        m_sidebar->setCurrentRow(GeneratePageIndex);
    });
    // The model report: the dataset follows the Dataset page; the Train page's "Report…" (or a run
    // ending with "Report after each run" on) brings its model as model A.
    auto* report = new ReportPage(m_engine, m_settings, m_pages);
    m_pages->addWidget(report);
    connect(m_pages->findChild<DatasetPage*>(), &DatasetPage::datasetChanged, report, &ReportPage::setDataset);
    connect(m_pages->findChild<TrainPage*>(), &TrainPage::reportRequested, this,
            [this, report](const QString& model, const QString& dataset, bool start) {
                report->setModelA(model);
                if (!dataset.isEmpty()) report->setDataset(dataset);
                m_sidebar->setCurrentRow(ReportPageIndex);
                if (start) report->runReport();
            });
    layout->addWidget(m_sidebar);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_sidebar->setCurrentRow(DatasetPageIndex);

    buildMenus();
    buildStatusBar();

    connect(m_engine, &EngineController::systemInfoReady, this, &MainWindow::onSystemInfo);
    connect(m_engine, &EngineController::jobsChanged, this, &MainWindow::updateJobsLabel);
    m_engine->requestSystemInfo();

    if (!restoreGeometry(m_settings->windowGeometry())) resize(960, 640);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    QAction* prefs = tools->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    prefs->setShortcut(QKeySequence::Preferences);
    prefs->setObjectName(QStringLiteral("actionSettings"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PianoMuse"), this, &MainWindow::openAbout)->setObjectName(QStringLiteral("actionAbout"));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildStatusBar() {
    m_deviceLabel = new QLabel(tr("Device: detecting…"), this);
    m_deviceLabel->setObjectName(QStringLiteral("deviceLabel"));
    m_blasLabel = new QLabel(this);
    m_blasLabel->setObjectName(QStringLiteral("blasLabel"));
    m_blasLabel->setAccessibleName(tr("Matrix library"));
    m_deviceLabel->setAccessibleName(tr("Compute device"));
    // What the engine is doing right now: training, generating, building... side by side.
    m_jobsLabel = new QLabel(this);
    m_jobsLabel->setObjectName(QStringLiteral("jobsLabel"));
    m_jobsLabel->setAccessibleName(tr("Running jobs"));
    statusBar()->addPermanentWidget(m_jobsLabel);
    statusBar()->addPermanentWidget(m_blasLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);
}

void MainWindow::onSystemInfo(const pm::SystemInfo& info) {
    m_systemInfo = info;
    updateDeviceLabel();
    if (info.blas.slow) {
        m_blasLabel->setText(tr("Slow BLAS: install libopenblas0-pthread"));
        m_blasLabel->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
        m_blasLabel->setToolTip(tr("Matrix products run on the reference BLAS, about 20 times slower than "
                                   "OpenBLAS. Training will be very slow.\n%1")
                                    .arg(QString::fromStdString(info.blas.path)));
    } else {
        m_blasLabel->setText(tr("BLAS: %1").arg(QString::fromStdString(info.blas.library)));
        m_blasLabel->setStyleSheet(QString());
        m_blasLabel->setToolTip(QString::fromStdString(info.blas.path));
    }
}

void MainWindow::updateDeviceLabel() {
    if (m_systemInfo.devices.empty()) return;
    // Show what the engine will use for the configured device; "auto" prefers the first GPU.
    const QString wanted = m_settings->device();
    const pm::ComputeDevice* chosen = nullptr;
    for (const auto& d : m_systemInfo.devices)
        if (QString::fromStdString(d.id) == wanted) chosen = &d;
    bool fellBack = false;
    if (!chosen) {
        fellBack = wanted != QLatin1String("auto");
        chosen = m_systemInfo.devices.size() > 1 ? &m_systemInfo.devices[1] : &m_systemInfo.devices[0];
    }
    QString text = chosen->kind == pm::DeviceKind::Cpu
                       ? tr("Device: CPU, %1 threads").arg(m_systemInfo.intraOpThreads)
                       : tr("Device: %1").arg(QString::fromStdString(chosen->displayName));
    if (fellBack) text += tr(" — %1 is not available").arg(wanted);
    m_deviceLabel->setText(text);
}

QString MainWindow::deviceText() const { return m_deviceLabel->text(); }

QString MainWindow::jobName(const pm::app::JobInfo& job) {
    switch (job.kind) {
    case JobKind::Training: return tr("Training");
    case JobKind::TrainingPlan: return tr("Planning the training");
    case JobKind::Demo: return tr("Demo");
    case JobKind::Generation: return tr("Generating");
    case JobKind::GenerationUndo: return tr("Undoing");
    case JobKind::DatasetBuild: return tr("Building the dataset");
    case JobKind::DatasetOpen: return tr("Opening a dataset");
    case JobKind::Preview: return tr("Reading a preview");
    case JobKind::BlasMeasurement: return tr("Measuring speed");
    case JobKind::SystemInfo: return tr("Looking at this computer");
    case JobKind::MidiPorts: return tr("Listing MIDI ports");
    case JobKind::MidiInputPorts: return tr("Listing MIDI inputs");
    case JobKind::Jam: return tr("Jamming");
    case JobKind::Report: return tr("Making a report");
    }
    return QString();
}

QString MainWindow::jobsText() const { return m_jobsLabel->text(); }

void MainWindow::updateJobsLabel() {
    // Short queries come and go in milliseconds; the indicator is for work the user waits on.
    QStringList running;
    for (const JobInfo& j : m_engine->jobs()) {
        if (j.kind == JobKind::SystemInfo || j.kind == JobKind::MidiPorts || j.kind == JobKind::MidiInputPorts ||
            j.kind == JobKind::Preview)
            continue;
        running << jobName(j);
    }
    running.removeDuplicates();
    m_jobsLabel->setText(running.isEmpty() ? QString() : tr("Running: %1").arg(running.join(QStringLiteral(" · "))));
    m_jobsLabel->setToolTip(running.isEmpty() ? tr("Nothing is running") : running.join(QLatin1Char('\n')));
}

void MainWindow::showPage(Page page) { m_sidebar->setCurrentRow(page); }

MainWindow::Page MainWindow::currentPage() const { return Page(m_pages->currentIndex()); }

void MainWindow::openSettings() {
    SettingsDialog dialog(m_settings, m_engine, m_systemInfo, this);
    if (dialog.exec() == QDialog::Accepted) updateDeviceLabel();
}

void MainWindow::openAbout() {
    AboutDialog dialog(m_systemInfo, this);
    dialog.exec();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->sync();
    // Every job stops now (a training run writes its checkpoint first); the controller joins the
    // lanes within 2 s on destruction.
    m_engine->cancelAll();
    event->accept();
}

}  // namespace pm::app
