// Dragging a passage out of the piano roll (issue 17, "Into the DAW"): the drag's data holds a
// file URL of a .mid written with our writer and the same bytes as audio/midi, and our strict
// reader (engine/midi/midi_reader.h) accepts the file with the notes where they were, counted by
// hand: the model's part, a Shift-drag selection, everything. Live notes (the jam) grow, end and
// are taken back by group.
#include "midi/midi_reader.h"
#include "widgets/passage_drag_bar.h"
#include "widgets/piano_roll_widget.h"

#include <QApplication>
#include <QComboBox>
#include <QMouseEvent>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <memory>

using pm::app::PianoRollWidget;
using Passage = PianoRollWidget::Passage;
using Role = PianoRollWidget::NoteRole;

namespace {

// Reads what the drag carries: the file behind the URL (strictly) and checks that the raw bytes
// are the same file.
pm::midi::MidiFile readDragged(const QMimeData& mime) {
    const QList<QUrl> urls = mime.urls();
    if (urls.size() != 1 || !urls.front().isLocalFile()) {
        QTest::qFail("the drag holds no single file URL", __FILE__, __LINE__);
        return {};
    }
    const QString path = urls.front().toLocalFile();
    if (!path.endsWith(QLatin1String(".mid"))) QTest::qFail(qPrintable(path + QStringLiteral(" is not a .mid")), __FILE__, __LINE__);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) QTest::qFail(qPrintable(QStringLiteral("cannot open ") + path), __FILE__, __LINE__);
    const QByteArray bytes = file.readAll();
    if (bytes != mime.data(QStringLiteral("audio/midi"))) QTest::qFail("audio/midi differs from the file", __FILE__, __LINE__);
    pm::midi::ReadOptions strict;
    strict.mode = pm::midi::ReadMode::Strict;
    auto read = pm::midi::readMidiFile(path.toStdString(), strict);
    if (!read.ok()) {
        QTest::qFail(qPrintable(QString::fromStdString(read.error().toString())), __FILE__, __LINE__);
        return {};
    }
    return read.value();
}

struct Expected {
    pm::midi::Tick start, end;
    int pitch, velocity, channel;
};

bool sameNotes(const pm::midi::Track& track, const std::vector<Expected>& expected, QString* why) {
    if (track.notes.size() != expected.size()) {
        *why = QStringLiteral("%1 notes, expected %2").arg(track.notes.size()).arg(expected.size());
        return false;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& n = track.notes[i];
        const auto& e = expected[i];
        if (n.start != e.start || n.end != e.end || n.pitch != e.pitch || n.velocity != e.velocity || n.channel != e.channel) {
            *why = QStringLiteral("note %1: %2-%3 pitch %4 vel %5 ch %6, expected %7-%8 pitch %9 vel %10 ch %11")
                       .arg(i)
                       .arg(n.start)
                       .arg(n.end)
                       .arg(n.pitch)
                       .arg(n.velocity)
                       .arg(n.channel)
                       .arg(e.start)
                       .arg(e.end)
                       .arg(e.pitch)
                       .arg(e.velocity)
                       .arg(e.channel);
            return false;
        }
    }
    return true;
}

}  // namespace

class TestPianoRoll : public QObject {
    Q_OBJECT
private slots:
    void init() {
        m_roll = std::make_unique<PianoRollWidget>();
        m_roll->resize(800, 200);
        // 90 BPM in 3/4: a quarter is 2/3 s, a bar 2 s; 480 ticks a quarter = 720 ticks a second.
        m_roll->setTiming({90, 3, 4});
        // The prompt: four notes, 0.5 s apart, 0.25 s long.
        m_roll->setNotes({{0.0, 0.25, 60, 80}, {0.5, 0.75, 62, 81}, {1.0, 1.25, 64, 82}, {1.5, 1.75, 65, 83}}, 2.0);
        // The model: from 2.5 s (bar 2, 0.5 s in), three notes.
        m_roll->appendNotes({{2.5, 3.0, 67, 90}, {3.0, 3.5, 69, 91}, {4.25, 5.0, 71, 92}}, Role::Generated);
    }

