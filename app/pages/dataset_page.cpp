#include "pages/dataset_page.h"

#include "dataset/dataset_store.h"
#include "dataset/file_report_model.h"
#include "pages/page_header.h"
#include "settings/app_settings.h"
#include "widgets/piano_roll_widget.h"
#include "worker/engine_controller.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace pm::app {

DatasetPage::DatasetPage(EngineController* engine, AppSettings* settings, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_settings(settings), m_model(new FileReportModel(this)),
      m_proxy(new QSortFilterProxyModel(this)) {
    setObjectName(QStringLiteral("datasetPage"));
    setAcceptDrops(true);
    m_outputDir = QDir(settings->dataFolder()).filePath(QStringLiteral("datasets/my-music"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Dataset"),
        tr("Your music is what the model learns from. Drop MIDI files or whole folders onto this "
           "window; PianoMuse reads each file, tells you which ones it could use, and builds a dataset "
           "for training."),
        this));

    // Drop zone and buttons.
    auto* dropZone = new QFrame(this);
    dropZone->setObjectName(QStringLiteral("dropZone"));
    dropZone->setFrameShape(QFrame::StyledPanel);
    auto* dropLayout = new QHBoxLayout(dropZone);
    auto* hint = new QLabel(tr("Drop .mid, .midi, .kar or .rmi files and folders here"), dropZone);
    auto* addFiles = new QPushButton(tr("Add files…"), dropZone);
    auto* addFolder = new QPushButton(tr("Add folder…"), dropZone);
    auto* open = new QPushButton(tr("Open dataset…"), dropZone);
    dropLayout->addWidget(hint, 1);
    dropLayout->addWidget(addFiles);
    dropLayout->addWidget(addFolder);
    dropLayout->addWidget(open);
    auto* demo = new QPushButton(tr("Try the demo"), dropZone);
    demo->setObjectName(QStringLiteral("tryDemo"));
    demo->setToolTip(tr("No music at hand? Builds a dataset from the bundled pieces, trains a small model for a "
                        "few minutes and lets it continue one of them."));
    connect(demo, &QPushButton::clicked, this, &DatasetPage::demoRequested);
    dropLayout->addWidget(demo);
    layout->addWidget(dropZone);
    connect(addFiles, &QPushButton::clicked, this, &DatasetPage::chooseFiles);
    connect(addFolder, &QPushButton::clicked, this, &DatasetPage::chooseFolder);
    connect(open, &QPushButton::clicked, this, &DatasetPage::chooseDataset);

    // Options: split and augmentation.
    auto* options = new QGroupBox(tr("Options"), this);
    auto* form = new QFormLayout(options);
    m_valPercent = new QSpinBox(options);
    m_valPercent->setRange(0, 90);
    m_valPercent->setValue(10);
    m_valPercent->setSuffix(QStringLiteral(" %"));
    m_valPercent->setToolTip(tr("Share of pieces kept aside to measure how well the model generalises"));
    m_seed = new QSpinBox(options);
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    auto* splitRow = new QHBoxLayout;
    splitRow->addWidget(m_valPercent);
    splitRow->addWidget(new QLabel(tr("Seed:"), options));
    splitRow->addWidget(m_seed);
    splitRow->addStretch(1);
    form->addRow(tr("Validation pieces:"), splitRow);
    m_transposeMin = new QSpinBox(options);
    m_transposeMax = new QSpinBox(options);
    for (QSpinBox* s : {m_transposeMin, m_transposeMax}) s->setRange(-12, 12);
    auto* transposeRow = new QHBoxLayout;
    transposeRow->addWidget(m_transposeMin);
    transposeRow->addWidget(new QLabel(tr("to"), options));
    transposeRow->addWidget(m_transposeMax);
    transposeRow->addWidget(new QLabel(tr("semitones"), options));
    transposeRow->addStretch(1);
    form->addRow(tr("Transpose while training:"), transposeRow);
    m_stretchMin = new QDoubleSpinBox(options);
    m_stretchMax = new QDoubleSpinBox(options);
    for (QDoubleSpinBox* s : {m_stretchMin, m_stretchMax}) {
        s->setRange(0.5, 2.0);
        s->setSingleStep(0.01);
        s->setDecimals(2);
        s->setValue(1.0);
    }
    auto* stretchRow = new QHBoxLayout;
    stretchRow->addWidget(m_stretchMin);
    stretchRow->addWidget(new QLabel(tr("to"), options));
    stretchRow->addWidget(m_stretchMax);
    stretchRow->addStretch(1);
    form->addRow(tr("Tempo stretch while training:"), stretchRow);
    m_folderLabel = new QLabel(options);
    m_folderLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Saved in:"), m_folderLabel);
    layout->addWidget(options);

    // Build / cancel / progress / summary.
    auto* actions = new QHBoxLayout;
    m_build = new QPushButton(tr("Build dataset"), this);
    m_build->setObjectName(QStringLiteral("buildButton"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    actions->addWidget(m_build);
    actions->addWidget(m_cancel);
    actions->addWidget(m_progress, 1);
    layout->addLayout(actions);
    connect(m_build, &QPushButton::clicked, this, &DatasetPage::buildAll);
    connect(m_cancel, &QPushButton::clicked, this, &DatasetPage::cancelBuild);
    m_summary = new QLabel(tr("No dataset yet."), this);
    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    // Report table (sortable, filterable) and preview.
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter files…"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(FileReportModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);   // file name, status and reason alike
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("reportTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(FileReportModel::Reason, QHeaderView::Stretch);
    m_preview = new PianoRollWidget(this);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DatasetPage::onSelectionChanged);

    connect(m_engine, &EngineController::datasetRows, this, &DatasetPage::onRows);
    connect(m_engine, &EngineController::datasetProgress, this, &DatasetPage::onProgress);
    connect(m_engine, &EngineController::datasetFinished, this, &DatasetPage::onFinished);
    connect(m_engine, &EngineController::previewReady, this, &DatasetPage::onPreview);
    // A training (or its plan, or the demo) reading this dataset: rebuilding it is the one
    // action that conflicts, so only Build waits for it.
    connect(m_engine, &EngineController::jobsChanged, this, &DatasetPage::updateButtons);

    // Names for screen readers (and black-box GUI tests): controls in a row of several would
    // otherwise all read as their group box's title.
    m_valPercent->setAccessibleName(tr("Validation pieces (percent)"));
    m_seed->setAccessibleName(tr("Split seed"));
    m_transposeMin->setAccessibleName(tr("Transpose from (semitones)"));
    m_transposeMax->setAccessibleName(tr("Transpose to (semitones)"));
    m_stretchMin->setAccessibleName(tr("Tempo stretch from"));
    m_stretchMax->setAccessibleName(tr("Tempo stretch to"));
    m_folderLabel->setAccessibleName(tr("Dataset folder"));
    m_progress->setAccessibleName(tr("Dataset build progress"));
    m_summary->setAccessibleName(tr("Dataset summary"));
    m_filter->setAccessibleName(tr("Filter files"));
    m_table->setAccessibleName(tr("Files and their status"));
    m_preview->setAccessibleName(tr("Preview of the selected file"));
    dropZone->setAccessibleName(tr("Drop zone for MIDI files and folders"));
    addFiles->setAccessibleName(tr("Add files"));
    addFolder->setAccessibleName(tr("Add folder"));
    open->setAccessibleName(tr("Open dataset"));
    m_cancel->setAccessibleName(tr("Cancel the build"));
    setOutputDirectory(m_outputDir);
    updateButtons();
}

void DatasetPage::setOutputDirectory(const QString& directory) {
    m_outputDir = directory;
    m_folderLabel->setText(QDir::toNativeSeparators(directory));
    if (m_build) updateButtons();
}

void DatasetPage::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        for (const QUrl& url : event->mimeData()->urls())
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
    }
    event->ignore();
}

void DatasetPage::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    addInputs(paths);
}

