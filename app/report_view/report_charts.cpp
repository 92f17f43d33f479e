#include "report_view/report_charts.h"

#include "report_view/report_text.h"

#include "analysis/music_features.h"
#include "report/model_report.h"

#include <qcustomplot.h>

#include <QFileInfo>

#include <algorithm>

namespace pm::app {

namespace {

// One bar series per set, in a group so the bars of one feature stand side by side.
QCPBars* addSeries(QCustomPlot* plot, QCPBarsGroup* group, const QString& name, const QColor& colour, double width) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setWidth(width);
    bars->setPen(QPen(colour.darker(130)));
    bars->setBrush(colour);
    bars->setBarsGroup(group);
    return bars;
}

// Clears the plot and gives it a text ticker with `labels` at x = 1, 2, ...
void reset(QCustomPlot* plot, const QStringList& labels, const QString& yLabel, double yMax) {
    plot->clearPlottables();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < labels.size(); ++i) ticker->addTick(i + 1, labels[i]);
    plot->xAxis->setTicker(ticker);
    // Upright when they fit side by side, else running down from their tick (slanted, a long
    // first label would leave the widget on the left and not be drawn).
    plot->xAxis->setTickLabelRotation(labels.join(QString()).size() > 48 ? -90 : 0);
    plot->xAxis->setSubTicks(false);
    plot->xAxis->setRange(0.4, labels.size() + 0.6);
    plot->yAxis->setLabel(yLabel);
    plot->yAxis->setRange(0, yMax);
    // The legend in a row above the axes, not over the bars.
    plot->legend->setVisible(true);
    if (plot->legend->layout() != plot->plotLayout()) {
        plot->axisRect()->insetLayout()->take(plot->legend);
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, plot->legend);
        plot->plotLayout()->setRowStretchFactor(0, 0.001);
        plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
        plot->legend->setBorderPen(Qt::NoPen);
    }
}

}  // namespace

QColor ReportCharts::colour(int set) {
    switch (set) {
    case 0: return QColor(0x7f, 0x8c, 0x8d);   // the user's music: grey
    case 1: return QColor(0xe6, 0x7e, 0x22);   // A, the fine-tuned model: the Generate page's orange
    default: return QColor(0x29, 0x80, 0xb9);  // B, the model compared with: blue
    }
}

QString ReportCharts::modelName(const pm::report::ModelReport& report, std::size_t model) {
    const auto& m = report.models.at(model);
    const QString file = QFileInfo(QString::fromStdString(m.path)).fileName();
    return report.models.size() > 1 ? QStringLiteral("%1: %2").arg(QString::fromStdString(m.label), file) : file;
}

void ReportCharts::drawOverlaps(QCustomPlot* plot, const pm::report::ModelReport& report) {
    const auto& registry = pm::analysis::scalarFeatures();
    QStringList labels;
    for (const auto& f : registry) labels << ReportText::featureName(f.key, f.name);
    reset(plot, labels, tr("Overlap with your music"), 1.05);
    auto* group = new QCPBarsGroup(plot);
    const double width = 0.8 / double(std::max<std::size_t>(1, report.models.size()));
    for (std::size_t m = 0; m < report.models.size(); ++m) {
        QCPBars* bars = addSeries(plot, group, modelName(report, m), colour(int(m) + 1), width);
        const auto& scalars = report.models[m].comparison.scalars;
        for (std::size_t f = 0; f < scalars.size() && f < registry.size(); ++f)
            if (scalars[f].valid) bars->addData(double(f + 1), scalars[f].overlap);
    }
    plot->replot();
}

void ReportCharts::drawDistances(QCustomPlot* plot, const pm::report::ModelReport& report) {
    const auto& registry = pm::analysis::histogramFeatures();
    QStringList labels;
    for (const auto& f : registry) labels << ReportText::featureName(f.key, f.name);
    reset(plot, labels, tr("Distance from your music"), 1.05);
    auto* group = new QCPBarsGroup(plot);
    const double width = 0.8 / double(std::max<std::size_t>(1, report.models.size()));
    for (std::size_t m = 0; m < report.models.size(); ++m) {
        QCPBars* bars = addSeries(plot, group, modelName(report, m), colour(int(m) + 1), width);
        const auto& histograms = report.models[m].comparison.histograms;
        for (std::size_t f = 0; f < histograms.size() && f < registry.size(); ++f)
            if (histograms[f].valid) bars->addData(double(f + 1), histograms[f].distance);
    }
    plot->replot();
}

void ReportCharts::drawHistogram(QCustomPlot* plot, const pm::report::ModelReport& report, std::size_t index) {
    const auto& registry = pm::analysis::histogramFeatures();
    if (index >= registry.size()) return;
    QStringList labels;
    for (const std::string& label : registry[index].binLabels()) labels << ReportText::binLabel(label);
    reset(plot, labels, tr("Share of notes"), 1.0);
    auto* group = new QCPBarsGroup(plot);
    const double width = 0.8 / double(report.models.size() + 1);
    double highest = 0;
    // The user's music is the same reference for every model: the first model's comparison holds it.
    if (!report.models.empty() && index < report.models[0].comparison.histograms.size()) {
        QCPBars* bars = addSeries(plot, group, tr("Your music"), colour(0), width);
        const auto& reference = report.models[0].comparison.histograms[index].referenceMean;
        for (std::size_t b = 0; b < reference.size(); ++b) {
            bars->addData(double(b + 1), reference[b]);
            highest = std::max(highest, reference[b]);
        }
    }
    for (std::size_t m = 0; m < report.models.size(); ++m) {
        QCPBars* bars = addSeries(plot, group, modelName(report, m), colour(int(m) + 1), width);
        if (index >= report.models[m].comparison.histograms.size()) continue;
        const auto& mean = report.models[m].comparison.histograms[index].generatedMean;
        for (std::size_t b = 0; b < mean.size(); ++b) {
            bars->addData(double(b + 1), mean[b]);
            highest = std::max(highest, mean[b]);
        }
    }
    plot->yAxis->setRange(0, highest > 0 ? std::min(1.0, highest * 1.15) : 1.0);
    plot->replot();
}

}  // namespace pm::app
