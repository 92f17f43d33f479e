#include "pages/report_page.h"

#include "pages/page_header.h"
#include "report_view/report_charts.h"
#include "report_view/report_text.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include "analysis/music_features.h"
#include "model/base_model.h"
#include "playback/player.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace pm::app {

namespace {

constexpr int kModelRole = Qt::UserRole;        // sample rows: the model index, -1 = the user's music
constexpr int kSampleRole = Qt::UserRole + 1;   // sample rows: the sample (or prompt) index

QString number(double value, int decimals = 2) { return QLocale().toString(value, 'f', decimals); }

QSpinBox* intSpin(int min, int max, int value, const QString& name, QWidget* parent) {
    auto* s = new QSpinBox(parent);
    s->setRange(min, max);
    s->setValue(value);
    s->setAccessibleName(name);
    return s;
}

QCustomPlot* makePlot(const QString& objectName, const QString& accessibleName, QWidget* parent) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setAccessibleName(accessibleName);
    plot->setMinimumHeight(220);
    return plot;
}

// Table cells are read, not edited.
QTableWidgetItem* cell(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

}  // namespace

ReportPage::ReportPage(EngineController* engine, AppSettings* settings, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_settings(settings), m_player(std::make_unique<pm::play::Player>()) {
    setObjectName(QStringLiteral("reportPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Report"),
        tr("Did fine-tuning learn your style, is the music still musical, and is the model copying your pieces? "
           "The report lets both models continue the same openings of your validation pieces and compares what "
           "they write with how your pieces really go on. It takes a few minutes of CPU time."),
        this));
    layout->addWidget(buildInputs());

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("reportTabs"));
    m_tabs->setAccessibleName(tr("Report sections"));
    m_tabs->addTab(buildSummaryTab(), tr("Summary"));
    m_tabs->addTab(buildFeaturesTab(), tr("Features"));
    m_tabs->addTab(buildHistogramsTab(), tr("Histograms"));
    m_tabs->addTab(buildSamplesTab(), tr("Continuations"));
    layout->addWidget(m_tabs, 1);

    m_playPoll = new QTimer(this);
    m_playPoll->setInterval(200);
    connect(m_playPoll, &QTimer::timeout, this, [this] {
        if (m_player->playing()) return;
        m_playPoll->stop();
        if (!m_player->error().empty())
            m_playStatus->setText(tr("Playback stopped: %1").arg(QString::fromStdString(m_player->error())));
        updateButtons();
    });
    if (m_engine) {
        connect(m_engine, &EngineController::reportProgress, this, &ReportPage::onProgress);
        connect(m_engine, &EngineController::reportFinished, this, &ReportPage::onFinished);
    }
    updateButtons();
}

ReportPage::~ReportPage() {
    if (m_player) m_player->close();
}

