#include "dialogs/settings_dialog.h"

#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace pm::app {

QList<QPair<QString, QString>> SettingsDialog::availableLanguages() {
    // Native names on purpose: a user who cannot read the current language still finds theirs.
    return {{QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("de"), QStringLiteral("Deutsch")},
            {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
}

QString SettingsDialog::midiUnavailableText(const pm::MidiPortList& ports) {
    switch (ports.reason) {
    case pm::MidiUnavailableReason::None:
        return ports.ports.empty() ? tr("No MIDI outputs found; the built-in synthesizer will play.") : QString();
    case pm::MidiUnavailableReason::NotCompiled:
        return tr("This build has no MIDI output support; the built-in synthesizer will play.");
    case pm::MidiUnavailableReason::NoAlsaSequencer:
        return tr("No ALSA MIDI sequencer on this system (/dev/snd/seq); the built-in synthesizer will play.");
    case pm::MidiUnavailableReason::NoUsableSystem:
        return tr("No usable MIDI system was found; the built-in synthesizer will play.");
    case pm::MidiUnavailableReason::BackendError:
        return tr("The MIDI system reported an error: %1").arg(QString::fromStdString(ports.message));
    }
    return {};
}

SettingsDialog::SettingsDialog(AppSettings* settings, EngineController* engine, const pm::SystemInfo& info,
                               QWidget* parent)
    : QDialog(parent), m_settings(settings) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(tr("System language"), QString());
    for (const auto& [code, name] : availableLanguages()) m_language->addItem(name, code);
    m_language->setCurrentIndex(std::max(0, m_language->findData(settings->language())));
    m_restartNote = new QLabel(tr("A new language takes effect when PianoMuse restarts."), this);
    m_restartNote->setVisible(false);
    connect(m_language, &QComboBox::currentIndexChanged, this,
            [this] { m_restartNote->setVisible(m_language->currentData().toString() != m_settings->language()); });

    m_device = new QComboBox(this);
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    m_device->addItem(tr("Automatic (GPU when available)"), QStringLiteral("auto"));
    for (const auto& d : info.devices) {
        const QString name = d.kind == pm::DeviceKind::Cpu ? tr("CPU") : QString::fromStdString(d.displayName);
        m_device->addItem(name, QString::fromStdString(d.id));
    }
    int deviceIndex = m_device->findData(settings->device());
    if (deviceIndex < 0) {
        // A device that is gone (GPU removed, settings copied from another machine) stays visible
        // so saving the dialog does not silently change it.
        m_device->addItem(tr("%1 (not available)").arg(settings->device()), settings->device());
        deviceIndex = m_device->count() - 1;
    }
    m_device->setCurrentIndex(deviceIndex);

    m_midiOutput = new QComboBox(this);
    m_midiOutput->setObjectName(QStringLiteral("midiOutputCombo"));
    m_midiOutput->addItem(tr("Built-in synthesizer"), QString());
    if (!settings->midiOutput().isEmpty()) m_midiOutput->addItem(settings->midiOutput(), settings->midiOutput());
    m_midiOutput->setCurrentIndex(m_midiOutput->count() - 1);
    m_midiStatus = new QLabel(tr("Looking for MIDI outputs…"), this);
    m_midiStatus->setWordWrap(true);
    m_midiStatus->setObjectName(QStringLiteral("midiStatus"));

    m_dataFolder = new QLineEdit(settings->dataFolder(), this);
    m_dataFolder->setObjectName(QStringLiteral("dataFolderEdit"));
    m_dataFolder->setAccessibleName(tr("Data folder"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setAccessibleName(tr("Browse for a data folder"));
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseDataFolder);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_dataFolder, 1);
    folderRow->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow(tr("Language:"), m_language);
    form->addRow(QString(), m_restartNote);
    form->addRow(tr("Compute device:"), m_device);
    form->addRow(tr("MIDI output:"), m_midiOutput);
    form->addRow(QString(), m_midiStatus);
    form->addRow(tr("Data folder:"), folderRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(engine, &EngineController::midiPortsReady, this, &SettingsDialog::onMidiPorts);
    engine->requestMidiPorts();
}

void SettingsDialog::onMidiPorts(const pm::MidiPortList& ports) {
    const QString current = m_midiOutput->currentData().toString();
    m_midiOutput->clear();
    m_midiOutput->addItem(tr("Built-in synthesizer"), QString());
    for (const auto& p : ports.ports) {
        const QString name = QString::fromStdString(p.name);
        m_midiOutput->addItem(name, name);
    }
    int index = m_midiOutput->findData(current);
    if (index < 0 && !current.isEmpty()) {
        m_midiOutput->addItem(tr("%1 (not connected)").arg(current), current);
        index = m_midiOutput->count() - 1;
    }
    m_midiOutput->setCurrentIndex(std::max(0, index));
    const QString status = midiUnavailableText(ports);
    m_midiStatus->setText(status);
    m_midiStatus->setVisible(!status.isEmpty());
}

void SettingsDialog::browseDataFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose the data folder"), m_dataFolder->text());
    if (!folder.isEmpty()) m_dataFolder->setText(folder);
}

void SettingsDialog::accept() {
    m_settings->setLanguage(m_language->currentData().toString());
    m_settings->setDevice(m_device->currentData().toString());
    m_settings->setMidiOutput(m_midiOutput->currentData().toString());
    const QString folder = m_dataFolder->text().trimmed();
    m_settings->setDataFolder(folder.isEmpty() ? AppSettings::defaultDataFolder() : folder);
    m_settings->sync();
    QDialog::accept();
}

}  // namespace pm::app