void DatasetPage::addInputs(const QStringList& paths) {
    QStringList fresh;
    for (const QString& p : paths) {
        const QString clean = QFileInfo(p).absoluteFilePath();
        if (!m_inputs.contains(clean)) fresh << clean;
    }
    m_inputs << fresh;
    if (fresh.isEmpty() || m_building) return;   // a running build picks them up on "Build"
    const bool extend = pm::dataset::looksLikeDataset(m_outputDir.toStdString()) && m_model->rowCount() > 0;
    startBuild(extend ? fresh : m_inputs, extend);
}

void DatasetPage::buildAll() {
    if (m_building) return;
    QStringList inputs = m_inputs;
    // A reopened dataset can be rebuilt from the files it lists (e.g. with other options).
    if (inputs.isEmpty())
        for (int row = 0; row < m_model->rowCount(); ++row) inputs << QString::fromStdString(m_model->report(row).path);
    if (inputs.isEmpty()) {
        m_summary->setText(tr("Add MIDI files or folders first."));
        return;
    }
    startBuild(inputs, false);
}

void DatasetPage::startBuild(const QStringList& inputs, bool extend) {
    pm::dataset::BuildRequest request;
    for (const QString& p : inputs) request.inputs.push_back(p.toStdString());
    request.outputDir = m_outputDir.toStdString();
    request.extendExisting = extend;
    request.options.validationFraction = m_valPercent->value() / 100.0;
    request.options.seed = std::uint64_t(m_seed->value());
    request.options.augmentation.transposeMin = std::min(m_transposeMin->value(), m_transposeMax->value());
    request.options.augmentation.transposeMax = std::max(m_transposeMin->value(), m_transposeMax->value());
    request.options.augmentation.tempoStretchMin = std::min(m_stretchMin->value(), m_stretchMax->value());
    request.options.augmentation.tempoStretchMax = std::max(m_stretchMin->value(), m_stretchMax->value());
    m_buildJob = m_engine->requestDatasetBuild(request);
    if (m_buildJob == 0) {
        m_summary->setText(m_engine->lastRefusal());
        return;
    }
    if (!extend) m_model->clear();
    setBuilding(true);
    m_summary->setText(extend ? tr("Adding files…") : tr("Reading files…"));
}

