// The note model of a Standard MIDI File: what the reader produces, the writer consumes and the
// tokenizer will read. Times are absolute ticks (64-bit: long files at fine resolution pass 2^32)
// plus seconds through the file's tempo map. Only what music needs is kept; text, sysex payloads
// and other controllers are counted or skipped, so memory stays proportional to the notes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pm::midi {

using Tick = std::uint64_t;

constexpr std::uint32_t kDefaultTempo = 500000;   // µs per quarter note (120 BPM) until a tempo event

struct Division {
    enum class Kind : std::uint8_t { Ppq, Smpte };
    Kind kind = Kind::Ppq;
    std::uint16_t ticksPerBeat = 480;   // Ppq: ticks per quarter note (15 bits)
    std::uint8_t smpteFormat = 0;       // Smpte: 24, 25, 29 (= 29.97 drop-frame) or 30 frames per second
    std::uint8_t ticksPerFrame = 0;     // Smpte: subframe resolution

    // 29 is the drop-frame code; its real rate is 29.97.
    double framesPerSecond() const { return smpteFormat == 29 ? 29.97 : double(smpteFormat); }
};

struct Note {
    Tick start = 0, end = 0;             // end == start is a kept zero-length note
    double startSeconds = 0, endSeconds = 0;
    std::uint8_t pitch = 0, velocity = 0, channel = 0;   // channel 0..15
};

// A note-on that no note-off closed before the end of its track.
struct UnclosedNote {
    Tick start = 0;
    double startSeconds = 0;
    std::uint8_t pitch = 0, velocity = 0, channel = 0;
};

// A note-off (or velocity-0 note-on) with no open note of its key to close.
struct OrphanNoteOff {
    Tick tick = 0;
    std::uint8_t pitch = 0, channel = 0;
};

struct SustainEvent {   // controller 64: value >= 64 is pedal down
    Tick tick = 0;
    std::uint8_t channel = 0, value = 0;
};

struct ProgramChange {
    Tick tick = 0;
    std::uint8_t channel = 0, program = 0;
};

struct TempoChange {
    Tick tick = 0;
    std::uint32_t usPerBeat = kDefaultTempo;
    std::uint32_t track = 0;   // MTrk index it came from (format 2 tempo maps are per track)
};

struct TimeSignature {
    Tick tick = 0;
    std::uint8_t numerator = 4;
    std::uint8_t denominatorPower = 2;     // denominator = 2^denominatorPower (stored as in the file)
    std::uint8_t clocksPerClick = 24;
    std::uint8_t thirtySecondsPerBeat = 8;
    std::uint32_t track = 0;
    std::uint64_t denominator() const { return std::uint64_t(1) << denominatorPower; }
};

struct KeySignature {
    Tick tick = 0;
    std::int8_t sharps = 0;   // -7 (7 flats) .. 7 (7 sharps)
    bool minor = false;
    std::uint32_t track = 0;
    std::string name() const;   // "C", "F#m", "Bb" — the spelling mido uses
};

struct Track {
    std::optional<std::string> name;          // first track-name meta event, raw bytes (Latin-1 in practice)
    std::vector<Note> notes;                  // sorted by (start, pitch, channel, end, velocity)
    std::vector<UnclosedNote> unclosedNotes;  // sorted by (start, pitch, channel, velocity)
    std::vector<OrphanNoteOff> orphanNoteOffs;
    std::vector<SustainEvent> sustain;        // file order
    std::vector<ProgramChange> programs;      // file order
    Tick endTick = 0;                         // tick of the track's last event (end-of-track included)

    // Statistics of the file as read; not part of the musical content, so the writer does not
    // reproduce them and operator== ignores them.
    std::uint64_t eventCount = 0;
    std::uint32_t sysexCount = 0;   // a sysex split into F0/F7 packets counts once
};

// A repair the lenient reader made, or the reason a read failed.
struct Diagnostic {
    std::string message;
    std::uint64_t offset = 0;   // byte offset in the file as given (RIFF wrapper included)
    int track = -1;             // MTrk index (0-based, file order), -1 when not inside a track
    std::string toString() const;
};

struct MidiFile {
    std::uint16_t format = 1;   // the header's value, even when lenient reading saw something else
    Division division;
    std::vector<TempoChange> tempos;            // all tracks, sorted by (tick, track, file order)
    std::vector<TimeSignature> timeSignatures;  // same order
    std::vector<KeySignature> keySignatures;    // same order
    std::vector<Track> tracks;                  // MTrk chunks in file order

    // What the file said and how it was repaired; ignored by operator== like Track's statistics.
    std::uint16_t headerTrackCount = 0;
    std::vector<Diagnostic> warnings;           // at most ReadLimits::maxWarnings kept ...
    std::uint64_t warningsDropped = 0;          // ... the rest only counted

    std::size_t noteCount() const;
    Tick endTick() const;           // the latest track end
    double durationSeconds = 0;     // time of the latest track end through the tempo map
};

// Musical equality: everything the writer round-trips (notes, seconds, tempo map, signatures,
// names, pedal, programs, track ends), not the statistics and warnings of one particular read.
bool operator==(const Note& a, const Note& b);
bool operator==(const Track& a, const Track& b);
bool operator==(const MidiFile& a, const MidiFile& b);
inline bool operator!=(const MidiFile& a, const MidiFile& b) { return !(a == b); }

}  // namespace pm::midi
