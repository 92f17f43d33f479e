#include "pages/generate_page.h"

#include "pages/page_header.h"
#include "report_view/report_text.h"
#include "settings/app_settings.h"
#include "widgets/passage_drag_bar.h"
#include "widgets/piano_roll_widget.h"
#include "worker/engine_controller.h"

#include "dataset/dataset_store.h"
#include "generate/infill.h"
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "model/base_model.h"
#include "playback/playback_scheduler.h"
#include "playback/player.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QPainter>
#include <QPainterPath>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTabBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace pm::app {

namespace {

std::vector<pm::dataset::PreviewNote> notesOf(const std::vector<pm::tok::DecodedEvent>& events) {
    std::vector<pm::dataset::PreviewNote> notes;
    for (const auto& e : events)
        if (e.kind == pm::tok::DecodedEvent::Kind::Note)
            notes.push_back({e.note.startSeconds, e.note.endSeconds, e.note.pitch, e.note.velocity});
    return notes;
}

QDoubleSpinBox* doubleSpin(double min, double max, double step, double value, int decimals, QWidget* parent) {
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(min, max);
    s->setSingleStep(step);
    s->setDecimals(decimals);
    s->setValue(value);
    return s;
}

// A die, drawn: the emoji "🎲" rendered as an empty box on stock Debian and Windows fonts.
QIcon diceIcon(const QColor& ink) {
    QIcon icon;
    for (const int size : {16, 24, 32, 48}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal m = size * 0.08, side = size - 2 * m;
        QPainterPath body;
        body.addRoundedRect(QRectF(m, m, side, side), side * 0.2, side * 0.2);
        p.setPen(QPen(ink, std::max(1.0, size / 16.0)));
        p.drawPath(body);
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        const qreal r = side * 0.09;
        // Five pips: the corners and the middle.
        for (const QPointF& c : {QPointF(0.28, 0.28), QPointF(0.72, 0.28), QPointF(0.5, 0.5), QPointF(0.28, 0.72), QPointF(0.72, 0.72)})
            p.drawEllipse(QPointF(m + c.x() * side, m + c.y() * side), r, r);
        icon.addPixmap(pm);
    }
    return icon;
}

QSpinBox* intSpin(int min, int max, int value, QWidget* parent) {
    auto* s = new QSpinBox(parent);
    s->setRange(min, max);
    s->setValue(value);
    return s;
}

}  // namespace

