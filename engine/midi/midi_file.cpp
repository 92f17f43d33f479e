#include "midi/midi_file.h"

#include <algorithm>
#include <tuple>

namespace pm::midi {

std::string KeySignature::name() const {
    // Index by sharps + 7: the major key with that many sharps (negative = flats), then its
    // relative minor. Spellings follow mido so `inspect --json` compares with midi_oracle.py.
    static const char* const kMajor[15] = {"Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C",
                                           "G",  "D",  "A",  "E",  "B",  "F#", "C#"};
    static const char* const kMinor[15] = {"Abm", "Ebm", "Bbm", "Fm",  "Cm",  "Gm",  "Dm", "Am",
                                           "Em",  "Bm",  "F#m", "C#m", "G#m", "D#m", "A#m"};
    const int i = std::clamp(int(sharps), -7, 7) + 7;
    return minor ? kMinor[i] : kMajor[i];
}

std::string Diagnostic::toString() const {
    std::string where = track >= 0 ? "track " + std::to_string(track) + ", " : std::string();
    return where + "byte " + std::to_string(offset) + ": " + message;
}

std::size_t MidiFile::noteCount() const {
    std::size_t n = 0;
    for (const Track& t : tracks) n += t.notes.size();
    return n;
}

Tick MidiFile::endTick() const {
    Tick end = 0;
    for (const Track& t : tracks) end = std::max(end, t.endTick);
    return end;
}

bool operator==(const Note& a, const Note& b) {
    return std::tie(a.start, a.end, a.startSeconds, a.endSeconds, a.pitch, a.velocity, a.channel) ==
           std::tie(b.start, b.end, b.startSeconds, b.endSeconds, b.pitch, b.velocity, b.channel);
}

namespace {

bool same(const UnclosedNote& a, const UnclosedNote& b) {
    return std::tie(a.start, a.startSeconds, a.pitch, a.velocity, a.channel) ==
           std::tie(b.start, b.startSeconds, b.pitch, b.velocity, b.channel);
}
bool same(const OrphanNoteOff& a, const OrphanNoteOff& b) {
    return std::tie(a.tick, a.pitch, a.channel) == std::tie(b.tick, b.pitch, b.channel);
}
bool same(const SustainEvent& a, const SustainEvent& b) {
    return std::tie(a.tick, a.channel, a.value) == std::tie(b.tick, b.channel, b.value);
}
bool same(const ProgramChange& a, const ProgramChange& b) {
    return std::tie(a.tick, a.channel, a.program) == std::tie(b.tick, b.channel, b.program);
}
bool same(const TempoChange& a, const TempoChange& b) {
    return std::tie(a.tick, a.usPerBeat, a.track) == std::tie(b.tick, b.usPerBeat, b.track);
}
bool same(const TimeSignature& a, const TimeSignature& b) {
    return std::tie(a.tick, a.numerator, a.denominatorPower, a.clocksPerClick, a.thirtySecondsPerBeat, a.track) ==
           std::tie(b.tick, b.numerator, b.denominatorPower, b.clocksPerClick, b.thirtySecondsPerBeat, b.track);
}
bool same(const KeySignature& a, const KeySignature& b) {
    return std::tie(a.tick, a.sharps, a.minor, a.track) == std::tie(b.tick, b.sharps, b.minor, b.track);
}
bool same(const Note& a, const Note& b) { return a == b; }
bool same(const Track& a, const Track& b) { return a == b; }

template <typename T>
bool sameList(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const T& x, const T& y) { return same(x, y); });
}

}  // namespace

bool operator==(const Track& a, const Track& b) {
    return a.name == b.name && a.endTick == b.endTick && sameList(a.notes, b.notes) &&
           sameList(a.unclosedNotes, b.unclosedNotes) && sameList(a.orphanNoteOffs, b.orphanNoteOffs) &&
           sameList(a.sustain, b.sustain) && sameList(a.programs, b.programs);
}

bool operator==(const MidiFile& a, const MidiFile& b) {
    const Division& da = a.division;
    const Division& db = b.division;
    return a.format == b.format && da.kind == db.kind && da.ticksPerBeat == db.ticksPerBeat &&
           da.smpteFormat == db.smpteFormat && da.ticksPerFrame == db.ticksPerFrame &&
           a.durationSeconds == b.durationSeconds && sameList(a.tempos, b.tempos) &&
           sameList(a.timeSignatures, b.timeSignatures) && sameList(a.keySignatures, b.keySignatures) &&
           sameList(a.tracks, b.tracks);
}

}  // namespace pm::midi
