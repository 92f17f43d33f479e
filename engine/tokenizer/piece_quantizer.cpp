#include "tokenizer/piece_quantizer.h"

#include "tokenizer/value_bins.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace pm::tok {
namespace {

constexpr int kDrumChannel = 9;                  // "channel 10" in MIDI's 1-based naming
constexpr int kLastPianoProgram = 7;             // General MIDI 0-7: the piano family
constexpr std::int64_t kFarAway = std::int64_t(1) << 52;   // beyond any bar limit; keeps sums from overflowing

// Ticks to grid steps as the exact ratio stepsPerUnit / ticksPerUnit, rounded half up.
class GridClock {
public:
    GridClock(const midi::Division& division, int positionsPerQuarter) {
        if (division.kind == midi::Division::Kind::Ppq) {
            num_ = std::uint64_t(positionsPerQuarter);
            den_ = std::max<std::uint64_t>(division.ticksPerBeat, 1);
        } else {
            // ticks per second = fps * ticksPerFrame (29.97 kept exact as 2997/100); a quarter
            // note is half a second at the 120 BPM an SMPTE file is read at.
            const std::uint64_t fpsTimes100 = division.smpteFormat == 29 ? 2997 : 100ull * division.smpteFormat;
            num_ = 2ull * std::uint64_t(positionsPerQuarter) * 100;
            den_ = std::max<std::uint64_t>(fpsTimes100 * division.ticksPerFrame, 1);
        }
    }

    std::int64_t steps(midi::Tick ticks) const {
        const std::uint64_t whole = ticks / den_, part = ticks % den_;
        if (whole > std::uint64_t(kFarAway) / num_) return kFarAway;
        return std::int64_t(whole * num_ + (2 * part * num_ + den_) / (2 * den_));
    }

private:
    std::uint64_t num_ = 1, den_ = 1;
};

// The program each channel plays at a tick, from the program changes of all tracks.
class ProgramTimeline {
public:
    explicit ProgramTimeline(const midi::MidiFile& file) {
        for (const midi::Track& track : file.tracks)
            for (const midi::ProgramChange& p : track.programs)
                if (p.channel < 16) changes_[p.channel].push_back({p.tick, p.program});
        for (auto& list : changes_)
            std::stable_sort(list.begin(), list.end(), [](const Change& a, const Change& b) { return a.tick < b.tick; });
    }

    // A change at the note's own tick counts: files put it just before the note-on.
    int programAt(int channel, midi::Tick tick) const {
        const auto& list = changes_[std::size_t(channel) & 15];
        auto after = std::upper_bound(list.begin(), list.end(), tick,
                                      [](midi::Tick t, const Change& c) { return t < c.tick; });
        return after == list.begin() ? 0 : std::prev(after)->program;
    }

private:
    struct Change {
        midi::Tick tick;
        int program;
    };
    std::vector<Change> changes_[16];
};

void quantizeNotes(const midi::MidiFile& file, const GridClock& clock, const Vocabulary& vocabulary,
                   QuantizedPiece& piece, EncodeReport& report) {
    const TokenizerConfig& config = vocabulary.config();
    const ProgramTimeline programs(file);
    const std::int64_t longest = maxDurationSteps(config);
    for (const midi::Track& track : file.tracks) {
        report.unclosedNotesIgnored += track.unclosedNotes.size();
        for (const midi::Note& note : track.notes) {
            ++report.notesInFile;
            if (note.channel == kDrumChannel) {
                ++report.drumNotesDropped;
                continue;
            }
            if (note.pitch < TokenizerConfig::kLowestPitch || note.pitch > TokenizerConfig::kHighestPitch) {
                ++report.outOfRangeDropped;
                continue;
            }
            if (programs.programAt(note.channel, note.start) > kLastPianoProgram) ++report.notesFolded;
            std::int64_t duration = clock.steps(note.end >= note.start ? note.end - note.start : 0);
            if (duration > longest) {
                duration = longest;
                ++report.durationsClamped;
            }
            piece.notes.push_back({clock.steps(note.start), duration, note.pitch, velocityBin(note.velocity, config)});
        }
    }
    std::sort(piece.notes.begin(), piece.notes.end(), [](const QuantizedNote& a, const QuantizedNote& b) {
        return std::tie(a.onset, a.pitch, a.velocityBin, a.duration) < std::tie(b.onset, b.pitch, b.velocityBin, b.duration);
    });
}

void quantizePedal(const midi::MidiFile& file, const GridClock& clock, QuantizedPiece& piece) {
    struct Raw {
        midi::Tick tick;
        bool down;
    };
    std::vector<Raw> raw;
    for (const midi::Track& track : file.tracks)
        for (const midi::SustainEvent& s : track.sustain)
            if (s.channel != kDrumChannel) raw.push_back({s.tick, s.value >= 64});
    // Stable: tracks in file order, each track's events in file order, merged by time.
    std::stable_sort(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) { return a.tick < b.tick; });
    piece.pedal.reserve(raw.size());
    for (const Raw& r : raw) piece.pedal.push_back({clock.steps(r.tick), r.down});
}

void quantizeTempoAndMetre(const midi::MidiFile& file, const GridClock& clock, const Vocabulary& vocabulary,
                           QuantizedPiece& piece, EncodeReport& report) {
    const TokenizerConfig& config = vocabulary.config();
    // SMPTE time does not follow tempo events; such files are read at a constant 120 BPM.
    if (file.division.kind == midi::Division::Kind::Ppq) {
        for (const midi::TempoChange& t : file.tempos) {
            const double bpm = microsecondsToBpm(t.usPerBeat);
            if (bpm < config.tempoMinBpm || bpm > config.tempoMaxBpm) ++report.temposClamped;
            piece.tempos.push_back({clock.steps(t.tick), tempoBin(bpm, config)});
        }
    }
    for (const midi::TimeSignature& ts : file.timeSignatures) {
        bool substituted = false;
        const int metre = metreIndexFor(vocabulary.metres(), ts.numerator, ts.denominatorPower, substituted);
        if (substituted) ++report.metresSubstituted;
        piece.metres.push_back({clock.steps(ts.tick), metre});
    }
    // The reader sorts these by tick already; rounding keeps that order.
}

}  // namespace

QuantizedPiece quantizePiece(const midi::MidiFile& file, const Vocabulary& vocabulary, EncodeReport& report) {
    QuantizedPiece piece;
    const GridClock clock(file.division, vocabulary.config().positionsPerQuarter);
    quantizeNotes(file, clock, vocabulary, piece, report);
    quantizePedal(file, clock, piece);
    quantizeTempoAndMetre(file, clock, vocabulary, piece, report);
    piece.endStep = clock.steps(file.endTick());
    return piece;
}

}  // namespace pm::tok
