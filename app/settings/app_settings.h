// Typed application settings: each key and its default live in one place (qBittorrent's
// SettingValue idea). Stored with QSettings in an INI file under QStandardPaths'
// AppConfigLocation, so tests can redirect it with QStandardPaths::setTestModeEnabled(true).
#pragma once

#include <QSettings>
#include <QString>

#include <memory>

namespace pm::app {

class AppSettings {
public:
    AppSettings();   // the user's settings file
    explicit AppSettings(const QString& iniPath);   // a given file (tests)

    // "" = follow the system locale; otherwise a locale name with a shipped translation ("de", "zh_CN").
    QString language() const;
    void setLanguage(const QString& language);

    // "auto", "cpu", "cuda:N" — what the engine resolves (engine/core/system_info.h).
    QString device() const;
    void setDevice(const QString& device);

    // Name of the MIDI output port; "" = the built-in synthesizer.
    QString midiOutput() const;
    void setMidiOutput(const QString& port);

    // The jam's MIDI input: a port name, "virtual:" for PianoMuse's virtual ports, "" = none chosen.
    QString midiInput() const;
    void setMidiInput(const QString& port);

    // Where datasets, models and checkpoints go.
    QString dataFolder() const;
    void setDataFolder(const QString& folder);

    // Make a model report by itself when a training run ends well (off: it takes minutes of CPU).
    bool reportAfterTraining() const;
    void setReportAfterTraining(bool on);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);

    void sync();
    QString fileName() const;

    static QString defaultDataFolder();
    static QString defaultSettingsPath();

private:
    std::unique_ptr<QSettings> m_settings;
};

}  // namespace pm::app
