// The Report page offscreen with two tiny random models on the small synthetic dataset: the report
// runs on the report lane, its charts hold the report's numbers (the histogram's reference bars
// recomputed here from the pieces' own features), a continuation plays through a recording
// output, and Save writes JSON that parses back to the report's numbers plus one PNG per chart.
// Cancel ends a running report; a model with another tokenizer and a dataset without validation
// pieces end with their message and leave the page usable. The translated words cover the whole
// feature registry.
// LibTorch first (page_fixtures.h): Qt's `slots` macro must not be defined while its headers are read.
#include "page_fixtures.h"

#include "analysis/music_features.h"
#include "analysis/originality.h"
#include "pages/report_page.h"
#include "playback/playback_fakes.h"
#include "playback/player.h"
#include "report_view/report_text.h"
#include "worker/engine_controller.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

using pm::app::ReportPage;

namespace {

// Forwards to a recorder the test keeps (the player owns the output it opens).
class ForwardingOutput : public pm::play::MidiOutput {
public:
    explicit ForwardingOutput(std::shared_ptr<pm::play::FakeMidiOutput> to) : to_(std::move(to)) {}
    bool send(const pm::play::MidiMessage& m) override { return to_->send(m); }
    std::string name() const override { return to_->name(); }

private:
    std::shared_ptr<pm::play::FakeMidiOutput> to_;
};

int noteOns(const pm::play::FakeMidiOutput& out) {
    int n = 0;
    for (const auto& r : out.recorded())
        if (r.message.status() == 0x90 && r.message.bytes[2] > 0) ++n;
    return n;
}

int notesIn(const pm::midi::MidiFile& file) {
    int n = 0;
    for (const auto& t : file.tracks) n += int(t.notes.size());
    return n;
}

// The values of one bar series, by key.
QMap<double, double> barValues(QCustomPlot* plot, int series) {
    QMap<double, double> values;
    auto* bars = qobject_cast<QCPBars*>(plot->plottable(series));
    if (!bars) return values;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) values.insert(it->key, it->value);
    return values;
}

}  // namespace

class TestReportPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const std::string built = pm::test::buildSmallDataset(m_dir.path());
        QVERIFY2(built.empty(), built.c_str());
        m_dataset = m_dir.filePath(QStringLiteral("dataset"));
        m_modelA = m_dir.filePath(QStringLiteral("a.safetensors"));
        m_modelB = m_dir.filePath(QStringLiteral("b.safetensors"));
        pm::test::saveTinyModel(m_modelA, 1, 3);
        pm::test::saveTinyModel(m_modelB, 1, 7);

        // Three 100-bar pieces (one for validation): work enough (~4 s with the 1-layer model) that
        // Cancel always finds the report still generating.
        const QString longMidi = m_dir.filePath(QStringLiteral("long-midi"));
        QVERIFY(QDir().mkpath(longMidi));
        for (int v = 0; v < 3; ++v)
            QVERIFY(pm::midi::writeMidiFile(pm::test::quarterNotePiece(v, 400), QDir(longMidi).filePath(QStringLiteral("long%1.mid").arg(v)).toStdString()).ok());
        pm::dataset::BuildRequest request;
        request.inputs = {longMidi.toStdString()};
        request.outputDir = m_dir.filePath(QStringLiteral("long-dataset")).toStdString();
        request.options.validationFraction = 0.34;
        request.threads = 1;
        const auto longBuilt = pm::dataset::buildDataset(request, pm::dataset::makePieceTokenizer(std::make_shared<const pm::tok::Tokenizer>()));
        QVERIFY2(longBuilt.ok, longBuilt.error.c_str());
        m_longDataset = QString::fromStdString(request.outputDir);
    }

    void reportRendersPlaysAndSaves() {
        pm::app::EngineController engine;
        ReportPage page(&engine, nullptr);
        page.resize(1000, 800);
        page.show();
        fill(page, m_modelA, m_modelB, m_dataset, 3);
        QSignalSpy done(&page, &ReportPage::reportDone);
        QSignalSpy progress(&engine, &pm::app::EngineController::reportProgress);
        auto* run = page.findChild<QPushButton*>(QStringLiteral("runReportButton"));
        QVERIFY(run->isEnabled());
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(page.reportJob() != 0);
        QVERIFY(!run->isEnabled());
        QVERIFY(done.wait(60000));
        QVERIFY2(done.takeFirst().at(0).toBool(), qPrintable(page.statusText()));
        QVERIFY(progress.count() >= 4);   // reading, indexing, scoring and generating stages at least
        QVERIFY(run->isEnabled());

        const pm::report::ModelReport* report = page.report();
        QVERIFY(report);
        QCOMPARE(report->models.size(), std::size_t(2));
        QCOMPARE(report->request.samples, 3);
        QCOMPARE(report->request.seed, std::uint64_t(5));
        QVERIFY(!report->prompts.empty());
        for (const auto& m : report->models) QCOMPARE(m.samples.size(), report->prompts.size());

        // Bits per note in the table, one row per model.
        auto* bits = page.findChild<QTableWidget*>(QStringLiteral("bitsTable"));
        QCOMPARE(bits->rowCount(), 2);
        for (int row = 0; row < 2; ++row)
            QCOMPARE(QLocale().toDouble(bits->item(row, 1)->text()), std::round(report->models[std::size_t(row)].bitsPerNote * 1000) / 1000);

        // The overlap chart: one series per model, one bar per measured feature, at its overlap.
        QCustomPlot* overlaps = page.overlapPlot();
        QCOMPARE(overlaps->plottableCount(), 2);
        for (int m = 0; m < 2; ++m) {
            const auto values = barValues(overlaps, m);
            const auto& scalars = report->models[std::size_t(m)].comparison.scalars;
            QCOMPARE(scalars.size(), pm::analysis::scalarFeatures().size());
            int valid = 0;
            for (std::size_t f = 0; f < scalars.size(); ++f) {
                if (!scalars[f].valid) {
                    QVERIFY(!values.contains(double(f + 1)));
                    continue;
                }
                ++valid;
                QCOMPARE(values.value(double(f + 1)), scalars[f].overlap);
            }
            QCOMPARE(values.size(), valid);
        }
        QCOMPARE(page.distancePlot()->plottableCount(), 2);

        // The histogram chart: the user's music, A, B. The reference bars are the mean of the
        // pieces' own pitch-class histograms (the prompts' true continuations), computed here.
        auto* choice = page.findChild<QComboBox*>(QStringLiteral("histogramChoice"));
        QCOMPARE(choice->count(), int(pm::analysis::histogramFeatures().size()));
        const std::size_t pitchClasses = 0;
        QCOMPARE(QString::fromUtf8(pm::analysis::histogramFeatures()[pitchClasses].key), QStringLiteral("pitch_class_histogram"));
        page.showHistogram(int(pitchClasses));
        QCustomPlot* histogram = page.histogramPlot();
        QCOMPARE(histogram->plottableCount(), 3);
        std::vector<double> mean(12, 0.0);
        int withNotes = 0;
        for (const auto& p : report->prompts) {
            if (p.truthFeatures.notes == 0) continue;
            ++withNotes;
            for (int b = 0; b < 12; ++b) mean[std::size_t(b)] += p.truthFeatures.pitchClassHistogram[std::size_t(b)];
        }
        QVERIFY(withNotes > 0);
        const auto reference = barValues(histogram, 0);
        QCOMPARE(reference.size(), 12);
        double sum = 0;
        for (int b = 0; b < 12; ++b) {
            QVERIFY(std::abs(reference.value(b + 1) - mean[std::size_t(b)] / withNotes) < 1e-12);
            sum += reference.value(b + 1);
        }
        QVERIFY(std::abs(sum - 1.0) < 1e-9);
        // Another histogram from the selector: its own bins.
        const int velocities = choice->count() - 1;
        QCOMPARE(QString::fromUtf8(pm::analysis::histogramFeatures()[std::size_t(velocities)].key), QStringLiteral("velocity_histogram"));
        choice->setCurrentIndex(velocities);
        QCOMPARE(barValues(histogram, 0).size(), int(pm::analysis::velocityBinLabels().size()));

        // The continuations: the user's music, then each model's, each playable.
        auto* tree = page.findChild<QTreeWidget*>(QStringLiteral("sampleTree"));
        QCOMPARE(tree->topLevelItemCount(), 3);
        QCOMPARE(tree->topLevelItem(0)->childCount(), int(report->prompts.size()));
        QCOMPARE(tree->topLevelItem(2)->childCount(), int(report->models[1].samples.size()));
        for (std::size_t s = 0; s < report->models[0].samples.size(); ++s) {
            const auto& sample = report->models[0].samples[s];
            const QString shown = tree->topLevelItem(1)->child(int(s))->text(3);
            QCOMPARE(shown.isEmpty(), sample.copyWarning.empty());   // untrained noise copies nothing
        }
        pm::play::FakePlaybackClock clock;
        auto recorder = std::make_shared<pm::play::FakeMidiOutput>(&clock);
        page.setPlayer(std::make_unique<pm::play::Player>(
            &clock, [recorder](const std::string&, const std::string&, std::string*) { return std::make_unique<ForwardingOutput>(recorder); }));
        tree->setCurrentItem(tree->topLevelItem(1)->child(0));
        QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("playContinuation")), Qt::LeftButton);
        const int expected = notesIn(report->models[0].samples[0].file);
        QVERIFY(expected > 0);
        QTRY_COMPARE_WITH_TIMEOUT(noteOns(*recorder), expected, 10000);
        recorder->clear();
        // The fake clock back at 0: a scheduler started at a large fake time can compute a note's
        // position a rounding error short of its due time, and fake time only moves when asked.
        clock.set(0);
        QVERIFY(page.playSample(-1, 0));   // the piece's own continuation
        QTRY_COMPARE_WITH_TIMEOUT(noteOns(*recorder), notesIn(report->prompts[0].truth), 10000);
        page.stopPlayback();

        // Save: JSON with the report's numbers, and the charts as images.
        const QString json = m_dir.filePath(QStringLiteral("saved/report.json"));
        QDir().mkpath(QFileInfo(json).path());
        QVERIFY2(page.saveTo(json), qPrintable(page.statusText()));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const nlohmann::json j = nlohmann::json::parse(file.readAll().toStdString());
        QCOMPARE(j.at("format").get<std::string>(), std::string("pianomuse-model-report"));
        QCOMPARE(j.at("seed").get<std::uint64_t>(), std::uint64_t(5));
        QCOMPARE(j.at("prompt_bars").get<int>(), 2);
        QCOMPARE(j.at("continuation_bars").get<int>(), 2);
        QCOMPARE(j.at("dataset").get<std::string>(), m_dataset.toStdString());
        QCOMPARE(j.at("prompts").size(), report->prompts.size());
        QCOMPARE(j.at("models").size(), std::size_t(2));
        for (std::size_t m = 0; m < 2; ++m) {
            const auto& jm = j.at("models").at(m);
            const auto& rm = report->models[m];
            QCOMPARE(jm.at("path").get<std::string>(), rm.path);
            QCOMPARE(jm.at("val_bits_per_note").get<double>(), rm.bitsPerNote);
            QCOMPARE(jm.at("unigram_bits_per_note").get<double>(), rm.unigramBitsPerNote);
            QCOMPARE(jm.at("samples").size(), rm.samples.size());
            for (std::size_t s = 0; s < rm.samples.size(); ++s) {
                const auto& js = jm.at("samples").at(s);
                QCOMPARE(js.at("prompt").get<int>(), rm.samples[s].prompt);
                QCOMPARE(js.at("features").at("notes").get<std::size_t>(), rm.samples[s].features.notes);
                QCOMPARE(js.at("copy_warning").is_null(), rm.samples[s].copyWarning.empty());
            }
        }
        const QStringList saved = page.savedFiles();
        QCOMPARE(saved.size(), 1 + 2 + int(pm::analysis::histogramFeatures().size()));
        QCOMPARE(saved.first(), json);
        QVERIFY(saved.contains(m_dir.filePath(QStringLiteral("saved/report-overlaps.png"))));
        QVERIFY(saved.contains(m_dir.filePath(QStringLiteral("saved/report-histogram-velocity_histogram.png"))));
        for (int i = 1; i < saved.size(); ++i) {
            const QImage image(saved[i]);
            QVERIFY2(!image.isNull(), qPrintable(saved[i]));
            QCOMPARE(image.size(), QSize(1000, 560));
        }

        // A folder that cannot be made (its parent is a file): a message, no crash.
        const QString blocker = m_dir.filePath(QStringLiteral("a-file"));
        QFile touch(blocker);
        QVERIFY(touch.open(QIODevice::WriteOnly));
        touch.close();
        QVERIFY(!page.saveTo(blocker + QStringLiteral("/report.json")));
        QVERIFY2(page.statusText().startsWith(QStringLiteral("Cannot save the report to")), qPrintable(page.statusText()));
    }

    void cancelEndsARunningReport() {
        pm::app::EngineController engine;
        ReportPage page(&engine, nullptr);
        // 64 continuations of 32 bars each: far more work than the test waits for.
        fill(page, m_modelA, QString(), m_longDataset, 64);
        page.findChild<QSpinBox*>(QStringLiteral("reportContinuationBars"))->setValue(32);
        QSignalSpy done(&page, &ReportPage::reportDone);
        // Cancel (the button, as a user does) as soon as it generates: the token is read between
        // continuations and by the generator between tokens.
        QElapsedTimer timer;
        auto* cancel = page.findChild<QPushButton*>(QStringLiteral("cancelReportButton"));
        const auto connection = connect(&engine, &pm::app::EngineController::reportProgress, this,
                                        [&](quint64, const pm::report::ReportProgress& p) {
                                            if (timer.isValid() || p.stage.rfind("Generating", 0) != 0) return;
                                            timer.start();
                                            QVERIFY(cancel->isEnabled());
                                            QTest::mouseClick(cancel, Qt::LeftButton);
                                        });
        page.runReport();
        QVERIFY(page.reportJob() != 0);
        QVERIFY(done.wait(60000));
        disconnect(connection);
        QVERIFY(timer.isValid());
        QCOMPARE(done.takeFirst().at(0).toBool(), false);
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        qInfo("cancelled within %lld ms", timer.elapsed());
        QCOMPARE(page.statusText(), QStringLiteral("The report was cancelled."));
        QVERIFY(!page.report());
        QCOMPARE(page.reportJob(), quint64(0));
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("runReportButton"))->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(engine.jobs().isEmpty(), 5000);
    }

    void badInputsEndWithTheirMessage() {
        // A model whose tokenizer is not the dataset's (other velocity bins: other token ids).
        pm::tok::TokenizerConfig other;
        other.velocityBins = 16;
        const pm::tok::Tokenizer otherTokenizer(other);
        auto config = pm::model::Rwkv7Config::preset("tiny", std::int64_t(otherTokenizer.vocabulary().size()));
        config.nLayer = 1;
        pm::model::Rwkv7Model foreign(config);
        foreign->initWeights(5);
        const QString foreignPath = m_dir.filePath(QStringLiteral("foreign.safetensors"));
        pm::model::saveModel(foreign, foreignPath.toStdString(), otherTokenizer.configJson().dump());

        // A dataset without validation pieces: one piece (a split of two or more keeps one for validation).
        pm::dataset::BuildRequest request;
        request.inputs = {m_dir.filePath(QStringLiteral("midi/p0.mid")).toStdString()};
        request.outputDir = m_dir.filePath(QStringLiteral("no-validation")).toStdString();
        request.options.validationFraction = 0;
        request.threads = 1;
        const auto built = pm::dataset::buildDataset(request, pm::dataset::makePieceTokenizer(std::make_shared<const pm::tok::Tokenizer>()));
        QVERIFY2(built.ok, built.error.c_str());

        pm::app::EngineController engine;
        ReportPage page(&engine, nullptr);
        QSignalSpy done(&page, &ReportPage::reportDone);
        const struct {
            QString model, dataset, says;
        } cases[] = {
            {foreignPath, m_dataset, QStringLiteral("different tokenizer")},
            {m_modelA, QString::fromStdString(request.outputDir), QStringLiteral("no validation pieces")},
            {m_dir.filePath(QStringLiteral("missing.safetensors")), m_dataset, QStringLiteral("missing.safetensors")},
        };
        for (const auto& c : cases) {
            fill(page, c.model, QString(), c.dataset, 2);
            page.runReport();
            QVERIFY(done.wait(30000));
            QVERIFY2(!done.takeFirst().at(0).toBool(), qPrintable(c.model + QStringLiteral(": ") + page.statusText()));
            QVERIFY2(page.statusText().startsWith(QStringLiteral("The report failed: ")), qPrintable(page.statusText()));
            QVERIFY2(page.statusText().contains(c.says), qPrintable(page.statusText()));
            QVERIFY(!page.statusText().contains(QLatin1Char('\n')));
            QVERIFY(!page.report());
            QVERIFY(page.findChild<QPushButton*>(QStringLiteral("runReportButton"))->isEnabled());
            QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("saveReportButton"))->isEnabled());
        }
        // Nothing to save yet: said, not crashed.
        QVERIFY(!page.saveTo(m_dir.filePath(QStringLiteral("nothing.json"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("nothing.json"))));
    }

    void everyRegistryWordIsTranslatable() {
        // A feature added to the engine's registry without a translation fails here.
        QCOMPARE(pm::app::ReportText::untranslated(), QStringList());
        // The copy warning says what the engine's describePassage says (in English).
        pm::analysis::CopiedPassage p;
        p.fileBarFirst = 3;
        p.fileBarLast = 6;
        p.source = "pieces/Nocturne.mid";
        p.sourceBarFirst = 12;
        p.sourceBarLast = 15;
        QCOMPARE(pm::app::ReportText::copyWarning(p), QStringLiteral("bars 3–6 copy Nocturne.mid bars 12–15"));
        QCOMPARE(pm::app::ReportText::copyWarning(p), QString::fromStdString(pm::analysis::describePassage(p)));
        p.transposition = -2;
        p.sourceBarLast = 12;
        QCOMPARE(pm::app::ReportText::copyWarning(p), QStringLiteral("bars 3–6 copy Nocturne.mid bar 12, transposed -2"));
        QCOMPARE(pm::app::ReportText::copyWarning(p), QString::fromStdString(pm::analysis::describePassage(p)));
        p.transposition = 3;
        QCOMPARE(pm::app::ReportText::copyWarning(p), QString::fromStdString(pm::analysis::describePassage(p)));
    }

private:
    static void fill(ReportPage& page, const QString& a, const QString& b, const QString& dataset, int samples) {
        page.setModelA(a);
        page.setModelB(b);
        page.setDataset(dataset);
        page.findChild<QSpinBox*>(QStringLiteral("reportSamples"))->setValue(samples);
        page.findChild<QSpinBox*>(QStringLiteral("reportSeed"))->setValue(5);
        page.findChild<QSpinBox*>(QStringLiteral("reportPromptBars"))->setValue(2);
        page.findChild<QSpinBox*>(QStringLiteral("reportContinuationBars"))->setValue(2);
    }

    QTemporaryDir m_dir;
    QString m_dataset, m_longDataset, m_modelA, m_modelB;
};

QTEST_MAIN(TestReportPage)
#include "tst_report_page.moc"
