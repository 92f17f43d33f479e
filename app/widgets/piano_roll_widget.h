// A small piano roll: time left to right, pitch bottom to top, velocity as shade.
// Used for the dataset preview (and the generation view).
#pragma once

#include "dataset/note_preview.h"

#include <QWidget>

#include <cstdint>

namespace pm::app {

class PianoRollWidget : public QWidget {
    Q_OBJECT
public:
    explicit PianoRollWidget(QWidget* parent = nullptr);

    void setNotes(const std::vector<pm::dataset::PreviewNote>& notes, double durationSeconds);
    void setMessage(const QString& message);   // shown instead of notes (e.g. why a file cannot be read)
    int noteCount() const { return int(m_notes.size()); }

    // Streaming (generation): notes arrive in batches, the prompt's and the model's in two colours.
    enum class NoteRole : std::uint8_t { Prompt, Generated };
    void appendNotes(const std::vector<pm::dataset::PreviewNote>& notes, NoteRole role);
    int noteCount(NoteRole role) const;
    // A vertical line at the playback position; negative hides it.
    void setPlayhead(double seconds);
    double playhead() const { return m_playhead; }
    // Horizontal zoom: pixels per second, or 0 to fit the whole piece into the width (default).
    // With a zoom the widget asks for the width the piece needs, so a QScrollArea scrolls it.
    void setPixelsPerSecond(double pixelsPerSecond);
    double pixelsPerSecond() const { return m_pixelsPerSecond; }

    // The playback time at a horizontal widget position (what a click there asks to seek to).
    double secondsAt(double x) const;

    QSize sizeHint() const override;

signals:
    // The user clicked (or dragged) on the roll: play from there. Never negative.
    void seekRequested(double seconds);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void fitPitchRange();
    double xScale() const;   // pixels per second as painted

    std::vector<pm::dataset::PreviewNote> m_notes;
    std::vector<NoteRole> m_roles;   // one per note
    double m_playhead = -1;
    double m_pixelsPerSecond = 0;
    double m_duration = 0;
    int m_lowPitch = 21, m_highPitch = 108;
    QString m_message;
};

}  // namespace pm::app
