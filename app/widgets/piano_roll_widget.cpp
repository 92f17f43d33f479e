#include "widgets/piano_roll_widget.h"

#include <QApplication>
#include <QDrag>
#include <QKeyEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <limits>

namespace pm::app {

PianoRollWidget::PianoRollWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("pianoRoll"));
    setMinimumHeight(120);
    setFocusPolicy(Qt::ClickFocus);   // Escape clears a selection
}

void PianoRollWidget::notesChanged() {
    fitPitchRange();
    updateGeometry();
    update();
}

void PianoRollWidget::setNotes(const std::vector<pm::dataset::PreviewNote>& notes, double durationSeconds) {
    m_notes = notes;
    m_roles.assign(m_notes.size(), NoteRole::Prompt);
    m_groups.assign(m_notes.size(), 0);
    m_sounding.assign(m_notes.size(), 0);
    m_message.clear();
    m_duration = durationSeconds;
    for (const auto& n : m_notes) m_duration = std::max(m_duration, n.end);
    m_barStarts.clear();   // another piece: its bars come with it (setBarStarts)
    if (hasSelection()) clearSelection();
    notesChanged();
}

void PianoRollWidget::appendNotes(const std::vector<pm::dataset::PreviewNote>& notes, NoteRole role) {
    m_message.clear();
    for (const auto& n : notes) {
        m_notes.push_back(n);
        m_roles.push_back(role);
        m_groups.push_back(0);
        m_sounding.push_back(0);
        m_duration = std::max(m_duration, n.end);
    }
    notesChanged();
}

int PianoRollWidget::noteCount(NoteRole role) const { return int(std::count(m_roles.begin(), m_roles.end(), role)); }

void PianoRollWidget::startNote(NoteRole role, double start, int pitch, int velocity, int group) {
    m_message.clear();
    m_notes.push_back({start, start, pitch, velocity});
    m_roles.push_back(role);
    m_groups.push_back(group);
    m_sounding.push_back(1);
    m_duration = std::max(m_duration, start);
    notesChanged();
}

bool PianoRollWidget::endNote(NoteRole role, double end, int pitch) {
    for (std::size_t i = 0; i < m_notes.size(); ++i)
        if (m_sounding[i] && m_roles[i] == role && m_notes[i].pitch == pitch) {
            m_sounding[i] = 0;
            m_notes[i].end = std::max(m_notes[i].start, end);
            m_duration = std::max(m_duration, m_notes[i].end);
            update();
            return true;
        }
    return false;
}

void PianoRollWidget::endAllNotes(double end) {
    for (std::size_t i = 0; i < m_notes.size(); ++i)
        if (m_sounding[i]) {
            m_sounding[i] = 0;
            m_notes[i].end = std::max(m_notes[i].start, end);
            m_duration = std::max(m_duration, m_notes[i].end);
        }
    update();
}

int PianoRollWidget::removeGroup(NoteRole role, int group) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_notes.size(); ++i) {
        if (m_roles[i] == role && m_groups[i] == group) continue;
        m_notes[kept] = m_notes[i];
        m_roles[kept] = m_roles[i];
        m_groups[kept] = m_groups[i];
        m_sounding[kept] = m_sounding[i];
        ++kept;
    }
    const int removed = int(m_notes.size() - kept);
    m_notes.resize(kept);
    m_roles.resize(kept);
    m_groups.resize(kept);
    m_sounding.resize(kept);
    if (removed > 0) notesChanged();
    return removed;
}

int PianoRollWidget::soundingCount() const { return int(std::count(m_sounding.begin(), m_sounding.end(), 1)); }

void PianoRollWidget::setLiveTime(double seconds) {
    m_liveTime = seconds;
    if (seconds > m_duration) {
        m_duration = seconds;
        updateGeometry();
    }
    update();
}