QWidget* ReportPage::buildInputs() {
    auto* box = new QGroupBox(tr("What to compare"), this);
    auto* form = new QFormLayout(box);
    const auto fileRow = [&](QLineEdit* field, const QString& browseName, auto onBrowse) {
        auto* row = new QHBoxLayout;
        auto* browse = new QPushButton(tr("Browse…"), box);
        browse->setAccessibleName(browseName);
        connect(browse, &QPushButton::clicked, this, onBrowse);
        row->addWidget(field, 1);
        row->addWidget(browse);
        return row;
    };
    m_modelA = new QLineEdit(box);
    m_modelA->setObjectName(QStringLiteral("reportModelA"));
    m_modelA->setAccessibleName(tr("Model A"));
    m_modelA->setPlaceholderText(tr("The fine-tuned model (a run's model-best.safetensors)"));
    form->addRow(tr("Model A:"), fileRow(m_modelA, tr("Browse for model A"), [this] { browseModel(m_modelA); }));
    m_modelB = new QLineEdit(box);
    m_modelB->setObjectName(QStringLiteral("reportModelB"));
    m_modelB->setAccessibleName(tr("Model B"));
    m_modelB->setPlaceholderText(tr("Optional: a model to compare with (empty: model A alone)"));
    // What fine-tuning started from, when this installation ships it.
    m_modelB->setText(QString::fromStdString(pm::model::bundledBaseModelPath()));
    form->addRow(tr("Model B:"), fileRow(m_modelB, tr("Browse for model B"), [this] { browseModel(m_modelB); }));
    m_dataset = new QLineEdit(box);
    m_dataset->setObjectName(QStringLiteral("reportDataset"));
    m_dataset->setAccessibleName(tr("Dataset"));
    m_dataset->setPlaceholderText(tr("The dataset whose validation pieces the models continue"));
    form->addRow(tr("Dataset:"), fileRow(m_dataset, tr("Browse for a dataset"), [this] { browseDataset(); }));

    const pm::report::ReportRequest defaults;
    auto* numbers = new QHBoxLayout;
    m_samples = intSpin(1, 256, defaults.samples, tr("Continuations per model"), box);
    m_samples->setObjectName(QStringLiteral("reportSamples"));
    m_samples->setToolTip(tr("More continuations measure more reliably and take longer"));
    m_seed = intSpin(0, 2147483647, int(defaults.seed), tr("Seed"), box);
    m_seed->setObjectName(QStringLiteral("reportSeed"));
    m_seed->setToolTip(tr("Chooses the openings and the sampling; both models get the same"));
    m_promptBars = intSpin(1, 64, defaults.promptBars, tr("Opening bars"), box);
    m_promptBars->setObjectName(QStringLiteral("reportPromptBars"));
    m_continuationBars = intSpin(1, 64, defaults.continuationBars, tr("Bars to write"), box);
    m_continuationBars->setObjectName(QStringLiteral("reportContinuationBars"));
    m_temperature = new QDoubleSpinBox(box);
    m_temperature->setRange(0, 5);
    m_temperature->setSingleStep(0.05);
    m_temperature->setValue(defaults.temperature);
    m_temperature->setAccessibleName(tr("Temperature"));
    m_evalWindows = intSpin(0, 1000000, int(defaults.maxEvalWindows), tr("Validation windows scored"), box);
    m_evalWindows->setSpecialValueText(tr("all"));
    m_evalWindows->setToolTip(tr("How many validation windows bits per note is measured on (fewer is faster)"));
    const std::pair<QString, QWidget*> fields[] = {{tr("Continuations:"), m_samples}, {tr("Seed:"), m_seed},
                                                   {tr("Opening bars:"), m_promptBars}, {tr("Bars to write:"), m_continuationBars},
                                                   {tr("Temperature:"), m_temperature}, {tr("Windows scored:"), m_evalWindows}};
    for (const auto& [text, field] : fields) {
        auto* label = new QLabel(text, box);
        label->setBuddy(field);
        numbers->addWidget(label);
        numbers->addWidget(field);
    }
    numbers->addStretch(1);
    form->addRow(numbers);

    auto* actions = new QHBoxLayout;
    m_run = new QPushButton(tr("Make the report"), box);
    m_run->setObjectName(QStringLiteral("runReportButton"));
    m_run->setAccessibleName(tr("Make the report"));
    m_cancel = new QPushButton(tr("Cancel"), box);
    m_cancel->setObjectName(QStringLiteral("cancelReportButton"));
    m_cancel->setAccessibleName(tr("Cancel the report"));
    m_save = new QPushButton(tr("Save…"), box);
    m_save->setObjectName(QStringLiteral("saveReportButton"));
    m_save->setAccessibleName(tr("Save the report"));
    m_save->setToolTip(tr("Saves the report as JSON and its charts as PNG images"));
    m_progress = new QProgressBar(box);
    m_progress->setObjectName(QStringLiteral("reportProgress"));
    m_progress->setAccessibleName(tr("Report progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    for (QPushButton* b : {m_run, m_cancel, m_save}) actions->addWidget(b);
    actions->addWidget(m_progress, 1);
    form->addRow(actions);
    m_status = new QLabel(box);
    m_status->setObjectName(QStringLiteral("reportStatus"));
    m_status->setAccessibleName(tr("Report status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_status);

    connect(m_run, &QPushButton::clicked, this, &ReportPage::runReport);
    connect(m_cancel, &QPushButton::clicked, this, &ReportPage::cancelReport);
    connect(m_save, &QPushButton::clicked, this, &ReportPage::saveDialog);
    for (QLineEdit* field : {m_modelA, m_dataset}) connect(field, &QLineEdit::textChanged, this, &ReportPage::updateButtons);
    return box;
}

QWidget* ReportPage::buildSummaryTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* title = new QLabel(tr("Bits per note on your validation pieces (lower: the model predicts your music better)"), tab);
    title->setWordWrap(true);
    layout->addWidget(title);
    m_bitsTable = new QTableWidget(0, 6, tab);
    m_bitsTable->setObjectName(QStringLiteral("bitsTable"));
    m_bitsTable->setAccessibleName(tr("Bits per note and copies per model"));
    m_bitsTable->setHorizontalHeaderLabels({tr("Model"), tr("Bits per note"), tr("Unigram baseline"), tr("Notes scored"),
                                            tr("Continuations that copy"), tr("Bars found in training")});
    m_bitsTable->horizontalHeaderItem(2)->setToolTip(tr("What a model that knows only how often each token occurs would need"));
    m_bitsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_bitsTable->verticalHeader()->setVisible(false);
    m_bitsTable->setMaximumHeight(120);
    title->setBuddy(m_bitsTable);
    layout->addWidget(m_bitsTable);
    m_summary = new QLabel(tab);
    m_summary->setObjectName(QStringLiteral("reportSummary"));
    m_summary->setAccessibleName(tr("Report summary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_notes = new QLabel(tab);
    m_notes->setObjectName(QStringLiteral("reportNotes"));
    m_notes->setAccessibleName(tr("Notes on the report"));
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_notes);
    // Every feature in numbers (the charts' tab shows them as bars): the user's music's mean and
    // spread, each model's, and how close it comes.
    m_featureTable = new QTableWidget(0, 2, tab);
    m_featureTable->setObjectName(QStringLiteral("featureTable"));
    m_featureTable->setAccessibleName(tr("Features of your music and of each model's continuations"));
    m_featureTable->verticalHeader()->setVisible(false);
    m_featureTable->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_featureTable, 1);
    return tab;
}

QWidget* ReportPage::buildFeaturesTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* plots = new QHBoxLayout;
    m_overlapPlot = makePlot(QStringLiteral("overlapPlot"), tr("Overlap with your music per feature"), tab);
    m_overlapPlot->setToolTip(tr("How well each model's continuations sit among your pieces' own continuations, "
                                 "feature by feature: 1 = as well as your pieces sit among each other, 0 = elsewhere"));
    m_distancePlot = makePlot(QStringLiteral("distancePlot"), tr("Histogram distance from your music"), tab);
    m_distancePlot->setToolTip(tr("Jensen-Shannon distance between each model's mean histogram and your music's: 0 = the same, 1 = nothing in common"));
    plots->addWidget(m_overlapPlot, 3);
    plots->addWidget(m_distancePlot, 2);
    layout->addLayout(plots, 1);
    return tab;
}

QWidget* ReportPage::buildHistogramsTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("Histogram:"), tab);
    m_histogramChoice = new QComboBox(tab);
    m_histogramChoice->setObjectName(QStringLiteral("histogramChoice"));
    m_histogramChoice->setAccessibleName(tr("Histogram shown"));
    for (const auto& h : pm::analysis::histogramFeatures()) m_histogramChoice->addItem(ReportText::featureName(h.key, h.name));
    label->setBuddy(m_histogramChoice);
    row->addWidget(label);
    row->addWidget(m_histogramChoice);
    row->addStretch(1);
    layout->addLayout(row);
    m_histogramPlot = makePlot(QStringLiteral("histogramPlot"), tr("Histogram of your music and of each model's continuations"), tab);
    layout->addWidget(m_histogramPlot, 1);
    connect(m_histogramChoice, qOverload<int>(&QComboBox::currentIndexChanged), this, &ReportPage::showHistogram);
    return tab;
}

