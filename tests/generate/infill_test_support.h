// Infilling checks (issue 19), read from the written file, not from the engine's own structs:
// the result is written with the MIDI writer, read back with the strict reader, and compared with
// the original piece (decoded the same way) by hand-written loops.
#pragma once

#include "generate/infill.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace pm::test {

// A random piano piece: 4..12 bars of 4/4 (one bar of 3/4 somewhere), 1..5 notes per beat with
// durations from a 32nd to 3 bars (so notes ring across bar lines and across any gap), the pedal
// pressed and lifted now and then, a tempo change.
inline midi::MidiFile randomInfillPiece(std::mt19937& rng) {
    midi::MidiFile f;
    f.format = 0;
    f.division.ticksPerBeat = 480;
    f.tempos.push_back({0, 500000, 0});
    f.tracks.resize(1);
    const int bars = 4 + int(rng() % 9);
    const int waltzBar = int(rng() % std::uint32_t(bars));
    midi::Tick at = 0;
    bool pedal = false;
    for (int b = 0; b < bars; ++b) {
        const int beats = b == waltzBar ? 3 : 4;
        if (b == 0 || b == waltzBar || b == waltzBar + 1) {
            midi::TimeSignature ts;
            ts.tick = at;
            ts.numerator = std::uint8_t(beats);
            ts.denominatorPower = 2;
            f.timeSignatures.push_back(ts);
        }
        if (b == bars / 2) f.tempos.push_back({at, std::uint32_t(300000 + rng() % 700000), 0});
        for (int beat = 0; beat < beats; ++beat) {
            const midi::Tick beatAt = at + midi::Tick(beat) * 480;
            if (rng() % 3 == 0) {
                pedal = !pedal;
                f.tracks[0].sustain.push_back({beatAt + midi::Tick(rng() % 4) * 120, 0, std::uint8_t(pedal ? 127 : 0)});
            }
            const int notes = 1 + int(rng() % 5);
            for (int k = 0; k < notes; ++k) {
                midi::Note n;
                n.start = beatAt + midi::Tick(rng() % 4) * 120;
                static const midi::Tick lengths[] = {60, 120, 240, 480, 960, 1920, 5760};
                n.end = n.start + lengths[rng() % 7];
                n.pitch = std::uint8_t(36 + rng() % 50);
                n.velocity = std::uint8_t(20 + rng() % 100);
                f.tracks[0].notes.push_back(n);
            }
        }
        at += midi::Tick(beats) * 480;
    }
    if (pedal) f.tracks[0].sustain.push_back({at - 10, 0, 0});
    auto& notes = f.tracks[0].notes;
    std::sort(notes.begin(), notes.end(), [](const midi::Note& a, const midi::Note& b) { return std::tie(a.start, a.pitch) < std::tie(b.start, b.pitch); });
    // No two notes of one key overlapping in the source: a player's key goes down once at a time.
    notes.erase(std::unique(notes.begin(), notes.end(), [](const midi::Note& a, const midi::Note& b) { return a.start == b.start && a.pitch == b.pitch; }),
                notes.end());
    for (std::size_t i = 0; i < notes.size(); ++i)
        for (std::size_t j = i + 1; j < notes.size(); ++j)
            if (notes[j].pitch == notes[i].pitch && notes[j].start < notes[i].end) notes[i].end = std::max(notes[i].start + 30, notes[j].start);
    notes.erase(std::remove_if(notes.begin(), notes.end(), [](const midi::Note& n) { return n.end <= n.start; }), notes.end());
    midi::Tick last = at;
    for (const auto& n : notes) last = std::max(last, n.end);
    f.tracks[0].endTick = last;
    return f;
}

// The sustain pedal's state at `tick` (after the events at that tick).
inline bool pedalAt(const midi::MidiFile& f, midi::Tick tick) {
    bool down = false;
    midi::Tick when = -1;
    for (const auto& track : f.tracks)
        for (const midi::SustainEvent& e : track.sustain)
            if (e.tick <= tick && e.tick >= when) down = e.value >= 64, when = e.tick;
    return down;
}

inline std::uint32_t tempoAt(const midi::MidiFile& f, midi::Tick tick) {
    std::uint32_t us = 500000;
    for (const midi::TempoChange& t : f.tempos)
        if (t.tick <= tick) us = t.usPerBeat;
    return us;
}

inline std::vector<midi::Note> allNotes(const midi::MidiFile& f) {
    std::vector<midi::Note> out;
    for (const auto& track : f.tracks) out.insert(out.end(), track.notes.begin(), track.notes.end());
    std::sort(out.begin(), out.end(), [](const midi::Note& a, const midi::Note& b) {
        return std::tie(a.start, a.pitch, a.end, a.velocity) < std::tie(b.start, b.pitch, b.end, b.velocity);
    });
    return out;
}

inline std::string noteText(const midi::Note& n) {
    std::ostringstream s;
    s << "key " << int(n.pitch) << " [" << n.start << ", " << n.end << ") vel " << int(n.velocity);
    return s.str();
}