GeneratePage::GeneratePage(EngineController* engine, AppSettings* settings, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_settings(settings), m_player(std::make_unique<pm::play::Player>()) {
    setObjectName(QStringLiteral("generatePage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Generate"),
        tr("Give the model the opening bars of a piece and let it continue. You hear the music while "
           "it is written, see it on the piano roll, and can export what you like as a MIDI file."),
        this));

    // --- Model and prompt ---------------------------------------------------------------------
    auto* inputs = new QGroupBox(tr("Model and prompt"), this);
    auto* inputForm = new QFormLayout(inputs);
    auto* modelRow = new QHBoxLayout;
    m_modelPath = new QLineEdit(inputs);
    m_modelPath->setObjectName(QStringLiteral("modelPath"));
    m_modelPath->setPlaceholderText(tr("A trained model (.safetensors) or an RWKV-7 .pth file"));
    // Before any fine-tuning there is still something to play with: the bundled base model.
    m_modelPath->setText(QString::fromStdString(pm::model::bundledBaseModelPath()));
    m_modelPath->setAccessibleName(tr("Model file"));
    auto* modelBrowse = new QPushButton(tr("Browse…"), inputs);
    modelBrowse->setAccessibleName(tr("Browse for a model"));
    modelRow->addWidget(m_modelPath, 1);
    modelRow->addWidget(modelBrowse);
    inputForm->addRow(tr("Model:"), modelRow);

    auto* promptRow = new QHBoxLayout;
    m_promptPath = new QLineEdit(inputs);
    m_promptPath->setObjectName(QStringLiteral("promptPath"));
    m_promptPath->setPlaceholderText(tr("Optional: a MIDI file whose opening the model continues"));
    m_promptPath->setAccessibleName(tr("Prompt file"));
    auto* promptBrowse = new QPushButton(tr("Browse…"), inputs);
    promptBrowse->setAccessibleName(tr("Browse for a prompt"));
    m_promptBars = doubleSpin(0, 1000, 1, 4, 0, inputs);
    m_promptBars->setObjectName(QStringLiteral("promptBars"));
    m_promptBars->setToolTip(tr("How many bars of the prompt file to keep"));
    m_promptBars->setAccessibleName(tr("Prompt bars to keep"));
    promptRow->addWidget(m_promptPath, 1);
    promptRow->addWidget(promptBrowse);
    promptRow->addWidget(new QLabel(tr("Bars:"), inputs));
    promptRow->addWidget(m_promptBars);
    inputForm->addRow(tr("Prompt:"), promptRow);

    // A piece of the open dataset as the prompt: its source file goes into the prompt field,
    // read like any prompt file (its first "Bars" bars).
    m_datasetPiece = new QComboBox(inputs);
    m_datasetPiece->setObjectName(QStringLiteral("datasetPiece"));
    m_datasetPiece->setAccessibleName(tr("Prompt from the dataset"));
    m_datasetPiece->setToolTip(tr("A piece of the open dataset as the prompt. Validation pieces are music the "
                                  "model has not trained on."));
    setDataset(QString());
    inputForm->addRow(tr("From the dataset:"), m_datasetPiece);

    auto* fromNothing = new QHBoxLayout;
    m_metre = new QComboBox(inputs);
    for (const char* m : {"4/4", "3/4", "2/4", "6/8", "12/8", "5/4"}) m_metre->addItem(QString::fromLatin1(m));
    m_tempo = intSpin(20, 300, 120, inputs);
    m_tempo->setSuffix(tr(" BPM"));
    m_metre->setAccessibleName(tr("Metre without a prompt"));
    m_tempo->setAccessibleName(tr("Tempo without a prompt"));
    fromNothing->addWidget(m_metre);
    fromNothing->addWidget(m_tempo);
    fromNothing->addStretch(1);
    inputForm->addRow(tr("Without a prompt:"), fromNothing);
    layout->addWidget(inputs);

    // --- Sampling -----------------------------------------------------------------------------
    auto* sampling = new QGroupBox(tr("Sampling"), this);
    auto* sl = new QHBoxLayout(sampling);
    auto* left = new QFormLayout;
    auto* right = new QFormLayout;
    sl->addLayout(left);
    sl->addLayout(right);
    auto* lengthRow = new QHBoxLayout;
    m_length = doubleSpin(1, 100000, 1, 8, 0, sampling);
    m_length->setObjectName(QStringLiteral("length"));
    m_length->setAccessibleName(tr("Length"));
    m_lengthUnit = new QComboBox(sampling);
    m_lengthUnit->setObjectName(QStringLiteral("lengthUnit"));
    m_lengthUnit->setAccessibleName(tr("Length unit"));
    m_lengthUnit->addItem(tr("bars"), int(pm::gen::LengthUnit::Bars));
    m_lengthUnit->addItem(tr("seconds"), int(pm::gen::LengthUnit::Seconds));
    m_lengthUnit->addItem(tr("tokens"), int(pm::gen::LengthUnit::Tokens));
    lengthRow->addWidget(m_length);
    lengthRow->addWidget(m_lengthUnit);
    left->addRow(tr("Length:"), lengthRow);
    m_temperature = doubleSpin(0, 5, 0.05, 1.0, 2, sampling);
    m_temperature->setToolTip(tr("Higher is more adventurous, 0 always takes the most likely note"));
    left->addRow(tr("Temperature:"), m_temperature);
    m_topK = intSpin(0, 1000, 0, sampling);
    m_topK->setSpecialValueText(tr("off"));
    m_temperature->setAccessibleName(tr("Temperature"));
    m_topK->setAccessibleName(tr("Top-k"));
    left->addRow(tr("Top-k:"), m_topK);
    m_topP = doubleSpin(0.05, 1, 0.05, 0.95, 2, sampling);
    right->addRow(tr("Top-p:"), m_topP);
    m_repetition = doubleSpin(1, 3, 0.05, 1.1, 2, sampling);
    m_repetition->setToolTip(tr("Makes recently played pitches less likely; the effect fades with distance"));
    m_topP->setAccessibleName(tr("Top-p"));
    m_repetition->setAccessibleName(tr("Repetition penalty"));
    right->addRow(tr("Repetition penalty:"), m_repetition);
    auto* seedRow = new QHBoxLayout;
    m_seed = intSpin(0, 2147483647, 1, sampling);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setAccessibleName(tr("Seed"));
    auto* dice = new QToolButton(sampling);
    dice->setObjectName(QStringLiteral("diceButton"));
    dice->setIcon(diceIcon(palette().color(QPalette::ButtonText)));
    dice->setText(tr("Random"));
    dice->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    dice->setToolTip(tr("New random seed"));
    dice->setAccessibleName(tr("New random seed"));
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(dice);
    right->addRow(tr("Seed:"), seedRow);
    m_variations = intSpin(1, 8, 1, sampling);
    m_variations->setAccessibleName(tr("Number of variations"));
    right->addRow(tr("Variations:"), m_variations);
    layout->addWidget(sampling);

    // --- Actions ------------------------------------------------------------------------------
    auto* actions = new QHBoxLayout;
    m_generate = new QPushButton(tr("Generate"), this);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopGenerationButton"));
    m_stop->setAccessibleName(tr("Stop generating"));
    m_continue = new QPushButton(tr("Continue"), this);
    m_continue->setToolTip(tr("Let the model write more of the shown variation"));
    m_undo = new QPushButton(tr("Undo"), this);
    m_undo->setToolTip(tr("Go back to the piece before the last continuation"));
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_undo->setObjectName(QStringLiteral("undoButton"));
    // Regenerating bars: select them on the roll (Shift and drag), then this button or the roll's
    // context menu.
    m_regenerate = new QPushButton(tr("Regenerate these bars"), this);
    m_regenerate->setObjectName(QStringLiteral("regenerateBarsButton"));
    m_regenerate->setAccessibleName(tr("Regenerate the selected bars"));
    m_regenerate->setToolTip(tr("Select bars on the piano roll (Shift and drag), then let the model write them anew; "
                                "the bars before and after stay as they are"));
    m_regenerateAction = new QAction(tr("Regenerate these bars"), this);
    m_regenerateAction->setObjectName(QStringLiteral("regenerateBarsAction"));
    m_regenerateAction->setToolTip(m_regenerate->toolTip());
    m_export = new QPushButton(tr("Export MIDI…"), this);
    m_export->setAccessibleName(tr("Export MIDI"));
    for (auto* b : {m_generate, m_stop, m_continue, m_undo, m_regenerate, m_export}) actions->addWidget(b);
    actions->addStretch(1);
    layout->addLayout(actions);

    // --- Transport ----------------------------------------------------------------------------
    auto* transport = new QHBoxLayout;
    m_play = new QPushButton(tr("Play"), this);
    m_play->setObjectName(QStringLiteral("playButton"));
    m_stopPlay = new QPushButton(tr("Stop playback"), this);
    m_stopPlay->setObjectName(QStringLiteral("stopPlaybackButton"));
    m_output = new QComboBox(this);
    m_output->setObjectName(QStringLiteral("outputCombo"));
    m_output->addItem(tr("Built-in piano"), QString());
    m_output->setAccessibleName(tr("Output"));
    m_playWhileGenerating = new QCheckBox(tr("Play while generating"), this);
    m_zoom = new QSlider(Qt::Horizontal, this);
    m_zoom->setRange(0, 400);
    m_zoom->setValue(0);
    m_zoom->setToolTip(tr("Zoom (leftmost: the whole piece)"));
    m_zoom->setAccessibleName(tr("Zoom"));
    transport->addWidget(m_play);
    transport->addWidget(m_stopPlay);
    transport->addWidget(new QLabel(tr("Output:"), this));
    transport->addWidget(m_output, 1);
    transport->addWidget(m_playWhileGenerating);
    transport->addWidget(new QLabel(tr("Zoom:"), this));
    transport->addWidget(m_zoom);
    layout->addLayout(transport);

    // --- Piano roll with variation tabs -------------------------------------------------------
    m_variationTabs = new QTabBar(this);
    m_variationTabs->setObjectName(QStringLiteral("variationTabs"));
    m_variationTabs->setAccessibleName(tr("Variation shown"));
    layout->addWidget(m_variationTabs);
    m_roll = new PianoRollWidget(this);
    m_roll->setAccessibleName(tr("Piano roll"));
    m_roll->setAccessibleDescription(tr("The prompt's notes and the model's continuation; click to choose where playback starts"));
    m_roll->addAction(m_regenerateAction);
    m_roll->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_rollScroll = new QScrollArea(this);
    m_rollScroll->setWidget(m_roll);
    m_rollScroll->setWidgetResizable(true);
    m_rollScroll->setMinimumHeight(200);
    layout->addWidget(m_rollScroll, 1);
    // Passages leave the roll as .mid files, into a DAW or a folder.
    // Beside the continuation it is about: a passage copied from a training piece of the open dataset.
    m_copyWarning = new QLabel(this);
    m_copyWarning->setObjectName(QStringLiteral("copyWarning"));
    m_copyWarning->setAccessibleName(tr("Copy warning"));
    m_copyWarning->setWordWrap(true);
    m_copyWarning->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    m_copyWarning->setVisible(false);
    layout->addWidget(m_copyWarning);
    layout->addWidget(new PassageDragBar(m_roll, tr("The generated part"), tr("The whole piece"), this));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("generateStatus"));
    m_status->setAccessibleName(tr("Generation status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_playheadTimer = new QTimer(this);
    m_playheadTimer->setInterval(30);
    connect(m_playheadTimer, &QTimer::timeout, this, [this] {
        if (!m_player->hasScheduler()) return;
        m_roll->setPlayhead(m_player->position());
        if (!m_player->playing()) {
            m_playheadTimer->stop();
            m_startPosition = 0;   // at the end: the next Play starts from the beginning
            if (!m_player->error().empty())
                m_status->setText(tr("Playback stopped: %1").arg(QString::fromStdString(m_player->error())));
            updateButtons();
        }
    });

    connect(modelBrowse, &QPushButton::clicked, this, &GeneratePage::browseModel);
    connect(promptBrowse, &QPushButton::clicked, this, &GeneratePage::browsePrompt);
    connect(dice, &QToolButton::clicked, this, [this] { m_seed->setValue(int(QRandomGenerator::global()->bounded(2147483647))); });
    connect(m_generate, &QPushButton::clicked, this, &GeneratePage::startGeneration);
    connect(m_stop, &QPushButton::clicked, this, &GeneratePage::stopGeneration);
    connect(m_continue, &QPushButton::clicked, this, &GeneratePage::continueGeneration);
    connect(m_undo, &QPushButton::clicked, this, &GeneratePage::undo);
    connect(m_regenerate, &QPushButton::clicked, this, &GeneratePage::regenerateSelectedBars);
    connect(m_regenerateAction, &QAction::triggered, this, &GeneratePage::regenerateSelectedBars);
    connect(m_roll, &PianoRollWidget::selectionChanged, this, [this] {
        const auto [first, last] = m_roll->selectedBars();
        const QString bars = first == last ? tr("Regenerate bar %1").arg(first) : tr("Regenerate bars %1–%2").arg(first).arg(last);
        m_regenerateAction->setText(first > 0 ? bars : tr("Regenerate these bars"));
        updateButtons();
    });
    connect(m_export, &QPushButton::clicked, this, &GeneratePage::exportDialog);
    connect(m_play, &QPushButton::clicked, this, &GeneratePage::play);
    connect(m_stopPlay, &QPushButton::clicked, this, &GeneratePage::stopPlayback);
    connect(m_roll, &PianoRollWidget::seekRequested, this, &GeneratePage::seekTo);
    connect(m_roll, &PianoRollWidget::dragFailed, m_status, &QLabel::setText);
    connect(m_datasetPiece, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        const QString path = m_datasetPiece->itemData(index).toString();
        if (!path.isEmpty()) m_promptPath->setText(path);
    });
    connect(m_variationTabs, &QTabBar::currentChanged, this, [this](int i) {
        if (!m_running && i >= 0) showVariation(i);
    });
    connect(m_zoom, &QSlider::valueChanged, this, [this](int v) {
        m_rollScroll->setWidgetResizable(v == 0);
        m_roll->setPixelsPerSecond(v);
        if (v > 0) m_roll->resize(m_roll->sizeHint().width(), m_rollScroll->viewport()->height());
    });
    connect(m_engine, &EngineController::generationChunk, this, &GeneratePage::onChunk);
    connect(m_engine, &EngineController::generationFinished, this, &GeneratePage::onFinished);
    connect(m_engine, &EngineController::midiPortsReady, this, &GeneratePage::onPorts);
    connect(m_engine, &EngineController::demoStage, this, &GeneratePage::onDemoStage);
    connect(m_engine, &EngineController::demoFinished, this, &GeneratePage::onDemoFinished);
    m_engine->requestMidiPorts();
    updateButtons();
}

