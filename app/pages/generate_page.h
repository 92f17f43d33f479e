// Page 3: generate continuations, see them on a piano roll, hear them, export them.
// With a dataset open, each continuation is checked against its training pieces on the
// generation lane, and a warning line under the roll names a passage it copies (when the engine's
// flag policy, pm::analysis::describeCopy, says it is long enough to matter).
//
// The model runs on the engine thread (EngineController::requestGeneration); its notes stream
// back as GenerationChunk signals that go to the piano roll and, when the user wishes, straight
// into the playback scheduler, so music plays while it is still being written.
#pragma once

#include "worker/engine_types.h"

#include <QWidget>

#include <memory>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QSlider;
class QSpinBox;
class QTabBar;
class QTimer;

namespace pm::play {
class Player;
}

namespace pm::app {

class AppSettings;
class EngineController;
class PianoRollWidget;

class GeneratePage : public QWidget {
    Q_OBJECT
public:
    GeneratePage(EngineController* engine, AppSettings* settings, QWidget* parent = nullptr);
    ~GeneratePage() override;

    PianoRollWidget* pianoRoll() const { return m_roll; }
    // Writes the shown variation as a MIDI file; false (with the reason on the status line) on failure.
    bool exportTo(const QString& path);
    // The job the controls describe (public for tests).
    GenerateJob currentJob(bool continueCurrent) const;

public slots:
    void startGeneration();
    void continueGeneration();
    void stopGeneration();
    void undo();
    // "Regenerate these bars": the bars the roll's selection covers are written anew by the model
    // (engine/generate/infill.h), everything before and after is kept; Undo brings the previous
    // version back. regenerateBars does it for bars first..last (from 1) of the shown variation.
    void regenerateSelectedBars();
    bool regenerateBars(int first, int last);
    void play();                  // from the position clicked on the roll, else the start
    void stopPlayback();
    void seekTo(double seconds);  // playing: jump there; stopped: where Play starts
    // "Try the demo": the bundled demo pieces -> a dataset -> a tiny model trained for a few
    // minutes -> a continuation of a demo prompt, shown here when done (Stop cancels).
    void startDemo();
    void runDemo(const pm::DemoOptions& options);   // the same with chosen options (tests)
    // The dataset whose pieces the "From the dataset" list offers as prompts ("" = none).
    void setDataset(const QString& directory);
    // "Try the current model" from the Train page: this model (a running run's newest weights,
    // or an ended run's best) becomes the page's model; training goes on meanwhile.
    void auditionModel(const QString& modelPath, qint64 step);

public:
    // The scheduler's position while playing, else where Play starts (tests).
    double playbackPosition() const;
    bool isPlaying() const;
    int datasetPieceCount() const;          // pieces the list offers
    QString modelPath() const;
    quint64 generationJob() const { return m_job; }   // the running generation or demo (0 = none)
    bool chooseDatasetPiece(int index);     // as if picked in the list (0 = first piece)
    // The copy warning under the roll for the shown variation ("" when there is none).
    QString copyWarningText() const;

signals:
    void generationDone(bool ok);   // after every generation or undo (tests wait on it)

private:
    void onChunk(const GenerationChunk& chunk);
    void onFinished(const GenerationOutcome& outcome);
    void onPorts(const pm::MidiPortList& ports);
    void onDemoStage(const pm::DemoStageReport& report);
    void onDemoFinished(const pm::DemoResult& result);
    void showVariation(int index);
    void setRunning(bool running);
    void updateButtons();
    bool openOutput();
    void closeOutput();
    void browseModel();
    void browsePrompt();
    void exportDialog();

    EngineController* m_engine;
    AppSettings* m_settings;

    QLineEdit* m_modelPath;
    QLineEdit* m_promptPath;
    QComboBox* m_datasetPiece;
    QDoubleSpinBox* m_promptBars;
    QComboBox* m_metre;
    QSpinBox* m_tempo;
    QDoubleSpinBox* m_length;
    QComboBox* m_lengthUnit;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_topK;
    QDoubleSpinBox* m_topP;
    QDoubleSpinBox* m_repetition;
    QSpinBox* m_seed;
    QSpinBox* m_variations;
    QPushButton* m_generate;
    QPushButton* m_stop;
    QPushButton* m_continue;
    QPushButton* m_undo;
    QPushButton* m_regenerate;
    QAction* m_regenerateAction;   // the same on the roll's context menu
    QPushButton* m_play;
    QPushButton* m_stopPlay;
    QPushButton* m_export;
    QComboBox* m_output;
    QCheckBox* m_playWhileGenerating;
    QSlider* m_zoom;
    QTabBar* m_variationTabs;
    QScrollArea* m_rollScroll;
    PianoRollWidget* m_roll;
    QLabel* m_copyWarning;
    QLabel* m_status;
    QTimer* m_playheadTimer;
    QString m_datasetDir;                   // the open dataset continuations are checked against ("" = none)
    QString m_copyCheckNote;                // why the last check did not run, or what it had to do

    bool m_running = false;
    bool m_canUndo = false;
    bool m_demoRunning = false;
    bool m_pieceFromDemo = false;            // the shown piece came from the demo: nothing to continue
    std::vector<GeneratedPiece> m_pieces;   // the last result, one per variation
    int m_shown = 0;                        // index into m_pieces
    int m_streamVariation = -1;             // variation currently streaming into the roll

    std::unique_ptr<pm::play::Player> m_player;   // the engine's one "play on this output, with fallback"
    bool m_streaming = false;               // the player follows the generation as it is written
    quint64 m_job = 0;                      // this page's running generation or demo job
    double m_startPosition = 0;             // seconds: where Play starts (set by clicks on the roll)
};

}  // namespace pm::app
