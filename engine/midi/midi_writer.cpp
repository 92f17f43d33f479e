#include "midi/midi_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <tuple>

namespace pm::midi {
namespace {

constexpr std::uint32_t kMaxDelta = 0x0FFFFFFF;   // the largest 4-byte variable-length quantity

// The order of events that share a tick within a track. Pairing is first-in-first-out per key,
// so: close notes that started earlier, then orphan note-offs (no note of that key is open at
// that moment in a file the reader accepted), then note-ons (closed notes in model order, which
// puts the earlier-ending of two same-key notes first, then notes never closed), and last the
// note-offs of zero-length notes that started at this very tick.
enum Phase : std::uint8_t {
    kMeta,
    kProgram,
    kCloseEarlierNote,
    kOrphanOff,
    kNoteOn,
    kUnclosedNoteOn,
    kCloseZeroLengthNote,
    kSustain,
};

struct Event {
    Tick tick;
    Phase phase;
    std::uint32_t sequence;   // the order events were added: keeps model order within a phase
    std::uint8_t size;
    std::uint8_t bytes[7];    // status + data, or FF type length data for the fixed-size metas

    bool operator<(const Event& o) const {
        return std::tie(tick, phase, sequence) < std::tie(o.tick, o.phase, o.sequence);
    }
};

class TrackEvents {
public:
    void add(Tick tick, Phase phase, std::initializer_list<std::uint8_t> bytes) {
        Event e{tick, phase, std::uint32_t(events_.size()), std::uint8_t(bytes.size()), {}};
        std::copy(bytes.begin(), bytes.end(), e.bytes);
        events_.push_back(e);
    }
    std::vector<Event>& sorted() {
        std::sort(events_.begin(), events_.end());
        return events_;
    }

private:
    std::vector<Event> events_;
};

void putVlq(std::vector<std::uint8_t>& out, std::uint32_t v) {
    std::uint8_t groups[4];
    int n = 0;
    do {
        groups[n++] = std::uint8_t(v & 0x7F);
        v >>= 7;
    } while (v && n < 4);
    while (n-- > 0) out.push_back(std::uint8_t(groups[n] | (n ? 0x80 : 0)));
}

void putBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

// Deltas above the 4-byte maximum are carried by empty text events, which readers skip.
void putDelta(std::vector<std::uint8_t>& out, Tick delta) {
    while (delta > kMaxDelta) {
        putVlq(out, kMaxDelta);
        out.insert(out.end(), {0xFF, 0x01, 0x00});
        delta -= kMaxDelta;
    }
    putVlq(out, std::uint32_t(delta));
}

Diagnostic invalid(int track, const std::string& what) { return Diagnostic{"cannot write: " + what, 0, track}; }

std::optional<Diagnostic> validate(const MidiFile& file) {
    if (file.format > 2) return invalid(-1, "format " + std::to_string(file.format) + " (0, 1 or 2 expected)");
    if (file.format == 0 && file.tracks.size() != 1)
        return invalid(-1, "format 0 holds exactly one track, this model has " + std::to_string(file.tracks.size()));
    if (file.tracks.size() > 0xFFFF) return invalid(-1, "more than 65535 tracks");
    const Division& d = file.division;
    if (d.kind == Division::Kind::Ppq && d.ticksPerBeat > 0x7FFF)
        return invalid(-1, "ticks per beat above 32767");
    if (d.kind == Division::Kind::Smpte && (d.smpteFormat == 0 || d.smpteFormat > 128))
        return invalid(-1, "SMPTE frame rate code " + std::to_string(d.smpteFormat));
    const auto badTrack = [&](std::uint32_t t) { return t >= file.tracks.size(); };
    for (const TempoChange& t : file.tempos)
        if (badTrack(t.track) || t.usPerBeat > 0xFFFFFF) return invalid(-1, "tempo event out of range");
    for (const TimeSignature& t : file.timeSignatures)
        if (badTrack(t.track) || t.denominatorPower > 31) return invalid(-1, "time signature out of range");
    for (const KeySignature& k : file.keySignatures)
        if (badTrack(k.track) || k.sharps < -7 || k.sharps > 7) return invalid(-1, "key signature out of range");
    for (std::size_t i = 0; i < file.tracks.size(); ++i) {
        const Track& t = file.tracks[i];
        const int ti = int(i);
        for (const Note& n : t.notes)
            if (n.pitch > 127 || n.channel > 15 || n.velocity == 0 || n.velocity > 127 || n.end < n.start)
                return invalid(ti, "note out of range (pitch, velocity 1-127, channel or end before start)");
        for (const UnclosedNote& n : t.unclosedNotes)
            if (n.pitch > 127 || n.channel > 15 || n.velocity == 0 || n.velocity > 127)
                return invalid(ti, "unclosed note out of range");
        for (const OrphanNoteOff& o : t.orphanNoteOffs)
            if (o.pitch > 127 || o.channel > 15) return invalid(ti, "orphan note-off out of range");
        for (const SustainEvent& s : t.sustain)
            if (s.channel > 15 || s.value > 127) return invalid(ti, "sustain event out of range");
        for (const ProgramChange& p : t.programs)
            if (p.channel > 15 || p.program > 127) return invalid(ti, "program change out of range");
    }
    return std::nullopt;
}

void collectTrackEvents(const MidiFile& file, std::uint32_t index, TrackEvents& events) {
    for (const TempoChange& t : file.tempos)
        if (t.track == index)
            events.add(t.tick, kMeta, {0xFF, 0x51, 3, std::uint8_t(t.usPerBeat >> 16), std::uint8_t(t.usPerBeat >> 8),
                                       std::uint8_t(t.usPerBeat)});
    for (const TimeSignature& t : file.timeSignatures)
        if (t.track == index)
            events.add(t.tick, kMeta, {0xFF, 0x58, 4, t.numerator, t.denominatorPower, t.clocksPerClick,
                                       t.thirtySecondsPerBeat});
    for (const KeySignature& k : file.keySignatures)
        if (k.track == index) events.add(k.tick, kMeta, {0xFF, 0x59, 2, std::uint8_t(k.sharps), std::uint8_t(k.minor ? 1 : 0)});

    const Track& track = file.tracks[index];
    for (const ProgramChange& p : track.programs) events.add(p.tick, kProgram, {std::uint8_t(0xC0 | p.channel), p.program});
    for (const Note& n : track.notes) {
        const auto on = std::uint8_t(0x90 | n.channel);
        events.add(n.start, kNoteOn, {on, n.pitch, n.velocity});
        // Note-offs as velocity-0 note-ons: the same status, so running status shortens them.
        events.add(n.end, n.end == n.start ? kCloseZeroLengthNote : kCloseEarlierNote, {on, n.pitch, 0});
    }
    for (const UnclosedNote& n : track.unclosedNotes)
        events.add(n.start, kUnclosedNoteOn, {std::uint8_t(0x90 | n.channel), n.pitch, n.velocity});
    for (const OrphanNoteOff& o : track.orphanNoteOffs)
        events.add(o.tick, kOrphanOff, {std::uint8_t(0x90 | o.channel), o.pitch, 0});
    for (const SustainEvent& s : track.sustain) events.add(s.tick, kSustain, {std::uint8_t(0xB0 | s.channel), 64, s.value});
}

bool encodeTrack(const MidiFile& file, std::uint32_t index, std::vector<std::uint8_t>& out) {
    const Track& track = file.tracks[index];
    TrackEvents events;
    collectTrackEvents(file, index, events);

    std::vector<std::uint8_t> body;
    if (track.name) {
        body.insert(body.end(), {0x00, 0xFF, 0x03});
        if (track.name->size() > kMaxDelta) return false;
        putVlq(body, std::uint32_t(track.name->size()));
        body.insert(body.end(), track.name->begin(), track.name->end());
    }
    Tick now = 0;
    std::uint8_t runningStatus = 0;
    for (const Event& e : events.sorted()) {
        putDelta(body, e.tick - now);
        now = e.tick;
        const std::uint8_t status = e.bytes[0];
        if (status == 0xFF) {
            runningStatus = 0;   // spec: meta events cancel running status
            body.insert(body.end(), e.bytes, e.bytes + e.size);
        } else {
            body.insert(body.end(), e.bytes + (status == runningStatus ? 1 : 0), e.bytes + e.size);
            runningStatus = status;
        }
    }
    putDelta(body, std::max(track.endTick, now) - now);
    body.insert(body.end(), {0xFF, 0x2F, 0x00});
    if (body.size() > 0xFFFFFFFFull) return false;

    out.insert(out.end(), {'M', 'T', 'r', 'k'});
    putBigEndian32(out, std::uint32_t(body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return true;
}

}  // namespace

Result<std::vector<std::uint8_t>> writeMidi(const MidiFile& file) {
    if (auto problem = validate(file)) return *problem;
    std::vector<std::uint8_t> out = {'M', 'T', 'h', 'd', 0, 0, 0, 6};
    out.push_back(std::uint8_t(file.format >> 8));
    out.push_back(std::uint8_t(file.format));
    out.push_back(std::uint8_t(file.tracks.size() >> 8));
    out.push_back(std::uint8_t(file.tracks.size()));
    const Division& d = file.division;
    if (d.kind == Division::Kind::Smpte) {
        out.push_back(std::uint8_t(256 - d.smpteFormat));   // the frame rate as a negative byte
        out.push_back(d.ticksPerFrame);
    } else {
        out.push_back(std::uint8_t(d.ticksPerBeat >> 8));
        out.push_back(std::uint8_t(d.ticksPerBeat));
    }
    for (std::uint32_t i = 0; i < file.tracks.size(); ++i)
        if (!encodeTrack(file, i, out)) return invalid(int(i), "track longer than the 4 GB a chunk can hold");
    return out;
}

Result<std::size_t> writeMidiFile(const MidiFile& file, const std::string& path) {
    Result<std::vector<std::uint8_t>> bytes = writeMidi(file);
    if (!bytes) return bytes.error();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Diagnostic{"cannot create '" + path + "': " + std::strerror(errno), 0, -1};
    const std::vector<std::uint8_t>& data = bytes.value();
    const bool written = std::fwrite(data.data(), 1, data.size(), f) == data.size();
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) return Diagnostic{"cannot write '" + path + "': " + std::strerror(errno), 0, -1};
    return data.size();
}

}  // namespace pm::midi
