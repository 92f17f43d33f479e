// Helpers for the tokenizer tests: hand-built MIDI files, a random walk through the grammar,
// and note matching with the round trip's stated bounds.
#pragma once

#include "tokenizer/tokenizer.h"
#include "tokenizer/value_bins.h"

#include "midi/midi_file.h"
#include "midi/tempo_map.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace pm::test {

inline std::string tokenizerDataDir() { return std::string(PIANOMUSE_TEST_DATA_DIR); }

// A one-track PPQ file built note by note; build() fills seconds and the track end.
class MidiBuilder {
public:
    explicit MidiBuilder(std::uint16_t ticksPerBeat = 480) {
        file_.format = 1;
        file_.division.ticksPerBeat = ticksPerBeat;
        file_.tracks.emplace_back();
    }
    MidiBuilder& note(midi::Tick start, midi::Tick end, int pitch, int velocity = 80, int channel = 0) {
        midi::Note n;
        n.start = start;
        n.end = end;
        n.pitch = std::uint8_t(pitch);
        n.velocity = std::uint8_t(velocity);
        n.channel = std::uint8_t(channel);
        file_.tracks[0].notes.push_back(n);
        return *this;
    }
    MidiBuilder& pedal(midi::Tick tick, bool down, int channel = 0) {
        file_.tracks[0].sustain.push_back({tick, std::uint8_t(channel), std::uint8_t(down ? 127 : 0)});
        return *this;
    }
    MidiBuilder& tempo(midi::Tick tick, double bpm) {
        file_.tempos.push_back({tick, std::uint32_t(std::lround(60e6 / bpm)), 0});
        return *this;
    }
    MidiBuilder& metre(midi::Tick tick, int numerator, int denominatorPower) {
        midi::TimeSignature ts;
        ts.tick = tick;
        ts.numerator = std::uint8_t(numerator);
        ts.denominatorPower = std::uint8_t(denominatorPower);
        file_.timeSignatures.push_back(ts);
        return *this;
    }
    MidiBuilder& program(midi::Tick tick, int channel, int program) {
        file_.tracks[0].programs.push_back({tick, std::uint8_t(channel), std::uint8_t(program)});
        return *this;
    }
    MidiBuilder& end(midi::Tick tick) {
        end_ = tick;
        return *this;
    }
    midi::MidiFile build() const {
        midi::MidiFile f = file_;
        midi::Track& t = f.tracks[0];
        std::sort(t.notes.begin(), t.notes.end(), [](const midi::Note& a, const midi::Note& b) {
            return std::tie(a.start, a.pitch, a.channel, a.end, a.velocity) < std::tie(b.start, b.pitch, b.channel, b.end, b.velocity);
        });
        midi::Tick last = end_;
        for (const auto& n : t.notes) last = std::max(last, n.end);
        t.endTick = last;
        const midi::TempoMap map(f.division, f.tempos);
        for (auto& n : t.notes) {
            n.startSeconds = map.seconds(n.start);
            n.endSeconds = map.seconds(n.end);
        }
        f.durationSeconds = map.seconds(last);
        return f;
    }

private:
    midi::MidiFile file_;
    midi::Tick end_ = 0;
};

// A random grammar-valid sequence: at each step a uniformly chosen allowed range, then a
// uniformly chosen id in it (uniform over ids would almost never pick Bar or EOS). After
// `targetLength` tokens it heads for the end: EOS when allowed, else Bar.
inline std::vector<tok::TokenId> randomGrammarSequence(const tok::Tokenizer& tokenizer, std::mt19937& rng,
                                                       std::size_t targetLength) {
    tok::Grammar grammar = tokenizer.grammar();
    const tok::Vocabulary& v = tokenizer.vocabulary();
    std::vector<tok::TokenId> ids;
    while (!grammar.finished()) {
        const tok::AllowedTokens allowed = grammar.allowed();
        if (allowed.empty()) break;   // a dead end would be a grammar bug; the caller's checks catch it
        tok::TokenId id;
        if (ids.size() >= targetLength && grammar.canEnd()) {
            id = v.id(tok::TokenKind::Eos);
        } else if (ids.size() >= targetLength && grammar.accepts(v.id(tok::TokenKind::Bar))) {
            id = v.id(tok::TokenKind::Bar);
        } else {
            // Before the target length EOS is left out (unless it is all there is), else most
            // sequences would end after a few tokens; Bar is taken half as often as other ranges
            // so that bars fill up.
            const tok::TokenId eos = v.id(tok::TokenKind::Eos), bar = v.id(tok::TokenKind::Bar);
            std::vector<tok::TokenRange> ranges;
            for (const tok::TokenRange& r : allowed)
                if (!(r.begin == eos && allowed.count() > 1)) ranges.push_back(r);
            tok::TokenRange r = ranges[std::uniform_int_distribution<std::size_t>(0, ranges.size() - 1)(rng)];
            if (r.begin == bar && ranges.size() > 1 && rng() % 2)
                r = ranges[std::uniform_int_distribution<std::size_t>(0, ranges.size() - 1)(rng)];
            id = tok::TokenId(std::uniform_int_distribution<int>(r.begin, r.end - 1)(rng));
        }
        if (!grammar.advance(id)) break;
        ids.push_back(id);
        if (ids.size() > targetLength * 20 + 1000) break;   // a grammar that never lets the piece end
    }
    return ids;
}

