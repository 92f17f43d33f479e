// The Dataset page: a simulated drop of files and a folder fills the report; cancelling leaves
// no partial dataset; the event loop never stalls more than 50 ms while a build runs.
#include "dataset/dataset_store.h"
#include "dataset/file_report_model.h"
#include "midi/midi_writer.h"
#include "pages/dataset_page.h"
#include "settings/app_settings.h"
#include "widgets/piano_roll_widget.h"
#include "worker/engine_controller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QStandardPaths>
#include <QFile>
#include <QMimeData>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

using pm::app::DatasetPage;

namespace {

pm::midi::MidiFile piece(int variant, int notes = 32) {
    pm::midi::MidiFile f;
    f.division.ticksPerBeat = 96;
    f.tempos.push_back({0, 500000, 0});
    f.timeSignatures.push_back({0, 4, 2, 24, 8, 0});
    pm::midi::Track t;
    for (int i = 0; i < notes; ++i) {
        pm::midi::Note n;
        n.start = pm::midi::Tick(i) * 48;
        n.end = n.start + 40;
        n.pitch = std::uint8_t(40 + (variant * 11 + i * 7) % 48);
        n.velocity = std::uint8_t(30 + (i * 5 + variant) % 90);
        t.notes.push_back(n);
    }
    t.endTick = pm::midi::Tick(notes) * 48;
    f.tracks.push_back(t);
    return f;
}

void writePiece(const QString& path, int variant, int notes = 32) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QVERIFY(pm::midi::writeMidiFile(piece(variant, notes), path.toStdString()).ok());
}

// What a file manager's drag delivers.
void drop(QWidget* target, const QStringList& paths) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths) urls << QUrl::fromLocalFile(p);
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
}

}  // namespace

class TestDatasetPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        m_settings = std::make_unique<pm::app::AppSettings>(m_dir->filePath(QStringLiteral("s.ini")));
        m_settings->setDataFolder(m_dir->filePath(QStringLiteral("data")));
        m_engine = std::make_unique<pm::app::EngineController>();
        m_page = std::make_unique<DatasetPage>(m_engine.get(), m_settings.get());
        m_page->show();
    }

    void cleanup() {
        m_page.reset();
        m_engine.reset();
    }

    void dropOfFilesAndAFolderFillsTheReport() {
        const QString single = m_dir->filePath(QStringLiteral("loose/one.mid"));
        writePiece(single, 1);
        for (int i = 0; i < 4; ++i) writePiece(m_dir->filePath(QStringLiteral("folder/sub/p%1.mid").arg(i)), 10 + i);
        QFile bad(m_dir->filePath(QStringLiteral("folder/broken.mid")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("MThd nonsense");
        bad.close();

        QSignalSpy done(m_page.get(), &DatasetPage::buildFinished);
        drop(m_page.get(), {single, m_dir->filePath(QStringLiteral("folder"))});
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(0).toBool(), true);
        auto* model = m_page->reportModel();
        QCOMPARE(model->rowCount(), 6);
        int rejected = 0, ok = 0;
        for (int r = 0; r < model->rowCount(); ++r) {
            const auto& report = model->report(r);
            rejected += report.status == pm::dataset::FileStatus::Rejected;
            ok += report.status == pm::dataset::FileStatus::Ok;
        }
        QCOMPARE(rejected, 1);
        QCOMPARE(ok, 5);
        QVERIFY(pm::dataset::looksLikeDataset(m_page->outputDirectory().toStdString()));
        QVERIFY(m_page->findChild<QLabel*>(QStringLiteral("datasetSummary"))->text().contains(QStringLiteral("5 pieces")));

        // Filtering and sorting work on the table.
        m_page->filterModel()->setFilterFixedString(QStringLiteral("broken"));
        QCOMPARE(m_page->filterModel()->rowCount(), 1);
        m_page->filterModel()->setFilterFixedString(QString());

        // A second drop extends the dataset, processing only the new file.
        const QString later = m_dir->filePath(QStringLiteral("later.mid"));
        writePiece(later, 99);
        drop(m_page.get(), {later});
        QVERIFY(done.wait(30000));
        QCOMPARE(model->rowCount(), 7);
        pm::dataset::Manifest manifest;
        QCOMPARE(QString::fromStdString(pm::dataset::loadManifest(m_page->outputDirectory().toStdString(), &manifest)), QString());
        QCOMPARE(int(manifest.stats.pieces), 6);
    }

    void previewShowsTheSelectedFile() {
        const QString file = m_dir->filePath(QStringLiteral("p.mid"));
        writePiece(file, 3);
        QSignalSpy done(m_page.get(), &DatasetPage::buildFinished);
        m_page->addInputs({file});
        QVERIFY(done.wait(30000));
        auto* table = m_page->findChild<QTableView*>(QStringLiteral("reportTable"));
        table->selectRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->preview()->noteCount(), 32, 5000);
    }

    void cancelLeavesNoPartialDataset() {
        // Pieces long enough that the build outlasts the queued progress signal's trip to this
        // thread (with 32-note pieces an idle machine finished all 1000 before the cancel).
        for (int i = 0; i < 1000; ++i) writePiece(m_dir->filePath(QStringLiteral("many/p%1.mid").arg(i)), i, 1500);
        QSignalSpy done(m_page.get(), &DatasetPage::buildFinished);
        QSignalSpy progress(m_engine.get(), &pm::app::EngineController::datasetProgress);
        m_page->addInputs({m_dir->filePath(QStringLiteral("many"))});
        QVERIFY(progress.wait(20000));
        QElapsedTimer t;
        t.start();
        m_page->cancelBuild();
        QVERIFY(done.wait(5000));
        QVERIFY2(t.elapsed() < 1000, qPrintable(QStringLiteral("cancel took %1 ms").arg(t.elapsed())));
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QVERIFY(!pm::dataset::looksLikeDataset(m_page->outputDirectory().toStdString()));
        // Nothing half-written either.
        QDir out(m_page->outputDirectory());
        QVERIFY(!out.exists() || out.entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    }

    void eventLoopStaysResponsiveDuringABuild() {
        // Many long pieces, so the build runs long enough to watch the GUI thread (after the
        // builder's serial parts were cut, 200 pieces of 4,000 notes took ~0.1 s on 2 idle cores).
        constexpr int kPieces = 600;
        for (int i = 0; i < kPieces; ++i) writePiece(m_dir->filePath(QStringLiteral("big/p%1.mid").arg(i)), i, 6000);
        QSignalSpy done(m_page.get(), &DatasetPage::buildFinished);
        QElapsedTimer sinceTick;
        qint64 worstGap = 0;
        int ticks = 0;
        QTimer timer;
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, this, [&] {
            if (ticks++ > 0) worstGap = std::max(worstGap, sinceTick.elapsed());
            sinceTick.restart();
        });
        sinceTick.start();
        timer.start();
        m_page->addInputs({m_dir->filePath(QStringLiteral("big"))});
        QVERIFY(done.wait(60000));
        timer.stop();
        QVERIFY2(ticks > 20, qPrintable(QStringLiteral("the build was too short to observe (%1 ticks)").arg(ticks)));
        QCOMPARE(m_page->reportModel()->rowCount(), kPieces);
        QVERIFY2(worstGap <= 50, qPrintable(QStringLiteral("event loop stalled %1 ms").arg(worstGap)));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<pm::app::AppSettings> m_settings;
    std::unique_ptr<pm::app::EngineController> m_engine;
    std::unique_ptr<DatasetPage> m_page;
};

QTEST_MAIN(TestDatasetPage)
#include "tst_dataset_page.moc"