    void theGeneratedPartIsAStrictMidiFileOnItsBar() {
        QString error;
        std::unique_ptr<QMimeData> mime(m_roll->passageMimeData(Passage::Generated, &error));
        QVERIFY2(mime, qPrintable(error));
        const pm::midi::MidiFile f = readDragged(*mime);
        QCOMPARE(f.format, std::uint16_t(0));
        QCOMPARE(f.division.ticksPerBeat, std::uint16_t(480));
        QCOMPARE(f.tempos.size(), std::size_t(1));
        QCOMPARE(f.tempos.front().usPerBeat, std::uint32_t(666667));   // 60e6 / 90, rounded
        QCOMPARE(f.timeSignatures.size(), std::size_t(1));
        QCOMPARE(int(f.timeSignatures.front().numerator), 3);
        QCOMPARE(int(f.timeSignatures.front().denominator()), 4);
        QCOMPARE(f.tracks.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(f.tracks[0].name.value_or("")), QStringLiteral("PianoMuse"));
        // Tick 0 is the bar line at 2.0 s: 2.5 s -> 0.5 * 720 = 360.
        QString why;
        QVERIFY2(sameNotes(f.tracks[0], {{360, 720, 67, 90, 1}, {720, 1080, 69, 91, 1}, {1620, 2160, 71, 92, 1}}, &why),
                 qPrintable(why));
    }

    void everythingHasTwoTracks() {
        QString error;
        std::unique_ptr<QMimeData> mime(m_roll->passageMimeData(Passage::All, &error));
        QVERIFY2(mime, qPrintable(error));
        const pm::midi::MidiFile f = readDragged(*mime);
        QCOMPARE(f.format, std::uint16_t(1));
        QCOMPARE(f.tracks.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(f.tracks[0].name.value_or("")), QStringLiteral("Prompt"));
        QString why;
        QVERIFY2(sameNotes(f.tracks[0], {{0, 180, 60, 80, 0}, {360, 540, 62, 81, 0}, {720, 900, 64, 82, 0}, {1080, 1260, 65, 83, 0}},
                           &why),
                 qPrintable(why));
        QVERIFY2(sameNotes(f.tracks[1], {{1800, 2160, 67, 90, 1}, {2160, 2520, 69, 91, 1}, {3060, 3600, 71, 92, 1}}, &why),
                 qPrintable(why));
    }