QWidget* ReportPage::buildSamplesTab() {
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_sampleTree = new QTreeWidget(tab);
    m_sampleTree->setObjectName(QStringLiteral("sampleTree"));
    m_sampleTree->setAccessibleName(tr("Continuations"));
    m_sampleTree->setHeaderLabels({tr("Continuation"), tr("Opening from"), tr("Bars found in training"), tr("Copy")});
    m_sampleTree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_sampleTree, 1);
    auto* buttons = new QHBoxLayout;
    m_play = new QPushButton(tr("Play"), tab);
    m_play->setObjectName(QStringLiteral("playContinuation"));
    m_play->setAccessibleName(tr("Play the continuation"));
    m_stopPlay = new QPushButton(tr("Stop"), tab);
    m_stopPlay->setObjectName(QStringLiteral("stopContinuation"));
    m_stopPlay->setAccessibleName(tr("Stop playback"));
    buttons->addWidget(m_play);
    buttons->addWidget(m_stopPlay);
    m_playStatus = new QLabel(tab);
    m_playStatus->setObjectName(QStringLiteral("playStatus"));
    m_playStatus->setAccessibleName(tr("Playback status"));
    m_playStatus->setWordWrap(true);
    buttons->addWidget(m_playStatus, 1);
    layout->addLayout(buttons);
    connect(m_play, &QPushButton::clicked, this, &ReportPage::playSelected);
    connect(m_stopPlay, &QPushButton::clicked, this, &ReportPage::stopPlayback);
    connect(m_sampleTree, &QTreeWidget::itemDoubleClicked, this, [this] { playSelected(); });
    connect(m_sampleTree, &QTreeWidget::currentItemChanged, this, [this] { updateButtons(); });
    return tab;
}

