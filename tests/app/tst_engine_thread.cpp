// The engine worker's thread: named, started, answers queued calls, and stops cleanly even
// while a long job runs (closing the window must never hang for more than 2 s).
#include "worker/engine_controller.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using pm::app::EngineController;
using pm::app::EngineWorker;

class TestEngineThread : public QObject {
    Q_OBJECT
private slots:
    void workerLivesOnANamedThread() {
        EngineController engine;
        QVERIFY(engine.isRunning());
        QCOMPARE(engine.thread()->objectName(), QStringLiteral("PianoMuse engine"));
        QCOMPARE(engine.worker()->thread(), engine.thread());
        QVERIFY(engine.thread() != QThread::currentThread());
    }

    void queuedCallsAnswerWithPlainStructs() {
        EngineController engine;
        QSignalSpy info(engine.worker(), &EngineWorker::systemInfoReady);
        QSignalSpy ports(engine.worker(), &EngineWorker::midiPortsReady);
        engine.requestSystemInfo();
        engine.requestMidiPorts();
        QVERIFY(info.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(ports.count(), 1, 10000);
        const auto sys = info.at(0).at(0).value<pm::SystemInfo>();
        QVERIFY(!sys.devices.empty());
        QCOMPARE(QString::fromStdString(sys.devices.front().id), QStringLiteral("cpu"));
    }

    void cancelStopsALongJob() {
        EngineController engine;
        QSignalSpy busy(engine.worker(), &EngineWorker::busyChanged);
        QSignalSpy cancelled(engine.worker(), &EngineWorker::cancelled);
        QSignalSpy finished(engine.worker(), &EngineWorker::blasMeasured);
        engine.requestBlasMeasurement(60000);
        QVERIFY(busy.wait(10000));
        QElapsedTimer timer;
        timer.start();
        engine.cancel();
        QVERIFY(cancelled.wait(5000));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("cancel took %1 ms").arg(timer.elapsed())));
        QCOMPARE(finished.count(), 0);
    }

    void shutdownWhileBusyIsQuick() {
        auto engine = std::make_unique<EngineController>();
        QSignalSpy busy(engine->worker(), &EngineWorker::busyChanged);
        engine->requestBlasMeasurement(60000);
        QVERIFY(busy.wait(10000));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(engine->shutdown(2000));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("shutdown took %1 ms").arg(timer.elapsed())));
        QVERIFY(!engine->isRunning());
        engine.reset();   // destructor after shutdown is a no-op, not a second wait
    }

    void finishesAShortJob() {
        EngineController engine;
        QSignalSpy done(engine.worker(), &EngineWorker::blasMeasured);
        engine.requestBlasMeasurement(50);
        QVERIFY(done.wait(10000));
        QVERIFY(done.at(0).at(0).toDouble() > 0.0);
    }
};

QTEST_MAIN(TestEngineThread)
#include "tst_engine_thread.moc"
