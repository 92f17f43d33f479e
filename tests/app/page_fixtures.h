// What the page tests share: a small synthetic piano dataset, a tiny untrained model, a prompt,
// and a probe of how long the GUI thread was kept from its event loop.
// Include it before any Qt header: it includes LibTorch, and Qt's `slots` macro must not be
// defined while LibTorch's headers are read.
#pragma once

#include "model/checkpoint_io.h"

#include "dataset/dataset_builder.h"
#include "dataset/piece_tokenizer.h"
#include "midi/midi_writer.h"
#include "tokenizer/tokenizer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QString>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

namespace pm::test {

// `notes` quarter notes at 120 bpm in 4/4, pitches and velocities spread by `variant` so that
// pieces differ (a dataset of copies would have nothing to validate on).
inline midi::MidiFile quarterNotePiece(int variant, int notes) {
    midi::MidiFile f;
    f.division.ticksPerBeat = 96;
    f.tempos.push_back({0, 500000, 0});
    f.timeSignatures.push_back({0, 4, 2, 24, 8, 0});
    midi::Track t;
    for (int i = 0; i < notes; ++i) {
        midi::Note n;
        n.start = midi::Tick(i) * 96;
        n.end = n.start + 80;
        n.pitch = std::uint8_t(48 + (variant * 5 + i * 7) % 36);
        n.velocity = std::uint8_t(40 + (i * 3 + variant) % 80);
        t.notes.push_back(n);
    }
    t.endTick = midi::Tick(notes) * 96;
    f.tracks.push_back(t);
    return f;
}

// Six 12-bar pieces in root/midi, built into the dataset root/dataset (30 % validation).
// Returns "" or what failed.
inline std::string buildSmallDataset(const QString& root) {
    const QString midiDir = QDir(root).filePath(QStringLiteral("midi"));
    QDir().mkpath(midiDir);
    for (int v = 0; v < 6; ++v) {
        const QString path = QDir(midiDir).filePath(QStringLiteral("p%1.mid").arg(v));
        if (!midi::writeMidiFile(quarterNotePiece(v, 48), path.toStdString()).ok()) return "cannot write " + path.toStdString();
    }
    dataset::BuildRequest req;
    req.inputs = {midiDir.toStdString()};
    req.outputDir = QDir(root).filePath(QStringLiteral("dataset")).toStdString();
    req.options.validationFraction = 0.3;
    req.threads = 1;
    const auto r = dataset::buildDataset(req, dataset::makePieceTokenizer(std::make_shared<const tok::Tokenizer>()));
    return r.ok ? std::string() : r.error;
}

// An untrained tiny-preset model with the default tokenizer, seeded: generation from it is
// noise, but real noise from the real generator.
inline void saveTinyModel(const QString& path, int layers = 0, std::uint64_t seed = 3) {
    tok::Tokenizer tokenizer;
    auto c = model::Rwkv7Config::preset("tiny", std::int64_t(tokenizer.vocabulary().size()));
    if (layers > 0) c.nLayer = layers;
    model::Rwkv7Model m(c);
    m->initWeights(seed);
    model::saveModel(m, path.toStdString(), tokenizer.configJson().dump());
}

// The largest gap between 5 ms timer ticks while `until` is false: how long the GUI thread was
// kept from its event loop.
inline qint64 longestStall(const std::function<bool()>& until, int timeoutMs) {
    QElapsedTimer total, gap;
    total.start();
    gap.start();
    qint64 worst = 0;
    QTimer tick;
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] { worst = std::max(worst, gap.restart()); });
    tick.start();
    while (!until() && total.elapsed() < timeoutMs) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return worst;
}

}  // namespace pm::test