// A note in quarter notes, for comparing files of different resolutions.
struct BeatNote {
    double onset = 0, duration = 0;
    int pitch = 0, velocity = 0;
};

inline std::vector<BeatNote> beatNotes(const midi::MidiFile& file, bool pianoOnly) {
    std::vector<BeatNote> out;
    const double tpb = std::max<double>(file.division.ticksPerBeat, 1);
    const bool smpte = file.division.kind == midi::Division::Kind::Smpte;
    for (const auto& t : file.tracks)
        for (const auto& n : t.notes) {
            if (pianoOnly && (n.channel == 9 || n.pitch < 21 || n.pitch > 108)) continue;
            BeatNote b;
            // SMPTE files are tokenized at 120 BPM: two quarter notes per second.
            b.onset = smpte ? n.startSeconds * 2 : double(n.start) / tpb;
            b.duration = smpte ? (n.endSeconds - n.startSeconds) * 2 : double(n.end - n.start) / tpb;
            b.pitch = n.pitch;
            b.velocity = std::max<int>(n.velocity, 1);
            out.push_back(b);
        }
    return out;
}

struct MatchResult {
    std::size_t expected = 0, decoded = 0, matched = 0;
    std::vector<double> onsetErrors;      // quarter notes, one per matched note
    std::vector<double> durationErrors;   // quarter notes
    std::vector<int> velocityErrors;
};

// Pairs each expected note with an unused decoded note of the same pitch whose onset is within
// `onsetTolerance` quarter notes, nearest first. Notes are matched per pitch in time order.
inline MatchResult matchNotes(std::vector<BeatNote> expected, std::vector<BeatNote> decoded, double onsetTolerance) {
    MatchResult r;
    r.expected = expected.size();
    r.decoded = decoded.size();
    auto order = [](const BeatNote& a, const BeatNote& b) {
        return std::tie(a.pitch, a.onset, a.velocity, a.duration) < std::tie(b.pitch, b.onset, b.velocity, b.duration);
    };
    std::sort(expected.begin(), expected.end(), order);
    std::sort(decoded.begin(), decoded.end(), order);
    std::vector<bool> used(decoded.size(), false);
    std::size_t from = 0;
    for (const BeatNote& e : expected) {
        while (from < decoded.size() && (decoded[from].pitch < e.pitch ||
                                         (decoded[from].pitch == e.pitch && decoded[from].onset < e.onset - onsetTolerance)))
            ++from;
        std::size_t best = decoded.size();
        double bestScore = 1e300;
        for (std::size_t i = from; i < decoded.size() && decoded[i].pitch == e.pitch &&
                                   decoded[i].onset <= e.onset + onsetTolerance; ++i) {
            if (used[i]) continue;
            // Nearest onset first; among equals the closest velocity and duration, so that
            // notes sharing pitch and onset pair up with their own values.
            const double score = std::abs(decoded[i].onset - e.onset) * 1e6 + std::abs(decoded[i].velocity - e.velocity) * 1e3 +
                                 std::abs(decoded[i].duration - e.duration);
            if (score < bestScore) {
                bestScore = score;
                best = i;
            }
        }
        if (best == decoded.size()) continue;
        used[best] = true;
        ++r.matched;
        r.onsetErrors.push_back(std::abs(decoded[best].onset - e.onset));
        r.durationErrors.push_back(std::abs(decoded[best].duration - e.duration));
        r.velocityErrors.push_back(std::abs(decoded[best].velocity - e.velocity));
    }
    return r;
}

inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}

inline std::vector<std::string> filesUnder(const std::string& dir, bool recursive = false) {
    std::vector<std::string> files;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return files;
    auto take = [&](const std::filesystem::directory_entry& e) {
        if (!e.is_regular_file()) return;
        std::string ext = e.path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (ext == ".mid" || ext == ".midi" || ext == ".kar" || ext == ".rmi") files.push_back(e.path().string());
    };
    if (recursive)
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) take(e);
    else
        for (const auto& e : std::filesystem::directory_iterator(dir, ec)) take(e);
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace pm::test
