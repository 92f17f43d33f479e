// Page 4: jam with the model from a MIDI keyboard (issue 17; docs/jam.md "In the app").
//
// The player plays; at the handover (a silence, a pedal or key they chose, or Space / the Hand
// over button here) the model answers for a few bars in their tempo and metre, and playing again
// stops the answer at once. The session runs on the engine's jam lane (EngineController::
// requestJam: the engine's session loop, engine/generate/jam_session.h); what the player plays
// and what the model answers arrive as signals and are drawn on the roll as they sound, the
// player in green, the model in orange. Undo answer and Answer again are carried out by the loop
// itself (the responder is single-threaded); Export jam… writes the two-track recording.
#pragma once

#include "worker/engine_types.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QShortcut;
class QSpinBox;
class QTimer;

namespace pm::app {

class AppSettings;
class EngineController;
class PassageDragBar;
class PianoRollWidget;

class JamPage : public QWidget {
    Q_OBJECT
public:
    JamPage(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);
    ~JamPage() override;

    PianoRollWidget* pianoRoll() const { return m_roll; }
    // The session the controls describe (public for tests).
    JamJob currentJob() const;
    quint64 jamJob() const { return m_job; }     // the running session (0 = none)
    bool isJamming() const { return m_started; }  // its loop runs (ports open, model loaded)
    QString statusText() const;
    // Tests: play from this input and answer into this output instead of opening ports.
    void setTestDevices(std::shared_ptr<pm::play::MidiInput> input, std::shared_ptr<pm::play::MidiOutput> output);
    // The inputs as the queries lane listed them (public so tests can give "no inputs at all").
    void onInputPorts(const pm::app::MidiInputChoices& choices);
    // The engine's "no inputs" message (pm::noMidiInputsMessage()) as this page translates it.
    static const char* noInputsSourceText();

public slots:
    void startJam();
    void stopJam();
    void handOver();
    void undoAnswer();
    void answerAgain();
    // Writes the recording (player and model on two tracks); while a session runs, the loop sends
    // it first. `exported` says how it went.
    void exportJamTo(const QString& path);
    void setModelPath(const QString& path);
    void refreshPorts();

signals:
    void jamStarted();
    void jamEnded(bool ok);
    void exported(bool ok);

private:
    void onStarted(const pm::app::JamStarted& started);
    void onNotes(const pm::app::JamNoteBatch& notes);
    void onEvent(const pm::app::JamEvent& event);
    void onRecording(const pm::app::JamRecording& recording);
    void onFinished(const pm::app::JamOutcome& outcome);
    void onOutputPorts(const pm::MidiPortList& ports);
    bool writeRecording(const pm::midi::MidiFile& file, const QString& path);
    void updateTriggerValue();
    void updateButtons();
    void exportDialog();
    void browseModel();
    double jamSeconds() const;

    EngineController* m_engine;
    AppSettings* m_settings;

    QComboBox* m_input;
    QComboBox* m_output;
    QLabel* m_portStatus;
    QLineEdit* m_modelPath;
    QSpinBox* m_tempo;
    QComboBox* m_metre;
    QComboBox* m_triggerKind;
    QSpinBox* m_triggerValue;
    QSpinBox* m_bars;
    QSpinBox* m_seed;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_handOver;
    QPushButton* m_undo;
    QPushButton* m_again;
    QPushButton* m_export;
    QShortcut* m_handOverKey;
    PianoRollWidget* m_roll;
    PassageDragBar* m_dragBar;
    QLabel* m_status;
    QTimer* m_liveTimer;

    quint64 m_job = 0;
    bool m_started = false;
    bool m_replying = false;
    bool m_canTakeBack = false;        // an answer since the player last played
    double m_clockStart = 0;           // the steady clock's second the jam's times count from
    pm::midi::MidiFile m_recording;    // the last session's, once it ended
    bool m_haveRecording = false;
    QString m_pendingExport;           // waiting for the running session's recording
    QString m_lostMessage;             // why the session ended early, shown after it ended
    std::shared_ptr<pm::play::MidiInput> m_testInput;
    std::shared_ptr<pm::play::MidiOutput> m_testOutput;
};

}  // namespace pm::app
