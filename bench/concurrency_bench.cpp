// Training and generation side by side, through the real window (offscreen platform): training
// tokens/s alone and while generating, generation tokens/s alone and while training, and the
// GUI event loop's longest stall in each phase (a 5 ms timer's largest gap).
//
//   pianomuse-bench-concurrency --data DATASET [--base MODEL] [--gen-model MODEL] [--seconds 15] [--repeats 3]
//
// One repeat = training alone, then a generation starts beside it (both), then training stops
// (generation alone). The first `--warmup` seconds of each phase are not counted (LibTorch's
// first steps, the thread-count change). Prints each repeat and the min / median over repeats.
// scripts/bench-concurrency.sh builds the demo dataset and runs this with the bundled base model.
#include "model/base_model.h"

#include "core/openmp_policy.h"
#include "core/system_info.h"
#include "core/thread_share.h"
#include "main_window.h"
#include "pages/generate_page.h"
#include "pages/train_page.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

struct Phase {
    double trainTokensPerSec = 0, genTokensPerSec = 0, worstStallMs = 0;
};

// Counts what happens in a time window: training steps (tokens), generated tokens, stalls.
class Meter : public QObject {
public:
    Meter(pm::app::EngineController* engine, int tokensPerStep) : m_tokensPerStep(tokensPerStep) {
        QObject::connect(engine, &pm::app::EngineController::trainingEvent, this, [this](const pm::train::TrainEvent& e) {
            if (e.kind == pm::train::TrainEvent::Kind::Step && m_counting) ++m_steps;
        });
        QObject::connect(engine, &pm::app::EngineController::generationChunk, this, [this](const pm::app::GenerationChunk& c) {
            if (c.prompt) return;
            // generatedTokens counts from each generation's start (resetGeneration between them).
            if (m_counting && c.generatedTokens > m_lastGenerated) m_generated += c.generatedTokens - m_lastGenerated;
            m_lastGenerated = c.generatedTokens;
        });
        m_tick.setInterval(5);
        QObject::connect(&m_tick, &QTimer::timeout, this, [this] {
            if (m_counting) m_worst = std::max(m_worst, m_gap.restart());
            else m_gap.restart();
        });
        m_gap.start();
        m_tick.start();
    }
    void resetGeneration() { m_lastGenerated = 0; }

    // Runs the event loop for warmup + seconds; counts only the last `seconds`.
    Phase measure(double warmup, double seconds) {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < warmup * 1000) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        m_steps = 0;
        m_generated = 0;
        m_worst = 0;
        m_counting = true;
        m_gap.restart();
        t.restart();
        while (t.elapsed() < seconds * 1000) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        m_counting = false;
        const double s = double(t.elapsed()) / 1000.0;
        return {double(m_steps) * m_tokensPerStep / s, double(m_generated) / s, double(m_worst)};
    }

private:
    int m_tokensPerStep;
    bool m_counting = false;
    std::int64_t m_steps = 0;
    std::size_t m_generated = 0, m_lastGenerated = 0;
    qint64 m_worst = 0;
    QElapsedTimer m_gap;
    QTimer m_tick;
};

