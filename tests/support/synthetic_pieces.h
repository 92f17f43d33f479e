// Seeded synthetic piano pieces for the originality tests and benchmark: a melody over an
// accompaniment (Alberti bass, block chords or broken chords) on a I-IV-V-vi harmony, in a
// random key, metre and tempo, on the tokenizer's default grid (24 steps per quarter). Not
// music anyone would keep, but with what makes copy detection hard in real music: the same
// accompaniment figures, scales and rhythms in many pieces. Our own integer generator (not
// <random>'s distributions, which differ between standard libraries), so a seed gives the same
// piece on every platform.
#pragma once

#include "analysis/note_sequence.h"
#include "midi/midi_file.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace pm::test {

class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % std::uint64_t(n)); }   // 0 .. n-1
    int range(int lo, int hi) { return lo + below(hi - lo + 1); } // lo .. hi

private:
    std::uint64_t state_;
};

struct SyntheticOptions {
    int minBars = 24, maxBars = 40;
    bool allowThreeFour = true;
};

// One piece: 4/4 (96 steps a bar) or 3/4 (72).
inline analysis::NoteSequence syntheticPiece(std::uint64_t seed, const SyntheticOptions& o = {}) {
    SplitMix rng(seed * 0x2545f4914f6cdd1dull + 17);
    analysis::NoteSequence s;
    s.stepsPerQuarter = 24;
    const int beats = o.allowThreeFour && rng.below(4) == 0 ? 3 : 4;
    const int barSteps = beats * 24;
    const int bars = rng.range(o.minBars, o.maxBars);
    const int tonic = rng.range(0, 11);
    static constexpr std::array<int, 7> kMajor{0, 2, 4, 5, 7, 9, 11}, kMinor{0, 2, 3, 5, 7, 8, 10};
    const auto& scale = rng.below(3) == 0 ? kMinor : kMajor;
    const auto pitchOf = [&](int degree, int octaveBase) {   // scale degree (any integer) above C of octaveBase
        const int oct = degree >= 0 ? degree / 7 : -((-degree + 6) / 7);
        const int d = degree - oct * 7;
        return octaveBase + 12 * oct + tonic + scale[std::size_t(d)];
    };
    // Rhythm cells for one beat of melody, in steps: quarter, two eighths, four sixteenths,
    // dotted eighth + sixteenth, eighth + two sixteenths, triplet eighths.
    static const std::vector<std::vector<int>> kCells{{24}, {12, 12}, {6, 6, 6, 6}, {18, 6}, {12, 6, 6}, {8, 8, 8}};
    static constexpr std::array<int, 8> kProgression{0, 3, 4, 0, 5, 3, 4, 0};   // I IV V I vi IV V I
    const int figure = rng.below(3);   // 0 Alberti, 1 block chords, 2 broken chord up
    int melody = rng.range(7, 11);     // degree around the octave above middle C
    const int velocityBase = rng.range(50, 80);
    for (int bar = 0; bar < bars; ++bar) {
        const std::int64_t start = std::int64_t(bar) * barSteps;
        s.barStarts.push_back(start);
        const int root = kProgression[std::size_t((bar + int(seed % 3)) % 8)];
        // Accompaniment an octave and more below middle C, clear of the melody.
        const std::array<int, 3> chord{pitchOf(root, 36), pitchOf(root + 2, 36), pitchOf(root + 4, 36)};
        for (int beat = 0; beat < beats; ++beat) {
            const std::int64_t b = start + beat * 24;
            const int v = velocityBase - 10;
            if (figure == 0) {   // Alberti: root fifth third fifth in eighths
                const std::array<int, 4> order{0, 2, 1, 2};
                for (int k = 0; k < 2; ++k) s.notes.push_back({b + 12 * k, 12, chord[std::size_t(order[std::size_t((beat * 2 + k) % 4)])], v});
            } else if (figure == 1) {
                for (int p : chord) s.notes.push_back({b, 24, p, v});
            } else {
                for (int k = 0; k < 3; ++k) s.notes.push_back({b + 8 * k, 8, chord[std::size_t(k)], v});
            }
        }
        // Melody: a rhythm cell per beat, a random walk on the scale.
        for (int beat = 0; beat < beats; ++beat) {
            std::int64_t at = start + beat * 24;
            for (int len : kCells[std::size_t(rng.below(int(kCells.size())))]) {
                melody = std::clamp(melody + rng.range(-2, 2), 3, 16);
                s.notes.push_back({at, len, pitchOf(melody, 60), velocityBase + rng.range(0, 20)});
                at += len;
            }
        }
    }
    s.end = std::int64_t(bars) * barSteps;
    std::sort(s.notes.begin(), s.notes.end(), [](const analysis::Note& a, const analysis::Note& b) {
        return a.onset != b.onset ? a.onset < b.onset : a.pitch != b.pitch ? a.pitch < b.pitch : a.duration < b.duration;
    });
    return s;
}

