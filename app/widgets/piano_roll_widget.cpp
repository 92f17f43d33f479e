#include "widgets/piano_roll_widget.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace pm::app {

PianoRollWidget::PianoRollWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("pianoRoll"));
    setMinimumHeight(120);
}

void PianoRollWidget::setNotes(const std::vector<pm::dataset::PreviewNote>& notes, double durationSeconds) {
    m_notes = notes;
    m_roles.assign(m_notes.size(), NoteRole::Prompt);
    m_message.clear();
    m_duration = durationSeconds;
    for (const auto& n : m_notes) m_duration = std::max(m_duration, n.end);
    fitPitchRange();
    updateGeometry();
    update();
}

void PianoRollWidget::appendNotes(const std::vector<pm::dataset::PreviewNote>& notes, NoteRole role) {
    m_message.clear();
    for (const auto& n : notes) {
        m_notes.push_back(n);
        m_roles.push_back(role);
        m_duration = std::max(m_duration, n.end);
    }
    fitPitchRange();
    updateGeometry();
    update();
}

int PianoRollWidget::noteCount(NoteRole role) const { return int(std::count(m_roles.begin(), m_roles.end(), role)); }

void PianoRollWidget::setPlayhead(double seconds) {
    if (seconds == m_playhead) return;
    m_playhead = seconds;
    update();
}

void PianoRollWidget::setPixelsPerSecond(double pixelsPerSecond) {
    m_pixelsPerSecond = std::max(0.0, pixelsPerSecond);
    updateGeometry();
    update();
}

QSize PianoRollWidget::sizeHint() const {
    if (m_pixelsPerSecond > 0) return {std::max(480, int(m_duration * m_pixelsPerSecond) + 1), 160};
    return {480, 160};
}

void PianoRollWidget::fitPitchRange() {
    // Fit the pitch range to the music, with a little room, so sparse pieces stay readable.
    m_lowPitch = 108;
    m_highPitch = 21;
    for (const auto& n : m_notes) {
        m_lowPitch = std::min(m_lowPitch, n.pitch);
        m_highPitch = std::max(m_highPitch, n.pitch);
    }
    if (m_notes.empty()) {
        m_lowPitch = 21;
        m_highPitch = 108;
    }
    m_lowPitch = std::max(0, m_lowPitch - 2);
    m_highPitch = std::min(127, m_highPitch + 2);
}

void PianoRollWidget::setMessage(const QString& message) {
    m_notes.clear();
    m_roles.clear();
    m_message = message;
    update();
}

double PianoRollWidget::xScale() const {
    return m_pixelsPerSecond > 0 ? m_pixelsPerSecond : m_duration > 0 ? width() / m_duration : 1.0;
}

double PianoRollWidget::secondsAt(double x) const {
    const double seconds = std::max(0.0, x / xScale());
    return m_duration > 0 ? std::min(seconds, m_duration) : seconds;
}

void PianoRollWidget::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || m_notes.empty()) return QWidget::mousePressEvent(event);
    emit seekRequested(secondsAt(event->position().x()));
    event->accept();
}

void PianoRollWidget::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton) || m_notes.empty()) return QWidget::mouseMoveEvent(event);
    emit seekRequested(secondsAt(event->position().x()));   // scrubbing
    event->accept();
}

void PianoRollWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const int pitches = m_highPitch - m_lowPitch + 1;
    const double rowHeight = double(height()) / pitches;
    // Black-key rows slightly darker, as on a piano roll.
    for (int pitch = m_lowPitch; pitch <= m_highPitch; ++pitch) {
        const int pc = pitch % 12;
        if (pc == 1 || pc == 3 || pc == 6 || pc == 8 || pc == 10) {
            const double y = height() - (pitch - m_lowPitch + 1) * rowHeight;
            p.fillRect(QRectF(0, y, width(), rowHeight), palette().alternateBase());
        }
    }
    if (!m_message.isEmpty() || m_notes.empty()) {
        p.setPen(palette().text().color());
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const double xScale = this->xScale();
    for (std::size_t i = 0; i < m_notes.size(); ++i) {
        const auto& n = m_notes[i];
        const double x = n.start * xScale;
        const double w = std::max(1.5, (n.end - n.start) * xScale);
        const double y = height() - (n.pitch - m_lowPitch + 1) * rowHeight;
        // Prompt notes in the app's blue, the model's in orange.
        QColor c = m_roles[i] == NoteRole::Generated ? QColor(214, 110, 38) : QColor(43, 58, 103);
        c.setAlphaF(0.35 + 0.65 * std::clamp(n.velocity / 127.0, 0.0, 1.0));
        p.fillRect(QRectF(x, y, w, std::max(1.0, rowHeight)), c);
    }
    if (m_playhead >= 0) {
        p.setPen(QPen(palette().highlight().color(), 2));
        const double x = m_playhead * xScale;
        p.drawLine(QPointF(x, 0), QPointF(x, height()));
    }
}

}  // namespace pm::app
