// The engine's lanes: each a named thread; requests answer with plain structs; every job has its
// own cancel token (cancelling one leaves the others alone, a cancel before the start is
// honoured); conflicts are refused; shutdown while busy is quick and never destroys a running thread.
#include "worker/engine_controller.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using pm::app::EngineController;
using pm::app::JobEnd;
using pm::app::JobId;
using pm::app::JobInfo;
using pm::app::Lane;

namespace {

// The end of one job, as the controller reported it.
JobEnd endOf(const QSignalSpy& finished, JobId id, bool* found) {
    for (const auto& args : finished)
        if (args.at(0).value<JobInfo>().id == id) {
            *found = true;
            return args.at(1).value<JobEnd>();
        }
    *found = false;
    return JobEnd::Failed;
}

bool startedJob(const QSignalSpy& started, JobId id) {
    for (const auto& args : started)
        if (args.at(0).value<JobInfo>().id == id) return true;
    return false;
}

}  // namespace

class TestEngineThread : public QObject {
    Q_OBJECT
private slots:
    void lanesLiveOnNamedThreads() {
        EngineController engine;
        QVERIFY(engine.isRunning());
        QSet<QThread*> threads;
        for (const Lane lane : {Lane::Training, Lane::Demo, Lane::Generation, Lane::Dataset, Lane::Light, Lane::Jam, Lane::Report}) {
            QThread* t = engine.laneThread(lane);
            QVERIFY(t && t != QThread::currentThread());
            QVERIFY(t->objectName().startsWith(QStringLiteral("PianoMuse ")));
            QCOMPARE(engine.laneWorker(lane)->thread(), t);
            threads.insert(t);
        }
        QCOMPARE(threads.size(), 7);
        QCOMPARE(engine.laneThread(Lane::Training)->objectName(), QStringLiteral("PianoMuse training"));
        QCOMPARE(engine.laneThread(Lane::Jam)->objectName(), QStringLiteral("PianoMuse jam"));
        QCOMPARE(engine.laneThread(Lane::Report)->objectName(), QStringLiteral("PianoMuse report"));
    }