pm::report::ReportRequest ReportPage::currentRequest() const {
    pm::report::ReportRequest r;
    r.modelA = m_modelA->text().trimmed().toStdString();
    r.modelB = m_modelB->text().trimmed().toStdString();
    r.dataset = m_dataset->text().trimmed().toStdString();
    r.samples = m_samples->value();
    r.seed = std::uint64_t(m_seed->value());
    r.promptBars = m_promptBars->value();
    r.continuationBars = m_continuationBars->value();
    r.temperature = m_temperature->value();
    r.maxEvalWindows = m_evalWindows->value();
    return r;
}

QString ReportPage::statusText() const { return m_status->text(); }

void ReportPage::setDataset(const QString& directory) { m_dataset->setText(directory); }
void ReportPage::setModelA(const QString& path) { m_modelA->setText(path); }
void ReportPage::setModelB(const QString& path) { m_modelB->setText(path); }

void ReportPage::runReport() {
    if (m_job || !m_engine) return;
    const pm::report::ReportRequest request = currentRequest();
    if (request.modelA.empty() || request.dataset.empty()) {
        setStatus(tr("Choose model A and a dataset first."), true);
        return;
    }
    stopPlayback();
    m_job = m_engine->requestReport(request);
    if (m_job == 0) {
        setStatus(m_engine->lastRefusal(), true);
        return;
    }
    m_progress->setRange(0, 0);   // busy until the first stage reports its size
    setStatus(tr("Making the report…"));
    updateButtons();
}

void ReportPage::cancelReport() {
    if (m_job && m_engine) {
        m_engine->cancel(m_job);   // this report only; it stops before its next sample
        setStatus(tr("Cancelling…"));
    }
}

void ReportPage::onProgress(quint64 job, const pm::report::ReportProgress& p) {
    if (job != m_job) return;
    m_progress->setRange(0, std::max(1, p.total));
    m_progress->setValue(std::clamp(p.done, 0, std::max(1, p.total)));
    const QString stage = ReportText::stage(p.stage);
    setStatus(p.total > 1 ? tr("%1: %2 of %3").arg(stage).arg(p.done).arg(p.total) : stage);
}

void ReportPage::onFinished(quint64 job, const pm::app::ReportOutcome& outcome) {
    if (job != m_job) return;
    m_job = 0;
    m_progress->setRange(0, 1);
    m_progress->setValue(outcome.ok ? 1 : 0);
    if (outcome.cancelled) {
        setStatus(tr("The report was cancelled."));
    } else if (!outcome.ok || !outcome.report) {
        setStatus(tr("The report failed: %1").arg(QString::fromStdString(outcome.error)), true);
    } else {
        m_report = outcome.report;
        m_savedFiles.clear();
        showReport();
        setStatus(tr("Report made in %1 s.").arg(number(m_report->seconds, 0)));
    }
    updateButtons();
    emit reportDone(outcome.ok && outcome.report);
}