// Bars [from, from + count) of `source`, transposed, put in place of bars [at, at + count) of
// `into` (both with the same bar length); returns how many notes were planted.
inline std::size_t plantBars(const analysis::NoteSequence& source, std::size_t from, std::size_t count, int transpose,
                             analysis::NoteSequence& into, std::size_t at) {
    const std::int64_t sFrom = source.barStarts.at(from), sTo = from + count < source.bars() ? source.barStarts[from + count] : source.end;
    const std::int64_t iFrom = into.barStarts.at(at), iTo = at + count < into.bars() ? into.barStarts[at + count] : into.end;
    std::vector<analysis::Note> kept;
    for (const analysis::Note& n : into.notes)
        if (n.onset < iFrom || n.onset >= iTo) kept.push_back(n);
    std::size_t planted = 0;
    for (const analysis::Note& n : source.notes)
        if (n.onset >= sFrom && n.onset < sTo) {
            kept.push_back({n.onset - sFrom + iFrom, n.duration, n.pitch + transpose, n.velocity});
            ++planted;
        }
    std::sort(kept.begin(), kept.end(), [](const analysis::Note& a, const analysis::Note& b) {
        return a.onset != b.onset ? a.onset < b.onset : a.pitch != b.pitch ? a.pitch < b.pitch : a.duration < b.duration;
    });
    into.notes = std::move(kept);
    return planted;
}

// The piece as a one-track MIDI file (20 ticks per step, 120 BPM, its metre from the first
// bar's length), for tests that go through the tokenizer and a dataset.
inline midi::MidiFile toMidi(const analysis::NoteSequence& s) {
    constexpr midi::Tick kTicksPerStep = 20;
    midi::MidiFile f;
    f.format = 0;
    f.headerTrackCount = 1;
    f.division.ticksPerBeat = std::uint16_t(kTicksPerStep * std::uint64_t(s.stepsPerQuarter));
    f.tempos.push_back({0, midi::kDefaultTempo, 0});
    const std::int64_t barLen = s.bars() > 1 ? s.barStarts[1] - s.barStarts[0] : s.end - (s.bars() ? s.barStarts[0] : 0);
    midi::TimeSignature ts;
    ts.numerator = std::uint8_t(std::max<std::int64_t>(1, barLen / s.stepsPerQuarter));
    ts.denominatorPower = 2;
    f.timeSignatures.push_back(ts);
    midi::Track t;
    for (const analysis::Note& n : s.notes) {
        midi::Note m;
        m.start = midi::Tick(n.onset) * kTicksPerStep;
        m.end = midi::Tick(n.onset + n.duration) * kTicksPerStep;
        m.pitch = std::uint8_t(n.pitch);
        m.velocity = std::uint8_t(n.velocity);
        t.notes.push_back(m);
    }
    std::sort(t.notes.begin(), t.notes.end(), [](const midi::Note& a, const midi::Note& b) {
        return a.start != b.start ? a.start < b.start : a.pitch != b.pitch ? a.pitch < b.pitch : a.end < b.end;
    });
    t.endTick = midi::Tick(s.end) * kTicksPerStep;
    f.tracks.push_back(std::move(t));
    return f;
}

}  // namespace pm::test