// Every check an infill must pass. `decodedOriginal` is the piece the request was made of,
// decoded by the tokenizer (what the kept bars must still be). Both are judged as their written
// files: real pieces strike a key again now and then while it sounds (two voices on one key),
// which a MIDI file, one note per key and channel at a time, cannot keep overlapping.
inline void expectCleanInfill(const gen::InfillResult& r, const midi::MidiFile& decodedOriginal, const std::string& what) {
    ASSERT_TRUE(r.error.empty()) << what << ": " << r.error;
    EXPECT_EQ(r.stats.skipped, 0u) << what;
    EXPECT_TRUE(r.stats.clean()) << what;
    EXPECT_TRUE(r.stats.ended) << what;
    const auto asFile = [](const midi::MidiFile& f) {
        const auto bytes = midi::writeMidi(f);
        EXPECT_TRUE(bytes.ok()) << bytes.error().toString();
        return bytes.ok() ? midi::readMidi(bytes.value().data(), bytes.value().size(), {midi::ReadMode::Strict, {}})
                          : midi::readMidi(nullptr, 0, {midi::ReadMode::Strict, {}});   // an error the caller reports
    };
    const auto read = asFile(r.file);
    ASSERT_TRUE(read.ok()) << what << ": the strict reader refuses it: " << read.error().toString();
    const auto originalRead = asFile(decodedOriginal);
    ASSERT_TRUE(originalRead.ok()) << what << ": the original as a file: " << originalRead.error().toString();
    const midi::MidiFile& out = read.value();
    const midi::MidiFile& original = originalRead.value();
    ASSERT_EQ(out.division.ticksPerBeat, original.division.ticksPerBeat);
    const midi::Tick a = r.gapStartTick, b = r.gapEndTick;
    ASSERT_LT(a, b) << what;

    // The bars before and after the gap are the original's, note for note, at the same ticks.
    const std::vector<midi::Note> before = allNotes(original), after = allNotes(out);
    std::vector<midi::Note> keptBefore, keptAfter, fresh;
    for (const auto& n : before)
        if (n.start < a || n.start >= b) keptBefore.push_back(n);
    for (const auto& n : after) {
        if (n.start < a || n.start >= b) keptAfter.push_back(n);
        else fresh.push_back(n);
    }
    ASSERT_EQ(keptAfter.size(), keptBefore.size()) << what;
    for (std::size_t i = 0; i < keptBefore.size(); ++i)
        ASSERT_TRUE(keptAfter[i].start == keptBefore[i].start && keptAfter[i].end == keptBefore[i].end &&
                    keptAfter[i].pitch == keptBefore[i].pitch && keptAfter[i].velocity == keptBefore[i].velocity)
            << what << ": kept note " << noteText(keptBefore[i]) << " became " << noteText(keptAfter[i]) << " (gap ticks [" << a
            << ", " << b << "))";
    EXPECT_EQ(r.stats.notes, after.size());

    // At the seams: no new note overlaps a kept note of its key (the source has no such overlaps,
    // so "beyond what the original had" is: none at all), and none rings past the end.
    const midi::Tick end = out.tracks[0].endTick;
    EXPECT_EQ(end, original.tracks[0].endTick) << what << ": the piece keeps its length";
    for (const auto& m : fresh) {
        EXPECT_LE(m.end, end) << what << ": " << noteText(m) << " hangs past the end";
        for (const auto& k : keptBefore)
            if (k.pitch == m.pitch && m.start < k.end && k.start < m.end)
                ADD_FAILURE() << what << ": new " << noteText(m) << " overlaps kept " << noteText(k);
    }
    EXPECT_EQ(r.seamOverlaps, 0u) << what;

    // The pedal, tempo and metre: as the original's before the gap and from its end on (inside the
    // gap, the pedal at its first bar line included, they are the model's).
    EXPECT_EQ(pedalAt(out, a - 1), pedalAt(original, a - 1)) << what << ": pedal before the gap";
    std::vector<midi::Tick> ticks = {b};
    for (const auto* f : {&out, &original})
        for (const auto& e : f->tracks[0].sustain)
            if (e.tick >= b) ticks.push_back(e.tick);
    for (midi::Tick t : ticks) EXPECT_EQ(pedalAt(out, t), pedalAt(original, t)) << what << ": pedal at tick " << t;
    for (const auto* f : {&out, &original})
        for (const auto& e : f->tempos) {
            if (e.tick >= b) {
                EXPECT_EQ(tempoAt(out, e.tick), tempoAt(original, e.tick)) << what << ": tempo at " << e.tick;
            }
        }
    if (b < end) {
        EXPECT_EQ(tempoAt(out, b), tempoAt(original, b)) << what;
    }
    // The gap keeps the tempo of its start: no tempo change inside it.
    for (const auto& e : out.tempos) {
        EXPECT_FALSE(e.tick > a && e.tick < b) << what << ": tempo change at " << e.tick;
    }
    auto metreAt = [](const midi::MidiFile& f, midi::Tick tick) {
        int n = 4, d = 2;
        for (const auto& ts : f.timeSignatures)
            if (ts.tick <= tick) n = ts.numerator, d = ts.denominatorPower;
        return std::make_pair(n, d);
    };
    for (const auto* f : {&out, &original})
        for (const auto& ts : f->timeSignatures) EXPECT_EQ(metreAt(out, ts.tick), metreAt(original, ts.tick)) << what << ": metre at " << ts.tick;
}

}  // namespace pm::test
