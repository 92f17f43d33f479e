#include "pages/train_page.h"

#include "pages/page_header.h"
#include "settings/app_settings.h"
#include "widgets/sample_list_widget.h"
#include "worker/engine_controller.h"

#include "model/base_model.h"
#include "model/rwkv7_config.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTextStream>
#include <QVBoxLayout>

#include <cmath>

namespace pm::app {

namespace {

enum Graph { RawLoss = 0, SmoothLoss = 1, ValLoss = 2, LearningRate = 3 };

QString duration(double seconds) {
    const qint64 s = qint64(std::max(0.0, seconds));
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
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
    form->addRow(tr("Dataset:"), m_datasetLabel);

    auto* baseRow = new QHBoxLayout;
    m_baseChoice = new QComboBox(this);
    m_baseChoice->setObjectName(QStringLiteral("baseChoice"));
    // The bundled base model (when this installation has it) is the default: fine-tuning something
    // that already plays the piano is what "one click" means.
    m_bundledBase = QString::fromStdString(pm::model::bundledBaseModelPath());
    if (!m_bundledBase.isEmpty()) m_baseChoice->addItem(tr("Fine-tune the PianoMuse base model"), QStringLiteral("bundled"));
    m_baseChoice->addItem(tr("New model"), QStringLiteral("new"));
    m_baseChoice->addItem(tr("Fine-tune a model file"), QStringLiteral("file"));
    m_basePath = new QLineEdit(this);
    m_basePath->setPlaceholderText(tr("Model file (.safetensors or .pth)"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    baseRow->addWidget(m_baseChoice);
    baseRow->addWidget(m_basePath, 1);
    baseRow->addWidget(browse);
    form->addRow(tr("Model:"), baseRow);

    auto* sizeRow = new QHBoxLayout;
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("presetCombo"));
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

    m_steps = new QSpinBox(this);
    m_steps->setObjectName(QStringLiteral("stepsSpin"));
    m_steps->setRange(1, 10000000);
    m_steps->setValue(1000);
    form->addRow(tr("Steps:"), m_steps);
    m_lr = new QDoubleSpinBox(this);
    m_lr->setObjectName(QStringLiteral("lrSpin"));
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    form->addRow(tr("Learning rate:"), m_lr);
    m_runDir = new QLineEdit(this);
    m_runDir->setObjectName(QStringLiteral("runDirEdit"));
    m_runDir->setPlaceholderText(tr("Run folder (empty: a new one in the data folder)"));
    form->addRow(tr("Run folder:"), m_runDir);
    top->addLayout(form, 2);

    // The rest, with defaults that suit a CPU and the demo-sized datasets.
    m_advanced = new QGroupBox(tr("Advanced"), this);
    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    auto* adv = new QFormLayout(m_advanced);
    m_batch = new QSpinBox(m_advanced);
    m_batch->setObjectName(QStringLiteral("batchSpin"));
    m_batch->setRange(1, 1024);
    m_batch->setValue(8);
    adv->addRow(tr("Batch size:"), m_batch);
    m_ctx = new QSpinBox(m_advanced);
    m_ctx->setObjectName(QStringLiteral("ctxSpin"));
    m_ctx->setRange(16, 65536);
    m_ctx->setValue(256);
    adv->addRow(tr("Context length (tokens):"), m_ctx);
    m_validateEvery = new QSpinBox(m_advanced);
    m_validateEvery->setObjectName(QStringLiteral("validateSpin"));
    m_validateEvery->setRange(0, 1000000);
    m_validateEvery->setValue(100);
    adv->addRow(tr("Validate every (steps):"), m_validateEvery);
    m_loraRank = new QSpinBox(m_advanced);
    m_loraRank->setRange(1, 1024);
    m_loraRank->setValue(16);
    adv->addRow(tr("LoRA rank:"), m_loraRank);
    m_seed = new QSpinBox(m_advanced);
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(1);
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
    m_pauseButton = new QPushButton(tr("Pause"), this);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setCheckable(true);
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_resumeButton = new QPushButton(tr("Resume a run…"), this);
    m_openButton = new QPushButton(tr("Open a run…"), this);
    for (QPushButton* b : {m_startButton, m_pauseButton, m_stopButton, m_resumeButton, m_openButton}) buttons->addWidget(b);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("trainProgress"));
    buttons->addWidget(m_progress, 1);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("trainStatus"));
    layout->addWidget(m_status);

