#include "pages/train_page.h"

#include "pages/page_header.h"
#include "settings/app_settings.h"
#include "widgets/sample_list_widget.h"
#include "worker/engine_controller.h"

#include "core/system_info.h"
#include "model/base_model.h"
#include "model/rwkv7_config.h"
#include "train/metrics_follower.h"
#include "train/train_defaults.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#if defined(Q_OS_UNIX)
#include <csignal>     // SIGINT, SIGKILL
#include <sys/types.h>
#include <unistd.h>    // setpgid, kill
#endif

namespace pm::app {

namespace {

enum Graph { RawLoss = 0, SmoothLoss = 1, ValLoss = 2, LearningRate = 3 };

QString duration(double seconds) {
    const qint64 s = qint64(std::max(0.0, seconds));
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

// "31,000" in the user's locale.
QString count(std::int64_t n) { return QLocale().toString(qlonglong(n)); }

// Polling a followed run: metrics.jsonl gets a line per step, so twice a second keeps the plot
// live; each poll reads only what was appended (a stat and a small read on the GUI thread).
constexpr int kFollowIntervalMs = 500;
// Closing the window while workers run: how long they get to write their checkpoint.
constexpr int kCloseWaitMs = 10000;
// Keep this much of the workers' stderr (progress bars included) for the line that says why.
constexpr int kErrorTail = 4096;

#if defined(Q_OS_UNIX)
// Signals the started CLI, or its whole process group. Only for a real pid: kill(0, ...) would
// signal this process's own group, and QProcess says 0 for a process that has ended.
void signalWorkers(qint64 pid, int signal, bool group) {
    if (pid > 0) ::kill(group ? -pid_t(pid) : pid_t(pid), signal);
}
#endif

// A path from a followed run's records, as this process can open it. The writer names files
// relative to its own working directory when it was given a relative run folder (`-o run`), which
// need not be ours: a relative path that does not exist here is looked for in the run folder,
// where the trainer keeps samples, checkpoints and models.
QString localPath(const QString& runDir, const pm::train::TrainEvent& e) {
    const QString path = QString::fromStdString(e.path);
    if (path.isEmpty() || QFileInfo(path).isAbsolute() || QFileInfo::exists(path)) return path;
    using K = pm::train::TrainEvent::Kind;
    const QString sub = e.kind == K::Sample ? QStringLiteral("samples/") : e.kind == K::Checkpoint ? QStringLiteral("checkpoints/") : QString();
    const QString inRun = QDir(runDir).filePath(sub + QFileInfo(path).fileName());
    return QFileInfo::exists(inRun) ? inRun : path;
}

// The last non-empty line of the CLI's stderr (its one-line error comes last).
QString lastLine(const QByteArray& text) {
    const QStringList lines = QString::fromUtf8(text).split(QRegularExpression(QStringLiteral("[\\r\\n]")), Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (!it->trimmed().isEmpty()) return it->trimmed();
    return QString();
}

}  // namespace

TrainPage::TrainPage(EngineController* engine, AppSettings* settings, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_settings(settings), m_plot(new QCustomPlot(this)) {
    setObjectName(QStringLiteral("trainPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Train"),
        tr("Teach the model your style. Training shows its progress live: the loss falls as the model "
           "learns to predict your music, and the validation curve tells you when it stops improving."),
        this));

    auto* top = new QHBoxLayout;
    auto* form = new QFormLayout;
    m_datasetLabel = new QLabel(tr("No dataset yet: build or open one on the Dataset page."), this);
    m_datasetLabel->setWordWrap(true);
    m_datasetLabel->setAccessibleName(tr("Dataset"));
    form->addRow(tr("Dataset:"), m_datasetLabel);

    auto* baseRow = new QHBoxLayout;
    m_baseChoice = new QComboBox(this);
    m_baseChoice->setObjectName(QStringLiteral("baseChoice"));
    m_baseChoice->setAccessibleName(tr("Model to start from"));
    // The bundled base model (when this installation has it) is the default: fine-tuning something
    // that already plays the piano is what "one click" means.
    m_bundledBase = QString::fromStdString(pm::model::bundledBaseModelPath());
    if (!m_bundledBase.isEmpty()) m_baseChoice->addItem(tr("Fine-tune the PianoMuse base model"), QStringLiteral("bundled"));
    m_baseChoice->addItem(tr("New model"), QStringLiteral("new"));
    m_baseChoice->addItem(tr("Fine-tune a model file"), QStringLiteral("file"));
    m_basePath = new QLineEdit(this);
    m_basePath->setPlaceholderText(tr("Model file (.safetensors or .pth)"));
    m_basePath->setObjectName(QStringLiteral("basePathEdit"));
    m_basePath->setAccessibleName(tr("Model file to fine-tune"));
    m_browse = new QPushButton(tr("Browse…"), this);
    m_browse->setAccessibleName(tr("Browse for a model file to fine-tune"));
    baseRow->addWidget(m_baseChoice);
    baseRow->addWidget(m_basePath, 1);
    baseRow->addWidget(m_browse);
    form->addRow(tr("Model:"), baseRow);

    auto* sizeRow = new QHBoxLayout;
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("presetCombo"));
    m_preset->setAccessibleName(tr("New model size"));
    for (const std::string& p : pm::model::Rwkv7Config::presetNames()) m_preset->addItem(QString::fromStdString(p));
    m_deepEmbed = new QCheckBox(tr("DeepEmbed (RWKV-8 \"Heron\")"), this);
    sizeRow->addWidget(m_preset);
    sizeRow->addWidget(m_deepEmbed);
    sizeRow->addStretch();
    form->addRow(tr("New model size:"), sizeRow);

    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("methodCombo"));
    m_method->addItem(tr("Full fine-tuning"), QStringLiteral("full"));
    m_method->addItem(tr("LoRA (small adapters, merged on export)"), QStringLiteral("lora"));
    m_method->addItem(tr("State tuning (tiny artefact)"), QStringLiteral("state"));
    form->addRow(tr("Method:"), m_method);
    // Several CUDA devices: one training process per device (pianomuse-cli train --nproc N).
    // Hidden unless there are two or more (setCudaDeviceCount).
    m_processes = new QSpinBox(this);
    m_processes->setObjectName(QStringLiteral("processesSpin"));
    m_processes->setAccessibleName(tr("Training processes"));
    m_processes->setRange(1, 1);
    m_processes->setToolTip(tr("Train in this many processes, one per CUDA device (pianomuse-cli train --nproc). "
                               "Each process trains a batch of the size set under Advanced, so N processes train "
                               "N batches per step. Such a run cannot be paused; Stop writes a checkpoint."));
    m_processesLabel = new QLabel(tr("Processes:"), this);
    m_processesLabel->setBuddy(m_processes);
    form->addRow(m_processesLabel, m_processes);
    m_processesLabel->setVisible(false);
    m_processes->setVisible(false);
    m_runDir = new QLineEdit(this);
    m_runDir->setObjectName(QStringLiteral("runDirEdit"));
    m_runDir->setPlaceholderText(tr("Run folder (empty: a new one in the data folder)"));
    form->addRow(tr("Run folder:"), m_runDir);
    // The plan in words, before Start: how long, how much of the data, when it stops.
    m_planLabel = new QLabel(this);
    m_planLabel->setObjectName(QStringLiteral("planLabel"));
    m_planLabel->setWordWrap(true);
    m_planLabel->setAccessibleName(tr("Training plan"));
    form->addRow(tr("Plan:"), m_planLabel);
    top->addLayout(form, 2);