GeneratePage::~GeneratePage() { closeOutput(); }

QString GeneratePage::modelPath() const { return m_modelPath->text().trimmed(); }

void GeneratePage::auditionModel(const QString& modelPath, qint64 step) {
    m_modelPath->setText(modelPath);
    m_status->setText(step > 0 ? tr("The model from step %1 of the training run is ready: press Generate to hear it. "
                                    "Training goes on meanwhile.")
                                     .arg(step)
                               : tr("The run's model is ready: press Generate to hear it."));
}

GenerateJob GeneratePage::currentJob(bool continueCurrent) const {
    GenerateJob job;
    job.modelPath = m_modelPath->text().trimmed().toStdString();
    job.promptPath = m_promptPath->text().trimmed().toStdString();
    job.promptBars = m_promptBars->value();
    const QStringList metre = m_metre->currentText().split(QLatin1Char('/'));
    job.metreNumerator = metre.value(0).toInt();
    job.metreDenominator = metre.value(1).toInt();
    job.tempoBpm = m_tempo->value();
    job.length = {pm::gen::LengthUnit(m_lengthUnit->currentData().toInt()), m_length->value()};
    job.sampling.temperature = m_temperature->value();
    job.sampling.topK = m_topK->value();
    job.sampling.topP = m_topP->value();
    job.sampling.repetitionPenalty = m_repetition->value();
    job.sampling.seed = std::uint64_t(m_seed->value());
    job.variations = continueCurrent ? 1 : m_variations->value();
    job.continueCurrent = continueCurrent;
    job.continueVariation = m_shown;
    job.copyCheckDataset = m_datasetDir.toStdString();
    return job;
}

