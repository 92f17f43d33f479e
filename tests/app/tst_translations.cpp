// German and Simplified Chinese are complete: every source string in the code has a finished,
// non-empty translation (checked against a fresh lupdate scan), and the compiled translations
// load and change what the user reads.
#include "translation_loader.h"

#include "playback/midi_ports.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct TsMessage {
    QString context, source;
    bool finished = false;
};

QList<TsMessage> readTs(const QString& path) {
    QList<TsMessage> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return messages;
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage current;
    bool inMessage = false;
    bool anyText = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("name") && !inMessage) context = xml.readElementText();
            else if (name == QLatin1String("message")) { inMessage = true; current = {context, {}, true}; anyText = false; }
            else if (name == QLatin1String("source")) current.source = xml.readElementText();
            else if (name == QLatin1String("translation")) {
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                if (type == QLatin1String("unfinished") || type == QLatin1String("vanished")
                    || type == QLatin1String("obsolete"))
                    current.finished = false;
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                anyText = !text.trimmed().isEmpty();
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            current.finished = current.finished && anyText;
            messages.append(current);
            inMessage = false;
        }
    }
    return messages;
}

const QString kSource = QStringLiteral(PIANOMUSE_SOURCE_DIR);

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void tsFilesCoverEveryStringInTheCode_data() {
        QTest::addColumn<QString>("ts");
        QTest::newRow("de") << QStringLiteral("pianomuse_de.ts");
        QTest::newRow("zh_CN") << QStringLiteral("pianomuse_zh_CN.ts");
    }

    void tsFilesCoverEveryStringInTheCode() {
        QFETCH(QString, ts);
        const QString committed = kSource + QStringLiteral("/translations/") + ts;
        const QList<TsMessage> messages = readTs(committed);
        QVERIFY2(messages.size() > 30, qPrintable(committed));
        for (const TsMessage& m : messages)
            QVERIFY2(m.finished, qPrintable(QStringLiteral("%1: untranslated: %2::%3").arg(ts, m.context, m.source)));

        // Scan the code now, the way the build does, into a scratch copy.
        QTemporaryDir dir;
        const QString scratch = dir.filePath(ts);
        QVERIFY(QFile::copy(committed, scratch));
        QFile::setPermissions(scratch, QFile::ReadOwner | QFile::WriteOwner);
        QProcess lupdate;
        lupdate.start(QStringLiteral(PIANOMUSE_LUPDATE),
                      {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"), QStringLiteral("none"),
                       kSource + QStringLiteral("/app"), QStringLiteral("-ts"), scratch});
        QVERIFY(lupdate.waitForFinished(60000));
        QCOMPARE(lupdate.exitCode(), 0);
        for (const TsMessage& m : readTs(scratch))
            QVERIFY2(m.finished, qPrintable(QStringLiteral("%1: string in the code without translation: %2::%3")
                                                .arg(ts, m.context, m.source)));
    }

    void germanIsInstalledAndUsed() {
        const QString installed = pm::app::installTranslations(QCoreApplication::instance(), QStringLiteral("de"));
        QVERIFY2(installed.startsWith(QLatin1String("de")), qPrintable(installed));
        QCOMPARE(QCoreApplication::translate("pm::app::DatasetPage", "Dataset"), QStringLiteral("Datensatz"));
        QCOMPARE(QCoreApplication::translate("pm::app::MainWindow", "Device: CPU, %1 threads"),
                 QStringLiteral("Gerät: CPU, %1 Threads"));
        // The Jam page translates the engine's own "no inputs" sentence (kept word for word).
        QVERIFY(QCoreApplication::translate("pm::app::JamPage", pm::noMidiInputsMessage().c_str())
                    .startsWith(QStringLiteral("keine MIDI-Eingänge")));
    }

    void chineseIsInstalledAndUsed() {
        const QString installed = pm::app::installTranslations(QCoreApplication::instance(), QStringLiteral("zh_CN"));
        QCOMPARE(installed, QStringLiteral("zh_CN"));
        QCOMPARE(QCoreApplication::translate("pm::app::TrainPage", "Train"), QStringLiteral("训练"));
    }

    void unknownLanguageFallsBackToEnglish() {
        QCOMPARE(pm::app::installTranslations(QCoreApplication::instance(), QStringLiteral("xx")), QString());
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
