#include "widgets/sample_list_widget.h"

#include "midi/midi_reader.h"
#include "playback/player.h"
#include "settings/app_settings.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QTimer>
#include <QVBoxLayout>

namespace pm::app {

namespace {
constexpr int kPathRole = Qt::UserRole;
}

SampleListWidget::SampleListWidget(AppSettings* settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_player(std::make_unique<pm::play::Player>()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* title = new QLabel(tr("Samples"), this);
    layout->addWidget(title);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("sampleList"));
    m_list->setAccessibleName(tr("Samples written at checkpoints"));
    title->setBuddy(m_list);
    layout->addWidget(m_list, 1);
    auto* buttons = new QHBoxLayout;
    m_play = new QPushButton(tr("Play"), this);
    m_play->setObjectName(QStringLiteral("playSample"));
    m_play->setAccessibleName(tr("Play the sample"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopSample"));
    m_stop->setAccessibleName(tr("Stop the sample"));
    buttons->addWidget(m_play);
    buttons->addWidget(m_stop);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Sample playback status"));
    layout->addWidget(m_status);

    // The scheduler stops by itself at the end of the piece; this notices it for the buttons.
    m_poll = new QTimer(this);
    m_poll->setInterval(200);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (!m_player->playing()) {
            if (!m_player->error().empty())
                m_status->setText(tr("Playback stopped: %1").arg(QString::fromStdString(m_player->error())));
            stop();
        }
    });
    connect(m_play, &QPushButton::clicked, this, [this] { playSelected(); });
    connect(m_stop, &QPushButton::clicked, this, &SampleListWidget::stop);
    connect(m_list, &QListWidget::itemDoubleClicked, this, [this] { playSelected(); });
    connect(m_list, &QListWidget::currentRowChanged, this, [this] { updateButtons(); });
    updateButtons();
}

SampleListWidget::~SampleListWidget() { stop(); }

void SampleListWidget::addSample(qint64 step, const QString& path, const QString& copy) {
    QString text = tr("Step %1 — %2").arg(step).arg(QFileInfo(path).fileName());
    if (!copy.isEmpty()) text += QLatin1String(" — ") + tr("copies a training piece");
    auto* item = new QListWidgetItem(text);
    item->setData(kPathRole, path);
    item->setToolTip(copy.isEmpty() ? QDir::toNativeSeparators(path) : QDir::toNativeSeparators(path) + QLatin1Char('\n') + copy);
    m_list->addItem(item);
    updateButtons();
}

void SampleListWidget::loadRun(const QString& runDir) {
    clear();
    const QDir dir(QDir(runDir).filePath(QStringLiteral("samples")));
    static const QRegularExpression stepOf(QStringLiteral("^sample-(\\d+)\\.mid$"));
    for (const QString& name : dir.entryList({QStringLiteral("sample-*.mid")}, QDir::Files, QDir::Name)) {
        const auto m = stepOf.match(name);
        if (m.hasMatch()) addSample(m.captured(1).toLongLong(), dir.filePath(name));
    }
}

void SampleListWidget::clear() {
    stop();
    m_list->clear();
    m_status->clear();
    updateButtons();
}

int SampleListWidget::count() const { return m_list->count(); }

bool SampleListWidget::playSelected() {
    if (m_list->count() == 0) return false;
    const QListWidgetItem* item = m_list->currentItem() ? m_list->currentItem() : m_list->item(m_list->count() - 1);
    const QString path = item->data(kPathRole).toString();
    stop();
    const auto file = pm::midi::readMidiFile(path.toStdString(), {});
    if (!file) {
        m_status->setText(tr("Cannot read %1: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(file.error().toString())));
        return false;
    }
    // The configured port; the player falls back to the built-in piano and says so.
    std::string error;
    const std::string port = m_settings ? m_settings->midiOutput().toStdString() : std::string();
    if (!m_player->open(port, std::string(), &error) || !m_player->playFile(file.value(), 0.0, &error)) {
        m_status->setText(tr("Cannot play: %1").arg(QString::fromStdString(error)));
        return false;
    }
    // The player's notice (English, with the port's error) goes to the tooltip; the line says it in the user's language.
    const bool fellBack = !m_player->notice().empty();
    m_status->setText(fellBack ? tr("Playing %1 on the built-in piano: %2 could not be opened.")
                                     .arg(QFileInfo(path).fileName(), QString::fromStdString(port))
                               : tr("Playing %1").arg(QFileInfo(path).fileName()));
    m_status->setToolTip(QString::fromStdString(m_player->notice()));
    m_poll->start();
    updateButtons();
    return true;
}

void SampleListWidget::stop() {
    if (m_poll) m_poll->stop();
    if (m_player) m_player->close();   // stops and silences the output first
    if (m_play) updateButtons();
}

bool SampleListWidget::playing() const { return m_player && m_player->playing(); }

void SampleListWidget::updateButtons() {
    m_play->setEnabled(m_list->count() > 0);
    m_stop->setEnabled(m_player->hasScheduler());
}

}  // namespace pm::app
