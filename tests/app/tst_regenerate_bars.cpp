// "Regenerate these bars" on the Generate page (issue 19), offscreen with a tiny random model: a
// Shift-drag on the roll selects whole bars (it snaps to the bar lines), the button and the roll's
// context-menu action regenerate them on the generation lane, the bars before and after keep every
// note (compared through exported files read back strictly), the new bars are the orange ones, and
// Undo brings the previous version back. Selecting the whole piece is refused with the engine's
// own message.
// LibTorch first (page_fixtures.h): Qt's `slots` macro must not be defined while its headers are read.
#include "page_fixtures.h"

#include "midi/midi_reader.h"
#include "pages/generate_page.h"
#include "settings/app_settings.h"
#include "widgets/piano_roll_widget.h"
#include "worker/engine_controller.h"

#include <QAction>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <tuple>

using pm::app::GeneratePage;
using pm::app::PianoRollWidget;

namespace {

struct Played {
    double start;
    int pitch, velocity;
    pm::midi::Tick startTick, endTick;
    bool operator==(const Played& o) const {
        return std::tie(startTick, endTick, pitch, velocity) == std::tie(o.startTick, o.endTick, o.pitch, o.velocity);
    }
};

// The notes of an exported file, read back with the strict reader.
std::vector<Played> notesOf(const QString& path) {
    const auto read = pm::midi::readMidiFile(path.toStdString(), {pm::midi::ReadMode::Strict, {}});
    if (!read.ok()) return {};
    std::vector<Played> out;
    for (const auto& track : read.value().tracks)
        for (const auto& n : track.notes) out.push_back({n.startSeconds, n.pitch, n.velocity, n.start, n.end});
    std::sort(out.begin(), out.end(), [](const Played& a, const Played& b) {
        return std::tie(a.startTick, a.pitch, a.endTick, a.velocity) < std::tie(b.startTick, b.pitch, b.endTick, b.velocity);
    });
    return out;
}

std::vector<Played> outside(const std::vector<Played>& notes, double from, double to) {
    std::vector<Played> out;
    for (const auto& n : notes)
        if (n.start < from - 1e-9 || n.start >= to - 1e-9) out.push_back(n);
    return out;
}

}  // namespace