void GeneratePage::startGeneration() {
    if (m_running) return;
    if (m_modelPath->text().trimmed().isEmpty()) {
        m_status->setText(tr("Choose a model file first."));
        return;
    }
    stopPlayback();
    m_roll->setNotes({}, 0);
    m_variationTabs->blockSignals(true);
    while (m_variationTabs->count() > 0) m_variationTabs->removeTab(0);
    m_variationTabs->blockSignals(false);
    m_streamVariation = -1;
    m_job = m_engine->requestGeneration(currentJob(false));
    if (m_job == 0) {
        m_status->setText(m_engine->lastRefusal());
        return;
    }
    setRunning(true);
    m_status->setText(tr("Generating…"));
}

void GeneratePage::continueGeneration() {
    if (m_running || m_pieces.empty()) return;
    stopPlayback();
    m_roll->setNotes({}, 0);
    m_streamVariation = -1;
    m_job = m_engine->requestGeneration(currentJob(true));
    if (m_job == 0) {
        m_status->setText(m_engine->lastRefusal());
        return;
    }
    setRunning(true);
    m_status->setText(tr("Continuing…"));
}

void GeneratePage::stopGeneration() {
    // This page's job only: a training running beside it goes on.
    if (m_running && m_job) m_engine->cancel(m_job);
}

