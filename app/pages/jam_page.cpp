#include "pages/jam_page.h"

#include "pages/page_header.h"
#include "settings/app_settings.h"
#include "widgets/passage_drag_bar.h"
#include "widgets/piano_roll_widget.h"
#include "worker/engine_controller.h"

#include "midi/midi_writer.h"
#include "model/base_model.h"
#include "playback/playback_clock.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace pm::app {

namespace {

// The input list's entry for PianoMuse's own ports (AppSettings::midiInput keeps it too).
const QString kVirtual = QStringLiteral("virtual:");

enum class TriggerKind { Silence, Controller, Key };

// pm::noMidiInputsMessage(), word for word, so the page can translate what the engine says
// (tests/app/tst_jam_page.cpp checks that the two stay the same).
const char* const kNoInputs = QT_TRANSLATE_NOOP(
    "pm::app::JamPage",
    "no MIDI input ports: connect a MIDI keyboard (USB, or through a MIDI interface) and list the ports again, or let "
    "another program play into PianoMuse's virtual input \"PianoMuse in\"");

}  // namespace

const char* JamPage::noInputsSourceText() { return kNoInputs; }

JamPage::JamPage(EngineController* engine, AppSettings* settings, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_settings(settings) {
    setObjectName(QStringLiteral("jamPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Jam"),
        tr("Play on your MIDI keyboard and the model answers: when you pause (or press the pedal or key you chose, "
           "or Space here), it plays a few bars in your tempo and metre. Play again and it stops at once."),
        this));

    // --- Ports ------------------------------------------------------------------------------------
    auto* ports = new QGroupBox(tr("MIDI"), this);
    auto* portForm = new QFormLayout(ports);
    auto* portRow = new QHBoxLayout;
    m_input = new QComboBox(ports);
    m_input->setObjectName(QStringLiteral("jamInputCombo"));
    m_input->setAccessibleName(tr("MIDI input"));
    m_input->setToolTip(tr("The keyboard you play (or another program's output)"));
    auto* inputLabel = new QLabel(tr("&Input:"), ports);
    inputLabel->setBuddy(m_input);
    m_output = new QComboBox(ports);
    m_output->setObjectName(QStringLiteral("jamOutputCombo"));
    m_output->setAccessibleName(tr("MIDI output for the answers"));
    m_output->addItem(tr("Built-in piano"), QString());
    auto* outputLabel = new QLabel(tr("&Output:"), ports);
    outputLabel->setBuddy(m_output);
    auto* refresh = new QPushButton(tr("&Refresh"), ports);
    refresh->setObjectName(QStringLiteral("refreshPortsButton"));
    refresh->setAccessibleName(tr("List the MIDI ports again"));
    portRow->addWidget(inputLabel);
    portRow->addWidget(m_input, 1);
    portRow->addWidget(outputLabel);
    portRow->addWidget(m_output, 1);
    portRow->addWidget(refresh);
    portForm->addRow(portRow);
    m_portStatus = new QLabel(tr("Looking for MIDI inputs…"), ports);
    m_portStatus->setObjectName(QStringLiteral("jamPortStatus"));
    m_portStatus->setAccessibleName(tr("MIDI input status"));
    m_portStatus->setWordWrap(true);
    portForm->addRow(m_portStatus);
    layout->addWidget(ports);

    // --- The jam's settings -------------------------------------------------------------------------
    auto* settingsBox = new QGroupBox(tr("Jam"), this);
    auto* form = new QFormLayout(settingsBox);
    auto* modelRow = new QHBoxLayout;
    m_modelPath = new QLineEdit(settingsBox);
    m_modelPath->setObjectName(QStringLiteral("jamModelPath"));
    m_modelPath->setAccessibleName(tr("Model file"));
    m_modelPath->setPlaceholderText(tr("A trained model (.safetensors) or an RWKV-7 .pth file"));
    m_modelPath->setText(QString::fromStdString(pm::model::bundledBaseModelPath()));
    auto* browse = new QPushButton(tr("Browse…"), settingsBox);
    browse->setAccessibleName(tr("Browse for a model"));
    modelRow->addWidget(m_modelPath, 1);
    modelRow->addWidget(browse);
    auto* modelLabel = new QLabel(tr("&Model:"), settingsBox);
    modelLabel->setBuddy(m_modelPath);
    form->addRow(modelLabel, modelRow);

    auto* timeRow = new QHBoxLayout;
    m_tempo = new QSpinBox(settingsBox);
    m_tempo->setObjectName(QStringLiteral("jamTempo"));
    m_tempo->setRange(20, 300);
    m_tempo->setValue(120);
    m_tempo->setSuffix(tr(" BPM"));
    m_tempo->setAccessibleName(tr("Tempo"));
    m_tempo->setToolTip(tr("Your tempo: the model hears your notes on this grid and answers in it"));
    m_metre = new QComboBox(settingsBox);
    m_metre->setObjectName(QStringLiteral("jamMetre"));
    for (const char* m : {"4/4", "3/4", "2/4", "6/8", "12/8", "5/4"}) m_metre->addItem(QString::fromLatin1(m));
    m_metre->setAccessibleName(tr("Metre"));
    auto* metreLabel = new QLabel(tr("M&etre:"), settingsBox);
    metreLabel->setBuddy(m_metre);
    timeRow->addWidget(m_tempo);
    timeRow->addWidget(metreLabel);
    timeRow->addWidget(m_metre);
    timeRow->addStretch(1);
    auto* tempoLabel = new QLabel(tr("&Tempo:"), settingsBox);
    tempoLabel->setBuddy(m_tempo);
    form->addRow(tempoLabel, timeRow);

    auto* triggerRow = new QHBoxLayout;
    m_triggerKind = new QComboBox(settingsBox);
    m_triggerKind->setObjectName(QStringLiteral("jamTriggerKind"));
    m_triggerKind->addItem(tr("a silence of"), int(TriggerKind::Silence));
    m_triggerKind->addItem(tr("a pedal or switch (controller)"), int(TriggerKind::Controller));
    m_triggerKind->addItem(tr("a key (not played as music)"), int(TriggerKind::Key));
    m_triggerKind->setAccessibleName(tr("Hand over after"));
    m_triggerValue = new QSpinBox(settingsBox);
    m_triggerValue->setObjectName(QStringLiteral("jamTriggerValue"));
    m_triggerValue->setAccessibleName(tr("Silence length, controller or key number"));
    triggerRow->addWidget(m_triggerKind);
    triggerRow->addWidget(m_triggerValue);
    triggerRow->addStretch(1);
    auto* triggerLabel = new QLabel(tr("&Hand over after:"), settingsBox);
    triggerLabel->setBuddy(m_triggerKind);
    form->addRow(triggerLabel, triggerRow);
    updateTriggerValue();

    auto* answerRow = new QHBoxLayout;
    m_bars = new QSpinBox(settingsBox);
    m_bars->setObjectName(QStringLiteral("jamBars"));
    m_bars->setRange(1, 16);
    m_bars->setValue(2);
    m_bars->setSuffix(tr(" bars"));
    m_bars->setAccessibleName(tr("Bars to answer"));
    m_seed = new QSpinBox(settingsBox);
    m_seed->setObjectName(QStringLiteral("jamSeed"));
    m_seed->setRange(0, 2147483647);
    m_seed->setValue(1);
    m_seed->setAccessibleName(tr("Seed of the first answer"));
    m_seed->setToolTip(tr("Each answer takes the next seed; Answer again too"));
    auto* seedLabel = new QLabel(tr("&Seed:"), settingsBox);
    seedLabel->setBuddy(m_seed);
    answerRow->addWidget(m_bars);
    answerRow->addWidget(seedLabel);
    answerRow->addWidget(m_seed);
    answerRow->addStretch(1);
    auto* barsLabel = new QLabel(tr("&Answer with:"), settingsBox);
    barsLabel->setBuddy(m_bars);
    form->addRow(barsLabel, answerRow);
    layout->addWidget(settingsBox);

    // --- Actions ------------------------------------------------------------------------------------
    auto* actions = new QHBoxLayout;
    m_start = new QPushButton(tr("Start jam"), this);
    m_start->setObjectName(QStringLiteral("startJamButton"));
    m_start->setAccessibleName(tr("Start jam"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopJamButton"));
    m_stop->setAccessibleName(tr("Stop the jam"));
    m_handOver = new QPushButton(tr("Hand over (Space)"), this);
    m_handOver->setObjectName(QStringLiteral("handOverButton"));
    m_handOver->setAccessibleName(tr("Hand over to the model"));
    m_handOver->setToolTip(tr("The model answers now (Space in this window does the same)"));
    m_undo = new QPushButton(tr("Undo answer"), this);
    m_undo->setObjectName(QStringLiteral("undoAnswerButton"));
    m_undo->setAccessibleName(tr("Undo the last answer"));
    m_undo->setToolTip(tr("Take the model's last answer back (before you play again)"));
    m_again = new QPushButton(tr("Answer again"), this);
    m_again->setObjectName(QStringLiteral("answerAgainButton"));
    m_again->setAccessibleName(tr("Answer again with another seed"));
    m_again->setToolTip(tr("Replace the model's last answer with a new one (before you play again)"));
    m_export = new QPushButton(tr("Export jam…"), this);
    m_export->setObjectName(QStringLiteral("exportJamButton"));
    m_export->setAccessibleName(tr("Export the jam as MIDI"));
    m_export->setToolTip(tr("You and the model on two tracks of one MIDI file"));
    for (auto* b : {m_start, m_stop, m_handOver, m_undo, m_again, m_export}) actions->addWidget(b);
    actions->addStretch(1);
    layout->addLayout(actions);
    // Space hands over while the jam runs, wherever the focus is on this page (a text field keeps
    // its Space).
    m_handOverKey = new QShortcut(QKeySequence(Qt::Key_Space), this);
    m_handOverKey->setContext(Qt::WidgetWithChildrenShortcut);
    m_handOverKey->setEnabled(false);

    // --- The roll -----------------------------------------------------------------------------------
    m_roll = new PianoRollWidget(this);
    m_roll->setObjectName(QStringLiteral("jamRoll"));
    m_roll->setAccessibleName(tr("Jam piano roll"));
    m_roll->setAccessibleDescription(tr("Your notes in green and the model's answers in orange, drawn as they sound"));
    m_roll->setFirstTrackName(QStringLiteral("Player"));
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_roll);
    scroll->setWidgetResizable(true);
    scroll->setMinimumHeight(180);
    layout->addWidget(scroll, 1);
    auto* legend = new QLabel(tr("Green: you. Orange: the model."), this);
    legend->setObjectName(QStringLiteral("jamLegend"));
    m_dragBar = new PassageDragBar(m_roll, tr("The model's answers"), tr("The whole jam"), this);
    auto* below = new QHBoxLayout;
    below->addWidget(legend);
    below->addStretch(1);
    below->addWidget(m_dragBar);
    layout->addLayout(below);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("jamStatus"));
    m_status->setAccessibleName(tr("Jam status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_liveTimer = new QTimer(this);
    m_liveTimer->setInterval(30);
    connect(m_liveTimer, &QTimer::timeout, this, [this] { m_roll->setLiveTime(jamSeconds()); });

    connect(browse, &QPushButton::clicked, this, &JamPage::browseModel);
    connect(refresh, &QPushButton::clicked, this, &JamPage::refreshPorts);
    connect(m_triggerKind, &QComboBox::currentIndexChanged, this, &JamPage::updateTriggerValue);
    connect(m_input, &QComboBox::currentIndexChanged, this, &JamPage::updateButtons);
    connect(m_modelPath, &QLineEdit::textChanged, this, &JamPage::updateButtons);
    connect(m_start, &QPushButton::clicked, this, &JamPage::startJam);
    connect(m_stop, &QPushButton::clicked, this, &JamPage::stopJam);
    connect(m_handOver, &QPushButton::clicked, this, &JamPage::handOver);
    connect(m_handOverKey, &QShortcut::activated, this, &JamPage::handOver);
    connect(m_undo, &QPushButton::clicked, this, &JamPage::undoAnswer);
    connect(m_again, &QPushButton::clicked, this, &JamPage::answerAgain);
    connect(m_export, &QPushButton::clicked, this, &JamPage::exportDialog);
    connect(m_roll, &PianoRollWidget::dragFailed, m_status, &QLabel::setText);
    connect(m_engine, &EngineController::midiInputPortsReady, this, &JamPage::onInputPorts);
    connect(m_engine, &EngineController::midiPortsReady, this, &JamPage::onOutputPorts);
    connect(m_engine, &EngineController::jamStarted, this, &JamPage::onStarted);
    connect(m_engine, &EngineController::jamNotes, this, &JamPage::onNotes);
    connect(m_engine, &EngineController::jamEvent, this, &JamPage::onEvent);
    connect(m_engine, &EngineController::jamRecording, this, &JamPage::onRecording);
    connect(m_engine, &EngineController::jamFinished, this, &JamPage::onFinished);
    refreshPorts();
    updateButtons();
}

JamPage::~JamPage() {
    if (m_job) m_engine->cancel(m_job);
}

double JamPage::jamSeconds() const { return std::max(0.0, pm::play::SteadyPlaybackClock().now() - m_clockStart); }

QString JamPage::statusText() const { return m_status->text(); }

void JamPage::setModelPath(const QString& path) { m_modelPath->setText(path); }

void JamPage::setTestDevices(std::shared_ptr<pm::play::MidiInput> input, std::shared_ptr<pm::play::MidiOutput> output) {
    m_testInput = std::move(input);
    m_testOutput = std::move(output);
    updateButtons();
}

void JamPage::refreshPorts() {
    m_engine->requestMidiInputPorts();
    m_engine->requestMidiPorts();
}

void JamPage::onInputPorts(const pm::app::MidiInputChoices& choices) {
    const QString current = m_input->currentData().toString();
    const QString wanted = !current.isEmpty() ? current : m_settings ? m_settings->midiInput() : QString();
    m_input->clear();
    for (const auto& p : choices.inputs.ports) m_input->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    const bool virtualPorts = choices.virtualUnavailable.empty();
    if (virtualPorts) m_input->addItem(tr("Virtual ports (PianoMuse in/out)"), kVirtual);

    // What is missing, in words: the system's reason, or the engine's "no inputs" advice.
    QString why;
    switch (choices.inputs.reason) {
    case pm::MidiUnavailableReason::None:
        if (choices.inputs.ports.empty()) why = tr(kNoInputs);
        break;
    case pm::MidiUnavailableReason::NotCompiled: why = tr("This build has no MIDI support, so no keyboard can be heard."); break;
    case pm::MidiUnavailableReason::NoAlsaSequencer:
        why = tr("No ALSA MIDI sequencer on this system (/dev/snd/seq), so no keyboard can be heard.");
        break;
    case pm::MidiUnavailableReason::NoUsableSystem: why = tr("No usable MIDI system was found."); break;
    case pm::MidiUnavailableReason::BackendError:
        why = tr("The MIDI system reported an error: %1").arg(QString::fromStdString(choices.inputs.message));
        break;
    }
    if (m_input->count() == 0) {
        m_input->addItem(tr("No MIDI input"), QString());
        m_input->setEnabled(false);
        m_portStatus->setText(tr("Jam needs something to play from. %1").arg(why));
        m_portStatus->setToolTip(tr("Virtual ports are not available here either: %1")
                                     .arg(QString::fromStdString(choices.virtualUnavailable)));
    } else {
        m_input->setEnabled(true);
        QString text = why;
        if (virtualPorts)
            text += (text.isEmpty() ? QString() : QStringLiteral(" ")) +
                    tr("\"Virtual ports\" makes \"PianoMuse in\" and \"PianoMuse out\" for a DAW or another program: "
                       "play into the first, record the answers from the second.");
        m_portStatus->setText(text);
        m_portStatus->setToolTip(QString());
    }
    const int i = m_input->findData(wanted);
    m_input->setCurrentIndex(i >= 0 ? i : 0);
    const int virtualOut = m_output->findData(kVirtual);
    if (virtualPorts && virtualOut < 0) m_output->addItem(tr("Virtual port (PianoMuse out)"), kVirtual);
    if (!virtualPorts && virtualOut >= 0) m_output->removeItem(virtualOut);
    updateButtons();
}

void JamPage::onOutputPorts(const pm::MidiPortList& ports) {
    const QString current = m_output->currentData().toString();
    const QString wanted = !current.isEmpty() ? current : m_settings ? m_settings->midiOutput() : QString();
    const bool virtualOut = m_output->findData(kVirtual) >= 0;
    m_output->clear();
    m_output->addItem(tr("Built-in piano"), QString());
    for (const auto& p : ports.ports) m_output->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    if (virtualOut) m_output->addItem(tr("Virtual port (PianoMuse out)"), kVirtual);
    const int i = m_output->findData(wanted);
    m_output->setCurrentIndex(i >= 0 ? i : 0);
}

void JamPage::updateTriggerValue() {
    // The ranges are parseTrigger's (engine/jam/handover.h).
    switch (TriggerKind(m_triggerKind->currentData().toInt())) {
    case TriggerKind::Silence:
        m_triggerValue->setRange(50, 10000);
        m_triggerValue->setSingleStep(50);
        m_triggerValue->setValue(500);
        m_triggerValue->setSuffix(tr(" ms"));
        m_triggerValue->setPrefix(QString());
        break;
    case TriggerKind::Controller:
        m_triggerValue->setRange(0, 127);
        m_triggerValue->setSingleStep(1);
        m_triggerValue->setValue(64);
        m_triggerValue->setSuffix(QString());
        m_triggerValue->setPrefix(tr("CC "));
        break;
    case TriggerKind::Key:
        m_triggerValue->setRange(0, 127);
        m_triggerValue->setSingleStep(1);
        m_triggerValue->setValue(108);
        m_triggerValue->setSuffix(QString());
        m_triggerValue->setPrefix(tr("key "));
        break;
    }
}

JamJob JamPage::currentJob() const {
    JamJob job;
    job.modelPath = m_modelPath->text().trimmed().toStdString();
    const QString input = m_input->currentData().toString();
    job.virtualInput = input == kVirtual;
    if (!job.virtualInput) job.input = input.toStdString();
    const QString output = m_output->currentData().toString();
    job.virtualOutput = output == kVirtual;
    if (!job.virtualOutput) job.output = output.toStdString();
    const int v = m_triggerValue->value();
    switch (TriggerKind(m_triggerKind->currentData().toInt())) {
    case TriggerKind::Silence: job.trigger = "silence:" + std::to_string(v) + "ms"; break;
    case TriggerKind::Controller: job.trigger = "cc:" + std::to_string(v); break;
    case TriggerKind::Key: job.trigger = "note:" + std::to_string(v); break;
    }
    job.bpm = m_tempo->value();
    const QStringList metre = m_metre->currentText().split(QLatin1Char('/'));
    job.metreNumerator = metre.value(0).toInt();
    job.metreDenominator = metre.value(1).toInt();
    job.replyBars = m_bars->value();
    job.seed = std::uint64_t(m_seed->value());
    job.inputDevice = m_testInput;
    job.outputDevice = m_testOutput;
    return job;
}

void JamPage::startJam() {
    if (m_job) return;
    if (m_modelPath->text().trimmed().isEmpty()) {
        m_status->setText(tr("Choose a model file first."));
        return;
    }
    if (!m_testInput && m_input->currentData().toString().isEmpty()) {
        m_status->setText(m_portStatus->text());
        return;
    }
    const JamJob job = currentJob();
    m_job = m_engine->requestJam(job);
    if (m_job == 0) {
        m_status->setText(m_engine->lastRefusal());
        return;
    }
    if (m_settings && !m_testInput) m_settings->setMidiInput(m_input->currentData().toString());
    m_roll->setNotes({}, 0);
    m_roll->setTiming({double(job.bpm), job.metreNumerator, job.metreDenominator});
    m_haveRecording = false;
    m_lostMessage.clear();
    m_replying = m_canTakeBack = false;
    m_status->setText(tr("Opening the ports and loading the model…"));
    updateButtons();
}

void JamPage::stopJam() {
    if (m_job) m_engine->cancel(m_job);   // the loop ends within ~1 ms, silencing the answer
}

void JamPage::handOver() {
    if (m_started) m_engine->handOverJam(m_job);
}

void JamPage::undoAnswer() {
    if (m_started) m_engine->undoJamAnswer(m_job);
}

void JamPage::answerAgain() {
    if (m_started) m_engine->answerJamAgain(m_job);
}

void JamPage::onStarted(const pm::app::JamStarted& started) {
    if (!m_job) return;
    m_started = true;
    m_clockStart = started.clockStart;
    m_roll->setLiveTime(0);
    m_liveTimer->start();
    m_status->setText(tr("Jamming: play on %1; the model answers on %2 (%3). Stop ends the jam.")
                          .arg(QString::fromStdString(started.input), QString::fromStdString(started.output),
                               QString::fromStdString(started.step)));
    updateButtons();
    emit jamStarted();
}

void JamPage::onNotes(const pm::app::JamNoteBatch& notes) {
    if (!m_started) return;
    for (const JamNote& n : notes) {
        const auto role = n.model ? PianoRollWidget::NoteRole::Generated : PianoRollWidget::NoteRole::Player;
        if (n.velocity > 0) {
            m_roll->startNote(role, n.t, n.pitch, n.velocity, n.reply);
            if (!n.model && m_canTakeBack) {
                m_canTakeBack = false;   // the player went on: the answer stays (the responder says the same)
                updateButtons();
            }
        } else {
            m_roll->endNote(role, n.t, n.pitch);
        }
    }
}

void JamPage::onEvent(const pm::app::JamEvent& e) {
    if (!m_started) return;
    switch (e.kind) {
    case JamEvent::Kind::Handover:
        m_replying = true;
        m_canTakeBack = true;
        m_status->setText(tr("The model answers…"));
        break;
    case JamEvent::Kind::ReplyEnded:
        m_replying = false;
        m_status->setText(tr("Your turn."));
        break;
    case JamEvent::Kind::Undone:
        m_roll->removeGroup(PianoRollWidget::NoteRole::Generated, e.reply);
        m_canTakeBack = false;
        m_status->setText(tr("The answer was taken back. Your turn."));
        break;
    case JamEvent::Kind::AnsweredAgain:
        m_roll->removeGroup(PianoRollWidget::NoteRole::Generated, e.reply);
        m_status->setText(tr("Answering again…"));
        break;
    case JamEvent::Kind::Refused:
        m_status->setText(tr("There is no answer to take back: an answer can be undone or replaced until you play again."));
        break;
    case JamEvent::Kind::InputLost:
        m_lostMessage = tr("The MIDI input went away (%1). The jam stopped; nothing keeps sounding, and its recording is "
                           "kept: Export jam… saves it.")
                            .arg(QString::fromStdString(e.message));
        m_status->setText(m_lostMessage);
        break;
    case JamEvent::Kind::OutputFailed:
        m_lostMessage = tr("The MIDI output stopped taking notes (%1). The jam stopped; its recording is kept: Export jam… "
                           "saves it.")
                            .arg(QString::fromStdString(e.message));
        m_status->setText(m_lostMessage);
        break;
    }
    updateButtons();
}

void JamPage::onFinished(const pm::app::JamOutcome& outcome) {
    if (!m_job) return;
    m_job = 0;
    const bool wasStarted = m_started;
    m_started = m_replying = m_canTakeBack = false;
    m_liveTimer->stop();
    if (wasStarted) m_roll->endAllNotes(jamSeconds());   // what still sounded ends when the jam did
    m_roll->setLiveTime(-1);
    if (outcome.hasRecording) {
        m_recording = outcome.recording;
        m_haveRecording = true;
    }
    if (!outcome.ok) {
        m_status->setText(outcome.error.empty() ? tr("The jam was stopped.")
                                                : tr("The jam could not start: %1").arg(QString::fromStdString(outcome.error)));
    } else if (!m_lostMessage.isEmpty()) {
        m_status->setText(m_lostMessage);
    } else {
        m_status->setText(outcome.medianLatency > 0
                              ? tr("The jam ended after %n answer(s); each first note came %1 ms after the handover "
                                   "(median). Export jam… saves it.",
                                   nullptr, outcome.replies)
                                    .arg(outcome.medianLatency * 1000, 0, 'f', 0)
                              : tr("The jam ended after %n answer(s). Export jam… saves it.", nullptr, outcome.replies));
    }
    if (!m_pendingExport.isEmpty()) {
        // The session ended before its loop could send the recording: the final one is as good.
        const QString path = m_pendingExport;
        m_pendingExport.clear();
        emit exported(m_haveRecording && writeRecording(m_recording, path));
    }
    updateButtons();
    emit jamEnded(outcome.ok);
}

void JamPage::onRecording(const pm::app::JamRecording& recording) {
    if (m_pendingExport.isEmpty()) return;
    const QString path = m_pendingExport;
    m_pendingExport.clear();
    emit exported(writeRecording(recording.file, path));
}

bool JamPage::writeRecording(const pm::midi::MidiFile& file, const QString& path) {
    const auto written = pm::midi::writeMidiFile(file, path.toStdString());
    if (!written) {
        m_status->setText(tr("Export failed: %1").arg(QString::fromStdString(written.error().toString())));
        return false;
    }
    m_status->setText(tr("Saved %1 (you on track 1, the model on track 2).").arg(QDir::toNativeSeparators(path)));
    return true;
}

void JamPage::exportJamTo(const QString& path) {
    if (m_started) {
        m_pendingExport = path;
        m_engine->requestJamRecording(m_job);
        return;
    }
    if (!m_haveRecording) {
        m_status->setText(tr("Nothing to export yet: start a jam first."));
        emit exported(false);
        return;
    }
    emit exported(writeRecording(m_recording, path));
}

void JamPage::exportDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export jam"), QString(), tr("MIDI files (*.mid)"));
    if (!path.isEmpty()) exportJamTo(path);
}

void JamPage::browseModel() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a model"), QString(),
                                                      tr("Models (*.safetensors *.pth);;All files (*)"));
    if (!path.isEmpty()) m_modelPath->setText(path);
}

void JamPage::updateButtons() {
    const bool busy = m_job != 0;
    const bool haveInput = m_testInput || !m_input->currentData().toString().isEmpty();
    m_start->setEnabled(!busy && haveInput && !m_modelPath->text().trimmed().isEmpty());
    m_stop->setEnabled(busy);
    m_handOver->setEnabled(m_started);
    m_handOverKey->setEnabled(m_started);
    m_undo->setEnabled(m_started && m_canTakeBack && !m_replying);
    m_again->setEnabled(m_started && m_canTakeBack);
    m_export->setEnabled(m_started || m_haveRecording);
    for (QWidget* w : std::initializer_list<QWidget*>{m_input, m_output, m_modelPath, m_tempo, m_metre, m_triggerKind,
                                                      m_triggerValue, m_bars, m_seed})
        w->setEnabled(!busy && (w != m_input || m_input->count() > 1 || !m_input->currentData().toString().isEmpty()));
}

}  // namespace pm::app