    // The rest: defaults come from the data and this machine (the plan); here they can be overridden.
    m_advanced = new QGroupBox(tr("Advanced"), this);
    m_advanced->setObjectName(QStringLiteral("advancedBox"));
    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    auto* adv = new QFormLayout(m_advanced);
    m_lengthMode = new QComboBox(m_advanced);
    m_lengthMode->setObjectName(QStringLiteral("lengthMode"));
    m_lengthMode->addItem(tr("Planned from the data and this computer"), QStringLiteral("plan"));
    m_lengthMode->addItem(tr("A number of steps"), QStringLiteral("steps"));
    m_lengthMode->addItem(tr("A number of passes over the data"), QStringLiteral("epochs"));
    adv->addRow(tr("Length:"), m_lengthMode);
    m_steps = new QSpinBox(m_advanced);
    m_steps->setObjectName(QStringLiteral("stepsSpin"));
    m_steps->setRange(1, 10000000);
    m_steps->setValue(300);
    adv->addRow(tr("Steps:"), m_steps);
    m_epochs = new QSpinBox(m_advanced);
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(3);
    adv->addRow(tr("Passes:"), m_epochs);
    m_patience = new QSpinBox(m_advanced);
    m_patience->setObjectName(QStringLiteral("patienceSpin"));
    // -1 = the engine's default (on for planned runs, off for a fixed length), as the CLI's.
    m_patience->setRange(-1, 1000);
    m_patience->setSpecialValueText(tr("default"));
    m_patience->setValue(-1);
    m_patience->setToolTip(tr("Stop early after this many validations without improvement (the best model is kept); "
                              "0 = never. Default: %1 for a planned run.")
                               .arg(pm::train::defaultPatience()));
    adv->addRow(tr("Stop early after (validations):"), m_patience);
    m_lr = new QDoubleSpinBox(m_advanced);
    m_lr->setObjectName(QStringLiteral("lrSpin"));
    m_lr->setDecimals(6);
    m_lr->setRange(0.0, 1.0);
    m_lr->setSingleStep(1e-5);
    m_lr->setValue(0.0);   // 0 = the engine's default for this method
    adv->addRow(tr("Learning rate:"), m_lr);
    m_batch = new QSpinBox(m_advanced);
    m_batch->setObjectName(QStringLiteral("batchSpin"));
    m_batch->setRange(1, 1024);
    m_batch->setValue(pm::train::TrainChoices{}.batchSize);
    adv->addRow(tr("Batch size:"), m_batch);
    m_ctx = new QSpinBox(m_advanced);
    m_ctx->setObjectName(QStringLiteral("ctxSpin"));
    m_ctx->setRange(16, 65536);
    m_ctx->setValue(pm::train::TrainChoices{}.ctxLen);
    adv->addRow(tr("Context length (tokens):"), m_ctx);
    m_validateEvery = new QSpinBox(m_advanced);
    m_validateEvery->setObjectName(QStringLiteral("validateSpin"));
    m_validateEvery->setRange(0, 1000000);
    m_validateEvery->setSpecialValueText(tr("planned"));
    m_validateEvery->setValue(0);
    adv->addRow(tr("Validate every (steps):"), m_validateEvery);
    m_loraRank = new QSpinBox(m_advanced);
    m_loraRank->setObjectName(QStringLiteral("loraRankSpin"));
    m_loraRank->setRange(1, 1024);
    m_loraRank->setValue(pm::train::TrainChoices{}.loraRank);
    adv->addRow(tr("LoRA rank:"), m_loraRank);
    m_seed = new QSpinBox(m_advanced);
    m_seed->setObjectName(QStringLiteral("trainSeedSpin"));
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(int(pm::train::TrainChoices{}.seed));
    adv->addRow(tr("Seed:"), m_seed);
    m_continuation = new QCheckBox(tr("Loss on continuations only"), m_advanced);
    adv->addRow(m_continuation);
    // Unchecked = collapsed: the box shows only its title.
    const auto showAdvanced = [this](bool on) {
        for (QWidget* w : m_advanced->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) w->setVisible(on);
    };
    connect(m_advanced, &QGroupBox::toggled, this, showAdvanced);
    showAdvanced(false);
    top->addWidget(m_advanced, 1, Qt::AlignTop);
    layout->addLayout(top);