double PianoRollWidget::shownEnd(std::size_t i) const {
    return m_sounding[i] && m_liveTime >= 0 ? std::max(m_notes[i].end, m_liveTime) : m_notes[i].end;
}

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

void PianoRollWidget::setBarStarts(std::vector<double> seconds) {
    m_barStarts = std::move(seconds);
    update();
}

// Bar i (from 0) lasts from its start to the next bar's start, the last one to the end of the roll.
static double barEnd(const std::vector<double>& starts, std::size_t i, double duration) {
    return i + 1 < starts.size() ? starts[i + 1] : std::max(duration, starts[i]);
}

std::pair<int, int> PianoRollWidget::selectedBars() const {
    if (!hasSelection() || m_barStarts.empty()) return {0, 0};
    // A sliver (under a millisecond) across a bar line does not count as reaching into the bar.
    constexpr double slack = 1e-3;
    int first = 0, last = 0;
    for (std::size_t i = 0; i < m_barStarts.size(); ++i) {
        if (m_barStarts[i] < m_selectionTo - slack && barEnd(m_barStarts, i, m_duration) > m_selectionFrom + slack) {
            if (first == 0) first = int(i) + 1;
            last = int(i) + 1;
        }
    }
    return {first, last};
}

bool PianoRollWidget::selectBars(int first, int last) {
    if (first < 1 || last < first || std::size_t(last) > m_barStarts.size()) return false;
    setSelection(m_barStarts[std::size_t(first - 1)], barEnd(m_barStarts, std::size_t(last - 1), m_duration));
    return true;
}

void PianoRollWidget::setMessage(const QString& message) {
    m_notes.clear();
    m_roles.clear();
    m_groups.clear();
    m_sounding.clear();
    m_message = message;
    if (hasSelection()) clearSelection();
    update();
}

double PianoRollWidget::xScale() const {
    return m_pixelsPerSecond > 0 ? m_pixelsPerSecond : m_duration > 0 ? width() / m_duration : 1.0;
}

double PianoRollWidget::secondsAt(double x) const {
    const double seconds = std::max(0.0, x / xScale());
    return m_duration > 0 ? std::min(seconds, m_duration) : seconds;
}

// --- Selection and passages ---------------------------------------------------------------------

void PianoRollWidget::setSelection(double from, double to) {
    if (!(to > from)) from = to = 0;
    if (from == m_selectionFrom && to == m_selectionTo) return;
    m_selectionFrom = std::max(0.0, from);
    m_selectionTo = std::max(0.0, to);
    update();
    emit selectionChanged();
}

std::vector<PassageNote> PianoRollWidget::passageNotes(Passage passage, double* from, double* to) const {
    std::vector<PassageNote> out;
    *from = 0;
    *to = std::numeric_limits<double>::infinity();
    if (passage == Passage::Selection) {
        if (!hasSelection()) return out;
        *from = m_selectionFrom;
        *to = m_selectionTo;
    } else if (passage == Passage::Generated) {
        *from = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < m_notes.size(); ++i)
            if (m_roles[i] == NoteRole::Generated) *from = std::min(*from, m_notes[i].start);
        if (*from == std::numeric_limits<double>::infinity()) return out;
    }
    for (std::size_t i = 0; i < m_notes.size(); ++i) {
        if (passage == Passage::Generated && m_roles[i] != NoteRole::Generated) continue;
        const auto& n = m_notes[i];
        if (n.start < *from || n.start >= *to) continue;
        out.push_back({n.start, shownEnd(i), n.pitch, n.velocity, m_roles[i] == NoteRole::Generated ? 1 : 0});
    }
    return out;
}

bool PianoRollWidget::hasPassage(Passage passage) const {
    double from = 0, to = 0;
    return !passageNotes(passage, &from, &to).empty();
}

pm::midi::MidiFile PianoRollWidget::passageFile(Passage passage) const {
    double from = 0, to = 0;
    const std::vector<PassageNote> notes = passageNotes(passage, &from, &to);
    return pm::app::passageFile(notes, from, to, m_timing, m_firstTrackName);
}

