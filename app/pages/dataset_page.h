// Page 1: the user's music. MIDI files and folders dropped here become a training dataset.
#pragma once

#include <QWidget>

class QLabel;

namespace pm::app {

class DatasetPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPage(QWidget* parent = nullptr);
};

}  // namespace pm::app