class TestRegenerateBars : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("tiny.safetensors"));
        pm::test::saveTinyModel(m_model, 1);
        m_prompt = m_dir.filePath(QStringLiteral("prompt.mid"));
        QVERIFY(pm::midi::writeMidiFile(pm::test::quarterNotePiece(1, 16), m_prompt.toStdString()).ok());   // 4 bars
    }

    void selectedBarsAreRegeneratedAndUndone() {
        pm::app::EngineController engine;
        pm::app::AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")));
        GeneratePage page(&engine, &settings);
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.findChild<QLineEdit*>(QStringLiteral("modelPath"))->setText(m_model);
        page.findChild<QLineEdit*>(QStringLiteral("promptPath"))->setText(m_prompt);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("length"))->setValue(3);
        QSignalSpy done(&page, &GeneratePage::generationDone);
        page.startGeneration();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);

        PianoRollWidget* roll = page.pianoRoll();
        auto* button = page.findChild<QPushButton*>(QStringLiteral("regenerateBarsButton"));
        auto* action = page.findChild<QAction*>(QStringLiteral("regenerateBarsAction"));
        QVERIFY(button && action);
        QVERIFY(!button->accessibleName().isEmpty());
        QVERIFY(roll->actions().contains(action));   // on the roll's context menu
        QCOMPARE(roll->contextMenuPolicy(), Qt::ActionsContextMenu);
        QVERIFY(!button->isEnabled());   // nothing selected yet
        QVERIFY(!action->isEnabled());

        // 4 prompt bars of 4/4 plus what the model wrote; each starts where the last ends.
        const std::vector<double> bars = roll->barStarts();
        QVERIFY2(bars.size() >= 5, qPrintable(QString::number(bars.size())));
        QCOMPARE(bars[0], 0.0);
        for (std::size_t i = 1; i < 4; ++i) QVERIFY(std::abs((bars[i] - bars[i - 1]) - (bars[1] - bars[0])) < 1e-9);

        // Shift-drag from the middle of bar 2 to the middle of bar 3: the selection snaps to bars 2-3.
        const double xScale = roll->width() / std::max(roll->secondsAt(roll->width()), 1e-9);
        const auto xOf = [&](double seconds) { return int(std::lround(seconds * xScale)); };
        const int x1 = xOf((bars[1] + bars[2]) / 2), x2 = xOf((bars[2] + bars[3]) / 2);
        QTest::mousePress(roll, Qt::LeftButton, Qt::ShiftModifier, QPoint(x1, 50));
        QMouseEvent move(QEvent::MouseMove, QPointF(x2, 50), roll->mapToGlobal(QPointF(x2, 50)), Qt::NoButton, Qt::LeftButton,
                         Qt::ShiftModifier);
        QApplication::sendEvent(roll, &move);
        QTest::mouseRelease(roll, Qt::LeftButton, Qt::ShiftModifier, QPoint(x2, 50));
        QCOMPARE(roll->selectedBars(), std::make_pair(2, 3));
        QCOMPARE(roll->selectionFrom(), bars[1]);
        QCOMPARE(roll->selectionTo(), bars[3]);
        QVERIFY(button->isEnabled());
        QVERIFY(action->isEnabled());
        QCOMPARE(action->text(), QStringLiteral("Regenerate bars 2–3"));

        const QString before = m_dir.filePath(QStringLiteral("before.mid"));
        QVERIFY(page.exportTo(before));
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!button->isEnabled());   // while it runs
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        auto* status = page.findChild<QLabel*>(QStringLiteral("generateStatus"));
        QVERIFY2(status->text().startsWith(QStringLiteral("Bars 2–3 regenerated")), qPrintable(status->text()));
        QCOMPARE(roll->selectedBars(), std::make_pair(2, 3));   // still selected: press again for another take
        QCOMPARE(roll->barStarts().size(), bars.size());

        // Everything outside bars 2-3 is as it was; the orange notes are exactly those inside.
        const QString after = m_dir.filePath(QStringLiteral("after.mid"));
        QVERIFY(page.exportTo(after));
        const std::vector<Played> was = notesOf(before), now = notesOf(after);
        QVERIFY(!was.empty() && !now.empty());
        QVERIFY(outside(was, bars[1], bars[3]) == outside(now, bars[1], bars[3]));
        const int inside = int(now.size() - outside(now, bars[1], bars[3]).size());
        QVERIFY(inside >= 2);   // every regenerated bar gets a note
        QCOMPARE(roll->noteCount(PianoRollWidget::NoteRole::Generated), inside);

        // The context-menu action does the same; Undo twice gives the first piece back.
        action->trigger();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        page.undo();
        QVERIFY(done.wait(10000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        page.undo();
        QVERIFY(done.wait(10000));
        QCOMPARE(done.takeFirst().at(0).toBool(), true);
        const QString back = m_dir.filePath(QStringLiteral("back.mid"));
        QVERIFY(page.exportTo(back));
        QVERIFY(notesOf(back) == was);

        // The whole piece cannot be regenerated: the engine's reason, and no job.
        QVERIFY(roll->selectBars(1, int(roll->barStarts().size())));
        QVERIFY(!page.regenerateBars(1, int(roll->barStarts().size())));
        QVERIFY2(status->text().contains(QStringLiteral("whole piece")), qPrintable(status->text()));
        QCOMPARE(page.generationJob(), quint64(0));
    }

private:
    QTemporaryDir m_dir;
    QString m_model, m_prompt;
};

QTEST_MAIN(TestRegenerateBars)
#include "tst_regenerate_bars.moc"
