// A small piano roll: time left to right, pitch bottom to top, velocity as shade.
// Used for the dataset preview (and the generation view).
#pragma once

#include "dataset/note_preview.h"

#include <QWidget>

namespace pm::app {

class PianoRollWidget : public QWidget {
    Q_OBJECT
public:
    explicit PianoRollWidget(QWidget* parent = nullptr);

    void setNotes(const std::vector<pm::dataset::PreviewNote>& notes, double durationSeconds);
    void setMessage(const QString& message);   // shown instead of notes (e.g. why a file cannot be read)
    int noteCount() const { return int(m_notes.size()); }

    QSize sizeHint() const override { return {480, 160}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<pm::dataset::PreviewNote> m_notes;
    double m_duration = 0;
    int m_lowPitch = 21, m_highPitch = 108;
    QString m_message;
};

}  // namespace pm::app
