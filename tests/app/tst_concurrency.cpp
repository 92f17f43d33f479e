// Training and auditioning side by side, through the real window (offscreen) and a tiny model:
// a generation starts and finishes while training's step count keeps rising; Stop on Generate
// leaves training running; Stop on Train leaves a running generation alone; "Try the current
// model" opens Generate with the run's newest weights while training goes on; closing the window
// with both running ends within 2 s with a loadable checkpoint.
// Waits other than the 2 s close are generous: these are order-and-identity checks, and on a
// 2-core machine at load 8 a Stop (one step, a checkpoint) took over 10 s.
// LibTorch first: Qt's `slots` macro must not be defined while its headers are read.
#include "page_fixtures.h"
#include "train/train_checkpoint.h"

#include "main_window.h"
#include "pages/dataset_page.h"
#include "pages/generate_page.h"
#include "pages/train_page.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using pm::app::EngineController;
using pm::app::GeneratePage;
using pm::app::JobKind;
using pm::app::MainWindow;
using pm::app::TrainPage;

class TestConcurrency : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        const std::string built = pm::test::buildSmallDataset(m_dir.path());
        QVERIFY2(built.empty(), built.c_str());
        m_model = m_dir.filePath(QStringLiteral("tiny.safetensors"));
        pm::test::saveTinyModel(m_model);
        m_prompt = m_dir.filePath(QStringLiteral("prompt.mid"));
        QVERIFY(pm::midi::writeMidiFile(pm::test::quarterNotePiece(1, 16), m_prompt.toStdString()).ok());
    }

    void init() {
        m_settings = std::make_unique<pm::app::AppSettings>(m_dir.filePath(QStringLiteral("s.ini")));
        m_settings->setDataFolder(m_dir.filePath(QStringLiteral("data")));
        m_settings->setDevice(QStringLiteral("cpu"));
        m_engine = std::make_unique<EngineController>();
        m_window = std::make_unique<MainWindow>(m_engine.get(), m_settings.get());
        m_window->resize(1100, 800);
        m_window->show();
        m_train = m_window->findChild<TrainPage*>();
        m_gen = m_window->findChild<GeneratePage*>();
        QVERIFY(m_train && m_gen);
        m_train->setDataset(m_dir.filePath(QStringLiteral("dataset")));
        // A new tiny model, many steps (stopped by the test), short windows.
        auto* base = m_train->findChild<QComboBox*>(QStringLiteral("baseChoice"));
        base->setCurrentIndex(base->findData(QStringLiteral("new")));
        m_train->findChild<QComboBox*>(QStringLiteral("presetCombo"))->setCurrentText(QStringLiteral("tiny"));
        auto* mode = m_train->findChild<QComboBox*>(QStringLiteral("lengthMode"));
        mode->setCurrentIndex(mode->findData(QStringLiteral("steps")));
        m_train->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(1000000);
        m_train->findChild<QSpinBox*>(QStringLiteral("ctxSpin"))->setValue(32);
        m_train->findChild<QSpinBox*>(QStringLiteral("batchSpin"))->setValue(2);
        m_train->findChild<QSpinBox*>(QStringLiteral("validateSpin"))->setValue(20);
        m_gen->findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(m_model);
        m_gen->findChild<QLineEdit*>(QStringLiteral("promptPath"))->setText(m_prompt);
    }

    void cleanup() {
        m_window.reset();
        if (m_engine) m_engine->shutdown(30000);
        m_engine.reset();
    }

    void generationFinishesWhileTrainingGoesOn() {
        QSignalSpy steps(m_engine.get(), &EngineController::trainingEvent);
        startTraining(QStringLiteral("run-a"));
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) >= 2, 60000);   // past LibTorch's first-step costs
        setGenerationTokens(60000);
        QSignalSpy done(m_gen, &GeneratePage::generationDone);
        QSignalSpy started(m_engine.get(), &EngineController::jobStarted);
        const int before = stepCount(steps);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QVERIFY(m_gen->generationJob() != 0);
        QTRY_VERIFY_WITH_TIMEOUT(jobStarted(started, JobKind::Generation), 20000);
        const int atStart = stepCount(steps);
        QVERIFY(done.wait(120000));
        QCOMPARE(done.first().first().toBool(), true);
        const int atEnd = stepCount(steps);
        QVERIFY2(atEnd > atStart, qPrintable(QStringLiteral("training made no step during the generation (%1 -> %2, %3 before)")
                                                  .arg(atStart).arg(atEnd).arg(before)));
        QVERIFY(m_train->isRunning());
        // ... and it keeps going afterwards.
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) > atEnd, 20000);
        stopTrainingAndWait();
    }

    void stopOnGenerateLeavesTrainingRunning() {
        QSignalSpy steps(m_engine.get(), &EngineController::trainingEvent);
        startTraining(QStringLiteral("run-b"));
        setGenerationTokens(5000000);   // far longer than the test waits
        QSignalSpy done(m_gen, &GeneratePage::generationDone);
        QSignalSpy started(m_engine.get(), &EngineController::jobStarted);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(jobStarted(started, JobKind::Generation), 20000);
        QTest::qWait(300);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("stopGenerationButton")), Qt::LeftButton);
        QVERIFY(done.wait(10000));
        QCOMPARE(m_gen->generationJob(), 0u);
        QVERIFY2(m_train->isRunning(), "Stop on the Generate page ended the training run");
        const int after = stepCount(steps);
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) > after + 2, 60000);
        stopTrainingAndWait();
    }

    void stopOnTrainLeavesGenerationAlone() {
        startTraining(QStringLiteral("run-c"));
        setGenerationTokens(5000000);
        QSignalSpy done(m_gen, &GeneratePage::generationDone);
        QSignalSpy chunks(m_engine.get(), &EngineController::generationChunk);
        QSignalSpy started(m_engine.get(), &EngineController::jobStarted);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(jobStarted(started, JobKind::Generation), 20000);
        const quint64 generation = m_gen->generationJob();
        QSignalSpy finished(m_engine.get(), &EngineController::jobFinished);
        stopTrainingAndWait();
        // The generation is capped (20,000 tokens of the tiny model: seconds), and a Stop at high
        // load can take longer than that, so it may have ended on its own meanwhile: then it
        // must have finished, not been cancelled.
        const auto endOf = [&](quint64 id) -> int {
            for (const auto& args : finished)
                if (args.at(0).value<pm::app::JobInfo>().id == id) return int(args.at(1).value<pm::app::JobEnd>());
            return -1;
        };
        if (!m_engine->isJobActive(generation)) {
            QCOMPARE(endOf(generation), int(pm::app::JobEnd::Finished));
            QCOMPARE(done.count(), 1);
            QCOMPARE(done.first().first().toBool(), true);
            return;
        }
        QCOMPARE(done.count(), 0);
        const int seen = chunks.count();
        QTRY_VERIFY_WITH_TIMEOUT(chunks.count() > seen || !m_engine->isJobActive(generation), 30000);   // still writing
        QVERIFY2(endOf(generation) != int(pm::app::JobEnd::Cancelled), "Stop on the Train page cancelled the generation");
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("stopGenerationButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 10000);
    }

    void tryTheCurrentModelWhileTraining() {
        QSignalSpy steps(m_engine.get(), &EngineController::trainingEvent);
        const QString run = startTraining(QStringLiteral("run-d"));
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) >= 3, 60000);
        QSignalSpy audition(m_train, &TrainPage::auditionRequested);
        QTest::mouseClick(m_train->findChild<QPushButton*>(QStringLiteral("tryModelButton")), Qt::LeftButton);
        QVERIFY(audition.wait(20000));
        const QString latest = QDir(run).filePath(QStringLiteral("model-latest.safetensors"));
        QCOMPARE(audition.first().at(0).toString(), latest);
        QCOMPARE(m_window->currentPage(), MainWindow::GeneratePageIndex);
        QCOMPARE(m_gen->modelPath(), latest);
        QVERIFY(m_train->isRunning());
        // It generates from those weights while training goes on.
        setGenerationTokens(200);
        QSignalSpy done(m_gen, &GeneratePage::generationDone);
        const int before = stepCount(steps);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QVERIFY(done.wait(60000));
        QCOMPARE(done.first().first().toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) > before, 20000);
        QVERIFY(m_train->isRunning());
        stopTrainingAndWait();
    }

    void statusBarListsRunningJobs() {
        startTraining(QStringLiteral("run-e"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->jobsText().contains(MainWindow::tr("Training")), 10000);
        setGenerationTokens(5000000);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->jobsText().contains(MainWindow::tr("Generating")), 10000);
        QVERIFY(m_window->jobsText().contains(MainWindow::tr("Training")));
        // Only the conflicting action is off: Start (same run folder), not Generate's Stop or the Dataset page.
        QVERIFY(!m_train->findChild<QPushButton*>(QStringLiteral("startButton"))->isEnabled());
        QVERIFY(m_gen->findChild<QPushButton*>(QStringLiteral("stopGenerationButton"))->isEnabled());
        // Rebuilding the dataset the run reads is off; building another one is not.
        auto* datasetPage = m_window->findChild<pm::app::DatasetPage*>();
        auto* build = datasetPage->findChild<QPushButton*>(QStringLiteral("buildButton"));
        datasetPage->setOutputDirectory(m_dir.filePath(QStringLiteral("dataset")));
        QVERIFY(!build->isEnabled());
        datasetPage->setOutputDirectory(m_dir.filePath(QStringLiteral("another-dataset")));
        QVERIFY(build->isEnabled());
        datasetPage->setOutputDirectory(m_dir.filePath(QStringLiteral("dataset")));
        QSignalSpy done(m_gen, &GeneratePage::generationDone);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("stopGenerationButton")), Qt::LeftButton);
        QVERIFY(done.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->jobsText().contains(MainWindow::tr("Generating")), 10000);
        stopTrainingAndWait();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->jobsText().isEmpty(), 10000);
        QVERIFY(build->isEnabled());
    }

    void aFailingJobEndsOnlyItself() {
        // A generation whose model file is damaged fails with its message; training goes on.
        QSignalSpy steps(m_engine.get(), &EngineController::trainingEvent);
        startTraining(QStringLiteral("run-g"));
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) >= 2, 60000);
        const QString broken = m_dir.filePath(QStringLiteral("broken.safetensors"));
        {
            QFile f(broken);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a model");
        }
        m_gen->findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(broken);
        QSignalSpy done(m_gen, &GeneratePage::generationDone);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QVERIFY(done.wait(20000));
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(m_gen->findChild<QLabel*>(QStringLiteral("generateStatus"))->text().contains(QStringLiteral("broken.safetensors")));
        QVERIFY(m_train->isRunning());
        const int after = stepCount(steps);
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) > after, 20000);
        stopTrainingAndWait();

        // A training whose base model file is damaged fails with its message; a generation goes on.
        m_gen->findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(m_model);
        setGenerationTokens(5000000);
        QSignalSpy started(m_engine.get(), &EngineController::jobStarted);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(jobStarted(started, JobKind::Generation), 20000);
        const quint64 generation = m_gen->generationJob();
        auto* base = m_train->findChild<QComboBox*>(QStringLiteral("baseChoice"));
        base->setCurrentIndex(base->findData(QStringLiteral("file")));
        m_train->findChild<QLineEdit*>(QStringLiteral("basePathEdit"))->setText(broken);
        QSignalSpy ended(m_train, &TrainPage::runEnded);
        QSignalSpy failed(m_engine.get(), &EngineController::jobFinished);
        startTraining(QStringLiteral("run-h"));
        QVERIFY(ended.wait(30000));
        QCOMPARE(ended.first().first().toBool(), false);
        const auto trainingFailed = [&failed] {
            for (const auto& args : failed)
                // (The stopped run before this one may report its end here too: look for the failure.)
                if (args.at(0).value<pm::app::JobInfo>().kind == JobKind::Training &&
                    args.at(1).value<pm::app::JobEnd>() == pm::app::JobEnd::Failed && !args.at(2).toString().isEmpty())
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(trainingFailed(), 10000);
        QVERIFY2(m_engine->isJobActive(generation), "a failing training ended the generation");
        QSignalSpy done2(m_gen, &GeneratePage::generationDone);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("stopGenerationButton")), Qt::LeftButton);
        QVERIFY(done2.wait(10000));
    }

    void closingWithBothRunningIsQuickAndKeepsACheckpoint() {
        QSignalSpy steps(m_engine.get(), &EngineController::trainingEvent);
        const QString run = startTraining(QStringLiteral("run-f"));
        QTRY_VERIFY_WITH_TIMEOUT(stepCount(steps) >= 3, 60000);
        setGenerationTokens(5000000);
        QSignalSpy started(m_engine.get(), &EngineController::jobStarted);
        QTest::mouseClick(m_gen->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(jobStarted(started, JobKind::Generation), 20000);
        QElapsedTimer timer;
        timer.start();
        m_window->close();   // closeEvent cancels every job
        m_window.reset();
        QVERIFY(m_engine->shutdown(2000));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("closing took %1 ms").arg(timer.elapsed())));
        m_engine.reset();
        const std::string ckpt = pm::train::latestCheckpoint(run.toStdString());
        QVERIFY(!ckpt.empty());
        nlohmann::json meta;
        QCOMPARE(QString::fromStdString(pm::train::readCheckpointMeta(ckpt, &meta)), QString());
        QVERIFY(meta["step"].get<int>() >= 3);
    }

