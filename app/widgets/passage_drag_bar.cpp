#include "widgets/passage_drag_bar.h"

#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>

namespace pm::app {

void DragHandleButton::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        m_pressPos = event->position().toPoint();
        m_pressed = true;
    }
    QToolButton::mousePressEvent(event);
}

void DragHandleButton::mouseMoveEvent(QMouseEvent* event) {
    if (m_pressed && (event->buttons() & Qt::LeftButton) &&
        (event->position().toPoint() - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
        m_pressed = false;
        setDown(false);
        emit dragStarted();
        return;
    }
    QToolButton::mouseMoveEvent(event);
}

PassageDragBar::PassageDragBar(PianoRollWidget* roll, const QString& generatedLabel, const QString& allLabel, QWidget* parent)
    : QWidget(parent), m_roll(roll) {
    setObjectName(QStringLiteral("passageDragBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_passage = new QComboBox(this);
    m_passage->setObjectName(QStringLiteral("passageCombo"));
    m_passage->addItem(generatedLabel, int(PianoRollWidget::Passage::Generated));
    m_passage->addItem(tr("The selection (Shift-drag on the roll)"), int(PianoRollWidget::Passage::Selection));
    m_passage->addItem(allLabel, int(PianoRollWidget::Passage::All));
    m_passage->setAccessibleName(tr("Passage to drag out"));
    auto* label = new QLabel(tr("&Drag out as MIDI:"), this);
    label->setBuddy(m_passage);
    m_handle = new DragHandleButton(this);
    m_handle->setObjectName(QStringLiteral("dragHandle"));
    m_handle->setText(tr("Drag me"));
    m_handle->setIcon(QIcon(QStringLiteral(":/icons/generate.svg")));
    m_handle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_handle->setCursor(Qt::OpenHandCursor);
    m_handle->setAccessibleName(tr("Drag the passage out as a MIDI file"));
    m_handle->setToolTip(tr("Drag this into a DAW's track or a folder: the chosen passage arrives as a .mid file. "
                            "On the roll, Shift-drag selects a stretch and dragging the selection carries it out too."));
    layout->addWidget(label);
    layout->addWidget(m_passage);
    layout->addWidget(m_handle);
    layout->addStretch(1);

    connect(m_handle, &DragHandleButton::dragStarted, this, [this] { m_roll->startPassageDrag(passage()); });
    connect(m_handle, &QToolButton::clicked, this,
            [this] { QToolTip::showText(m_handle->mapToGlobal(QPoint(0, m_handle->height())), m_handle->toolTip(), m_handle); });
    // A new selection is what the user wants to drag next.
    connect(m_roll, &PianoRollWidget::selectionChanged, this, [this] {
        if (m_roll->hasSelection()) setPassage(PianoRollWidget::Passage::Selection);
    });
}

PianoRollWidget::Passage PassageDragBar::passage() const { return PianoRollWidget::Passage(m_passage->currentData().toInt()); }

void PassageDragBar::setPassage(PianoRollWidget::Passage passage) {
    const int i = m_passage->findData(int(passage));
    if (i >= 0) m_passage->setCurrentIndex(i);
}

}  // namespace pm::app