    void aShiftDragSelectsAndTheSelectionIsDragged() {
        m_roll->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_roll.get()));
        QSignalSpy changed(m_roll.get(), &PianoRollWidget::selectionChanged);
        // The roll fits 5 s into 800 px: 160 px a second. Shift-drag from 1.25 s to 3.25 s.
        QCOMPARE(m_roll->secondsAt(200), 1.25);
        QTest::mousePress(m_roll.get(), Qt::LeftButton, Qt::ShiftModifier, QPoint(200, 100));
        QTest::mouseMove(m_roll.get(), QPoint(360, 100));
        QMouseEvent move(QEvent::MouseMove, QPointF(520, 100), m_roll->mapToGlobal(QPointF(520, 100)), Qt::NoButton,
                         Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(m_roll.get(), &move);
        QTest::mouseRelease(m_roll.get(), Qt::LeftButton, Qt::ShiftModifier, QPoint(520, 100));
        QVERIFY(changed.count() >= 1);
        QVERIFY(m_roll->hasSelection());
        QCOMPARE(m_roll->selectionFrom(), 1.25);
        QCOMPARE(m_roll->selectionTo(), 3.25);

        QString error;
        std::unique_ptr<QMimeData> mime(m_roll->passageMimeData(Passage::Selection, &error));
        QVERIFY2(mime, qPrintable(error));
        const pm::midi::MidiFile f = readDragged(*mime);
        // Notes starting in [1.25, 3.25): the prompt's at 1.5, the model's at 2.5 and 3.0 (cut at
        // 3.25). Tick 0 at the bar line 0.0 s.
        QCOMPARE(f.tracks.size(), std::size_t(2));
        QString why;
        QVERIFY2(sameNotes(f.tracks[0], {{1080, 1260, 65, 83, 0}}, &why), qPrintable(why));
        QVERIFY2(sameNotes(f.tracks[1], {{1800, 2160, 67, 90, 1}, {2160, 2340, 69, 91, 1}}, &why), qPrintable(why));

        // The drag bar offers the selection now; a plain click outside it clears it and seeks.
        pm::app::PassageDragBar bar(m_roll.get(), QStringLiteral("part"), QStringLiteral("all"));
        m_roll->setSelection(1.0, 2.0);
        QCOMPARE(bar.passage(), Passage::Selection);
        QSignalSpy seek(m_roll.get(), &PianoRollWidget::seekRequested);
        QTest::mouseClick(m_roll.get(), Qt::LeftButton, {}, QPoint(720, 100));
        QVERIFY(!m_roll->hasSelection());
        QCOMPARE(seek.count(), 1);
        QCOMPARE(seek.takeFirst().at(0).toDouble(), 4.5);
    }

    void nothingToDragSaysSo() {
        PianoRollWidget empty;
        QString error;
        std::unique_ptr<QMimeData> mime(empty.passageMimeData(Passage::All, &error));
        QVERIFY(!mime);
        QVERIFY(!error.isEmpty());
        mime.reset(m_roll->passageMimeData(Passage::Selection, &error));   // no selection yet
        QVERIFY(!mime);
        QVERIFY(error.contains(QStringLiteral("Shift")));
    }

    void liveNotesGrowEndAndAreTakenBackByGroup() {
        PianoRollWidget roll;
        roll.setLiveTime(0);
        roll.startNote(Role::Player, 0.5, 60, 70);
        roll.startNote(Role::Player, 0.6, 64, 70);
        QVERIFY(roll.endNote(Role::Player, 1.0, 60));
        QVERIFY(!roll.endNote(Role::Generated, 1.0, 64));   // another role's key
        roll.startNote(Role::Generated, 2.0, 67, 90, 1);
        roll.startNote(Role::Generated, 2.0, 67, 80, 1);      // the same key twice: ended oldest first
        roll.startNote(Role::Generated, 5.0, 72, 90, 2);
        QCOMPARE(roll.soundingCount(), 4);
        QVERIFY(roll.endNote(Role::Generated, 2.5, 67));
        QCOMPARE(roll.soundingCount(), 3);
        roll.setLiveTime(6.0);
        // A sounding note is dragged as far as it has sounded.
        roll.setTiming({120, 4, 4});
        const pm::midi::MidiFile f = roll.passageFile(Passage::All);
        QCOMPARE(f.tracks.size(), std::size_t(2));
        QString why;
        // 960 ticks a second at 120 BPM; tick 0 at 0.0 s.
        QVERIFY2(sameNotes(f.tracks[0], {{480, 960, 60, 70, 0}, {576, 5760, 64, 70, 0}}, &why), qPrintable(why));
        QVERIFY2(sameNotes(f.tracks[1], {{1920, 2400, 67, 90, 1}, {1920, 5760, 67, 80, 1}, {4800, 5760, 72, 90, 1}}, &why),
                 qPrintable(why));
        QCOMPARE(roll.removeGroup(Role::Generated, 1), 2);
        QCOMPARE(roll.noteCount(Role::Generated), 1);
        QCOMPARE(roll.noteCount(Role::Player), 2);
        roll.endAllNotes(7.0);
        QCOMPARE(roll.soundingCount(), 0);
    }

private:
    std::unique_ptr<PianoRollWidget> m_roll;
};

QTEST_MAIN(TestPianoRoll)
#include "tst_piano_roll.moc"