void GeneratePage::undo() {
    if (m_running || !m_canUndo) return;
    stopPlayback();
    m_engine->requestGenerationUndo();
}

void GeneratePage::regenerateSelectedBars() {
    const auto [first, last] = m_roll->selectedBars();
    if (first == 0) {
        m_status->setText(tr("Select the bars to regenerate first: Shift and drag on the piano roll."));
        return;
    }
    regenerateBars(first, last);
}

bool GeneratePage::regenerateBars(int first, int last) {
    if (m_running || m_shown >= int(m_pieces.size()) || m_pieceFromDemo) return false;
    // The engine's own check, so the message is the one the CLI gives.
    const std::string problem = pm::gen::checkInfillBars(m_pieces[std::size_t(m_shown)].barStarts.size(), first, last);
    if (!problem.empty()) {
        m_status->setText(tr("Cannot regenerate these bars: %1").arg(QString::fromStdString(problem)));
        return false;
    }
    stopPlayback();
    GenerateJob job = currentJob(true);
    job.infillFirstBar = first;
    job.infillLastBar = last;
    m_job = m_engine->requestGeneration(job);
    if (m_job == 0) {
        m_status->setText(m_engine->lastRefusal());
        return false;
    }
    setRunning(true);
    m_status->setText(first == last ? tr("Regenerating bar %1…").arg(first) : tr("Regenerating bars %1–%2…").arg(first).arg(last));
    return true;
}

void GeneratePage::onChunk(const GenerationChunk& chunk) {
    if (chunk.variation != m_streamVariation) {
        // A new variation starts: the roll shows the one being written.
        m_streamVariation = chunk.variation;
        m_roll->setNotes({}, 0);
        if (m_streaming && chunk.variation > 0) m_player->markComplete();   // only the first one plays live
    }
    m_roll->appendNotes(notesOf(chunk.events), chunk.prompt ? PianoRollWidget::NoteRole::Prompt
                                                            : PianoRollWidget::NoteRole::Generated);
    if (chunk.variation == 0 && m_playWhileGenerating->isChecked()) {
        if (chunk.prompt && !m_streaming && openOutput()) {
            std::string error;
            m_streaming = m_player->play({}, false, 0.0, &error);
            if (m_streaming) m_playheadTimer->start();
            else m_status->setText(tr("Cannot play: %1").arg(QString::fromStdString(error)));
        }
        if (m_streaming) m_player->append(pm::play::timelineFromEvents(chunk.events));
    }
    if (!chunk.prompt) m_status->setText(tr("Generating… %n token(s)", nullptr, int(chunk.generatedTokens)));
}

