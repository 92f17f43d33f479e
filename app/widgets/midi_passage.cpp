#include "widgets/midi_passage.h"

#include "midi/midi_writer.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace pm::app {

namespace {

constexpr int kTicksPerQuarter = 480;

}  // namespace

pm::midi::MidiFile passageFile(const std::vector<PassageNote>& notes, double from, double to, const PassageTiming& timing,
                               const QString& firstTrackName) {
    pm::midi::MidiFile f;
    f.division.ticksPerBeat = kTicksPerQuarter;
    const double bpm = std::clamp(timing.bpm, 1.0, 1000.0);
    f.tempos.push_back({0, std::uint32_t(std::lround(60e6 / bpm)), 0});
    int power = 0;
    while ((1 << power) < timing.metreDenominator && power < 7) ++power;
    f.timeSignatures.push_back({0, std::uint8_t(std::clamp(timing.metreNumerator, 1, 255)), std::uint8_t(power), 24, 8, 0});

    const double bar = timing.barSeconds();
    const double origin = bar > 0 ? std::floor(std::max(0.0, from) / bar + 1e-9) * bar : 0.0;
    const double ticksPerSecond = kTicksPerQuarter * bpm / 60.0;
    auto tick = [&](double t) { return pm::midi::Tick(std::max<std::int64_t>(0, std::llround((t - origin) * ticksPerSecond))); };

    pm::midi::Track tracks[2];
    tracks[0].name = firstTrackName.toStdString();
    tracks[1].name = std::string("PianoMuse");
    pm::midi::Tick last = 0;
    for (const PassageNote& n : notes) {
        if (n.start < from - 1e-9 || n.start >= to) continue;
        pm::midi::Note m;
        m.start = tick(n.start);
        m.end = std::max(m.start, tick(std::min(n.end, to)));
        m.pitch = std::uint8_t(std::clamp(n.pitch, 0, 127));
        m.velocity = std::uint8_t(std::clamp(n.velocity, 1, 127));
        m.channel = std::uint8_t(n.track == 1 ? 1 : 0);
        tracks[n.track == 1 ? 1 : 0].notes.push_back(m);
        last = std::max(last, m.end);
    }
    for (pm::midi::Track& t : tracks) {
        std::sort(t.notes.begin(), t.notes.end(), [](const pm::midi::Note& a, const pm::midi::Note& b) {
            return std::tie(a.start, a.pitch, a.channel, a.end, a.velocity) < std::tie(b.start, b.pitch, b.channel, b.end, b.velocity);
        });
        t.endTick = last;
        if (!t.notes.empty()) f.tracks.push_back(t);
    }
    if (f.tracks.empty()) {   // nothing in the passage: an empty track, still a valid file
        tracks[0].notes.clear();
        f.tracks.push_back(tracks[0]);
    }
    f.format = f.tracks.size() > 1 ? 1 : 0;
    return f;
}

QString midiDragFolder() { return QDir(QDir::tempPath()).filePath(QStringLiteral("pianomuse-drag")); }

QMimeData* midiMimeData(const pm::midi::MidiFile& file, const QString& baseName, QString* error) {
    const auto bytes = pm::midi::writeMidi(file);
    if (!bytes.ok()) {
        *error = QString::fromStdString(bytes.error().toString());
        return nullptr;
    }
    QDir folder(midiDragFolder());
    if (!folder.mkpath(QStringLiteral("."))) {
        *error = QObject::tr("cannot create %1").arg(QDir::toNativeSeparators(folder.path()));
        return nullptr;
    }
    // A DAW may read the file some time after the drop, so files stay a day; older ones go now.
    const QDateTime dayAgo = QDateTime::currentDateTime().addDays(-1);
    for (const QFileInfo& old : folder.entryInfoList({QStringLiteral("*.mid")}, QDir::Files))
        if (old.lastModified() < dayAgo) QFile::remove(old.absoluteFilePath());
    // The name is what the DAW's clip or the file manager's copy is called.
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    const QString path = folder.filePath(QStringLiteral("%1 %2.mid").arg(baseName, stamp));
    QFile out(path);
    const QByteArray data(reinterpret_cast<const char*>(bytes.value().data()), qsizetype(bytes.value().size()));
    if (!out.open(QIODevice::WriteOnly) || out.write(data) != data.size() || !out.flush()) {
        *error = QObject::tr("cannot write %1").arg(QDir::toNativeSeparators(path));
        return nullptr;
    }
    out.close();
    auto* mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(path)});
    mime->setData(QString::fromLatin1(kMidiMimeType), data);
    return mime;
}

}  // namespace pm::app
