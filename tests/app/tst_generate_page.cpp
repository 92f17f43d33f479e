// The Generate page offscreen with a tiny random model: Generate streams notes onto the piano
// roll (prompt and continuation in their own roles), Continue adds to the piece, Undo goes
// back, Export writes a MIDI file our reader reads; a bad model file is a message. With a dataset
// open, a continuation that copies one of its training pieces gets a warning line.
// LibTorch first (page_fixtures.h): Qt's `slots` macro must not be defined while its headers are read.
#include "page_fixtures.h"

#include "midi/midi_reader.h"
#include "pages/generate_page.h"
#include "settings/app_settings.h"
#include "widgets/piano_roll_widget.h"
#include "worker/engine_controller.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>

using pm::app::GeneratePage;
using pm::app::PianoRollWidget;

class TestGeneratePage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("tiny.safetensors"));
        pm::test::saveTinyModel(m_model, 1);
        // A prompt: 4 bars of quarter notes.
        pm::midi::MidiFile f;
        f.division.ticksPerBeat = 96;
        f.tempos.push_back({0, 500000, 0});
        f.timeSignatures.push_back({0, 4, 2, 24, 8, 0});
        pm::midi::Track t;
        for (int i = 0; i < 16; ++i) {
            pm::midi::Note n;
            n.start = pm::midi::Tick(i) * 96;
            n.end = n.start + 90;
            n.pitch = std::uint8_t(60 + i % 12);
            n.velocity = 70;
            t.notes.push_back(n);
        }
        t.endTick = 16 * 96;
        f.tracks.push_back(t);
        m_prompt = m_dir.filePath(QStringLiteral("prompt.mid"));
        QVERIFY(pm::midi::writeMidiFile(f, m_prompt.toStdString()).ok());
    }

    void generateShowsNotesContinueUndoExport() {
        pm::app::EngineController engine;
        pm::app::AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")));
        GeneratePage page(&engine, &settings);
        page.resize(900, 700);
        page.show();
        page.findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(m_model);
        page.findChild<QLineEdit*>(QStringLiteral("promptPath"))->setText(m_prompt);
        QSignalSpy done(&page, &GeneratePage::generationDone);
        QSignalSpy chunks(&engine, &pm::app::EngineController::generationChunk);

        QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        QVERIFY(chunks.count() >= 1);
        PianoRollWidget* roll = page.pianoRoll();
        QCOMPARE(roll->noteCount(PianoRollWidget::NoteRole::Prompt), 16);   // the 4 prompt bars
        QVERIFY(roll->noteCount(PianoRollWidget::NoteRole::Generated) > 0);
        const int afterFirst = roll->noteCount();

        page.continueGeneration();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        QVERIFY(roll->noteCount() > afterFirst);
        QCOMPARE(roll->noteCount(PianoRollWidget::NoteRole::Prompt), afterFirst);   // the old piece is the prompt now

        page.undo();
        QVERIFY(done.wait(10000));
        QCOMPARE(roll->noteCount(), afterFirst);

        // A click on the roll sets where playback starts (stopped: only the playhead moves).
        QSignalSpy seeks(roll, &PianoRollWidget::seekRequested);
        const QPoint at(roll->width() / 2, roll->height() / 2);
        QTest::mouseClick(roll, Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(seeks.count(), 1);
        const double wanted = seeks.takeFirst().at(0).toDouble();
        QVERIFY(wanted > 0);
        QCOMPARE(wanted, roll->secondsAt(at.x()));
        QVERIFY(!page.isPlaying());
        QCOMPARE(page.playbackPosition(), wanted);
        QCOMPARE(roll->playhead(), wanted);
        page.seekTo(-5);   // never before the start
        QCOMPARE(page.playbackPosition(), 0.0);

        const QString out = m_dir.filePath(QStringLiteral("export.mid"));
        QVERIFY(page.exportTo(out));
        const auto back = pm::midi::readMidiFile(out.toStdString(), {pm::midi::ReadMode::Strict, {}});
        QVERIFY(back.ok());
        QCOMPARE(int(back.value().noteCount()), afterFirst);
    }

    void aDatasetPieceBecomesThePrompt() {
        // A one-piece dataset made from the prompt file: the list offers it, picking it fills
        // the prompt field with its source file.
        pm::dataset::BuildRequest request;
        request.inputs = {m_prompt.toStdString()};
        request.outputDir = m_dir.filePath(QStringLiteral("dataset")).toStdString();
        request.options.validationFraction = 0;
        const auto built = pm::dataset::buildDataset(request, pm::dataset::makePieceTokenizer(std::make_shared<pm::tok::Tokenizer>()));
        QVERIFY2(built.ok, built.error.c_str());

        pm::app::EngineController engine;
        GeneratePage page(&engine, nullptr);
        auto* list = page.findChild<QComboBox*>(QStringLiteral("datasetPiece"));
        QVERIFY(list);
        QVERIFY(!list->isEnabled());   // no dataset yet
        QCOMPARE(page.datasetPieceCount(), 0);
        page.setDataset(QString::fromStdString(request.outputDir));
        QVERIFY(list->isEnabled());
        QCOMPARE(page.datasetPieceCount(), 1);
        QVERIFY(page.chooseDatasetPiece(0));
        const QString chosen = page.findChild<QLineEdit*>(QStringLiteral("promptPath"))->text();
        QCOMPARE(QFileInfo(chosen).canonicalFilePath(), QFileInfo(m_prompt).canonicalFilePath());
        QCOMPARE(page.currentJob(false).promptPath, chosen.toStdString());
        QVERIFY(!page.chooseDatasetPiece(1));
        page.setDataset(m_dir.filePath(QStringLiteral("no-such-dataset")));
        QVERIFY(!list->isEnabled());
    }

    void theDemoEndsWithItsPieceOnThePage() {
        // "Try the demo" with a two-step training run: the page ends up with the demo's model,
        // prompt, dataset and piece (prompt notes, then the model's), ready to play.
        pm::app::EngineController engine;
        GeneratePage page(&engine, nullptr);
        QSignalSpy done(&page, &GeneratePage::generationDone);
        pm::DemoOptions options;
        options.device = "cpu";
        options.measureBlas = false;
        options.renderWav = false;
        options.trainSteps = 2;
        options.generateBars = 2;
        options.workDir = m_dir.filePath(QStringLiteral("demo")).toStdString();
        page.runDemo(options);
        QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("generateButton"))->isEnabled());   // busy
        QVERIFY(done.wait(180000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        PianoRollWidget* roll = page.pianoRoll();
        QVERIFY(roll->noteCount(PianoRollWidget::NoteRole::Prompt) > 0);
        QVERIFY(roll->noteCount(PianoRollWidget::NoteRole::Generated) > 0);
        const QString model = page.findChild<QLineEdit*>(QStringLiteral("modelPath"))->text();
        QVERIFY2(QFileInfo::exists(model) && model.endsWith(QStringLiteral(".safetensors")), qPrintable(model));
        QVERIFY(QFileInfo::exists(page.findChild<QLineEdit*>(QStringLiteral("promptPath"))->text()));
        QVERIFY(page.datasetPieceCount() > 0);
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("generateButton"))->isEnabled());
        const QString out = m_dir.filePath(QStringLiteral("demo-export.mid"));
        QVERIFY(page.exportTo(out));
    }

    void aContinuationThatCopiesTheDatasetIsFlagged() {
        // The generator is deterministic for a seed: a piece it wrote, made a training piece of
        // a dataset, is exactly what it writes again with that seed. The check on the generation
        // lane must flag that copy under the roll, naming the file; another seed copies nothing.
        pm::app::EngineController engine;
        GeneratePage page(&engine, nullptr);
        page.findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(m_model);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("length"))->setValue(8);   // bars
        page.findChild<QSpinBox*>(QStringLiteral("seed"))->setValue(11);
        QSignalSpy done(&page, &GeneratePage::generationDone);
        page.startGeneration();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        QCOMPARE(page.copyWarningText(), QString());   // no dataset open: nothing to compare with
        const QString folder = m_dir.filePath(QStringLiteral("copied"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(page.exportTo(QDir(folder).filePath(QStringLiteral("Nocturne.mid"))));

        pm::dataset::BuildRequest request;
        request.inputs = {folder.toStdString()};
        request.outputDir = m_dir.filePath(QStringLiteral("copied-dataset")).toStdString();
        request.options.validationFraction = 0;   // a training piece: what the model has seen
        const auto built = pm::dataset::buildDataset(request, pm::dataset::makePieceTokenizer(std::make_shared<pm::tok::Tokenizer>()));
        QVERIFY2(built.ok, built.error.c_str());
        page.setDataset(QString::fromStdString(request.outputDir));

        page.startGeneration();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        const QString warning = page.copyWarningText();
        QVERIFY2(warning.contains(QStringLiteral(" copy Nocturne.mid bars 1–")), qPrintable(warning));
        QVERIFY2(warning.startsWith(QStringLiteral("This continuation copies your music: bars 1–")), qPrintable(warning));
        auto* status = page.findChild<QLabel*>(QStringLiteral("generateStatus"));
        QVERIFY2(!status->text().contains(QStringLiteral("Not checked")), qPrintable(status->text()));

        page.findChild<QSpinBox*>(QStringLiteral("seed"))->setValue(12);
        page.startGeneration();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        QCOMPARE(page.copyWarningText(), QString());
        QVERIFY2(!status->text().contains(QStringLiteral("Not checked")), qPrintable(status->text()));
    }

    void badModelIsAMessage() {
        pm::app::EngineController engine;
        GeneratePage page(&engine, nullptr);
        page.findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(m_prompt);   // not a model
        QSignalSpy done(&page, &GeneratePage::generationDone);
        page.startGeneration();
        QVERIFY(done.wait(30000));
        QCOMPARE(done.takeFirst().at(0).toBool(), false);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("generateStatus"))->text().size() > 0);
        QVERIFY(!page.exportTo(m_dir.filePath(QStringLiteral("none.mid"))));
    }

private:
    QTemporaryDir m_dir;
    QString m_model, m_prompt;
};

QTEST_MAIN(TestGeneratePage)
#include "tst_generate_page.moc"