template <class W>
W* child(QObject* parent, const char* name) {
    W* w = parent->findChild<W*>(QLatin1String(name));
    if (!w) {
        std::fprintf(stderr, "widget %s not found\n", name);
        std::exit(2);
    }
    return w;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
    // As the app does (app/main.cpp): OpenMP threads wait passively unless the caller chose.
    pm::preferPassiveOpenMp(argv);
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QString data, base = QString::fromStdString(pm::model::bundledBaseModelPath()), genModel;
    double seconds = 15, warmup = 4;
    int repeats = 3, batch = 8, ctx = 256;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString a = args[i];
        const QString v = i + 1 < args.size() ? args[i + 1] : QString();
        if (a == QLatin1String("--data")) data = v, ++i;
        else if (a == QLatin1String("--base")) base = v, ++i;
        else if (a == QLatin1String("--gen-model")) genModel = v, ++i;
        else if (a == QLatin1String("--seconds")) seconds = v.toDouble(), ++i;
        else if (a == QLatin1String("--warmup")) warmup = v.toDouble(), ++i;
        else if (a == QLatin1String("--repeats")) repeats = v.toInt(), ++i;
        else if (a == QLatin1String("--batch")) batch = v.toInt(), ++i;
        else if (a == QLatin1String("--ctx")) ctx = v.toInt(), ++i;
        else {
            std::fprintf(stderr,
                         "usage: pianomuse-bench-concurrency --data DATASET [--base MODEL] [--gen-model MODEL] [--seconds S] "
                         "[--warmup S] [--repeats N] [--batch B] [--ctx T]\n");
            return 1;
        }
    }
    if (data.isEmpty() || base.isEmpty()) {
        std::fprintf(stderr, "--data is required (and a base model: --base, or the bundled one)\n");
        return 1;
    }
    if (genModel.isEmpty()) genModel = base;
    const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
    pm::configureThreads(pm::defaultIntraOpThreads(hw));

    QTemporaryDir tmp;
    pm::app::AppSettings settings(tmp.filePath(QStringLiteral("s.ini")));
    settings.setDataFolder(tmp.filePath(QStringLiteral("data")));
    settings.setDevice(QStringLiteral("cpu"));
    std::printf("hardware threads %d; training threads alone %d, while generating %d; generator 1 thread\n", hw,
                pm::defaultIntraOpThreads(hw), pm::trainingThreadsWhileGenerating(hw));
    std::printf("fine-tune %s on %s, batch %d x %d; generate with %s\n", qPrintable(base), qPrintable(data), batch, ctx,
                qPrintable(genModel));
    std::printf("%-7s %14s %14s %14s %14s %12s %12s %12s\n", "repeat", "train alone", "train+gen", "gen alone", "gen+train",
                "stall train", "stall both", "stall gen");

    std::vector<double> ta, tb, ga, gb, sa, sb, sg;
    for (int r = 0; r < repeats; ++r) {
        pm::app::EngineController engine;
        pm::app::MainWindow window(&engine, &settings);
        window.resize(1100, 800);
        window.show();
        auto* train = window.findChild<pm::app::TrainPage*>();
        auto* gen = window.findChild<pm::app::GeneratePage*>();
        train->setDataset(data);
        auto* baseChoice = child<QComboBox>(train, "baseChoice");
        baseChoice->setCurrentIndex(baseChoice->findData(QStringLiteral("file")));
        child<QLineEdit>(train, "basePathEdit")->setText(base);
        auto* mode = child<QComboBox>(train, "lengthMode");
        mode->setCurrentIndex(mode->findData(QStringLiteral("steps")));
        child<QSpinBox>(train, "stepsSpin")->setValue(1000000);
        child<QSpinBox>(train, "batchSpin")->setValue(batch);
        child<QSpinBox>(train, "ctxSpin")->setValue(ctx);
        child<QSpinBox>(train, "validateSpin")->setValue(1000000);
        child<QLineEdit>(train, "runDirEdit")->setText(tmp.filePath(QStringLiteral("run-%1").arg(r)));
        child<QLineEdit>(gen, "modelPath")->setText(genModel);
        child<QLineEdit>(gen, "promptPath")->clear();
        auto* unit = child<QComboBox>(gen, "lengthUnit");
        unit->setCurrentIndex(unit->findData(int(pm::gen::LengthUnit::Tokens)));
        child<QDoubleSpinBox>(gen, "length")->setValue(50000000);

        Meter meter(&engine, batch * ctx);
        // The base model ends a piece by itself (about 1,300 tokens from an empty prompt) and the
        // generator caps a piece at 20,000 tokens: while a phase wants generation, a finished one
        // is followed by the next at once, as a user pressing Generate again would. A failure
        // ends the benchmark.
        bool wantGeneration = false;
        const QMetaObject::Connection restart = QObject::connect(gen, &pm::app::GeneratePage::generationDone, gen, [&, gen](bool ok) {
            if (!ok && wantGeneration) {
                std::fprintf(stderr, "generation failed: %s\n", qPrintable(child<QLabel>(gen, "generateStatus")->text()));
                std::exit(2);
            }
            if (!wantGeneration) return;
            meter.resetGeneration();
            QTimer::singleShot(0, gen, [gen] { gen->startGeneration(); });
        });
        train->start();
        if (!train->isRunning()) {
            std::fprintf(stderr, "training did not start\n");
            return 2;
        }
        const Phase trainAlone = meter.measure(warmup, seconds);
        wantGeneration = true;
        gen->startGeneration();
        if (gen->generationJob() == 0) {
            std::fprintf(stderr, "generation did not start: %s\n", qPrintable(child<QLabel>(gen, "generateStatus")->text()));
            return 2;
        }
        const Phase both = meter.measure(warmup, seconds);
        train->stop();
        const Phase genAlone = meter.measure(warmup, seconds);
        wantGeneration = false;
        QObject::disconnect(restart);   // it refers to this repeat's locals
        gen->stopGeneration();
        std::printf("%-7d %10.0f t/s %10.0f t/s %10.0f t/s %10.0f t/s %9.0f ms %9.0f ms %9.0f ms\n", r + 1, trainAlone.trainTokensPerSec,
                    both.trainTokensPerSec, genAlone.genTokensPerSec, both.genTokensPerSec, trainAlone.worstStallMs,
                    both.worstStallMs, genAlone.worstStallMs);
        std::fflush(stdout);
        ta.push_back(trainAlone.trainTokensPerSec);
        tb.push_back(both.trainTokensPerSec);
        ga.push_back(genAlone.genTokensPerSec);
        gb.push_back(both.genTokensPerSec);
        sa.push_back(trainAlone.worstStallMs);
        sb.push_back(both.worstStallMs);
        sg.push_back(genAlone.worstStallMs);
        window.close();
        engine.shutdown(10000);
    }
    const auto mn = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
    const auto mx = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
    std::printf("min     %10.0f t/s %10.0f t/s %10.0f t/s %10.0f t/s %9.0f ms %9.0f ms %9.0f ms  (stalls: max)\n", mn(ta), mn(tb),
                mn(ga), mn(gb), mx(sa), mx(sb), mx(sg));
    std::printf("median  %10.0f t/s %10.0f t/s %10.0f t/s %10.0f t/s %9.0f ms %9.0f ms %9.0f ms\n", median(ta), median(tb), median(ga),
                median(gb), median(sa), median(sb), median(sg));
    return 0;
}