    void queuedCallsAnswerWithPlainStructs() {
        EngineController engine;
        QSignalSpy info(&engine, &EngineController::systemInfoReady);
        QSignalSpy ports(&engine, &EngineController::midiPortsReady);
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        const JobId a = engine.requestSystemInfo();
        const JobId b = engine.requestMidiPorts();
        QVERIFY(a != 0 && b != 0 && a != b);
        QVERIFY(info.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(ports.count(), 1, 10000);
        const auto sys = info.at(0).at(0).value<pm::SystemInfo>();
        QVERIFY(!sys.devices.empty());
        QCOMPARE(QString::fromStdString(sys.devices.front().id), QStringLiteral("cpu"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        bool found = false;
        QCOMPARE(endOf(finished, a, &found), JobEnd::Finished);
        QVERIFY(found);
        QVERIFY(engine.jobs().isEmpty());
    }

    void cancelStopsExactlyThatJob() {
        EngineController engine;
        QSignalSpy started(&engine, &EngineController::jobStarted);
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        QSignalSpy measured(&engine, &EngineController::blasMeasured);
        const JobId longOne = engine.requestBlasMeasurement(60000);
        // Queued behind it on the same lane: cancelled before it starts, so it must never start.
        const JobId queued = engine.requestBlasMeasurement(60000);
        QVERIFY(engine.isJobActive(queued));
        QTRY_VERIFY_WITH_TIMEOUT(startedJob(started, longOne), 10000);
        engine.cancel(queued);
        QTest::qWait(300);
        bool found = false;
        endOf(finished, longOne, &found);
        QVERIFY2(!found, "cancelling the queued job ended the running one");

        QElapsedTimer timer;
        timer.start();
        engine.cancel(longOne);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("cancel took %1 ms").arg(timer.elapsed())));
        QCOMPARE(endOf(finished, longOne, &found), JobEnd::Cancelled);
        QCOMPARE(endOf(finished, queued, &found), JobEnd::Cancelled);
        QVERIFY(found);
        QVERIFY2(!startedJob(started, queued), "a job cancelled while queued still started");
        QCOMPARE(measured.count(), 0);
    }

    void lanesDoNotWaitForEachOther() {
        // A long job on one lane does not hold up a short one on another.
        EngineController engine;
        QSignalSpy started(&engine, &EngineController::jobStarted);
        QSignalSpy info(&engine, &EngineController::systemInfoReady);
        QTemporaryDir dir;
        const JobId longOne = engine.requestBlasMeasurement(60000);   // queries lane
        QTRY_VERIFY_WITH_TIMEOUT(startedJob(started, longOne), 10000);
        QSignalSpy opened(&engine, &EngineController::datasetFinished);
        engine.requestDatasetOpen(dir.filePath(QStringLiteral("nothing-here")));   // dataset lane
        QVERIFY(opened.wait(5000));
        QVERIFY(!opened.at(0).at(0).value<pm::app::DatasetBuildOutcome>().ok);
        QVERIFY(engine.isJobActive(longOne));
        engine.cancel(longOne);
    }

    void conflictsAreRefused() {
        EngineController engine;
        QTemporaryDir dir;
        pm::train::TrainConfig config;
        config.datasetDir = dir.filePath(QStringLiteral("data")).toStdString();
        config.runDir = dir.filePath(QStringLiteral("run")).toStdString();
        const JobId first = engine.requestTraining(config);
        QVERIFY(first != 0);
        QVERIFY(engine.isRunDirBusy(dir.filePath(QStringLiteral("run/../run"))));
        QVERIFY(engine.isDatasetBusy(dir.filePath(QStringLiteral("data"))));
        // Two trainings into one run folder: refused, with a reason.
        QCOMPARE(engine.requestTraining(config), JobId(0));
        QVERIFY(!engine.lastRefusal().isEmpty());
        // Rebuilding the dataset that run reads: refused.
        pm::dataset::BuildRequest build;
        build.outputDir = config.datasetDir;
        QCOMPARE(engine.requestDatasetBuild(build), JobId(0));
        // Another run folder and another dataset are fine.
        pm::train::TrainConfig other = config;
        other.runDir = dir.filePath(QStringLiteral("run2")).toStdString();
        const JobId second = engine.requestTraining(other);
        QVERIFY(second != 0);
        build.outputDir = dir.filePath(QStringLiteral("data2")).toStdString();
        engine.cancel(first);
        engine.cancel(second);
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        QTRY_VERIFY_WITH_TIMEOUT(engine.jobs().isEmpty(), 20000);
        QVERIFY(!engine.isRunDirBusy(dir.filePath(QStringLiteral("run"))));
        QVERIFY(engine.requestDatasetBuild(build) != 0);
    }

    void shutdownWhileBusyIsQuick() {
        auto engine = std::make_unique<EngineController>();
        QSignalSpy started(engine.get(), &EngineController::jobStarted);
        engine->requestBlasMeasurement(60000);
        QVERIFY(started.wait(10000));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(engine->shutdown(2000));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("shutdown took %1 ms").arg(timer.elapsed())));
        QVERIFY(!engine->isRunning());
        QCOMPARE(engine->requestSystemInfo(), JobId(0));   // closing: nothing new starts
        engine.reset();   // destructor after shutdown is a no-op, not a second wait
    }

    void finishesAShortJob() {
        EngineController engine;
        QSignalSpy done(&engine, &EngineController::blasMeasured);
        engine.requestBlasMeasurement(50);
        QVERIFY(done.wait(10000));
        QVERIFY(done.at(0).at(0).toDouble() > 0.0);
    }
};

QTEST_MAIN(TestEngineThread)
#include "tst_engine_thread.moc"
