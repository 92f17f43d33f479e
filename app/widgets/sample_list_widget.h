// The Train page's list of per-checkpoint samples (runDir/samples/sample-<step>.mid) with a
// Play / Stop button: a user hears how the model's music changes as it trains.
//
// Plays through the output chosen in the settings (a MIDI port, or the built-in piano when none
// is set or it cannot be opened). Playback runs on the scheduler's own thread; this widget only
// starts and stops it.
#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QPushButton;
class QTimer;

namespace pm::play {
class Player;
}

namespace pm::app {

class AppSettings;

class SampleListWidget : public QWidget {
    Q_OBJECT
public:
    explicit SampleListWidget(AppSettings* settings, QWidget* parent = nullptr);
    ~SampleListWidget() override;

    // `copy`: the engine's description of a training passage the sample copies (empty: none);
    // such a sample is marked in the list and the description is its tooltip.
    void addSample(qint64 step, const QString& path, const QString& copy = {});
    // Lists runDir/samples/*.mid (a reopened run); replaces the current list.
    void loadRun(const QString& runDir);
    void clear();
    int count() const;

    // Plays the selected sample (the newest when none is selected). False with the reason shown
    // when the file cannot be read or no output can be opened.
    bool playSelected();
    void stop();
    bool playing() const;

private:
    void updateButtons();

    AppSettings* m_settings;
    QListWidget* m_list;
    QPushButton* m_play;
    QPushButton* m_stop;
    QLabel* m_status;
    QTimer* m_poll;
    std::unique_ptr<pm::play::Player> m_player;   // the engine's one "play on this output, with fallback"
};

}  // namespace pm::app