void ReportPage::showReport() {
    fillBitsTable();
    ReportCharts::drawOverlaps(m_overlapPlot, *m_report);
    ReportCharts::drawDistances(m_distancePlot, *m_report);
    fillFeatureTable();
    showHistogram(std::max(0, m_histogramChoice->currentIndex()));
    fillSamples();
}

void ReportPage::fillBitsTable() {
    const auto& models = m_report->models;
    m_bitsTable->setRowCount(int(models.size()));
    for (std::size_t i = 0; i < models.size(); ++i) {
        const auto& m = models[i];
        const int row = int(i);
        auto* name = cell(ReportCharts::modelName(*m_report, i));
        name->setToolTip(QDir::toNativeSeparators(QString::fromStdString(m.path)));
        m_bitsTable->setItem(row, 0, name);
        m_bitsTable->setItem(row, 1, cell(number(m.bitsPerNote, 3)));
        m_bitsTable->setItem(row, 2, cell(number(m.unigramBitsPerNote, 3)));
        m_bitsTable->setItem(row, 3, cell(QLocale().toString(qlonglong(m.valNotes))));
        m_bitsTable->setItem(row, 4, cell(tr("%1 of %2").arg(m.flaggedCopies).arg(m.samples.size())));
        m_bitsTable->setItem(row, 5, cell(tr("%1 %").arg(number(100.0 * m.meanCopiedBarShare, 1))));
    }
    QString summary = tr("%n opening(s) of your validation pieces (%1 in the dataset), %2 bars each, continued for %3 bars.",
                         nullptr, int(m_report->prompts.size()))
                          .arg(m_report->validationPieces)
                          .arg(m_report->request.promptBars)
                          .arg(m_report->request.continuationBars);
    if (models.size() == 2) {
        const double gain = models[1].bitsPerNote - models[0].bitsPerNote;
        summary += QLatin1Char(' ');
        summary += gain > 0 ? tr("A predicts your music better than B, by %1 bits per note.").arg(number(gain, 3))
                            : tr("A does not predict your music better than B (%1 bits per note more).").arg(number(-gain, 3));
    }
    m_summary->setText(summary);
    QStringList notes;
    for (const std::string& n : m_report->notes) notes << QStringLiteral("• ") + QString::fromStdString(n);
    m_notes->setText(notes.isEmpty() ? QString() : tr("Notes:") + QLatin1Char('\n') + notes.join(QLatin1Char('\n')));
}

void ReportPage::fillFeatureTable() {
    const auto& models = m_report->models;
    const auto& scalars = pm::analysis::scalarFeatures();
    const auto& histograms = pm::analysis::histogramFeatures();
    QStringList headers{tr("Feature"), tr("Your music")};
    for (std::size_t m = 0; m < models.size(); ++m) headers << ReportCharts::modelName(*m_report, m);
    m_featureTable->setColumnCount(headers.size());
    m_featureTable->setHorizontalHeaderLabels(headers);
    m_featureTable->setRowCount(int(scalars.size() + histograms.size()));
    const QString dash = QStringLiteral("—");
    for (std::size_t f = 0; f < scalars.size(); ++f) {
        const int row = int(f);
        m_featureTable->setItem(row, 0, cell(tr("%1 (%2)").arg(ReportText::featureName(scalars[f].key, scalars[f].name),
                                                              ReportText::unit(scalars[f].unit))));
        m_featureTable->setItem(row, 1, cell(dash));
        for (std::size_t m = 0; m < models.size(); ++m) {
            if (f >= models[m].comparison.scalars.size()) continue;
            const auto& c = models[m].comparison.scalars[f];
            if (m == 0) m_featureTable->setItem(row, 1, cell(tr("%1 ± %2").arg(number(c.referenceMean), number(c.referenceStd))));
            auto* item = cell(c.valid ? tr("%1 ± %2, overlap %3").arg(number(c.generatedMean), number(c.generatedStd), number(c.overlap))
                                      : tr("%1 ± %2, overlap not measured").arg(number(c.generatedMean), number(c.generatedStd)));
            if (!c.valid) item->setToolTip(QString::fromStdString(c.message));
            m_featureTable->setItem(row, int(m) + 2, item);
        }
    }
    for (std::size_t h = 0; h < histograms.size(); ++h) {
        const int row = int(scalars.size() + h);
        m_featureTable->setItem(row, 0, cell(ReportText::featureName(histograms[h].key, histograms[h].name)));
        m_featureTable->setItem(row, 1, cell(dash));
        for (std::size_t m = 0; m < models.size(); ++m) {
            if (h >= models[m].comparison.histograms.size()) continue;
            const auto& c = models[m].comparison.histograms[h];
            auto* item = cell(c.valid ? tr("distance %1").arg(number(c.distance)) : tr("distance not measured"));
            if (!c.valid) item->setToolTip(QString::fromStdString(c.message));
            m_featureTable->setItem(row, int(m) + 2, item);
        }
    }
    m_featureTable->resizeColumnsToContents();
}