private:
    QString startTraining(const QString& name) {
        const QString run = m_dir.filePath(name);
        m_train->findChild<QLineEdit*>(QStringLiteral("runDirEdit"))->setText(run);
        QTest::mouseClick(m_train->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
        if (!m_train->isRunning()) qWarning("training did not start");
        return run;
    }

    void stopTrainingAndWait() {
        QSignalSpy ended(m_train, &TrainPage::runEnded);
        QTest::mouseClick(m_train->findChild<QPushButton*>(QStringLiteral("stopButton")), Qt::LeftButton);
        QVERIFY(ended.wait(60000));
        QVERIFY(!m_train->isRunning());
    }

    void setGenerationTokens(double tokens) {
        auto* unit = m_gen->findChild<QComboBox*>(QStringLiteral("lengthUnit"));
        unit->setCurrentIndex(unit->findData(int(pm::gen::LengthUnit::Tokens)));
        m_gen->findChild<QDoubleSpinBox*>(QStringLiteral("length"))->setValue(tokens);
    }

    static int stepCount(const QSignalSpy& events) {
        int n = 0;
        for (const auto& args : events)
            if (args.at(0).value<pm::train::TrainEvent>().kind == pm::train::TrainEvent::Kind::Step) ++n;
        return n;
    }

    static bool jobStarted(const QSignalSpy& started, JobKind kind) {
        for (const auto& args : started)
            if (args.at(0).value<pm::app::JobInfo>().kind == kind) return true;
        return false;
    }

    QTemporaryDir m_dir;
    QString m_model, m_prompt;
    std::unique_ptr<pm::app::AppSettings> m_settings;
    std::unique_ptr<EngineController> m_engine;
    std::unique_ptr<MainWindow> m_window;
    TrainPage* m_train = nullptr;
    GeneratePage* m_gen = nullptr;
};

QTEST_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