QMimeData* PianoRollWidget::passageMimeData(Passage passage, QString* error) const {
    if (!hasPassage(passage)) {
        *error = passage == Passage::Selection ? tr("Select a stretch of the roll first (Shift and drag).")
                                               : tr("There are no notes to drag yet.");
        return nullptr;
    }
    const QString base = passage == Passage::Generated ? tr("PianoMuse part") : passage == Passage::Selection ? tr("PianoMuse selection")
                                                                                                               : tr("PianoMuse");
    return midiMimeData(passageFile(passage), base, error);
}

void PianoRollWidget::startPassageDrag(Passage passage) {
    QString error;
    QMimeData* mime = passageMimeData(passage, &error);
    if (!mime) {
        emit dragFailed(error);
        return;
    }
    auto* drag = new QDrag(this);
    drag->setMimeData(mime);
    drag->exec(Qt::CopyAction);
}

// --- Mouse ----------------------------------------------------------------------------------------

void PianoRollWidget::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || m_notes.empty()) return QWidget::mousePressEvent(event);
    const double at = secondsAt(event->position().x());
    m_pressPos = event->position().toPoint();
    if (event->modifiers() & Qt::ShiftModifier) {
        m_selecting = true;
        m_selectionAnchor = at;
        setSelection(at, at);
    } else if (hasSelection() && at >= m_selectionFrom && at <= m_selectionTo) {
        m_dragCandidate = true;   // a click there still seeks (on release)
    } else {
        clearSelection();
        emit seekRequested(at);
    }
    event->accept();
}

void PianoRollWidget::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton) || m_notes.empty()) return QWidget::mouseMoveEvent(event);
    const double at = secondsAt(event->position().x());
    if (m_selecting) {
        setSelection(std::min(m_selectionAnchor, at), std::max(m_selectionAnchor, at));
    } else if (m_dragCandidate) {
        if ((event->position().toPoint() - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
            m_dragCandidate = false;
            startPassageDrag(Passage::Selection);
        }
    } else {
        emit seekRequested(at);   // scrubbing
    }
    event->accept();
}

void PianoRollWidget::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mouseReleaseEvent(event);
    if (m_dragCandidate) emit seekRequested(secondsAt(event->position().x()));
    // With bar lines, a selection covers whole bars.
    if (m_selecting && !m_barStarts.empty()) {
        const auto [first, last] = selectedBars();
        if (first > 0) selectBars(first, last);
    }
    m_dragCandidate = false;
    m_selecting = false;
    event->accept();
}

void PianoRollWidget::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape && hasSelection()) {
        clearSelection();
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
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
    if (!m_barStarts.empty()) {
        QColor line = palette().text().color();
        line.setAlphaF(0.15);
        p.setPen(QPen(line, 1));
        for (double s : m_barStarts) p.drawLine(QPointF(s * xScale, 0), QPointF(s * xScale, height()));
    }
    if (hasSelection()) {
        QColor shade = palette().highlight().color();
        shade.setAlphaF(0.18);
        p.fillRect(QRectF(m_selectionFrom * xScale, 0, (m_selectionTo - m_selectionFrom) * xScale, height()), shade);
    }
    for (std::size_t i = 0; i < m_notes.size(); ++i) {
        const auto& n = m_notes[i];
        const double x = n.start * xScale;
        const double w = std::max(1.5, (shownEnd(i) - n.start) * xScale);
        const double y = height() - (n.pitch - m_lowPitch + 1) * rowHeight;
        // Prompt notes in the app's blue, the model's in orange, a jam's player in green.
        QColor c = m_roles[i] == NoteRole::Generated ? QColor(214, 110, 38)
                   : m_roles[i] == NoteRole::Player  ? QColor(46, 125, 50)
                                                     : QColor(43, 58, 103);
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