void ReportPage::showHistogram(int index) {
    if (!m_report || index < 0) return;
    if (m_histogramChoice->currentIndex() != index) m_histogramChoice->setCurrentIndex(index);   // calls back here
    else ReportCharts::drawHistogram(m_histogramPlot, *m_report, std::size_t(index));
}

void ReportPage::fillSamples() {
    m_sampleTree->clear();
    const auto opening = [this](int prompt) {
        const auto& p = m_report->prompts.at(std::size_t(prompt));
        return tr("%1, bar %2").arg(QFileInfo(QString::fromStdString(p.source)).fileName()).arg(p.firstBar);
    };
    auto* truth = new QTreeWidgetItem(m_sampleTree, {tr("Your music (how the pieces go on)")});
    for (std::size_t p = 0; p < m_report->prompts.size(); ++p) {
        auto* item = new QTreeWidgetItem(truth, {tr("Opening %1").arg(p + 1), opening(int(p))});
        item->setData(0, kModelRole, -1);
        item->setData(0, kSampleRole, int(p));
    }
    for (std::size_t m = 0; m < m_report->models.size(); ++m) {
        const auto& model = m_report->models[m];
        auto* top = new QTreeWidgetItem(m_sampleTree, {ReportCharts::modelName(*m_report, m)});
        for (std::size_t s = 0; s < model.samples.size(); ++s) {
            const auto& sample = model.samples[s];
            // The flag is the engine's (copyWarning set by its policy); the words are ours, translated.
            const bool flagged = !sample.copyWarning.empty() && sample.originality.longestCopy;
            auto* item = new QTreeWidgetItem(
                top, {tr("Continuation %1").arg(s + 1), opening(sample.prompt), tr("%1 %").arg(number(100.0 * sample.originality.copiedBarShare, 0)),
                      flagged ? ReportText::copyWarning(*sample.originality.longestCopy) : QString()});
            item->setData(0, kModelRole, int(m));
            item->setData(0, kSampleRole, int(s));
            if (flagged) item->setForeground(3, QColor(0xb0, 0x00, 0x20));
        }
    }
    m_sampleTree->expandAll();
}

bool ReportPage::playSample(int model, int sample) {
    if (!m_report) return false;
    const pm::midi::MidiFile* file = nullptr;
    if (model < 0 && sample >= 0 && std::size_t(sample) < m_report->prompts.size())
        file = &m_report->prompts[std::size_t(sample)].truth;
    else if (model >= 0 && std::size_t(model) < m_report->models.size() && sample >= 0 &&
             std::size_t(sample) < m_report->models[std::size_t(model)].samples.size())
        file = &m_report->models[std::size_t(model)].samples[std::size_t(sample)].file;
    if (!file) return false;
    stopPlayback();
    // The configured port; the player falls back to the built-in piano and says so.
    std::string error;
    const std::string port = m_settings ? m_settings->midiOutput().toStdString() : std::string();
    if (!m_player->open(port, std::string(), &error) || !m_player->playFile(*file, 0.0, &error)) {
        m_playStatus->setText(tr("Cannot play: %1").arg(QString::fromStdString(error)));
        return false;
    }
    m_playStatus->setText(m_player->notice().empty() ? tr("Playing.")
                                                     : tr("Playing on the built-in piano: %1 could not be opened.")
                                                           .arg(QString::fromStdString(port)));
    m_playStatus->setToolTip(QString::fromStdString(m_player->notice()));
    m_playPoll->start();
    updateButtons();
    return true;
}

