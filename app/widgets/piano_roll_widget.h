// A small piano roll: time left to right, pitch bottom to top, velocity as shade.
// Used for the dataset preview, the generation view and the jam (notes drawn as they sound).
//
// Passages leave it as .mid files (midi_passage.h): Shift-drag selects a stretch of time, a drag
// that starts inside the selection carries it into a DAW or a file manager, and
// startPassageDrag() drags the model's part, the selection or everything (PassageDragBar).
#pragma once

#include "dataset/note_preview.h"
#include "widgets/midi_passage.h"

#include <QPoint>
#include <QWidget>

#include <cstdint>

class QMimeData;

namespace pm::app {

class PianoRollWidget : public QWidget {
    Q_OBJECT
public:
    explicit PianoRollWidget(QWidget* parent = nullptr);

    void setNotes(const std::vector<pm::dataset::PreviewNote>& notes, double durationSeconds);
    void setMessage(const QString& message);   // shown instead of notes (e.g. why a file cannot be read)
    int noteCount() const { return int(m_notes.size()); }

    // Streaming (generation): notes arrive in batches, the prompt's and the model's in two colours;
    // a jam's player in a third.
    enum class NoteRole : std::uint8_t { Prompt, Generated, Player };
    void appendNotes(const std::vector<pm::dataset::PreviewNote>& notes, NoteRole role);
    int noteCount(NoteRole role) const;

    // Live notes (the jam): a note starts, is drawn up to the live time while it sounds, and ends.
    // `group` lets a group of notes (one answer of the model) be taken back.
    void startNote(NoteRole role, double start, int pitch, int velocity, int group = 0);
    // Ends the oldest sounding note of that key and role; false when none sounds.
    bool endNote(NoteRole role, double end, int pitch);
    void endAllNotes(double end);
    int removeGroup(NoteRole role, int group);   // returns how many notes went
    int soundingCount() const;
    void setLiveTime(double seconds);            // negative: no live notes are drawn growing
    double liveTime() const { return m_liveTime; }

    // A vertical line at the playback position; negative hides it.
    void setPlayhead(double seconds);
    double playhead() const { return m_playhead; }
    // Horizontal zoom: pixels per second, or 0 to fit the whole piece into the width (default).
    // With a zoom the widget asks for the width the piece needs, so a QScrollArea scrolls it.
    void setPixelsPerSecond(double pixelsPerSecond);
    double pixelsPerSecond() const { return m_pixelsPerSecond; }

    // The playback time at a horizontal widget position (what a click there asks to seek to).
    double secondsAt(double x) const;

    // --- Passages out ---------------------------------------------------------------------------
    enum class Passage : std::uint8_t { Generated, Selection, All };
    // The tempo and metre the .mid file is written at (the piece's or the jam's).
    void setTiming(const PassageTiming& timing) { m_timing = timing; }
    const PassageTiming& timing() const { return m_timing; }
    // What the first track is called in a dragged file ("Prompt", "Player").
    void setFirstTrackName(const QString& name) { m_firstTrackName = name; }
    void setSelection(double from, double to);   // from >= to clears it
    void clearSelection() { setSelection(0, 0); }
    bool hasSelection() const { return m_selectionTo > m_selectionFrom; }
    double selectionFrom() const { return m_selectionFrom; }
    double selectionTo() const { return m_selectionTo; }

    // --- Bars -------------------------------------------------------------------------------------
    // Where each bar starts (seconds, rising): drawn as faint lines, and a Shift-drag selection
    // then snaps to whole bars when the mouse is released ("Regenerate these bars").
    void setBarStarts(std::vector<double> seconds);
    const std::vector<double>& barStarts() const { return m_barStarts; }
    // The bars the selection covers, counted from 1 (a bar counts when the selection reaches into
    // it); {0, 0} without a selection or bar lines.
    std::pair<int, int> selectedBars() const;
    // Selects bars first..last (from 1); false when they are not all on the roll.
    bool selectBars(int first, int last);
    bool hasPassage(Passage passage) const;     // it holds at least one note
    pm::midi::MidiFile passageFile(Passage passage) const;
    // The drag's data: a temporary .mid of the passage (file URL) and its bytes as audio/midi.
    // nullptr with `error` when there is nothing to drag or the file cannot be written.
    QMimeData* passageMimeData(Passage passage, QString* error) const;
    // Starts a drag of that passage (returns when it is dropped or abandoned).
    void startPassageDrag(Passage passage);

    QSize sizeHint() const override;

signals:
    // The user clicked (or dragged) on the roll: play from there. Never negative.
    void seekRequested(double seconds);
    void selectionChanged();
    // A drag could not start (nothing there, the file could not be written).
    void dragFailed(const QString& message);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void fitPitchRange();
    void notesChanged();
    double xScale() const;   // pixels per second as painted
    double shownEnd(std::size_t i) const;
    std::vector<PassageNote> passageNotes(Passage passage, double* from, double* to) const;

    std::vector<pm::dataset::PreviewNote> m_notes;
    std::vector<NoteRole> m_roles;   // one per note
    std::vector<int> m_groups;       // one per note
    std::vector<char> m_sounding;    // one per note: started live, not ended yet
    double m_liveTime = -1;
    double m_playhead = -1;
    double m_pixelsPerSecond = 0;
    double m_duration = 0;
    int m_lowPitch = 21, m_highPitch = 108;
    QString m_message;

    PassageTiming m_timing;
    QString m_firstTrackName = QStringLiteral("Prompt");
    double m_selectionFrom = 0, m_selectionTo = 0;
    double m_selectionAnchor = 0;
    std::vector<double> m_barStarts;
    bool m_selecting = false;       // Shift-drag in progress
    bool m_dragCandidate = false;   // pressed inside the selection: a drag if the mouse moves far enough
    QPoint m_pressPos;
};

}  // namespace pm::app
