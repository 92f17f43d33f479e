// The report's charts, drawn with QCustomPlot from a finished report: how close each model's
// continuations come to the user's own music, feature by feature, and one histogram overlaid for
// the user's music and each model. Colours are the same in every chart (and the Generate page's
// orange is the fine-tuned model's).
#pragma once

#include <QColor>
#include <QCoreApplication>

#include <cstddef>

class QCustomPlot;

namespace pm::report {
struct ModelReport;
}

namespace pm::app {

class ReportCharts {
    Q_DECLARE_TR_FUNCTIONS(pm::app::ReportCharts)
public:
    // 0 = the user's music (the pieces' own continuations), 1 = model A, 2 = model B.
    static QColor colour(int set);
    // The name a model has in the charts' legends ("A: model-best.safetensors").
    static QString modelName(const pm::report::ModelReport& report, std::size_t model);

    // Grouped bars, one group per scalar feature (registry order), one bar per model: the overlap
    // of the model's continuations with the user's music (1 = as close as the pieces are to one
    // another). A feature the comparison could not measure has no bar.
    static void drawOverlaps(QCustomPlot* plot, const pm::report::ModelReport& report);
    // The same for the histogram features: the Jensen-Shannon distance (0 = the same histogram).
    static void drawDistances(QCustomPlot* plot, const pm::report::ModelReport& report);
    // Histogram `index` (registry order): the user's music's mean histogram beside each model's.
    static void drawHistogram(QCustomPlot* plot, const pm::report::ModelReport& report, std::size_t index);
};

}  // namespace pm::app
