// Page 3: generate continuations, see them on a piano roll, hear them.
#pragma once

#include <QWidget>

namespace pm::app {

class GeneratePage : public QWidget {
    Q_OBJECT
public:
    explicit GeneratePage(QWidget* parent = nullptr);
};

}  // namespace pm::app
