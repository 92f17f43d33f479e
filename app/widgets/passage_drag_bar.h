// Beside a piano roll: which passage to take (the model's part, the selection, everything) and a
// handle to drag it out of the window as a .mid file, into a DAW's track or a file manager's
// folder (PianoRollWidget::startPassageDrag). The keyboard's way is the page's Export button.
#pragma once

#include "widgets/piano_roll_widget.h"

#include <QToolButton>
#include <QWidget>

class QComboBox;

namespace pm::app {

// A button that starts a drag when pressed and moved (a click alone says how to use it).
class DragHandleButton : public QToolButton {
    Q_OBJECT
public:
    using QToolButton::QToolButton;

signals:
    void dragStarted();

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QPoint m_pressPos;
    bool m_pressed = false;
};

class PassageDragBar : public QWidget {
    Q_OBJECT
public:
    // `generatedLabel`/`allLabel`: what the model's part and everything are called on this page.
    PassageDragBar(PianoRollWidget* roll, const QString& generatedLabel, const QString& allLabel, QWidget* parent = nullptr);

    PianoRollWidget::Passage passage() const;
    void setPassage(PianoRollWidget::Passage passage);
    QComboBox* passageCombo() const { return m_passage; }

private:
    PianoRollWidget* m_roll;
    QComboBox* m_passage;
    DragHandleButton* m_handle;
};

}  // namespace pm::app
