// Settings: language, default compute device, MIDI output, data folder.
// Reads and writes AppSettings only when the user presses OK.
#pragma once

#include "worker/engine_types.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace pm::app {

class AppSettings;
class EngineController;

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(AppSettings* settings, EngineController* engine, const pm::SystemInfo& info,
                   QWidget* parent = nullptr);

    void accept() override;

    // The languages PianoMuse ships a translation for: locale name → native name.
    static QList<QPair<QString, QString>> availableLanguages();
    // Translated, user-facing reason for an unavailable MIDI system.
    static QString midiUnavailableText(const pm::MidiPortList& ports);

private:
    void onMidiPorts(const pm::MidiPortList& ports);
    void browseDataFolder();

    AppSettings* m_settings;
    QComboBox* m_language;
    QComboBox* m_device;
    QComboBox* m_midiOutput;
    QLabel* m_midiStatus;
    QLineEdit* m_dataFolder;
    QLabel* m_restartNote;
};

}  // namespace pm::app