void GeneratePage::onFinished(const GenerationOutcome& outcome) {
    m_job = 0;
    setRunning(false);
    if (m_streaming) m_player->markComplete();
    m_streaming = false;
    if (!outcome.ok && outcome.infillFirstBar > 0 && outcome.cancelled) {
        m_status->setText(tr("Stopped: the bars were not regenerated."));   // the piece shown stays
        updateButtons();
        emit generationDone(false);
        return;
    }
    if (!outcome.ok) {
        m_status->setText(outcome.undo ? tr("Nothing to undo.")
                                       : tr("Generation failed: %1").arg(QString::fromStdString(outcome.error)));
        updateButtons();
        emit generationDone(false);
        return;
    }
    m_pieces = outcome.pieces;
    m_canUndo = outcome.canUndo;
    m_pieceFromDemo = false;
    m_copyCheckNote = QString::fromStdString(outcome.copyCheckNote);
    m_variationTabs->blockSignals(true);
    while (m_variationTabs->count() > 0) m_variationTabs->removeTab(0);
    for (std::size_t i = 0; i < m_pieces.size(); ++i) m_variationTabs->addTab(tr("Variation %1").arg(i + 1));
    m_variationTabs->setCurrentIndex(0);
    m_variationTabs->blockSignals(false);
    showVariation(0);
    const GeneratedPiece& p = m_pieces.front();
    if (outcome.infillFirstBar > 0) {
        // The new bars stay selected: another press writes them again.
        m_roll->selectBars(outcome.infillFirstBar, outcome.infillLastBar);
        m_status->setText(tr("Bars %1–%2 regenerated: %n note(s) (seed %3). Undo brings the previous version back.", nullptr,
                             int(p.generatedNotes))
                              .arg(outcome.infillFirstBar)
                              .arg(outcome.infillLastBar)
                              .arg(p.seed));
    } else if (outcome.undo)
        m_status->setText(tr("Back to the previous piece."));
    else if (outcome.cancelled)
        m_status->setText(tr("Stopped after %n token(s).", nullptr, int(p.generatedTokens)));
    else
        m_status->setText(tr("%1 bars, %2 notes, %3 tokens at %4 tokens/s (seed %5).")
                              .arg(p.generatedBars)
                              .arg(p.generatedNotes)
                              .arg(p.generatedTokens)
                              .arg(p.tokensPerSecond, 0, 'f', 0)
                              .arg(p.seed));
    // The check needs the dataset's pieces; when it could not run, say so once, here.
    if (!outcome.undo && !m_datasetDir.isEmpty() && !outcome.copyChecked)
        m_status->setText(m_status->text() + QLatin1Char(' ') +
                          tr("Not checked for copies of the dataset's pieces: %1").arg(m_copyCheckNote));
    updateButtons();
    emit generationDone(true);
}

void GeneratePage::showVariation(int index) {
    if (index < 0 || index >= int(m_pieces.size())) return;
    m_shown = index;
    m_startPosition = 0;
    const GeneratedPiece& p = m_pieces[std::size_t(index)];
    std::vector<pm::dataset::PreviewNote> prompt, generated;
    // The model's notes in orange: after the prompt, and before the kept bars when bars were regenerated.
    for (const auto& track : p.file.tracks)
        for (const auto& n : track.notes) {
            const bool mine = n.startSeconds >= p.promptSeconds - 1e-9 &&
                              (p.generatedEndSeconds <= 0 || n.startSeconds < p.generatedEndSeconds - 1e-9);
            (mine ? generated : prompt).push_back({n.startSeconds, n.endSeconds, n.pitch, n.velocity});
        }
    m_roll->setNotes(prompt, p.file.durationSeconds);
    m_roll->appendNotes(generated, PianoRollWidget::NoteRole::Generated);
    m_roll->setBarStarts(p.barStarts);
    // Bars count from the piece's first bar, as on the roll and in an exported file.
    m_copyWarning->setVisible(p.copy.has_value());
    m_copyWarning->setText(p.copy ? tr("This continuation copies your music: %1.").arg(ReportText::copyWarning(*p.copy)) : QString());
    // The share counts bars found note for note (durations too), so it can be lower than the
    // passage suggests: a detail for the tooltip, beside what the check had to do first.
    QString detail = tr("%1 % of its bars occur note for note in the training pieces.")
                         .arg(QLocale().toString(100.0 * p.copiedBarShare, 'f', 0));
    if (!m_copyCheckNote.isEmpty()) detail += QLatin1Char('\n') + m_copyCheckNote;
    m_copyWarning->setToolTip(detail);
    // A dragged passage is written at the piece's (first) tempo and metre.
    PassageTiming timing;
    if (!p.file.tempos.empty()) timing.bpm = 60e6 / double(std::max<std::uint32_t>(1, p.file.tempos.front().usPerBeat));
    if (!p.file.timeSignatures.empty()) {
        timing.metreNumerator = p.file.timeSignatures.front().numerator;
        timing.metreDenominator = int(p.file.timeSignatures.front().denominator());
    }
    m_roll->setTiming(timing);
}

void GeneratePage::onPorts(const pm::MidiPortList& ports) {
    const QString wanted = m_settings ? m_settings->midiOutput() : QString();
    while (m_output->count() > 1) m_output->removeItem(1);
    for (const auto& p : ports.ports) m_output->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    const int i = m_output->findData(wanted);
    m_output->setCurrentIndex(i >= 0 ? i : 0);
}