void DatasetPage::cancelBuild() {
    if (m_building) m_engine->cancel(m_buildJob);
}

void DatasetPage::openDataset(const QString& directory) {
    setOutputDirectory(directory);
    m_inputs.clear();
    m_engine->requestDatasetOpen(directory);
}

void DatasetPage::setBuilding(bool building) {
    m_building = building;
    m_progress->setVisible(building);
    if (building) m_progress->setRange(0, 0);   // busy until the file count is known
    updateButtons();
}

void DatasetPage::updateButtons() {
    const bool inUse = m_engine && m_engine->isDatasetBusy(m_outputDir);
    m_build->setEnabled(!m_building && !inUse);
    m_build->setToolTip(inUse ? tr("A training run is reading this dataset; it can be rebuilt when the run ends.") : QString());
    m_cancel->setEnabled(m_building);
}

void DatasetPage::onRows(const FileReportBatch& rows) { m_model->upsertRows(rows); }

void DatasetPage::onProgress(int done, int total, const QString& file) {
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(done);
    m_progress->setFormat(tr("%1 of %2 files").arg(done).arg(total));
    m_progress->setToolTip(file);
}

void DatasetPage::onFinished(const DatasetBuildOutcome& outcome) {
    const bool wasBuilding = m_building;
    setBuilding(false);
    if (outcome.cancelled) {
        m_summary->setText(tr("Cancelled. The dataset on disk is unchanged."));
        if (pm::dataset::looksLikeDataset(m_outputDir.toStdString())) m_engine->requestDatasetOpen(m_outputDir);
        else m_model->clear();
        emit buildFinished(false);
        return;
    }
    if (!outcome.ok) {
        if (!outcome.manifest.files.empty()) m_model->resetRows(outcome.manifest.files);
        m_summary->setText(tr("The dataset could not be built: %1").arg(QString::fromStdString(outcome.error)));
        if (wasBuilding) emit buildFinished(false);
        return;
    }
    m_model->resetRows(outcome.manifest.files);
    const auto& a = outcome.manifest.options.augmentation;
    m_valPercent->setValue(qRound(outcome.manifest.options.validationFraction * 100));
    m_seed->setValue(int(outcome.manifest.options.seed));
    m_transposeMin->setValue(a.transposeMin);
    m_transposeMax->setValue(a.transposeMax);
    m_stretchMin->setValue(a.tempoStretchMin);
    m_stretchMax->setValue(a.tempoStretchMax);
    setOutputDirectory(QString::fromStdString(outcome.directory));
    showSummary(outcome.manifest);
    emit datasetChanged(m_outputDir);
    if (wasBuilding) emit buildFinished(true);
}

void DatasetPage::showSummary(const pm::dataset::Manifest& m) {
    const auto& s = m.stats;
    m_summary->setText(tr("%1 pieces (%2 for training, %3 for validation), %4 hours of music, %5 notes, %6 tokens. "
                          "%7 files rejected, %8 duplicates, %9 repaired.")
                           .arg(s.pieces)
                           .arg(s.trainPieces)
                           .arg(s.validationPieces)
                           .arg(s.seconds / 3600.0, 0, 'f', 2)
                           .arg(s.notes)
                           .arg(s.tokens)
                           .arg(s.rejected)
                           .arg(s.duplicates)
                           .arg(s.repaired));
}

void DatasetPage::onSelectionChanged() {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) return;
    m_engine->requestPreview(m_proxy->data(rows.first(), FileReportModel::PathRole).toString());
}

void DatasetPage::onPreview(const pm::dataset::NotePreview& preview) {
    if (!preview.error.empty()) m_preview->setMessage(QString::fromStdString(preview.error));
    else m_preview->setNotes(preview.notes, preview.durationSeconds);
}

void DatasetPage::chooseFiles() {
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add MIDI files"), QString(),
                                                            tr("MIDI files (*.mid *.midi *.kar *.rmi);;All files (*)"));
    if (!files.isEmpty()) addInputs(files);
}

void DatasetPage::chooseFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a folder of MIDI files"));
    if (!folder.isEmpty()) addInputs({folder});
}

void DatasetPage::chooseDataset() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a dataset"), m_outputDir);
    if (folder.isEmpty()) return;
    if (!pm::dataset::looksLikeDataset(folder.toStdString())) {
        m_summary->setText(tr("%1 is not a PianoMuse dataset.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    openDataset(folder);
}

}  // namespace pm::app