void ReportPage::playSelected() {
    const QTreeWidgetItem* item = m_sampleTree->currentItem();
    if (!item || !item->data(0, kSampleRole).isValid()) {
        m_playStatus->setText(tr("Choose a continuation to play."));
        return;
    }
    playSample(item->data(0, kModelRole).toInt(), item->data(0, kSampleRole).toInt());
}

bool ReportPage::isPlaying() const { return m_player && m_player->playing(); }

void ReportPage::setPlayer(std::unique_ptr<pm::play::Player> player) {
    if (m_player) m_player->close();
    m_player = std::move(player);
}

void ReportPage::stopPlayback() {
    if (m_playPoll) m_playPoll->stop();
    if (m_player) m_player->stop();
    updateButtons();
}

bool ReportPage::saveTo(const QString& jsonPath) {
    if (!m_report) {
        setStatus(tr("There is no report to save yet."), true);
        return false;
    }
    m_savedFiles.clear();
    QSaveFile json(jsonPath);
    const std::string text = pm::report::toJson(*m_report).dump(2) + "\n";
    if (!json.open(QIODevice::WriteOnly) || json.write(text.data(), qint64(text.size())) != qint64(text.size()) || !json.commit()) {
        setStatus(tr("Cannot save the report to %1: %2").arg(QDir::toNativeSeparators(jsonPath), json.errorString()), true);
        return false;
    }
    m_savedFiles << jsonPath;
    // The charts beside it: NAME.json -> NAME-overlaps.png, ...
    const QFileInfo info(jsonPath);
    const QString base = info.dir().filePath(info.completeBaseName());
    const auto png = [&](QCustomPlot* plot, const QString& path) {
        if (!plot->savePng(path, 1000, 560)) {
            setStatus(tr("Cannot write the chart %1.").arg(QDir::toNativeSeparators(path)), true);
            return false;
        }
        m_savedFiles << path;
        return true;
    };
    if (!png(m_overlapPlot, base + QStringLiteral("-overlaps.png"))) return false;
    if (!png(m_distancePlot, base + QStringLiteral("-distances.png"))) return false;
    const auto& histograms = pm::analysis::histogramFeatures();
    for (std::size_t h = 0; h < histograms.size(); ++h) {
        // Drawn apart from the page's own plot, which keeps the histogram the user chose.
        QCustomPlot chart;
        ReportCharts::drawHistogram(&chart, *m_report, h);
        if (!png(&chart, base + QStringLiteral("-histogram-%1.png").arg(QString::fromUtf8(histograms[h].key)))) return false;
    }
    setStatus(tr("Saved the report and %n chart(s) beside %1.", nullptr, int(m_savedFiles.size() - 1)).arg(QDir::toNativeSeparators(jsonPath)));
    return true;
}

void ReportPage::saveDialog() {
    const QString start = m_settings ? QDir(m_settings->dataFolder()).filePath(QStringLiteral("report.json")) : QStringLiteral("report.json");
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the report"), start, tr("JSON files (*.json)"));
    if (!path.isEmpty()) saveTo(path);
}

void ReportPage::browseModel(QLineEdit* field) {
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a model"), field->text(),
                                                      tr("Models (*.safetensors *.pth);;All files (*)"));
    if (!path.isEmpty()) field->setText(path);
}

void ReportPage::browseDataset() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a dataset"), m_dataset->text());
    if (!dir.isEmpty()) m_dataset->setText(dir);
}

void ReportPage::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void ReportPage::updateButtons() {
    const bool running = m_job != 0;
    m_run->setEnabled(!running && !m_modelA->text().trimmed().isEmpty() && !m_dataset->text().trimmed().isEmpty());
    m_cancel->setEnabled(running);
    m_save->setEnabled(!running && m_report != nullptr);
    const QTreeWidgetItem* item = m_sampleTree->currentItem();
    m_play->setEnabled(item && item->data(0, kSampleRole).isValid());
    m_stopPlay->setEnabled(m_player && m_player->playing());
}

}  // namespace pm::app