bool GeneratePage::openOutput() {
    // The engine's player keeps an open output when the choice is the same, and falls back to
    // the built-in piano (saying so) when a port cannot be opened.
    const QString choice = m_output->currentData().toString();
    std::string error;
    if (!m_player->open(choice.toStdString(), std::string(), &error)) {
        m_status->setText(tr("Cannot play: %1").arg(QString::fromStdString(error)));
        return false;
    }
    if (!m_player->notice().empty()) {
        m_status->setText(tr("%1 could not be opened; playing on the built-in piano.").arg(choice));
        m_status->setToolTip(QString::fromStdString(m_player->notice()));
    }
    return true;
}

void GeneratePage::closeOutput() {
    m_streaming = false;
    if (m_player) m_player->close();   // stops and silences first
}

void GeneratePage::play() {
    if (m_shown >= int(m_pieces.size())) return;
    const double from = m_startPosition;   // where the user clicked on the roll, else 0
    stopPlayback();
    if (!openOutput()) return;
    std::string error;
    if (!m_player->playFile(m_pieces[std::size_t(m_shown)].file, from, &error)) {
        m_status->setText(tr("Cannot play: %1").arg(QString::fromStdString(error)));
        return;
    }
    m_roll->setPlayhead(from);
    m_playheadTimer->start();
    updateButtons();
}

void GeneratePage::seekTo(double seconds) {
    if (m_running && !m_streaming) return;   // nothing to place a playhead on yet
    seconds = std::max(0.0, seconds);
    m_startPosition = seconds;
    // Playing: the scheduler silences what sounds and goes on from there (with the pedal in
    // force there). Stopped: the playhead marks where Play starts.
    if (m_player->playing()) m_player->seek(seconds);
    m_roll->setPlayhead(seconds);
}

double GeneratePage::playbackPosition() const {
    return m_player->playing() ? m_player->position() : m_startPosition;
}

void GeneratePage::startDemo() {
    pm::DemoOptions options;
    options.measureBlas = false;
    options.renderWav = false;   // the app plays the piece itself
    const QString base = m_settings ? m_settings->dataFolder() : QDir::tempPath();
    options.workDir = QDir(base).filePath(QStringLiteral("demo-run")).toStdString();
    runDemo(options);
}

void GeneratePage::runDemo(const pm::DemoOptions& options) {
    if (m_running) return;
    stopPlayback();
    m_roll->setNotes({}, 0);
    m_job = m_engine->requestDemo(options);
    if (m_job == 0) {
        m_status->setText(m_engine->lastRefusal());
        return;
    }
    m_demoRunning = true;
    setRunning(true);
    m_status->setText(tr("Demo: building a dataset from the bundled pieces…"));
}

void GeneratePage::onDemoStage(const pm::DemoStageReport& r) {
    if (!m_demoRunning) return;
    if (r.progress && r.stage == "train") {
        m_status->setText(tr("Demo: training a small model, step %1 of at most %2 (%3)…")
                              .arg(r.done)
                              .arg(r.total)
                              .arg(QString::fromStdString(r.detail)));
    } else if (r.progress && r.stage == "generate") {
        m_status->setText(tr("Demo: the model is writing bar %1 of %2…").arg(r.done).arg(r.total));
    } else if (!r.ok) {
        m_status->setText(tr("Demo: %1 failed: %2").arg(QString::fromStdString(r.stage), QString::fromStdString(r.detail)));
    } else if (r.stage == "dataset") {
        m_status->setText(tr("Demo: dataset ready; training starts…"));
    }
}

void GeneratePage::onDemoFinished(const pm::DemoResult& result) {
    if (!m_demoRunning) return;
    m_demoRunning = false;
    m_job = 0;
    setRunning(false);
    std::string error = result.error;
    pm::midi::MidiFile file;
    if (result.ok) {
        auto read = pm::midi::readMidiFile(result.midiPath);
        if (read) file = read.value();
        else error = result.midiPath + ": " + read.error().toString();
    }
    if (!result.ok || !error.empty()) {
        m_status->setText(error.empty() ? tr("The demo was stopped.")
                                        : tr("The demo failed: %1").arg(QString::fromStdString(error)));
        emit generationDone(false);
        return;
    }
    // What the demo made becomes the page's state: its model, its prompt, its dataset, its piece.
    m_modelPath->setText(QString::fromStdString(result.modelPath));
    m_promptPath->setText(QString::fromStdString(result.promptPath));
    setDataset(QString::fromStdString(result.datasetDir));
    GeneratedPiece piece;
    piece.file = std::move(file);
    piece.promptSeconds = result.promptSeconds;
    m_pieces = {piece};
    m_canUndo = false;
    m_pieceFromDemo = true;
    m_variationTabs->blockSignals(true);
    while (m_variationTabs->count() > 0) m_variationTabs->removeTab(0);
    m_variationTabs->addTab(tr("Variation %1").arg(1));
    m_variationTabs->blockSignals(false);
    showVariation(0);
    m_status->setText(tr("Demo finished in %1 s: the model trained for %2 s. Its continuation is in orange after "
                         "the prompt; press Play to listen. Saved as %3.")
                          .arg(result.totalSeconds, 0, 'f', 0)
                          .arg(result.trainSeconds, 0, 'f', 0)
                          .arg(QString::fromStdString(result.midiPath)));
    updateButtons();
    emit generationDone(true);
}

