// Page 2: fine-tuning, with the live loss plot.
#pragma once

#include <QWidget>

class QCustomPlot;

namespace pm::app {

class TrainPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainPage(QWidget* parent = nullptr);
    QCustomPlot* lossPlot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
};

}  // namespace pm::app