    auto* buttons = new QHBoxLayout;
    m_startButton = new QPushButton(tr("Start"), this);
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_startButton->setAccessibleName(tr("Start training"));
    m_pauseButton = new QPushButton(tr("Pause"), this);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setAccessibleName(tr("Pause training"));
    m_pauseButton->setCheckable(true);
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setAccessibleName(tr("Stop training"));
    m_tryButton = new QPushButton(tr("Try the current model"), this);
    m_tryButton->setObjectName(QStringLiteral("tryModelButton"));
    m_tryButton->setAccessibleName(tr("Try the current model"));
    m_tryButton->setToolTip(tr("Opens Generate with the newest model of this run; training goes on"));
    m_resumeButton = new QPushButton(tr("Resume a run…"), this);
    m_resumeButton->setAccessibleName(tr("Resume a run"));
    m_openButton = new QPushButton(tr("Open a run…"), this);
    m_openButton->setObjectName(QStringLiteral("openRunButton"));
    m_openButton->setAccessibleName(tr("Open a run"));
    m_openButton->setToolTip(tr("Shows a run folder's curves and follows it while another process (pianomuse-cli, "
                                "a distributed run) is still writing it"));
    m_reportButton = new QPushButton(tr("Report…"), this);
    m_reportButton->setObjectName(QStringLiteral("reportButton"));
    m_reportButton->setAccessibleName(tr("Make a report on this run's model"));
    m_reportButton->setToolTip(tr("Compares this run's model with the base model on your validation pieces: what "
                                  "it learned, how its music differs, whether it copies your pieces"));
    for (QPushButton* b : {m_startButton, m_pauseButton, m_stopButton, m_tryButton, m_reportButton, m_resumeButton, m_openButton})
        buttons->addWidget(b);
    // Off unless the user wants it: a report samples and scores both models for minutes of CPU.
    m_autoReport = new QCheckBox(tr("Report after each run"), this);
    m_autoReport->setObjectName(QStringLiteral("autoReport"));
    m_autoReport->setAccessibleName(tr("Make a report after each run"));
    m_autoReport->setToolTip(tr("When a run ends well, make its report at once. It takes a few minutes of CPU time, "
                                "so it is off unless you turn it on."));
    m_autoReport->setChecked(m_settings && m_settings->reportAfterTraining());
    buttons->addWidget(m_autoReport);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("trainProgress"));
    m_progress->setAccessibleName(tr("Training progress"));
    buttons->addWidget(m_progress, 1);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("trainStatus"));
    m_status->setAccessibleName(tr("Training status"));
    layout->addWidget(m_status);
    // Whose run the plot shows when this page does not train it itself.
    m_followLabel = new QLabel(this);
    m_followLabel->setObjectName(QStringLiteral("followLabel"));
    m_followLabel->setAccessibleName(tr("Followed run"));
    m_followLabel->setWordWrap(true);
    m_followLabel->setVisible(false);
    layout->addWidget(m_followLabel);

    m_plot->setObjectName(QStringLiteral("lossPlot"));
    m_plot->setAccessibleName(tr("Loss curves"));
    m_plot->setAccessibleDescription(tr("Training loss, smoothed training loss and validation loss per step, with the learning rate"));
    m_plot->setMinimumHeight(240);
    m_plot->xAxis->setLabel(tr("Step"));
    m_plot->yAxis->setLabel(tr("Loss (nats per token)"));
    m_plot->yAxis2->setLabel(tr("Learning rate"));
    m_plot->yAxis2->setVisible(true);
    m_plot->addGraph()->setName(tr("Training"));
    m_plot->graph(RawLoss)->setPen(QPen(QColor(120, 160, 220)));
    m_plot->addGraph()->setName(tr("Training (smoothed)"));
    m_plot->graph(SmoothLoss)->setPen(QPen(Qt::darkBlue, 2));
    m_plot->addGraph()->setName(tr("Validation"));
    m_plot->graph(ValLoss)->setPen(QPen(Qt::darkRed, 2));
    m_plot->graph(ValLoss)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2)->setName(tr("Learning rate"));
    m_plot->graph(LearningRate)->setPen(QPen(Qt::darkGreen, 1, Qt::DashLine));
    m_plot->legend->setVisible(true);
    m_plot->xAxis->setRange(0, 100);
    m_plot->yAxis->setRange(0, 8);
    layout->addWidget(m_plot, 1);

    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("trainLog"));
    m_log->setAccessibleName(tr("Training log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_log->setMaximumHeight(110);
    m_samples = new SampleListWidget(m_settings, this);
    m_samples->setMaximumHeight(150);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_log, 3);
    bottom->addWidget(m_samples, 2);
    layout->addLayout(bottom);

    // Plans are measured (a few seconds of real training steps), so settle the controls first.
    m_planTimer = new QTimer(this);
    m_planTimer->setSingleShot(true);
    m_planTimer->setInterval(400);
    connect(m_planTimer, &QTimer::timeout, this, [this] {
        if (!m_engine || isRunning() || m_dataset.isEmpty() || m_lengthMode->currentData().toString() != QLatin1String("plan")) return;
        if (m_planJob) m_engine->cancel(m_planJob);
        pm::train::TrainConfig c = currentConfig();
        c.steps = 0;
        c.epochs = 0;
        m_planFor = planKey();
        m_planJob = m_engine->requestTrainingPlan(c);
        m_planLabel->setText(tr("Measuring this computer's speed…"));
    });

    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Model to fine-tune"), m_settings ? m_settings->dataFolder() : QString(),
                                                       tr("Models (*.safetensors *.pth)"));
        if (!f.isEmpty()) m_basePath->setText(f), m_baseChoice->setCurrentIndex(m_baseChoice->findData(QStringLiteral("file")));
    });
    const auto onBaseChoice = [this] {
        const QString kind = m_baseChoice->currentData().toString();
        const bool isNew = kind == QLatin1String("new");
        m_basePath->setEnabled(kind == QLatin1String("file"));
        m_browse->setEnabled(kind != QLatin1String("bundled") || m_bundledBase.isEmpty());
        m_preset->setEnabled(isNew);
        m_deepEmbed->setEnabled(isNew);
        updateLearningRateHint();
        requestPlan();
    };
    connect(m_baseChoice, &QComboBox::currentIndexChanged, this, onBaseChoice);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        updateLearningRateHint();
        requestPlan();
    });
    connect(m_lengthMode, &QComboBox::currentIndexChanged, this, [this] {
        updateLengthControls();
        requestPlan();
    });
    for (QSpinBox* s : {m_batch, m_ctx}) connect(s, &QSpinBox::valueChanged, this, &TrainPage::requestPlan);
    for (QSpinBox* s : {m_steps, m_epochs}) connect(s, &QSpinBox::valueChanged, this, &TrainPage::updateLengthControls);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &TrainPage::requestPlan);
    connect(m_basePath, &QLineEdit::editingFinished, this, &TrainPage::requestPlan);
    onBaseChoice();
    updateLengthControls();
    connect(m_startButton, &QPushButton::clicked, this, &TrainPage::start);
    connect(m_pauseButton, &QPushButton::toggled, this, &TrainPage::setPaused);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_tryButton, &QPushButton::clicked, this, &TrainPage::tryCurrentModel);
    connect(m_reportButton, &QPushButton::clicked, this, &TrainPage::requestReport);
    connect(m_autoReport, &QCheckBox::toggled, this, [this](bool on) {
        if (m_settings) m_settings->setReportAfterTraining(on);
    });
    connect(m_runDir, &QLineEdit::textChanged, this, &TrainPage::updateButtons);
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Run folder to resume"), m_settings ? m_settings->dataFolder() : QString());
        if (!d.isEmpty()) resumeRun(d);
    });
    connect(m_openButton, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Run folder"), m_settings ? m_settings->dataFolder() : QString());
        if (!d.isEmpty()) followRun(d);
    });
    m_followTimer = new QTimer(this);
    m_followTimer->setInterval(kFollowIntervalMs);
    connect(m_followTimer, &QTimer::timeout, this, &TrainPage::pollFollowed);
    m_killTimer = new QTimer(this);
    m_killTimer->setSingleShot(true);
    connect(m_killTimer, &QTimer::timeout, this, [this] {
        if (!hasWorkers()) return;
        log(tr("The training processes did not stop in time and were ended; the last checkpoint is kept."));
#if defined(Q_OS_UNIX)
        // The whole group (startWorkers made the CLI its leader).
        signalWorkers(m_workers->processId(), SIGKILL, true);
#endif
        m_workers->kill();
    });
    if (m_engine) {
        connect(m_engine, &EngineController::trainingEvent, this, &TrainPage::onEvent);
        connect(m_engine, &EngineController::trainingFinished, this, &TrainPage::onFinished);
        connect(m_engine, &EngineController::trainingPlanned, this, &TrainPage::onPlanned);
        connect(m_engine, &EngineController::jobFinished, this, &TrainPage::onJobFinished);
        connect(m_engine, &EngineController::jobsChanged, this, &TrainPage::updateButtons);
        connect(m_engine, &EngineController::systemInfoReady, this, [this](const pm::SystemInfo& info) {
            setCudaDeviceCount(int(std::count_if(info.devices.begin(), info.devices.end(),
                                                 [](const pm::ComputeDevice& d) { return d.kind == pm::DeviceKind::Cuda; })));
        });
    }
    updateButtons();
}