    m_plot->setObjectName(QStringLiteral("lossPlot"));
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
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_log->setMaximumHeight(110);
    m_samples = new SampleListWidget(m_settings, this);
    m_samples->setMaximumHeight(150);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_log, 3);
    bottom->addWidget(m_samples, 2);
    layout->addLayout(bottom);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Model to fine-tune"), m_settings ? m_settings->dataFolder() : QString(),
                                                       tr("Models (*.safetensors *.pth)"));
        if (!f.isEmpty()) m_basePath->setText(f), m_baseChoice->setCurrentIndex(m_baseChoice->findData(QStringLiteral("file")));
    });
    const auto onBaseChoice = [this] {
        const QString kind = m_baseChoice->currentData().toString();
        const bool isNew = kind == QLatin1String("new");
        m_basePath->setEnabled(kind == QLatin1String("file"));
        m_preset->setEnabled(isNew);
        m_deepEmbed->setEnabled(isNew);
        // Fine-tuning wants small rates; a new model learns at 1e-3.
        m_lr->setValue(isNew ? 1e-3 : 1e-5);
    };
    connect(m_baseChoice, &QComboBox::currentIndexChanged, this, onBaseChoice);
    onBaseChoice();
    connect(m_startButton, &QPushButton::clicked, this, &TrainPage::start);
    connect(m_pauseButton, &QPushButton::toggled, this, &TrainPage::setPaused);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Run folder to resume"), m_settings ? m_settings->dataFolder() : QString());
        if (!d.isEmpty()) resumeRun(d);
    });
    connect(m_openButton, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Run folder"), m_settings ? m_settings->dataFolder() : QString());
        if (!d.isEmpty() && !loadRun(d)) log(tr("No metrics.jsonl in %1").arg(d));
    });
    if (m_engine) {
        connect(m_engine->worker(), &EngineWorker::trainingEvent, this, &TrainPage::onEvent);
        connect(m_engine->worker(), &EngineWorker::trainingFinished, this, &TrainPage::onFinished);
    }
    updateButtons();
}

void TrainPage::setDataset(const QString& directory) {
    m_dataset = directory;
    m_datasetLabel->setText(QDir::toNativeSeparators(directory));
    updateButtons();
}

