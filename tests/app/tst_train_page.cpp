// The Train page: a tiny run on a tiny dataset from the page (offscreen) sends progress signals
// that become plot points; pause holds the step count, resume continues; stop ends the run
// within seconds with a checkpoint; closing (the app-wide cancel) mid-run leaves a loadable one;
// the event loop keeps running (no stall of 100 ms); an ended run's curves reload from metrics.jsonl.
// LibTorch first: Qt's `slots` macro must not be defined while its headers are read.
#include "page_fixtures.h"
#include "train/train_checkpoint.h"
#include "model/base_model.h"

#include "pages/train_page.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QProcess>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using pm::app::TrainPage;

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

private:
    QTemporaryDir m_dir;
    std::unique_ptr<pm::app::AppSettings> m_settings;
    std::unique_ptr<pm::app::EngineController> m_engine;
    std::unique_ptr<TrainPage> m_page;
};

QTEST_MAIN(TestTrainPage)
#include "tst_train_page.moc"