TrainPage::~TrainPage() {
    if (!hasWorkers()) return;
    // Closing the window: the workers stop as on Stop (a checkpoint first) and get a while to do
    // so; whatever is still running then is ended (checkpoints are written atomically).
    m_workers->disconnect(this);
    interruptWorkers();
    m_killTimer->stop();
    if (!m_workers->waitForFinished(kCloseWaitMs)) {
#if defined(Q_OS_UNIX)
        signalWorkers(m_workers->processId(), SIGKILL, true);
#endif
        m_workers->kill();
        m_workers->waitForFinished(2000);
    }
}

void TrainPage::setDataset(const QString& directory) {
    m_dataset = directory;
    m_datasetLabel->setText(QDir::toNativeSeparators(directory));
    updateButtons();
    requestPlan();
}

void TrainPage::updateLengthControls() {
    const QString mode = m_lengthMode->currentData().toString();
    m_steps->setEnabled(mode == QLatin1String("steps"));
    m_epochs->setEnabled(mode == QLatin1String("epochs"));
    if (mode != QLatin1String("plan")) {
        m_planLabel->setText(mode == QLatin1String("steps") ? tr("%n step(s), as set under Advanced.", nullptr, m_steps->value())
                                                            : tr("%n pass(es) over the data, as set under Advanced.", nullptr, m_epochs->value()));
    }
}

void TrainPage::updateLearningRateHint() {
    // The default shown is the engine's, so the page never disagrees with the CLI.
    pm::train::Method method = pm::train::Method::Full;
    pm::train::parseMethod(m_method->currentData().toString().toStdString(), &method);
    const bool isNew = m_baseChoice->currentData().toString() == QLatin1String("new");
    m_lr->setSpecialValueText(tr("default (%1)").arg(pm::train::defaultLearningRate(isNew, method), 0, 'g', 3));
}

