#include "pages/train_page.h"

#include "pages/page_header.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace pm::app {

TrainPage::TrainPage(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    setObjectName(QStringLiteral("trainPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Train"),
        tr("Teach the model your style. Training shows its progress live: the loss falls as the model "
           "learns to predict your music, and the validation curve tells you when it stops improving."),
        this));
    m_plot->setObjectName(QStringLiteral("lossPlot"));
    m_plot->setMinimumHeight(240);
    m_plot->xAxis->setLabel(tr("Step"));
    m_plot->yAxis->setLabel(tr("Loss (bits per token)"));
    m_plot->addGraph()->setName(tr("Training"));
    m_plot->addGraph()->setName(tr("Validation"));
    m_plot->graph(1)->setPen(QPen(Qt::darkRed));
    m_plot->legend->setVisible(true);
    m_plot->xAxis->setRange(0, 100);
    m_plot->yAxis->setRange(0, 8);
    layout->addWidget(m_plot, 1);
}

}  // namespace pm::app