void GeneratePage::setDataset(const QString& directory) {
    m_datasetPiece->clear();
    pm::dataset::Manifest manifest;
    const std::string error = directory.isEmpty() ? std::string("none") : pm::dataset::loadManifest(directory.toStdString(), &manifest);
    m_datasetDir = error.empty() ? directory : QString();
    if (!error.empty()) {
        m_datasetPiece->addItem(tr("No dataset is open"));
        m_datasetPiece->setEnabled(false);
        return;
    }
    m_datasetPiece->addItem(tr("Choose a piece…"));
    // Validation pieces first: continuing music the model has not seen shows what it learned.
    for (const bool validation : {true, false}) {
        for (const auto& f : manifest.files) {
            if (f.piece < 0 || (f.split == pm::dataset::Split::Validation) != validation) continue;
            const QString path = QString::fromStdString(f.path);
            const QString name = QFileInfo(path).fileName();
            m_datasetPiece->addItem(validation ? tr("%1 (validation)").arg(name) : name, path);
            m_datasetPiece->setItemData(m_datasetPiece->count() - 1, path, Qt::ToolTipRole);
        }
    }
    m_datasetPiece->setEnabled(m_datasetPiece->count() > 1);
}

QString GeneratePage::copyWarningText() const { return m_copyWarning->isHidden() ? QString() : m_copyWarning->text(); }

int GeneratePage::datasetPieceCount() const { return m_datasetPiece->count() - 1; }

bool GeneratePage::chooseDatasetPiece(int index) {
    if (index < 0 || index + 1 >= m_datasetPiece->count()) return false;
    m_datasetPiece->setCurrentIndex(index + 1);
    m_promptPath->setText(m_datasetPiece->itemData(index + 1).toString());
    return true;
}

bool GeneratePage::isPlaying() const { return m_player->playing(); }

void GeneratePage::stopPlayback() {
    m_player->stop();
    m_streaming = false;
    m_playheadTimer->stop();
    m_startPosition = 0;
    m_roll->setPlayhead(-1);
    updateButtons();
}

bool GeneratePage::exportTo(const QString& path) {
    if (m_shown >= int(m_pieces.size())) {
        m_status->setText(tr("Nothing to export yet."));
        return false;
    }
    const auto written = pm::midi::writeMidiFile(m_pieces[std::size_t(m_shown)].file, path.toStdString());
    if (!written) {
        m_status->setText(tr("Export failed: %1").arg(QString::fromStdString(written.error().toString())));
        return false;
    }
    m_status->setText(tr("Saved %1.").arg(path));
    return true;
}

void GeneratePage::exportDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export MIDI"), QString(), tr("MIDI files (*.mid)"));
    if (!path.isEmpty()) exportTo(path);
}

void GeneratePage::browseModel() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a model"), QString(),
                                                      tr("Models (*.safetensors *.pth);;All files (*)"));
    if (!path.isEmpty()) m_modelPath->setText(path);
}

void GeneratePage::browsePrompt() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose a prompt"), QString(), tr("MIDI files (*.mid *.midi);;All files (*)"));
    if (!path.isEmpty()) m_promptPath->setText(path);
}

void GeneratePage::setRunning(bool running) {
    m_running = running;
    updateButtons();
}

void GeneratePage::updateButtons() {
    const bool havePiece = !m_pieces.empty();
    m_generate->setEnabled(!m_running);
    m_stop->setEnabled(m_running);
    m_continue->setEnabled(!m_running && havePiece && !m_pieceFromDemo);
    m_undo->setEnabled(!m_running && m_canUndo);
    const bool canRegenerate = !m_running && havePiece && !m_pieceFromDemo && m_roll->selectedBars().first > 0;
    m_regenerate->setEnabled(canRegenerate);
    m_regenerateAction->setEnabled(canRegenerate);
    m_export->setEnabled(!m_running && havePiece);
    m_play->setEnabled(havePiece && !m_running);
    m_stopPlay->setEnabled(m_player->playing());
}

}  // namespace pm::app
