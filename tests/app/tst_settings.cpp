// Settings persist with QSettings under QStandardPaths, and the dialog round-trips them.
#include "dialogs/settings_dialog.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <QComboBox>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using pm::app::AppSettings;

class TestSettings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);   // never touch the developer's own settings
        QCoreApplication::setOrganizationName(QStringLiteral("PianoMuseTest"));
        QCoreApplication::setApplicationName(QStringLiteral("pianomuse-test"));
    }

    void defaultsLiveUnderStandardPaths() {
        const QString path = AppSettings::defaultSettingsPath();
        QVERIFY(path.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)));
        QTemporaryDir dir;
        AppSettings s(dir.filePath(QStringLiteral("fresh.ini")));
        QCOMPARE(s.device(), QStringLiteral("auto"));
        QCOMPARE(s.language(), QString());
        QCOMPARE(s.midiOutput(), QString());
        QCOMPARE(s.dataFolder(), AppSettings::defaultDataFolder());
    }

    void valuesSurviveARestart() {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("pianomuse.ini"));
        {
            AppSettings s(ini);
            s.setLanguage(QStringLiteral("de"));
            s.setDevice(QStringLiteral("cpu"));
            s.setMidiOutput(QStringLiteral("Midi Through:0"));
            s.setDataFolder(dir.filePath(QStringLiteral("data/../data")));
            s.sync();
        }
        AppSettings again(ini);
        QCOMPARE(again.language(), QStringLiteral("de"));
        QCOMPARE(again.device(), QStringLiteral("cpu"));
        QCOMPARE(again.midiOutput(), QStringLiteral("Midi Through:0"));
        QCOMPARE(again.dataFolder(), dir.filePath(QStringLiteral("data")));
    }

    void dialogRoundTrip() {
        QTemporaryDir dir;
        AppSettings settings(dir.filePath(QStringLiteral("dialog.ini")));
        pm::app::EngineController engine;
        pm::SystemInfo info;
        info.devices.push_back({pm::DeviceKind::Cpu, 0, "cpu", "CPU (2 threads)"});
        {
            pm::app::SettingsDialog dialog(&settings, &engine, info);
            auto* language = dialog.findChild<QComboBox*>(QStringLiteral("languageCombo"));
            auto* device = dialog.findChild<QComboBox*>(QStringLiteral("deviceCombo"));
            auto* folder = dialog.findChild<QLineEdit*>(QStringLiteral("dataFolderEdit"));
            QVERIFY(language && device && folder);
            language->setCurrentIndex(language->findData(QStringLiteral("zh_CN")));
            device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
            folder->setText(dir.path());
            dialog.accept();
        }
        AppSettings reread(settings.fileName());
        QCOMPARE(reread.language(), QStringLiteral("zh_CN"));
        QCOMPARE(reread.device(), QStringLiteral("cpu"));
        QCOMPARE(reread.dataFolder(), QDir::cleanPath(dir.path()));
        {
            // Reopening shows what was saved; Cancel changes nothing.
            pm::app::SettingsDialog dialog(&settings, &engine, info);
            auto* language = dialog.findChild<QComboBox*>(QStringLiteral("languageCombo"));
            QCOMPARE(language->currentData().toString(), QStringLiteral("zh_CN"));
            language->setCurrentIndex(0);
            dialog.reject();
        }
        QCOMPARE(AppSettings(settings.fileName()).language(), QStringLiteral("zh_CN"));
    }

    void unknownDeviceIsKeptVisibleNotSilentlyChanged() {
        QTemporaryDir dir;
        AppSettings settings(dir.filePath(QStringLiteral("gone.ini")));
        settings.setDevice(QStringLiteral("cuda:3"));
        pm::app::EngineController engine;
        pm::SystemInfo info;
        info.devices.push_back({pm::DeviceKind::Cpu, 0, "cpu", "CPU"});
        pm::app::SettingsDialog dialog(&settings, &engine, info);
        dialog.accept();
        QCOMPARE(AppSettings(settings.fileName()).device(), QStringLiteral("cuda:3"));
    }

    void midiStatusExplainsMissingSequencer() {
        pm::MidiPortList none;
        none.reason = pm::MidiUnavailableReason::NoAlsaSequencer;
        QVERIFY(pm::app::SettingsDialog::midiUnavailableText(none).contains(QStringLiteral("/dev/snd/seq")));
        pm::MidiPortList ok;
        ok.available = true;
        ok.ports.push_back({0, "Synth"});
        QVERIFY(pm::app::SettingsDialog::midiUnavailableText(ok).isEmpty());
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
