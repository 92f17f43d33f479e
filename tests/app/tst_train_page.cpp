// The Train page: a tiny run on a tiny dataset from the page (offscreen) sends progress signals
// that become plot points; pause holds the step count, resume continues; stop ends the run
// within seconds with a checkpoint; closing (the app-wide cancel) mid-run leaves a loadable one;
// the event loop keeps running (no stall of 100 ms); an ended run's curves reload from metrics.jsonl.
// A run folder another process writes is followed as it grows (read-only); with two or more CUDA
// devices (faked) Start runs a stand-in for `pianomuse-cli train --nproc N` (a shell script) and
// follows its folder, and Stop interrupts it, or ends it when it does not listen.
// LibTorch first: Qt's `slots` macro must not be defined while its headers are read.
#include "page_fixtures.h"
#include "train/train_checkpoint.h"
#include "model/base_model.h"

#include "pages/train_page.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using pm::app::TrainPage;

namespace {

// Lines as the trainer writes them (keys sorted, as nlohmann writes them).
const char* const kThreeStepsAndAValidation =
    "{\"elapsed\":1.0,\"loss\":5.5,\"lr\":0.001,\"step\":1}\n"
    "{\"elapsed\":2.0,\"loss\":5.25,\"lr\":0.001,\"step\":2}\n"
    "{\"elapsed\":3.0,\"loss\":5.0,\"lr\":0.001,\"step\":3}\n"
    "{\"step\":3,\"val_bits_per_note\":7.5,\"val_loss\":4.75}\n";

bool appendTo(const QString& path, const QByteArray& text) {
    QFile f(path);
    return f.open(QIODevice::Append) && f.write(text) == text.size();
}

// Values of a graph, in step order.
QList<double> values(QCPGraph* g) {
    QList<double> v;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) v << it->value;
    return v;
}

}  // namespace

class TestTrainPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        const std::string built = pm::test::buildSmallDataset(m_dir.path());
        QVERIFY2(built.empty(), built.c_str());
    }

    void init() {
        m_settings = std::make_unique<pm::app::AppSettings>(m_dir.filePath(QStringLiteral("s.ini")));
        m_settings->setDataFolder(m_dir.filePath(QStringLiteral("data")));
        m_engine = std::make_unique<pm::app::EngineController>();
        m_page = std::make_unique<TrainPage>(m_engine.get(), m_settings.get());
        m_page->show();
        m_page->setDataset(m_dir.filePath(QStringLiteral("dataset")));
        // The bundled base model, when this tree has one, is the default starting point.
        auto* baseChoice = m_page->findChild<QComboBox*>(QStringLiteral("baseChoice"));
        QVERIFY(baseChoice);
        if (!pm::model::bundledBaseModelPath().empty())
            QCOMPARE(baseChoice->currentData().toString(), QStringLiteral("bundled"));
        // Tiny and quick: a new model of the tiny preset, short windows, small batches, many
        // steps (stopped early).
        baseChoice->setCurrentIndex(baseChoice->findData(QStringLiteral("new")));
        m_page->findChild<QComboBox*>(QStringLiteral("presetCombo"))->setCurrentText(QStringLiteral("tiny"));
        auto* mode = m_page->findChild<QComboBox*>(QStringLiteral("lengthMode"));
        mode->setCurrentIndex(mode->findData(QStringLiteral("steps")));
        m_page->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(100000);
        m_page->findChild<QSpinBox*>(QStringLiteral("ctxSpin"))->setValue(32);
        m_page->findChild<QSpinBox*>(QStringLiteral("batchSpin"))->setValue(2);
        m_page->findChild<QSpinBox*>(QStringLiteral("validateSpin"))->setValue(5);
    }

    void cleanup() {
        m_page.reset();
        if (m_engine) m_engine->shutdown(5000);
        m_engine.reset();
    }

    void runPauseResumeStop() {
        const QString run = m_dir.filePath(QStringLiteral("run-a"));
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        QSignalSpy events(m_engine.get(), &pm::app::EngineController::trainingEvent);
        QSignalSpy ended(m_page.get(), &TrainPage::runEnded);
        QCustomPlot* plot = m_page->lossPlot();
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QVERIFY(m_page->isRunning());
        // The first step pays one-off costs on both threads (first paint, LibTorch warm-up on a
        // shared 2-core box): measure from the second point on.
        QTRY_VERIFY_WITH_TIMEOUT(plot->graph(0)->dataCount() >= 2, 60000);
        // Also the longest time between two points: how long a step (with what follows it) takes here now.
        QElapsedTimer sincePoint;
        sincePoint.start();
        qint64 slowestStep = 0;
        int seenPoints = plot->graph(0)->dataCount();
        const qint64 stall = pm::test::longestStall([&] {
            if (plot->graph(0)->dataCount() != seenPoints) {
                seenPoints = plot->graph(0)->dataCount();
                slowestStep = std::max(slowestStep, sincePoint.restart());
            }
            return plot->graph(0)->dataCount() >= 8 && plot->graph(2)->dataCount() >= 1;
        }, 60000);
        QVERIFY2(plot->graph(0)->dataCount() >= 8, "no training points reached the plot");
        QVERIFY2(plot->graph(2)->dataCount() >= 1, "no validation point reached the plot");
        QVERIFY(events.count() >= 8);
        // A regression bound, not the goal (< 30 ms, measured by pianomuse-bench-concurrency on an
        // idle machine): CTest runs this beside another test on 2 cores, where the scheduler alone
        // can keep the GUI thread off a core for tens of ms. Work on the GUI thread (a step, a
        // validation, an export) costs hundreds.
        QVERIFY2(stall < 100, qPrintable(QStringLiteral("event loop stalled %1 ms").arg(stall)));

        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("pauseButton")), Qt::LeftButton);
        // The step in flight may still land (the trainer pauses between steps): wait until the
        // plot has been still for twice the slowest step seen so far (at least 800 ms). A fixed
        // 800 ms was too short beside another test on 2 cores.
        int paused = plot->graph(0)->dataCount();
        const qint64 quiet = std::max<qint64>(800, 2 * slowestStep);
        QElapsedTimer waited, still;
        waited.start();
        still.start();
        while (waited.elapsed() < 30000 && still.elapsed() < quiet) {
            QTest::qWait(50);
            if (plot->graph(0)->dataCount() != paused) paused = plot->graph(0)->dataCount(), still.restart();
        }
        QTest::qWait(500);
        QCOMPARE(plot->graph(0)->dataCount(), paused);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("pauseButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(plot->graph(0)->dataCount() > paused, 10000);

        QElapsedTimer t;
        t.start();
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("stopButton")), Qt::LeftButton);
        // Stop abandons the step in flight, then writes a checkpoint and the final model (both
        // fsynced): well under a second alone, 2 s seen beside a parallel build. 5 s catches a
        // Stop that waits for a whole step or validation.
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, 5000);
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(ended.first().first().toBool(), true);
        QVERIFY(!m_page->isRunning());
        QVERIFY(!pm::train::latestCheckpoint(run.toStdString()).empty());

        // Reopening the run shows its curves again.
        const int points = plot->graph(0)->dataCount();
        TrainPage other(nullptr, m_settings.get());
        QVERIFY(other.loadRun(run));
        QCOMPARE(other.lossPlot()->graph(0)->dataCount(), points);
        QVERIFY(other.lossPlot()->graph(2)->dataCount() >= 1);
    }

    void closingMidRunLeavesALoadableCheckpoint() {
        const QString run = m_dir.filePath(QStringLiteral("run-b"));
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        QSignalSpy events(m_engine.get(), &pm::app::EngineController::trainingEvent);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(events.count() >= 4, 60000);
        m_page.reset();
        QVERIFY(m_engine->shutdown(2000));   // what closing the main window does
        m_engine.reset();
        const std::string ckpt = pm::train::latestCheckpoint(run.toStdString());
        QVERIFY(!ckpt.empty());
        nlohmann::json meta;
        QCOMPARE(QString::fromStdString(pm::train::readCheckpointMeta(ckpt, &meta)), QString());
        QVERIFY(meta["step"].get<int>() >= 1);
    }

    void thePlanIsShownBeforeStartAndIsWhatRuns() {
        auto* mode = m_page->findChild<QComboBox*>(QStringLiteral("lengthMode"));
        QSignalSpy planned(m_page.get(), &TrainPage::planReady);
        mode->setCurrentIndex(mode->findData(QStringLiteral("plan")));
        QVERIFY(planned.wait(60000));
        QCOMPARE(planned.first().first().toBool(), true);
        const pm::train::TrainPlan plan = m_page->plan();
        QVERIFY(plan.ok);
        QVERIFY(plan.steps > 0 && plan.tokensPerSecond > 0 && plan.tokensPerPass > 0);
        // In words, with the numbers the plan has.
        const QString text = m_page->planText();
        QVERIFY2(text.contains(QLocale().toString(qlonglong(plan.tokensPerPass))), qPrintable(text));
        QVERIFY2(text.contains(TrainPage::tr("about %n minute(s) on this computer", nullptr,
                                             std::max(1, int(std::lround(plan.estimatedSeconds / 60.0))))),
                 qPrintable(text));
        // Start runs that plan, without measuring again.
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(m_dir.filePath(QStringLiteral("run-plan")));
        QSignalSpy events(m_engine.get(), &pm::app::EngineController::trainingEvent);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QVERIFY(m_page->isRunning());
        std::int64_t total = -1;
        bool plannedAgain = false;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& a : events) {
                    const auto e = a.at(0).value<pm::train::TrainEvent>();
                    if (e.kind == pm::train::TrainEvent::Kind::Planned) plannedAgain = true;
                    if (e.kind == pm::train::TrainEvent::Kind::Started) total = e.totalSteps;
                }
                return total >= 0;
            }(),
            60000);
        QCOMPARE(total, plan.steps);
        QVERIFY2(!plannedAgain, "Start measured the machine again instead of running the plan shown");
        QSignalSpy ended(m_page.get(), &TrainPage::runEnded);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("stopButton")), Qt::LeftButton);
        QVERIFY(ended.wait(10000));
    }

    void aRunThatEndsWellOffersItsReport() {
        // Report… is offered once the run has a model; "Report after each run" (off by default:
        // a report takes minutes of CPU) asks for it by itself, to be started at once.
        auto* report = m_page->findChild<QPushButton*>(QStringLiteral("reportButton"));
        auto* automatic = m_page->findChild<QCheckBox*>(QStringLiteral("autoReport"));
        QVERIFY(report && automatic);
        QVERIFY(!automatic->isChecked());
        QVERIFY(!m_settings->reportAfterTraining());
        const QString run = m_dir.filePath(QStringLiteral("run-report"));
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        QVERIFY(!report->isEnabled());   // no model in that folder yet
        m_page->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(3);
        QSignalSpy ended(m_page.get(), &TrainPage::runEnded);
        QSignalSpy requested(m_page.get(), &TrainPage::reportRequested);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QVERIFY(!report->isEnabled());   // running
        QVERIFY(ended.wait(60000));
        QCOMPARE(ended.takeFirst().at(0).toBool(), true);
        QCOMPARE(requested.count(), 0);   // not by itself while the box is off
        QVERIFY(report->isEnabled());
        QTest::mouseClick(report, Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
        const QString model = requested.first().at(0).toString();
        QVERIFY2(model == QDir(run).filePath(QStringLiteral("model-best.safetensors")) ||
                     model == QDir(run).filePath(QStringLiteral("model-final.safetensors")),
                 qPrintable(model));
        QVERIFY(QFileInfo::exists(model));
        QCOMPARE(requested.first().at(1).toString(), m_dir.filePath(QStringLiteral("dataset")));
        QCOMPARE(requested.takeFirst().at(2).toBool(), false);

        automatic->setChecked(true);
        QVERIFY(m_settings->reportAfterTraining());
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(m_dir.filePath(QStringLiteral("run-report-2")));
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QVERIFY(ended.wait(60000));
        QCOMPARE(requested.count(), 1);
        QVERIFY(requested.first().at(0).toString().startsWith(m_dir.filePath(QStringLiteral("run-report-2/model-"))));
        QCOMPARE(requested.first().at(2).toBool(), true);
    }

    void theDeviceReachesTheTrainerIntact() {
        // "cuda:1" must not become "cuda" (that trained on GPU 0).
        m_settings->setDevice(QStringLiteral("cuda:1"));
        QCOMPARE(QString::fromStdString(m_page->currentConfig().device), QStringLiteral("cuda:1"));
        m_settings->setDevice(QStringLiteral("cpu"));
        QCOMPARE(QString::fromStdString(m_page->currentConfig().device), QStringLiteral("cpu"));
    }

    // The CLI and the app derive the same run from the same choices: both go through
    // pm::train::makeTrainConfig, and `train --dry-run --json` prints what the CLI would run.
    void theCliAndTheAppDeriveTheSameConfiguration_data() {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("length");
        QTest::addColumn<QStringList>("cliArgs");
        const auto L = [](const char* s) { return QString::fromLatin1(s); };
        QTest::newRow("new tiny model, 40 steps") << L("new") << L("full") << L("steps")
                                                 << QStringList{L("--scratch"), L("--preset"), L("tiny"), L("--steps"), L("40")};
        QTest::newRow("new model, planned") << L("new") << L("full") << L("plan") << QStringList{L("--scratch"), L("--preset"), L("tiny")};
        if (!pm::model::bundledBaseModelPath().empty()) {
            QTest::newRow("base model, LoRA, planned") << L("bundled") << L("lora") << L("plan") << QStringList{L("--method"), L("lora")};
            QTest::newRow("base model, state, 3 passes") << L("bundled") << L("state") << L("epochs")
                                                         << QStringList{L("--method"), L("state"), L("--epochs"), L("3")};
        }
    }

    void theCliAndTheAppDeriveTheSameConfiguration() {
        QFETCH(QString, base);
        QFETCH(QString, method);
        QFETCH(QString, length);
        QFETCH(QStringList, cliArgs);
        auto* baseChoice = m_page->findChild<QComboBox*>(QStringLiteral("baseChoice"));
        baseChoice->setCurrentIndex(baseChoice->findData(base));
        auto* methodCombo = m_page->findChild<QComboBox*>(QStringLiteral("methodCombo"));
        methodCombo->setCurrentIndex(methodCombo->findData(method));
        auto* mode = m_page->findChild<QComboBox*>(QStringLiteral("lengthMode"));
        mode->setCurrentIndex(mode->findData(length));
        m_page->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(40);
        m_page->findChild<QSpinBox*>(QStringLiteral("epochsSpin"))->setValue(3);
        const QString run = m_dir.filePath(QStringLiteral("run-same"));
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        m_settings->setDevice(QStringLiteral("cuda:1"));
        const std::string app = pm::train::trainConfigJson(m_page->currentConfig());
        m_settings->setDevice(QStringLiteral("cpu"));

        QProcess cli;
        QStringList args{QStringLiteral("train"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("dataset")),
                         QStringLiteral("-o"), run, QStringLiteral("--ctx-len"), QStringLiteral("32"), QStringLiteral("--batch"),
                         QStringLiteral("2"), QStringLiteral("--validate-every"), QStringLiteral("5"), QStringLiteral("--device"),
                         QStringLiteral("cuda:1"), QStringLiteral("--dry-run"), QStringLiteral("--json")};
        args << cliArgs;
        cli.start(QStringLiteral(PIANOMUSE_CLI), args);
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const auto fromCli = nlohmann::json::parse(cli.readAllStandardOutput().toStdString(), nullptr, false);
        QVERIFY(!fromCli.is_discarded());
        const auto fromApp = nlohmann::json::parse(app);
        QVERIFY2(fromCli == fromApp, qPrintable(QStringLiteral("CLI:\n%1\napp:\n%2")
                                                    .arg(QString::fromStdString(fromCli.dump(1)), QString::fromStdString(fromApp.dump(1)))));
        QCOMPARE(QString::fromStdString(fromApp.value("device", std::string())), QStringLiteral("cuda:1"));
    }

    void theProcessesBoxIsOfferedWithTwoOrMoreCudaDevices() {
        auto* spin = m_page->findChild<QSpinBox*>(QStringLiteral("processesSpin"));
        QVERIFY(spin);
        QVERIFY(!spin->isVisibleTo(m_page.get()));   // no CUDA device reported (nothing asked the engine here)
        QCOMPARE(m_page->processes(), 1);
        m_page->setCudaDeviceCount(1);
        QVERIFY(!spin->isVisibleTo(m_page.get()));
        m_page->setCudaDeviceCount(4);
        QVERIFY(spin->isVisibleTo(m_page.get()));
        QCOMPARE(spin->minimum(), 1);
        QCOMPARE(spin->maximum(), 4);
        QVERIFY(!spin->accessibleName().isEmpty());
        QVERIFY(!spin->toolTip().isEmpty());
        bool hasBuddy = false;
        for (QLabel* l : m_page->findChildren<QLabel*>())
            if (l->buddy() == spin && l->isVisibleTo(m_page.get())) hasBuddy = true;
        QVERIFY2(hasBuddy, "the Processes box has no visible label naming it");
        QCOMPARE(m_page->processes(), 1);   // one process until asked for more
        spin->setValue(3);
        QCOMPARE(m_page->processes(), 3);
        m_page->setCudaDeviceCount(0);      // a box that is not shown does not count
        QVERIFY(!spin->isVisibleTo(m_page.get()));
        QCOMPARE(m_page->processes(), 1);
    }

#if defined(Q_OS_UNIX)
    void startWithTwoProcessesRunsTheCliAndFollowsItsRun() {
        const QString run = m_dir.filePath(QStringLiteral("run-workers"));
        const QString argsFile = m_dir.filePath(QStringLiteral("worker-args.txt"));
        // Stands in for pianomuse-cli: records its arguments, writes a run's metrics.jsonl, and on
        // Ctrl-C (SIGINT) writes the end record and exits 0, as the CLI does after its checkpoint.
        const QString cli = writeScript(QStringLiteral("fake-cli.sh"), QStringLiteral(R"SH(#!/bin/sh
printf '%s\n' "$@" > "ARGS"
run=""; prev=""
for a in "$@"; do if [ "$prev" = "-o" ]; then run="$a"; fi; prev="$a"; done
mkdir -p "$run"
stopped=0
trap 'stopped=1' INT
cat >> "$run/metrics.jsonl" <<'END'
{"elapsed":1.0,"loss":5.5,"lr":0.001,"step":1}
{"elapsed":2.0,"loss":5.25,"lr":0.001,"step":2}
{"elapsed":3.0,"loss":5.0,"lr":0.001,"step":3}
{"step":3,"val_bits_per_note":7.5,"val_loss":4.75}
END
while [ "$stopped" = 0 ]; do sleep 0.05; done
echo '{"event":"stopped","message":"stopped by request after 3 of 100000 steps","model":"/nowhere/model-final.safetensors","step":3}' >> "$run/metrics.jsonl"
exit 0
)SH").replace(QStringLiteral("ARGS"), argsFile));
        QVERIFY(!cli.isEmpty());
        m_page->setCliProgram(cli);
        m_settings->setDevice(QStringLiteral("auto"));   // (the settings file outlives each test)
        m_page->setCudaDeviceCount(2);
        m_page->findChild<QSpinBox*>(QStringLiteral("processesSpin"))->setValue(2);
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        QSignalSpy started(m_page.get(), &TrainPage::runStarted);
        QSignalSpy ended(m_page.get(), &TrainPage::runEnded);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QVERIFY(m_page->isRunning());
        QVERIFY(m_page->hasWorkers());
        QCOMPARE(m_page->trainingJob(), quint64(0));   // not in this process's engine
        QCOMPARE(started.count(), 1);

        // The curves fill in from the folder: the three losses and the validation written above.
        QCustomPlot* plot = m_page->lossPlot();
        QTRY_COMPARE_WITH_TIMEOUT(plot->graph(0)->dataCount(), 3, 10000);
        QCOMPARE(values(plot->graph(0)), (QList<double>{5.5, 5.25, 5.0}));
        QTRY_COMPARE_WITH_TIMEOUT(values(plot->graph(2)), (QList<double>{4.75}), 5000);
        // The length is the --steps the page asked for (init: 100,000).
        auto* progress = m_page->findChild<QProgressBar*>(QStringLiteral("trainProgress"));
        QCOMPARE(progress->maximum(), 100000);
        QCOMPARE(progress->value(), 3);
        auto* status = m_page->findChild<QLabel*>(QStringLiteral("trainStatus"));
        QVERIFY2(status->text().startsWith(QStringLiteral("Step 3 of 100000")), qPrintable(status->text()));
        // Such a run cannot be paused; Stop acts on it.
        QVERIFY(!m_page->findChild<QPushButton*>(QStringLiteral("pauseButton"))->isEnabled());
        QVERIFY(m_page->findChild<QPushButton*>(QStringLiteral("stopButton"))->isEnabled());
        QVERIFY(!m_page->findChild<QPushButton*>(QStringLiteral("startButton"))->isEnabled());
        QVERIFY(!m_page->findChild<QSpinBox*>(QStringLiteral("processesSpin"))->isEnabled());

        // What it was started with: the page's choices (set in init) as pianomuse-cli arguments.
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(argsFile), 5000);
        QFile f(argsFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList args = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const auto after = [&args](const char* flag) {
            const int i = int(args.indexOf(QString::fromLatin1(flag)));
            return i >= 0 && i + 1 < args.size() ? args[i + 1] : QStringLiteral("<absent>");
        };
        QCOMPARE(args.value(0), QStringLiteral("train"));
        QCOMPARE(after("--nproc"), QStringLiteral("2"));
        QCOMPARE(after("--device"), QStringLiteral("cuda"));   // the settings' "auto": each worker takes its own GPU
        QCOMPARE(after("-o"), run);
        QCOMPARE(after("--data"), m_dir.filePath(QStringLiteral("dataset")));
        QCOMPARE(after("--steps"), QStringLiteral("100000"));
        QCOMPARE(after("--ctx-len"), QStringLiteral("32"));
        QCOMPARE(after("--batch"), QStringLiteral("2"));
        QCOMPARE(after("--validate-every"), QStringLiteral("5"));
        QCOMPARE(after("--preset"), QStringLiteral("tiny"));
        QVERIFY(args.contains(QStringLiteral("--scratch")));

        // Stop: Ctrl-C to the CLI, which writes its end record and exits 0.
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("stopButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QCOMPARE(ended.first().first().toBool(), true);
        QVERIFY(!m_page->isRunning());
        QVERIFY(!m_page->hasWorkers());
        const QString log = m_page->findChild<QPlainTextEdit*>(QStringLiteral("trainLog"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("stopped by request after 3 of 100000 steps")), qPrintable(log));
        QCOMPARE(plot->graph(0)->dataCount(), 3);
    }

    void stopEndsWorkersThatDoNotListen() {
        const QString run = m_dir.filePath(QStringLiteral("run-deaf"));
        // Ignores Ctrl-C (and so does its child): only the kill after the timeout ends it.
        const QString cli = writeScript(QStringLiteral("deaf-cli.sh"), QStringLiteral(R"SH(#!/bin/sh
run=""; prev=""
for a in "$@"; do if [ "$prev" = "-o" ]; then run="$a"; fi; prev="$a"; done
mkdir -p "$run"
trap '' INT
echo '{"elapsed":1.0,"loss":5.5,"lr":0.001,"step":1}' >> "$run/metrics.jsonl"
sleep 60
)SH"));
        QVERIFY(!cli.isEmpty());
        m_page->setCliProgram(cli);
        m_page->setWorkerStopTimeout(300);
        m_page->setCudaDeviceCount(2);
        m_page->findChild<QSpinBox*>(QStringLiteral("processesSpin"))->setValue(2);
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        QSignalSpy ended(m_page.get(), &TrainPage::runEnded);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->lossPlot()->graph(0)->dataCount(), 1, 10000);
        QElapsedTimer t;
        t.start();
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("stopButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QCOMPARE(ended.first().first().toBool(), false);
        // 0.3 s of patience, then the kill: far below the script's 60 s sleep.
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        const QString log = m_page->findChild<QPlainTextEdit*>(QStringLiteral("trainLog"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("did not stop in time")), qPrintable(log));
    }
#endif

    void aMissingCliIsNamedAndNothingStarts() {
        m_page->setCliProgram(m_dir.filePath(QStringLiteral("no-such-dir/pianomuse-cli")));
        m_page->setCudaDeviceCount(2);
        m_page->findChild<QSpinBox*>(QStringLiteral("processesSpin"))->setValue(2);
        m_page->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(m_dir.filePath(QStringLiteral("run-nocli")));
        QSignalSpy started(m_page.get(), &TrainPage::runStarted);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        QVERIFY(!m_page->isRunning());
        QCOMPARE(started.count(), 0);
        const QString log = m_page->findChild<QPlainTextEdit*>(QStringLiteral("trainLog"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("pianomuse-cli, which was not found")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("no-such-dir/pianomuse-cli")), qPrintable(log));
    }

    void anOpenedRunIsFollowedAsItGrows() {
        const QString run = m_dir.filePath(QStringLiteral("run-followed"));
        const QString metrics = QDir(run).filePath(QStringLiteral("metrics.jsonl"));
        auto* label = m_page->findChild<QLabel*>(QStringLiteral("followLabel"));
        QVERIFY(label);
        QVERIFY(!label->accessibleName().isEmpty());
        auto* start = m_page->findChild<QPushButton*>(QStringLiteral("startButton"));
        auto* pause = m_page->findChild<QPushButton*>(QStringLiteral("pauseButton"));
        auto* stop = m_page->findChild<QPushButton*>(QStringLiteral("stopButton"));
        auto* tryModel = m_page->findChild<QPushButton*>(QStringLiteral("tryModelButton"));
        QVERIFY(!m_page->findChild<QPushButton*>(QStringLiteral("openRunButton"))->accessibleName().isEmpty());
        QSignalSpy ended(m_page.get(), &TrainPage::runEnded);
        QSignalSpy audition(m_page.get(), &TrainPage::auditionRequested);

        // The folder exists but nothing was written yet: it waits for the file.
        QVERIFY(QDir().mkpath(run));
        m_page->followRun(run);
        QVERIFY(m_page->isFollowing());
        QVERIFY(!m_page->isRunning());
        QVERIFY2(label->text().startsWith(QStringLiteral("Waiting for")), qPrintable(label->text()));

        // A plan (10 steps), two steps and the start of the third, as a reader can find them mid-write.
        const QByteArray lines = kThreeStepsAndAValidation;
        const int cut = int(lines.indexOf("{\"elapsed\":3.0")) + 12;
        QVERIFY(appendTo(metrics, QByteArray("{\"event\":\"planned\",\"message\":\"a plan\",\"steps\":10}\n") + lines.left(cut)));
        QCustomPlot* plot = m_page->lossPlot();
        QTRY_COMPARE_WITH_TIMEOUT(plot->graph(0)->dataCount(), 2, 5000);
        QCOMPARE(values(plot->graph(0)), (QList<double>{5.5, 5.25}));
        auto* progress = m_page->findChild<QProgressBar*>(QStringLiteral("trainProgress"));
        QCOMPARE(progress->maximum(), 10);
        QCOMPARE(progress->value(), 2);
        QVERIFY2(label->text().contains(QStringLiteral("written by another process")), qPrintable(label->text()));
        // Read-only: Pause and Stop do not act on it, and no new run may write into its folder.
        QVERIFY(!pause->isEnabled());
        QVERIFY(!stop->isEnabled());
        QVERIFY(!start->isEnabled());
        QVERIFY(!tryModel->isEnabled());   // no model in the folder yet

        // The rest of the third line and a validation; then a garbage line, which is skipped.
        QVERIFY(appendTo(metrics, lines.mid(cut) + "not a record\n"));
        QTRY_COMPARE_WITH_TIMEOUT(plot->graph(0)->dataCount(), 3, 5000);
        QCOMPARE(values(plot->graph(0)), (QList<double>{5.5, 5.25, 5.0}));
        QTRY_COMPARE_WITH_TIMEOUT(values(plot->graph(2)), (QList<double>{4.75}), 5000);
        QVERIFY(!m_page->isRunning());
        QVERIFY(m_engine->jobs().isEmpty());   // following starts nothing in the engine
        QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<QPlainTextEdit*>(QStringLiteral("trainLog"))
                                     ->toPlainText()
                                     .contains(QStringLiteral("Skipped 1 line")),
                                 5000);

        // A sample named relative to the writer's working directory (it ran `-o somewhere`): listed
        // from the run folder, where the trainer keeps it.
        QVERIFY(QDir().mkpath(QDir(run).filePath(QStringLiteral("samples"))));
        const QString sample = QDir(run).filePath(QStringLiteral("samples/sample-000000003.mid"));
        QVERIFY(appendTo(sample, "MThd"));
        QVERIFY(appendTo(metrics, "{\"event\":\"sample\",\"path\":\"somewhere/samples/sample-000000003.mid\",\"step\":3}\n"));
        auto* samples = m_page->findChild<QListWidget*>();
        QVERIFY(samples);
        QTRY_COMPARE_WITH_TIMEOUT(samples->count(), 1, 5000);
        QCOMPARE(samples->item(0)->toolTip(), QDir::toNativeSeparators(sample));

        // The run's best model appears: "Try the current model" offers it.
        QVERIFY(appendTo(QDir(run).filePath(QStringLiteral("model-best.safetensors")), "not really a model"));
        QTRY_VERIFY_WITH_TIMEOUT(tryModel->isEnabled(), 5000);
        QTest::mouseClick(tryModel, Qt::LeftButton);
        QCOMPARE(audition.count(), 1);
        QCOMPARE(audition.first().at(0).toString(), QDir(run).filePath(QStringLiteral("model-best.safetensors")));

        // It ends: said so, and not as this page's run.
        QVERIFY(appendTo(metrics, "{\"event\":\"finished\",\"message\":\"finished: 10 of 10 steps\",\"model\":\"m\",\"step\":10}\n"));
        QTRY_VERIFY_WITH_TIMEOUT(label->text().contains(QStringLiteral("has ended")), 5000);
        QVERIFY(start->isEnabled());   // nobody writes the folder any more
        QCOMPARE(ended.count(), 0);

        // Replaced by a new run under the same name: the curves start over.
        QVERIFY(QFile::remove(metrics));
        QTest::qWait(700);             // a poll sees it gone
        QVERIFY(appendTo(metrics, "{\"elapsed\":0.5,\"loss\":6.25,\"step\":1}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(values(plot->graph(0)), (QList<double>{6.25}), 5000);
        QVERIFY(values(plot->graph(2)).isEmpty());

        m_page->stopFollowing();
        QVERIFY(!m_page->isFollowing());
        QVERIFY(!label->isVisibleTo(m_page.get()));
    }

private:
    // An executable script in the test's folder ("" when it cannot be written).
    QString writeScript(const QString& name, const QString& text) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return QString();
        f.write(text.toUtf8());
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<pm::app::AppSettings> m_settings;
    std::unique_ptr<pm::app::EngineController> m_engine;
    std::unique_ptr<TrainPage> m_page;
};

QTEST_MAIN(TestTrainPage)
#include "tst_train_page.moc"