pm::train::TrainChoices TrainPage::currentChoices() const {
    pm::train::TrainChoices c;
    c.datasetDir = m_dataset.toStdString();
    const QString kind = m_baseChoice->currentData().toString();
    if (kind == QLatin1String("file")) c.baseModel = m_basePath->text().toStdString();
    if (kind == QLatin1String("bundled")) c.baseModel = m_bundledBase.toStdString();
    c.preset = m_preset->currentText().toStdString();
    c.deepEmbed = kind == QLatin1String("new") && m_deepEmbed->isChecked();
    pm::train::parseMethod(m_method->currentData().toString().toStdString(), &c.method);
    c.loraRank = m_loraRank->value();
    c.lr = m_lr->value();   // 0 = the default for the method
    const QString mode = m_lengthMode->currentData().toString();
    if (mode == QLatin1String("steps")) c.steps = m_steps->value();
    if (mode == QLatin1String("epochs")) c.epochs = m_epochs->value();
    c.patience = m_patience->value();
    c.batchSize = m_batch->value();
    c.ctxLen = m_ctx->value();
    c.seed = std::uint64_t(m_seed->value());
    c.continuation = m_continuation->isChecked();
    c.validateEvery = m_validateEvery->value();
    // The device exactly as set ("cuda:1" stays "cuda:1"); the trainer resolves it.
    c.device = m_settings ? m_settings->device().toStdString() : std::string("auto");
    QString run = m_runDir->text().trimmed();
    if (run.isEmpty()) {
        const QString base = m_settings ? m_settings->dataFolder() : QDir::tempPath();
        run = QDir(base).filePath(QStringLiteral("runs/run-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    }
    c.runDir = run.toStdString();
    return c;
}

pm::train::TrainConfig TrainPage::currentConfig() const { return pm::train::makeTrainConfig(currentChoices()); }

QString TrainPage::planKey() const {
    pm::train::TrainConfig c = currentConfig();
    c.runDir.clear();
    c.steps = 0;
    c.epochs = 0;
    return QString::fromStdString(pm::train::trainConfigJson(c));
}

void TrainPage::requestPlan() {
    if (m_planTimer && m_lengthMode && m_lengthMode->currentData().toString() == QLatin1String("plan")) m_planTimer->start();
}

QString TrainPage::planText() const { return m_planLabel->text(); }

QString TrainPage::planSentence(const pm::train::TrainPlan& p) const {
    const int minutes = std::max(1, int(std::lround(p.estimatedSeconds / 60.0)));
    const QString when = tr("about %n minute(s) on this computer", nullptr, minutes);
    const QString what = p.passes >= 0.995
                             ? tr("%1 passes over %2 tokens").arg(QLocale().toString(p.passes, 'f', p.passes < 10 ? 1 : 0), count(p.tokensPerPass))
                             : tr("%1 % of one pass over %2 tokens").arg(int(std::lround(p.passes * 100))).arg(count(p.tokensPerPass));
    QString s = tr("%1: %2 (%n step(s))", nullptr, int(std::min<std::int64_t>(p.steps, INT_MAX))).arg(when, what);
    if (p.patience > 0) s += tr(", stops early when validation stops improving");
    if (p.timeCapped) s += tr("; shortened to fit the time budget");
    //: The end of the plan sentence (a full stop in the language's own script).
    return tr("%1.", "sentence end").arg(s);
}

void TrainPage::showPlan(const pm::train::TrainPlan& plan) {
    if (!plan.ok) {
        m_planLabel->setText(tr("No plan: %1").arg(QString::fromStdString(plan.error)));
        return;
    }
    m_planLabel->setText(planSentence(plan));
    m_planLabel->setToolTip(tr("Measured: %1 tokens/s on %2").arg(plan.tokensPerSecond, 0, 'f', 0).arg(QString::fromStdString(plan.device)));
}

void TrainPage::onPlanned(quint64 job, const pm::train::TrainPlan& plan) {
    if (job != m_planJob) return;   // an older plan, for settings since changed
    m_planJob = 0;
    m_plan = plan;
    if (m_lengthMode->currentData().toString() == QLatin1String("plan")) showPlan(plan);
    emit planReady(plan.ok);
}

void TrainPage::onJobFinished(const pm::app::JobInfo& job, pm::app::JobEnd end, const QString& message) {
    if (job.id == m_planJob) {
        // Cancelled, or failed before it could report (e.g. the base model file is missing).
        m_planJob = 0;
        if (end == JobEnd::Failed) m_planLabel->setText(tr("No plan: %1").arg(message));
        if (end != JobEnd::Cancelled || m_planLabel->text() == tr("Measuring this computer's speed…")) emit planReady(false);
    }
}

void TrainPage::launch(pm::train::TrainConfig config) {
    if (!m_engine || isRunning()) return;
    if (m_planJob) {
        m_engine->cancel(m_planJob);   // Start does not wait for a probe: the trainer plans itself
        m_planJob = 0;
    }
    const quint64 job = m_engine->requestTraining(config);
    if (job == 0) {
        log(m_engine->lastRefusal());
        return;
    }
    m_trainJob = job;
    m_lastStep = 0;
    m_activeRun = QString::fromStdString(config.runDir);
    m_pauseButton->setChecked(false);
    updateButtons();
    emit runStarted(m_activeRun);
}

void TrainPage::start() {
    if (m_dataset.isEmpty()) {
        log(tr("Choose a dataset first (Dataset page)."));
        return;
    }
    stopFollowing();
    if (processes() > 1) {
        clearCurves();
        m_samples->clear();
        startWorkers(currentChoices());
        return;
    }
    pm::train::TrainConfig config = currentConfig();
    // The plan shown is the plan run, when it was made for exactly these settings; otherwise
    // the trainer measures and plans itself (config.steps == 0).
    if (config.steps == 0 && config.epochs == 0 && m_plan.ok && m_planFor == planKey()) pm::train::applyPlan(m_plan, &config);
    clearCurves();
    m_samples->clear();
    launch(config);
}

void TrainPage::resumeRun(const QString& runDir) {
    stopFollowing();
    if (processes() > 1) {
        pm::train::TrainChoices choices = currentChoices();
        choices.runDir = runDir.toStdString();
        choices.resume = true;
        startWorkers(choices);
        return;
    }
    pm::train::TrainConfig c = currentConfig();
    c.runDir = runDir.toStdString();
    c.resume = true;
    loadRun(runDir);   // the curves so far; the run appends to them
    launch(c);
}

void TrainPage::setPaused(bool paused) {
    if (m_engine && m_trainJob) m_engine->pauseTraining(m_trainJob, paused);
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setAccessibleName(paused ? tr("Resume training") : tr("Pause training"));
    if (m_trainJob) log(paused ? tr("Paused.") : tr("Resumed."));
}

void TrainPage::stop() {
    if (hasWorkers()) {
        interruptWorkers();
        return;
    }
    // A followed run belongs to another process: Stop is disabled for it and does nothing here.
    if (!m_trainJob || !m_engine) return;
    m_engine->cancel(m_trainJob);   // this run only; it checkpoints first
    log(tr("Stopping after the current step (a checkpoint is written)…"));
}

void TrainPage::tryCurrentModel() {
    if (m_trainJob) {
        // The trainer writes its current weights at its next step; onEvent(Exported) opens Generate.
        m_auditionPending = true;
        m_engine->exportTrainingModel(m_trainJob);
        m_tryButton->setEnabled(false);
        log(tr("Saving the current model for you to try (training goes on)…"));
        return;
    }
    // Not trained here (ended, followed, or in worker processes): what the folder has, the best
    // first; "latest" only exists where someone asked a running trainer for it.
    const QString run = m_activeRun.isEmpty() ? m_runDir->text().trimmed() : m_activeRun;
    for (const char* name : {"model-best.safetensors", "model-final.safetensors", "model-latest.safetensors"}) {
        const QString path = QDir(run).filePath(QLatin1String(name));
        if (QFileInfo::exists(path)) {
            emit auditionRequested(path, m_lastStep);
            return;
        }
    }
    log(tr("This run has no model yet."));
}
QString TrainPage::reportModel() const {
    const QString run = m_activeRun.isEmpty() ? m_runDir->text().trimmed() : m_activeRun;
    if (run.isEmpty()) return QString();
    for (const char* name : {"model-best.safetensors", "model-final.safetensors"}) {
        const QString path = QDir(run).filePath(QLatin1String(name));
        if (QFileInfo::exists(path)) return path;
    }
    return QString();
}

void TrainPage::requestReport() {
    const QString model = reportModel();
    if (model.isEmpty()) {
        log(tr("This run has no model to report on yet."));
        return;
    }
    emit reportRequested(model, m_dataset, false);
}

void TrainPage::reportAfterRun(bool ok) {
    if (!ok || !m_autoReport->isChecked()) return;
    const QString model = reportModel();
    if (model.isEmpty()) return;
    log(tr("Making the report on %1 (Report page)…").arg(QFileInfo(model).fileName()));
    emit reportRequested(model, m_dataset, true);
}

void TrainPage::clearCurves() {
    for (int g = 0; g < m_plot->graphCount(); ++g) m_plot->graph(g)->data()->clear();
    m_smoothed = -1;
    m_lastStep = 0;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainPage::rewindCurves(double afterStep) {
    // A resumed run goes on from its checkpoint: what the earlier attempt logged after that step
    // is not part of the run any more (the later record wins, as metrics.jsonl is read).
    for (int g = 0; g < m_plot->graphCount(); ++g) m_plot->graph(g)->data()->removeAfter(afterStep);
    const auto smooth = m_plot->graph(SmoothLoss)->data();
    m_smoothed = smooth->isEmpty() ? -1 : (smooth->constEnd() - 1)->value;
}

void TrainPage::addTrainPoint(double step, double loss, double lr) {
    // A step at or before the last one shown (a resume without its record): replace, not add.
    const auto raw = m_plot->graph(RawLoss)->data();
    if (!raw->isEmpty() && step <= (raw->constEnd() - 1)->key) rewindCurves(step - 0.5);
    // Exponential smoothing over ~20 steps: the raw curve is noisy with small batches.
    m_smoothed = m_smoothed < 0 ? loss : 0.95 * m_smoothed + 0.05 * loss;
    m_plot->graph(RawLoss)->addData(step, loss);
    m_plot->graph(SmoothLoss)->addData(step, m_smoothed);
    m_plot->graph(LearningRate)->addData(step, lr);
}

void TrainPage::addValidationPoint(double step, double loss) {
    const auto val = m_plot->graph(ValLoss)->data();
    if (!val->isEmpty() && step <= (val->constEnd() - 1)->key) val->removeAfter(step - 0.5);
    m_plot->graph(ValLoss)->addData(step, loss);
}

void TrainPage::rescalePlot() {
    m_plot->graph(RawLoss)->rescaleAxes();
    m_plot->graph(ValLoss)->rescaleValueAxis(true);
    m_plot->graph(LearningRate)->rescaleValueAxis();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainPage::onEvent(const pm::train::TrainEvent& e) {
    if (!m_trainJob) return;   // no run of this page's in the engine
    presentEvent(e);
}

void TrainPage::presentEvent(const pm::train::TrainEvent& e) {
    // While a followed file is replayed from its start (m_catchingUp) only the curves and the
    // state are rebuilt: thousands of old records are not news for the log.
    const bool quiet = m_catchingUp;
    using K = pm::train::TrainEvent::Kind;
    switch (e.kind) {
    case K::Planned:
        if (!quiet) log(tr("Plan: %1").arg(QString::fromStdString(e.message)));
        m_planLabel->setText(QString::fromStdString(e.message));
        if (e.totalSteps > 0) m_progress->setRange(0, int(std::min<std::int64_t>(e.totalSteps, INT_MAX)));
        break;
    case K::Started:
        if (!quiet) log(tr("Training: %1").arg(QString::fromStdString(e.message)));
        m_progress->setRange(0, int(std::min<std::int64_t>(e.totalSteps, INT_MAX)));
        break;
    case K::Resumed:
        if (!quiet) log(tr("Resumed at step %1 from %2").arg(e.step).arg(QString::fromStdString(e.path)));
        rewindCurves(double(e.step) + 0.5);   // keeps the checkpoint's own step
        m_lastStep = e.step;
        break;
    case K::Step:
        m_lastStep = e.step;
        addTrainPoint(double(e.step), e.loss, e.lr);
        // A followed run whose length is not known yet (no plan line, no --steps): a busy bar.
        m_progress->setRange(0, int(std::min<std::int64_t>(std::max<std::int64_t>(e.totalSteps, 0), INT_MAX)));
        if (e.totalSteps > 0) m_progress->setValue(int(std::min<std::int64_t>(e.step, INT_MAX)));
        if (e.totalSteps > 0)
            m_status->setText(tr("Step %1 of %2 · loss %3 · %4 tokens/s · elapsed %5 · ETA %6")
                                  .arg(e.step)
                                  .arg(e.totalSteps)
                                  .arg(e.loss, 0, 'f', 4)
                                  .arg(e.tokensPerSec, 0, 'f', 0)
                                  .arg(duration(e.elapsed), duration(e.eta)));
        else
            m_status->setText(tr("Step %1 · loss %2 · %3 tokens/s · elapsed %4")
                                  .arg(e.step)
                                  .arg(e.loss, 0, 'f', 4)
                                  .arg(e.tokensPerSec, 0, 'f', 0)
                                  .arg(duration(e.elapsed)));
        if (!quiet) rescalePlot();
        break;
    case K::Validation:
        addValidationPoint(double(e.step), e.valLoss);
        if (!quiet) {
            log(tr("Step %1: validation loss %2, %3 bits/note%4")
                    .arg(e.step)
                    .arg(e.valLoss, 0, 'f', 4)
                    .arg(e.valBitsPerNote, 0, 'f', 3)
                    .arg(e.best ? tr(" (best so far)") : QString()));
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
        break;
    case K::Checkpoint:
        if (!quiet) log(tr("Checkpoint written: %1").arg(QString::fromStdString(e.path)));
        break;
    case K::Sample:
        // A replayed file's samples are listed from the folder afterwards (SampleListWidget::loadRun).
        if (!quiet) {
            log(tr("Sample: %1").arg(QString::fromStdString(e.path)));
            if (!e.copy.empty())   // the engine's flag policy decided; say it where the user listens
                log(tr("Warning: this sample copies a training piece (%1)").arg(QString::fromStdString(e.copy)));
            m_samples->addSample(e.step, QString::fromStdString(e.path), QString::fromStdString(e.copy));
        }
        break;
    case K::Warning:
        if (!quiet) log(tr("Warning: %1").arg(QString::fromStdString(e.message)));
        break;
    case K::Exported:
        if (!quiet) log(tr("Step %1: the current model is saved as %2").arg(e.step).arg(QString::fromStdString(e.path)));
        if (m_auditionPending && m_trainJob) {
            m_auditionPending = false;
            emit auditionRequested(QString::fromStdString(e.path), e.step);
        }
        updateButtons();
        break;
    case K::Finished:
        // This page's own run says more in onFinished; a followed run's end record is all there is.
        if (!m_trainJob && !e.message.empty()) log(tr("The run ended: %1").arg(QString::fromStdString(e.message)));
        if (!quiet) log(tr("Model saved: %1").arg(QString::fromStdString(e.path)));
        if (e.step > 0 && m_progress->maximum() > 0) m_progress->setValue(int(std::min<std::int64_t>(e.step, m_progress->maximum())));
        updateButtons();
        break;
    }
}

void TrainPage::onFinished(const pm::train::TrainResult& r) {
    if (!m_trainJob) return;
    m_trainJob = 0;
    m_auditionPending = false;
    if (!r.ok)
        log(tr("Training failed: %1").arg(QString::fromStdString(r.error)));
    else if (r.earlyStopped)
        log(tr("Stopped early at step %1: validation stopped improving. The best model (step %2) is kept as model-best.safetensors.")
                .arg(r.step)
                .arg(r.bestStep));
    else
        log(r.stopped ? tr("Stopped at step %1.").arg(r.step) : tr("Finished at step %1.").arg(r.step));
    updateButtons();
    reportAfterRun(r.ok && !r.stopped);
    emit runEnded(r.ok);
    requestPlan();
}

void TrainPage::readFollowed(pm::train::MetricsFollower& follower, bool catchUp) {
    m_catchingUp = catchUp;
    std::size_t malformed = 0;
    bool any = false;
    // Each poll reads a bounded amount; catching up with a long run's file takes several.
    for (int polls = 0;; ++polls) {
        const pm::train::FollowUpdate u = follower.poll();
        if (u.restarted) {
            // A new file under the same name (a fresh run into this folder): start the curves over.
            clearCurves();
            if (!catchUp) log(tr("%1 was replaced; reading it again from the start.").arg(QString::fromStdString(follower.metricsPath())));
        }
        for (pm::train::TrainEvent e : u.events) {
            e.path = localPath(QString::fromStdString(follower.runDir()), e).toStdString();
            presentEvent(e);
        }
        malformed += u.malformed;
        any = any || !u.events.empty() || u.restarted;
        // Live polls stop after a few reads (the next tick goes on), so the window stays responsive.
        if (!u.more || (!catchUp && polls >= 3)) break;
    }
    m_catchingUp = false;
    if (malformed > 0) log(tr("Skipped %n line(s) of %1 that are not metrics records.", nullptr, int(malformed))
                               .arg(QString::fromStdString(follower.metricsPath())));
    if (any) rescalePlot();
}

bool TrainPage::loadRun(const QString& runDir) {
    if (!QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")))) return false;
    // The follower is the one reader of metrics.jsonl, for live and ended runs alike.
    pm::train::MetricsFollower follower(runDir.toStdString());
    clearCurves();
    readFollowed(follower, true);
    m_runDir->setText(runDir);
    if (!isRunning()) m_activeRun = runDir;
    m_samples->loadRun(runDir);
    log(tr("Opened run %1 (%2 steps).").arg(QDir::toNativeSeparators(runDir)).arg(m_plot->graph(RawLoss)->dataCount()));
    return true;
}

void TrainPage::followRun(const QString& runDir) {
    if (isRunning()) {
        log(tr("A run of this page is training: stop it before following another run."));
        return;
    }
    stopFollowing();
    m_follower = std::make_unique<pm::train::MetricsFollower>(runDir.toStdString());
    m_followedRun = runDir;
    m_activeRun = runDir;
    m_runDir->setText(runDir);
    m_samples->clear();
    clearCurves();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->clear();
    readFollowed(*m_follower, true);
    m_samples->loadRun(runDir);
    if (m_follower->fileExists())
        log(tr("Opened run %1 (%2 steps).").arg(QDir::toNativeSeparators(runDir)).arg(m_plot->graph(RawLoss)->dataCount()));
    else
        log(tr("No metrics.jsonl in %1 yet: waiting for it.").arg(QDir::toNativeSeparators(runDir)));
    m_followTimer->start();
    updateFollowLabel();
    updateButtons();
}

void TrainPage::stopFollowing() {
    m_followTimer->stop();
    m_follower.reset();
    m_followedRun.clear();
    updateFollowLabel();
    updateButtons();
}

void TrainPage::pollFollowed() {
    if (!m_follower) return;
    readFollowed(*m_follower, false);
    updateFollowLabel();
    updateButtons();   // a model file may have appeared, the run may have ended or gone quiet
}

void TrainPage::updateFollowLabel() {
    const QString run = QDir::toNativeSeparators(m_activeRun);
    QString text;
    if (hasWorkers()) {
        text = tr("%1 is trained by %n worker process(es) (pianomuse-cli): Pause is not available; Stop asks them to "
                  "stop after a checkpoint.", nullptr, processes())
                   .arg(run);
    } else if (m_follower) {
        const QString followed = QDir::toNativeSeparators(m_followedRun);
        if (!m_follower->fileExists()) {
            text = tr("Waiting for %1 to appear…").arg(QDir::toNativeSeparators(QString::fromStdString(m_follower->metricsPath())));
        } else if (m_follower->ended()) {
            const std::string why = m_follower->endReason();
            const QString reason = why == "stopped"         ? tr("stopped")
                                   : why == "early_stopped" ? tr("stopped early")
                                   : why == "time_limit"    ? tr("time limit reached")
                                                            : tr("finished");
            text = tr("%1 (written by another process) has ended: %2.").arg(followed, reason);
        } else if (!m_follower->isLive()) {
            text = tr("Following %1 (written by another process): nothing written for %2.")
                       .arg(followed, duration(m_follower->secondsSinceWrite()));
        } else {
            text = tr("Following %1 (written by another process): Start, Pause and Stop do not act on it.").arg(followed);
        }
    }
    m_followLabel->setText(text);
    m_followLabel->setVisible(!text.isEmpty());
}

bool TrainPage::hasWorkers() const { return m_workers != nullptr; }

int TrainPage::processes() const { return m_cudaDevices >= 2 ? m_processes->value() : 1; }

void TrainPage::setCudaDeviceCount(int count) {
    m_cudaDevices = std::max(0, count);
    const bool offer = m_cudaDevices >= 2;
    m_processes->setRange(1, std::max(1, m_cudaDevices));
    m_processesLabel->setVisible(offer);
    m_processes->setVisible(offer);
}

QString TrainPage::cliProgram() const {
    const auto runnable = [](const QString& p) { return QFileInfo(p).isFile() && QFileInfo(p).isExecutable(); };
    if (!m_cliProgram.isEmpty()) return runnable(m_cliProgram) ? m_cliProgram : QString();
#if defined(Q_OS_WIN)
    const QString name = QStringLiteral("pianomuse-cli.exe");
#else
    const QString name = QStringLiteral("pianomuse-cli");
#endif
    // Installed, both are in bin/; in a build tree the app is build/app/ and the CLI build/cli/.
    const QDir dir(QCoreApplication::applicationDirPath());
    for (const QString& p : {dir.filePath(name), dir.filePath(QStringLiteral("../cli/") + name)})
        if (runnable(p)) return QDir::cleanPath(p);
    return QString();
}

void TrainPage::startWorkers(pm::train::TrainChoices choices) {
    if (isRunning()) return;
    const int n = processes();
    const QString cli = cliProgram();
    if (cli.isEmpty()) {
        const QString where = m_cliProgram.isEmpty() ? QDir::toNativeSeparators(QCoreApplication::applicationDirPath()) : m_cliProgram;
        log(tr("Training in %n processes needs pianomuse-cli, which was not found (looked for %1). Install it with "
               "PianoMuse, or set Processes to 1.", nullptr, n)
                .arg(where));
        return;
    }
    std::string error;
    const std::vector<std::string> args = pm::train::trainCommandLine(choices, n, &error);
    if (args.empty()) {
        log(tr("Cannot start the training processes: %1").arg(QString::fromStdString(error)));
        return;
    }
    QStringList arguments;
    for (const std::string& a : args) arguments << QString::fromStdString(a);
    const QString run = QString::fromStdString(choices.runDir);

    // Follow the run folder: a fresh run skips what an older one left in its metrics.jsonl; a
    // resumed one shows its history first.
    m_follower = std::make_unique<pm::train::MetricsFollower>(choices.runDir);
    m_followedRun = run;
    const bool resuming = choices.resume || !choices.resumeFrom.empty();
    if (resuming) {
        clearCurves();
        readFollowed(*m_follower, true);
        m_samples->loadRun(run);
    } else {
        m_follower->skipExisting();
    }
    if (choices.steps > 0) m_follower->setTotalSteps(choices.steps);

    m_workers = new QProcess(this);
    m_workers->setProgram(cli);
    m_workers->setArguments(arguments);
    m_workers->setStandardOutputFile(QProcess::nullDevice());   // the summary; the run folder says it all
    m_workerErrors.clear();
#if defined(Q_OS_UNIX)
    // Its own process group, so a Ctrl-C typed where the app was started reaches the app only and
    // Stop decides what the run gets; the kill after the timeout ends the whole group. (The
    // --nproc launcher's workers sit in groups of their own and stop, with a checkpoint, when the
    // launcher dies: engine/dist/local_launcher.cpp.)
    m_workers->setChildProcessModifier([] { ::setpgid(0, 0); });
#endif
    connect(m_workers, &QProcess::readyReadStandardError, this, [this] {
        m_workerErrors += m_workers->readAllStandardError();
        if (m_workerErrors.size() > kErrorTail) m_workerErrors = m_workerErrors.right(kErrorTail);
    });
    connect(m_workers, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { onWorkersFinished(code, status == QProcess::CrashExit); });
    connect(m_workers, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) onWorkersFinished(-1, true);
    });
    m_activeRun = run;
    m_runDir->setText(run);
    m_lastStep = 0;
    m_pauseButton->setChecked(false);
    log(tr("Starting %n training process(es): %1 %2", nullptr, n).arg(QDir::toNativeSeparators(cli), arguments.join(QLatin1Char(' '))));
    m_workers->start();
    m_followTimer->start();
    updateFollowLabel();
    updateButtons();
    emit runStarted(m_activeRun);
}

void TrainPage::interruptWorkers() {
    if (!hasWorkers() || m_workers->state() == QProcess::NotRunning) return;
#if defined(Q_OS_UNIX)
    // Ctrl-C, as in a terminal: the CLI stops its workers after the current step and checkpoints.
    // A second Stop sends it again, which the CLI takes as "leave now".
    signalWorkers(m_workers->processId(), SIGINT, false);
#else
    // No console signal reaches a process without our console; the kill timer ends it (the last
    // periodic checkpoint is kept).
    m_workers->terminate();
#endif
    if (!m_killTimer->isActive()) m_killTimer->start(m_workerStopTimeoutMs);
    log(tr("Stopping the training processes after the current step (a checkpoint is written)…"));
}

void TrainPage::onWorkersFinished(int exitCode, bool crashed) {
    if (!m_workers) return;
    QProcess* workers = m_workers;
    m_workers = nullptr;
    m_killTimer->stop();
    workers->disconnect(this);
    m_workerErrors += workers->readAllStandardError();
    workers->deleteLater();
    // What the run wrote last (its end record among it).
    if (m_follower) readFollowed(*m_follower, false);
    const bool ok = !crashed && exitCode == 0;
    if (ok) {
        log(tr("The training processes have ended."));
    } else {
        const QString why = lastLine(m_workerErrors);
        if (!crashed) log(tr("pianomuse-cli ended with exit code %1: %2").arg(exitCode).arg(why));
        else if (why.isEmpty()) log(tr("pianomuse-cli did not finish: it could not start or was ended."));
        else log(tr("pianomuse-cli did not finish: %1").arg(why));
    }
    m_workerErrors.clear();
    stopFollowing();   // the run is over; its curves and folder stay shown
    updateButtons();
    reportAfterRun(ok);
    emit runEnded(ok);
    requestPlan();
}

void TrainPage::log(const QString& line) {
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void TrainPage::updateButtons() {
    const bool inEngine = m_trainJob != 0, workers = hasWorkers();
    const bool running = inEngine || workers;
    // The conflicts: two trainings writing into one run folder (the demo's included), and a new
    // run into the folder a followed process is still writing.
    const QString run = m_runDir->text().trimmed();
    const bool folderBusy = !running && m_engine && !run.isEmpty() && m_engine->isRunDirBusy(run);
    const bool followedLive = m_follower && !workers && m_follower->isLive();
    const bool folderFollowed = followedLive && !run.isEmpty() && QDir(run) == QDir(m_followedRun);
    m_startButton->setEnabled(!running && !m_dataset.isEmpty() && !folderBusy && !folderFollowed);
    m_startButton->setToolTip(folderBusy       ? tr("Another training is writing to this run folder")
                              : folderFollowed ? tr("Another process is writing to this run folder: choose another one")
                                               : QString());
    m_resumeButton->setEnabled(!running && !m_dataset.isEmpty());
    m_openButton->setEnabled(!running);
    m_processes->setEnabled(!running);
    // Pause is the engine's (TrainControl); a run in worker processes or another process has none.
    m_pauseButton->setEnabled(inEngine);
    m_pauseButton->setToolTip(workers          ? tr("A run in several processes cannot be paused: Stop writes a checkpoint "
                                                    "and \"Resume a run…\" continues it")
                              : m_follower ? tr("This run is written by another process; Pause does not act on it")
                                               : QString());
    m_stopButton->setEnabled(running);
    m_stopButton->setToolTip(m_follower && !workers ? tr("This run is written by another process; stop it there (Ctrl-C)")
                                                    : QString());
    const QString shownRun = m_activeRun.isEmpty() ? run : m_activeRun;
    bool haveModel = false;
    for (const char* name : {"model-best.safetensors", "model-final.safetensors", "model-latest.safetensors"})
        haveModel = haveModel || (!shownRun.isEmpty() && QFileInfo::exists(QDir(shownRun).filePath(QLatin1String(name))));
    m_tryButton->setEnabled((inEngine && !m_auditionPending) || (!inEngine && haveModel));
    m_reportButton->setEnabled(!running && !reportModel().isEmpty());
}

}  // namespace pm::app