pm::train::TrainConfig TrainPage::currentConfig() const {
    pm::train::TrainConfig c;
    c.datasetDir = m_dataset.toStdString();
    const QString kind = m_baseChoice->currentData().toString();
    if (kind == QLatin1String("file")) c.baseModel = m_basePath->text().toStdString();
    if (kind == QLatin1String("bundled")) c.baseModel = m_bundledBase.toStdString();
    c.preset = m_preset->currentText().toStdString();
    c.deepEmbed = m_deepEmbed->isChecked();
    pm::train::parseMethod(m_method->currentData().toString().toStdString(), &c.method);
    c.loraRank = m_loraRank->value();
    c.loraAlpha = 2.0 * m_loraRank->value();
    c.steps = m_steps->value();
    c.optim.lr = m_lr->value();
    c.optim.lrFinal = m_lr->value() / 10;
    c.batch.batchSize = m_batch->value();
    c.batch.ctxLen = m_ctx->value();
    c.batch.seed = std::uint64_t(m_seed->value());
    c.batch.lossMode = m_continuation->isChecked() ? pm::train::LossMode::Continuation : pm::train::LossMode::AllTokens;
    c.validateEvery = m_validateEvery->value();
    c.device = m_settings ? m_settings->device().section(QLatin1Char(':'), 0, 0).toStdString() : "auto";
    QString run = m_runDir->text();
    if (run.isEmpty()) {
        const QString base = m_settings ? m_settings->dataFolder() : QDir::tempPath();
        run = QDir(base).filePath(QStringLiteral("runs/run-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    }
    c.runDir = run.toStdString();
    return c;
}

void TrainPage::launch(pm::train::TrainConfig config) {
    if (!m_engine || m_running) return;
    m_running = true;
    m_activeRun = QString::fromStdString(config.runDir);
    m_pauseButton->setChecked(false);
    m_engine->requestTraining(config);
    updateButtons();
    emit runStarted(m_activeRun);
}

void TrainPage::start() {
    if (m_dataset.isEmpty()) {
        log(tr("Choose a dataset first (Dataset page)."));
        return;
    }
    clearCurves();
    m_samples->clear();
    launch(currentConfig());
}

void TrainPage::resumeRun(const QString& runDir) {
    pm::train::TrainConfig c = currentConfig();
    c.runDir = runDir.toStdString();
    c.resume = true;
    loadRun(runDir);   // the curves so far; the run appends to them
    launch(c);
}

void TrainPage::setPaused(bool paused) {
    if (m_engine) m_engine->pauseTraining(paused);
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    if (m_running) log(paused ? tr("Paused.") : tr("Resumed."));
}

void TrainPage::stop() {
    if (!m_running || !m_engine) return;
    m_engine->stopTraining();
    m_engine->pauseTraining(false);
    log(tr("Stopping after the current step (a checkpoint is written)…"));
}

void TrainPage::clearCurves() {
    for (int g = 0; g < m_plot->graphCount(); ++g) m_plot->graph(g)->data()->clear();
    m_smoothed = -1;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainPage::addTrainPoint(double step, double loss, double lr) {
    // Exponential smoothing over ~20 steps: the raw curve is noisy with small batches.
    m_smoothed = m_smoothed < 0 ? loss : 0.95 * m_smoothed + 0.05 * loss;
    m_plot->graph(RawLoss)->addData(step, loss);
    m_plot->graph(SmoothLoss)->addData(step, m_smoothed);
    m_plot->graph(LearningRate)->addData(step, lr);
}

void TrainPage::addValidationPoint(double step, double loss) { m_plot->graph(ValLoss)->addData(step, loss); }

void TrainPage::onEvent(const pm::train::TrainEvent& e) {
    using K = pm::train::TrainEvent::Kind;
    switch (e.kind) {
    case K::Started:
        log(tr("Training: %1").arg(QString::fromStdString(e.message)));
        m_progress->setRange(0, int(std::min<std::int64_t>(e.totalSteps, INT_MAX)));
        break;
    case K::Resumed:
        log(tr("Resumed at step %1 from %2").arg(e.step).arg(QString::fromStdString(e.path)));
        break;
    case K::Step:
        addTrainPoint(double(e.step), e.loss, e.lr);
        m_progress->setMaximum(int(std::min<std::int64_t>(e.totalSteps, INT_MAX)));
        m_progress->setValue(int(std::min<std::int64_t>(e.step, INT_MAX)));
        m_status->setText(tr("Step %1 of %2 · loss %3 · %4 tokens/s · elapsed %5 · ETA %6")
                              .arg(e.step)
                              .arg(e.totalSteps)
                              .arg(e.loss, 0, 'f', 4)
                              .arg(e.tokensPerSec, 0, 'f', 0)
                              .arg(duration(e.elapsed), duration(e.eta)));
        m_plot->graph(RawLoss)->rescaleAxes();
        m_plot->graph(ValLoss)->rescaleValueAxis(true);
        m_plot->graph(LearningRate)->rescaleValueAxis();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        break;
    case K::Validation:
        addValidationPoint(double(e.step), e.valLoss);
        log(tr("Step %1: validation loss %2, %3 bits/note%4")
                .arg(e.step)
                .arg(e.valLoss, 0, 'f', 4)
                .arg(e.valBitsPerNote, 0, 'f', 3)
                .arg(e.best ? tr(" (best so far)") : QString()));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        break;
    case K::Checkpoint:
        log(tr("Checkpoint written: %1").arg(QString::fromStdString(e.path)));
        break;
    case K::Sample:
        log(tr("Sample: %1").arg(QString::fromStdString(e.path)));
        m_samples->addSample(e.step, QString::fromStdString(e.path));
        break;
    case K::Warning:
        log(tr("Warning: %1").arg(QString::fromStdString(e.message)));
        break;
    case K::Finished:
        log(tr("Model saved: %1").arg(QString::fromStdString(e.path)));
        break;
    }
}

void TrainPage::onFinished(const pm::train::TrainResult& r) {
    m_running = false;
    if (r.ok) log(r.stopped ? tr("Stopped at step %1.").arg(r.step) : tr("Finished at step %1.").arg(r.step));
    else log(tr("Training failed: %1").arg(QString::fromStdString(r.error)));
    updateButtons();
    emit runEnded(r.ok);
}

bool TrainPage::loadRun(const QString& runDir) {
    QFile f(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return false;
    clearCurves();
    // A run resumed from an earlier checkpoint repeats steps: the later record wins.
    QMap<double, std::pair<double, double>> train;
    QMap<double, double> val;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty()) continue;
        const auto j = nlohmann::json::parse(line.toStdString(), nullptr, false);
        if (j.is_discarded() || !j.contains("step")) continue;
        const double step = j["step"].get<double>();
        if (j.contains("loss")) train[step] = {j["loss"].get<double>(), j.value("lr", 0.0)};
        if (j.contains("val_loss")) val[step] = j["val_loss"].get<double>();
    }
    for (auto it = train.cbegin(); it != train.cend(); ++it) addTrainPoint(it.key(), it.value().first, it.value().second);
    for (auto it = val.cbegin(); it != val.cend(); ++it) addValidationPoint(it.key(), it.value());
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    m_runDir->setText(runDir);
    m_samples->loadRun(runDir);
    log(tr("Opened run %1 (%2 steps).").arg(QDir::toNativeSeparators(runDir)).arg(train.size()));
    return true;
}

void TrainPage::log(const QString& line) {
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void TrainPage::updateButtons() {
    m_startButton->setEnabled(!m_running && !m_dataset.isEmpty());
    m_resumeButton->setEnabled(!m_running && !m_dataset.isEmpty());
    m_openButton->setEnabled(!m_running);
    m_pauseButton->setEnabled(m_running);
    m_stopButton->setEnabled(m_running);
}

}  // namespace pm::app
