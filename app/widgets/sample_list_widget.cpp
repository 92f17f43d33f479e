#include "widgets/sample_list_widget.h"

#include "midi/midi_reader.h"
#include "playback/open_output.h"
#include "playback/playback_scheduler.h"
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
    : QWidget(parent), m_settings(settings), m_clock(std::make_unique<pm::play::SteadyPlaybackClock>()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Samples"), this));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("sampleList"));
    layout->addWidget(m_list, 1);
    auto* buttons = new QHBoxLayout;
    m_play = new QPushButton(tr("Play"), this);
    m_play->setObjectName(QStringLiteral("playSample"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopSample"));
    buttons->addWidget(m_play);
    buttons->addWidget(m_stop);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    // The scheduler stops by itself at the end of the piece; this notices it for the buttons.
    m_poll = new QTimer(this);
    m_poll->setInterval(200);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (m_scheduler && !m_scheduler->playing()) {
            if (!m_scheduler->error().empty())
                m_status->setText(tr("Playback stopped: %1").arg(QString::fromStdString(m_scheduler->error())));
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

void SampleListWidget::addSample(qint64 step, const QString& path) {
    auto* item = new QListWidgetItem(tr("Step %1 — %2").arg(step).arg(QFileInfo(path).fileName()));
    item->setData(kPathRole, path);
    item->setToolTip(QDir::toNativeSeparators(path));
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
    // The configured port, else the built-in piano (an empty port name).
    std::string error;
    const std::string port = m_settings ? m_settings->midiOutput().toStdString() : std::string();
    m_output = pm::play::openLiveOutput(port, std::string(), &error);
    if (!m_output && !port.empty()) m_output = pm::play::openLiveOutput(std::string(), std::string(), &error);
    if (!m_output) {
        m_status->setText(tr("Cannot play: %1").arg(QString::fromStdString(error)));
        return false;
    }
    m_scheduler = std::make_unique<pm::play::PlaybackScheduler>(*m_output, *m_clock);
    m_scheduler->append(pm::play::timelineFromFile(file.value()));
    m_scheduler->markComplete();
    m_scheduler->play(0.0);
    m_status->setText(tr("Playing %1").arg(QFileInfo(path).fileName()));
    m_poll->start();
    updateButtons();
    return true;
}

void SampleListWidget::stop() {
    if (m_poll) m_poll->stop();
    m_scheduler.reset();   // stops and silences the output first
    m_output.reset();
    if (m_play) updateButtons();
}

bool SampleListWidget::playing() const { return m_scheduler && m_scheduler->playing(); }

void SampleListWidget::updateButtons() {
    m_play->setEnabled(m_list->count() > 0);
    m_stop->setEnabled(m_scheduler != nullptr);
}

}  // namespace pm::app
