#include "settings/app_settings.h"

#include <QDir>
#include <QStandardPaths>

namespace pm::app {
namespace {
// Keys in one place; renaming one silently resets users' settings, so treat them as a format.
constexpr auto kLanguage = "ui/language";
constexpr auto kDevice = "engine/device";
constexpr auto kMidiOutput = "playback/midiOutput";
constexpr auto kMidiInput = "jam/midiInput";
constexpr auto kDataFolder = "storage/dataFolder";
constexpr auto kGeometry = "ui/windowGeometry";
constexpr auto kReportAfterTraining = "report/afterTraining";
}  // namespace

AppSettings::AppSettings() : AppSettings(defaultSettingsPath()) {}

AppSettings::AppSettings(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat)) {}

QString AppSettings::defaultSettingsPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/pianomuse.ini");
}

QString AppSettings::defaultDataFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
}

QString AppSettings::language() const { return m_settings->value(kLanguage, QString()).toString(); }
void AppSettings::setLanguage(const QString& language) { m_settings->setValue(kLanguage, language); }

QString AppSettings::device() const { return m_settings->value(kDevice, QStringLiteral("auto")).toString(); }
void AppSettings::setDevice(const QString& device) { m_settings->setValue(kDevice, device); }

QString AppSettings::midiOutput() const { return m_settings->value(kMidiOutput, QString()).toString(); }
void AppSettings::setMidiOutput(const QString& port) { m_settings->setValue(kMidiOutput, port); }

QString AppSettings::midiInput() const { return m_settings->value(kMidiInput, QString()).toString(); }
void AppSettings::setMidiInput(const QString& port) { m_settings->setValue(kMidiInput, port); }

QString AppSettings::dataFolder() const {
    const QString folder = m_settings->value(kDataFolder, QString()).toString();
    return folder.isEmpty() ? defaultDataFolder() : folder;
}
void AppSettings::setDataFolder(const QString& folder) { m_settings->setValue(kDataFolder, QDir::cleanPath(folder)); }

QByteArray AppSettings::windowGeometry() const { return m_settings->value(kGeometry).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& geometry) { m_settings->setValue(kGeometry, geometry); }

bool AppSettings::reportAfterTraining() const { return m_settings->value(kReportAfterTraining, false).toBool(); }
void AppSettings::setReportAfterTraining(bool on) { m_settings->setValue(kReportAfterTraining, on); }

void AppSettings::sync() { m_settings->sync(); }
QString AppSettings::fileName() const { return m_settings->fileName(); }

}  // namespace pm::app
